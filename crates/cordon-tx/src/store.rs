//! The columnar transfer store and its time-ordered CSR adjacency.

use std::ops::Range;
use std::path::Path;

use cordon_model::{Diagnostic, Location};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::column::Column;
use crate::screen::{AssetVerdict, Exclusion, TokenRegistry, lookalike_key, native_asset};
use crate::strings::StringTable;
use crate::{Amount, TxError};

/// One asset: a chain's native coin or a token contract on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetInfo {
    /// Chain slug (`eth`, `btc`, `trx`).
    pub chain: String,
    /// Display symbol as the source wrote it (may contain look-alike characters).
    pub symbol: String,
    /// Token contract; `None` for the native coin.
    pub contract: Option<String>,
    /// Decimal places of one whole unit.
    pub decimals: u8,
    /// What the token registry says.
    pub verdict: AssetVerdict,
}

impl AssetInfo {
    /// `ETH` or `stETH@0xae7a…`.
    pub fn label(&self) -> String {
        match &self.contract {
            None => self.symbol.clone(),
            Some(c) => format!("{}@{c}", self.symbol),
        }
    }
}

/// One account-model transfer as read from a file, before interning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransferRecord {
    /// Chain slug.
    pub chain: String,
    /// Transaction hash.
    pub tx_hash: String,
    /// Block height.
    pub block: u64,
    /// Unix seconds (UTC).
    pub timestamp: i64,
    /// Position inside the block (log index or row order); orders transfers of one block.
    pub seq: u32,
    /// Sender.
    pub from: String,
    /// Receiver.
    pub to: String,
    /// Asset symbol as written.
    pub symbol: String,
    /// Token contract, `None` for the native coin.
    pub contract: Option<String>,
    /// Decimals of the asset.
    pub decimals: u8,
    /// Amount in base units.
    pub amount: Amount,
    /// The transaction reverted.
    pub failed: bool,
    /// The transaction's memo, when the export has one (THORChain router deposits carry the
    /// swap's outbound chain and address there: `=:BTC.BTC:bc1q…`).
    pub memo: Option<String>,
}

/// A transfer read back from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferView<'a> {
    /// Transfer id (its position in global time order).
    pub id: u32,
    /// Transaction hash.
    pub tx_hash: &'a str,
    /// Block height.
    pub block: u64,
    /// Unix seconds.
    pub time: i64,
    /// Sender id.
    pub from: u32,
    /// Receiver id.
    pub to: u32,
    /// Asset id.
    pub asset: u32,
    /// Amount in base units.
    pub amount: Amount,
    /// Exclusion reasons (empty for transfers that carry value).
    pub exclusion: Exclusion,
}

/// One edge of the adjacency: a non-excluded transfer seen from one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// Transfer id; also the global time order.
    pub xfer: u32,
    /// The other endpoint.
    pub nbr: u32,
    /// Unix seconds.
    pub time: i64,
    /// Amount in base units.
    pub amount: Amount,
    /// Asset id.
    pub asset: u32,
}

/// Compressed sparse rows: per node a contiguous, time-ordered run of edges.
#[derive(Debug)]
pub struct Csr {
    offsets: Column<u64>,
    nbr: Column<u32>,
    xfer: Column<u32>,
    time: Column<i64>,
    amount: Column<u128>,
    asset: Column<u32>,
}

impl Csr {
    /// Edge positions of `node`.
    pub fn range(&self, node: u32) -> Range<usize> {
        let n = node as usize;
        let lo = self.offsets.get(n) as usize;
        let hi = self.offsets.get(n + 1) as usize;
        lo..hi.max(lo)
    }

    /// Edge at position `i`.
    #[inline]
    pub fn edge(&self, i: usize) -> Edge {
        Edge {
            xfer: self.xfer.get(i),
            nbr: self.nbr.get(i),
            time: self.time.get(i),
            amount: self.amount.get(i),
            asset: self.asset.get(i),
        }
    }

    /// Transfer id at position `i` (cheaper than [`Csr::edge`] for searches).
    #[inline]
    pub fn xfer(&self, i: usize) -> u32 {
        self.xfer.get(i)
    }

    /// Time at position `i`.
    #[inline]
    pub fn time(&self, i: usize) -> i64 {
        self.time.get(i)
    }

    /// Neighbour at position `i`.
    #[inline]
    pub fn nbr(&self, i: usize) -> u32 {
        self.nbr.get(i)
    }

    /// Amount at position `i`.
    #[inline]
    pub fn amount(&self, i: usize) -> Amount {
        self.amount.get(i)
    }

