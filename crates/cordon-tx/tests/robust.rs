//! Whatever bytes arrive, the adapters answer with transfers, diagnostics or an error: never a
//! panic (the same property the `fuzz/` targets `tx_csv`, `tx_etherscan` and `tx_parquet`
//! explore without bounds).

use std::io::Cursor;
use std::path::Path;

use cordon_tx::{IngestOptions, TokenRegistry, TxStoreBuilder, ingest_csv_reader};
use proptest::prelude::*;

/// Headers of every layout the reader recognises, so random rows reach the row parsers.
const HEADERS: [&str; 6] = [
    "chain,tx_hash,block,timestamp,seq,from,to,symbol,contract,decimals,amount_base,status",
    "hash,from_address,to_address,value,token_address,log_index,block_number,block_timestamp",
    "transaction_hash,from_address,to_address,value_string,erc20,block_number",
    "hash,timestamp_utc,to,amount,asset,symbol_non_ascii,kind,contract,block,is_error,chain_id,chain_name,memo",
    "hop,from,to,amount,asset,token_contract,tx_hash,block,timestamp_utc",
    "",
];

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-Fx.\\-e ]{0,50}",
        "0x[0-9a-f]{40}",
        "-?[0-9]{1,45}(\\.[0-9]{0,30})?",
        "(ETH|USDT|ЕТН|stETH|)",
        "\\PC{0,12}",
        Just("\"".to_string()),
        Just("2025-02-21 14:16:11".to_string()),
    ]
}

fn ingest(text: &[u8], owner: Option<&str>) {
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
    let opts = IngestOptions {
        owner: owner.map(str::to_string),
        ..IngestOptions::default()
    };
    if let Ok(r) = ingest_csv_reader(&mut b, Cursor::new(text), Path::new("fuzz.csv"), &opts) {
        assert_eq!(
            r.rows,
            r.loaded + r.rejected,
            "every row is loaded or rejected"
        );
        let store = b.build().expect("a loaded batch always builds");
        assert_eq!(store.len() as u64, r.loaded);
    }
}

proptest! {
    #![proptest_config(cordon_testkit::proptest_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_the_csv_reader(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        ingest(&data, None);
        ingest(&data, Some("0xaaaa00000000000000000000000000000000aaaa"));
    }

    #[test]
    fn random_rows_under_every_layout_never_panic(
        h in 0usize..HEADERS.len(),
        rows in proptest::collection::vec(proptest::collection::vec(field(), 0..14), 0..8),
    ) {
        let mut text = String::from(HEADERS[h]);
        for r in &rows {
            text.push('\n');
            text.push_str(&r.join(","));
        }
        ingest(text.as_bytes(), None);
        ingest(text.as_bytes(), Some("0xaaaa00000000000000000000000000000000aaaa"));
    }
}

#[cfg(feature = "parquet")]
mod parquet {
    use super::*;
    use cordon_tx::{read_parquet_bytes, write_parquet};

    fn sample() -> Vec<u8> {
        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
        let csv = "hash,from,to,amount,asset,contract,block,timestamp\n\
                   0x1,0xaaaa00000000000000000000000000000000aaaa,0xbbbb00000000000000000000000000000000bbbb,1.5,ETH,,1,1\n\
                   0x2,0xbbbb00000000000000000000000000000000bbbb,0xcccc00000000000000000000000000000000cccc,3,USDT,0xdac17f958d2ee523a2206206994597c13d831ec7,2,2\n";
        ingest_csv_reader(
            &mut b,
            Cursor::new(csv),
            Path::new("t.csv"),
            &IngestOptions::default(),
        )
        .unwrap();
        let store = b.build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_parquet(&store, &p).unwrap();
        std::fs::read(p).unwrap()
    }

    fn read(data: Vec<u8>) {
        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
        if read_parquet_bytes(&mut b, data, Path::new("fuzz.parquet")).is_ok() {
            b.build().expect("a loaded batch always builds");
        }
    }

    proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic_the_parquet_reader(data in proptest::collection::vec(any::<u8>(), 0..400)) {
            read(data);
        }

