//! Rarity judged against the population a batch comes from, not against the batch: a batch of
//! two is two records of a platform's many.

use cordon_er::{
    ComparisonSpec, Dataset, DatasetBuilder, KeySpec, KeyValue, LinkConfig, LinkType, Model,
    Population, Reason, RecordRef, link,
};
use cordon_model::Location;

/// Two applicants, each with a payout account and an IP address, drawn from `population`.
fn pair(payouts: [&str; 2], ips: [&str; 2], population: Option<Population>) -> Dataset {
    let mut b = DatasetBuilder::new(&["surname"]);
    if let Some(p) = population {
        b = b.with_population(p);
    }
    let specs = KeySpec::applicant_defaults();
    let kind = |b: &mut DatasetBuilder, name: &str| {
        let spec = specs.iter().find(|k| k.name == name).cloned().expect(name);
        b.key_kind(spec)
    };
    let (payout, ip) = (kind(&mut b, "payout_account"), kind(&mut b, "ip"));
    for (i, (p, addr)) in payouts.iter().zip(ips).enumerate() {
        b.push(RecordRef {
            id: format!("a{i}").as_bytes(),
            source: 0,
            fields: &[Some(b"smith")],
            keys: &[
                (payout, KeyValue::Exact((*p).to_owned())),
                (ip, KeyValue::Exact(addr.to_owned())),
            ],
            location: &Location::default(),
        });
    }
    let (ds, diags) = b.finish();
    assert!(diags.is_empty(), "{diags:?}");
    ds
}

/// The applicant pipeline's identifier linking: prior −10, links at weight ≥ 0.
fn links(ds: &Dataset) -> cordon_er::Linkage {
    let cfg = LinkConfig {
        prior_weight: Some(-10.0),
        threshold: 0.0,
        ..LinkConfig::default()
    };
    link(ds, None, &cfg).expect("link")
}

#[test]
fn small_batch_sharing_a_rare_payout_account_links() {
    let ds = pair(
        ["US2226344583988664", "US2226344583988664"],
        ["198.51.100.7", "203.0.113.9"],
        Some(Population::of_size(100_000)),
    );
    assert_eq!(ds.population_records(), 100_000);
    let l = links(&ds);
    assert_eq!(l.links.len(), 1, "{l:?}");
    let reason = l.links[0]
        .reasons
        .iter()
        .find(|r| matches!(r, Reason::SharedIdentifier { kind, .. } if kind == "payout_account"))
        .expect("payout reason");
    // log2(0.8 / (2 / 100,000)) = +15.29: two of the population's records hold it.
    assert!((reason.counted_weight() - 15.29).abs() < 0.01, "{reason}");
}

#[test]
fn small_batch_without_a_population_is_its_own_population() {
    // Two of two records sharing a value is not rare: the batch alone cannot say otherwise.
    let ds = pair(
        ["US2226344583988664", "US2226344583988664"],
        ["198.51.100.7", "203.0.113.9"],
        None,
    );
    assert!(links(&ds).links.is_empty());
}

#[test]
fn small_batch_sharing_a_known_hub_does_not_link() {
    // A VPN exit that 5,000 of the platform's accounts use links nobody, even when only two of
    // them are in the batch; the same IP without that knowledge is one shared place (+5.9,
    // below the prior) and does not link either, but it is not reported as a hub.
    let mut population = Population::of_size(100_000);
    population.set_key_count("ip", "203.0.113.9", 5_000);
    population.set_key_count("payout_account", "PAYROLL-AGENCY-1", 500);
    let ds = pair(
        ["PAYROLL-AGENCY-1", "PAYROLL-AGENCY-1"],
        ["203.0.113.9", "203.0.113.9"],
        Some(population),
    );
    let l = links(&ds);
    assert!(l.links.is_empty(), "{:?}", l.links);
    let hubs: Vec<(&str, usize)> = l
        .hubs
        .iter()
        .map(|h| (h.kind.as_str(), h.records))
        .collect();
    assert_eq!(hubs, [("ip", 5_000), ("payout_account", 500)]);

    // The same pair with a rare payout account links on it alone: the hub adds nothing.
    let mut population = Population::of_size(100_000);
    population.set_key_count("ip", "203.0.113.9", 5_000);
    let ds = pair(
        ["US2226344583988664", "US2226344583988664"],
        ["203.0.113.9", "203.0.113.9"],
        Some(population),
    );
    let l = links(&ds);
    assert_eq!(l.links.len(), 1);
    assert!(
        l.links[0]
            .reasons
            .iter()
            .all(|r| !matches!(r, Reason::SharedIdentifier { kind, .. } if kind == "ip"))
    );
}

