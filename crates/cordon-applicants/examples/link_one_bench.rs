//! Linking one new applicant to the accounts seen before (`Screener::link_to_known`), the
//! sign-up path: a generated population (`cordon_applicants::synth`) is indexed without a
//! held-out sample of accounts, which then "sign up" one at a time.
//!
//! ```text
//! link_one_bench [--applicants N] [--seed S] [--queries Q]
//! ```
//! Prints one JSON line: index build time and memory (resident with the records generated,
//! peak, and resident once built), per-query wall time (median, 99th
//! percentile; generating the applicant is outside it) and mean CPU time, candidates fetched, and the share of held-out ring accounts linked to a
//! ring-mate (a held-out innocent linked to anyone is counted apart).

use std::time::Instant;

use cordon_applicants::synth::{Generator, SynthConfig};
use cordon_applicants::{Applicant, Rules, Screener};
use rayon::prelude::*;

type Error = Box<dyn std::error::Error>;

// The allocator of the `cordon` binary (cordon-cli's default `mimalloc` feature), which gives
// freed memory back, so that the resident size once built is the index's.
use cordon_alloc as _;

#[path = "support/proc_stats.rs"]
mod proc_stats;
use proc_stats::{cpu_seconds, status_mib};

fn main() {
    if let Err(e) = run() {
        eprintln!("link_one_bench: {e}");
        std::process::exit(2);
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

fn run() -> Result<(), Error> {
    let mut cfg = SynthConfig::default();
    let mut queries = 200usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--applicants" => cfg.applicants = value()?.parse()?,
            "--seed" => cfg.seed = value()?.parse()?,
            "--queries" => queries = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let g = Generator::new(cfg.clone());
    let n = g.len();
    // Held out: half ring accounts (one of each of the first rings), half spread innocents.
    let mut held: Vec<usize> = g
        .rings()
        .iter()
        .take(queries / 2)
        .filter_map(|r| r.last().map(|&m| m as usize))
        .collect();
    let step = (n / queries.max(1)).max(1);
    held.extend(
        (0..n)
            .step_by(step)
            .filter(|&i| g.truth(i).ring.is_none())
            .take(queries - held.len().min(queries)),
    );
    held.sort_unstable();
    held.dedup();
    let is_held = |i: usize| held.binary_search(&i).is_ok();
    let known: Vec<Applicant> = (0..n)
        .into_par_iter()
        .filter(|&i| !is_held(i))
        .map(|i| g.applicant(i))
        .collect();
    let screener = Screener::new(Rules::default_rules());
    // The generated records, held until the index has read them.
    let rss_records = status_mib("VmRSS:");
    let (t, c) = (Instant::now(), cpu_seconds());
    let index = screener.known_accounts(known)?;
    let (build_s, build_cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
    let rss = status_mib("VmHWM:");
    // What stays resident once built (the index owns or has dropped the records it was given).
    let rss_built = status_mib("VmRSS:");
    let mut walls = Vec::new();
    // Process CPU over all queries (the clock ticks in 1/100 s, too coarse for one query).
    let queries_cpu = cpu_seconds();
    let (mut candidates, mut ring_held, mut ring_linked, mut innocent_linked) = (0, 0, 0, 0);
    for &i in &held {
        let a = g.applicant(i);
        let t = Instant::now();
        let out = screener.link_to_known(std::slice::from_ref(&a), &index)?;
        walls.push(t.elapsed().as_secs_f64() * 1e3);
        candidates += out.candidates;
        match g.truth(i).ring {
            Some(ring) => {
                ring_held += 1;
                let mate = |id: &str| {
                    id.strip_prefix("app-")
                        .and_then(|x| x.parse::<usize>().ok())
                        .is_some_and(|j| j != i && g.truth(j).ring == Some(ring))
                };
                if out
                    .clusters
                    .iter()
                    .any(|c| c.members.iter().any(|m| mate(m)))
                {
                    ring_linked += 1;
                }
            }
            None => innocent_linked += usize::from(!out.clusters.is_empty()),
        }
    }
    let queries_cpu = cpu_seconds() - queries_cpu;
    walls.sort_by(f64::total_cmp);
    let q = held.len().max(1);
    println!(
        "{{\"known\":{},\"queries\":{},\"seed\":{},\"index_build_s\":{build_s:.2},\"index_build_cpu_s\":{build_cpu:.2},\"rss_before_build_mib\":{rss_records:.0},\"peak_rss_mib\":{rss:.0},\"rss_after_build_mib\":{rss_built:.0},\"query_wall_ms_median\":{:.2},\"query_wall_ms_p99\":{:.2},\"query_cpu_ms_mean\":{:.2},\"candidates_mean\":{:.1},\"ring_held_out\":{ring_held},\"ring_linked_to_mate\":{ring_linked},\"innocents_linked\":{innocent_linked}}}",
        index.len(),
        held.len(),
        cfg.seed,
        percentile(&walls, 0.5),
        percentile(&walls, 0.99),
        queries_cpu * 1e3 / q as f64,
        candidates as f64 / q as f64,
    );
    Ok(())
}
