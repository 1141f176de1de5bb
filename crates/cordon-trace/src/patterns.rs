//! Laundering shapes: peel chains, fan-out / fan-in, fixed-denomination mixer transfers.

use cordon_tx::{Amount, TxStore, UtxoStore};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::labels::{Category, LabelSource};

/// A detected pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "pattern", rename_all = "snake_case")]
pub enum Pattern {
    /// A chain of addresses each forwarding most of what it got and peeling off a small part.
    PeelChain {
        /// Addresses along the chain, in order.
        addresses: Vec<String>,
        /// Addresses that received the peels.
        peels: Vec<String>,
    },
    /// One address sending to many distinct recipients within a window.
    FanOut {
        /// The sender.
        address: String,
        /// Distinct recipients in the window.
        recipients: usize,
        /// Window start, Unix seconds.
        from_time: i64,
    },
    /// Many distinct senders into one address within a window.
    FanIn {
        /// The receiver.
        address: String,
        /// Distinct senders in the window.
        senders: usize,
        /// Window start, Unix seconds.
        from_time: i64,
    },
    /// Repeated transfers of one round amount (a mixer pool denomination), or any transfer of
    /// a pool denomination into or out of a mixer.
    FixedDenomination {
        /// The address depositing (or withdrawing).
        address: String,
        /// The denomination, base units.
        amount: String,
        /// How many transfers.
        count: usize,
        /// Deposits into (true) or withdrawals out of (false) a mixer or round-amount bursts.
        deposit: bool,
    },
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pattern::PeelChain { addresses, peels } => write!(
                f,
                "peel chain of {} addresses from {} ({} peels)",
                addresses.len(),
                addresses.first().map_or("?", String::as_str),
                peels.len()
            ),
            Pattern::FanOut {
                address,
                recipients,
                from_time,
            } => write!(
                f,
                "fan-out: {address} paid {recipients} distinct recipients within a window from {}",
                cordon_tx::format_timestamp(*from_time)
            ),
            Pattern::FanIn {
                address,
                senders,
                from_time,
            } => write!(
                f,
                "fan-in: {address} received from {senders} distinct senders within a window from {}",
                cordon_tx::format_timestamp(*from_time)
            ),
            Pattern::FixedDenomination {
                address,
                amount,
                count,
                deposit,
            } => write!(
                f,
                "fixed denomination: {address} {} {count} x {amount} base units",
                if *deposit { "sent" } else { "received" }
            ),
        }
    }
}

impl Pattern {
    /// Every address the pattern names.
    pub fn addresses(&self) -> Vec<&str> {
        match self {
            Pattern::PeelChain { addresses, peels } => {
                addresses.iter().chain(peels).map(String::as_str).collect()
            }
            Pattern::FanOut { address, .. }
            | Pattern::FanIn { address, .. }
            | Pattern::FixedDenomination { address, .. } => vec![address.as_str()],
        }
    }
}

/// Thresholds.
#[derive(Debug, Clone)]
pub struct PatternOptions {
    /// Minimum peel-chain length (addresses).
    pub peel_min_len: usize,
    /// Continuation share of an address's outflow, in percent.
    pub peel_continuation_pct: u32,
    /// Distinct counterparties for fan-out / fan-in.
    pub fan_min: usize,
    /// Window in seconds for fan-out / fan-in.
    pub fan_window: i64,
    /// Minimum repeats of one round amount.
    pub denom_min_repeats: usize,
}

impl Default for PatternOptions {
    fn default() -> Self {
        PatternOptions {
            peel_min_len: 4,
            peel_continuation_pct: 70,
            fan_min: 8,
            fan_window: 86_400,
            denom_min_repeats: 3,
        }
    }
}

/// True when `v` is 10^k whole units times 1, for k ≥ -2 (0.01, 0.1, 1, 10, 100, 1000 …),
/// the denominations of Tornado-style pools.
pub fn is_pool_denomination(v: Amount, decimals: u8) -> bool {
    let unit = 10u128
        .checked_pow(u32::from(decimals).saturating_sub(2))
        .unwrap_or(1);
    if v == 0 || !v.is_multiple_of(unit) {
        return false;
    }
    let mut q = v / unit;
    while q.is_multiple_of(10) {
        q /= 10;
    }
    q == 1
}

