//! Not yet implemented: detects nothing, parses nothing.

use std::path::Path;

use crate::{Detection, EntitySink, ListError, ParseOutcome, SourcePlan};

pub(crate) fn sniff(_path: &Path, _head: &[u8]) -> Option<Detection> {
    None
}

pub(crate) fn parse(
    plan: &SourcePlan,
    _sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    Err(ListError::MissingFile {
        path: plan
            .files
            .first()
            .map(|f| f.path.clone())
            .unwrap_or_default(),
        message: "format not implemented yet".into(),
    })
}

/// Writes entities as FtM JSON lines.
pub fn write_ftm<'a, W: std::io::Write>(
    out: &mut W,
    entities: impl IntoIterator<Item = &'a cordon_model::Entity>,
) -> std::io::Result<()> {
    for e in entities {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
