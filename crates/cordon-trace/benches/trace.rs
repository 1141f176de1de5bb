//! Tracing benchmark on a generated graph (a bench binary, not criterion: one large graph,
//! a few timed questions). Size from `TRACE_BENCH_TRANSFERS` (default 1,000,000) and
//! `TRACE_BENCH_ACCOUNTS` (default a tenth of the transfers, at most 10,000,000: ten transfers
//! per account; fewer accounts make a denser graph that taint crosses more easily); files go
//! to `TRACE_BENCH_DIR` (default `/tmp/cordon-trace-bench`).
//!
//! Questions: the streamed build (ingest rate), opening the mapped store, forward
//! propagation of three thefts under haircut and FIFO (one that ends in services, checked
//! against the planted ground truth; one that cashes out to an OTC desk inside the
//! background; and one that does so at the very start of the graph's time span, so its taint
//! meets all the trading that follows: the whole-graph propagation stress), exposure (≤ 5
//! hops, both directions)
//! percentiles, and time-respecting reachability. For the DuckDB side by side
//! (`benches/duckdb_compare.py`, run by `benches/run.sh`) it writes the answers and the
//! inputs DuckDB needs under `duck/`.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use cordon_trace::generate::{GenConfig, TheftTruth, generate_to};
use cordon_trace::{
    AccountRule, ExposureOptions, Label, Labels, TraceOptions, earliest_arrival, exposure, trace,
};
use cordon_tx::{Amount, TxStore};

/// `VmHWM` (peak resident set) and `RssAnon` (heap, not file pages) from /proc, MB.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or_else(|| "?".into(), |kb| format!("{} MB", kb / 1024))
    };
    format!(
        "peak RSS {}, RSS now {} (anonymous {})",
        field("VmHWM"),
        field("VmRSS"),
        field("RssAnon")
    )
}

