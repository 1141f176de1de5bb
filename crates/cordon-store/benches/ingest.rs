//! Ingest of every list under `../shared/data/lists` into a fresh store.
//!
//! Run: `cargo bench -p cordon-store --bench ingest`

use std::path::PathBuf;

use cordon_store::{IngestOptions, IngestStatus, Store, ingest_dir};
use criterion::{Criterion, criterion_group, criterion_main};

fn lists_dir() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
        .join("lists")
}

fn ingest_all(c: &mut Criterion) {
    let dir = lists_dir();
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.bench_function("all_shared_lists_fresh_store", |b| {
        b.iter_with_setup(
            || tempfile::tempdir().expect("temp dir"),
            |tmp| {
                let store = Store::open(&tmp.path().join("c.redb")).expect("store");
                let report = ingest_dir(&store, &dir, &IngestOptions::default());
                assert!(
                    report
                        .sources
                        .iter()
                        .all(|s| matches!(s.status, IngestStatus::Stored { .. }))
                );
                drop(store);
                tmp
            },
        );
    });
    group.finish();
}

criterion_group!(benches, ingest_all);
criterion_main!(benches);
