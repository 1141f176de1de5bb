//! Forward taint over UTXO transactions: one sweep in chain order (a topological order of the
//! UTXO graph) applying a [`UtxoRule`] to every transaction that spends a tainted output.

use cordon_tx::{Amount, OutPoint, UtxoStore};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::labels::LabelSource;
use crate::rules::{TaintedCoin, UtxoRule, utxo_taint};

/// A tainted output where the sweep ended: spent into a service, or unspent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UtxoSink {
    /// The output.
    pub outpoint: OutPoint,
    /// Its address.
    pub address: String,
    /// Category name of the address, or `unspent`.
    pub kind: String,
    /// Tainted amount, base units.
    pub taint: String,
}

/// Result of a UTXO sweep.
#[derive(Debug, Clone, Serialize)]
pub struct UtxoTraceResult {
    /// Rule.
    pub rule: UtxoRule,
    /// Taint seeded.
    pub seeded: String,
    /// Taint that went to fees (dropped, as BlockSci with `taint_fee=false`).
    pub fees: String,
    /// Sinks, largest first.
    pub sinks: Vec<UtxoSink>,
}

/// Sweeps forward from the outputs of `seed_txid` (all fully tainted). Outputs paying an
/// attributed service are sinks and are not followed.
pub fn trace_utxo(
    store: &UtxoStore,
    labels: &dyn LabelSource,
    seed_txid: &str,
    rule: UtxoRule,
) -> Option<UtxoTraceResult> {
    let start = store.position(seed_txid)?;
    let txs = store.txs();
    let seed = txs.get(start)?;
    let mut live: FxHashMap<OutPoint, (TaintedCoin, String)> = FxHashMap::default();
    let mut sinks = Vec::new();
    let mut seeded: Amount = 0;
    let mut fees: Amount = 0;
    let absorb = |addr: &str| labels.label(addr).filter(|l| l.category.is_service());
    let place = |live: &mut FxHashMap<OutPoint, (TaintedCoin, String)>,
                 sinks: &mut Vec<UtxoSink>,
                 op: OutPoint,
                 coin: TaintedCoin,
                 addr: &str| {
        if coin.taint_amount() == 0 {
            return;
        }
        if let Some(l) = absorb(addr) {
            sinks.push(UtxoSink {
                outpoint: op,
                address: addr.to_string(),
                kind: l.category.name().to_string(),
                taint: coin.taint_amount().to_string(),
            });
        } else {
            live.insert(op, (coin, addr.to_string()));
        }
    };
    for (k, o) in seed.outputs.iter().enumerate() {
        seeded += u128::from(o.value);
        let op = OutPoint {
            txid: seed.txid.clone(),
            vout: k as u32,
        };
        place(
            &mut live,
            &mut sinks,
            op,
            TaintedCoin::tainted(o.value.into()),
            &o.address,
        );
    }
    for t in txs.iter().skip(start + 1) {
        if !t.inputs.iter().any(|i| live.contains_key(&i.prevout)) {
            continue;
        }
        let inputs: Vec<TaintedCoin> = t
            .inputs
            .iter()
            .map(|i| {
                live.remove(&i.prevout)
                    .map_or_else(|| TaintedCoin::clean(i.value.into()), |(c, _)| c)
            })
            .collect();
        let outs: Vec<Amount> = t.outputs.iter().map(|o| o.value.into()).collect();
        let r = utxo_taint(rule, &inputs, &outs);
        fees += r.fee;
        for (k, (coin, o)) in r.outputs.into_iter().zip(&t.outputs).enumerate() {
            let op = OutPoint {
                txid: t.txid.clone(),
                vout: k as u32,
            };
            place(&mut live, &mut sinks, op, coin, &o.address);
        }
    }
    let mut rest: Vec<_> = live.into_iter().collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    for (op, (coin, addr)) in rest {
        sinks.push(UtxoSink {
            outpoint: op,
            address: addr,
            kind: "unspent".into(),
            taint: coin.taint_amount().to_string(),
        });
    }
    sinks.sort_by(|a, b| {
        let (x, y) = (
            a.taint.parse::<u128>().unwrap_or(0),
            b.taint.parse::<u128>().unwrap_or(0),
        );
        y.cmp(&x).then(a.outpoint.cmp(&b.outpoint))
    });
    Some(UtxoTraceResult {
        rule,
        seeded: seeded.to_string(),
        fees: fees.to_string(),
        sinks,
    })
}