/// CPU time of this thread so far (`CLOCK_THREAD_CPUTIME_ID`: exact, where the counters in
/// `/proc` only move at scheduler ticks, too coarse for millisecond questions).
#[allow(unsafe_code)]
fn cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (w, c) = (Instant::now(), cpu());
    let r = f();
    (r, w.elapsed(), cpu().saturating_sub(c))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
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
    let accounts: u32 = std::env::var("TRACE_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or((n / 10).clamp(1_000, 10_000_000) as u32);
    let cfg = GenConfig {
        seed: 1,
        accounts,
        transfers: n,
        // The early leak is planned last, so theft 0 and 1 and the background are the same
        // as in a two-theft graph.
        thefts: 3,
        theft_eth: 50_000,
        split: 20,
        peel_len: 20,
        mixer_denom_eth: 100,
        exchanges: 50,
        leaky_thefts: 2,
        early_leaks: 1,
    };
    // Streamed: time-ordered emission straight into the column files, adjacency by counting
    // passes over the mapped columns (no in-memory copy of the transfers).
    let gdir = dir.join("graph");
    // TRACE_BENCH_REUSE=1 re-asks the questions on the graph a previous run built (with the
    // labels and ground truth it saved).
    let reuse = std::env::var("TRACE_BENCH_REUSE").is_ok_and(|v| v == "1");
    let saved = dir.join("truth.json");
    let (truth, labels) = if reuse {
        let (truth, list): (Vec<TheftTruth>, Vec<(String, Label)>) =
            serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
        let mut labels = Labels::new();
        for (a, l) in list {
            labels.insert(&a, l);
        }
        (truth, labels)
    } else {
        let (g, wall, cpu_t) = timed(|| generate_to(&cfg, &gdir).unwrap());
        println!(
            "graph: {} transfers, {} addresses",
            g.store.len(),
            g.store.num_addresses()
        );
        println!(
            "ingest (generate in time order + write columns + screen + both CSRs + tx index, streamed): {:.1} s wall, {:.1} s CPU = {:.2} M transfers/s wall, {:.2} M/s per CPU-second; columns on disk {} MB; {}",
            wall.as_secs_f64(),
            cpu_t.as_secs_f64(),
            g.store.len() as f64 / wall.as_secs_f64() / 1e6,
            g.store.len() as f64 / cpu_t.as_secs_f64().max(1e-9) / 1e6,
            g.store.column_bytes() / 1_000_000,
            memory()
        );
        let list: Vec<(&str, &Label)> = g.labels.iter().collect();
        std::fs::write(&saved, serde_json::to_vec(&(&g.truth, list)).unwrap()).unwrap();
        (g.truth, g.labels)
    };
    let (store, wall, cpu_t) = timed(|| TxStore::open(&gdir).unwrap());
    println!(
        "open (mmap + validate every offset and id + address table): {:.2} s wall, {:.2} s CPU; {}",
        wall.as_secs_f64(),
        cpu_t.as_secs_f64(),
        memory()
    );

    // Theft 0 ends in services: the sinks must be the planted deposits exactly.
    // Theft 1 cashes a lot out to an OTC desk in the background: full propagation.
    // Theft 2 does so at the start of the span (graphs built before it existed have two).
    for (k, what) in [
        (0, "planted, ends in services"),
        (1, "leaks into the background"),
        (2, "leaks early: whole-graph propagation"),
    ] {
        let Some(th) = truth.get(k) else { continue };
        for rule in [AccountRule::Haircut, AccountRule::Fifo] {
            let opts = TraceOptions {
                rule,
                ..TraceOptions::default()
            };
            let (r, wall, cpu_t) = timed(|| trace(&store, &labels, &th.thief, &opts).unwrap());
            assert_eq!(r.sink_total(), r.introduced_total, "conservation");
            assert_eq!(r.introduced_total, th.amount);
            if k == 0 {
                let mut got: Vec<(String, Amount)> = r
                    .sinks
                    .iter()
                    .map(|s| (s.address.clone(), s.taint_base))
                    .collect();
                let mut want: Vec<(String, Amount)> = Vec::new();
                for d in &th.deposits {
                    match want.iter_mut().find(|w| w.0 == d.address) {
                        Some(w) => w.1 += d.amount,
                        None => want.push((d.address.clone(), d.amount)),
                    }
                }
                got.sort();
                want.sort();
                assert_eq!(got, want, "ground truth");
            }
            println!(
                "forward trace, theft {k} ({what}), {rule}: {:.1} ms wall, {:.1} ms CPU; {} tainted transfers ({:.1} % of the graph), {} accounts carried taint ({:.1} % of the background), {} sinks listed + {} summarised; {}",
                ms(wall),
                ms(cpu_t),
                r.flows.len(),
                100.0 * r.flows.len() as f64 / store.len() as f64,
                r.accounts_touched,
                100.0 * r.accounts_touched as f64 / f64::from(accounts),
                r.sinks.len(),
                r.sinks_omitted.iter().map(|s| s.count).sum::<usize>(),
                memory()
            );
        }
    }

    // Exposure: an exchange screening an arbitrary customer address (random background
    // accounts), and the planted deposit addresses.
    let mut x: u64 = 12345;
    let random: Vec<String> = (0..400)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            store
                .address(((x >> 33) % u64::from(accounts)) as u32)
                .to_string()
        })
        .collect();
    let deposits: Vec<String> = truth[0]
        .deposits
        .iter()
        .map(|d| d.address.clone())
        .collect();
    let opts = ExposureOptions {
        max_hops: 5,
        ..ExposureOptions::default()
    };
    let mut answers = Vec::new();
    let mut exposure_ms = Vec::new();
    // Two passes: the first reads the graph from disk as much as from memory (cold pages of
    // a 13 GB store on a shared machine), the second is the steady state of a screening
    // service whose graph is in the page cache.
    for pass in ["cold", "warm"] {
        for (what, targets) in [
            ("random accounts", &random),
            ("planted deposits", &deposits),
        ] {
            let mut wall_ms = Vec::new();
            let mut cpu_ms = Vec::new();
            let mut truncated = 0;
            let mut visited = 0;
            for a in targets.iter() {
                let (rep, wall, cpu_t) = timed(|| exposure(&store, &labels, a, &opts).unwrap());
                wall_ms.push(ms(wall));
                cpu_ms.push(ms(cpu_t));
                truncated += usize::from(rep.truncated);
                visited += rep.edges_visited;
                // The DuckDB comparison takes 20 random accounts and 5 deposits (warm times:
                // DuckDB answers from its loaded table).
                // A truncated answer (a dense graph) cannot be compared.
                let cap = if what == "random accounts" { 20 } else { 25 };
                if pass == "warm" && answers.len() < cap && !rep.truncated {
                    exposure_ms.push(ms(wall));
                    answers.push((a.clone(), rep));
                }
            }
            let pct = |v: &mut Vec<f64>, p: f64| {
                v.sort_by(|a, b| a.total_cmp(b));
                v[((v.len() - 1) as f64 * p) as usize]
            };
            println!(
                "exposure {pass} (≤5 hops, both directions, haircut, top 3 paths) over {} {what}: wall p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms; CPU p50 {:.3} ms, p95 {:.3} ms; {} edges visited per query; truncated {truncated}",
                wall_ms.len(),
                pct(&mut wall_ms, 0.5),
                pct(&mut wall_ms, 0.95),
                pct(&mut wall_ms, 1.0),
                pct(&mut cpu_ms, 0.5),
                pct(&mut cpu_ms, 0.95),
                visited / targets.len().max(1)
            );
        }
    }

    // Reachability question shared with DuckDB, from a busy background account (the thief's
    // own reach is only its laundering tree).
    let src = 0u32;
    let (_, cold, _) = timed(|| earliest_arrival(&store, src, 5));
    let (reach, wall, cpu_t) = timed(|| earliest_arrival(&store, src, 5));
    let reach_ms = ms(wall);
    println!(
        "reachability (≤5 hops, time-respecting, earliest arrival) from {}: cold {:.3} ms, warm {reach_ms:.3} ms wall, {:.3} ms CPU; {} addresses",
        store.address(src),
        ms(cold),
        ms(cpu_t),
        reach.len()
    );
    write_duckdb_inputs(
        &dir,
        &store,
        &labels,
        src,
        &reach,
        reach_ms,
        &answers,
        &exposure_ms,
    );
    println!("{}", memory());
}

