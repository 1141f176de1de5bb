//! End-to-end on the real Bybit 2025 trail (hop files as exported, adversarial rows included).

use std::path::PathBuf;

use cordon_trace::{
    AccountRule, Category, Labels, SinkKind, TraceOptions, main_path, to_dot, trace, trace_interval,
};
use cordon_tx::{
    Amount, Exclusion, IngestOptions, TokenRegistry, TxStore, TxStoreBuilder, format_amount,
    ingest_csv, parse_amount,
};

const HOP1: &str = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2";
const HOP2: &str = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e";
const HOP3: &str = "0xdd90071d52f20e85c89802e5dc1ec0a7b6475f92";
const HOP4: &str = "0xf302572594a68aa8f951fae64ed3ae7da41c72be";
const HOP5: &str = "0x327ffe25f330d2d809106ace581099ad1af9ba23";
const THOR_A: &str = "0x8b62111bd342c352daf453ccd0676833c0a31ca1";
const THOR_B: &str = "0x54acab846901bdbdc553a675d97240511e4bfba2";

fn dir() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA")
        .map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
            PathBuf::from,
        )
        .join("tx/bybit-2025-public-trail")
}

fn load(reverse: bool) -> (TxStore, Labels) {
    let mut registry = TokenRegistry::with_defaults();
    let mut labels = Labels::new();
    labels
        .load_csv(&dir().join("labels.csv"), Some(&mut registry))
        .unwrap();
    let mut b = TxStoreBuilder::new(registry);
    let mut files = vec![
        ("hop1_subset.csv", HOP1),
        ("hop2.csv", HOP2),
        ("hop3_subset.csv", HOP3),
        ("hop4_subset.csv", HOP4),
        ("hop5.csv", HOP5),
    ];
    if reverse {
        files.reverse();
    }
    for (f, owner) in files {
        let r = ingest_csv(
            &mut b,
            &dir().join(f),
            &IngestOptions {
                owner: Some(owner.into()),
                ..IngestOptions::default()
            },
        )
        .unwrap();
        assert_eq!(r.rejected, 0, "{f}");
    }
    (b.build().unwrap(), labels)
}

fn eth(s: &str) -> Amount {
    parse_amount(s, 18).unwrap().0
}

/// Value-carrying native ETH sent by `owner`: (total, count, distinct recipients).
fn outflow(
    store: &TxStore,
    owner: &str,
    filter: impl Fn(Amount) -> bool,
) -> (Amount, usize, usize) {
    let id = store.address_id(owner).unwrap();
    let mut total = 0;
    let mut n = 0;
    let mut to = std::collections::BTreeSet::new();
    for e in store.out_csr().edges(id) {
        if store.asset(e.asset).unwrap().contract.is_none() && filter(e.amount) {
            total += e.amount;
            n += 1;
            to.insert(e.nbr);
        }
    }
    (total, n, to.len())
}

fn to4(v: Amount) -> String {
    // Truncate to the 4 decimals the report prints.
    format_amount(v / eth("0.0001") * eth("0.0001"), 18)
}

#[test]
fn reproduces_the_provenance_aggregates() {
    let (s, _) = load(false);
    // hop1 native total 400,001 ETH (40 × 10,000 + 1).
    assert_eq!(outflow(&s, HOP1, |_| true).0, eth("400001"));
    assert_eq!(outflow(&s, HOP1, |a| a == eth("10000")).1, 40);
    // hop2 native ETH to the hop-3 anchor = 98,048.7948.
    let hop3 = s.address_id(HOP3).unwrap();
    let to3: Amount = s.in_csr().edges(hop3).map(|e| e.amount).sum();
    assert_eq!(format_amount(to3, 18), "98048.7948");
    // hop3 = 98,055.3621; regime B: 45 transfers to 30 destinations, 8,055.3621.
    assert_eq!(to4(outflow(&s, HOP3, |_| true).0), "98055.3621");
    let b = outflow(&s, HOP3, |a| a != eth("10000"));
    assert_eq!((to4(b.0), b.1, b.2), ("8055.3621".to_string(), 45, 30));
    assert_eq!(outflow(&s, HOP3, |a| a == eth("10000")).1, 9);
    // hop4 = 10,062.3582 over 74 transfers to 58 destinations.
    let h4 = outflow(&s, HOP4, |_| true);
    assert_eq!((to4(h4.0), h4.1, h4.2), ("10062.3582".to_string(), 74, 58));
    // hop5 present in full: 65 rows, of which 9 native value transfers.
    assert_eq!(outflow(&s, HOP5, |_| true).1, 9);
    // hop2 swap reconciliation: 98,376.55 ETH-equivalent in, 98,048.79 out (0.333 %).
    let hop2 = s.address_id(HOP2).unwrap();
    let inflow: Amount = s.in_csr().edges(hop2).map(|e| e.amount).sum();
    assert_eq!(to4(inflow), "98376.5479");
    let diff_bp = (inflow - to3) * 100_000 / inflow;
    assert_eq!(diff_bp, 333); // 0.333 %
}

