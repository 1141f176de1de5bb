//! Time-respecting reachability: which addresses value from a source can have reached within
//! `max_hops` hops, and the earliest time it could have arrived at each.
//!
//! This is the question an analyst asks first and the one GraphSense answers without time
//! (its BFS may use an A→B transfer made after B→C). Here a hop u→v at time t is usable only
//! if value reached u at or before t. Computed hop by hop (Bellman-Ford over hop count),
//! propagating only arrivals that improved, so each round reads each improved node's edges
//! from its first usable position onward.

use cordon_tx::TxStore;
use rustc_hash::FxHashMap;

/// Earliest arrival time (Unix seconds) per reached address id, source excluded.
pub fn earliest_arrival(store: &TxStore, source: u32, max_hops: u32) -> FxHashMap<u32, i64> {
    let out = store.out_csr();
    let mut best: FxHashMap<u32, i64> = FxHashMap::default();
    best.insert(source, i64::MIN);
    let mut frontier: Vec<(u32, i64)> = vec![(source, i64::MIN)];
    for _ in 0..max_hops {
        let mut next: FxHashMap<u32, i64> = FxHashMap::default();
        for &(u, t) in &frontier {
            let start = if t == i64::MIN {
                out.range(u).start
            } else {
                out.lower_bound_time(u, t)
            };
            for i in start..out.range(u).end {
                let (v, tv) = (out.nbr(i), out.time(i));
                if best.get(&v).is_some_and(|&b| b <= tv) {
                    continue;
                }
                let e = next.entry(v).or_insert(tv);
                if tv < *e {
                    *e = tv;
                }
            }
        }
        frontier.clear();
        for (v, t) in next {
            if best.get(&v).is_none_or(|&b| t < b) {
                best.insert(v, t);
                frontier.push((v, t));
            }
        }
        if frontier.is_empty() {
            break;
        }
        frontier.sort_unstable();
    }
    best.remove(&source);
    best
}
