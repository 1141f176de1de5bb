//! Tracing benchmark on a generated graph (a bench binary, not criterion: one large graph,
//! a few timed questions). Size from `TRACE_BENCH_TRANSFERS` (default 1,000,000).
//! Writes `edges.csv` and `answers.csv` into `TRACE_BENCH_DIR` for the DuckDB comparison
//! (`benches/run.sh`).

use std::io::Write;
use std::time::Instant;

use cordon_trace::generate::{GenConfig, generate_to};
use cordon_trace::{AccountRule, ExposureOptions, TraceOptions, earliest_arrival, exposure, trace};
use cordon_tx::TxStore;

fn rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
                    / 1024
            })
        })
        .map_or("?".into(), |m| format!("{m} MB"))
}

fn main() {
    let n: u64 = std::env::var("TRACE_BENCH_TRANSFERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::path::PathBuf::from(
        std::env::var("TRACE_BENCH_DIR").unwrap_or_else(|_| "/tmp/cordon-trace-bench".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let accounts = (n / 10).clamp(1_000, 10_000_000) as u32;
    let cfg = GenConfig {
        seed: 1,
        accounts,
        transfers: n,
        thefts: 1,
        theft_eth: 50_000,
        split: 20,
        peel_len: 20,
        mixer_denom_eth: 100,
        exchanges: 50,
    };
    // Streamed: time-ordered emission straight into the column files, adjacency by counting
    // passes over the mapped columns (no in-memory copy of the transfers).
    let gdir = dir.join("graph");
    let t = Instant::now();
    let g = generate_to(&cfg, &gdir).unwrap();
    let build = t.elapsed();
    println!(
        "graph: {} transfers, {} addresses",
        g.store.len(),
        g.store.num_addresses()
    );
    println!(
        "ingest (generate in time order + write columns + screen + both CSRs + tx index, streamed): {:.2} s = {:.2} M transfers/s; column bytes {} MB; peak RSS so far {}",
        build.as_secs_f64(),
        g.store.len() as f64 / build.as_secs_f64() / 1e6,
        g.store.column_bytes() / 1_000_000,
        rss_mb()
    );
    let truth = g.truth[0].clone();
    let labels = g.labels;
    drop(g.store);
    let t = Instant::now();
    let store = TxStore::open(&gdir).unwrap();
    println!("open (mmap + validate): {:.3} s", t.elapsed().as_secs_f64());
    for rule in [AccountRule::Haircut, AccountRule::Fifo] {
        let t = Instant::now();
        let r = trace(
            &store,
            &labels,
            &truth.thief,
            &TraceOptions {
                rule,
                ..TraceOptions::default()
            },
        )
        .unwrap();
        let el = t.elapsed();
        assert_eq!(r.sink_total(), r.introduced_total);
        println!(
            "forward trace ({rule}): {:.2} ms, {} tainted transfers, {} sinks",
            el.as_secs_f64() * 1e3,
            r.flows.len(),
            r.sinks.len()
        );
    }
    // Exposure p50 over deposit addresses and random background addresses.
    let mut targets: Vec<String> = truth.deposits.iter().map(|d| d.address.clone()).collect();
    let mut x: u64 = 12345;
    for _ in 0..400 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        targets.push(
            store
                .address(((x >> 33) % u64::from(accounts)) as u32)
                .to_string(),
        );
    }
    let mut times = Vec::new();
    let mut truncated = 0;
    for a in &targets {
        let t = Instant::now();
        let rep = exposure(
            &store,
            &labels,
            a,
            &ExposureOptions {
                max_hops: 5,
                ..ExposureOptions::default()
            },
        )
        .unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        truncated += usize::from(rep.truncated);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "exposure (≤5 hops, both directions) over {} addresses: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms, truncated {}",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0),
        truncated
    );
    // Reachability question shared with DuckDB, from a busy background account (the thief's
    // own reach is only its laundering tree).
    let src = 0u32;
    let t = Instant::now();
    let reach = earliest_arrival(&store, src, 5);
    let el = t.elapsed();
    println!(
        "reachability (≤5 hops, time-respecting) from {}: {:.3} ms, {} addresses",
        store.address(src),
        el.as_secs_f64() * 1e3,
        reach.len()
    );
    let mut ans: Vec<_> = reach
        .iter()
        .map(|(k, v)| (store.address(*k).to_string(), *v))
        .collect();
    ans.sort();
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("answers.csv")).unwrap());
    writeln!(f, "addr,t").unwrap();
    for (a, t) in &ans {
        writeln!(f, "{a},{t}").unwrap();
    }
    // Edges for DuckDB: the same non-excluded transfers, times as integers (skipped above
    // TRACE_BENCH_DUCKDB_MAX transfers, default 20 M: ~100 bytes of CSV per transfer).
    let duck_max: usize = std::env::var("TRACE_BENCH_DUCKDB_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000_000);
    if store.len() > duck_max {
        println!(
            "edges.csv not written ({} > TRACE_BENCH_DUCKDB_MAX {duck_max})",
            store.len()
        );
        println!("peak RSS: {}", rss_mb());
        return;
    }
    let mut e = std::io::BufWriter::new(std::fs::File::create(dir.join("edges.csv")).unwrap());
    writeln!(e, "src,dst,t,amount").unwrap();
    for i in 0..store.len() as u32 {
        let tr = store.transfer(i);
        if tr.exclusion.is_none() {
            writeln!(
                e,
                "{},{},{},{}",
                store.address(tr.from),
                store.address(tr.to),
                tr.time,
                tr.amount
            )
            .unwrap();
        }
    }
    std::fs::write(dir.join("source.txt"), store.address(src)).unwrap();
    std::fs::write(
        dir.join("cordon_reach_ms.txt"),
        format!("{}", el.as_secs_f64() * 1e3),
    )
    .unwrap();
    println!("peak RSS: {}", rss_mb());
}