#[test]
fn trace_from_hop1_reaches_every_anchor_and_both_thorchain_depositors() {
    let (s, labels) = load(false);
    for rule in AccountRule::ALL {
        let opts = TraceOptions {
            rule,
            ..TraceOptions::default()
        };
        let r = trace(&s, &labels, HOP1, &opts).unwrap();
        // Conservation: everything introduced ends in exactly one sink (poison is the one
        // rule that is not conserving: it can only over-count).
        if rule == AccountRule::Poison {
            assert!(r.sink_total() >= r.introduced_total);
        } else {
            assert_eq!(r.sink_total(), r.introduced_total, "{rule}");
        }
        for anchor in [HOP2, HOP3, HOP4, HOP5] {
            assert!(r.received(&s, anchor) > 0, "{rule}: {anchor} not reached");
        }
        for thor in [THOR_A, THOR_B] {
            let sink = r
                .sinks
                .iter()
                .find(|k| k.address == thor)
                .unwrap_or_else(|| panic!("{rule}: {thor} not flagged"));
            assert_eq!(sink.kind, SinkKind::Bridge);
            assert!(sink.taint_base > 0);
            assert!(!sink.path.is_empty());
            assert_eq!(sink.path[0].from, HOP1, "{rule}: path starts at the source");
        }
        // Never through an impersonating token or a poisoning look-alike.
        for &(x, _) in &r.flows {
            let t = s.transfer(x);
            assert!(t.exclusion.is_none());
            let to = s.address(t.to);
            assert!(
                labels
                    .get(to)
                    .is_none_or(|l| l.category != Category::Poisoning),
                "{to}"
            );
            assert!(
                !to.starts_with("0xdd9019") && !to.starts_with("0xdd9099"),
                "{to}"
            );
        }
    }
}

#[test]
fn hop3_taint_under_haircut_is_the_full_dex_conversion() {
    let (s, labels) = load(false);
    let r = trace(&s, &labels, HOP1, &TraceOptions::default()).unwrap();
    // The 98,048.7948 ETH into hop 3 was funded by the LSD swaps (an explained inference).
    assert_eq!(format_amount(r.received(&s, HOP3), 18), "98048.7948");
    assert!(!r.swap_inferences.is_empty());
    let sink = r.sinks.iter().find(|k| k.address == THOR_B).unwrap();
    assert!(sink.path.iter().any(|st| st.rule.contains("swap-inferred")));
    // Fake tokens touching the traced addresses are listed with their reasons.
    assert!(
        r.excluded
            .iter()
            .any(|e| e.reasons.contains(&"impersonating_token"))
    );
    assert!(
        r.excluded
            .iter()
            .any(|e| e.reasons.contains(&"poisoning_lookalike"))
    );
    let fake = s.find_assets("ЕТН...");
    assert!(!fake.is_empty());
    for x in 0..s.len() as u32 {
        if fake.contains(&s.transfer(x).asset) {
            assert!(
                s.transfer(x)
                    .exclusion
                    .contains(Exclusion::IMPERSONATING_TOKEN)
            );
        }
    }
}

#[test]
fn nine_way_tie_resolves_deterministically_to_the_analysts_path() {
    let (s, labels) = load(false);
    let r = trace(&s, &labels, HOP1, &TraceOptions::default()).unwrap();
    let path = main_path(&s, &labels, &r, 4);
    assert_eq!(path, vec![HOP1, HOP2, HOP3, HOP4, HOP5]);
    // Same answer whatever order the files were read in.
    let (s2, labels2) = load(true);
    let r2 = trace(&s2, &labels2, HOP1, &TraceOptions::default()).unwrap();
    assert_eq!(main_path(&s2, &labels2, &r2, 4), path);
    let a: Vec<_> = r.sinks.iter().map(|k| (&k.address, k.taint_base)).collect();
    let b: Vec<_> = r2
        .sinks
        .iter()
        .map(|k| (&k.address, k.taint_base))
        .collect();
    assert_eq!(a, b);
    // The nine 10,000 ETH recipients are listed in a fixed order (earliest first on ties).
    let tens: Vec<_> = r
        .sinks
        .iter()
        .filter(|k| k.taint_base == eth("10000") && k.kind == SinkKind::Held)
        .collect();
    assert!(tens.windows(2).all(|w| w[0].first_time <= w[1].first_time));
}

