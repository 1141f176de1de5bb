//! Cordon alone on the FEBRL files, with accuracy floors measured on this configuration
//! (docs/benchmarks/er.md): a regression in blocking, training or scoring fails here.

#[path = "../examples/febrl/config.rs"]
#[allow(dead_code, unreachable_pub)]
mod config;

use cordon_er::{ClusterConfig, LinkType, cluster, link, metrics};

fn data(file: &str) -> std::path::PathBuf {
    let root = std::env::var("CORDON_SHARED_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_owned()
    });
    std::path::Path::new(&root).join("er/febrl").join(file)
}

fn run(files: &[&str], link_type: LinkType) -> (metrics::PairMetrics, metrics::BCubed) {
    let paths: Vec<_> = files.iter().map(|f| data(f)).collect();
    let (ds, truth, diags) = config::load(&paths).expect("FEBRL files readable");
    assert!(diags.is_empty(), "{diags:?}");
    let model = config::train(&ds, link_type).expect("training");
    let linkage = link(&ds, Some(&model), &config::link_config(link_type)).expect("link");
    let c = cluster(
        ds.len(),
        &linkage.links,
        &ClusterConfig {
            threshold: (0.9f64 / 0.1).log2(),
            strong: None,
        },
    );
    (
        metrics::pairwise(&c.labels, &truth),
        metrics::bcubed(&c.labels, &truth),
    )
}

#[test]
fn febrl_dataset1_dedupe_f1_floor() {
    let (pw, b3) = run(&["dataset1.csv"], LinkType::Dedupe);
    // Measured 1.0000 / 1.0000.
    assert!(pw.f1 >= 0.995, "{pw:?}");
    assert!(b3.f1 >= 0.995, "{b3:?}");
}

#[test]
fn febrl_dataset3_dedupe_f1_floor() {
    let (pw, b3) = run(&["dataset3.csv"], LinkType::Dedupe);
    // Measured 0.9999 pairwise, 0.9999 B-cubed; Splink 5.0.0 scores 0.9962 here.
    assert!(pw.f1 >= 0.995, "{pw:?}");
    assert!(b3.f1 >= 0.995, "{b3:?}");
    assert_eq!(pw.actual, 6538, "ground truth pairs per PROVENANCE.md");
}
