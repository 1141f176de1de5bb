//! Parquet interchange: the canonical transfer table, one row per transfer, so the same data
//! can be processed by DataFusion or Spark. Amounts are decimal strings of base units because
//! 10^38 does not fit Parquet's largest decimal.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray, UInt8Array, UInt32Array,
    UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::ChunkReader;

use cordon_model::{Diagnostic, Location};

use crate::TxError;
use crate::amount::parse_amount;
use crate::ingest::check_addresses;
use crate::store::{TransferRecord, TxStore, TxStoreBuilder};

fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("chain", DataType::Utf8, false),
        Field::new("tx_hash", DataType::Utf8, false),
        Field::new("block", DataType::UInt64, false),
        Field::new("timestamp", DataType::Int64, false),
        Field::new("seq", DataType::UInt32, false),
        Field::new("from", DataType::Utf8, false),
        Field::new("to", DataType::Utf8, false),
        Field::new("symbol", DataType::Utf8, false),
        Field::new("contract", DataType::Utf8, true),
        Field::new("decimals", DataType::UInt8, false),
        Field::new("amount_base", DataType::Utf8, false),
        Field::new("failed", DataType::Boolean, false),
        Field::new("exclusion", DataType::UInt8, false),
        Field::new("memo", DataType::Utf8, true),
    ]))
}

fn perr(path: &Path, e: impl std::fmt::Display) -> TxError {
    TxError::Parquet {
        path: path.into(),
        message: e.to_string(),
    }
}

/// Writes every transfer of `store` (excluded ones too, with their exclusion bits).
pub fn write_parquet(store: &TxStore, path: &Path) -> Result<(), TxError> {
    let file = File::create(path).map_err(|e| TxError::io(path, e))?;
    let mut w = ArrowWriter::try_new(file, schema(), None).map_err(|e| perr(path, e))?;
    let n = store.len() as u32;
    let step = 65_536u32;
    let mut start = 0u32;
    while start < n {
        let end = n.min(start.saturating_add(step));
        let views: Vec<_> = (start..end).map(|i| store.transfer(i)).collect();
        let asset = |v: &crate::TransferView<'_>| store.asset(v.asset);
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                views
                    .iter()
                    .map(|v| asset(v).map_or("", |a| a.chain.as_str())),
            )),
            Arc::new(StringArray::from_iter_values(
                views.iter().map(|v| v.tx_hash),
            )),
            Arc::new(UInt64Array::from_iter_values(views.iter().map(|v| v.block))),
            Arc::new(Int64Array::from_iter_values(views.iter().map(|v| v.time))),
            Arc::new(UInt32Array::from_iter_values(
                views.iter().map(|v| store.seq(v.id)),
            )),
            Arc::new(StringArray::from_iter_values(
                views.iter().map(|v| store.address(v.from)),
            )),
            Arc::new(StringArray::from_iter_values(
                views.iter().map(|v| store.address(v.to)),
            )),
            Arc::new(StringArray::from_iter_values(
                views
                    .iter()
                    .map(|v| asset(v).map_or("", |a| a.symbol.as_str())),
            )),
            Arc::new(StringArray::from_iter(
                views
                    .iter()
                    .map(|v| asset(v).and_then(|a| a.contract.as_deref())),
            )),
            Arc::new(UInt8Array::from_iter_values(
                views.iter().map(|v| asset(v).map_or(0, |a| a.decimals)),
            )),
            Arc::new(StringArray::from_iter_values(
                views.iter().map(|v| v.amount.to_string()),
            )),
            Arc::new(BooleanArray::from_iter(
                views
                    .iter()
                    .map(|v| Some(v.exclusion.contains(crate::Exclusion::FAILED))),
            )),
            Arc::new(UInt8Array::from_iter_values(
                views.iter().map(|v| v.exclusion.0),
            )),
            Arc::new(StringArray::from_iter(
                views.iter().map(|v| store.memo(v.id)),
            )),
        ];
        let batch = RecordBatch::try_new(schema(), cols).map_err(|e| perr(path, e))?;
        w.write(&batch).map_err(|e| perr(path, e))?;
        start = end;
    }
    w.close().map_err(|e| perr(path, e))?;
    Ok(())
}

/// Reads a canonical transfer table into `builder`; returns the number of rows loaded.
/// Exclusions are recomputed, not trusted from the file. A row with an unreadable amount is
/// skipped with a diagnostic naming the file, row and field; the other rows still load.
pub fn read_parquet(builder: &mut TxStoreBuilder, path: &Path) -> Result<u64, TxError> {
    let file = File::open(path).map_err(|e| TxError::io(path, e))?;
    read_from(builder, file, path)
}

/// As [`read_parquet`], from the bytes of a Parquet file (`name` is used in messages).
pub fn read_parquet_bytes(
    builder: &mut TxStoreBuilder,
    data: Vec<u8>,
    name: &Path,
) -> Result<u64, TxError> {
    read_from(builder, bytes::Bytes::from(data), name)
}

/// Decodes the whole file first and hands the rows to `builder` only when it decoded: a damaged
/// file adds nothing. The arrow and parquet decoders are known to panic on some damaged
/// files (an embedded Arrow schema with a type tag of 0 hits an `unimplemented!`), so a panic
/// inside them is caught and reported as a damaged file rather than taking the process down.
fn read_from<R: ChunkReader + 'static>(
    builder: &mut TxStoreBuilder,
    input: R,
    path: &Path,
) -> Result<u64, TxError> {
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(input, path)));
    let (records, diagnostics) = match decoded {
        Ok(r) => r?,
        Err(_) => {
            return Err(perr(
                path,
                "the file is damaged: the Parquet decoder failed on it",
            ));
        }
    };
    for d in diagnostics {
        builder.diagnostic(d);
    }
    let mut loaded = 0u64;
    for r in &records {
        builder.push(r)?;
        loaded += 1;
    }
    Ok(loaded)
}

