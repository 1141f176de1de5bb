//! Streamed store construction: transfers arrive in global time order and go straight into
//! the column files; the adjacency is then built with counting passes over the mapped
//! columns. Nothing proportional to the number of transfers is held in memory, so a graph far
//! larger than RAM can be built (the in-memory [`TxStoreBuilder`](crate::TxStoreBuilder)
//! needs every column twice during its sort).
//!
//! What the streamed path gives up: input must already be in (time, block, position) order
//! (an out-of-order transfer is an error naming its index, not a silent re-sort), and
//! address-poisoning look-alikes are not screened (that needs every counterparty pair first;
//! use the in-memory builder for real-world exports, which are small).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use cordon_model::Diagnostic;
use rustc_hash::FxHashMap;

use crate::column::{Column, Pod};
use crate::screen::{AssetVerdict, Exclusion, TokenRegistry, native_asset};
use crate::staged::Staged;
use crate::store::{
    AssetInfo, EXCLUDED_BY_ADDRESS, EXCLUDED_OFFSETS, FORMAT, Manifest, NO_TX, TxStore, endpoints,
    normalize_address,
};
use crate::{Amount, TxError};

struct ColFile {
    path: PathBuf,
    out: BufWriter<File>,
    buf: Vec<u8>,
}

impl ColFile {
    fn create(path: PathBuf) -> Result<Self, TxError> {
        let f = File::create(&path).map_err(|e| TxError::io(&path, e))?;
        Ok(ColFile {
            path,
            out: BufWriter::with_capacity(1 << 20, f),
            buf: Vec::with_capacity(16),
        })
    }

    fn put<T: Pod>(&mut self, v: T) -> Result<(), TxError> {
        self.buf.clear();
        v.encode(&mut self.buf);
        self.out
            .write_all(&self.buf)
            .map_err(|e| TxError::io(&self.path, e))
    }

    fn finish(mut self) -> Result<(), TxError> {
        self.out.flush().map_err(|e| TxError::io(&self.path, e))
    }
}

struct Lines {
    path: PathBuf,
    out: BufWriter<File>,
    n: usize,
}

impl Lines {
    fn create(path: PathBuf) -> Result<Self, TxError> {
        let f = File::create(&path).map_err(|e| TxError::io(&path, e))?;
        Ok(Lines {
            path,
            out: BufWriter::with_capacity(1 << 20, f),
            n: 0,
        })
    }

    fn push(&mut self, s: &str) -> Result<u32, TxError> {
        if s.contains('\n') {
            return Err(TxError::Capacity(format!(
                "{}: a value contains a line break",
                self.path.display()
            )));
        }
        let id = u32::try_from(self.n)
            .ok()
            .filter(|&i| i != NO_TX)
            .ok_or_else(|| TxError::Capacity("more than 2^32 - 1 distinct strings".into()))?;
        writeln!(self.out, "{s}").map_err(|e| TxError::io(&self.path, e))?;
        self.n += 1;
        Ok(id)
    }

    fn finish(mut self) -> Result<usize, TxError> {
        self.out.flush().map_err(|e| TxError::io(&self.path, e))?;
        Ok(self.n)
    }
}

/// Writes a [`TxStore`] directory from transfers pushed in global order, then builds the
/// adjacency on disk ([`TxStoreWriter::finish`]). Peak memory is the address table (when
/// [`TxStoreWriter::address`] interns) plus the per-node offsets, not the transfers.
pub struct TxStoreWriter {
    dir: PathBuf,
    /// Every file is written under its temporary name and renamed into place by
    /// [`TxStoreWriter::finish`]: until then a store already in `dir` stays whole and
    /// readable, and a build that fails or is dropped leaves it as it was.
    staged: Staged,
    registry: TokenRegistry,
    assets: Vec<AssetInfo>,
    asset_ix: FxHashMap<(String, String, Option<String>), u32>,
    addr_ix: FxHashMap<String, u32>,
    hash_ix: FxHashMap<String, u32>,
    addrs: Lines,
    hashes: Lines,
    from: ColFile,
    to: ColFile,
    asset: ColFile,
    amount: ColFile,
    time: ColFile,
    block: ColFile,
    seq: ColFile,
    tx: ColFile,
    excl: ColFile,
    excluded: ColFile,
    n: u64,
    nexcluded: usize,
    last: Option<(i64, u64, u32)>,
    details: Vec<(u32, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Debug for TxStoreWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxStoreWriter")
            .field("dir", &self.dir)
            .field("transfers", &self.n)
            .field("addresses", &self.addrs.n)
            .finish_non_exhaustive()
    }
}

