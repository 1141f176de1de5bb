//! CSV adapters. The layout is recognised from the header:
//!
//! | layout | recognised by | amount |
//! |---|---|---|
//! | `canonical` | `amount_base` | base units |
//! | `ethereum-etl` token transfers / transactions | `from_address` + `value` | base units |
//! | `cryo` ERC-20 transfers | `value_string` (or `erc20`) | base units |
//! | `etherscan-address` (per-address export, e.g. the Bybit hop files) | `to` without `from` | decimal units |
//! | `decimal-edges` (e.g. `edges_legit.csv`) | `from`, `to`, `amount` | decimal units |
//!
//! Any layout may carry a `memo` column (THORChain router deposits: `=:BTC.BTC:bc1q…`); it is
//! kept per transfer ([`TxStore::memo`](crate::TxStore::memo)).
//!
//! A missing required column is an error naming the file and the column; a bad row (negative
//! or non-numeric amount, unreadable time, a sender, recipient or token contract that is not a
//! valid address of the row's chain, a wrong EIP-55 checksum) becomes a diagnostic naming file,
//! line and field and is not loaded, so totals are never silently wrong. A chain
//! `cordon-address` does not know keeps its addresses as written, with one warning per file.

use std::io::Read;
use std::path::Path;

use cordon_address::Chain;
use cordon_model::{Diagnostic, Location};
use serde::Serialize;

use crate::TxError;
use crate::amount::{AmountError, parse_amount};
use crate::screen::native_asset;
use crate::store::{TransferRecord, TxStoreBuilder};
use crate::time::parse_timestamp;

/// How to read a CSV file.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Chain slug when the file does not say (`eth`).
    pub chain: String,
    /// The address a per-address export belongs to (its `from` is implicit).
    pub owner: Option<String>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            chain: "eth".into(),
            owner: None,
        }
    }
}

/// What one file contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// The file.
    pub file: String,
    /// Recognised layout.
    pub layout: &'static str,
    /// Data rows read.
    pub rows: u64,
    /// Rows loaded as transfers.
    pub loaded: u64,
    /// Rows rejected (each has a diagnostic).
    pub rejected: u64,
}

/// Reads a CSV file into `builder`.
pub fn ingest_csv(
    builder: &mut TxStoreBuilder,
    path: &Path,
    opts: &IngestOptions,
) -> Result<IngestReport, TxError> {
    let f = std::fs::File::open(path).map_err(|e| TxError::io(path, e))?;
    ingest_csv_reader(builder, std::io::BufReader::new(f), path, opts)
}

struct Cols {
    hash: usize,
    block: Option<usize>,
    time: Option<usize>,
    seq: Option<usize>,
    from: Option<usize>,
    to: usize,
    amount: usize,
    raw: bool,
    symbol: Option<usize>,
    contract: Option<usize>,
    decimals: Option<usize>,
    chain: Option<usize>,
    chain_id: Option<usize>,
    is_error: Option<usize>,
    status: Option<usize>,
    memo: Option<usize>,
}