        // Damage inside a real file reaches the page and column decoders, not just the footer.
        #[test]
        fn damaged_parquet_files_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
            let mut data = sample();
            for (i, v) in flips {
                let i = i.index(data.len());
                data[i] = v;
            }
            read(data);
        }
    }

    /// Regression (fuzz target `tx_parquet`, crash-fc73b45d): a footer declaring a column
    /// chunk at a negative offset made the decoder assert ("column start and length should not
    /// be negative"), a panic; it is now an error naming the file and the column.
    #[test]
    fn negative_column_chunk_offset_is_an_error_not_a_decoder_panic() {
        use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        use ::parquet::file::metadata::ParquetMetaDataWriter;

        let data = sample();
        let meta = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(data.clone()))
            .unwrap()
            .metadata()
            .as_ref()
            .clone();
        let mut groups = meta.row_groups().to_vec();
        let mut cols = groups[0].columns().to_vec();
        cols[1] = cols[1]
            .clone()
            .into_builder()
            .set_data_page_offset(-4)
            .set_dictionary_page_offset(None)
            .build()
            .unwrap();
        groups[0] = groups[0]
            .clone()
            .into_builder()
            .set_column_metadata(cols)
            .build()
            .unwrap();
        let damaged_meta = meta.into_builder().set_row_groups(groups).build();
        // Keep the pages, write the altered footer after them.
        let n = data.len();
        let footer_len = u32::from_le_bytes(data[n - 8..n - 4].try_into().unwrap()) as usize;
        let mut damaged = data[..n - 8 - footer_len].to_vec();
        ParquetMetaDataWriter::new(&mut damaged, &damaged_meta)
            .finish()
            .unwrap();

        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
        let e = read_parquet_bytes(&mut b, damaged, Path::new("d.parquet")).unwrap_err();
        let m = e.to_string();
        assert_eq!(e.code(), "tx.parquet");
        assert!(
            m.contains("d.parquet") && m.contains("declares bytes -4"),
            "{m}"
        );
    }

    /// Regression (fuzz target `tx_parquet`, crash-fde08d82; apache/arrow-rs#10722): a
    /// dictionary-encoded data page declaring an index bit width above 32 panicked inside
    /// parquet 59's decoder. Cordon caught it, but the panic still reached the panic hook (its
    /// message on stderr, and libFuzzer stopped there). With parquet 60 it is an ordinary error:
    /// the test fails if any panic happens on this thread while reading, caught or not.
    #[test]
    fn dictionary_bit_width_above_32_is_an_error_without_a_panic() {
        use std::cell::Cell;
        use std::sync::Once;

        thread_local! {
            static PANICKED: Cell<bool> = const { Cell::new(false) };
        }
        static HOOK: Once = Once::new();
        // The hook runs on the panicking thread, so the flag is this test's own; other tests'
        // panics still reach the previous hook.
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                PANICKED.with(|p| p.set(true));
                previous(info);
            }));
        });

        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/dictionary_bit_width_above_32.parquet"
        ))
        .unwrap();
        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
        let result = read_parquet_bytes(&mut b, data, Path::new("crash.parquet"));
        assert!(
            !PANICKED.with(Cell::get),
            "the parquet decoder panicked (caught) on the crash input"
        );
        let e = result.unwrap_err();
        assert_eq!(e.code(), "tx.parquet");
        assert!(e.to_string().contains("crash.parquet"), "{e}");
    }

    /// A row whose amount cannot be read is skipped with a diagnostic naming the row and the
    /// field; the other rows still load.
    #[test]
    fn a_bad_amount_rejects_its_row_only() {
        let mut data = sample();
        // Amounts are stored as plain strings (dictionary pages, no compression by default).
        let needle = b"1500000000000000000";
        let at = data
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("the amount is stored verbatim");
        data[at + 17] = b'x';
        let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
        assert_eq!(
            read_parquet_bytes(&mut b, data, Path::new("t.parquet")).unwrap(),
            1
        );
        let store = b.build().unwrap();
        let d = &store.diagnostics()[0];
        assert_eq!(d.code, "tx-bad-row");
        assert_eq!(d.location.field.as_deref(), Some("amount_base"));
        assert_eq!(d.location.record.as_deref(), Some("row 0"));
    }
}
