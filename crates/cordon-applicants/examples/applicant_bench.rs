//! Ring detection and scale of the whole applicant pipeline on generated populations
//! (`cordon_applicants::synth`): applicants are screened by `Screener::screen_stream` — rules
//! with the generator's IP database, linkage, cluster raising, reports — as `cordon applicants
//! screen` does, and the raised clusters are compared with the planted rings. The population is
//! generated chunk by chunk as screening reads it (never held whole); generation is timed apart.
//!
//! ```text
//! applicant_bench [--applicants N] [--seed S] [--logins L] [--no-ipdb] [--rules FILE]
//!                 [--explain-missed N] [--explain-innocent N]
//! applicant_bench --applicants N --seed S --write FILE.jsonl   # the population for the CLI
//! ```
//! Prints one JSON line: rings found, innocent clusters raised, innocent applicants flagged, the
//! time and CPU time of screening and linking (and of its phases), peak memory. A ring is found
//! when one raised cluster holds at least half of its accounts (and at least two); exposed when
//! raised clusters hold at least half of them together (review reaches it).

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use cordon_applicants::synth::{Generator, SynthConfig};
use cordon_applicants::{Applicant, IpDb, Rules, Screener};
use rayon::prelude::*;

type Error = Box<dyn std::error::Error>;

/// Records generated (in parallel) per chunk handed to screening.
const CHUNK: usize = 16_384;

#[path = "support/proc_stats.rs"]
mod proc_stats;
use proc_stats::{cpu_seconds, status_mib};

fn main() {
    if let Err(e) = run() {
        eprintln!("applicant_bench: {e}");
        std::process::exit(2);
    }
}

struct Args {
    cfg: SynthConfig,
    ipdb: bool,
    write: Option<std::path::PathBuf>,
    explain_missed: usize,
    explain_innocent: usize,
    rules: Option<std::path::PathBuf>,
}

fn args() -> Result<Args, Error> {
    let mut a = Args {
        cfg: SynthConfig::default(),
        ipdb: true,
        write: None,
        explain_missed: 0,
        explain_innocent: 0,
        rules: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--applicants" => a.cfg.applicants = val()?.parse()?,
            "--seed" => a.cfg.seed = val()?.parse()?,
            "--logins" => a.cfg.logins = val()?.parse()?,
            "--no-ipdb" => a.ipdb = false,
            "--write" => a.write = Some(val()?.into()),
            "--rules" => a.rules = Some(val()?.into()),
            "--explain-missed" => a.explain_missed = val()?.parse()?,
            "--explain-innocent" => a.explain_innocent = val()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(a)
}

fn write_population(generator: &Generator, path: &std::path::Path) -> Result<(), Error> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let n = generator.len();
    for start in (0..n).step_by(50_000) {
        let lines: Vec<Vec<u8>> = (start..(start + 50_000).min(n))
            .into_par_iter()
            .map(|i| {
                let mut line = Vec::with_capacity(4096);
                // Writing to a Vec cannot fail.
                let _ = generator.applicant(i).write_line(&mut line);
                line
            })
            .collect();
        for l in lines {
            w.write_all(&l)?;
        }
    }
    w.flush()?;
    let ipdb = path.with_extension("ipdb.csv");
    std::fs::write(&ipdb, generator.ip_database_csv())?;
    eprintln!(
        "wrote {} applicants to {} and their IP database to {}",
        n,
        path.display(),
        ipdb.display()
    );
    Ok(())
}

