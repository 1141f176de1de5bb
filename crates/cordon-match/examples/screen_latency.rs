//! Screening over every real list: time from the store to a ready index, memory, single-query
//! latency and batch throughput, in one reproducible command.
//!
//! ```text
//! cordon --db /tmp/cordon.redb ingest --lists ../shared/data/lists
//! cargo run --release -p cordon-match --example screen_latency -- --db /tmp/cordon.redb
//! ```
//!
//! Options: `--queries N` (default 20,000), `--single N` (single-query sample, default 5,000),
//! `--dump FILE` (one line per query: the query and its results' ids, scores and matched
//! names, to check that a speed change left every answer alone), `--recall N` (how many queries to screen again with
//! a retrieval depth of 1,024 names, to measure what the default depth misses; default 1,000),
//! `--depth N` (names retrieved per query, instead of the matcher's default), `--groups FILE`
//! (every cross-list group: group id, member id and caption per line, to review what a
//! grouping change joined), `--jsonl FILE`
//! instead of `--db` (an FtM export), `--write-queries FILE` (the queries as a
//! `cordon screen --input` file).
//!
//! Queries are the lists' own captions, perturbed (lower case, reversed word order, one letter
//! dropped), plus Hangul and off-list names, in a fixed pseudo-random order. CPU time comes
//! from `getrusage`, so the numbers mean something on a shared machine.

use std::io::Write;
use std::time::Instant;

use cordon_match::{Matcher, Options, Query};
use cordon_model::Entity;
use rayon::prelude::*;

// The allocator of the `cordon` binary (cordon-cli's default `mimalloc` feature), set up the
// same way, so that the numbers are those of `cordon screen` and `cordon serve`.
use cordon_alloc as _;

#[path = "support/load.rs"]
mod load;

fn rss_mb() -> f64 {
    status_kb("VmRSS:") / 1024.0
}

fn peak_rss_mb() -> f64 {
    status_kb("VmHWM:") / 1024.0
}

fn status_kb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
}

/// CPU seconds (user + system) used by this process so far: every thread, from
/// /proc/self/stat in clock ticks (10 ms).
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .unwrap_or(0.0)
}

/// CPU seconds of the calling thread, in nanoseconds resolution.
fn thread_cpu_secs() -> f64 {
    // /proc/thread-self/schedstat: run time in ns as the first field.
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

struct Args {
    db: Option<String>,
    jsonl: Option<String>,
    queries: usize,
    single: usize,
    dump: Option<String>,
    groups: Option<String>,
    recall: usize,
    depth: Option<usize>,
    write_queries: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        db: None,
        jsonl: None,
        queries: 20_000,
        single: 5_000,
        dump: None,
        groups: None,
        recall: 1_000,
        depth: None,
        write_queries: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next();
        match (k.as_str(), v) {
            ("--db", Some(v)) => a.db = Some(v),
            ("--jsonl", Some(v)) => a.jsonl = Some(v),
            ("--queries", Some(v)) => a.queries = v.parse().unwrap_or(a.queries),
            ("--single", Some(v)) => a.single = v.parse().unwrap_or(a.single),
            ("--dump", Some(v)) => a.dump = Some(v),
            ("--groups", Some(v)) => a.groups = Some(v),
            ("--recall", Some(v)) => a.recall = v.parse().unwrap_or(a.recall),
            ("--depth", Some(v)) => a.depth = v.parse().ok(),
            ("--write-queries", Some(v)) => a.write_queries = Some(v),
            _ => usage(),
        }
    }
    if a.db.is_none() == a.jsonl.is_none() {
        usage();
    }
    a
}

fn usage() -> ! {
    eprintln!(
        "usage: screen_latency (--db STORE.redb | --jsonl ENTITIES.jsonl) [--queries N] [--single N] [--dump FILE] [--groups FILE] [--recall N] [--depth N] [--write-queries FILE]"
    );
    std::process::exit(2)
}

