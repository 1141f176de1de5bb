//! Scale benchmark: N generated applicants (20 login events each by default) with identifier
//! keys, linked and clustered; prints the time of each phase and the peak memory.
//!
//! ```text
//! scale [--applicants 1000000] [--logins 20] [--seed 1]
//! ```

use std::time::Instant;

use cordon_er::synth::{APPLICANT_FIELDS, ApplicantKeys, Generator, SynthConfig};
use cordon_er::{
    ClusterConfig, ComparisonSpec, DatasetBuilder, FsUse, LinkConfig, LinkType, Model, RecordRef,
    cluster, link,
};
use rayon::prelude::*;

/// Any error, reported on stderr.
type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("scale: {e}");
        std::process::exit(2);
    }
}

/// Peak resident memory of this process in MiB (Linux), 0 elsewhere.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) used by this process so far (Linux), 0 elsewhere: on a shared
/// machine the wall clock also counts time spent waiting for a core.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the parenthesised command name; utime and stime are 14 and 15.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .unwrap_or(0.0)
}

fn run() -> Result<(), Error> {
    let mut cfg = SynthConfig {
        applicants: 1_000_000,
        ..SynthConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--applicants" => cfg.applicants = val()?.parse()?,
            "--logins" => cfg.logins = val()?.parse()?,
            "--seed" => cfg.seed = val()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let t0 = Instant::now();
    let generator = Generator::new(cfg.clone());
    let mut b = DatasetBuilder::new(&APPLICANT_FIELDS);
    let keys = ApplicantKeys::register(&mut b);
    b.reserve(generator.len());
    let mut login_events = 0usize;
    let mut gen_s = 0.0;
    let mut gen_cpu = 0.0;
    let mut build_s = 0.0;
    const CHUNK: usize = 20_000;
    for start in (0..generator.len()).step_by(CHUNK) {
        let tg = Instant::now();
        let cg = cpu_s();
        let end = (start + CHUNK).min(generator.len());
        let chunk: Vec<_> = (start..end)
            .into_par_iter()
            .map(|i| generator.applicant(i))
            .collect();
        gen_s += tg.elapsed().as_secs_f64();
        gen_cpu += cpu_s() - cg;
        let tb = Instant::now();
        login_events += chunk.iter().map(|a| a.logins.len()).sum::<usize>();
        let prepared: Vec<_> = chunk.par_iter().map(|a| keys.keys(a)).collect();
        let loc = cordon_model::Location::default();
        let fields: Vec<[Option<&[u8]>; 4]> = chunk.iter().map(ApplicantKeys::fields).collect();
        let recs: Vec<RecordRef<'_>> = chunk
            .iter()
            .zip(&prepared)
            .zip(&fields)
            .map(|((a, k), f)| RecordRef {
                id: a.id.as_bytes(),
                source: 0,
                fields: f,
                keys: k,
                location: &loc,
            })
            .collect();
        b.push_batch(&recs);
        build_s += tb.elapsed().as_secs_f64();
    }
    let tb = Instant::now();
    let (ds, diags) = b.finish();
    build_s += tb.elapsed().as_secs_f64();

    let cpu_build = cpu_s() - gen_cpu;
    let t1 = Instant::now();
    let mut model = Model::new(vec![
        ComparisonSpec::name("given_name").tf(),
        ComparisonSpec::name("surname").tf(),
        ComparisonSpec::date("date_of_birth"),
    ])?;
    model.estimate_u(&ds, LinkType::Dedupe, 200_000, cfg.seed)?;
    let train_s = t1.elapsed().as_secs_f64();
    let cpu_train = cpu_s() - gen_cpu - cpu_build;
    let t2 = Instant::now();
    let linkage = link(
        &ds,
        Some(&model),
        &LinkConfig {
            fs: FsUse::PositiveOnly,
            prior_weight: Some(-10.0),
            threshold: 0.0,
            ..LinkConfig::default()
        },
    )?;
    let link_s = t2.elapsed().as_secs_f64();
    let cpu_link = cpu_s() - gen_cpu - cpu_build - cpu_train;
    let t3 = Instant::now();
    let clustering = cluster(
        ds.len(),
        &linkage.links,
        &ClusterConfig {
            threshold: 0.0,
            strong: Some(4.0),
        },
    );
    let cluster_s = t3.elapsed().as_secs_f64();
    let linking_s = build_s + train_s + link_s + cluster_s;
    println!(
        "{{\"applicants\":{},\"login_events\":{login_events},\"threads\":{},\"identifier_pairs\":{},\"links\":{},\"clusters\":{},\"hubs\":{},\"diagnostics\":{},\"generate_s\":{gen_s:.2},\"build_s\":{build_s:.2},\"train_s\":{train_s:.2},\"link_s\":{link_s:.2},\"cluster_s\":{cluster_s:.2},\"linking_total_s\":{linking_s:.2},\"wall_s\":{:.2},\"linking_cpu_s\":{:.2},\"cpu_build_s\":{cpu_build:.2},\"cpu_train_s\":{cpu_train:.2},\"cpu_link_s\":{cpu_link:.2},\"peak_rss_mib\":{:.0},\"load_average\":\"{}\"}}",
        ds.len(),
        rayon::current_num_threads(),
        linkage.stats.identifier_pairs,
        linkage.links.len(),
        clustering.clusters.len(),
        linkage.hubs.len(),
        diags.len(),
        t0.elapsed().as_secs_f64(),
        cpu_s() - gen_cpu,
        peak_rss_mib(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    Ok(())
}
