//! A seeded synthetic generator: a background of ordinary transfers with planted laundering
//! (theft → split → peel chains peeling to exchange deposits → fixed-denomination mixer
//! deposits and a bridge exit) and the exact ground truth of where every unit went.
//!
//! Laundering addresses are fresh and receive nothing but the stolen value, so every taint
//! rule must find exactly the planted amounts; background transfers only touch background
//! accounts and services. Scales from thousands to hundreds of millions of transfers (the
//! background uses no transaction hashes, see [`cordon_tx::NO_TX`]).

use cordon_tx::{
    Amount, NO_TX, OutPoint, TokenRegistry, TxError, TxStore, TxStoreBuilder, TxStoreWriter,
    UtxoInput, UtxoOutput, UtxoStore, UtxoTx,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::labels::{Category, Label, Labels};

const WEI: Amount = 1_000_000_000_000_000_000;
const CENTI: Amount = WEI / 100;
const T0: i64 = 1_700_000_000;

/// Generator settings.
#[derive(Debug, Clone)]
pub struct GenConfig {
    /// RNG seed; equal seeds give identical graphs.
    pub seed: u64,
    /// Background accounts.
    pub accounts: u32,
    /// Background transfers.
    pub transfers: u64,
    /// Planted thefts.
    pub thefts: u32,
    /// Stolen amount per theft, whole ETH.
    pub theft_eth: u64,
    /// Split of each theft into this many lots.
    pub split: u32,
    /// Peel-chain length per lot.
    pub peel_len: u32,
    /// Mixer pool denomination, whole ETH.
    pub mixer_denom_eth: u64,
    /// Exchange hot wallets (background services).
    pub exchanges: u32,
    /// The last `leaky_thefts` thefts cash their first lot out to an OTC desk: an ordinary,
    /// unattributed background account that keeps trading, so taint spreads into the
    /// background (the case where haircut and FIFO differ by orders of magnitude).
    pub leaky_thefts: u32,
    /// Of the leaky thefts, the last `early_leaks` happen within the first 1 % of the time
    /// span instead of anywhere in its first half: the desk then trades through almost the
    /// whole graph, so taint reaches a large part of it (the whole-graph propagation stress).
    /// A late cash-out only meets the trading that is left.
    pub early_leaks: u32,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 42,
            accounts: 2_000,
            transfers: 10_000,
            thefts: 1,
            theft_eth: 10_000,
            split: 4,
            peel_len: 6,
            mixer_denom_eth: 100,
            exchanges: 5,
            leaky_thefts: 0,
            early_leaks: 0,
        }
    }
}

/// One planted destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planted {
    /// Address.
    pub address: String,
    /// Category (exchange, mixer, bridge; `other` for an OTC desk in the background, where
    /// the value does not stop).
    pub category: Category,
    /// Exact amount, wei.
    pub amount: Amount,
}

/// Ground truth of one theft.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TheftTruth {
    /// The thief (trace source).
    pub thief: String,
    /// Stolen amount, wei.
    pub amount: Amount,
    /// Where it went; the amounts add up to `amount`.
    pub deposits: Vec<Planted>,
    /// The peel-chain addresses, per lot.
    pub chains: Vec<Vec<String>>,
}

/// A generated graph.
#[derive(Debug)]
pub struct Generated {
    /// The store.
    pub store: TxStore,
    /// Labels of services (exchanges, mixer, bridge, deposit addresses, thieves).
    pub labels: Labels,
    /// Ground truth per theft.
    pub truth: Vec<TheftTruth>,
}

fn addr(kind: u8, i: u64) -> String {
    // A distinct high byte per role keeps background and planted addresses apart.
    format!("0x{kind:02x}{i:038x}")
}

/// Where the generator writes: the in-memory [`TxStoreBuilder`] or the streamed
/// [`TxStoreWriter`]. Transfers come in global time order, addresses are distinct.
trait GraphSink {
    fn address(&mut self, a: &str) -> Result<u32, TxError>;
    fn tx_hash(&mut self, h: &str) -> Result<u32, TxError>;
    fn eth(&mut self) -> Result<u32, TxError>;
    fn push(
        &mut self,
        tx: u32,
        time: i64,
        f: u32,
        to: u32,
        asset: u32,
        amount: Amount,
    ) -> Result<(), TxError>;
}

