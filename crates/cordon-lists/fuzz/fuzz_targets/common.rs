//! Feeds one input as the single file of a source in a given format.

use cordon_lists::{CollectSink, Format, Role, SourceFile, SourcePlan, parse_source};

pub fn run(format: Format, data: &[u8]) {
    let plan = SourcePlan {
        source_id: "fuzz".into(),
        format,
        files: vec![SourceFile::in_memory("fuzz", Role::Primary, data.to_vec())],
    };
    let _ = parse_source(&plan, &mut CollectSink::default());
}
