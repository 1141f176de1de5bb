//! Forward tracing of stolen value over an account-model store.
//!
//! Events are processed in global transfer order (time, block, position), so every path is
//! time-respecting by construction: value can only leave an account after it arrived. Only
//! accounts that received taint (and the source) are "active": for those, every transfer in
//! and out is replayed through a per-(account, asset) [`Ledger`] under the chosen rule, clean
//! credits included. Value stops at services (exchanges, bridges, mixers), continues through
//! DEX swaps, and whatever is left sits as still-held balances. Taint is conserved exactly:
//! the sinks always add up to what the source introduced.

use cordon_tx::{Amount, Exclusion, TxStore, mul_div};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::TraceError;
use crate::labels::{Category, LabelSource};
use crate::rules::{AccountRule, Ledger};
use crate::thorchain::{SwapMemo, parse_swap_memo};

/// Options of a forward trace.
#[derive(Debug, Clone)]
pub struct TraceOptions {
    /// The point rule.
    pub rule: AccountRule,
    /// Only seed these assets at the source (`None`: every non-excluded asset).
    pub assets: Option<Vec<u32>>,
    /// Stop activating accounts beyond this many hops from the source.
    pub max_hops: u32,
    /// Contributing paths listed per sink: the main one, then up to `paths_per_sink - 1`
    /// more (`Sink::other_paths`), for the sinks listed with paths.
    pub paths_per_sink: usize,
    /// Treat a debit with no known funding, after a swap into a DEX, as funded by that swap's
    /// proceeds when the assets share a peg group (labelled as an inference).
    pub infer_swaps: bool,
    /// Sinks listed with their paths (largest first); the rest are summarised per kind and
    /// asset. A haircut trace through a busy graph can end in millions of held balances.
    pub max_sinks: usize,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            rule: AccountRule::Haircut,
            assets: None,
            max_hops: 32,
            paths_per_sink: 1,
            infer_swaps: true,
            max_sinks: 10_000,
        }
    }
}

/// Where taint ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SinkKind {
    /// Deposited to an exchange.
    Exchange,
    /// Entered a bridge / cross-chain swap.
    Bridge,
    /// Entered a mixer.
    Mixer,
    /// Still held by an (unattributed or non-service) address at the end of the data.
    Held,
    /// Reached an address beyond the hop limit (held there, not followed).
    HopLimit,
    /// Sent into a DEX swap whose proceeds were not (fully) seen coming back.
    SwapUnreconciled,
}

/// One step of an explanation path: a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Transaction hash.
    pub tx_hash: String,
    /// Time, ISO 8601 UTC (`2025-02-21T14:29:47Z`).
    pub time: String,
    /// Sender.
    pub from: String,
    /// Receiver.
    pub to: String,
    /// Asset (`ETH`, `stETH@0x…`).
    pub asset: String,
    /// Amount moved, in whole units.
    pub amount: String,
    /// Tainted part, in whole units.
    pub tainted: String,
    /// Amount moved, in base units (exact).
    pub amount_base: String,
    /// Tainted part, in base units (exact).
    pub tainted_base: String,
    /// Decimals of the asset (base units per whole unit = 10^decimals).
    pub decimals: u8,
    /// The rule that produced `tainted` (or `source`, `swap`, `swap-inferred`).
    pub rule: String,
}

/// A sink with its amount and top path.
#[derive(Debug, Clone, Serialize)]
pub struct Sink {
    /// Kind.
    pub kind: SinkKind,
    /// Address.
    pub address: String,
    /// Label name, if attributed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Asset.
    pub asset: String,
    /// Tainted amount in base units (exact).
    #[serde(serialize_with = "ser_u128")]
    pub taint_base: Amount,
    /// Tainted amount in whole units.
    pub taint: String,
    /// Decimals of the asset.
    pub decimals: u8,
    /// Time the first taint arrived, Unix seconds.
    pub first_time: i64,
    /// The same time, ISO 8601 UTC.
    pub first_seen: String,
    /// Hops from the source.
    pub hops: u32,
    /// The main contributing path, source first.
    pub path: Vec<Step>,
    /// Further contributing paths, largest first (`TraceOptions::paths_per_sink`): each ends
    /// in another tainted transfer into the sink (ties: the earliest) and follows its main
    /// links back, like `path`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_paths: Vec<Vec<Step>>,
    /// For a bridge sink: tainted deposits whose memo names a THORChain swap's outbound chain
    /// and address (where the data has memos).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outbound: Vec<Outbound>,
}

/// A tainted bridge deposit linked to where it leaves THORChain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outbound {
    /// The deposit transaction.
    pub tx_hash: String,
    /// Taint it carried, whole units.
    pub tainted: String,
    /// The memo as written.
    pub memo: String,
    /// The outbound side read from it.
    pub swap: SwapMemo,
}

