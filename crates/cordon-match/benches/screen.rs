//! Criterion benchmarks: `compare` on representative pairs, and `screen` against an index of
//! the development set's list-side names (about 1,800 entities; for latency over all lists use
//! `examples/screen_latency.rs`, see docs/benchmarks/screen.md).

use std::hint::black_box;

use cordon_match::{Matcher, Options, Query, compare};
use cordon_model::{Entity, Schema, prop};
use criterion::{Criterion, criterion_group, criterion_main};

fn pairs() -> Vec<(String, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pairs.csv");
    let mut rdr = match csv::Reader::from_path(path) {
        Ok(r) => r,
        Err(_) => return Vec::new(),
    };
    rdr.records()
        .map_while(Result::ok)
        .map(|r| {
            (
                r.get(1).unwrap_or("").to_owned(),
                r.get(2).unwrap_or("").to_owned(),
                r.get(3).unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    c.bench_function("compare Kim Jong Un / 김정은", |b| {
        b.iter(|| compare(black_box("Kim Jong Un"), black_box("김정은"), None))
    });
    c.bench_function("compare Mohammed Ali Hassan / Muhammad Ali Hasan", |b| {
        b.iter(|| {
            compare(
                black_box("Mohammed Ali Hassan"),
                black_box("Muhammad Ali Hasan"),
                None,
            )
        })
    });
    let ps = pairs();
    let entities: Vec<Entity> = ps
        .iter()
        .enumerate()
        .map(|(i, (schema, _, cand))| {
            let s = schema.parse().unwrap_or(Schema::LegalEntity);
            let mut e = Entity::new(format!("e{i}"), s);
            e.add(prop::NAME, cand);
            e.add_dataset("devset");
            e
        })
        .collect();
    c.bench_function("build index (dev set)", |b| {
        b.iter(|| Matcher::build(black_box(entities.clone())))
    });
    let m = Matcher::build(entities);
    let queries: Vec<Query> = ps.iter().filter_map(|p| Query::new(&p.1).ok()).collect();
    let opts = Options::default();
    let mut i = 0;
    c.bench_function("screen one query (dev set index)", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len().max(1);
            queries.get(i).map(|q| m.screen(q, &opts))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
