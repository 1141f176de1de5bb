//! Cordon's transaction store: what moved, from whom, to whom, when, in which asset.
//!
//! Account-model transfers (chain, tx hash, block, time, from, to, asset with its token
//! contract, an exact integer amount in base units, status) are read from CSV exports
//! ([`ingest_csv`]: Etherscan per-address exports, Ethereum-ETL and cryo transfer tables, a
//! canonical layout) or Parquet, screened for transfers that must never carry taint
//! ([`Exclusion`]: failed, zero-value, impersonating tokens, address-poisoning look-alikes) and
//! kept in global time order with a compressed, time-ordered adjacency ([`Csr`]) in both
//! directions. [`TxStore::save`] writes the columns as flat files and [`TxStore::open`]
//! memory-maps them. UTXO transactions live in [`UtxoStore`]. The format is documented in
//! `docs/transactions.md`.
//!
//! ```
//! use cordon_tx::{TokenRegistry, TransferRecord, TxStoreBuilder, parse_amount, Exclusion};
//!
//! let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
//! let eth = |s: &str| parse_amount(s, 18).unwrap().0;
//! b.push(&TransferRecord { chain: "eth".into(), tx_hash: "0x01".into(), timestamp: 10,
//!     from: "0xaaaa000000000000000000000000000000001111".into(),
//!     to: "0xbbbb000000000000000000000000000000002222".into(),
//!     symbol: "ETH".into(), decimals: 18, amount: eth("10000"), ..Default::default() })?;
//! // A Cyrillic "ЕТН" token: recognised as impersonating, never traversed.
//! b.push(&TransferRecord { chain: "eth".into(), tx_hash: "0x02".into(), timestamp: 11,
//!     from: "0xaaaa000000000000000000000000000000001111".into(),
//!     to: "0xbbbb000000000000000000000000000000002222".into(),
//!     symbol: "ЕТН".into(), contract: Some("0x2a120e7f2f1d8ffd173ed17aa5089f11206b5177".into()),
//!     decimals: 18, amount: eth("1000000000"), ..Default::default() })?;
//! let store = b.build()?;
//! assert!(store.transfer(1).exclusion.contains(Exclusion::IMPERSONATING_TOKEN));
//! let a = store.address_id("0xAAAA000000000000000000000000000000001111").unwrap();
//! assert_eq!(store.out_csr().edges(a).count(), 1);
//! # Ok::<(), cordon_tx::TxError>(())
//! ```

mod amount;
mod column;
mod error;
mod ingest;
#[cfg(feature = "parquet")]
mod parquet_io;
mod screen;
mod staged;
mod store;
mod strings;
mod time;
mod utxo;
mod writer;

pub use amount::{Amount, AmountError, Decimal, format_amount, mul_div, parse_amount};
pub use column::{Column, Pod};
pub use error::TxError;
pub use ingest::{IngestOptions, IngestReport, ingest_csv, ingest_csv_reader};
#[cfg(feature = "parquet")]
pub use parquet_io::{read_parquet, read_parquet_bytes, write_parquet};
pub use screen::{
    AssetVerdict, Exclusion, TokenRegistry, fold_confusables, lookalike_key, native_asset,
};
pub use store::{
    AssetInfo, Csr, Edge, NO_TX, TransferRecord, TransferView, TxStore, TxStoreBuilder,
    normalize_address,
};
pub use time::{format_timestamp, parse_timestamp};
pub use utxo::{OutPoint, UtxoInput, UtxoOutput, UtxoStore, UtxoTx};
pub use writer::TxStoreWriter;
