//! Cordon's taint, exposure and tracing engine over the [`cordon_tx`] store.
//!
//! * [`rules`]: exact taint rules — UTXO poison, haircut, FIFO, LIFO, TIHO, seniority
//!   ([`utxo_taint`]) and account lot ledgers with FIFO, LIFO, haircut, poison, LIBR and
//!   taint-first-out ([`Ledger`]).
//! * [`trace()`]: forward tracing from a theft — where the value went and stopped (exchanges,
//!   bridges, mixers, still-held balances), with a transaction-level path per sink, value
//!   continuity through DEX swaps and a `[LIBR, TFO]` interval ([`trace_interval`]).
//! * [`exposure()`]: direct and indirect exposure of an address per category, both directions,
//!   along time-respecting paths through unattributed addresses.
//! * [`patterns`]: peel chains, fan-out / fan-in, fixed-denomination mixer transfers.
//! * [`generate`]: a seeded synthetic graph with planted laundering and its ground truth.
//!
//! ```
//! use cordon_trace::{AccountRule, Ledger};
//! use cordon_tx::parse_amount;
//!
//! // tracing-anchors.md §2.4: +10 clean, +5 tainted, then −8 and −4.
//! let eth = |s: &str| parse_amount(s, 18).unwrap().0;
//! let mut l = Ledger::new(AccountRule::Fifo);
//! l.credit(eth("10"), 0, 1);
//! l.credit(eth("5"), eth("5"), 2);
//! assert_eq!(l.debit(eth("8")).taint, 0);
//! assert_eq!(l.debit(eth("4")).taint, eth("2"));
//! assert_eq!(l.taint(), eth("3"));
//! ```

mod error;
mod exposure;
pub mod generate;
mod labels;
pub mod patterns;
mod reach;
mod render;
mod report;
pub mod rules;
mod thorchain;
mod trace;
mod utxo;

pub use cordon_wallets::Confidence;
pub use error::TraceError;
pub use exposure::{
    Direction, ExcludedContact, ExposureEntry, ExposureOptions, ExposurePath, ExposureReport,
    exposure,
};
pub use labels::{Category, Label, LabelSource, Labels, category_of_role, labels_of};
pub use reach::earliest_arrival;
pub use render::{main_path, to_dot};
pub use report::{
    DOT_MAX_EDGES, ExposureQuery, Graph, TraceQuery, TraceReport, UTXO_FILE, add_label_file,
};
pub use rules::{AccountRule, Debit, Ledger, TaintedCoin, UnknownRule, UtxoRule, utxo_taint};
pub use thorchain::{SwapMemo, parse_swap_memo};
pub use trace::{
    ExcludedTransfer, IntervalSink, Outbound, Sink, SinkKind, SinkSummary, Step, SwapInference,
    TraceInterval, TraceOptions, TraceResult, peg_group, trace, trace_interval,
};
pub use utxo::{UtxoSink, UtxoTraceResult, trace_utxo};