/// Writes every cross-list group, sorted (group id, member id, caption), and prints the counts.
fn write_groups(m: &Matcher, path: &str) {
    let mut rows: Vec<(&str, &str, &str)> = m
        .entities()
        .iter()
        .filter_map(|e| Some((m.group_of(&e.id)?, e.id.as_str(), e.caption.as_str())))
        .collect();
    rows.sort_unstable();
    let mut groups: Vec<&str> = rows.iter().map(|r| r.0).collect();
    groups.dedup();
    let text: String = rows
        .iter()
        .map(|(g, id, c)| format!("{g}\t{id}\t{c}\n"))
        .collect();
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    }
    println!(
        "groups: {} cross-list groups of {} records, written to {path}",
        groups.len(),
        rows.len()
    );
}

fn load(a: &Args) -> Vec<Entity> {
    load::entities(a.db.as_deref(), a.jsonl.as_deref())
}

fn queries(m: &Matcher, n: usize) -> Vec<Query> {
    let mut names: Vec<String> = m
        .entities()
        .iter()
        .map(|e| e.caption.clone())
        .filter(|c| !c.is_empty())
        .collect();
    names.sort();
    names.dedup();
    let extra = [
        "김정은",
        "이용호",
        "최룡해",
        "박봉주",
        "김민준",
        "이서연",
        "John Smith",
        "Maria Garcia",
        "Kim Jong-un",
        "Ri Yong-ho",
    ];
    names.extend(extra.iter().map(|s| (*s).to_owned()));
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..n)
        .filter_map(|_| {
            let n = names.get((next() % names.len() as u64) as usize)?;
            let q = match next() % 4 {
                0 => n.to_lowercase(),
                1 => {
                    let mut w: Vec<&str> = n.split_whitespace().collect();
                    w.reverse();
                    w.join(" ")
                }
                2 => {
                    let mut c: Vec<char> = n.chars().collect();
                    if c.len() > 4 {
                        let i = (next() % (c.len() as u64 - 2)) as usize + 1;
                        c.remove(i);
                    }
                    c.into_iter().collect()
                }
                _ => n.clone(),
            };
            Query::new(&q).ok()
        })
        .collect()
}

/// Writes the queries as a `cordon screen --input` file (JSON lines `{"id", "name"}`), so that
/// the command's batch can be timed on the same queries (`scripts/bench_screen_batch.sh`).
fn write_queries(path: &str, queries: &[Query]) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    }));
    for (i, q) in queries.iter().enumerate() {
        let line = serde_json::json!({"id": format!("q{i}"), "name": q.name});
        let _ = writeln!(w, "{line}");
    }
}

/// Queries per `screen_batch` call: `cordon screen --input` screens files in chunks this size.
const BATCH_CHUNK: usize = 2048;

/// What the checks and the dump keep of a result.
struct Hit {
    id: String,
    score: f64,
    is_match: bool,
    /// Kept so that a dump also shows a change of the reported name at an equal score.
    matched_name: String,
}

fn hits_of(results: Vec<cordon_match::ScreenResult>) -> Vec<Hit> {
    results
        .into_iter()
        .map(|r| Hit {
            id: r.id,
            score: r.score,
            is_match: r.is_match,
            matched_name: r.matched_name,
        })
        .collect()
}