/// Builds an explanation step for transfer `x` carrying `tainted` under `rule`.
pub(crate) fn make_step(store: &TxStore, x: u32, tainted: Amount, rule: String) -> Step {
    let t = store.transfer(x);
    let a = store.asset(t.asset);
    let decimals = a.map_or(18, |a| a.decimals);
    Step {
        tx_hash: t.tx_hash.to_string(),
        time: iso_time(t.time),
        from: store.address(t.from).to_string(),
        to: store.address(t.to).to_string(),
        asset: a.map_or_else(String::new, |a| a.label()),
        amount: cordon_tx::format_amount(t.amount, decimals),
        tainted: cordon_tx::format_amount(tainted, decimals),
        amount_base: t.amount.to_string(),
        tainted_base: tainted.to_string(),
        decimals,
        rule,
    }
}

/// Unix seconds as ISO 8601 UTC: JSON readers (a browser's `Date`) take a zone-less
/// `YYYY-MM-DD HH:MM:SS` as local time.
pub(crate) fn iso_time(t: i64) -> String {
    format!("{}Z", cordon_tx::format_timestamp(t).replacen(' ', "T", 1))
}

fn ser_u128<S: serde::Serializer>(v: &Amount, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

/// A transfer excluded from taint (it never carries any), with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcludedTransfer {
    /// Transaction hash.
    pub tx_hash: String,
    /// Time, ISO 8601 UTC.
    pub time: String,
    /// Sender.
    pub from: String,
    /// Receiver.
    pub to: String,
    /// Asset as displayed (look-alike symbols included).
    pub asset: String,
    /// Amount as displayed.
    pub amount: String,
    /// Reasons (`failed`, `zero_value`, `impersonating_token`, `poisoning_lookalike`).
    pub reasons: Vec<&'static str>,
    /// Detail in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ExcludedTransfer {
    /// The excluded transfer `x` of `store`, explained.
    pub(crate) fn new(store: &TxStore, x: u32) -> Self {
        let t = store.transfer(x);
        let asset = store.asset(t.asset);
        ExcludedTransfer {
            tx_hash: t.tx_hash.to_string(),
            time: iso_time(t.time),
            from: store.address(t.from).to_string(),
            to: store.address(t.to).to_string(),
            asset: asset.map_or_else(String::new, |a| a.label()),
            amount: cordon_tx::format_amount(t.amount, asset.map_or(18, |a| a.decimals)),
            reasons: t.exclusion.names(),
            detail: store.exclusion_detail(x).map(str::to_string),
        }
    }
}

/// A swap inference: a debit funded by earlier swap proceeds that the data does not show.
#[derive(Debug, Clone, Serialize)]
pub struct SwapInference {
    /// The account.
    pub account: String,
    /// The swap transaction that went into the DEX.
    pub swap_tx: String,
    /// The debit it funded.
    pub funded_tx: String,
    /// Nominal amount drawn, whole units.
    pub amount: String,
    /// Taint carried, whole units.
    pub taint: String,
}

