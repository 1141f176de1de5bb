//! Planted laundering on generated graphs: every deposit found with the right amount.

use cordon_trace::generate::{GenConfig, Generated, generate, generate_to, generate_utxo};
use cordon_trace::{
    AccountRule, Category, Direction, ExposureOptions, Labels, SinkKind, TraceOptions, TraceResult,
    UtxoRule, earliest_arrival, exposure, trace, trace_utxo,
};
use cordon_tx::{Amount, TokenRegistry, TransferRecord, TxStoreBuilder};
use proptest::prelude::*;
use rustc_hash::FxHashMap;

/// Forward trace of planted theft `k` under `rule`.
fn trace_theft(g: &Generated, k: usize, rule: AccountRule) -> TraceResult {
    let opts = TraceOptions {
        rule,
        ..TraceOptions::default()
    };
    trace(&g.store, &g.labels, &g.truth[k].thief, &opts).unwrap()
}

#[test]
fn every_planted_deposit_is_found_with_the_right_amount() {
    let g = generate(&GenConfig::default()).unwrap();
    let truth = &g.truth[0];
    let mut want: FxHashMap<String, Amount> = FxHashMap::default();
    for d in &truth.deposits {
        *want.entry(d.address.clone()).or_default() += d.amount;
    }
    assert_eq!(want.values().sum::<Amount>(), truth.amount);
    for rule in AccountRule::ALL {
        let r = trace_theft(&g, 0, rule);
        assert_eq!(r.introduced_total, truth.amount, "{rule}");
        let mut got: FxHashMap<String, Amount> = FxHashMap::default();
        for s in &r.sinks {
            assert!(
                matches!(
                    s.kind,
                    SinkKind::Exchange | SinkKind::Mixer | SinkKind::Bridge
                ),
                "{rule}: {s:?}"
            );
            *got.entry(s.address.clone()).or_default() += s.taint_base;
        }
        assert_eq!(got, want, "{rule}");
    }
}