impl GraphSink for TxStoreBuilder {
    fn address(&mut self, a: &str) -> Result<u32, TxError> {
        TxStoreBuilder::address(self, a)
    }
    fn tx_hash(&mut self, h: &str) -> Result<u32, TxError> {
        TxStoreBuilder::tx_hash(self, h)
    }
    fn eth(&mut self) -> Result<u32, TxError> {
        self.asset("eth", "ETH", None, 18)
    }
    fn push(
        &mut self,
        tx: u32,
        time: i64,
        f: u32,
        to: u32,
        asset: u32,
        amount: Amount,
    ) -> Result<(), TxError> {
        self.push_ids(tx, time as u64, time, 0, f, to, asset, amount, false);
        Ok(())
    }
}

impl GraphSink for TxStoreWriter {
    fn address(&mut self, a: &str) -> Result<u32, TxError> {
        // Generated addresses are distinct by construction: no lookup table at 10^7 accounts.
        self.declare_address(a)
    }
    fn tx_hash(&mut self, h: &str) -> Result<u32, TxError> {
        TxStoreWriter::tx_hash(self, h)
    }
    fn eth(&mut self) -> Result<u32, TxError> {
        self.asset("eth", "ETH", None, 18)
    }
    fn push(
        &mut self,
        tx: u32,
        time: i64,
        f: u32,
        to: u32,
        asset: u32,
        amount: Amount,
    ) -> Result<(), TxError> {
        self.push_ids(tx, time as u64, time, 0, f, to, asset, amount, false)
    }
}

/// Generates an account-model graph in memory.
pub fn generate(cfg: &GenConfig) -> Result<Generated, TxError> {
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults()).detect_lookalikes(false);
    let (labels, truth) = emit(cfg, &mut b)?;
    Ok(Generated {
        store: b.build()?,
        labels,
        truth,
    })
}

/// Generates the same graph as [`generate`] straight into a store directory with the
/// streamed [`TxStoreWriter`] (memory does not grow with the number of transfers), and
/// returns it memory-mapped.
pub fn generate_to(cfg: &GenConfig, dir: &std::path::Path) -> Result<Generated, TxError> {
    let mut w = TxStoreWriter::create(dir, TokenRegistry::with_defaults())?;
    let (labels, truth) = emit(cfg, &mut w)?;
    Ok(Generated {
        store: w.finish()?,
        labels,
        truth,
    })
}

/// A planted transfer waiting for its turn: (time, tx id, from, to, amount).
type PlantedTransfer = (i64, u32, u32, u32, Amount);