impl TxStoreWriter {
    /// Starts a store in `dir` (created if needed). A store already in `dir` is replaced
    /// only when [`TxStoreWriter::finish`] succeeds, the way [`TxStore::save`] replaces one.
    pub fn create(dir: &Path, registry: TokenRegistry) -> Result<Self, TxError> {
        std::fs::create_dir_all(dir).map_err(|e| TxError::io(dir, e))?;
        let mut staged = Staged::new(dir);
        let mut c = |name: &str| ColFile::create(staged.stage(name));
        let (from, to, asset, amount, time, block, seq, tx, excl, excluded) = (
            c("from.u32.bin")?,
            c("to.u32.bin")?,
            c("asset.u32.bin")?,
            c("amount.u128.bin")?,
            c("time.i64.bin")?,
            c("block.u64.bin")?,
            c("seq.u32.bin")?,
            c("tx.u32.bin")?,
            c("exclusion.u8.bin")?,
            c("excluded.u32.bin")?,
        );
        Ok(TxStoreWriter {
            dir: dir.to_owned(),
            addrs: Lines::create(staged.stage("addresses.txt"))?,
            hashes: Lines::create(staged.stage("hashes.txt"))?,
            staged,
            registry,
            assets: Vec::new(),
            asset_ix: FxHashMap::default(),
            addr_ix: FxHashMap::default(),
            hash_ix: FxHashMap::default(),
            from,
            to,
            asset,
            amount,
            time,
            block,
            seq,
            tx,
            excl,
            excluded,
            n: 0,
            nexcluded: 0,
            last: None,
            details: Vec::new(),
            diagnostics: Vec::new(),
        })
    }

    /// Transfers written so far.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Records a problem found while reading input.
    pub fn diagnostic(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Appends an address the caller guarantees is new (generators with dense ids): no
    /// lookup table is kept, so memory does not grow with the number of addresses.
    pub fn declare_address(&mut self, a: &str) -> Result<u32, TxError> {
        self.addrs.push(&normalize_address(a))
    }

    /// Interns an address (kept in a table: use [`TxStoreWriter::declare_address`] for
    /// hundreds of millions of distinct addresses). Do not mix both for one address.
    pub fn address(&mut self, a: &str) -> Result<u32, TxError> {
        let a = normalize_address(a);
        if let Some(&id) = self.addr_ix.get(&a) {
            return Ok(id);
        }
        let id = self.addrs.push(&a)?;
        self.addr_ix.insert(a, id);
        Ok(id)
    }

    /// Interns a transaction hash.
    pub fn tx_hash(&mut self, h: &str) -> Result<u32, TxError> {
        let h = normalize_address(h).to_ascii_lowercase();
        if let Some(&id) = self.hash_ix.get(&h) {
            return Ok(id);
        }
        let id = self.hashes.push(&h)?;
        self.hash_ix.insert(h, id);
        Ok(id)
    }

    /// Interns an asset, classifying it with the registry (as
    /// [`TxStoreBuilder::asset`](crate::TxStoreBuilder::asset)).
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

    /// Appends one transfer. Transfers must come in (time, block, position) order; ties in
    /// all three keep the order of the calls.
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
    ) -> Result<(), TxError> {
        let key = (time, block, seq);
        if self.last.is_some_and(|l| l > key) {
            return Err(TxError::OutOfOrder {
                index: self.n,
                message: format!(
                    "(time {time}, block {block}, position {seq}) comes after {:?}",
                    self.last.unwrap_or_default()
                ),
            });
        }
        let nodes = self.addrs.n as u64;
        if u64::from(from) >= nodes || u64::from(to) >= nodes {
            return Err(TxError::Capacity(format!(
                "transfer {}: address id beyond the {nodes} declared",
                self.n
            )));
        }
        let Some(info) = self.assets.get(asset as usize) else {
            return Err(TxError::Capacity(format!(
                "transfer {}: unknown asset id {asset}",
                self.n
            )));
        };
        if tx != NO_TX && tx as usize >= self.hashes.n {
            return Err(TxError::Capacity(format!(
                "transfer {}: unknown transaction id {tx}",
                self.n
            )));
        }
        let id = u32::try_from(self.n)
            .map_err(|_| TxError::Capacity("more than 2^32 transfers".into()))?;
        let mut e = Exclusion::NONE;
        if failed {
            e.insert(Exclusion::FAILED);
        }
        if amount == 0 {
            e.insert(Exclusion::ZERO_VALUE);
        }
        if let AssetVerdict::Impersonating(reason) = &info.verdict {
            e.insert(Exclusion::IMPERSONATING_TOKEN);
            self.details.push((id, reason.clone()));
        }
        self.last = Some(key);
        self.tx.put(tx)?;
        self.block.put(block)?;
        self.time.put(time)?;
        self.seq.put(seq)?;
        self.from.put(from)?;
        self.to.put(to)?;
        self.asset.put(asset)?;
        self.amount.put(amount)?;
        self.excl.put(e.0)?;
        if !e.is_none() {
            self.excluded.put(id)?;
            self.nexcluded += 1;
        }
        self.n += 1;
        Ok(())
    }

