//! Ring detection and scale of the full applicant pipeline on `cordon-er`'s seeded generator:
//! applicants become records, are screened (rules, linkage, reports) by `Screener::screen_batch`
//! exactly as `cordon applicants screen` does, and the raised clusters are compared with the
//! planted rings.
//!
//! ```text
//! applicant_bench [--applicants N] [--seed S] [--logins L]
//! ```
//! Prints one JSON line: rings found, innocent clusters raised, times and peak memory.

use std::time::Instant;

use cordon_applicants::{Address, Applicant, Login, PayoutAccount, Rules, Screener};
use cordon_er::synth::{Generator, SynthConfig};
use rayon::prelude::*;

type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("applicant_bench: {e}");
        std::process::exit(2);
    }
}

fn convert(a: cordon_er::synth::Applicant) -> Applicant {
    let mut addresses = vec![Address {
        kind: "home".into(),
        text: a.home_address,
        country: None,
    }];
    if let Some(s) = a.shipping_address {
        addresses.push(Address {
            kind: "shipping".into(),
            text: s,
            country: None,
        });
    }
    Applicant {
        id: a.id,
        names: vec![format!("{} {}", a.given_name, a.surname)],
        date_of_birth: match a.date_of_birth.parse() {
            Ok(cordon_model::DateValue::Exact(d)) => Some(d),
            _ => None,
        },
        claimed_country: Some(a.claimed_country.to_ascii_uppercase()),
        emails: a.emails,
        // The generator writes E.164 already; records read from files are normalised by the reader.
        phones: a.phones,
        addresses,
        payout_accounts: a
            .payout_accounts
            .into_iter()
            .map(|number| PayoutAccount {
                number,
                ..PayoutAccount::default()
            })
            .collect(),
        logins: a
            .logins
            .into_iter()
            .map(|l| Login {
                time: jiff::Timestamp::from_second(l.time).ok(),
                ip: Some(l.ip.into()),
                user_agent: None,
                device: Some(l.device),
                locale: Some(l.locale.to_owned()),
            })
            .collect(),
        resume: Some(a.resume),
        photo_phash: a.photo_phash,
        ..Applicant::default()
    }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn run() -> Result<(), Error> {
    let mut cfg = SynthConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--applicants" => cfg.applicants = val()?.parse()?,
            "--seed" => cfg.seed = val()?.parse()?,
            "--logins" => cfg.logins = val()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let t0 = Instant::now();
    let generator = Generator::new(cfg.clone());
    let apps: Vec<Applicant> = (0..generator.len())
        .into_par_iter()
        .map(|i| convert(generator.applicant(i)))
        .collect();
    let logins: usize = apps.iter().map(|a| a.logins.len()).sum();
    let gen_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let screener = Screener::new(Rules::default_rules());
    let batch = screener.screen_batch(&apps)?;
    let screen_s = t1.elapsed().as_secs_f64();

    let mut ring_of: Vec<Option<u32>> = vec![None; apps.len()];
    for (ri, ring) in generator.rings().iter().enumerate() {
        for &m in ring {
            if let Some(slot) = ring_of.get_mut(m as usize) {
                *slot = Some(ri as u32);
            }
        }
    }
    let cluster_ix: std::collections::HashMap<u32, usize> = batch
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.cluster.cluster, i))
        .collect();
    let mut found = 0;
    for (ri, ring) in generator.rings().iter().enumerate() {
        let mut counts: std::collections::HashMap<u32, usize> = Default::default();
        for &m in ring {
            if let Some(r) = batch.applicants.get(m as usize)
                && let Some(c) = r.cluster
                && cluster_ix
                    .get(&c)
                    .and_then(|&i| batch.clusters.get(i))
                    .is_some_and(|c| c.raised)
            {
                *counts.entry(c).or_default() += 1;
            }
        }
        let best = counts.values().copied().max().unwrap_or(0);
        if best >= 2 && 2 * best >= ring.len() {
            found += 1;
        }
        let _ = ri;
    }
    let index_of: std::collections::HashMap<&str, usize> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let innocent: Vec<&cordon_applicants::ClusterReport> = batch
        .clusters
        .iter()
        .filter(|c| {
            c.cluster.members.iter().all(|m| {
                index_of
                    .get(m.as_str())
                    .is_none_or(|&i| ring_of.get(i).copied().flatten().is_none())
            })
        })
        .collect();
    let innocent_raised = innocent.iter().filter(|c| c.raised).count();
    let high = batch
        .applicants
        .iter()
        .filter(|r| r.level == "high")
        .count();
    let ring_members: usize = generator.rings().iter().map(Vec::len).sum();
    let ring_high = batch
        .applicants
        .iter()
        .enumerate()
        .filter(|(i, r)| r.level != "low" && ring_of.get(*i).copied().flatten().is_some())
        .count();
    let rings = generator.rings().len();
    println!(
        "{{\"applicants\":{},\"logins\":{logins},\"seed\":{},\"rings\":{rings},\"rings_found\":{found},\"found_share\":{:.4},\"innocent_clusters\":{},\"innocent_raised\":{innocent_raised},\"innocent_raised_share\":{:.4},\"clusters\":{},\"high_risk_applicants\":{high},\"ring_members_medium_or_high\":{ring_high},\"ring_members\":{ring_members},\"generate_s\":{gen_s:.2},\"screen_and_link_s\":{screen_s:.2},\"peak_rss_mb\":{:.0}}}",
        apps.len(),
        cfg.seed,
        found as f64 / rings.max(1) as f64,
        innocent.len(),
        innocent_raised as f64 / innocent.len().max(1) as f64,
        batch.clusters.len(),
        peak_rss_mb(),
    );
    Ok(())
}