/// The streamed build (time-ordered emission, columns written as they come, adjacency by
/// counting passes over the mapped files) must write exactly what the in-memory build saves.
#[test]
fn streamed_generation_writes_the_same_store_as_the_in_memory_build() {
    let cfg = GenConfig {
        thefts: 2,
        ..GenConfig::default()
    };
    let mem = tempfile::tempdir().unwrap();
    let streamed = tempfile::tempdir().unwrap();
    let a = generate(&cfg).unwrap();
    a.store.save(mem.path()).unwrap();
    let b = generate_to(&cfg, streamed.path()).unwrap();
    assert_eq!(a.truth[1].deposits, b.truth[1].deposits);
    let mut names: Vec<_> = std::fs::read_dir(mem.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in &names {
        let x = std::fs::read(mem.path().join(name)).unwrap();
        let y = std::fs::read(streamed.path().join(name)).unwrap();
        assert!(x == y, "{name:?} differs between the two builds");
    }
    let r = trace(
        &b.store,
        &b.labels,
        &b.truth[1].thief,
        &TraceOptions::default(),
    )
    .unwrap();
    assert_eq!(r.sink_total(), b.truth[1].amount);
}

/// A theft cashed out to an OTC desk in the background keeps spreading: the desk receives
/// exactly the planted lot, every unit is still accounted for, and haircut smears the taint
/// over many more accounts than FIFO (Anderson et al.'s Flexcoin observation, in miniature).
#[test]
fn leaky_theft_spreads_into_the_background_and_is_conserved() {
    let g = generate(&GenConfig {
        // A background long enough (one transfer a second) for the desk to trade afterwards.
        accounts: 2_000,
        transfers: 100_000,
        leaky_thefts: 1,
        ..GenConfig::default()
    })
    .unwrap();
    let truth = &g.truth[0];
    let otc = truth
        .deposits
        .iter()
        .find(|d| d.category == Category::Other)
        .unwrap();
    let last = g.store.address_id(truth.chains[0].last().unwrap()).unwrap();
    let desk = g.store.address_id(&otc.address).unwrap();
    let mut touched = Vec::new();
    for rule in AccountRule::ALL {
        let r = trace_theft(&g, 0, rule);
        if rule != AccountRule::Poison {
            assert_eq!(r.sink_total(), truth.amount, "{rule}");
        }
        let cash_out = g
            .store
            .out_csr()
            .edges(last)
            .find(|e| e.nbr == desk)
            .unwrap();
        assert_eq!(r.taint_of(cash_out.xfer), otc.amount, "{rule}");
        touched.push((rule, r.accounts_touched));
    }
    let of = |rule| touched.iter().find(|t| t.0 == rule).unwrap().1;
    assert!(
        of(AccountRule::Haircut) > 2 * of(AccountRule::Fifo),
        "{touched:?}"
    );
}

/// An early cash-out meets the background's trading from the start of the span, and a dense
/// background (twenty transfers per account) lets time-respecting paths reach nearly every
/// account: the whole-graph propagation stress of the benchmark, in miniature. The same theft
/// planted late is the control: only the start time differs (same desk, same lots).
#[test]
fn early_leak_spreads_taint_through_most_of_a_dense_background() {
    let cfg = |early_leaks| GenConfig {
        accounts: 5_000,
        transfers: 100_000,
        leaky_thefts: 1,
        early_leaks,
        ..GenConfig::default()
    };
    let (late, early) = (generate(&cfg(0)).unwrap(), generate(&cfg(1)).unwrap());
    let desk = |g: &Generated| {
        let d = g.truth[0]
            .deposits
            .iter()
            .find(|d| d.category == Category::Other);
        d.unwrap().clone()
    };
    assert_eq!(
        desk(&late),
        desk(&early),
        "the control differs only in time"
    );
    let start_fraction = |g: &Generated| {
        let thief = g.store.address_id(&g.truth[0].thief).unwrap();
        let t0 = g.store.transfer(0).time;
        let t_end = g.store.transfer(g.store.len() as u32 - 1).time;
        let start = g.store.in_csr().edges(thief).next().unwrap().time;
        (start - t0) as f64 / (t_end - t0) as f64
    };
    assert!(
        start_fraction(&early) < 0.01,
        "early theft at {}",
        start_fraction(&early)
    );
    let mut touched = Vec::new();
    for g in [&late, &early] {
        for rule in [AccountRule::Haircut, AccountRule::Fifo] {
            let r = trace_theft(g, 0, rule);
            assert_eq!(r.sink_total(), g.truth[0].amount, "conservation, {rule}");
            assert_eq!(r.introduced_total, g.truth[0].amount, "{rule}");
            touched.push(r.accounts_touched);
        }
    }
    let [late_h, late_f, early_h, early_f] = touched[..] else {
        unreachable!()
    };
    assert!(
        early_h > 4_750,
        "haircut reaches nearly all 5,000 background accounts: {touched:?}"
    );
    assert!(early_h > late_h && early_f > late_f, "{touched:?}");
    assert!(
        early_h > early_f,
        "haircut smears wider than FIFO: {touched:?}"
    );
}

/// `paths_per_sink` lists the next-largest contributions to a sink after the main path: the
/// planted mixer receives a 100 ETH deposit from each of the four peel chains' ends (several
/// each), so three paths are three distinct deposits into it, each traced back to the thief.
#[test]
fn paths_per_sink_lists_distinct_contributing_paths_largest_first() {
    let g = generate(&GenConfig::default()).unwrap();
    let truth = &g.truth[0];
    let run = |paths_per_sink| {
        let opts = TraceOptions {
            paths_per_sink,
            ..TraceOptions::default()
        };
        trace(&g.store, &g.labels, &truth.thief, &opts).unwrap()
    };
    let (one, three) = (run(1), run(3));
    assert!(one.sinks.iter().all(|s| s.other_paths.is_empty()));
    let mixer = three
        .sinks
        .iter()
        .find(|s| s.kind == SinkKind::Mixer)
        .unwrap();
    assert_eq!(mixer.other_paths.len(), 2, "{mixer:?}");
    let mut ends: Vec<&str> = vec![mixer.path.last().unwrap().tx_hash.as_str()];
    let mut previous = mixer
        .path
        .last()
        .unwrap()
        .tainted_base
        .parse::<Amount>()
        .unwrap();
    for p in &mixer.other_paths {
        let (first, last) = (p.first().unwrap(), p.last().unwrap());
        // Each path starts where the main one does: the theft into the source.
        assert_eq!(first.tx_hash, mixer.path[0].tx_hash);
        assert_eq!(first.to, truth.thief);
        assert_eq!(last.to, mixer.address, "and ends in the sink");
        let tainted: Amount = last.tainted_base.parse().unwrap();
        assert!(tainted <= previous, "largest first");
        previous = tainted;
        ends.push(&last.tx_hash);
    }
    ends.sort();
    ends.dedup();
    assert_eq!(ends.len(), 3, "three distinct deposits");
    // The amounts and the main paths do not change.
    for (a, b) in one.sinks.iter().zip(&three.sinks) {
        assert_eq!((a.taint_base, &a.address), (b.taint_base, &b.address));
        assert_eq!(a.path.len(), b.path.len());
    }
}

#[test]
fn generator_is_deterministic_per_seed() {
    let a = generate(&GenConfig::default()).unwrap();
    let b = generate(&GenConfig::default()).unwrap();
    assert_eq!(a.store.len(), b.store.len());
    assert_eq!(a.truth[0].deposits, b.truth[0].deposits);
    let c = generate(&GenConfig {
        seed: 7,
        ..GenConfig::default()
    })
    .unwrap();
    assert_ne!(a.truth[0].deposits, c.truth[0].deposits);
}

#[test]
fn exposure_of_a_deposit_finds_the_theft_two_hops_back() {
    let g = generate(&GenConfig::default()).unwrap();
    let first = &g.truth[0].deposits[0];
    let rep = exposure(
        &g.store,
        &g.labels,
        &first.address,
        &ExposureOptions::default(),
    )
    .unwrap();
    let e = rep
        .entries
        .iter()
        .find(|e| e.category == Category::Theft && e.direction == Direction::Received)
        .unwrap();
    assert_eq!(e.indirect_base, first.amount.to_string());
    assert_eq!(e.min_hops, 2);
    assert_eq!(e.paths[0].steps.len(), 2);
    assert_eq!(e.paths[0].steps[0].from, g.truth[0].thief);
}

#[test]
fn reachability_is_time_respecting() {
    let g = generate(&GenConfig::default()).unwrap();
    let thief = g.store.address_id(&g.truth[0].thief).unwrap();
    let reach = earliest_arrival(&g.store, thief, 64);
    for chain in &g.truth[0].chains {
        for a in chain {
            assert!(reach.contains_key(&g.store.address_id(a).unwrap()), "{a}");
        }
    }
    // A transfer into the thief's first hop made *before* the theft is not a path.
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
    for (h, f, t, time) in [("0x1", "a1", "b1", 20), ("0x2", "b1", "c1", 10)] {
        b.push(&TransferRecord {
            chain: "eth".into(),
            tx_hash: h.into(),
            timestamp: time,
            from: f.into(),
            to: t.into(),
            symbol: "ETH".into(),
            decimals: 18,
            amount: 5,
            ..Default::default()
        })
        .unwrap();
    }
    let s = b.build().unwrap();
    let r = earliest_arrival(&s, s.address_id("a1").unwrap(), 5);
    assert!(r.contains_key(&s.address_id("b1").unwrap()));
    assert!(!r.contains_key(&s.address_id("c1").unwrap()));
}

#[test]
fn utxo_peel_chain_deposits_are_found_under_every_rule() {
    let g = generate_utxo(3, 200, 50_000_000_000, 8);
    for rule in [
        UtxoRule::Poison,
        UtxoRule::Haircut,
        UtxoRule::Fifo,
        UtxoRule::Lifo,
        UtxoRule::Tiho,
        UtxoRule::Seniority,
    ] {
        let r = trace_utxo(&g.store, &g.labels, &g.theft_txid, rule).unwrap();
        for (addr, v) in &g.deposits {
            let s = r.sinks.iter().find(|s| &s.address == addr).unwrap();
            assert_eq!(s.taint, v.to_string(), "{rule:?} {addr}");
            assert_eq!(s.kind, "exchange");
        }
        let unspent: Vec<_> = r.sinks.iter().filter(|s| s.kind == "unspent").collect();
        assert_eq!(unspent.len(), 1);
        assert_eq!(unspent[0].taint, g.remainder.to_string(), "{rule:?}");
    }
    let chains = cordon_trace::patterns::utxo_peel_chains(&g.store, 3);
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].len(), 8);
}

