//! UTXO transactions: inputs with the outputs they spend, outputs with values.
//!
//! CSV layout (one row per input or output, see docs/transactions.md):
//! `txid,block,timestamp,io,index,address,value,prev_txid,prev_vout` where `io` is `in` or
//! `out`, `value` is in base units (satoshi) and inputs name the output they spend.

use std::path::Path;

use cordon_model::{Diagnostic, Location};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::TxError;
use crate::amount::parse_amount;
use crate::time::parse_timestamp;

/// A reference to a transaction output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OutPoint {
    /// The transaction that created the output.
    pub txid: String,
    /// Output index.
    pub vout: u32,
}

/// An input: the output it spends, with that output's value and address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UtxoInput {
    /// The output spent.
    pub prevout: OutPoint,
    /// Its value in base units.
    pub value: u64,
    /// Its address.
    pub address: String,
}

/// An output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UtxoOutput {
    /// Receiving address.
    pub address: String,
    /// Value in base units.
    pub value: u64,
}

/// A UTXO transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UtxoTx {
    /// Transaction id.
    pub txid: String,
    /// Block height.
    pub block: u64,
    /// Unix seconds.
    pub time: i64,
    /// Inputs in order.
    pub inputs: Vec<UtxoInput>,
    /// Outputs in order.
    pub outputs: Vec<UtxoOutput>,
}

impl UtxoTx {
    /// Input total minus output total (0 for a coinbase or inconsistent data).
    pub fn fee(&self) -> u64 {
        let a: u64 = self.inputs.iter().map(|i| i.value).sum();
        let b: u64 = self.outputs.iter().map(|o| o.value).sum();
        a.saturating_sub(b)
    }
}

/// UTXO transactions in chain order (block, then the order they were given).
#[derive(Debug, Clone, Default)]
pub struct UtxoStore {
    txs: Vec<UtxoTx>,
    index: FxHashMap<String, usize>,
    diagnostics: Vec<Diagnostic>,
}

impl UtxoStore {
    /// Builds a store; transactions are put in chain order. A transaction that spends an output
    /// created later (or twice) is reported as a diagnostic and kept out.
    pub fn new(mut txs: Vec<UtxoTx>) -> Self {
        txs.sort_by_key(|t| (t.block, t.time));
        let mut diagnostics = Vec::new();
        let mut seen: FxHashMap<String, usize> = FxHashMap::default();
        let mut spent: rustc_hash::FxHashSet<OutPoint> = Default::default();
        let mut kept = Vec::with_capacity(txs.len());
        'tx: for t in txs {
            for i in &t.inputs {
                if !seen.contains_key(&i.prevout.txid) && !i.prevout.txid.is_empty() {
                    // The parent may simply be outside the extract: keep, but note it.
                    continue;
                }
                if !spent.insert(i.prevout.clone()) {
                    diagnostics.push(Diagnostic::error(
                        "utxo-double-spend",
                        format!(
                            "{} spends {}:{} a second time",
                            t.txid, i.prevout.txid, i.prevout.vout
                        ),
                        Location::default().record(t.txid.clone()),
                    ));
                    continue 'tx;
                }
            }
            seen.insert(t.txid.clone(), kept.len());
            kept.push(t);
        }
        UtxoStore {
            txs: kept,
            index: seen,
            diagnostics,
        }
    }

    /// Transactions in chain order.
    pub fn txs(&self) -> &[UtxoTx] {
        &self.txs
    }

    /// Position of `txid`.
    pub fn position(&self, txid: &str) -> Option<usize> {
        self.index.get(txid).copied()
    }

    /// Problems found while building.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Reads the row-per-input/output CSV layout.
    pub fn from_csv(path: &Path) -> Result<Self, TxError> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| TxError::Csv {
                path: path.into(),
                line: 0,
                message: e.to_string(),
            })?;
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| TxError::Csv {
                path: path.into(),
                line: 1,
                message: e.to_string(),
            })?
            .iter()
            .map(str::to_ascii_lowercase)
            .collect();
        let col = |n: &str| {
            header
                .iter()
                .position(|h| h == n)
                .ok_or_else(|| TxError::MissingColumn {
                    path: path.into(),
                    column: n.into(),
                    header: header.join(","),
                })
        };
        let (ctx, cblock, ctime, cio, cidx, caddr, cval) = (
            col("txid")?,
            col("block")?,
            col("timestamp")?,
            col("io")?,
            col("index")?,
            col("address")?,
            col("value")?,
        );
        let (cpt, cpv) = (col("prev_txid")?, col("prev_vout")?);
        let mut by_id: FxHashMap<String, UtxoTx> = FxHashMap::default();
        let mut order = Vec::new();
        let mut diags = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| TxError::Csv {
                path: path.into(),
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let g = |i: usize| rec.get(i).unwrap_or("");
            let value = match parse_amount(g(cval), 0) {
                Ok((v, _)) if u64::try_from(v).is_ok() => v as u64,
                _ => {
                    diags.push(Diagnostic::error(
                        "utxo-bad-value",
                        format!("value {:?} is not a non-negative integer", g(cval)),
                        Location::file(path).line(line).field("value"),
                    ));
                    continue;
                }
            };
            let txid = g(ctx).to_string();
            let t = by_id.entry(txid.clone()).or_insert_with(|| {
                order.push(txid.clone());
                UtxoTx {
                    txid,
                    block: g(cblock).parse().unwrap_or(0),
                    time: parse_timestamp(g(ctime)).unwrap_or(0),
                    inputs: Vec::new(),
                    outputs: Vec::new(),
                }
            });
            let index: usize = g(cidx).parse().unwrap_or(usize::MAX);
            let address = g(caddr).to_string();
            match g(cio) {
                "in" => {
                    let slot = index.min(t.inputs.len());
                    t.inputs.insert(
                        slot,
                        UtxoInput {
                            prevout: OutPoint {
                                txid: g(cpt).to_string(),
                                vout: g(cpv).parse().unwrap_or(0),
                            },
                            value,
                            address,
                        },
                    );
                }
                "out" => {
                    let slot = index.min(t.outputs.len());
                    t.outputs.insert(slot, UtxoOutput { address, value });
                }
                other => diags.push(Diagnostic::error(
                    "utxo-bad-io",
                    format!("io {other:?} is neither `in` nor `out`"),
                    Location::file(path).line(line).field("io"),
                )),
            }
        }
        let txs = order
            .into_iter()
            .filter_map(|id| by_id.remove(&id))
            .collect();
        let mut s = UtxoStore::new(txs);
        s.diagnostics.extend(diags);
        Ok(s)
    }
}