    /// Closes the columns, builds both adjacencies and the transaction index with counting
    /// passes over the mapped columns, writes the manifest and opens the result.
    pub fn finish(self) -> Result<TxStore, TxError> {
        let dir = self.dir;
        let mut staged = self.staged;
        let n = usize::try_from(self.n).map_err(|_| TxError::Capacity("transfers".into()))?;
        let nodes = self.addrs.finish()?;
        let nhashes = self.hashes.finish()?;
        for c in [
            self.from,
            self.to,
            self.asset,
            self.amount,
            self.time,
            self.block,
            self.seq,
            self.tx,
            self.excl,
            self.excluded,
        ] {
            c.finish()?;
        }
        let mut w = |name: &str| staged.stage(name);
        let excl: Column<u8> = Column::open(&w("exclusion.u8.bin"), n)?;
        let from: Column<u32> = Column::open(&w("from.u32.bin"), n)?;
        let to: Column<u32> = Column::open(&w("to.u32.bin"), n)?;
        let keep = |i: usize| excl.get(i) == 0;
        let mut edges = [0usize; 2];
        for (k, (side, src, dst)) in [("out", &from, &to), ("in", &to, &from)]
            .into_iter()
            .enumerate()
        {
            let offsets = count_offsets(nodes, src.iter().enumerate(), &keep);
            let m = offsets.last().copied().unwrap_or(0) as usize;
            edges[k] = m;
            Column::from_slice(&offsets).write(&w(&format!("{side}_offsets.u64.bin")))?;
            let srcs = |f: &mut dyn FnMut(usize, u32)| {
                for (i, s) in src.iter().enumerate() {
                    if keep(i) {
                        f(i, s);
                    }
                }
            };
            scatter(
                &w(&format!("{side}_nbr.u32.bin")),
                &offsets,
                m,
                &srcs,
                |i| dst.get(i),
            )?;
            scatter(
                &w(&format!("{side}_xfer.u32.bin")),
                &offsets,
                m,
                &srcs,
                |i| i as u32,
            )?;
            let time: Column<i64> = Column::open(&w("time.i64.bin"), n)?;
            scatter(
                &w(&format!("{side}_time.i64.bin")),
                &offsets,
                m,
                &srcs,
                |i| time.get(i),
            )?;
            let amount: Column<u128> = Column::open(&w("amount.u128.bin"), n)?;
            scatter(
                &w(&format!("{side}_amount.u128.bin")),
                &offsets,
                m,
                &srcs,
                |i| amount.get(i),
            )?;
            let asset: Column<u32> = Column::open(&w("asset.u32.bin"), n)?;
            scatter(
                &w(&format!("{side}_asset.u32.bin")),
                &offsets,
                m,
                &srcs,
                |i| asset.get(i),
            )?;
        }
        let tx: Column<u32> = Column::open(&w("tx.u32.bin"), n)?;
        let toff = count_offsets(nhashes, tx.iter().enumerate(), &|i| tx.get(i) != NO_TX);
        let linked = toff.last().copied().unwrap_or(0) as usize;
        Column::from_slice(&toff).write(&w("tx_offsets.u64.bin"))?;
        let txs = |f: &mut dyn FnMut(usize, u32)| {
            for (i, t) in tx.iter().enumerate() {
                if t != NO_TX {
                    f(i, t);
                }
            }
        };
        scatter(&w("tx_transfers.u32.bin"), &toff, linked, &txs, |i| {
            i as u32
        })?;
        // Excluded transfers per address: few next to the transfers, but a spam-heavy export
        // can hold millions, so the same bounded counting sort.
        let excluded: Column<u32> = Column::open(&w("excluded.u32.bin"), self.nexcluded)?;
        let touching = || {
            excluded.iter().flat_map(|x| {
                endpoints(from.get(x as usize), to.get(x as usize)).map(move |a| (x as usize, a))
            })
        };
        let eoff = count_offsets(nodes, touching(), &|_| true);
        let entries = eoff.last().copied().unwrap_or(0) as usize;
        Column::from_slice(&eoff).write(&w(EXCLUDED_OFFSETS))?;
        let items = |f: &mut dyn FnMut(usize, u32)| {
            for (x, a) in touching() {
                f(x, a);
            }
        };
        scatter(&w(EXCLUDED_BY_ADDRESS), &eoff, entries, &items, |i| {
            i as u32
        })?;
        let manifest = Manifest {
            format: FORMAT.into(),
            transfers: n,
            addresses: nodes,
            hashes: nhashes,
            out_edges: edges[0],
            in_edges: edges[1],
            tx_linked: linked,
            assets: self.assets,
            exclusion_details: self.details,
            excluded_index: Some(entries),
            memos: Vec::new(),
            diagnostics: self.diagnostics,
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| TxError::Corrupt {
            path: dir.join("manifest.json"),
            message: e.to_string(),
        })?;
        drop((excl, from, to, tx, excluded));
        staged.commit("manifest.json", &json)?;
        TxStore::open(&dir)
    }
}

