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