fn run() -> Result<(), Error> {
    let args = args()?;
    let cfg = args.cfg.clone();
    let t0 = Instant::now();
    let generator = Generator::new(cfg.clone());
    if let Some(path) = &args.write {
        return write_population(&generator, path);
    }
    let n = generator.len();
    let rules = match &args.rules {
        Some(p) => Rules::load(p)?,
        None => Rules::default_rules(),
    };
    let mut screener = Screener::new(rules);
    if args.ipdb {
        let mut db = IpDb::new();
        db.add_csv(
            generator.ip_database_csv().as_bytes(),
            std::path::Path::new("<generator>"),
        )?;
        screener = screener.with_ipdb(db);
    }
    let rss_before = status_mib("VmRSS:");
    // The population is generated chunk by chunk as screening reads it (as `cordon applicants
    // screen` reads a file): generation time is measured apart and left out of screening.
    let (mut gen_s, mut gen_cpu, mut logins) = (t0.elapsed().as_secs_f64(), 0.0, 0usize);
    let mut gen_phase = (0.0, 0.0);
    let chunks = (0..n).step_by(CHUNK).map(|start| {
        let (t, c) = (Instant::now(), cpu_seconds());
        let chunk: Vec<Applicant> = (start..(start + CHUNK).min(n))
            .into_par_iter()
            .map(|i| generator.applicant(i))
            .collect();
        logins += chunk.iter().map(|a| a.logins.len()).sum::<usize>();
        let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
        gen_s += wall;
        gen_cpu += cpu;
        gen_phase.0 += wall;
        gen_phase.1 += cpu;
        chunk
    });
    let (t1, c1) = (Instant::now(), cpu_seconds());
    // Per phase: (name, wall s, CPU s), closed when the next one starts.
    let mut phases: Vec<(&'static str, f64, f64)> = Vec::new();
    let mut mark = (t1, c1);
    let mut on_phase = |name: &'static str| {
        let (now, cpu) = (Instant::now(), cpu_seconds());
        if let Some(last) = phases.last_mut() {
            last.1 = (now - mark.0).as_secs_f64();
            last.2 = cpu - mark.1;
        }
        phases.push((name, 0.0, 0.0));
        mark = (now, cpu);
    };
    let batch = screener.screen_stream(chunks, &mut on_phase)?;
    on_phase("end");
    phases.pop();
    // Generation ran inside the reading phase.
    if let Some(read) = phases.iter_mut().find(|p| p.0 == "records") {
        read.1 -= gen_phase.0;
        read.2 -= gen_phase.1;
    }
    let screen_s = t1.elapsed().as_secs_f64() - gen_phase.0;
    let screen_cpu = cpu_seconds() - c1 - gen_phase.1;
    let apps = &batch.applicants;

    let ring_of: Vec<Option<u32>> = (0..apps.len()).map(|i| generator.truth(i).ring).collect();
    let cluster_ix: HashMap<u32, usize> = batch
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.cluster.cluster, i))
        .collect();
    let raised_of = |i: usize| -> Option<u32> {
        let c = batch.applicants.get(i)?.cluster?;
        let ix = *cluster_ix.get(&c)?;
        batch.clusters.get(ix)?.raised.then_some(c)
    };
    let (mut found, mut exposed) = (0, 0);
    let mut explain_missed = args.explain_missed;
    for (ri, ring) in generator.rings().iter().enumerate() {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for &m in ring {
            if let Some(c) = raised_of(m as usize) {
                *counts.entry(c).or_default() += 1;
            }
        }
        let best = counts.values().copied().max().unwrap_or(0);
        // Exposed: at least half of its accounts (two or more) sit in raised clusters.
        let in_raised: usize = counts.values().sum();
        if in_raised >= 2 && 2 * in_raised >= ring.len() {
            exposed += 1;
        }
        if best >= 2 && 2 * best >= ring.len() {
            found += 1;
        } else if explain_missed > 0 {
            explain_missed -= 1;
            eprintln!("missed ring {ri} ({} accounts, best {best}):", ring.len());
            for &m in ring {
                let r = &batch.applicants[m as usize];
                let ids: Vec<&str> = r.indicators.iter().map(|i| i.id).collect();
                eprintln!(
                    "  {} cluster {:?} risk {} {:?}",
                    r.id, r.cluster, r.risk, ids
                );
            }
            for c in &batch.clusters {
                if c.cluster.members.iter().any(|id| {
                    ring.iter()
                        .any(|&m| apps.get(m as usize).is_some_and(|a| &a.id == id))
                }) {
                    eprintln!(
                        "  cluster {} score {} raised {}: {:?}",
                        c.cluster.cluster, c.cluster.score, c.raised, c.cluster.members
                    );
                    for l in &c.cluster.links {
                        eprintln!("    {} {} {}: {}", l.a, l.b, l.score, l.reasons.join("; "));
                    }
                }
            }
        }
    }
    let index_of: HashMap<&str, usize> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let is_ring = |id: &str| {
        index_of
            .get(id)
            .is_some_and(|&i| ring_of.get(i).copied().flatten().is_some())
    };
    let innocent: Vec<&cordon_applicants::ClusterReport> = batch
        .clusters
        .iter()
        .filter(|c| c.cluster.members.iter().all(|m| !is_ring(m)))
        .collect();
    let innocent_raised: Vec<&&cordon_applicants::ClusterReport> =
        innocent.iter().filter(|c| c.raised).collect();
    // Innocent accounts a reviewer is sent to: members of raised clusters (innocent ones, and
    // innocents a ring's cluster pulled in).
    let (mut innocents_in_raised, mut innocents_with_rings) = (0usize, 0usize);
    for c in batch.clusters.iter().filter(|c| c.raised) {
        let ring = c.cluster.members.iter().any(|m| is_ring(m));
        let innocent = c.cluster.members.iter().filter(|m| !is_ring(m)).count();
        innocents_in_raised += innocent;
        if ring {
            innocents_with_rings += innocent;
        }
    }
    for c in innocent_raised.iter().take(args.explain_innocent) {
        let groups: Vec<String> = c
            .cluster
            .members
            .iter()
            .filter_map(|m| index_of.get(m.as_str()))
            .map(|&i| format!("{:?}", generator.truth(i).groups))
            .collect();
        eprintln!(
            "raised innocent cluster {} score {} ({} members): {}",
            c.cluster.cluster,
            c.cluster.score,
            c.cluster.members.len(),
            groups.join(" ")
        );
        for m in &c.cluster.members {
            if let Some(r) = index_of
                .get(m.as_str())
                .and_then(|&i| batch.applicants.get(i))
            {
                let ids: Vec<&str> = r.indicators.iter().map(|i| i.id).collect();
                eprintln!("  {} risk {} {:?}", r.id, r.risk, ids);
            }
        }
        for l in &c.cluster.links {
            eprintln!("    {} {} {}: {}", l.a, l.b, l.score, l.reasons.join("; "));
        }
    }
    // Applicants flagged (medium or high), ring accounts and innocents apart, and how often
    // each indicator fires on each.
    let (mut ring_flagged, mut innocent_flagged, mut innocent_high) = (0usize, 0usize, 0usize);
    let mut fires: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, r) in batch.applicants.iter().enumerate() {
        let ring = ring_of.get(i).copied().flatten().is_some();
        let flagged = r.level != "low";
        match (ring, flagged) {
            (true, true) => ring_flagged += 1,
            (false, true) => innocent_flagged += 1,
            _ => {}
        }
        innocent_high += usize::from(!ring && r.level == "high");
        for ind in &r.indicators {
            let e = fires.entry(ind.id).or_default();
            if ring {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let ring_members: usize = generator.rings().iter().map(Vec::len).sum();
    let innocents = apps.len() - ring_members;
    let rings = generator.rings().len();
    let fires: Vec<String> = fires
        .iter()
        .map(|(id, (r, n))| {
            format!(
                "\"{id}\":[{:.4},{:.4}]",
                *r as f64 / ring_members.max(1) as f64,
                *n as f64 / innocents.max(1) as f64
            )
        })
        .collect();
    let timings: Vec<String> = phases
        .iter()
        .map(|(name, wall, cpu)| format!("\"{name}\":[{wall:.2},{cpu:.2}]"))
        .collect();
    println!(
        "{{\"applicants\":{},\"logins\":{logins},\"seed\":{},\"rings\":{rings},\"rings_found\":{found},\"found_share\":{:.4},\"rings_exposed\":{exposed},\"exposed_share\":{:.4},\"innocent_clusters\":{},\"innocent_raised\":{},\"innocent_raised_share\":{:.4},\"innocents_in_raised_clusters\":{innocents_in_raised},\"innocents_in_ring_clusters\":{innocents_with_rings},\"clusters\":{},\"ring_accounts_flagged_share\":{:.4},\"innocents_flagged_share\":{:.4},\"innocents_high_share\":{:.4},\"indicator_share_ring_innocent\":{{{}}},\"generate_s\":{gen_s:.2},\"generate_cpu_s\":{gen_cpu:.2},\"screen_and_link_s\":{screen_s:.2},\"screen_and_link_cpu_s\":{screen_cpu:.2},\"phases_wall_cpu_s\":{{{}}},\"rss_before_mib\":{rss_before:.0},\"peak_rss_mib\":{:.0},\"threads\":{}}}",
        apps.len(),
        cfg.seed,
        found as f64 / rings.max(1) as f64,
        exposed as f64 / rings.max(1) as f64,
        innocent.len(),
        innocent_raised.len(),
        innocent_raised.len() as f64 / innocent.len().max(1) as f64,
        batch.clusters.len(),
        ring_flagged as f64 / ring_members.max(1) as f64,
        innocent_flagged as f64 / innocents.max(1) as f64,
        innocent_high as f64 / innocents.max(1) as f64,
        fires.join(","),
        timings.join(","),
        status_mib("VmHWM:"),
        rayon::current_num_threads(),
    );
    Ok(())
}
