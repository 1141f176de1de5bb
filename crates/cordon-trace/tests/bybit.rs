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
