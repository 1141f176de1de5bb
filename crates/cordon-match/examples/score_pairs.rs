//! Scores a labelled pair CSV (`group,schema,query,candidate,label,source`) with
//! [`cordon_match::compare`]: writes `group,label,score,match` rows to stdout and the pair
//! throughput to stderr. Used by `scripts/bench_matching.sh`.
//!
//! Three rates are printed. **Cold**: every pair through [`cordon_match::compare`], which
//! remembers nothing. **Per pass**: each timed pass through a fresh
//! [`cordon_match::Comparer`], whose memory of names and words starts empty and fills during
//! the pass, so that a pair reuses only the names and words of earlier pairs of the same pass.
//! That is what logic-v2 gets from its string caches in `scripts/bench_matching.py` (one timed
//! pass, its caches warm only from names earlier in the pass), hence the like-for-like number.
//! **Prepared**: one `Comparer` that has seen every name in an untimed pass, so that a pair
//! costs its scoring and explanation only, as in screening (list names are analysed once into
//! the index, a query once for all its candidates); `bench_matching.py` times logic-v2 the same
//! way, on a second pass with its caches warm.
//!
//! Stderr also gets a digest (FNV-1a, 64 bits) of the `{:?}` of every comparison, with its
//! explanation, under the pair's schema and under none: equal digests before and after a speed
//! change mean it changed no answer and no explanation on these pairs. It is computed three
//! times, cold, through one `Comparer` as it fills, and through that `Comparer` once it holds
//! every name; all must be equal.
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
    let mut remembering_digest = Fnv::default();
    let mut comparer = cordon_match::Comparer::new();
    for (r, s) in rows.iter().zip(&schemas) {
        let c = cordon_match::compare(&r.2, &r.3, *s);
        let _ = write!(
            digest,
            "{c:?}\n{:?}\n",
            cordon_match::compare(&r.2, &r.3, None)
        );
        let _ = write!(
            remembering_digest,
            "{:?}\n{:?}\n",
            comparer.compare(&r.2, &r.3, *s),
            comparer.compare(&r.2, &r.3, None)
        );
        scores.push(c);
    }
    // The comparer filled above now holds every name: a second pass finds them all prepared.
    let mut prepared_digest = Fnv::default();
    for (r, s) in rows.iter().zip(&schemas) {
        let _ = write!(
            prepared_digest,
            "{:?}\n{:?}\n",
            comparer.compare(&r.2, &r.3, *s),
            comparer.compare(&r.2, &r.3, None)
        );
    }
    let cold = rate(|| cold_pass(&rows, &schemas));
    let per_pass = rate(|| remembering_pass(&rows, &schemas));
    // Its own comparer, filled by one untimed pass under the pairs' schemas only, so that
    // every name the timed passes ask for fits in its memory.
    let mut preparer = cordon_match::Comparer::new();
    compare_every_pair(&mut preparer, &rows, &schemas);
    let prepared = rate(|| prepared_pass(&mut preparer, &rows, &schemas));
    let out = std::io::stdout();
    let mut w = out.lock();
    let _ = writeln!(w, "group,label,score,match");
    for (r, c) in rows.iter().zip(&scores) {
        let _ = writeln!(w, "{},{},{:.4},{}", r.0, r.4, c.score, u8::from(c.is_match));
    }
    for (label, (passes, secs, cpu)) in [
        ("cold compare()", cold),
        ("fresh Comparer per pass", per_pass),
        ("names prepared", prepared),
    ] {
        let n = (rows.len() * passes) as f64;
        eprintln!(
            "cordon ({label}): {} pairs x {passes} in {secs:.3} s wall = {:.0} pairs/s (single thread, with explanations); {cpu:.3} s CPU = {:.0} pairs per CPU-second",
            rows.len(),
            n / secs,
            n / cpu.max(1e-9)
        );
    }
    eprintln!(
        "cordon: digest of all {} comparisons with explanations: {:016x}",
        rows.len() * 2,
        digest.0
    );
    for (how, other) in [
        ("through one Comparer", remembering_digest.0),
        ("with every name prepared", prepared_digest.0),
    ] {
        if other != digest.0 {
            eprintln!(
                "cordon: ERROR: {how} the digest is {other:016x}, not {:016x}",
                digest.0
            );
            std::process::exit(1);
        }
    }
}

type Row = (String, String, String, String, String);

/// One pass of `compare()` over every pair. Not inlined, so that
/// `valgrind --tool=callgrind --toggle-collect='score_pairs::cold_pass'` counts it alone.
#[inline(never)]
fn cold_pass(rows: &[Row], schemas: &[Option<cordon_model::Schema>]) {
    for (r, s) in rows.iter().zip(schemas) {
        std::hint::black_box(cordon_match::compare(&r.2, &r.3, *s).score);
    }
}

/// One pass over every pair through a fresh `Comparer` (`--toggle-collect='score_pairs::remembering_pass'`).
#[inline(never)]
fn remembering_pass(rows: &[Row], schemas: &[Option<cordon_model::Schema>]) {
    compare_every_pair(&mut cordon_match::Comparer::new(), rows, schemas);
}

/// One pass over every pair through a `Comparer` that holds every name
/// (`--toggle-collect='score_pairs::prepared_pass'`).
#[inline(never)]
fn prepared_pass(
    comparer: &mut cordon_match::Comparer,
    rows: &[Row],
    schemas: &[Option<cordon_model::Schema>],
) {
    compare_every_pair(comparer, rows, schemas);
}

/// Every pair through `comparer`. Inlined into each pass, so that each pass's
/// `--toggle-collect` counts only its own calls.
#[inline(always)]
fn compare_every_pair(
    comparer: &mut cordon_match::Comparer,
    rows: &[Row],
    schemas: &[Option<cordon_model::Schema>],
) {
    for (r, s) in rows.iter().zip(schemas) {
        std::hint::black_box(comparer.compare(&r.2, &r.3, *s).score);
    }
}

/// Runs `pass` whole until a second of CPU time (and five passes at least): the thread's CPU
/// clock advances in scheduler ticks, so a shorter run measures the tick as much as the
/// matcher. Returns the passes, wall seconds and CPU seconds.
fn rate(mut pass: impl FnMut()) -> (usize, f64, f64) {
    let mut passes = 0;
    let cpu_start = thread_cpu_secs();
    let t = Instant::now();
    while passes < 5 || thread_cpu_secs() - cpu_start < 1.0 {
        pass();
        passes += 1;
    }
    (
        passes,
        t.elapsed().as_secs_f64(),
        thread_cpu_secs() - cpu_start,
    )
}

/// CPU seconds of the calling thread (`/proc/thread-self/schedstat`, nanoseconds), so that
/// the rate means the same on a loaded machine.
fn thread_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}
