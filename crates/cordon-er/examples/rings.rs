//! Ring detection on a generated applicant population: the share of planted rings found and of
//! innocent clusters raised.
//!
//! ```text
//! rings [--applicants N] [--seed S] [--raise W] [--strong W] [--evidence-min W]
//!       [--explain-missed N] [--explain-innocent N]
//! ```

use std::time::Instant;

use cordon_er::synth::{Generator, SynthConfig, dataset};
use cordon_er::{
    ClusterConfig, ComparisonSpec, FsUse, LinkConfig, LinkType, Model, cluster, cluster_evidence,
    link,
};

/// Any error, reported on stderr.
type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("rings: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Error> {
    let mut cfg = SynthConfig::default();
    let mut raise = 14.0;
    let mut strong = 4.0;
    let mut explain_missed = 0usize;
    let mut explain_innocent = 0usize;
    let mut evidence_min = 2.0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--applicants" => cfg.applicants = val()?.parse()?,
            "--seed" => cfg.seed = val()?.parse()?,
            "--raise" => raise = val()?.parse()?,
            "--strong" => strong = val()?.parse()?,
            "--explain-missed" => explain_missed = val()?.parse()?,
            "--explain-innocent" => explain_innocent = val()?.parse()?,
            "--evidence-min" => evidence_min = val()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let t0 = Instant::now();
    let generator = Generator::new(cfg.clone());
    let (ds, diags) = dataset(&generator);
    let gen_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut model = Model::new(vec![
        ComparisonSpec::name("given_name").tf(),
        ComparisonSpec::name("surname").tf(),
        ComparisonSpec::date("date_of_birth"),
    ])?;
    model.estimate_u(&ds, LinkType::Dedupe, 200_000, cfg.seed)?;
    let link_cfg = LinkConfig {
        blocking: Vec::new(),
        fs: FsUse::PositiveOnly,
        identifiers: true,
        // About one same-team pair per thousand records' worth of evidence: one rare shared
        // operator artifact (payout account, laptop) links, one shared place does not.
        prior_weight: Some(-10.0),
        threshold: 0.0,
        ..LinkConfig::default()
    };
    let linkage = link(&ds, Some(&model), &link_cfg)?;
    let clustering = cluster(
        ds.len(),
        &linkage.links,
        &ClusterConfig {
            threshold: 0.0,
            strong: Some(strong),
        },
    );
    let link_s = t1.elapsed().as_secs_f64();

    let mut ring_of: Vec<Option<u32>> = vec![None; generator.len()];
    for (ri, ring) in generator.rings().iter().enumerate() {
        for &m in ring {
            if let Some(slot) = ring_of.get_mut(m as usize) {
                *slot = Some(ri as u32);
            }
        }
    }
    let raised: Vec<bool> = clustering
        .clusters
        .iter()
        .map(|c| {
            let ev: f64 = cluster_evidence(&ds, c, &linkage.links, evidence_min)
                .iter()
                .map(|g| g.weight)
                .sum();
            ev >= raise
        })
        .collect();
    let mut found = 0;
    // Per ring, the most of its accounts found in one raised cluster.
    let mut best_of = vec![0usize; generator.rings().len()];
    for (ci, c) in clustering.clusters.iter().enumerate() {
        if !raised[ci] {
            continue;
        }
        let mut counts: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        for &m in &c.members {
            if let Some(Some(r)) = ring_of.get(m as usize) {
                *counts.entry(*r).or_insert(0) += 1;
            }
        }
        for (r, k) in counts {
            if let Some(b) = best_of.get_mut(r as usize) {
                *b = (*b).max(k);
            }
        }
    }
    for (ri, ring) in generator.rings().iter().enumerate() {
        let best = best_of[ri];
        if best >= 2 && 2 * best >= ring.len() {
            found += 1;
        } else if explain_missed > 0 {
            explain_missed -= 1;
            eprintln!("missed ring {ri} ({} members, best {best}):", ring.len());
            for l in &linkage.links {
                if ring.contains(&l.a) && ring.contains(&l.b) {
                    let reasons: Vec<String> = l.reasons.iter().map(|r| r.to_string()).collect();
                    eprintln!("  {} {} {:.1}: {}", l.a, l.b, l.weight, reasons.join("; "));
                }
            }
            for &m in ring {
                let a = generator.applicant(m as usize);
                eprintln!(
                    "  member {m}: payout {:?} phones {:?} ship {:?}",
                    a.payout_accounts, a.phones, a.shipping_address
                );
            }
        }
    }
    let is_innocent: Vec<bool> = clustering
        .clusters
        .iter()
        .map(|c| {
            c.members
                .iter()
                .all(|&m| ring_of.get(m as usize).copied().flatten().is_none())
        })
        .collect();
    let innocent: Vec<usize> = (0..clustering.clusters.len())
        .filter(|&ci| is_innocent[ci])
        .collect();
    let innocent_raised = innocent.iter().filter(|&&ci| raised[ci]).count();
    for &ci in innocent
        .iter()
        .filter(|&&ci| raised[ci])
        .take(explain_innocent)
    {
        let c = &clustering.clusters[ci];
        let ev: Vec<String> = cluster_evidence(&ds, c, &linkage.links, evidence_min)
            .iter()
            .map(|g| format!("{}={} {:+.1}", g.kind, g.value, g.weight))
            .collect();
        let groups: Vec<String> = c
            .members
            .iter()
            .map(|&m| format!("{:?}", generator.applicant(m as usize).groups))
            .collect();
        eprintln!(
            "raised innocent cluster {ci} ({} members): {} | {}",
            c.members.len(),
            ev.join(", "),
            groups.join(" ")
        );
        for l in c.links.iter().filter_map(|&i| linkage.links.get(i)) {
            let reasons: Vec<String> = l.reasons.iter().map(|r| r.to_string()).collect();
            eprintln!("  {} {} {:.1}: {}", l.a, l.b, l.weight, reasons.join("; "));
        }
    }
    let mixed = (0..clustering.clusters.len())
        .filter(|&ci| raised[ci] && !is_innocent[ci])
        .filter(|&ci| {
            clustering.clusters[ci]
                .members
                .iter()
                .any(|&m| ring_of.get(m as usize).copied().flatten().is_none())
        })
        .count();
    let rings = generator.rings().len();
    println!(
        "{{\"applicants\":{},\"seed\":{},\"raise\":{raise},\"strong\":{strong},\"rings\":{rings},\"rings_found\":{found},\"found_share\":{:.4},\"innocent_clusters\":{},\"innocent_raised\":{innocent_raised},\"innocent_raised_share\":{:.4},\"raised_clusters_with_innocents\":{mixed},\"innocent_groups\":{},\"links\":{},\"clusters\":{},\"held_links\":{},\"hubs\":{},\"diagnostics\":{},\"generate_s\":{gen_s:.2},\"link_s\":{link_s:.2}}}",
        ds.len(),
        cfg.seed,
        found as f64 / rings.max(1) as f64,
        innocent.len(),
        innocent_raised as f64 / innocent.len().max(1) as f64,
        generator.groups().len(),
        linkage.links.len(),
        clustering.clusters.len(),
        clustering.held.len(),
        linkage.hubs.len(),
        diags.len(),
    );
    Ok(())
}
