//! Screening latency, batch throughput, index build time and memory over real lists.
//!
//! Input: FtM JSON lines of every entity (`cordon export --db DB > all.jsonl`).
//! `cargo run --release -p cordon-match --example screen_latency -- all.jsonl [QUERIES]`
//!
//! Queries are the list names themselves, perturbed (case, order, one typo) and Korean names
//! in Hangul, plus names on no list, in a fixed pseudo-random order.

use std::time::Instant;

use cordon_match::{Matcher, Options, Query};
use cordon_model::Entity;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) used by this process so far, from /proc (10 ms resolution).
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

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: screen_latency ENTITIES.jsonl [QUERIES]");
        std::process::exit(2);
    };
    let n_queries: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let entities: Vec<Entity> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    drop(text);
    let rss0 = rss_mb();
    let c0 = cpu_secs();
    let t = Instant::now();
    let m = Matcher::build(entities);
    let build = t.elapsed();
    let build_cpu = cpu_secs() - c0;
    let rss1 = rss_mb();
    println!(
        "index: {} entities, {} names, built in {:.0} ms wall, {:.0} ms CPU; RSS {:.0} MB after build ({:.0} MB before)",
        m.len(),
        m.name_count(),
        build.as_secs_f64() * 1e3,
        build_cpu * 1e3,
        rss1,
        rss0
    );
    // Queries: list names with light perturbations, plus Hangul and unknown names.
    let mut names: Vec<String> = m
        .entities()
        .iter()
        .map(|e| e.caption.clone())
        .filter(|c| !c.is_empty())
        .collect();
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
    let queries: Vec<Query> = (0..n_queries)
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
        .collect();
    let opts = Options::default();
    // Single queries, one thread.
    let mut lat: Vec<f64> = Vec::with_capacity(queries.len());
    let mut slow: Vec<(f64, &str)> = Vec::new();
    let c0 = cpu_secs();
    for q in queries.iter().take(5_000) {
        let t = Instant::now();
        std::hint::black_box(m.screen(q, &opts));
        let us = t.elapsed().as_secs_f64() * 1e6;
        lat.push(us);
        slow.push((us, q.name.as_str()));
    }
    let single_cpu = cpu_secs() - c0;
    println!(
        "single query: mean CPU time {:.0} µs per query",
        single_cpu * 1e6 / lat.len().max(1) as f64
    );
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (us, n) in slow.iter().take(8) {
        println!("  slow: {us:.0} µs {n:?}");
    }
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "single query ({} queries, 1 thread): p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        lat.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        lat.last().copied().unwrap_or(0.0)
    );
    let c0 = cpu_secs();
    let t = Instant::now();
    let out = m.screen_batch(&queries, &opts);
    let secs = t.elapsed().as_secs_f64();
    let batch_cpu = cpu_secs() - c0;
    println!(
        "batch CPU: {:.2} s for {} queries = {:.0} queries per CPU-second",
        batch_cpu,
        queries.len(),
        queries.len() as f64 / batch_cpu.max(1e-9)
    );
    let hits = out
        .iter()
        .filter(|r| r.first().is_some_and(|h| h.is_match))
        .count();
    println!(
        "batch: {} queries on {} threads in {:.2} s = {:.0} queries/s ({} with a match); RSS {:.0} MB",
        queries.len(),
        rayon::current_num_threads(),
        secs,
        queries.len() as f64 / secs,
        hits,
        rss_mb()
    );
}
