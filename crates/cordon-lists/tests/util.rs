//! Shared helpers for the integration tests.

use std::path::PathBuf;

use cordon_lists::{CollectSink, SourcePlan, parse_source, plan};

/// `../shared/data` beside the repository (override with `CORDON_SHARED_DATA`).
pub(crate) fn shared_data() -> PathBuf {
    if let Ok(p) = std::env::var("CORDON_SHARED_DATA") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The real lists directory.
pub(crate) fn lists_dir() -> PathBuf {
    shared_data().join("lists")
}

/// This crate's fixture directory.
pub(crate) fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Plans a directory and returns the plan for one source id.
#[allow(dead_code)]
pub(crate) fn plan_for(dir: &std::path::Path, source_id: &str) -> SourcePlan {
    let (plans, _) = plan(dir);
    plans
        .into_iter()
        .find(|p| p.source_id == source_id)
        .unwrap_or_else(|| panic!("no source {source_id} under {}", dir.display()))
}

/// Parses a plan into memory, panicking on a fatal error.
#[allow(dead_code)]
pub(crate) fn parse_all(plan: &SourcePlan) -> CollectSink {
    let mut sink = CollectSink::default();
    parse_source(plan, &mut sink).unwrap_or_else(|e| panic!("{}: {e}", plan.source_id));
    sink
}