fn emit(cfg: &GenConfig, b: &mut impl GraphSink) -> Result<(Labels, Vec<TheftTruth>), TxError> {
    // Two streams, so the planted laundering does not depend on the background size.
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut prng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x9e37_79b9_7f4a_7c15);
    let eth = b.eth()?;
    let mut labels = Labels::new();
    let mut label = |a: &str, category: Category, name: String| {
        labels.insert(
            a,
            Label {
                category,
                name,
                source: "generator".into(),
                confidence: Default::default(),
            },
        );
    };
    let span = (cfg.transfers as i64).max(1_000);
    // Background accounts come first so their ids are dense: 0..accounts.
    let naccts = cfg.accounts.max(1);
    for i in 0..u64::from(naccts) {
        b.address(&addr(0x10, i))?;
    }
    let mut hot = Vec::new();
    for i in 0..u64::from(cfg.exchanges.max(1)) {
        let a = addr(0xee, i);
        label(&a, Category::Exchange, format!("exchange {i}"));
        hot.push(b.address(&a)?);
    }
    let mixer_s = addr(0x3c, 0);
    label(&mixer_s, Category::Mixer, "mixer pool".into());
    let mixer = b.address(&mixer_s)?;
    let bridge_s = addr(0xb1, 0);
    label(&bridge_s, Category::Bridge, "bridge".into());
    let bridge = b.address(&bridge_s)?;

    // The laundering is planned first (a few thousand transfers), then merged by time into the
    // background stream, so the output is in global order without a sort of the whole graph.
    let mut planted: Vec<PlantedTransfer> = Vec::new();
    let mut truth = Vec::new();
    let mut fresh = 0u64;
    let mut next = |b: &mut dyn FnMut(&str) -> Result<u32, TxError>,
                    kind: u8|
     -> Result<(u32, String), TxError> {
        fresh += 1;
        let s = addr(kind, fresh);
        Ok((b(&s)?, s))
    };
    let mut hashes = 0u64;
    let mut plant = |b: &mut dyn GraphSink,
                     planted: &mut Vec<PlantedTransfer>,
                     t: i64,
                     f: u32,
                     to: u32,
                     amount: Amount|
     -> Result<(), TxError> {
        hashes += 1;
        let tx = b.tx_hash(&format!("0x{hashes:064x}"))?;
        planted.push((t, tx, f, to, amount));
        Ok(())
    };
    let n = u64::from(naccts);
    for th in 0..cfg.thefts {
        let leaky = th >= cfg.thefts.saturating_sub(cfg.leaky_thefts);
        let early = th
            >= cfg
                .thefts
                .saturating_sub(cfg.early_leaks.min(cfg.leaky_thefts));
        let amount = Amount::from(cfg.theft_eth) * WEI;
        let (victim, _) = next(&mut |s| b.address(s), 0x71)?;
        let (thief, thief_s) = next(&mut |s| b.address(s), 0xdd)?;
        label(&thief_s, Category::Theft, format!("synthetic theft {th}"));
        // Early thefts are the last ones planned, so adding one changes neither the earlier
        // thefts nor the background (a separate stream).
        let mut t = T0 + prng.random_range(0..if early { (span / 100).max(1) } else { span / 2 });
        plant(b, &mut planted, t, victim, thief, amount)?;
        let split = cfg.split.max(1);
        let lot = amount / Amount::from(split);
        let mut deposits = Vec::new();
        let mut chains = Vec::new();
        for j in 0..split {
            let v0 = if j == 0 {
                amount - lot * Amount::from(split - 1)
            } else {
                lot
            };
            t += 1 + prng.random_range(0..60);
            let (mut cur, cur_s) = next(&mut |s| b.address(s), 0xa0)?;
            plant(b, &mut planted, t, thief, cur, v0)?;
            let mut chain = vec![cur_s];
            let mut v = v0;
            for _ in 0..cfg.peel_len {
                let pct = prng.random_range(2u64..9);
                let peel = (v * Amount::from(pct) / 100) / CENTI * CENTI;
                let (dep, dep_s) = next(&mut |s| b.address(s), 0xde)?;
                label(&dep_s, Category::Exchange, "exchange deposit".into());
                t += 1 + prng.random_range(0..600);
                plant(b, &mut planted, t, cur, dep, peel)?;
                deposits.push(Planted {
                    address: dep_s,
                    category: Category::Exchange,
                    amount: peel,
                });
                let (nx, nx_s) = next(&mut |s| b.address(s), 0xa0)?;
                t += 1 + prng.random_range(0..600);
                plant(b, &mut planted, t, cur, nx, v - peel)?;
                v -= peel;
                cur = nx;
                chain.push(nx_s);
            }
            if leaky && j == 0 {
                let otc = prng.random_range(0..n);
                t += 1 + prng.random_range(0..60);
                plant(b, &mut planted, t, cur, otc as u32, v)?;
                deposits.push(Planted {
                    address: addr(0x10, otc),
                    category: Category::Other,
                    amount: v,
                });
                chains.push(chain);
                continue;
            }
            // Fixed-denomination mixer deposits with half, the rest over the bridge.
            let denom = Amount::from(cfg.mixer_denom_eth.max(1)) * WEI;
            let m = (v / 2) / denom;
            for _ in 0..m {
                t += 1 + prng.random_range(0..60);
                plant(b, &mut planted, t, cur, mixer, denom)?;
            }
            if m > 0 {
                deposits.push(Planted {
                    address: mixer_s.clone(),
                    category: Category::Mixer,
                    amount: denom * m,
                });
            }
            let rest = v - denom * m;
            if rest > 0 {
                t += 1 + prng.random_range(0..60);
                plant(b, &mut planted, t, cur, bridge, rest)?;
                deposits.push(Planted {
                    address: bridge_s.clone(),
                    category: Category::Bridge,
                    amount: rest,
                });
            }
            chains.push(chain);
        }
        truth.push(TheftTruth {
            thief: thief_s,
            amount,
            deposits,
            chains,
        });
    }
    // Equal times: background first (it has no hash, which sorts first), then planted in
    // hash order — the order the in-memory builder's sort gives.
    planted.sort_by_key(|p| (p.0, p.1));
    let mut pending = planted.into_iter().peekable();
    for k in 0..cfg.transfers {
        let f = rng.random_range(0..n) as u32;
        let to = if rng.random_range(0..20) == 0 {
            hot.get(rng.random_range(0..hot.len()))
                .copied()
                .unwrap_or(f)
        } else {
            rng.random_range(0..n) as u32
        };
        let amount = Amount::from(rng.random_range(1u64..10_000)) * CENTI;
        let time = T0 + (k as i64 * span / cfg.transfers.max(1) as i64);
        while let Some(p) = pending.next_if(|p| p.0 < time) {
            b.push(p.1, p.0, p.2, p.3, eth, p.4)?;
        }
        b.push(NO_TX, time, f, to, eth, amount)?;
    }
    for p in pending {
        b.push(p.1, p.0, p.2, p.3, eth, p.4)?;
    }
    Ok((labels, truth))
}