    /// Asset at position `i`.
    #[inline]
    pub fn asset(&self, i: usize) -> u32 {
        self.asset.get(i)
    }

    /// Edges of `node`, in time order.
    pub fn edges(&self, node: u32) -> impl Iterator<Item = Edge> + '_ {
        self.range(node).map(|i| self.edge(i))
    }

    /// First position in `node`'s run whose transfer id is `>= xfer` (edges are sorted by id).
    pub fn lower_bound(&self, node: u32, xfer: u32) -> usize {
        let r = self.range(node);
        let (mut lo, mut hi) = (r.start, r.end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.xfer.get(mid) < xfer {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// First position in `node`'s run whose time is `>= t`.
    pub fn lower_bound_time(&self, node: u32, t: i64) -> usize {
        let r = self.range(node);
        let (mut lo, mut hi) = (r.start, r.end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.time.get(mid) < t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn byte_len(&self) -> usize {
        self.offsets.byte_len()
            + self.nbr.byte_len()
            + self.xfer.byte_len()
            + self.time.byte_len()
            + self.amount.byte_len()
            + self.asset.byte_len()
    }
}

/// Transaction id meaning "no hash recorded" (synthetic graphs): the transfer is its own
/// transaction and shows an empty hash.
pub const NO_TX: u32 = u32::MAX;

/// Canonical form of an address for identity: hex EVM addresses are case-insensitive.
pub fn normalize_address(a: &str) -> String {
    let a = a.trim();
    if a.len() == 42 && (a.starts_with("0x") || a.starts_with("0X")) {
        a.to_ascii_lowercase()
    } else {
        a.to_string()
    }
}

/// Collects transfers in any order, then [`TxStoreBuilder::build`]s the sorted store.
#[derive(Debug)]
pub struct TxStoreBuilder {
    registry: TokenRegistry,
    addrs: StringTable,
    hashes: StringTable,
    assets: Vec<AssetInfo>,
    asset_ix: FxHashMap<(String, String, Option<String>), u32>,
    from: Vec<u32>,
    to: Vec<u32>,
    asset: Vec<u32>,
    amount: Vec<u128>,
    time: Vec<i64>,
    block: Vec<u64>,
    seq: Vec<u32>,
    tx: Vec<u32>,
    failed: Vec<bool>,
    memos: Vec<(u32, String)>,
    diagnostics: Vec<Diagnostic>,
    detect_lookalikes: bool,
}

impl TxStoreBuilder {
    /// A builder classifying tokens with `registry`.
    pub fn new(registry: TokenRegistry) -> Self {
        TxStoreBuilder {
            registry,
            addrs: StringTable::default(),
            hashes: StringTable::default(),
            assets: Vec::new(),
            asset_ix: FxHashMap::default(),
            from: Vec::new(),
            to: Vec::new(),
            asset: Vec::new(),
            amount: Vec::new(),
            time: Vec::new(),
            block: Vec::new(),
            seq: Vec::new(),
            tx: Vec::new(),
            failed: Vec::new(),
            memos: Vec::new(),
            diagnostics: Vec::new(),
            detect_lookalikes: true,
        }
    }

    /// Turns address-poisoning detection off (synthetic graphs whose addresses are not
    /// truncated by any wallet); on by default.
    pub fn detect_lookalikes(mut self, on: bool) -> Self {
        self.detect_lookalikes = on;
        self
    }

    /// The token registry in use.
    pub fn registry(&self) -> &TokenRegistry {
        &self.registry
    }

    /// Number of transfers pushed so far.
    pub fn len(&self) -> usize {
        self.from.len()
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.from.is_empty()
    }

    /// Records a problem found while reading input.
    pub fn diagnostic(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Interns an address.
    pub fn address(&mut self, a: &str) -> Result<u32, TxError> {
        self.addrs.intern(&normalize_address(a))
    }

    /// Interns a transaction hash.
    pub fn tx_hash(&mut self, h: &str) -> Result<u32, TxError> {
        self.hashes
            .intern(&normalize_address(h).to_ascii_lowercase())
    }

    /// Interns an asset, classifying it with the registry.
    pub fn asset(
        &mut self,
        chain: &str,
        symbol: &str,
        contract: Option<&str>,
        decimals: u8,
    ) -> Result<u32, TxError> {
        let contract = contract.map(normalize_address).filter(|c| !c.is_empty());
        let symbol = match (&contract, native_asset(chain)) {
            (None, Some((native, _))) => native.to_string(),
            _ => symbol.to_string(),
        };
        let key = (chain.to_string(), symbol.clone(), contract.clone());
        if let Some(&id) = self.asset_ix.get(&key) {
            return Ok(id);
        }
        let verdict = self.registry.classify(chain, &symbol, contract.as_deref());
        let id = u32::try_from(self.assets.len())
            .map_err(|_| TxError::Capacity("too many assets".into()))?;
        self.assets.push(AssetInfo {
            chain: chain.into(),
            symbol,
            contract,
            decimals,
            verdict,
        });
        self.asset_ix.insert(key, id);
        Ok(id)
    }

    /// Adds one transfer from interned ids (the fast path used by generators).
    #[allow(clippy::too_many_arguments)]
    pub fn push_ids(
        &mut self,
        tx: u32,
        block: u64,
        time: i64,
        seq: u32,
        from: u32,
        to: u32,
        asset: u32,
        amount: Amount,
        failed: bool,
    ) {
        self.tx.push(tx);
        self.block.push(block);
        self.time.push(time);
        self.seq.push(seq);
        self.from.push(from);
        self.to.push(to);
        self.asset.push(asset);
        self.amount.push(amount);
        self.failed.push(failed);
    }

    /// Adds one transfer.
    pub fn push(&mut self, r: &TransferRecord) -> Result<(), TxError> {
        let tx = self.tx_hash(&r.tx_hash)?;
        let from = self.address(&r.from)?;
        let to = self.address(&r.to)?;
        let asset = self.asset(&r.chain, &r.symbol, r.contract.as_deref(), r.decimals)?;
        self.push_ids(
            tx,
            r.block,
            r.timestamp,
            r.seq,
            from,
            to,
            asset,
            r.amount,
            r.failed,
        );
        if let Some(m) = r.memo.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            // Pushed transfers are far below 2^32 here: `build` refuses more.
            self.memos
                .push((self.from.len().saturating_sub(1) as u32, m.to_string()));
        }
        Ok(())
    }

    /// Sorts into global time order, screens exclusions and builds both adjacencies.
    pub fn build(mut self) -> Result<TxStore, TxError> {
        let n = self.from.len();
        if u32::try_from(n).is_err() {
            return Err(TxError::Capacity(format!("{n} transfers exceed 2^32")));
        }
        let mut order: Vec<u32> = (0..n as u32).collect();
        // The hash breaks ties so the order does not depend on which file was read first.
        let names = &self.hashes;
        let key = |i: u32| {
            let i = i as usize;
            (
                self.time.get(i).copied().unwrap_or_default(),
                self.block.get(i).copied().unwrap_or_default(),
                self.seq.get(i).copied().unwrap_or_default(),
                self.tx.get(i).and_then(|&t| names.get(t)).unwrap_or(""),
            )
        };
        let out_of_order = order.windows(2).filter(|w| key(w[0]) > key(w[1])).count();
        if out_of_order > 0 {
            self.diagnostics.push(Diagnostic::warning(
                "tx-out-of-order",
                format!("{out_of_order} transfers were out of time order in the input; sorted by (time, block, position)"),
                Location::default().section("input order"),
            ));
        }
        order.sort_by_key(|&i| (key(i), i));
        let perm = |v: &[u32]| -> Vec<u32> { order.iter().map(|&i| v[i as usize]).collect() };
        let from = perm(&self.from);
        let to = perm(&self.to);
        let asset = perm(&self.asset);
        let tx = perm(&self.tx);
        let seq = perm(&self.seq);
        let amount: Vec<u128> = order.iter().map(|&i| self.amount[i as usize]).collect();
        let time: Vec<i64> = order.iter().map(|&i| self.time[i as usize]).collect();
        let block: Vec<u64> = order.iter().map(|&i| self.block[i as usize]).collect();
        let failed: Vec<bool> = order.iter().map(|&i| self.failed[i as usize]).collect();
        let memos: FxHashMap<u32, String> = if self.memos.is_empty() {
            FxHashMap::default()
        } else {
            let mut by_old: FxHashMap<u32, String> = self.memos.drain(..).collect();
            order
                .iter()
                .enumerate()
                .filter_map(|(new, old)| by_old.remove(old).map(|m| (new as u32, m)))
                .collect()
        };
        drop(order);

        let mut excl = vec![0u8; n];
        let mut details: FxHashMap<u32, String> = FxHashMap::default();
        for i in 0..n {
            let mut e = Exclusion::NONE;
            if failed[i] {
                e.insert(Exclusion::FAILED);
            }
            if amount[i] == 0 {
                e.insert(Exclusion::ZERO_VALUE);
            }
            if let Some(AssetVerdict::Impersonating(reason)) =
                self.assets.get(asset[i] as usize).map(|a| &a.verdict)
            {
                e.insert(Exclusion::IMPERSONATING_TOKEN);
                details.insert(i as u32, reason.clone());
            }
            excl[i] = e.0;
        }
        if self.detect_lookalikes {
            self.screen_lookalikes(&from, &to, &mut excl, &mut details);
        }
        let nodes = self.addrs.len();
        let (out, inn) = build_csr(nodes, &from, &to, &time, &amount, &asset, &excl);
        let tx_index = group_by_node(
            self.hashes.len(),
            tx.iter()
                .enumerate()
                .filter(|(_, t)| **t != NO_TX)
                .map(|(i, &t)| (t, i as u32)),
        );
        let excluded: Vec<u32> = (0..n as u32).filter(|&i| excl[i as usize] != 0).collect();
        let excluded_index = group_by_node(
            nodes,
            excluded
                .iter()
                .flat_map(|&x| endpoints(from[x as usize], to[x as usize]).map(move |a| (a, x))),
        );
        Ok(TxStore {
            addrs: self.addrs,
            hashes: self.hashes,
            assets: self.assets,
            from: Column::from_slice(&from),
            to: Column::from_slice(&to),
            asset: Column::from_slice(&asset),
            amount: Column::from_slice(&amount),
            time: Column::from_slice(&time),
            block: Column::from_slice(&block),
            seq: Column::from_slice(&seq),
            tx: Column::from_slice(&tx),
            excl: Column::from_slice(&excl),
            excluded: Column::from_slice(&excluded),
            excluded_index: Some(excluded_index),
            details,
            memos,
            out,
            inn,
            tx_index,
            diagnostics: self.diagnostics,
        })
    }

    // Poisoning: a party P has genuine counterparties (value-carrying transfers in either
    // direction). Any other address sharing a genuine counterparty's first-6/last-4 characters
    // that transacts with P is imitating it.
    fn screen_lookalikes(
        &self,
        from: &[u32],
        to: &[u32],
        excl: &mut [u8],
        details: &mut FxHashMap<u32, String>,
    ) {
        let keys: Vec<Option<(String, String)>> = self.addrs.iter().map(lookalike_key).collect();
        let mut genuine: FxHashSet<(u32, u32)> = FxHashSet::default();
        let mut by_key: FxHashMap<(u32, &(String, String)), u32> = FxHashMap::default();
        for i in 0..from.len() {
            if excl[i] != 0 {
                continue;
            }
            for (p, c) in [(from[i], to[i]), (to[i], from[i])] {
                genuine.insert((p, c));
                if let Some(Some(k)) = keys.get(c as usize) {
                    by_key.entry((p, k)).or_insert(c);
                }
            }
        }
        for i in 0..from.len() {
            for (p, c) in [(from[i], to[i]), (to[i], from[i])] {
                if genuine.contains(&(p, c)) {
                    continue;
                }
                let Some(Some(k)) = keys.get(c as usize) else {
                    continue;
                };
                if let Some(&g) = by_key.get(&(p, k))
                    && g != c
                {
                    excl[i] |= Exclusion::POISONING_LOOKALIKE.0;
                    let name = |x: u32| self.addrs.get(x).unwrap_or("?");
                    let note = format!(
                        "{} imitates {}, a genuine counterparty of {} (same first 6 and last 4 characters)",
                        name(c),
                        name(g),
                        name(p)
                    );
                    details
                        .entry(i as u32)
                        .and_modify(|d| {
                            d.push_str("; ");
                            d.push_str(&note);
                        })
                        .or_insert(note);
                    break;
                }
            }
        }
    }
}

fn build_csr(
    nodes: usize,
    from: &[u32],
    to: &[u32],
    time: &[i64],
    amount: &[u128],
    asset: &[u32],
    excl: &[u8],
) -> (Csr, Csr) {
    let side = |src: &[u32], dst: &[u32]| {
        let mut offsets = vec![0u64; nodes + 1];
        for i in 0..src.len() {
            if excl[i] == 0 {
                offsets[src[i] as usize + 1] += 1;
            }
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let m = offsets[nodes] as usize;
        let mut cursor: Vec<u64> = offsets[..nodes].to_vec();
        let (mut nb, mut xf, mut tm, mut am, mut asv) = (
            vec![0u32; m],
            vec![0u32; m],
            vec![0i64; m],
            vec![0u128; m],
            vec![0u32; m],
        );
        // Transfers are already in global order, so each run comes out time-sorted.
        for i in 0..src.len() {
            if excl[i] != 0 {
                continue;
            }
            let s = src[i] as usize;
            let p = cursor[s] as usize;
            cursor[s] += 1;
            nb[p] = dst[i];
            xf[p] = i as u32;
            tm[p] = time[i];
            am[p] = amount[i];
            asv[p] = asset[i];
        }
        Csr {
            offsets: Column::from_slice(&offsets),
            nbr: Column::from_slice(&nb),
            xfer: Column::from_slice(&xf),
            time: Column::from_slice(&tm),
            amount: Column::from_slice(&am),
            asset: Column::from_slice(&asv),
        }
    };
    (side(from, to), side(to, from))
}

/// The distinct endpoints of a transfer: the sender, and the receiver unless it is the sender.
pub(crate) fn endpoints(from: u32, to: u32) -> impl Iterator<Item = u32> + Clone {
    std::iter::once(from).chain((to != from).then_some(to))
}

/// Groups `(key, id)` pairs into compressed runs: `keys + 1` offsets and the ids, each key's
/// run in the order the pairs come (transfer order, so every run is time-ordered). Pairs with
/// a key beyond `keys` are dropped (the callers' keys are ids they interned).
fn group_by_node<I>(keys: usize, pairs: I) -> (Column<u64>, Column<u32>)
where
    I: Iterator<Item = (u32, u32)> + Clone,
{
    let mut offsets = vec![0u64; keys + 1];
    for (k, _) in pairs.clone() {
        if let Some(o) = offsets.get_mut(k as usize + 1) {
            *o += 1;
        }
    }
    for i in 0..keys {
        offsets[i + 1] += offsets[i];
    }
    let mut cursor: Vec<u64> = offsets[..keys].to_vec();
    let mut ids = vec![0u32; offsets[keys] as usize];
    for (k, id) in pairs {
        if let Some(c) = cursor.get_mut(k as usize) {
            ids[*c as usize] = id;
            *c += 1;
        }
    }
    (Column::from_slice(&offsets), Column::from_slice(&ids))
}

/// The transaction store: transfers in global time order (the transfer id *is* the order),
/// exclusion flags with reasons, and out/in CSR adjacency over value-carrying transfers.
#[derive(Debug)]
pub struct TxStore {
    addrs: StringTable,
    hashes: StringTable,
    assets: Vec<AssetInfo>,
    from: Column<u32>,
    to: Column<u32>,
    asset: Column<u32>,
    amount: Column<u128>,
    time: Column<i64>,
    block: Column<u64>,
    seq: Column<u32>,
    tx: Column<u32>,
    excl: Column<u8>,
    excluded: Column<u32>,
    /// Excluded transfers per address (sender and receiver), time-ordered runs: offsets per
    /// address and transfer ids. `None` for a store written before the index existed.
    excluded_index: Option<(Column<u64>, Column<u32>)>,
    details: FxHashMap<u32, String>,
    memos: FxHashMap<u32, String>,
    out: Csr,
    inn: Csr,
    tx_index: (Column<u64>, Column<u32>),
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) format: String,
    pub(crate) transfers: usize,
    pub(crate) addresses: usize,
    pub(crate) hashes: usize,
    pub(crate) out_edges: usize,
    pub(crate) in_edges: usize,
    pub(crate) tx_linked: usize,
    pub(crate) assets: Vec<AssetInfo>,
    pub(crate) exclusion_details: Vec<(u32, String)>,
    /// Entries of the per-address index of excluded transfers (`excluded_offsets.u64.bin`,
    /// `excluded_by_address.u32.bin`); absent in stores written before the index existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) excluded_index: Option<usize>,
    /// Transaction memos by transfer id (absent in stores written before memos existed).
    #[serde(default)]
    pub(crate) memos: Vec<(u32, String)>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

pub(crate) const FORMAT: &str = "cordon-tx/1";
/// Files of the per-address index of excluded transfers.
pub(crate) const EXCLUDED_OFFSETS: &str = "excluded_offsets.u64.bin";
pub(crate) const EXCLUDED_BY_ADDRESS: &str = "excluded_by_address.u32.bin";

impl TxStore {
    /// Number of transfers (excluded ones included).
    pub fn len(&self) -> usize {
        self.from.len()
    }

    /// True when the store holds no transfer.
    pub fn is_empty(&self) -> bool {
        self.from.is_empty()
    }

    /// Number of distinct addresses.
    pub fn num_addresses(&self) -> usize {
        self.addrs.len()
    }

    /// The id of an address (any case for hex addresses).
    pub fn address_id(&self, a: &str) -> Option<u32> {
        self.addrs.find(&normalize_address(a))
    }

    /// The address with id `id` (empty for an unknown id).
    pub fn address(&self, id: u32) -> &str {
        self.addrs.get(id).unwrap_or("")
    }

    /// All assets.
    pub fn assets(&self) -> &[AssetInfo] {
        &self.assets
    }

    /// Asset `id`.
    pub fn asset(&self, id: u32) -> Option<&AssetInfo> {
        self.assets.get(id as usize)
    }

    /// Asset ids whose symbol (or contract) equals `name`, case-insensitively.
    pub fn find_assets(&self, name: &str) -> Vec<u32> {
        let n = normalize_address(name);
        self.assets
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.symbol.eq_ignore_ascii_case(&n) || a.contract.as_deref() == Some(n.as_str())
            })
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// Transfer `id`.
    pub fn transfer(&self, id: u32) -> TransferView<'_> {
        let i = id as usize;
        TransferView {
            id,
            tx_hash: self.hashes.get(self.tx.get(i)).unwrap_or(""),
            block: self.block.get(i),
            time: self.time.get(i),
            from: self.from.get(i),
            to: self.to.get(i),
            asset: self.asset.get(i),
            amount: self.amount.get(i),
            exclusion: Exclusion(self.excl.get(i)),
        }
    }

    /// Position of transfer `id` inside its block (log index or row order).
    pub fn seq(&self, id: u32) -> u32 {
        self.seq.get(id as usize)
    }

    /// Why transfer `id` is excluded, in words (`None` when no detail was recorded).
    pub fn exclusion_detail(&self, id: u32) -> Option<&str> {
        self.details.get(&id).map(|s| s.as_str())
    }

    /// The memo of transfer `id`'s transaction, if the input had one.
    pub fn memo(&self, id: u32) -> Option<&str> {
        self.memos.get(&id).map(String::as_str)
    }

    /// Ids of all excluded transfers, in time order.
    pub fn excluded(&self) -> impl Iterator<Item = u32> + '_ {
        self.excluded.iter()
    }

    /// Ids of the excluded transfers `node` sent or received, in time order. Read from the
    /// per-address index; a store written before the index existed (see
    /// [`TxStore::has_exclusion_index`]) is scanned instead, which costs one pass over every
    /// excluded transfer.
    pub fn excluded_of(&self, node: u32) -> Vec<u32> {
        match &self.excluded_index {
            Some((offsets, ids)) => {
                let n = node as usize;
                let (lo, hi) = (offsets.get(n) as usize, offsets.get(n + 1) as usize);
                (lo..hi.max(lo)).map(|p| ids.get(p)).collect()
            }
            None => self
                .excluded
                .iter()
                .filter(|&x| {
                    let i = x as usize;
                    self.from.get(i) == node || self.to.get(i) == node
                })
                .collect(),
        }
    }

    /// Whether the store has the per-address index of excluded transfers (every store
    /// written by this version does; older ones answer [`TxStore::excluded_of`] by a scan).
    pub fn has_exclusion_index(&self) -> bool {
        self.excluded_index.is_some()
    }

    /// Transfer ids belonging to the transaction of transfer `id` (swap legs, internal calls).
    pub fn same_tx(&self, id: u32) -> Vec<u32> {
        let t = self.tx.get(id as usize);
        if t == NO_TX {
            return vec![id];
        }
        let t = t as usize;
        let (off, ids) = &self.tx_index;
        (off.get(t) as usize..off.get(t + 1) as usize)
            .map(|p| ids.get(p))
            .collect()
    }

    /// Outgoing adjacency.
    pub fn out_csr(&self) -> &Csr {
        &self.out
    }

    /// Incoming adjacency.
    pub fn in_csr(&self) -> &Csr {
        &self.inn
    }

    /// Warnings and errors found while reading the input.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Bytes held by the columns (resident or mapped), excluding string tables.
    pub fn column_bytes(&self) -> usize {
        self.from.byte_len()
            + self.to.byte_len()
            + self.asset.byte_len()
            + self.amount.byte_len()
            + self.time.byte_len()
            + self.block.byte_len()
            + self.seq.byte_len()
            + self.tx.byte_len()
            + self.excl.byte_len()
            + self.excluded.byte_len()
            + self.out.byte_len()
            + self.inn.byte_len()
            + self.tx_index.0.byte_len()
            + self.tx_index.1.byte_len()
            + self
                .excluded_index
                .as_ref()
                .map_or(0, |(o, i)| o.byte_len() + i.byte_len())
    }

    /// Writes the store to `dir` (created if needed): `manifest.json`, `addresses.txt`,
    /// `hashes.txt` and one little-endian `.bin` file per column (see docs/transactions.md).
    ///
    /// Saving over an existing store is safe while another process has it open: every file is
    /// written under a temporary name and renamed into place, the manifest last, so a reader
    /// keeps the version it mapped (until it opens the directory again), and a save that fails
    /// leaves the previous store as it was (see `staged.rs`).
    pub fn save(&self, dir: &Path) -> Result<(), TxError> {
        std::fs::create_dir_all(dir).map_err(|e| TxError::io(dir, e))?;
        let mut details: Vec<(u32, String)> =
            self.details.iter().map(|(k, v)| (*k, v.clone())).collect();
        details.sort();
        let mut memos: Vec<(u32, String)> =
            self.memos.iter().map(|(k, v)| (*k, v.clone())).collect();
        memos.sort();
        let manifest = Manifest {
            format: FORMAT.into(),
            transfers: self.len(),
            addresses: self.num_addresses(),
            hashes: self.hashes.len(),
            out_edges: self.out.nbr.len(),
            in_edges: self.inn.nbr.len(),
            tx_linked: self.tx_index.1.len(),
            assets: self.assets.clone(),
            exclusion_details: details,
            excluded_index: self.excluded_index.as_ref().map(|(_, ids)| ids.len()),
            memos,
            diagnostics: self.diagnostics.clone(),
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| TxError::Corrupt {
            path: dir.join("manifest.json"),
            message: e.to_string(),
        })?;
        let mut s = crate::staged::Staged::new(dir);
        s.file("addresses.txt", |p| self.addrs.write(p))?;
        s.file("hashes.txt", |p| self.hashes.write(p))?;
        s.file("from.u32.bin", |p| self.from.write(p))?;
        s.file("to.u32.bin", |p| self.to.write(p))?;
        s.file("asset.u32.bin", |p| self.asset.write(p))?;
        s.file("amount.u128.bin", |p| self.amount.write(p))?;
        s.file("time.i64.bin", |p| self.time.write(p))?;
        s.file("block.u64.bin", |p| self.block.write(p))?;
        s.file("seq.u32.bin", |p| self.seq.write(p))?;
        s.file("tx.u32.bin", |p| self.tx.write(p))?;
        s.file("exclusion.u8.bin", |p| self.excl.write(p))?;
        s.file("excluded.u32.bin", |p| self.excluded.write(p))?;
        if let Some((offsets, ids)) = &self.excluded_index {
            s.file(EXCLUDED_OFFSETS, |p| offsets.write(p))?;
            s.file(EXCLUDED_BY_ADDRESS, |p| ids.write(p))?;
        }
        s.file("tx_offsets.u64.bin", |p| self.tx_index.0.write(p))?;
        s.file("tx_transfers.u32.bin", |p| self.tx_index.1.write(p))?;
        for (side, csr) in [("out", &self.out), ("in", &self.inn)] {
            s.file(&format!("{side}_offsets.u64.bin"), |p| csr.offsets.write(p))?;
            s.file(&format!("{side}_nbr.u32.bin"), |p| csr.nbr.write(p))?;
            s.file(&format!("{side}_xfer.u32.bin"), |p| csr.xfer.write(p))?;
            s.file(&format!("{side}_time.i64.bin"), |p| csr.time.write(p))?;
            s.file(&format!("{side}_amount.u128.bin"), |p| csr.amount.write(p))?;
            s.file(&format!("{side}_asset.u32.bin"), |p| csr.asset.write(p))?;
        }
        s.commit("manifest.json", &json)
    }

    /// Opens a store written by [`TxStore::save`], memory-mapping every column and checking
    /// that sizes, offsets and ids are consistent.
    pub fn open(dir: &Path) -> Result<TxStore, TxError> {
        let mpath = dir.join("manifest.json");
        let bytes = std::fs::read(&mpath).map_err(|e| TxError::io(&mpath, e))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| TxError::Corrupt {
            path: mpath.clone(),
            message: e.to_string(),
        })?;
        if m.format != FORMAT {
            return Err(TxError::Corrupt {
                path: mpath,
                message: format!("format {:?}, expected {FORMAT:?}", m.format),
            });
        }
        let addrs = StringTable::read(&dir.join("addresses.txt"), m.addresses, true)?;
        let hashes = StringTable::read(&dir.join("hashes.txt"), m.hashes, false)?;
        let n = m.transfers;
        let w = |name: &str| dir.join(name);
        let excl: Column<u8> = Column::open(&w("exclusion.u8.bin"), n)?;
        let nexcluded = excl.iter().filter(|&e| e != 0).count();
        let open_csr = |side: &str, edges: usize| -> Result<Csr, TxError> {
            Ok(Csr {
                offsets: Column::open(&w(&format!("{side}_offsets.u64.bin")), m.addresses + 1)?,
                nbr: Column::open(&w(&format!("{side}_nbr.u32.bin")), edges)?,
                xfer: Column::open(&w(&format!("{side}_xfer.u32.bin")), edges)?,
                time: Column::open(&w(&format!("{side}_time.i64.bin")), edges)?,
                amount: Column::open(&w(&format!("{side}_amount.u128.bin")), edges)?,
                asset: Column::open(&w(&format!("{side}_asset.u32.bin")), edges)?,
            })
        };
        let store = TxStore {
            addrs,
            hashes,
            assets: m.assets,
            from: Column::open(&w("from.u32.bin"), n)?,
            to: Column::open(&w("to.u32.bin"), n)?,
            asset: Column::open(&w("asset.u32.bin"), n)?,
            amount: Column::open(&w("amount.u128.bin"), n)?,
            time: Column::open(&w("time.i64.bin"), n)?,
            block: Column::open(&w("block.u64.bin"), n)?,
            seq: Column::open(&w("seq.u32.bin"), n)?,
            tx: Column::open(&w("tx.u32.bin"), n)?,
            excl,
            excluded: Column::open(&w("excluded.u32.bin"), nexcluded)?,
            excluded_index: match m.excluded_index {
                Some(len) => Some((
                    Column::open(&w(EXCLUDED_OFFSETS), m.addresses + 1)?,
                    Column::open(&w(EXCLUDED_BY_ADDRESS), len)?,
                )),
                None => None,
            },
            details: m.exclusion_details.into_iter().collect(),
            memos: m.memos.into_iter().collect(),
            out: open_csr("out", m.out_edges)?,
            inn: open_csr("in", m.in_edges)?,
            tx_index: (
                Column::open(&w("tx_offsets.u64.bin"), m.hashes + 1)?,
                Column::open(&w("tx_transfers.u32.bin"), m.tx_linked)?,
            ),
            diagnostics: m.diagnostics,
        };
        store.validate(dir)?;
        Ok(store)
    }

    fn validate(&self, dir: &Path) -> Result<(), TxError> {
        let bad = |message: String| TxError::Corrupt {
            path: dir.into(),
            message,
        };
        let (n, nodes) = (self.len() as u64, self.num_addresses() as u32);
        for (name, csr) in [("out", &self.out), ("in", &self.inn)] {
            let mut prev = 0u64;
            for (i, o) in csr.offsets.iter().enumerate() {
                if o < prev || o > csr.nbr.len() as u64 {
                    return Err(bad(format!("{name} offsets not monotonic at node {i}")));
                }
                prev = o;
            }
            if prev != csr.nbr.len() as u64 {
                return Err(bad(format!("{name} offsets do not cover every edge")));
            }
            if csr.nbr.iter().any(|x| x >= nodes) || csr.xfer.iter().any(|x| u64::from(x) >= n) {
                return Err(bad(format!(
                    "{name} edge refers to an unknown node or transfer"
                )));
            }
        }
        if self.from.iter().chain(self.to.iter()).any(|x| x >= nodes)
            || self
                .tx
                .iter()
                .any(|t| t != NO_TX && t as usize >= self.hashes.len())
            || self.asset.iter().any(|a| a as usize >= self.assets.len())
        {
            return Err(bad(
                "a transfer refers to an unknown address, hash or asset".into(),
            ));
        }
        if let Some((offsets, ids)) = &self.excluded_index {
            // Every entry must be an excluded transfer of the address whose run holds it, so a
            // damaged index can neither hide an exclusion nor list a value-carrying transfer.
            let mut prev = 0u64;
            for node in 0..nodes {
                let (lo, hi) = (offsets.get(node as usize), offsets.get(node as usize + 1));
                if lo < prev || hi < lo || hi > ids.len() as u64 {
                    return Err(bad(format!(
                        "excluded-transfer index offsets not monotonic at node {node}"
                    )));
                }
                prev = lo;
                for p in lo..hi {
                    let x = ids.get(p as usize);
                    let i = x as usize;
                    if u64::from(x) >= n
                        || self.excl.get(i) == 0
                        || (self.from.get(i) != node && self.to.get(i) != node)
                    {
                        return Err(bad(format!(
                            "excluded-transfer index lists transfer {x} under address {node}, which it does not exclude or touch"
                        )));
                    }
                }
            }
            if offsets.get(nodes as usize) != ids.len() as u64 {
                return Err(bad(
                    "excluded-transfer index does not cover its entries".into()
                ));
            }
        }
        Ok(())
    }
}