/// Every column chunk the footer declares must lie inside the file: the decoder asserts it
/// (a panic) instead of returning an error (found by the `tx_parquet` fuzz target).
fn check_column_chunks(meta: &ParquetMetaData, file_len: u64, path: &Path) -> Result<(), TxError> {
    for (g, group) in meta.row_groups().iter().enumerate() {
        for col in group.columns() {
            let start = col
                .dictionary_page_offset()
                .unwrap_or(col.data_page_offset());
            let len = col.compressed_size();
            let inside = start >= 0
                && col.data_page_offset() >= 0
                && len >= 0
                && (start as u64)
                    .checked_add(len as u64)
                    .is_some_and(|end| end <= file_len);
            if !inside {
                return Err(perr(
                    path,
                    format!(
                        "the file is damaged: row group {g}, column {} declares bytes {start}..+{len}, outside the {file_len}-byte file",
                        col.column_path()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn decode<R: ChunkReader + 'static>(
    input: R,
    path: &Path,
) -> Result<(Vec<TransferRecord>, Vec<Diagnostic>), TxError> {
    // The embedded Arrow schema is not needed (the columns are checked by name and type).
    let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let file_len = input.len();
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(input, options)
        .map_err(|e| perr(path, e))?;
    check_column_chunks(builder.metadata(), file_len, path)?;
    let reader = builder.build().map_err(|e| perr(path, e))?;
    let mut records = Vec::new();
    let mut diagnostics = Vec::new();
    let mut row_base = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| perr(path, e))?;
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| TxError::MissingColumn {
                    path: path.into(),
                    column: name.into(),
                    header: batch
                        .schema()
                        .fields()
                        .iter()
                        .map(|f| f.name().clone())
                        .collect::<Vec<_>>()
                        .join(","),
                })
        };
        fn down<'a, T: 'static>(
            path: &Path,
            a: &'a ArrayRef,
            name: &str,
        ) -> Result<&'a T, TxError> {
            a.as_any()
                .downcast_ref::<T>()
                .ok_or_else(|| TxError::Parquet {
                    path: path.into(),
                    message: format!("column {name} has type {}", a.data_type()),
                })
        }
        let (chain, hash, block, time, seq) = (
            col("chain")?,
            col("tx_hash")?,
            col("block")?,
            col("timestamp")?,
            col("seq")?,
        );
        let (from, to, symbol, contract, decimals, amount, failed) = (
            col("from")?,
            col("to")?,
            col("symbol")?,
            col("contract")?,
            col("decimals")?,
            col("amount_base")?,
            col("failed")?,
        );
        let chain = down::<StringArray>(path, chain, "chain")?;
        let hash = down::<StringArray>(path, hash, "tx_hash")?;
        let block = down::<UInt64Array>(path, block, "block")?;
        let time = down::<Int64Array>(path, time, "timestamp")?;
        let seq = down::<UInt32Array>(path, seq, "seq")?;
        let from = down::<StringArray>(path, from, "from")?;
        let to = down::<StringArray>(path, to, "to")?;
        let symbol = down::<StringArray>(path, symbol, "symbol")?;
        let contract = down::<StringArray>(path, contract, "contract")?;
        let decimals = down::<UInt8Array>(path, decimals, "decimals")?;
        let amount = down::<StringArray>(path, amount, "amount_base")?;
        let failed = down::<BooleanArray>(path, failed, "failed")?;
        // Files written before memos existed have no memo column.
        let memo = match batch.column_by_name("memo") {
            Some(m) => Some(down::<StringArray>(path, m, "memo")?),
            None => None,
        };
        for i in 0..batch.num_rows() {
            let row = row_base + i as u64;
            let parsed = if amount.is_null(i) {
                Err("missing".to_string())
            } else {
                parse_amount(amount.value(i), 0)
                    .map(|(v, _)| v)
                    .map_err(|e| e.to_string())
            };
            let v = match parsed {
                Ok(v) => v,
                Err(why) => {
                    diagnostics.push(Diagnostic::error(
                        "tx-bad-row",
                        format!("row {row}: amount_base {:?}: {why}", amount.value(i)),
                        Location::file(path)
                            .record(format!("row {row}"))
                            .field("amount_base"),
                    ));
                    continue;
                }
            };
            let contract_text = (!contract.is_null(i)).then(|| contract.value(i));
            if let Err((field, why)) =
                check_addresses(chain.value(i), from.value(i), to.value(i), contract_text)
            {
                diagnostics.push(Diagnostic::error(
                    "tx-bad-row",
                    format!("row {row}: {why}"),
                    Location::file(path)
                        .record(format!("row {row}"))
                        .field(field),
                ));
                continue;
            }
            records.push(TransferRecord {
                chain: chain.value(i).into(),
                tx_hash: hash.value(i).into(),
                block: block.value(i),
                timestamp: time.value(i),
                seq: seq.value(i),
                from: from.value(i).into(),
                to: to.value(i).into(),
                symbol: symbol.value(i).into(),
                contract: (!contract.is_null(i)).then(|| contract.value(i).to_string()),
                decimals: decimals.value(i),
                amount: v,
                failed: failed.value(i),
                memo: memo
                    .filter(|m| !m.is_null(i))
                    .map(|m| m.value(i).to_string()),
            });
        }
        row_base += batch.num_rows() as u64;
    }
    Ok((records, diagnostics))
}