/// A generated UTXO graph: background transactions plus one planted theft whose output runs
/// down a peel chain (1 input, 2 outputs per step), peeling to exchange addresses.
#[derive(Debug)]
pub struct GeneratedUtxo {
    /// The transactions.
    pub store: UtxoStore,
    /// Exchange labels.
    pub labels: Labels,
    /// The theft transaction (trace seed).
    pub theft_txid: String,
    /// Planted exchange deposits: (address, satoshi).
    pub deposits: Vec<(String, u64)>,
    /// Value left unspent at the end of the chain.
    pub remainder: u64,
}

/// Generates a UTXO graph with `background` unrelated transactions and a peel chain of
/// `peel_len` steps from a theft of `theft_sat` satoshi; each step pays a fee of 1,000 sat.
pub fn generate_utxo(seed: u64, background: u32, theft_sat: u64, peel_len: u32) -> GeneratedUtxo {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut txs = Vec::new();
    let mut labels = Labels::new();
    for i in 0..background {
        txs.push(UtxoTx {
            txid: format!("bg{i:08}"),
            block: u64::from(i / 10),
            time: T0 + i64::from(i),
            inputs: vec![],
            outputs: vec![UtxoOutput {
                address: format!("bc1qbg{}", i % 500),
                value: rng.random_range(1_000..1_000_000),
            }],
        });
    }
    let theft = "theft0".to_string();
    txs.push(UtxoTx {
        txid: theft.clone(),
        block: 1,
        time: T0,
        inputs: vec![],
        outputs: vec![UtxoOutput {
            address: "bc1qthief".into(),
            value: theft_sat,
        }],
    });
    let mut prev = OutPoint {
        txid: theft.clone(),
        vout: 0,
    };
    let mut v = theft_sat;
    let mut deposits = Vec::new();
    for s in 0..peel_len {
        let peel = v / 100 * rng.random_range(2..9);
        let fee = 1_000u64.min(v - peel);
        let cont = v - peel - fee;
        let ex = format!("bc1qexchange{s}");
        labels.insert(
            &ex,
            Label {
                category: Category::Exchange,
                name: "exchange deposit".into(),
                source: "generator".into(),
                confidence: Default::default(),
            },
        );
        let txid = format!("peel{s:04}");
        txs.push(UtxoTx {
            txid: txid.clone(),
            block: 2 + u64::from(s),
            time: T0 + 600 * (i64::from(s) + 1),
            inputs: vec![UtxoInput {
                prevout: prev.clone(),
                value: v,
                address: format!("bc1qhop{s}"),
            }],
            outputs: vec![
                UtxoOutput {
                    address: format!("bc1qhop{}", s + 1),
                    value: cont,
                },
                UtxoOutput {
                    address: ex.clone(),
                    value: peel,
                },
            ],
        });
        deposits.push((ex, peel));
        prev = OutPoint { txid, vout: 0 };
        v = cont;
    }
    GeneratedUtxo {
        store: UtxoStore::new(txs),
        labels,
        theft_txid: theft,
        deposits,
        remainder: v,
    }
}
