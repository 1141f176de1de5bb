//! Scores a labelled pair CSV (`group,schema,query,candidate,label,source`) with
//! [`cordon_match::compare`]: writes `group,label,score,match` rows to stdout and the pair
//! throughput to stderr. Used by `scripts/bench_matching.sh`.
//!
//! Stderr also gets a digest (FNV-1a, 64 bits) of the `{:?}` of every comparison, with its
//! explanation, under the pair's schema and under none: equal digests before and after a speed
//! change mean it changed no answer and no explanation on these pairs.
//!
//! `cargo run --release -p cordon-match --example score_pairs < pairs.csv`

use std::fmt::Write as _;
use std::io::Write;
use std::time::Instant;

// The allocator of the `cordon` binary (cordon-cli's default `mimalloc` feature), set up the
// same way, so that the numbers are those of `cordon screen` and `cordon serve`.
use cordon_alloc as _;

// Shared with the other output-digest example.
#[path = "../../cordon-text/examples/support/fnv.rs"]
mod fnv;
use fnv::Fnv;

fn main() {
    cordon_alloc::keep_freed_memory();
    let mut rows = Vec::new();
    let stdin = std::io::stdin();
    let mut rdr = csv::Reader::from_reader(stdin.lock());
    for rec in rdr.records().map_while(Result::ok) {
        let get = |i: usize| rec.get(i).unwrap_or("").to_owned();
        rows.push((get(0), get(1), get(2), get(3), get(4)));
    }
    let schemas: Vec<_> = rows
        .iter()
        .map(|r| cordon_match::parse_schema(&r.1).ok().flatten())
        .collect();
    // Warm-up, then timed passes over all pairs.
    let mut scores = Vec::with_capacity(rows.len());
    let mut digest = Fnv::default();
    for (r, s) in rows.iter().zip(&schemas) {
        let c = cordon_match::compare(&r.2, &r.3, *s);
        let _ = write!(
            digest,
            "{c:?}\n{:?}\n",
            cordon_match::compare(&r.2, &r.3, None)
        );
        scores.push(c);
    }
    // Whole passes until a second of CPU time: the thread's CPU clock advances in scheduler
    // ticks, so a shorter run measures the tick as much as the matcher.
    let mut passes = 0;
    let cpu_start = thread_cpu_secs();
    let t = Instant::now();
    while passes < 5 || thread_cpu_secs() - cpu_start < 1.0 {
        for (r, s) in rows.iter().zip(&schemas) {
            std::hint::black_box(cordon_match::compare(&r.2, &r.3, *s).score);
        }
        passes += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = thread_cpu_secs() - cpu_start;
    let out = std::io::stdout();
    let mut w = out.lock();
    let _ = writeln!(w, "group,label,score,match");
    for (r, c) in rows.iter().zip(&scores) {
        let _ = writeln!(w, "{},{},{:.4},{}", r.0, r.4, c.score, u8::from(c.is_match));
    }
    let n = (rows.len() * passes) as f64;
    eprintln!(
        "cordon: {} pairs x {passes} in {secs:.3} s wall = {:.0} pairs/s (single thread, with explanations); {cpu:.3} s CPU = {:.0} pairs per CPU-second",
        rows.len(),
        n / secs,
        n / cpu.max(1e-9)
    );
    eprintln!(
        "cordon: digest of all {} comparisons with explanations: {:016x}",
        rows.len() * 2,
        digest.0
    );
}

/// CPU seconds of the calling thread (`/proc/thread-self/schedstat`, nanoseconds), so that
/// the rate means the same on a loaded machine.
fn thread_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}