fn main() {
    cordon_alloc::keep_freed_memory();
    let a = args();
    let c0 = cpu_secs();
    let t0 = Instant::now();
    let entities = load(&a);
    let load_wall = t0.elapsed().as_secs_f64();
    let load_cpu = cpu_secs() - c0;
    let rss_loaded = rss_mb();
    let c1 = cpu_secs();
    let t1 = Instant::now();
    let mut m = Matcher::build(entities);
    let build_wall = t1.elapsed().as_secs_f64();
    let build_cpu = cpu_secs() - c1;
    println!(
        "load: {} entities from {} in {:.0} ms wall, {:.0} ms CPU; RSS {:.0} MB",
        m.len(),
        if a.db.is_some() {
            "the store"
        } else {
            "JSON lines"
        },
        load_wall * 1e3,
        load_cpu * 1e3,
        rss_loaded
    );
    println!(
        "index: {} names in {:.0} ms wall, {:.0} ms CPU",
        m.name_count(),
        build_wall * 1e3,
        build_cpu * 1e3
    );
    println!(
        "ready: {:.0} ms wall, {:.0} ms CPU; RSS {:.0} MB, peak {:.0} MB",
        (load_wall + build_wall) * 1e3,
        (load_cpu + build_cpu) * 1e3,
        rss_mb(),
        peak_rss_mb()
    );
    if let Some(path) = &a.groups {
        write_groups(&m, path);
    }
    if let Some(d) = a.depth {
        m.set_retrieval_depth(d);
    }
    let queries = queries(&m, a.queries);
    if let Some(path) = &a.write_queries {
        write_queries(path, &queries);
    }
    let opts = Options::default();
    // Single queries on this thread: wall and thread CPU time per query.
    let mut lat: Vec<f64> = Vec::with_capacity(a.single);
    let mut slow: Vec<(f64, &str)> = Vec::new();
    let cpu_before = thread_cpu_secs();
    for q in queries.iter().take(a.single) {
        let t = Instant::now();
        std::hint::black_box(m.screen(q, &opts));
        let us = t.elapsed().as_secs_f64() * 1e6;
        lat.push(us);
        slow.push((us, q.name.as_str()));
    }
    let single_cpu = thread_cpu_secs() - cpu_before;
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "single query ({} queries, 1 thread): p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs; mean CPU {:.0} µs",
        lat.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        lat.last().copied().unwrap_or(0.0),
        single_cpu * 1e6 / lat.len().max(1) as f64
    );
    for (us, n) in slow.iter().take(5) {
        println!("  slowest: {us:.0} µs {n:?}");
    }
    let c2 = cpu_secs();
    let t2 = Instant::now();
    // In chunks, as `cordon screen --input` screens a file. Each worker reduces its results to
    // what the checks below need and frees them itself, as the command's workers do once a
    // line is serialised: results freed by another thread come back to the worker's allocator
    // late, and it faults in fresh pages meanwhile (a fifth more CPU per query, measured).
    let out: Vec<Vec<Hit>> = queries
        .chunks(BATCH_CHUNK)
        .flat_map(|chunk| {
            chunk
                .par_iter()
                .map(|q| hits_of(m.screen(q, &opts)))
                .collect::<Vec<_>>()
        })
        .collect();
    let secs = t2.elapsed().as_secs_f64();
    let batch_cpu = cpu_secs() - c2;
    let hits = out
        .iter()
        .filter(|r| r.first().is_some_and(|h| h.is_match))
        .count();
    println!(
        "batch: {} queries on {} threads in {:.2} s wall = {:.0} queries/s; {:.2} s CPU = {:.0} queries per CPU-second; {} with a match; RSS {:.0} MB",
        queries.len(),
        rayon::current_num_threads(),
        secs,
        queries.len() as f64 / secs,
        batch_cpu,
        queries.len() as f64 / batch_cpu.max(1e-9),
        hits,
        rss_mb()
    );
    // Retrieval recall: what exact scoring finds among 1,024 retrieved names that it misses
    // among the default number.
    let sample = queries.len().min(a.recall);
    if sample > 0 {
        let matches = |rs: &[Hit]| -> Vec<String> {
            rs.iter()
                .filter(|r| r.is_match)
                .map(|r| r.id.clone())
                .collect()
        };
        m.set_retrieval_depth(1024);
        let deep: Vec<Vec<Hit>> = m
            .screen_batch(queries.get(..sample).unwrap_or_default(), &opts)
            .into_iter()
            .map(hits_of)
            .collect();
        let (mut want, mut found, mut same_top) = (0usize, 0usize, 0usize);
        for (d, o) in deep.iter().zip(&out) {
            let (dm, om) = (matches(d), matches(o));
            want += dm.len();
            found += dm.iter().filter(|id| om.contains(id)).count();
            let top = |rs: &[Hit]| rs.first().map(|r| (r.id.clone(), r.score));
            same_top += usize::from(top(d).map(|t| t.1) == top(o).map(|t| t.1));
        }
        println!(
            "retrieval recall ({sample} queries, against 1,024 names retrieved): {found} of {want} matches ({:.2} %); best score equal in {same_top} queries ({:.2} %)",
            100.0 * found as f64 / want.max(1) as f64,
            100.0 * same_top as f64 / sample as f64
        );
    }
    if let Some(path) = &a.dump {
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        }));
        for (q, rs) in queries.iter().zip(&out) {
            let hits: Vec<String> = rs
                .iter()
                .map(|r| format!("{} {:.3} [{}]", r.id, r.score, r.matched_name))
                .collect();
            let _ = writeln!(w, "{}\t{}", q.name, hits.join("; "));
        }
    }
}