/// Detects patterns among `nodes` (e.g. the accounts a trace touched).
pub fn detect(
    store: &TxStore,
    labels: &dyn LabelSource,
    nodes: &[u32],
    opts: &PatternOptions,
) -> Vec<Pattern> {
    let mut found = Vec::new();
    let out = store.out_csr();
    let inn = store.in_csr();
    let is_mixer = |n: u32| {
        labels
            .label(store.address(n))
            .is_some_and(|l| l.category == Category::Mixer)
    };
    let mut sorted: Vec<u32> = nodes.to_vec();
    sorted.sort_unstable();
    // Peel step: an address whose largest outflow is >= pct of its outflow total and that has
    // at least one other (smaller) outflow. Chains link through the largest outflow.
    let mut cont: FxHashMap<u32, (u32, Vec<u32>)> = FxHashMap::default();
    for &n in &sorted {
        let edges: Vec<_> = out.edges(n).collect();
        if edges.len() < 2 {
            continue;
        }
        let total: Amount = edges.iter().map(|e| e.amount).sum();
        let Some(big) = edges
            .iter()
            .max_by_key(|e| (e.amount, std::cmp::Reverse(e.xfer)))
        else {
            continue;
        };
        if big.amount * 100 >= total * Amount::from(opts.peel_continuation_pct) {
            let peels = edges
                .iter()
                .filter(|e| e.xfer != big.xfer)
                .map(|e| e.nbr)
                .collect();
            cont.insert(n, (big.nbr, peels));
        }
    }
    let pointed: FxHashSet<u32> = cont
        .iter()
        .filter(|(k, (t, _))| *k != t)
        .map(|(_, (t, _))| *t)
        .collect();
    for &start in &sorted {
        // Start only at chain heads: nobody peel-links into them.
        if !cont.contains_key(&start) || pointed.contains(&start) {
            continue;
        }
        let mut chain = vec![start];
        let mut peels = Vec::new();
        let mut cur = start;
        let mut seen = FxHashSet::default();
        seen.insert(start);
        while let Some((next, p)) = cont.get(&cur) {
            peels.extend(p.iter().copied());
            if !seen.insert(*next) {
                break;
            }
            chain.push(*next);
            cur = *next;
        }
        if chain.len() >= opts.peel_min_len {
            found.push(Pattern::PeelChain {
                addresses: chain
                    .iter()
                    .map(|&n| store.address(n).to_string())
                    .collect(),
                peels: peels
                    .iter()
                    .map(|&n| store.address(n).to_string())
                    .collect(),
            });
        }
    }
    // Fan-out / fan-in: sliding window over time-sorted edges.
    for &n in &sorted {
        for (csr, fan_out) in [(out, true), (inn, false)] {
            // Sliding window with a count per counterparty: linear in the node's edges, so a
            // hot wallet with millions of transfers costs one pass.
            let edges: Vec<_> = csr.edges(n).collect();
            let mut in_window: FxHashMap<u32, usize> = FxHashMap::default();
            let mut lo = 0;
            let mut best = (0usize, 0i64);
            for hi in 0..edges.len() {
                *in_window.entry(edges[hi].nbr).or_default() += 1;
                while edges[hi].time - edges[lo].time > opts.fan_window {
                    if let Some(c) = in_window.get_mut(&edges[lo].nbr) {
                        *c -= 1;
                        if *c == 0 {
                            in_window.remove(&edges[lo].nbr);
                        }
                    }
                    lo += 1;
                }
                if in_window.len() > best.0 {
                    best = (in_window.len(), edges[lo].time);
                }
            }
            if best.0 >= opts.fan_min {
                let address = store.address(n).to_string();
                found.push(if fan_out {
                    Pattern::FanOut {
                        address,
                        recipients: best.0,
                        from_time: best.1,
                    }
                } else {
                    Pattern::FanIn {
                        address,
                        senders: best.0,
                        from_time: best.1,
                    }
                });
            }
        }
    }
    // Fixed denominations: pool-sized transfers into/out of mixers, or repeated round amounts.
    for &n in &sorted {
        for (csr, deposit) in [(out, true), (inn, false)] {
            let mut counts: FxHashMap<(u32, Amount), (usize, bool)> = FxHashMap::default();
            for e in csr.edges(n) {
                let d = store.asset(e.asset).map_or(18, |a| a.decimals);
                if is_pool_denomination(e.amount, d) {
                    let c = counts.entry((e.asset, e.amount)).or_default();
                    c.0 += 1;
                    c.1 |= is_mixer(e.nbr);
                }
            }
            let mut v: Vec<_> = counts.into_iter().collect();
            v.sort();
            for ((_, amount), (count, mixer)) in v {
                if mixer || (deposit && count >= opts.denom_min_repeats) {
                    found.push(Pattern::FixedDenomination {
                        address: store.address(n).to_string(),
                        amount: amount.to_string(),
                        count,
                        deposit,
                    });
                }
            }
        }
    }
    found
}

/// BlockSci's peel-chain test on UTXO data: a transaction with exactly one input and two
/// outputs whose parent or a child also looks like one. Returns txids in chain order.
pub fn utxo_peel_chains(store: &UtxoStore, min_len: usize) -> Vec<Vec<String>> {
    let txs = store.txs();
    let looks = |i: usize| {
        txs.get(i)
            .is_some_and(|t| t.inputs.len() == 1 && t.outputs.len() == 2)
    };
    // child of tx i: the tx spending one of its outputs.
    let mut child: FxHashMap<usize, usize> = FxHashMap::default();
    let mut has_parent: FxHashSet<usize> = FxHashSet::default();
    for (j, t) in txs.iter().enumerate() {
        if !looks(j) {
            continue;
        }
        for inp in &t.inputs {
            if let Some(p) = store.position(&inp.prevout.txid)
                && looks(p)
            {
                child.insert(p, j);
                has_parent.insert(j);
            }
        }
    }
    let mut chains = Vec::new();
    let mut heads: Vec<usize> = child
        .keys()
        .copied()
        .filter(|p| !has_parent.contains(p))
        .collect();
    heads.sort_unstable();
    for h in heads {
        let mut chain = vec![h];
        let mut cur = h;
        while let Some(&c) = child.get(&cur) {
            chain.push(c);
            cur = c;
        }
        if chain.len() >= min_len {
            chains.push(
                chain
                    .iter()
                    .filter_map(|&i| txs.get(i).map(|t| t.txid.clone()))
                    .collect(),
            );
        }
    }
    chains
}