/// Result of a forward trace.
#[derive(Debug, Clone, Serialize)]
pub struct TraceResult {
    /// The source address.
    pub source: String,
    /// Rule used.
    pub rule: AccountRule,
    /// Taint the source introduced, per asset, base units.
    pub introduced: Vec<(String, String)>,
    /// Sum of all introduced taint over assets, base units (nominal; for conservation checks).
    #[serde(serialize_with = "ser_u128")]
    pub introduced_total: Amount,
    /// Sinks, largest first (ties: earliest, then address): deterministic.
    pub sinks: Vec<Sink>,
    /// Every tainted transfer: (transfer id, taint).
    #[serde(skip)]
    pub flows: Vec<(u32, Amount)>,
    /// Excluded transfers touching traced addresses.
    pub excluded: Vec<ExcludedTransfer>,
    /// Swap inferences made.
    pub swap_inferences: Vec<SwapInference>,
    /// Debits with no known funding, treated as clean (partial data): (address, asset, whole units).
    pub unexplained_funding: Vec<(String, String, String)>,
    /// Accounts that carried taint.
    pub accounts_touched: usize,
    /// Sinks beyond [`TraceOptions::max_sinks`], summarised per kind and asset: their amounts
    /// count in [`TraceResult::sink_total`], their paths are not built.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sinks_omitted: Vec<SinkSummary>,
    /// Unexplained-funding entries beyond [`TraceOptions::max_sinks`] (the list keeps the
    /// largest).
    #[serde(skip_serializing_if = "is_zero")]
    pub unexplained_omitted: usize,
    /// Main-path link of each entry of `flows` (same positions).
    #[serde(skip)]
    links: Vec<Link>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Sinks of one kind and asset left out of [`TraceResult::sinks`] (beyond the cap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SinkSummary {
    /// Kind.
    pub kind: SinkKind,
    /// Asset.
    pub asset: String,
    /// How many sinks.
    pub count: usize,
    /// Their tainted total, base units.
    #[serde(serialize_with = "ser_u128")]
    pub taint_base: Amount,
    /// Their tainted total, whole units.
    pub taint: String,
}

/// The previous step of a tainted transfer's main path.
#[derive(Debug, Clone, Copy)]
struct Link {
    /// The credit it mostly came from; [`NO_PARENT`] at the source (or unknown).
    parent: u32,
    /// The transfer is a swap's return leg.
    swap: bool,
}

const NO_PARENT: u32 = u32::MAX;
/// The dense per-node arrays use 0 for "nothing yet", so they are allocated zeroed: the
/// allocator hands out untouched pages, and a trace that touches a few hundred accounts of a
/// 10^8-address graph costs the pages it touches, not a fill of every array.
const CAT_UNKNOWN: u8 = 0;
const CAT_NONE: u8 = 1;

#[derive(Debug, Clone, Copy)]
struct SinkAcc {
    total: Amount,
    first_time: i64,
    hops: u32,
    best: Option<(Amount, u32)>,
}

#[derive(Debug)]
struct PendingSwap {
    tx_of: u32,
    group: u8,
    nominal: Amount,
    taint: Amount,
}

/// One (account, asset) ledger; slots of one account are chained through `next` (slot index
/// plus one, 0 at the end).
#[derive(Debug)]
struct Slot {
    node: u32,
    asset: u32,
    next: u32,
    ledger: Ledger,
    /// Debits beyond the known balance, funded as clean (partial data).
    unexplained: Amount,
}

/// The transfers still to replay: a bitmap over transfer ids read in increasing order. Every
/// id queued is later than the one being processed (ids are the global time order), so a
/// forward cursor over the words is a priority queue that costs one bit per transfer.
struct Queue {
    bits: Vec<u64>,
    word: usize,
}

impl Queue {
    fn new(transfers: usize) -> Self {
        Queue {
            bits: vec![0; transfers.div_ceil(64)],
            word: 0,
        }
    }

    fn push(&mut self, x: u32) {
        if let Some(w) = self.bits.get_mut(x as usize / 64) {
            *w |= 1 << (x % 64);
        }
    }

    fn pop(&mut self) -> Option<u32> {
        while let Some(w) = self.bits.get_mut(self.word) {
            if *w != 0 {
                let bit = w.trailing_zeros();
                *w &= *w - 1;
                return u32::try_from(self.word * 64 + bit as usize).ok();
            }
            self.word += 1;
        }
        None
    }
}

/// Peg groups: assets worth about one another, so a swap's proceeds can be reconciled by
/// amount when the return leg is missing from the data.
pub fn peg_group(symbol: &str) -> Option<u8> {
    match symbol.to_ascii_uppercase().as_str() {
        "ETH" | "WETH" | "STETH" | "WSTETH" | "METH" | "CMETH" | "RETH" | "CBETH" => Some(1),
        "USDT" | "USDC" | "DAI" | "USDS" | "BUSD" => Some(2),
        "BTC" | "WBTC" | "CBBTC" | "TBTC" => Some(3),
        _ => None,
    }
}

/// Traces value forward from `source`.
pub fn trace(
    store: &TxStore,
    labels: &dyn LabelSource,
    source: &str,
    opts: &TraceOptions,
) -> Result<TraceResult, TraceError> {
    let src = store
        .address_id(source)
        .ok_or_else(|| TraceError::UnknownAddress(source.to_string()))?;
    let nodes = store.num_addresses();
    // Dense per-node state: a full propagation under haircut can touch most of a graph, where
    // hash maps would cost several times the memory of these arrays.
    let mut e = Engine {
        store,
        labels,
        opts,
        source: src,
        hops: vec![0; nodes],
        active: 0,
        category: vec![CAT_UNKNOWN; nodes],
        first_slot: vec![0; nodes],
        slots: Vec::new(),
        queue: Queue::new(store.len()),
        flows: Vec::new(),
        links: Vec::new(),
        sinks: FxHashMap::default(),
        pending: FxHashMap::default(),
        introduced: FxHashMap::default(),
        inferences: Vec::new(),
    };
    e.set_active(src, 0);
    e.enqueue_after(src, 0, true);
    while let Some(x) = e.queue.pop() {
        e.process(x);
    }
    Ok(e.finish())
}

struct Engine<'a> {
    store: &'a TxStore,
    labels: &'a dyn LabelSource,
    opts: &'a TraceOptions,
    source: u32,
    /// Hops from the source plus one per node; 0 for accounts that never carried taint.
    hops: Vec<u32>,
    active: usize,
    category: Vec<u8>,
    /// First ledger slot of each node plus one; 0 for none.
    first_slot: Vec<u32>,
    slots: Vec<Slot>,
    queue: Queue,
    /// Tainted transfers in processing (= id) order, so lookups are binary searches.
    flows: Vec<(u32, Amount)>,
    links: Vec<Link>,
    sinks: FxHashMap<(SinkKind, u32, u32), SinkAcc>,
    pending: FxHashMap<u32, Vec<PendingSwap>>,
    introduced: FxHashMap<u32, Amount>,
    inferences: Vec<(u32, u32, u32, Amount, Amount, u32)>,
}

impl Engine<'_> {
    fn cat(&mut self, id: u32) -> Option<Category> {
        let &c = self.category.get(id as usize)?;
        if c != CAT_UNKNOWN {
            return c.checked_sub(2).and_then(Category::from_index);
        }
        let c = self
            .labels
            .label(self.store.address(id))
            .map(|l| l.category);
        self.category[id as usize] = c.map_or(CAT_NONE, |c| c as u8 + 2);
        c
    }