#[test]
fn patterns_flag_the_planted_peel_chain_and_mixer_deposits() {
    let g = generate(&GenConfig::default()).unwrap();
    let r = trace(
        &g.store,
        &g.labels,
        &g.truth[0].thief,
        &TraceOptions::default(),
    )
    .unwrap();
    let mut nodes: Vec<u32> = r
        .flows
        .iter()
        .map(|&(x, _)| g.store.transfer(x).from)
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    let found = cordon_trace::patterns::detect(&g.store, &g.labels, &nodes, &Default::default());
    let peel = found
        .iter()
        .filter(|p| matches!(p, cordon_trace::patterns::Pattern::PeelChain { .. }))
        .count();
    assert!(peel >= g.truth[0].chains.len(), "{found:?}");
    assert!(found.iter().any(|p| matches!(
        p,
        cordon_trace::patterns::Pattern::FixedDenomination { deposit: true, .. }
    )));
}

fn arb_graph() -> impl Strategy<Value = Vec<(u8, u8, u64, i64)>> {
    proptest::collection::vec((0u8..6, 0u8..6, 1u64..1_000, 0i64..50), 1..60)
}

proptest! {
    #![proptest_config(cordon_testkit::proptest_cases(64))]
    // Taint is conserved: whatever the graph (cycles, self-transfers, partial data), the sinks
    // add up to what the source introduced (poison, by definition, may only over-count) and
    // no transfer carries more taint than it moved.
    #[test]
    fn taint_never_exceeds_the_source(edges in arb_graph(), rule_ix in 0usize..6, cap in 1usize..5) {
        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
        for (i, (f, t, a, time)) in edges.iter().enumerate() {
            b.push(&TransferRecord { chain: "eth".into(), tx_hash: format!("0x{i:x}"), timestamp: *time,
                from: format!("n{f}"), to: format!("n{t}"), symbol: "ETH".into(), decimals: 18,
                amount: u128::from(*a), ..Default::default() }).unwrap();
        }
        let s = b.build().unwrap();
        let Some(_) = s.address_id("n0") else { return Ok(()) };
        let mut labels = Labels::new();
        labels.insert("n5", cordon_trace::Label { category: Category::Exchange, name: "x".into(), source: "t".into(), confidence: Default::default() });
        let rule = AccountRule::ALL[rule_ix];
        // A small sink cap only moves sinks into the summary: the totals are the same.
        let r = trace(&s, &labels, "n0", &TraceOptions { rule, max_hops: 3, max_sinks: cap, ..TraceOptions::default() }).unwrap();
        prop_assert!(r.sinks.len() <= cap);
        let full = trace(&s, &labels, "n0", &TraceOptions { rule, max_hops: 3, ..TraceOptions::default() }).unwrap();
        prop_assert_eq!(r.sink_total(), full.sink_total());
        let key = |k: &cordon_trace::Sink| (k.kind, k.address.clone(), k.asset.clone(), k.taint_base);
        prop_assert_eq!(r.sinks.iter().map(key).collect::<Vec<_>>(), full.sinks.iter().take(cap).map(key).collect::<Vec<_>>());
        if rule == AccountRule::Poison {
            prop_assert!(r.sink_total() >= r.introduced_total);
        } else {
            prop_assert_eq!(r.sink_total(), r.introduced_total);
        }
        let sent: u128 = s.out_csr().edges(s.address_id("n0").unwrap()).map(|e| e.amount).sum();
        let got: u128 = s.in_csr().edges(s.address_id("n0").unwrap()).map(|e| e.amount).sum();
        prop_assert!(r.introduced_total <= sent.max(got) + got);
        for &(x, t) in &r.flows {
            prop_assert!(t <= s.transfer(x).amount);
        }
    }
}