#[test]
fn interval_brackets_the_point_and_dot_renders() {
    let (s, labels) = load(false);
    let iv = trace_interval(&s, &labels, HOP1, &TraceOptions::default()).unwrap();
    let thor = iv.intervals.iter().find(|k| k.address == THOR_A).unwrap();
    let (lo, p, hi) = (eth(&thor.lower), eth(&thor.point), eth(&thor.upper));
    assert!(lo <= p && p <= hi);
    let dot = to_dot(&s, &labels, &iv.point, 200);
    assert!(dot.starts_with("digraph"));
    assert!(dot.contains(THOR_A));
    let json = serde_json::to_string(&iv).unwrap();
    assert!(json.contains("\"kind\":\"bridge\""));
}

#[test]
fn hop1_fan_out_and_hop3_round_lots_are_flagged() {
    let (s, labels) = load(false);
    let ids = [s.address_id(HOP1).unwrap(), s.address_id(HOP3).unwrap()];
    let found = cordon_trace::patterns::detect(&s, &labels, &ids, &Default::default());
    use cordon_trace::patterns::Pattern;
    assert!(
        found
            .iter()
            .any(|p| matches!(p, Pattern::FanOut { address, recipients, .. }
        if address == HOP1 && *recipients >= 40)),
        "{found:?}"
    );
    // Nine 10,000 ETH lots from hop 3: a repeated round denomination.
    assert!(
        found.iter().any(
            |p| matches!(p, Pattern::FixedDenomination { address, count, .. }
        if address == HOP3 && *count == 9)
        ),
        "{found:?}"
    );
}

/// `cordon trace` (and `POST /trace`) report the laundering shapes of the traced accounts:
/// the 40 × 10,000 ETH fan-out at hop 1 and the nine round lots at hop 3.
#[test]
fn trace_report_lists_the_laundering_patterns() {
    let (s, labels) = load(false);
    let g = cordon_trace::Graph::from_parts(PathBuf::from("bybit"), s, labels);
    let rep = g
        .trace(&cordon_trace::TraceQuery {
            from: HOP1.into(),
            ..Default::default()
        })
        .unwrap();
    use cordon_trace::patterns::Pattern;
    assert!(
        rep.patterns.iter().any(
            |p| matches!(p, Pattern::FanOut { address, recipients, .. } if address == HOP1 && *recipients >= 40)
        ),
        "{:?}",
        rep.patterns
    );
    assert!(rep.patterns.iter().any(
        |p| matches!(p, Pattern::FixedDenomination { address, count, .. } if address == HOP3 && *count == 9)
    ));
    let json = serde_json::to_value(&rep).unwrap();
    assert_eq!(
        json["patterns"].as_array().unwrap().len(),
        rep.patterns.len()
    );
}

const DEX_AGGREGATOR: &str = "0x6bb000067005450704003100632eb93ea00c0000";
const EXPLOITER_46: &str = "0x21032176b43d9f7e9410fb37290a78f4fed6044c";

fn graph() -> cordon_trace::Graph {
    let (s, labels) = load(false);
    cordon_trace::Graph::from_parts(PathBuf::from("bybit"), s, labels)
}