#[test]
fn population_statistics_replace_padding_and_give_equal_weights() {
    // Statistics of a large dataset applied to a batch of it give the weights the large
    // dataset gives: the batch is judged as part of its population.
    let mut big = DatasetBuilder::new(&["surname"]);
    let payout = big.key_kind(KeySpec::exact("payout_account", 0.8, 1e-6, 20));
    let surnames = ["kim", "kim", "lee", "park", "choi"];
    for i in 0..1_000u32 {
        let acct = format!("ACCT{}", i / 2 + if i < 6 { 0 } else { 1_000 });
        let s = surnames[(i % 5) as usize];
        big.push(RecordRef {
            id: i.to_string().as_bytes(),
            source: 0,
            fields: &[Some(s.as_bytes())],
            keys: &[(payout, KeyValue::Exact(acct))],
            location: &Location::default(),
        });
    }
    let (big, _) = big.finish();
    let population = Population::from_dataset(&big);
    // Records 0 and 1 share ACCT0 and are both "kim" (40 % of the population).
    let mut small = DatasetBuilder::new(&["surname"]).with_population(population);
    let payout = small.key_kind(KeySpec::exact("payout_account", 0.8, 1e-6, 20));
    for i in 0..2 {
        small.push(RecordRef {
            id: i.to_string().as_bytes(),
            source: 0,
            fields: &[Some(b"kim")],
            keys: &[(payout, KeyValue::Exact("ACCT0".into()))],
            location: &Location::default(),
        });
    }
    let (small, _) = small.finish();
    let mut model = Model::new(vec![ComparisonSpec::exact("surname").tf()]).expect("model");
    model
        .estimate_u(&big, LinkType::Dedupe, 10_000, 1)
        .expect("u");
    let u_big = model.u[0][0];
    let cfg = LinkConfig {
        prior_weight: Some(0.0),
        threshold: f64::NEG_INFINITY,
        ..LinkConfig::default()
    };
    let of = |ds: &Dataset| {
        let l = link(ds, Some(&model), &cfg).expect("link");
        let l = l
            .links
            .into_iter()
            .find(|l| l.a == 0 && l.b == 1)
            .expect("pair 0-1");
        l.reasons
            .iter()
            .map(|r| (r.to_string(), r.counted_weight()))
            .collect::<Vec<_>>()
    };
    assert_eq!(of(&small), of(&big));
    // The exact level's u of the small batch comes from the population's counts too.
    model
        .estimate_u(&small, LinkType::Dedupe, 10_000, 1)
        .expect("u");
    assert!((model.u[0][0] - u_big).abs() < 1e-12);
}

#[test]
fn unknown_name_frequencies_give_no_term_frequency_adjustment() {
    // Two of two records named "smith" from a population of 100,000 whose name counts are
    // unknown: the batch cannot say whether "smith" is common, so no adjustment either way.
    let ds = pair(
        ["A1", "B2"],
        ["198.51.100.7", "203.0.113.9"],
        Some(Population::of_size(100_000)),
    );
    let model = Model::new(vec![ComparisonSpec::exact("surname").tf()]).expect("model");
    let cfg = LinkConfig {
        prior_weight: Some(0.0),
        threshold: f64::NEG_INFINITY,
        blocking: vec![cordon_er::BlockingRule::on(&["surname"])],
        ..LinkConfig::default()
    };
    let l = link(&ds, Some(&model), &cfg).expect("link");
    let tf = l.links[0].reasons.iter().find_map(|r| match r {
        Reason::Comparison { tf_adjustment, .. } => Some(*tf_adjustment),
        _ => None,
    });
    assert_eq!(tf, Some(0.0));
}
