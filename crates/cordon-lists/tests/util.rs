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

/// Parses a plan twice and checks that both parses give the same entities in the same order,
/// with ids unique within the source: ids must be stable for versions and diffs to mean anything.
#[allow(dead_code)]
pub(crate) fn assert_reparse_stable(plan: &SourcePlan) {
    let (a, b) = (parse_all(plan).entities, parse_all(plan).entities);
    assert_eq!(a, b, "{}: a second parse differs", plan.source_id);
    let unique: std::collections::BTreeSet<&str> = a.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(unique.len(), a.len(), "{}: ids are unique", plan.source_id);
}
