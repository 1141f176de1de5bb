//! Links FEBRL files with Cordon and scores the result against the ground truth in `rec_id`.
//!
//! ```text
//! febrl <dataset.csv>                  deduplicate one file
//! febrl <a.csv> <b.csv>                link two files (4a/4b)
//! options:
//!   --thresholds 0.5,0.9,0.99          cluster at these match probabilities (first = primary)
//!   --eval-links FILE                  score another tool's links instead (CSV: id_l,id_r,p)
//!   --links-out FILE                   write Cordon's links (id_l,id_r,p,reasons)
//! ```
//! Prints one JSON object per threshold with pairwise and B-cubed metrics and timings.

use std::io::Write;
use std::time::Instant;

use cordon_er::{ClusterConfig, LinkType, cluster, link, metrics};

/// Any error, reported on stderr.
type Error = Box<dyn std::error::Error>;
/// Links as (record, record, match probability).
type Links = Vec<(u32, u32, f64)>;

mod config;

fn main() {
    if let Err(e) = run() {
        eprintln!("febrl: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut files = Vec::new();
    let mut thresholds: Vec<f64> = vec![0.9, 0.5, 0.99];
    let mut eval_links = None;
    let mut links_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--thresholds" => {
                thresholds = args
                    .next()
                    .ok_or("--thresholds needs a value")?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?;
            }
            "--eval-links" => eval_links = Some(args.next().ok_or("--eval-links needs a file")?),
            "--links-out" => links_out = Some(args.next().ok_or("--links-out needs a file")?),
            _ => files.push(a),
        }
    }
    if files.is_empty() || files.len() > 2 {
        return Err("usage: febrl <a.csv> [<b.csv>] [--thresholds ..] [--eval-links F]".into());
    }
    let t0 = Instant::now();
    let (ds, truth, diags) = config::load(&files)?;
    for d in &diags {
        eprintln!("{d}");
    }
    let link_type = if files.len() == 2 {
        LinkType::LinkOnly
    } else {
        LinkType::Dedupe
    };
    let read_s = t0.elapsed().as_secs_f64();

    let mut stderr = std::io::stderr();
    let (links, train_s, predict_s) = if let Some(path) = &eval_links {
        (read_links(path, &ds)?, 0.0, 0.0)
    } else {
        let t1 = Instant::now();
        let model = config::train(&ds, link_type)?;
        let train_s = t1.elapsed().as_secs_f64();
        let t2 = Instant::now();
        let cfg = config::link_config(link_type);
        let linkage = link(&ds, Some(&model), &cfg)?;
        let predict_s = t2.elapsed().as_secs_f64();
        writeln!(
            stderr,
            "cordon: {} blocked pairs, {} links >= weight {}, lambda {:.3e}",
            linkage.stats.blocked_pairs,
            linkage.links.len(),
            cfg.threshold,
            model.lambda
        )?;
        if let Some(out) = &links_out {
            let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
            writeln!(w, "id_l,id_r,match_probability,reasons")?;
            for l in &linkage.links {
                let reasons: Vec<String> = l.reasons.iter().map(|r| r.to_string()).collect();
                writeln!(
                    w,
                    "{},{},{:.6},\"{}\"",
                    ds.id(l.a),
                    ds.id(l.b),
                    l.probability,
                    reasons.join("; ").replace('"', "'")
                )?;
            }
        }
        let links: Vec<(u32, u32, f64)> = linkage
            .links
            .iter()
            .map(|l| (l.a, l.b, l.probability))
            .collect();
        (links, train_s, predict_s)
    };
    for (i, &p) in thresholds.iter().enumerate() {
        let t3 = Instant::now();
        let as_links: Vec<cordon_er::Link> = links
            .iter()
            .map(|&(a, b, prob)| cordon_er::Link {
                a,
                b,
                weight: (prob / (1.0 - prob).max(1e-300)).log2(),
                probability: prob,
                reasons: Vec::new(),
            })
            .collect();
        let threshold = (p / (1.0 - p)).log2();
        let c = cluster(
            ds.len(),
            &as_links,
            &ClusterConfig {
                threshold,
                strong: None,
            },
        );
        let pw = metrics::pairwise(&c.labels, &truth);
        let b3 = metrics::bcubed(&c.labels, &truth);
        let cluster_s = t3.elapsed().as_secs_f64();
        let total = if i == 0 {
            t0.elapsed().as_secs_f64()
        } else {
            read_s + train_s + predict_s + cluster_s
        };
        println!(
            "{{\"threshold\":{p},\"records\":{},\"links\":{},\"precision\":{:.4},\"recall\":{:.4},\"f1\":{:.4},\"tp\":{},\"predicted\":{},\"actual\":{},\"b3_precision\":{:.4},\"b3_recall\":{:.4},\"b3_f1\":{:.4},\"read_s\":{read_s:.4},\"train_s\":{train_s:.4},\"predict_s\":{predict_s:.4},\"cluster_s\":{cluster_s:.4},\"total_s\":{total:.4}}}",
            ds.len(),
            links.len(),
            pw.precision,
            pw.recall,
            pw.f1,
            pw.true_positives,
            pw.predicted,
            pw.actual,
            b3.precision,
            b3.recall,
            b3.f1,
        );
    }
    Ok(())
}

/// Reads another tool's links: `id_l,id_r,match_probability` (header first).
fn read_links(path: &str, ds: &cordon_er::Dataset) -> Result<Links, Error> {
    let index: std::collections::HashMap<&str, u32> =
        (0..ds.len() as u32).map(|i| (ds.id(i), i)).collect();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)?;
    let mut out = Vec::new();
    for r in rdr.records() {
        let r = r?;
        let (Some(a), Some(b), Some(p)) = (r.get(0), r.get(1), r.get(2)) else {
            continue;
        };
        if let (Some(&a), Some(&b), Ok(p)) = (index.get(a), index.get(b), p.parse::<f64>()) {
            out.push((a.min(b), a.max(b), p));
        }
    }
    Ok(out)
}