/// What `duckdb_compare.py` reads: integer ids (which favours DuckDB: no string joins), the
/// amounts in centi-ETH (every generated amount is a whole number of cents, checked here, so
/// the haircut shares come out identical in 128-bit integers), the labels by id, and
/// Cordon's answers and times.
#[allow(clippy::too_many_arguments)]
fn write_duckdb_inputs(
    dir: &Path,
    store: &TxStore,
    labels: &Labels,
    src: u32,
    reach: &rustc_hash::FxHashMap<u32, i64>,
    reach_ms: f64,
    answers: &[(String, cordon_trace::ExposureReport)],
    exposure_ms: &[f64],
) {
    const CENTI: Amount = 10_000_000_000_000_000;
    let d = dir.join("duck");
    std::fs::create_dir_all(&d).unwrap();
    let mut amounts =
        std::io::BufWriter::new(std::fs::File::create(d.join("amount_centi.i64.bin")).unwrap());
    for i in 0..store.len() as u32 {
        let a = store.transfer(i).amount;
        assert!(
            a.is_multiple_of(CENTI),
            "transfer {i}: {a} is not whole cents"
        );
        let c = i64::try_from(a / CENTI).unwrap();
        amounts.write_all(&c.to_le_bytes()).unwrap();
    }
    amounts.flush().unwrap();
    let mut l = std::io::BufWriter::new(std::fs::File::create(d.join("labels.csv")).unwrap());
    writeln!(l, "id,category").unwrap();
    let mut labelled: Vec<(u32, &str)> = labels
        .iter()
        .filter_map(|(a, lab)| Some((store.address_id(a)?, lab.category.name())))
        .collect();
    labelled.sort();
    for (id, c) in labelled {
        writeln!(l, "{id},{c}").unwrap();
    }
    let mut r = std::io::BufWriter::new(std::fs::File::create(d.join("reach.csv")).unwrap());
    writeln!(r, "id,t").unwrap();
    let mut ans: Vec<_> = reach.iter().map(|(k, v)| (*k, *v)).collect();
    ans.sort();
    for (id, t) in ans {
        writeln!(r, "{id},{t}").unwrap();
    }
    let mut e = std::io::BufWriter::new(std::fs::File::create(d.join("exposure.csv")).unwrap());
    writeln!(e, "target,category,direction,direct_base,indirect_base").unwrap();
    let mut targets =
        std::io::BufWriter::new(std::fs::File::create(d.join("targets.csv")).unwrap());
    writeln!(targets, "target,cordon_ms").unwrap();
    for ((a, rep), t) in answers.iter().zip(exposure_ms) {
        assert!(!rep.truncated, "{a}: truncated exposure cannot be compared");
        let id = store.address_id(a).unwrap();
        writeln!(targets, "{id},{t}").unwrap();
        for en in &rep.entries {
            writeln!(
                e,
                "{id},{},{},{},{}",
                en.category.name(),
                match en.direction {
                    cordon_trace::Direction::Received => "received",
                    cordon_trace::Direction::Sent => "sent",
                },
                en.direct_base,
                en.indirect_base
            )
            .unwrap();
        }
    }
    std::fs::write(
        d.join("meta.json"),
        format!(
            "{{\"graph\": {:?}, \"transfers\": {}, \"source\": {src}, \"cordon_reach_ms\": {reach_ms}}}\n",
            dir.join("graph").display().to_string(),
            store.len()
        ),
    )
    .unwrap();
}
