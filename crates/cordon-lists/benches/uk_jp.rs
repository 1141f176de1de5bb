//! Parse time of the real UK and Japan lists (`../shared/data/lists`, or `CORDON_SHARED_DATA`).
//!
//! `CARGO_TARGET_DIR=/work/tgt/ukjp cargo bench -p cordon-lists --bench uk_jp`

use std::hint::black_box;
use std::path::PathBuf;

use cordon_lists::{CollectSink, parse_source, plan};
use criterion::{Criterion, criterion_group, criterion_main};

fn lists_dir() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
        .join("lists")
}

fn bench(c: &mut Criterion) {
    let (plans, _) = plan(&lists_dir());
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for source in ["uk-sl", "uk-yaml", "jp-mof"] {
        let Some(p) = plans.iter().find(|p| p.source_id == source) else {
            eprintln!(
                "{source}: not found under {}; skipped",
                lists_dir().display()
            );
            continue;
        };
        group.bench_function(source, |b| {
            b.iter(|| {
                let mut sink = CollectSink::default();
                let outcome = parse_source(black_box(p), &mut sink);
                black_box((outcome.is_ok(), sink.entities.len()))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