/// The hop-2 anchor's raw export carries eleven impersonating-token rows sent to poisoning
/// look-alikes of its real counterparties: its exposure report lists each one (time, hash,
/// counterparty, asset, amount, reasons) and counts none of them.
#[test]
fn exposure_lists_the_fake_tokens_and_lookalikes_the_address_sent() {
    let g = graph();
    let rep = g
        .exposure(HOP2, &cordon_trace::ExposureQuery::default())
        .unwrap();
    assert_eq!(rep.excluded_total, 27);
    let by = |r: &str| rep.excluded_by_reason.get(r).copied().unwrap_or(0);
    assert_eq!(
        (
            by("impersonating_token"),
            by("poisoning_lookalike"),
            by("zero_value")
        ),
        (11, 11, 16)
    );
    assert_eq!(rep.excluded.len(), 27);
    assert!(rep.notes.is_empty(), "{:?}", rep.notes);
    let fake = rep
        .excluded
        .iter()
        .find(|x| x.transfer.time == "2025-02-21T15:02:23Z")
        .unwrap();
    assert_eq!(fake.direction, cordon_trace::Direction::Sent);
    assert_eq!(
        fake.counterparty,
        "0xdd901921594c5ba04c5971295db8931073365f92"
    );
    assert_eq!(fake.transfer.amount, "49755");
    assert!(
        fake.transfer.asset.starts_with("ЕТН"),
        "{}",
        fake.transfer.asset
    );
    assert_eq!(fake.transfer.tx_hash.len(), 66);
    assert_eq!(
        fake.transfer.reasons,
        vec!["impersonating_token", "poisoning_lookalike"]
    );
    assert!(
        fake.transfer
            .detail
            .as_deref()
            .unwrap()
            .contains("imitates 0xdd90071d52f20e85c89802e5dc1ec0a7b6475f92")
    );
    // Every excluded row of the export is listed, in time order, and none is the genuine
    // hop-3 anchor.
    let s = g.store();
    let ids = s.excluded_of(s.address_id(HOP2).unwrap());
    assert_eq!(ids.len(), 27);
    for (x, id) in rep.excluded.iter().zip(&ids) {
        assert_eq!(x.transfer.tx_hash, s.transfer(*id).tx_hash);
        assert_ne!(x.counterparty, HOP3);
    }
    // Counted exposure stays in real assets.
    assert!(
        rep.entries
            .iter()
            .all(|e| !e.asset.contains("0x2a120e7f") && !e.asset.contains("0x66950792"))
    );
    // The JSON an analyst (or the console) reads: one flat object per excluded transfer.
    let json = serde_json::to_value(&rep).unwrap();
    let first = &json["excluded"][0];
    for key in [
        "direction",
        "counterparty",
        "tx_hash",
        "time",
        "from",
        "to",
        "asset",
        "amount",
        "reasons",
    ] {
        assert!(!first[key].is_null(), "{key} in {first}");
    }
    assert_eq!(json["excluded_by_reason"]["impersonating_token"], 11);
    // Received only: the anchor received none of them.
    let rep = g
        .exposure(
            HOP2,
            &cordon_trace::ExposureQuery {
                direction: "received".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((rep.excluded_total, rep.excluded.len()), (0, 0));
}

/// With more excluded transfers than the listing keeps, the fakes and look-alikes are kept
/// before plain zero-value calls, the list stays in time order and the totals stay whole.
#[test]
fn exposure_exclusion_listing_keeps_the_adversarial_rows_first() {
    let (s, labels) = load(false);
    let opts = cordon_trace::ExposureOptions {
        max_excluded: 5,
        ..Default::default()
    };
    let rep = cordon_trace::exposure(&s, &labels, HOP2, &opts).unwrap();
    assert_eq!((rep.excluded.len(), rep.excluded_total), (5, 27));
    assert!(
        rep.excluded
            .iter()
            .all(|x| x.transfer.reasons.contains(&"impersonating_token"))
    );
    assert!(
        rep.excluded
            .windows(2)
            .all(|w| w[0].transfer.time <= w[1].transfer.time)
    );
    // The hop-5 anchor's 56 fake-token rows, 35 of them to look-alikes.
    let rep = cordon_trace::exposure(&s, &labels, HOP5, &Default::default()).unwrap();
    assert_eq!(rep.excluded_total, 56);
    assert_eq!(rep.excluded_by_reason["impersonating_token"], 56);
    assert_eq!(rep.excluded_by_reason["poisoning_lookalike"], 35);
}

/// The trace report names every attributed address it mentions, not only the main path and
/// the service sinks: the DEX aggregator the hop-2 swaps went through and "Bybit Exploiter 46"
/// (a reconvergence address still holding taint) are there with category, label and source.
#[test]
fn trace_report_labels_every_attributed_address_it_names() {
    let g = graph();
    let rep = g
        .trace(&cordon_trace::TraceQuery {
            from: HOP1.into(),
            ..Default::default()
        })
        .unwrap();
    let dex = &rep.labels[DEX_AGGREGATOR];
    assert_eq!(dex.category, Category::Dex);
    assert!(dex.name.contains("swap venue"), "{}", dex.name);
    assert!(!rep.main_path.iter().any(|a| a == DEX_AGGREGATOR));
    assert!(!rep.trace.sinks.iter().any(|k| k.address == DEX_AGGREGATOR));
    let x46 = &rep.labels[EXPLOITER_46];
    assert_eq!(x46.category, Category::Theft);
    assert!(x46.name.contains("Bybit Exploiter 46"));
    assert_eq!(x46.confidence.name, "unspecified");
    for a in [HOP1, HOP2, HOP3, HOP4, HOP5, THOR_A, THOR_B] {
        assert!(rep.labels.contains_key(a), "{a}");
    }
    // Complete: every labelled address on a sink path is in the map; and every key is an
    // address the report names.
    for sink in &rep.trace.sinks {
        for st in &sink.path {
            for a in [&st.from, &st.to] {
                assert_eq!(rep.labels.get(a), g.labels().get(a), "{a}");
            }
        }
    }
    let mut json = serde_json::to_value(&rep).unwrap();
    let labels = json.as_object_mut().unwrap().remove("labels").unwrap();
    let rest = json.to_string();
    for (a, l) in labels.as_object().unwrap() {
        assert!(rest.contains(a.as_str()), "{a} is not named by the report");
        for key in ["category", "label", "source", "confidence"] {
            assert!(!l[key].is_null(), "{key} of {a}");
        }
    }
}

/// A graph directory written before excluded transfers were indexed by address still opens;
/// its exposure report lists the same exclusions (found by a scan) and says so.
#[test]
fn exposure_on_a_graph_written_before_the_exclusion_index_says_it_scanned() {
    let (s, _) = load(false);
    let tmp = tempfile::tempdir().unwrap();
    s.save(tmp.path()).unwrap();
    std::fs::copy(dir().join("labels.csv"), tmp.path().join("labels.csv")).unwrap();
    let fresh = cordon_trace::Graph::open(tmp.path(), &[tmp.path().join("labels.csv")])
        .unwrap()
        .exposure(HOP2, &Default::default())
        .unwrap();
    let mpath = tmp.path().join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("excluded_index");
    std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    for f in ["excluded_offsets.u64.bin", "excluded_by_address.u32.bin"] {
        std::fs::remove_file(tmp.path().join(f)).unwrap();
    }
    let old = cordon_trace::Graph::open(tmp.path(), &[tmp.path().join("labels.csv")])
        .unwrap()
        .exposure(HOP2, &Default::default())
        .unwrap();
    assert_eq!(old.excluded, fresh.excluded);
    assert_eq!(old.excluded_total, 27);
    assert!(fresh.notes.is_empty());
    assert_eq!(old.notes.len(), 1);
    assert!(
        old.notes[0].contains("re-run `cordon tx ingest`"),
        "{}",
        old.notes[0]
    );
}

/// Labels from a GraphSense TagPack keep the pack's confidence: the Bybit cold wallet (the
/// theft's victim) is an exchange wallet by "service_data" (50) in the report's labels.
#[test]
fn tagpack_labels_carry_their_confidence_into_reports() {
    let cold = "0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4";
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
    b.push(&cordon_tx::TransferRecord {
        chain: "eth".into(),
        tx_hash: "0x46deef0f52e3a983b67abf4714448a41dd7ffd6d32d32da69d62081c68ad7882".into(),
        timestamp: 1_740_148_187,
        from: cold.into(),
        to: HOP1.into(),
        symbol: "ETH".into(),
        decimals: 18,
        amount: eth("401346.7686"),
        ..Default::default()
    })
    .unwrap();
    let mut labels = Labels::new();
    let pack = dir().join("../graphsense-tagpacks-dprk/exchange-wallets-bybit.yaml");
    assert!(cordon_trace::add_label_file(&mut labels, &pack, None).unwrap() > 0);
    let g = cordon_trace::Graph::from_parts(PathBuf::from("t"), b.build().unwrap(), labels);
    let rep = g.exposure(HOP1, &Default::default()).unwrap();
    let l = &rep.labels[cold];
    assert_eq!(l.category, Category::Exchange);
    assert_eq!(l.name, "Bybit reserve wallets");
    assert_eq!(
        (l.confidence.name.as_str(), l.confidence.level),
        ("service_data", Some(50))
    );
    let json = serde_json::to_value(&rep).unwrap();
    assert_eq!(json["labels"][cold]["confidence"]["level"], 50);
    assert_eq!(json["labels"][cold]["label"], "Bybit reserve wallets");
}