    fn hops_of(&self, node: u32) -> Option<u32> {
        self.hops.get(node as usize).and_then(|&h| h.checked_sub(1))
    }

    fn set_active(&mut self, node: u32, hops: u32) {
        if let Some(h) = self.hops.get_mut(node as usize) {
            if *h == 0 {
                self.active += 1;
            }
            *h = hops.saturating_add(1);
        }
    }

    fn record_flow(&mut self, x: u32, taint: Amount, parent: Option<u32>, swap: bool) {
        self.flows.push((x, taint));
        self.links.push(Link {
            parent: parent.unwrap_or(NO_PARENT),
            swap,
        });
    }

    fn enqueue_after(&mut self, node: u32, after: u32, inclusive: bool) {
        for csr in [self.store.out_csr(), self.store.in_csr()] {
            let from = if inclusive {
                csr.lower_bound(node, after)
            } else {
                csr.lower_bound(node, after.saturating_add(1))
            };
            for i in from..csr.range(node).end {
                self.queue.push(csr.xfer(i));
            }
        }
    }

    fn slot(&mut self, node: u32, asset: u32) -> &mut Slot {
        let head = self.first_slot.get(node as usize).copied().unwrap_or(0);
        let mut i = head;
        while let Some(s) = i.checked_sub(1).and_then(|k| self.slots.get(k as usize)) {
            if s.asset == asset {
                return &mut self.slots[i as usize - 1];
            }
            i = s.next;
        }
        let id = self.slots.len();
        self.slots.push(Slot {
            node,
            asset,
            next: head,
            ledger: Ledger::new(self.opts.rule),
            unexplained: 0,
        });
        if let Some(h) = self.first_slot.get_mut(node as usize) {
            *h = u32::try_from(id + 1).unwrap_or(0);
        }
        &mut self.slots[id]
    }

    fn ledger(&mut self, node: u32, asset: u32) -> &mut Ledger {
        &mut self.slot(node, asset).ledger
    }

    fn seeded(&self, asset: u32) -> bool {
        self.opts.assets.as_ref().is_none_or(|a| a.contains(&asset))
    }

    fn group(&self, asset: u32) -> Option<u8> {
        self.store.asset(asset).and_then(|a| peg_group(&a.symbol))
    }

    fn process(&mut self, x: u32) {
        let t = self.store.transfer(x);
        if !t.exclusion.is_none() {
            return;
        }
        let (f, to, asset, amount) = (t.from, t.to, t.asset, t.amount);
        let sender_hops = self.hops_of(f);
        let sender_source = f == self.source;
        let to_cat = self.cat(to);
        let from_cat = self.cat(f);

        // Taint leaving the sender.
        let mut taint: Amount = 0;
        let mut parent = None;
        let mut segments = Vec::new();
        if sender_hops.is_some() {
            if sender_source && self.seeded(asset) {
                // Everything the source holds is stolen: unfunded debits introduce taint.
                let bal = self.ledger(f, asset).balance();
                if amount > bal {
                    let s = amount - bal;
                    self.ledger(f, asset).credit(s, s, x);
                    *self.introduced.entry(asset).or_default() += s;
                }
            } else {
                self.fund_shortfall(f, asset, amount, x);
            }
            let d = self.ledger(f, asset).debit(amount);
            taint = d.taint;
            segments = d.segments;
            parent = d.origin.filter(|&o| o != x);
        }

        // Swap return leg: a DEX pays an active account back inside the same transaction.
        if from_cat == Some(Category::Dex) && self.hops_of(to).is_some() {
            let (st, origin) = self.take_swap_proceeds(to, x, amount);
            self.ledger(to, asset)
                .credit(amount, st, origin.unwrap_or(x));
            if st > 0 {
                self.record_flow(x, st, origin, origin.is_some());
            }
            return;
        }

        if taint > 0 {
            self.record_flow(x, taint, parent, false);
        }

        // Where it goes.
        match to_cat {
            Some(c) if c.is_service() => {
                if taint > 0 {
                    let kind = match c {
                        Category::Exchange => SinkKind::Exchange,
                        Category::Bridge => SinkKind::Bridge,
                        _ => SinkKind::Mixer,
                    };
                    let hops = sender_hops.unwrap_or(0) + 1;
                    self.add_sink(kind, to, asset, taint, t.time, hops, Some(x));
                }
            }
            Some(Category::Dex) if sender_hops.is_some() => {
                if taint > 0 {
                    let group = self.group(asset).unwrap_or(0);
                    self.pending.entry(f).or_default().push(PendingSwap {
                        tx_of: x,
                        group,
                        nominal: amount,
                        taint,
                    });
                }
            }
            _ => {
                if self.hops_of(to).is_some() {
                    if to == self.source && self.seeded(asset) {
                        // Whatever the source receives is part of the stolen pool.
                        *self.introduced.entry(asset).or_default() += amount - taint;
                        self.ledger(to, asset).credit(amount, amount, x);
                    } else {
                        self.ledger(to, asset)
                            .credit_segments(amount, taint, x, &segments);
                    }
                } else if taint > 0 {
                    let hops = sender_hops.unwrap_or(0) + 1;
                    if hops > self.opts.max_hops {
                        self.add_sink(SinkKind::HopLimit, to, asset, taint, t.time, hops, Some(x));
                        return;
                    }
                    self.activate(to, x, hops);
                    self.ledger(to, asset)
                        .credit_segments(amount, taint, x, &segments);
                }
            }
        }
    }