/// Reads CSV from any reader; `name` is used in errors and diagnostics.
pub fn ingest_csv_reader<R: Read>(
    builder: &mut TxStoreBuilder,
    reader: R,
    name: &Path,
    opts: &IngestOptions,
) -> Result<IngestReport, TxError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| TxError::Csv {
            path: name.into(),
            line: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let missing = |column: &str| TxError::MissingColumn {
        path: name.into(),
        column: column.into(),
        header: header.join(","),
    };
    let from = find(&["from", "from_address"]);
    let (layout, amount, raw) = if let Some(i) = find(&["amount_base"]) {
        ("canonical", i, true)
    } else if let Some(i) = find(&["value_string"]) {
        ("cryo", i, true)
    } else if let (Some(_), Some(i)) = (find(&["from_address"]), find(&["value"])) {
        ("ethereum-etl", i, true)
    } else if from.is_none() && find(&["to"]).is_some() {
        (
            "etherscan-address",
            find(&["amount", "value"]).ok_or_else(|| missing("amount"))?,
            false,
        )
    } else if let Some(i) = find(&["amount", "value"]) {
        ("decimal-edges", i, false)
    } else if from.is_some() {
        return Err(missing("amount"));
    } else {
        return Err(TxError::UnknownLayout {
            path: name.into(),
            header: header.join(","),
        });
    };
    let cols = Cols {
        hash: find(&[
            "hash",
            "tx_hash",
            "transaction_hash",
            "txhash",
            "transaction hash",
        ])
        .ok_or_else(|| missing("tx_hash"))?,
        block: find(&["block", "block_number", "blockno", "block_height"]),
        time: find(&[
            "timestamp",
            "timestamp_utc",
            "block_timestamp",
            "unixtimestamp",
            "datetime (utc)",
            "time",
        ]),
        seq: find(&["seq", "log_index", "trace_address", "position"]),
        from,
        to: find(&["to", "to_address"]).ok_or_else(|| missing("to"))?,
        amount,
        raw,
        symbol: find(&["symbol", "asset", "token_symbol", "tokensymbol"]),
        contract: find(&[
            "contract",
            "token_contract",
            "token_address",
            "erc20",
            "contractaddress",
        ]),
        decimals: find(&["decimals"]),
        chain: find(&["chain"]),
        chain_id: find(&["chain_id", "chainid"]),
        is_error: find(&["is_error", "iserror"]),
        status: find(&["status", "receipt_status"]),
        memo: find(&["memo"]),
    };
    if cols.block.is_none() && cols.time.is_none() {
        return Err(missing("timestamp or block"));
    }
    let owner = match (layout, &opts.owner) {
        ("etherscan-address", Some(o)) => Some(o.clone()),
        ("etherscan-address", None) => {
            return Err(TxError::Csv {
                path: name.into(),
                line: 1,
                message: "a per-address export has no `from` column; give the owner address \
                          (--owner) it was exported for"
                    .into(),
            });
        }
        _ => None,
    };
    if let (Some(o), Some(chain)) = (&owner, address_chain(&opts.chain)) {
        cordon_address::parse_on(chain, o).map_err(|e| TxError::BadOwner {
            path: name.into(),
            owner: o.clone(),
            message: format!("{e} ({})", e.code()),
        })?;
    }
    let mut unknown_chains: Vec<String> = Vec::new();
    let mut report = IngestReport {
        file: name.display().to_string(),
        layout,
        rows: 0,
        loaded: 0,
        rejected: 0,
    };
    let mut record = csv::StringRecord::new();
    loop {
        let more = rdr.read_record(&mut record).map_err(|e| TxError::Csv {
            path: name.into(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        if !more {
            break;
        }
        report.rows += 1;
        let pos = record.position();
        let line = pos.map_or(0, |p| p.line());
        let loc = |field: &str| {
            let mut l = Location::file(name).line(line).field(field);
            if let Some(p) = pos {
                l = l.byte(p.byte());
            }
            l
        };
        match read_row(&record, &cols, owner.as_deref(), opts, builder, report.rows) {
            Ok((rec, truncated)) => {
                if address_chain(&rec.chain).is_none() && !unknown_chains.contains(&rec.chain) {
                    builder.diagnostic(Diagnostic::warning(
                        "tx-unknown-chain",
                        format!(
                            "chain {:?} is not one Cordon knows: its addresses are kept as \
                             written, unchecked (warned once per file)",
                            rec.chain
                        ),
                        loc("chain"),
                    ));
                    unknown_chains.push(rec.chain.clone());
                }
                if truncated {
                    builder.diagnostic(Diagnostic::warning(
                        "tx-amount-precision",
                        format!(
                            "more fractional digits than the asset's {} decimals; truncated",
                            rec.decimals
                        ),
                        loc("amount"),
                    ));
                }
                builder.push(&rec)?;
                report.loaded += 1;
            }
            Err((field, message)) => {
                report.rejected += 1;
                builder.diagnostic(Diagnostic::error("tx-bad-row", message, loc(field)));
            }
        }
    }
    Ok(report)
}

pub(crate) type RowError = (&'static str, String);

fn read_row(
    r: &csv::StringRecord,
    c: &Cols,
    owner: Option<&str>,
    opts: &IngestOptions,
    builder: &TxStoreBuilder,
    row: u64,
) -> Result<(TransferRecord, bool), RowError> {
    let get = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("");
    let req = |i: usize, f: &'static str| -> Result<&str, RowError> {
        match r.get(i) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err((f, format!("empty {f}"))),
        }
    };
    let chain = {
        let explicit = get(c.chain);
        if !explicit.is_empty() {
            explicit.to_ascii_lowercase()
        } else {
            match get(c.chain_id) {
                "1" => "eth".into(),
                "56" => "bsc".into(),
                "137" => "matic".into(),
                "" => opts.chain.clone(),
                other => format!("evm-{other}"),
            }
        }
    };
    let tx_hash = req(c.hash, "tx_hash")?.to_string();
    let block: u64 = match c.block.and_then(|i| r.get(i)) {
        None | Some("") => 0,
        Some(b) => b
            .parse()
            .map_err(|_| ("block", format!("block {b:?} is not a number")))?,
    };
    let timestamp = match c.time.and_then(|i| r.get(i)) {
        // No timestamp column: order by block height alone.
        None => block as i64,
        Some(t) => parse_timestamp(t).ok_or(("timestamp", format!("unreadable time {t:?}")))?,
    };
    let seq = match get(c.seq).parse::<u32>() {
        Ok(s) => s,
        Err(_) => u32::try_from(row).unwrap_or(u32::MAX),
    };
    let from = match (owner, c.from) {
        (Some(o), _) => o.to_string(),
        (None, Some(i)) => req(i, "from")?.to_string(),
        (None, None) => return Err(("from", "no sender".into())),
    };
    let to = req(c.to, "to")?.to_string();
    let contract = Some(get(c.contract).to_string()).filter(|s| !s.is_empty());
    let symbol = get(c.symbol).to_string();
    let decimals = match (&contract, get(c.decimals).parse::<u8>().ok()) {
        (_, Some(d)) => d,
        (Some(ct), None) => builder.registry().decimals(&chain, ct).unwrap_or(18),
        (None, None) => native_asset(&chain).map_or(18, |(_, d)| d),
    };
    let text = get(Some(c.amount));
    let (amount, truncated) =
        parse_amount(text, if c.raw { 0 } else { decimals }).map_err(|e| {
            let why = match e {
                AmountError::Negative(_) => "negative amounts are not transfers",
                AmountError::NotNumeric(_) | AmountError::Empty => "not a decimal number",
                AmountError::TooLarge(_) => "too large for 128-bit base units",
            };
            ("amount", format!("amount {text:?}: {why}"))
        })?;
    let failed = matches!(
        (get(c.is_error), get(c.status).to_ascii_lowercase().as_str()),
        ("1" | "true", _) | (_, "0" | "fail" | "failed" | "false" | "reverted")
    );
    check_addresses(&chain, &from, &to, contract.as_deref())?;
    Ok((
        TransferRecord {
            chain,
            tx_hash,
            block,
            timestamp,
            seq,
            from,
            to,
            symbol,
            contract,
            decimals,
            amount,
            failed,
            memo: Some(get(c.memo).to_string()).filter(|m| !m.is_empty()),
        },
        truncated,
    ))
}

/// The address format of a chain slug: `cordon-address`'s chain (slugs and tickers: `eth`,
/// `matic`, `trx`…), Ethereum's for an `evm-<chain id>` slug, `None` for a chain Cordon does
/// not know.
pub(crate) fn address_chain(slug: &str) -> Option<Chain> {
    if slug.starts_with("evm-") {
        return Some(Chain::Eth);
    }
    slug.parse().ok()
}

/// Checks a transfer's sender, recipient and token contract against its chain's address
/// format (checksums included); the error names the field. Addresses of chains Cordon does not
/// know pass unchecked.
pub(crate) fn check_addresses(
    chain: &str,
    from: &str,
    to: &str,
    contract: Option<&str>,
) -> Result<(), RowError> {
    let Some(chain) = address_chain(chain) else {
        return Ok(());
    };
    let fields = [
        ("from", Some(from)),
        ("to", Some(to)),
        ("contract", contract),
    ];
    for (field, text) in fields {
        let Some(text) = text else { continue };
        if let Err(e) = cordon_address::parse_on(chain, text) {
            return Err((
                field,
                format!(
                    "{field} {text:?} is not a valid {chain} address: {e} ({})",
                    e.code()
                ),
            ));
        }
    }
    Ok(())
}