/// Calls its argument with `(transfer index, node)` for every item of one placement pass.
type Items<'a> = &'a dyn Fn(&mut dyn FnMut(usize, u32));

/// CSR offsets: `nodes + 1` prefix sums of the per-node counts of kept items.
fn count_offsets(
    nodes: usize,
    items: impl Iterator<Item = (usize, u32)>,
    keep: &dyn Fn(usize) -> bool,
) -> Vec<u64> {
    let mut offsets = vec![0u64; nodes + 1];
    for (i, s) in items {
        if keep(i)
            && let Some(o) = offsets.get_mut(s as usize + 1)
        {
            *o += 1;
        }
    }
    for i in 0..nodes {
        offsets[i + 1] += offsets[i];
    }
    offsets
}

/// Bytes of output one placement pass may hold in memory.
const PASS_BYTES: usize = 256 << 20;

/// Counting-sort placement: writes `value(i)` for every item `(i, node)` that `items` yields
/// at the next free slot of `node` (offsets give each node's run), `m` values in all. Items
/// come in transfer order, so each node's run is time-ordered.
///
/// The output is built in node ranges whose slice fits [`PASS_BYTES`], each range filled by
/// one pass over the (mapped, sequentially read) inputs and then written out sequentially.
/// Scattering straight into a mapped output file instead makes the kernel write each page
/// back many times over (tens of GB written for a 1.6 GB column at 10^8 transfers).
fn scatter<T: Pod>(
    path: &Path,
    offsets: &[u64],
    m: usize,
    items: Items<'_>,
    value: impl Fn(usize) -> T,
) -> Result<(), TxError> {
    let f = File::create(path).map_err(|e| TxError::io(path, e))?;
    let mut out = BufWriter::with_capacity(1 << 20, f);
    let nodes = offsets.len().saturating_sub(1);
    let per_pass = (PASS_BYTES / T::SIZE).max(1) as u64;
    let mut lo = 0usize;
    while lo < nodes {
        // The widest node range whose edges fit one pass (at least one node, however big).
        let base = offsets[lo];
        let mut hi = offsets
            .partition_point(|&o| o <= base + per_pass)
            .saturating_sub(1);
        hi = hi.clamp(lo + 1, nodes);
        let len = (offsets[hi] - base) as usize;
        let mut slice = vec![0u8; len * T::SIZE];
        let mut cursor: Vec<u64> = offsets[lo..hi].iter().map(|o| o - base).collect();
        let mut buf = Vec::with_capacity(T::SIZE);
        items(&mut |i, node| {
            let n = node as usize;
            if n < lo || n >= hi {
                return;
            }
            let c = &mut cursor[n - lo];
            let p = *c as usize * T::SIZE;
            *c += 1;
            buf.clear();
            value(i).encode(&mut buf);
            if let Some(slot) = slice.get_mut(p..p + T::SIZE) {
                slot.copy_from_slice(&buf);
            }
        });
        out.write_all(&slice).map_err(|e| TxError::io(path, e))?;
        lo = hi;
    }
    out.flush().map_err(|e| TxError::io(path, e))?;
    debug_assert_eq!(
        out.get_ref().metadata().map(|md| md.len()).unwrap_or(0),
        (m * T::SIZE) as u64
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TransferRecord, TxStoreBuilder};

    fn rec(i: u64, from: &str, to: &str, amount: Amount) -> TransferRecord {
        TransferRecord {
            chain: "eth".into(),
            tx_hash: format!("0x{i:064x}"),
            block: i,
            timestamp: 1_700_000_000 + i as i64,
            from: from.into(),
            to: to.into(),
            symbol: "ETH".into(),
            decimals: 18,
            amount,
            ..Default::default()
        }
    }

    fn a(i: u8) -> String {
        format!("0x{i:040x}")
    }

    /// The streamed store must be byte-for-byte the store the in-memory builder writes,
    /// the per-address index of excluded (zero-value, failed, self-sent) transfers included.
    #[test]
    fn streamed_store_equals_built_store() {
        let recs: Vec<TransferRecord> = (0..40u64)
            .map(|i| {
                let (f, t) = ((i * 7 % 9) as u8, (i * 5 % 11) as u8);
                TransferRecord {
                    failed: i % 7 == 3,
                    ..rec(i, &a(f), &a(t), Amount::from(i % 6) * 1_000)
                }
            })
            .collect();
        assert!(recs.iter().any(|r| r.from == r.to && r.amount == 0));
        let d1 = tempfile::tempdir().unwrap();
        let d2 = tempfile::tempdir().unwrap();
        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults()).detect_lookalikes(false);
        for r in &recs {
            b.push(r).unwrap();
        }
        b.build().unwrap().save(d1.path()).unwrap();
        let mut w = TxStoreWriter::create(d2.path(), TokenRegistry::with_defaults()).unwrap();
        for r in &recs {
            let tx = w.tx_hash(&r.tx_hash).unwrap();
            let (f, t) = (w.address(&r.from).unwrap(), w.address(&r.to).unwrap());
            let asset = w.asset("eth", "ETH", None, 18).unwrap();
            w.push_ids(tx, r.block, r.timestamp, 0, f, t, asset, r.amount, r.failed)
                .unwrap();
        }
        let s = w.finish().unwrap();
        assert_eq!(s.len(), 40);
        assert!(s.has_exclusion_index());
        let every: usize = (0..s.num_addresses() as u32)
            .map(|n| s.excluded_of(n).len())
            .sum();
        assert!(every > s.excluded().count(), "both endpoints listed");
        let mut names: Vec<_> = std::fs::read_dir(d1.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(names.len() > 20);
        for name in names {
            let x = std::fs::read(d1.path().join(&name)).unwrap();
            let y = std::fs::read(d2.path().join(&name)).unwrap();
            assert!(x == y, "{name:?} differs");
        }
    }

    #[test]
    fn out_of_order_transfer_is_an_error_naming_its_index() {
        let d = tempfile::tempdir().unwrap();
        let mut w = TxStoreWriter::create(d.path(), TokenRegistry::with_defaults()).unwrap();
        let x = w.declare_address(&a(1)).unwrap();
        let y = w.declare_address(&a(2)).unwrap();
        let eth = w.asset("eth", "ETH", None, 18).unwrap();
        w.push_ids(NO_TX, 2, 20, 0, x, y, eth, 5, false).unwrap();
        let e = w
            .push_ids(NO_TX, 1, 10, 0, y, x, eth, 5, false)
            .unwrap_err();
        assert_eq!(e.code(), "tx.out_of_order");
        assert!(e.to_string().contains("transfer 1"), "{e}");
        // An undeclared address id is refused rather than written.
        assert!(w.push_ids(NO_TX, 3, 30, 0, x, 9, eth, 5, false).is_err());
    }

    #[test]
    fn regression_a_streamed_build_replaces_a_store_only_when_it_finishes() {
        let d = tempfile::tempdir().unwrap();
        let build = |transfers: u64, finish: bool, previous: Option<usize>| {
            let mut w = TxStoreWriter::create(d.path(), TokenRegistry::with_defaults()).unwrap();
            let x = w.declare_address(&a(1)).unwrap();
            let y = w.declare_address(&a(2)).unwrap();
            let eth = w.asset("eth", "ETH", None, 18).unwrap();
            for i in 0..transfers {
                w.push_ids(NO_TX, i, i as i64, 0, x, y, eth, 5, false)
                    .unwrap();
            }
            // While a build runs, the store already there stays whole and readable.
            assert_eq!(TxStore::open(d.path()).ok().map(|s| s.len()), previous);
            if finish {
                assert_eq!(w.finish().unwrap().len() as u64, transfers);
            }
        };
        let leftovers = || {
            std::fs::read_dir(d.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".saving"))
                .collect::<Vec<_>>()
        };
        build(3, true, None);
        // A build that stops before finishing (an error, a crash of the caller) changes nothing.
        build(7, false, Some(3));
        assert_eq!(TxStore::open(d.path()).unwrap().len(), 3);
        assert_eq!(leftovers(), Vec::<String>::new());
        build(5, true, Some(3));
        assert_eq!(TxStore::open(d.path()).unwrap().len(), 5);
        assert_eq!(leftovers(), Vec::<String>::new());
    }
}