    /// Debits beyond the known balance (partial data): funded first by pending swap proceeds
    /// of the same peg group (an inference), then by clean "unexplained" funds.
    fn fund_shortfall(&mut self, node: u32, asset: u32, amount: Amount, x: u32) {
        let bal = self.ledger(node, asset).balance();
        if amount <= bal {
            return;
        }
        let mut short = amount - bal;
        if self.opts.infer_swaps
            && let Some(group) = self.group(asset)
            && let Some(list) = self.pending.get_mut(&node)
        {
            let mut draws = Vec::new();
            for p in list
                .iter_mut()
                .filter(|p| p.group == group && p.nominal > 0)
            {
                if short == 0 {
                    break;
                }
                let d = short.min(p.nominal);
                let tt = mul_div(d, p.taint, p.nominal).min(p.taint);
                p.nominal -= d;
                p.taint -= tt;
                short -= d;
                draws.push((p.tx_of, d, tt));
            }
            for (swap_x, d, tt) in draws {
                self.ledger(node, asset).credit(d, tt, swap_x);
                self.inferences.push((node, swap_x, x, d, tt, asset));
            }
        }
        if short > 0 {
            let s = self.slot(node, asset);
            s.ledger.credit(short, 0, x);
            s.unexplained += short;
        }
    }

    fn take_swap_proceeds(&mut self, node: u32, x: u32, amount: Amount) -> (Amount, Option<u32>) {
        let same: FxHashSet<u32> = self.store.same_tx(x).into_iter().collect();
        let Some(list) = self.pending.get_mut(&node) else {
            return (0, None);
        };
        for p in list.iter_mut() {
            if same.contains(&p.tx_of) && p.nominal > 0 {
                // Exact continuity: the return leg carries the swap's taint share.
                let tt = mul_div(amount.min(p.nominal), p.taint, p.nominal).min(p.taint);
                let used = amount.min(p.nominal);
                p.nominal -= used;
                p.taint -= tt;
                return (tt, Some(p.tx_of));
            }
        }
        (0, None)
    }

    fn activate(&mut self, node: u32, at: u32, hops: u32) {
        self.set_active(node, hops);
        // Clean balance before activation, per asset (accounts rarely hold more than a few).
        let mut bal: Vec<(u32, Amount, Amount)> = Vec::new();
        let mut add = |asset: u32, amount: Amount, inflow: bool| {
            let i = match bal.iter().position(|b| b.0 == asset) {
                Some(i) => i,
                None => {
                    bal.push((asset, 0, 0));
                    bal.len() - 1
                }
            };
            if inflow {
                bal[i].1 += amount;
            } else {
                bal[i].2 += amount;
            }
        };
        for (csr, inflow) in [(self.store.in_csr(), true), (self.store.out_csr(), false)] {
            for i in csr.range(node) {
                let e = csr.edge(i);
                if e.xfer >= at {
                    break;
                }
                add(e.asset, e.amount, inflow);
            }
        }
        bal.sort_by_key(|b| b.0);
        for (asset, i, o) in bal {
            if i > o {
                self.ledger(node, asset).credit(i - o, 0, u32::MAX);
            }
        }
        self.enqueue_after(node, at, false);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_sink(
        &mut self,
        kind: SinkKind,
        node: u32,
        asset: u32,
        taint: Amount,
        time: i64,
        hops: u32,
        via: Option<u32>,
    ) {
        let e = self.sinks.entry((kind, node, asset)).or_insert(SinkAcc {
            total: 0,
            first_time: time,
            hops,
            best: None,
        });
        e.total += taint;
        e.first_time = e.first_time.min(time);
        e.hops = e.hops.min(hops);
        // The main path is the largest single contribution (ties: the earliest).
        if let Some(v) = via
            && e.best.is_none_or(|(t, _)| taint > t)
        {
            e.best = Some((taint, v));
        }
    }

    fn finish(mut self) -> TraceResult {
        let labels = self.labels;
        let store = self.store;
        let src = self.source;
        // Still-held balances and unreconciled swaps become sinks like the services.
        let mut candidates: Vec<((SinkKind, u32, u32), SinkAcc)> = self.sinks.drain().collect();
        for s in &self.slots {
            let t = s.ledger.taint();
            if t == 0 {
                continue;
            }
            let origin = s.ledger.best_origin().filter(|&o| o != u32::MAX);
            candidates.push((
                (SinkKind::Held, s.node, s.asset),
                SinkAcc {
                    total: t,
                    first_time: origin.map_or(0, |o| store.transfer(o).time),
                    hops: self.hops_of(s.node).unwrap_or(0),
                    best: origin.map(|o| (t, o)),
                },
            ));
        }
        let mut pend: Vec<_> = self.pending.iter().collect();
        pend.sort_by_key(|(k, _)| **k);
        let mut unreconciled: FxHashMap<(SinkKind, u32, u32), SinkAcc> = FxHashMap::default();
        for (&node, list) in pend {
            for p in list.iter().filter(|p| p.taint > 0) {
                let tr = store.transfer(p.tx_of);
                let hops = self.hops_of(node).unwrap_or(0);
                let e = unreconciled
                    .entry((SinkKind::SwapUnreconciled, node, tr.asset))
                    .or_insert(SinkAcc {
                        total: 0,
                        first_time: tr.time,
                        hops,
                        best: None,
                    });
                e.total += p.taint;
                e.first_time = e.first_time.min(tr.time);
                if e.best.is_none_or(|(t, _)| p.taint > t) {
                    e.best = Some((p.taint, p.tx_of));
                }
            }
        }
        candidates.extend(unreconciled);

        // Largest first; ties: earliest, then address, kind, asset (never the ids, which
        // depend on the order the files were read in).
        let asset_label = |a: u32| store.asset(a).map_or_else(String::new, |a| a.label());
        let order = |a: &((SinkKind, u32, u32), SinkAcc), b: &((SinkKind, u32, u32), SinkAcc)| {
            b.1.total
                .cmp(&a.1.total)
                .then(a.1.first_time.cmp(&b.1.first_time))
                .then_with(|| store.address(a.0.1).cmp(store.address(b.0.1)))
                .then(a.0.0.cmp(&b.0.0))
                .then_with(|| asset_label(a.0.2).cmp(&asset_label(b.0.2)))
        };
        let keep = self.opts.max_sinks.max(1);
        let mut omitted: FxHashMap<(SinkKind, u32), (usize, Amount)> = FxHashMap::default();
        if candidates.len() > keep {
            candidates.select_nth_unstable_by(keep - 1, order);
            for ((kind, _, asset), acc) in candidates.drain(keep..) {
                let o = omitted.entry((kind, asset)).or_default();
                o.0 += 1;
                o.1 += acc.total;
            }
        }
        candidates.sort_by(order);

        let rule = self.opts.rule;
        let decimals = |a: u32| store.asset(a).map_or(18, |a| a.decimals);
        let flows = &self.flows;
        let links = &self.links;
        let category = &self.category;
        let flow_at = |x: u32| flows.binary_search_by_key(&x, |f| f.0).ok();
        let is_dex = |node: u32| {
            category
                .get(node as usize)
                .and_then(|c| c.checked_sub(2))
                .and_then(Category::from_index)
                == Some(Category::Dex)
        };
        let path_of = |via: Option<u32>| -> Vec<Step> {
            let mut steps = Vec::new();
            let mut cur = via;
            let mut seen = FxHashSet::default();
            while let Some(x) = cur {
                if !seen.insert(x) {
                    break;
                }
                let t = store.transfer(x);
                let pos = flow_at(x);
                let link = pos.map(|p| links[p]);
                let parent = link.map(|l| l.parent).filter(|&p| p != NO_PARENT);
                let step_rule = match (link, parent) {
                    _ if t.from == src => "source".to_string(),
                    (Some(l), _) if l.swap => "swap".to_string(),
                    (_, Some(p))
                        if is_dex(store.transfer(p).to) && store.transfer(p).asset != t.asset =>
                    {
                        format!("{rule}+swap-inferred")
                    }
                    _ => rule.name().to_string(),
                };
                steps.push(make_step(
                    store,
                    x,
                    pos.map_or(0, |p| flows[p].1),
                    step_rule,
                ));
                cur = parent;
            }
            steps.reverse();
            steps
        };
        // Other contributions per listed sink: one pass over the tainted transfers, only when
        // asked (the main path needs none of it).
        let extra = self.opts.paths_per_sink.saturating_sub(1);
        let mut others: FxHashMap<(u32, u32), Vec<(Amount, u32)>> = FxHashMap::default();
        if extra > 0 {
            for &((kind, node, asset), _) in &candidates {
                if kind != SinkKind::SwapUnreconciled {
                    others.insert((node, asset), Vec::new());
                }
            }
            for &(x, taint) in flows {
                let t = store.transfer(x);
                if taint > 0
                    && let Some(list) = others.get_mut(&(t.to, t.asset))
                {
                    list.push((taint, x));
                }
            }
        }
        let other_paths = |node: u32, asset: u32, main: Option<u32>| -> Vec<Vec<Step>> {
            let Some(list) = others.get(&(node, asset)) else {
                return Vec::new();
            };
            let mut list: Vec<(Amount, u32)> = list
                .iter()
                .copied()
                .filter(|&(_, x)| Some(x) != main)
                .collect();
            // Largest first; ties: the earliest transfer (ids are the time order).
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            list.truncate(extra);
            list.into_iter().map(|(_, x)| path_of(Some(x))).collect()
        };
        // Tainted transfers whose memo is a THORChain swap: few, so each bridge sink scans them.
        let memo_flows: Vec<(u32, Amount, &str, SwapMemo)> = flows
            .iter()
            .filter_map(|&(x, t)| {
                let memo = store.memo(x)?;
                Some((x, t, memo, parse_swap_memo(memo)?))
            })
            .collect();
        let sinks: Vec<Sink> = candidates
            .iter()
            .map(|&((kind, node, asset), acc)| Sink {
                kind,
                address: store.address(node).to_string(),
                label: labels.label(store.address(node)).map(|l| l.name.clone()),
                asset: asset_label(asset),
                taint_base: acc.total,
                taint: cordon_tx::format_amount(acc.total, decimals(asset)),
                decimals: decimals(asset),
                first_time: acc.first_time,
                first_seen: iso_time(acc.first_time),
                hops: acc.hops,
                path: path_of(acc.best.map(|(_, v)| v)),
                other_paths: other_paths(node, asset, acc.best.map(|(_, v)| v)),
                outbound: if kind == SinkKind::Bridge {
                    memo_flows
                        .iter()
                        .filter(|(x, _, _, _)| {
                            let t = store.transfer(*x);
                            t.to == node && t.asset == asset
                        })
                        .map(|(x, taint, memo, swap)| Outbound {
                            tx_hash: store.transfer(*x).tx_hash.to_string(),
                            tainted: cordon_tx::format_amount(*taint, decimals(asset)),
                            memo: (*memo).to_string(),
                            swap: swap.clone(),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect();
        let mut sinks_omitted: Vec<SinkSummary> = omitted
            .into_iter()
            .map(|((kind, asset), (count, total))| SinkSummary {
                kind,
                asset: asset_label(asset),
                count,
                taint_base: total,
                taint: cordon_tx::format_amount(total, decimals(asset)),
            })
            .collect();
        sinks_omitted.sort_by(|a, b| b.taint_base.cmp(&a.taint_base).then(a.kind.cmp(&b.kind)));

        // Excluded transfers that touched traced addresses.
        let mut excluded = Vec::new();
        for x in store.excluded() {
            let t = store.transfer(x);
            if self.hops_of(t.from).is_none() && self.hops_of(t.to).is_none() {
                continue;
            }
            if t.exclusion == Exclusion::ZERO_VALUE {
                // Plain contract calls: too many to list, not adversarial.
                continue;
            }
            excluded.push(ExcludedTransfer::new(store, x));
        }
        let mut introduced: Vec<(u32, Amount)> =
            self.introduced.iter().map(|(a, t)| (*a, *t)).collect();
        introduced.sort();
        let inferences = self
            .inferences
            .iter()
            .map(|&(node, swap, funded, d, tt, asset)| SwapInference {
                account: store.address(node).to_string(),
                swap_tx: store.transfer(swap).tx_hash.to_string(),
                funded_tx: store.transfer(funded).tx_hash.to_string(),
                amount: cordon_tx::format_amount(d, decimals(asset)),
                taint: cordon_tx::format_amount(tt, decimals(asset)),
            })
            .collect();
        let mut unexplained: Vec<(Amount, u32, u32)> = self
            .slots
            .iter()
            .filter(|s| s.unexplained > 0)
            .map(|s| (s.unexplained, s.node, s.asset))
            .collect();
        let unexplained_order = |a: &(Amount, u32, u32), b: &(Amount, u32, u32)| {
            b.0.cmp(&a.0)
                .then_with(|| store.address(a.1).cmp(store.address(b.1)))
                .then_with(|| asset_label(a.2).cmp(&asset_label(b.2)))
        };
        let mut unexplained_omitted = 0;
        if unexplained.len() > keep {
            unexplained.select_nth_unstable_by(keep - 1, unexplained_order);
            unexplained_omitted = unexplained.len() - keep;
            unexplained.truncate(keep);
        }
        unexplained.sort_by(unexplained_order);
        TraceResult {
            source: store.address(src).to_string(),
            rule: self.opts.rule,
            introduced_total: introduced.iter().map(|(_, t)| *t).sum(),
            introduced: introduced
                .iter()
                .map(|&(a, t)| (asset_label(a), t.to_string()))
                .collect(),
            sinks,
            excluded,
            swap_inferences: inferences,
            unexplained_funding: unexplained
                .into_iter()
                .map(|(v, n, a)| {
                    (
                        store.address(n).to_string(),
                        asset_label(a),
                        cordon_tx::format_amount(v, decimals(a)),
                    )
                })
                .collect(),
            accounts_touched: self.active,
            sinks_omitted,
            unexplained_omitted,
            flows: self.flows,
            links: self.links,
        }
    }
}

impl TraceResult {
    /// Sum over all sinks, listed and omitted, base units (nominal across assets).
    pub fn sink_total(&self) -> Amount {
        self.sinks.iter().map(|s| s.taint_base).sum::<Amount>()
            + self
                .sinks_omitted
                .iter()
                .map(|s| s.taint_base)
                .sum::<Amount>()
    }

    /// Taint `address` received over all its tainted inflows, base units (nominal).
    pub fn received(&self, store: &TxStore, address: &str) -> Amount {
        let Some(id) = store.address_id(address) else {
            return 0;
        };
        self.flows
            .iter()
            .filter(|(x, _)| store.transfer(*x).to == id)
            .map(|(_, t)| *t)
            .sum()
    }

    /// Taint carried by transfer `xfer` (0 when it carried none).
    pub fn taint_of(&self, xfer: u32) -> Amount {
        self.flows
            .binary_search_by_key(&xfer, |f| f.0)
            .map_or(0, |i| self.flows[i].1)
    }

    /// Sinks of one kind.
    pub fn sinks_of(&self, kind: SinkKind) -> impl Iterator<Item = &Sink> {
        self.sinks.iter().filter(move |s| s.kind == kind)
    }

    /// The parent transfer of a tainted transfer (the previous step of its main path).
    pub fn parent(&self, xfer: u32) -> Option<u32> {
        let i = self.flows.binary_search_by_key(&xfer, |f| f.0).ok()?;
        self.links
            .get(i)
            .map(|l| l.parent)
            .filter(|&p| p != NO_PARENT)
    }
}

/// One sink's tainted amount as an interval: the LIBR run (clean money leaves first), the TFO
/// run (taint leaves first) and the chosen rule's point value.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalSink {
    /// Kind.
    pub kind: SinkKind,
    /// Address.
    pub address: String,
    /// Asset.
    pub asset: String,
    /// Lower bound, whole units.
    pub lower: String,
    /// Point estimate under the chosen rule, whole units.
    pub point: String,
    /// Upper bound, whole units.
    pub upper: String,
}

/// A trace under the chosen rule plus `[LIBR, TFO]` bounds per sink.
#[derive(Debug, Clone, Serialize)]
pub struct TraceInterval {
    /// The trace under the chosen rule.
    pub point: TraceResult,
    /// Per sink, the interval.
    pub intervals: Vec<IntervalSink>,
}

/// Runs the trace three times (chosen rule, LIBR, TFO) and reports each sink's interval.
/// Per account the cumulative LIBR outflow is the minimum and TFO the maximum over all
/// consumption orders; across several hops a point rule can fall outside the per-sink pair,
/// so the interval reported is widened to contain the point value.
pub fn trace_interval(
    store: &TxStore,
    labels: &dyn LabelSource,
    source: &str,
    opts: &TraceOptions,
) -> Result<TraceInterval, TraceError> {
    let point = trace(store, labels, source, opts)?;
    let run = |rule| {
        trace(
            store,
            labels,
            source,
            &TraceOptions {
                rule,
                // The bounds need amounts only.
                paths_per_sink: 1,
                ..opts.clone()
            },
        )
    };
    let (libr, tfo) = (run(AccountRule::Libr)?, run(AccountRule::Tfo)?);
    type Key = (SinkKind, String, String);
    let key = |s: &Sink| -> Key { (s.kind, s.address.clone(), s.asset.clone()) };
    let mut all: FxHashMap<Key, (Amount, Amount, Amount, u8)> = FxHashMap::default();
    for (i, r) in [&point, &libr, &tfo].into_iter().enumerate() {
        for s in &r.sinks {
            let e = all.entry(key(s)).or_default();
            e.3 = s.decimals;
            match i {
                0 => e.0 = s.taint_base,
                1 => e.1 = s.taint_base,
                _ => e.2 = s.taint_base,
            }
        }
    }
    let mut intervals: Vec<(Amount, IntervalSink)> = all
        .into_iter()
        .map(|((kind, address, asset), (p, lo, hi, d))| {
            let (lo, hi) = (lo.min(p).min(hi), hi.max(p).max(lo));
            (
                p,
                IntervalSink {
                    kind,
                    address,
                    asset,
                    lower: cordon_tx::format_amount(lo, d),
                    point: cordon_tx::format_amount(p, d),
                    upper: cordon_tx::format_amount(hi, d),
                },
            )
        })
        .collect();
    intervals.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.address.cmp(&b.1.address))
            .then(a.1.kind.cmp(&b.1.kind))
            .then(a.1.asset.cmp(&b.1.asset))
    });
    Ok(TraceInterval {
        point,
        intervals: intervals.into_iter().map(|(_, s)| s).collect(),
    })
}
