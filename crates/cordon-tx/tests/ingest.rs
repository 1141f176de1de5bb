use std::io::Cursor;
use std::path::{Path, PathBuf};

use cordon_tx::{
    Exclusion, IngestOptions, TokenRegistry, TxError, TxStore, TxStoreBuilder, format_amount,
    ingest_csv, ingest_csv_reader,
};

fn shared() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        PathBuf::from,
    )
}

fn builder() -> TxStoreBuilder {
    TxStoreBuilder::new(TokenRegistry::with_defaults())
}

fn load(csv: &str) -> (TxStore, cordon_tx::IngestReport) {
    let mut b = builder();
    let r = ingest_csv_reader(
        &mut b,
        Cursor::new(csv),
        Path::new("t.csv"),
        &IngestOptions::default(),
    )
    .unwrap();
    (b.build().unwrap(), r)
}

const A: &str = "0xaaaa00000000000000000000000000000000aaaa";
const B: &str = "0xbbbb00000000000000000000000000000000bbbb";
const C: &str = "0xcccc00000000000000000000000000000000cccc";

#[test]
fn missing_column_is_an_error_naming_it() {
    let mut b = builder();
    let e = ingest_csv_reader(
        &mut b,
        Cursor::new("hash,from,to,block\n0x1,a,b,1\n"),
        Path::new("x.csv"),
        &IngestOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, TxError::MissingColumn { column, .. } if column == "amount"),
        "{e}"
    );
    assert_eq!(e.code(), "tx.missing_column");
    assert!(e.to_string().contains("x.csv"));
}

#[test]
fn negative_and_non_numeric_amounts_are_rejected_with_line_and_field() {
    let csv = format!(
        "hash,from,to,amount,block,timestamp\n0x1,{A},{B},-5,1,1000\n0x2,{A},{B},abc,2,1001\n0x3,{A},{B},2.5,3,1002\n"
    );
    let (store, r) = load(&csv);
    assert_eq!((r.rows, r.loaded, r.rejected), (3, 1, 2));
    let d: Vec<String> = store.diagnostics().iter().map(|d| d.to_string()).collect();
    assert!(
        d.iter()
            .any(|m| m.contains("t.csv:2") && m.contains("amount") && m.contains("negative")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|m| m.contains("t.csv:3") && m.contains("not a decimal")),
        "{d:?}"
    );
    let a = store.address_id(A).unwrap();
    let total: u128 = store.out_csr().edges(a).map(|e| e.amount).sum();
    assert_eq!(format_amount(total, 18), "2.5");
}

#[test]
fn out_of_order_input_is_sorted_and_reported() {
    let csv = format!(
        "hash,from,to,amount,block,timestamp\n0x2,{B},{C},1,2,2000\n0x1,{A},{B},1,1,1000\n"
    );
    let (store, _) = load(&csv);
    assert_eq!(store.transfer(0).tx_hash, "0x1");
    assert!(
        store
            .diagnostics()
            .iter()
            .any(|d| d.code == "tx-out-of-order")
    );
}

#[test]
fn billion_eth_fake_token_is_excluded_not_counted() {
    let csv = format!(
        "hash,from,to,amount,asset,contract,block,timestamp,is_error\n\
         0x1,{A},{B},1000000000,ETH,0x2f22686d82dded300c975e63b62efbe824c9d236,1,1000,0\n\
         0x2,{A},{B},0,ETH,,2,1001,0\n\
         0x3,{A},{B},5,ETH,,3,1002,1\n\
         0x4,{A},{B},7,ETH,,4,1003,0\n"
    );
    let (store, r) = load(&csv);
    assert_eq!(r.loaded, 4);
    assert!(
        store
            .transfer(0)
            .exclusion
            .contains(Exclusion::IMPERSONATING_TOKEN)
    );
    assert!(
        store
            .exclusion_detail(0)
            .unwrap()
            .contains("native symbol ETH")
    );
    assert!(store.transfer(1).exclusion.contains(Exclusion::ZERO_VALUE));
    assert!(store.transfer(2).exclusion.contains(Exclusion::FAILED));
    let a = store.address_id(A).unwrap();
    let edges: Vec<_> = store.out_csr().edges(a).collect();
    assert_eq!(edges.len(), 1);
    assert_eq!(format_amount(edges[0].amount, 18), "7");
}

#[test]
fn cycles_and_self_transfers_are_stored_in_time_order() {
    let csv = format!(
        "hash,from,to,amount,block,timestamp\n0x1,{A},{B},1,1,1\n0x2,{B},{A},1,2,2\n0x3,{A},{A},1,3,3\n"
    );
    let (store, _) = load(&csv);
    let a = store.address_id(A).unwrap();
    let times: Vec<i64> = store.out_csr().edges(a).map(|e| e.time).collect();
    assert_eq!(times, vec![1, 3]);
}

#[test]
fn save_and_mmap_open_roundtrip() {
    let csv =
        format!("hash,from,to,amount,block,timestamp\n0x1,{A},{B},1.5,1,1\n0x2,{B},{C},1,2,2\n");
    let (store, _) = load(&csv);
    let dir = tempfile::tempdir().unwrap();
    store.save(dir.path()).unwrap();
    let back = TxStore::open(dir.path()).unwrap();
    assert_eq!(back.len(), 2);
    for i in 0..2 {
        assert_eq!(back.transfer(i), store.transfer(i));
    }
    let b = back.address_id(B).unwrap();
    assert_eq!(back.in_csr().edges(b).count(), 1);
    assert_eq!(back.out_csr().edges(b).count(), 1);
    // A damaged column is refused, not read.
    std::fs::write(dir.path().join("to.u32.bin"), [0u8; 3]).unwrap();
    assert_eq!(TxStore::open(dir.path()).unwrap_err().code(), "tx.corrupt");
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_roundtrip_keeps_every_transfer() {
    let csv = format!(
        "hash,from,to,amount,asset,contract,block,timestamp,memo\n0x1,{A},{B},1.5,ETH,,1,1,=:BTC.BTC:bc1qexample\n0x2,{B},{C},3,USDT,0xdac17f958d2ee523a2206206994597c13d831ec7,2,2,\n"
    );
    let (store, _) = load(&csv);
    assert_eq!(store.memo(0), Some("=:BTC.BTC:bc1qexample"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.parquet");
    cordon_tx::write_parquet(&store, &p).unwrap();
    let mut b = builder();
    assert_eq!(cordon_tx::read_parquet(&mut b, &p).unwrap(), 2);
    let back = b.build().unwrap();
    for i in 0..2 {
        let (x, y) = (store.transfer(i), back.transfer(i));
        assert_eq!((x.tx_hash, x.amount, x.time), (y.tx_hash, y.amount, y.time));
    }
    assert_eq!(back.asset(back.transfer(1).asset).unwrap().decimals, 6);
    // Memos survive the interchange (THORChain linking needs them).
    assert_eq!(back.memo(0), Some("=:BTC.BTC:bc1qexample"));
    assert_eq!(back.memo(1), None);
}

#[test]
fn bybit_hop2_raw_rows_flag_fake_tokens_and_lookalikes() {
    let dir = shared().join("tx/bybit-2025-public-trail");
    let mut b = builder();
    let opts = IngestOptions {
        owner: Some("0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e".into()),
        ..IngestOptions::default()
    };
    let r = ingest_csv(&mut b, &dir.join("hop2.csv"), &opts).unwrap();
    assert_eq!((r.layout, r.rows, r.rejected), ("etherscan-address", 43, 0));
    let store = b.build().unwrap();
    let mut fake = 0;
    let mut lookalike = 0;
    for i in 0..store.len() as u32 {
        let t = store.transfer(i);
        let sym = &store.asset(t.asset).unwrap().symbol;
        if !sym.is_ascii() {
            assert!(
                t.exclusion.contains(Exclusion::IMPERSONATING_TOKEN),
                "{sym}"
            );
            fake += 1;
        }
        if store.address(t.to) == "0xdd901921594c5ba04c5971295db8931073365f92" {
            assert!(t.exclusion.contains(Exclusion::POISONING_LOOKALIKE));
            lookalike += 1;
        }
    }
    assert_eq!(fake, 11);
    assert!(lookalike >= 4);
    // The genuine hop-3 anchor is not a look-alike of itself.
    let genuine = store
        .address_id("0xdd90071d52f20e85c89802e5dc1ec0a7b6475f92")
        .unwrap();
    let got: u128 = store.in_csr().edges(genuine).map(|e| e.amount).sum();
    assert_eq!(format_amount(got, 18), "98048.7948");
}

/// The hop-2 anchor's raw export: every excluded row is indexed under both of its addresses,
/// survives save and open, and equals a scan of all excluded transfers.
#[test]
fn excluded_transfers_are_indexed_by_address() {
    let dir = shared().join("tx/bybit-2025-public-trail");
    let mut b = builder();
    let opts = IngestOptions {
        owner: Some("0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e".into()),
        ..IngestOptions::default()
    };
    ingest_csv(&mut b, &dir.join("hop2.csv"), &opts).unwrap();
    let store = b.build().unwrap();
    assert!(store.has_exclusion_index());
    let scan = |s: &TxStore, node: u32| -> Vec<u32> {
        s.excluded()
            .filter(|&x| s.transfer(x).from == node || s.transfer(x).to == node)
            .collect()
    };
    let owner = store
        .address_id("0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e")
        .unwrap();
    // Every excluded row of a per-address export touches its owner.
    assert_eq!(
        store.excluded_of(owner),
        store.excluded().collect::<Vec<_>>()
    );
    let lookalike = store
        .address_id("0xdd901921594c5ba04c5971295db8931073365f92")
        .unwrap();
    let of_lookalike = store.excluded_of(lookalike);
    assert!(of_lookalike.len() >= 4);
    assert!(of_lookalike.windows(2).all(|w| w[0] < w[1]), "time order");
    let saved = tempfile::tempdir().unwrap();
    store.save(saved.path()).unwrap();
    let back = TxStore::open(saved.path()).unwrap();
    assert!(back.has_exclusion_index());
    for node in 0..store.num_addresses() as u32 {
        assert_eq!(store.excluded_of(node), scan(&store, node), "node {node}");
        assert_eq!(
            back.excluded_of(node),
            store.excluded_of(node),
            "node {node}"
        );
    }
}

/// A graph directory written before the per-address index existed (no index files, no
/// manifest entry) still opens and answers by scanning.
#[test]
fn store_written_before_the_exclusion_index_opens_and_scans() {
    let csv = format!(
        "hash,from,to,amount,asset,contract,block,timestamp\n0x1,{A},{B},1,ETH,,1,1\n0x2,{A},{C},0,ETH,,2,2\n0x3,{C},{B},5,ЕТН,0x2a120e7f2f1d8ffd173ed17aa5089f11206b5177,3,3\n"
    );
    let (store, _) = load(&csv);
    let dir = tempfile::tempdir().unwrap();
    store.save(dir.path()).unwrap();
    let mpath = dir.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    assert!(manifest["excluded_index"].is_u64());
    manifest.as_object_mut().unwrap().remove("excluded_index");
    std::fs::write(&mpath, serde_json::to_vec(&manifest).unwrap()).unwrap();
    std::fs::remove_file(dir.path().join("excluded_offsets.u64.bin")).unwrap();
    std::fs::remove_file(dir.path().join("excluded_by_address.u32.bin")).unwrap();
    let old = TxStore::open(dir.path()).unwrap();
    assert!(!old.has_exclusion_index());
    for node in 0..store.num_addresses() as u32 {
        assert_eq!(old.excluded_of(node), store.excluded_of(node));
    }
    let c = old.address_id(C).unwrap();
    assert_eq!(old.excluded_of(c), vec![1, 2]);
}

/// A damaged index is refused at open: it could otherwise hide an exclusion or list a transfer
/// that carries value.
#[test]
fn damaged_exclusion_index_is_refused() {
    let csv =
        format!("hash,from,to,amount,block,timestamp\n0x1,{A},{B},1,1,1\n0x2,{A},{C},0,2,2\n");
    let (store, _) = load(&csv);
    let dir = tempfile::tempdir().unwrap();
    store.save(dir.path()).unwrap();
    // Transfer 0 carries value: an index entry naming it is a lie.
    let p = dir.path().join("excluded_by_address.u32.bin");
    let mut ids = std::fs::read(&p).unwrap();
    ids[..4].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(&p, ids).unwrap();
    let e = TxStore::open(dir.path()).unwrap_err();
    assert_eq!(e.code(), "tx.corrupt");
    assert!(e.to_string().contains("excluded-transfer index"), "{e}");
}

#[test]
fn invalid_addresses_and_wrong_checksums_are_rejected_naming_the_field() {
    let csv = format!(
        "hash,from,to,amount,asset,contract,block,timestamp\n\
         0x1,0xZZZ,{B},1,ETH,,1,1000\n\
         0x2,{A},0xAaaa00000000000000000000000000000000aaaa,1,ETH,,2,1001\n\
         0x3,{A},{B},1,USDT,0xdac17f958d2ee523a2206206994597c13d831ec,3,1002\n\
         0x4,{A},TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE,1,ETH,,4,1003\n\
         0x5,{A},{B},2.5,ETH,,5,1004\n"
    );
    let (store, r) = load(&csv);
    assert_eq!((r.rows, r.loaded, r.rejected), (5, 1, 4));
    let d: Vec<String> = store.diagnostics().iter().map(|d| d.to_string()).collect();
    let has = |line: &str, field: &str, code: &str| {
        d.iter().any(|m| {
            m.contains(&format!("t.csv:{line} "))
                && m.contains(&format!("field \"{field}\""))
                && m.contains(code)
        })
    };
    assert!(has("2", "from", "is not a valid eth address"), "{d:?}");
    assert!(has("3", "to", "(bad-checksum)"), "{d:?}");
    assert!(has("4", "contract", "(bad-length)"), "{d:?}");
    assert!(has("5", "to", "(wrong-chain)"), "{d:?}");
    assert_eq!(store.len(), 1);
    assert!(store.address_id("0xzzz").is_none());
}

#[test]
fn unknown_chain_keeps_its_addresses_with_one_warning_per_file() {
    let csv = "chain,hash,from,to,amount,block,timestamp\n\
               foochain,0x1,alice,bob,1,1,1000\n\
               foochain,0x2,bob,carol,1,2,1001\n";
    let (store, r) = load(csv);
    assert_eq!((r.loaded, r.rejected), (2, 0));
    let warnings: Vec<String> = store
        .diagnostics()
        .iter()
        .filter(|d| d.code == "tx-unknown-chain")
        .map(|d| d.to_string())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("foochain"), "{warnings:?}");
}

#[test]
fn per_address_export_with_an_invalid_owner_is_refused_naming_it() {
    let mut b = builder();
    let e = ingest_csv_reader(
        &mut b,
        Cursor::new(format!(
            "hash,to,amount,block,timestamp\n0x1,{B},1,1,1000\n"
        )),
        Path::new("hop.csv"),
        &IngestOptions {
            owner: Some("0x47666fab8bd0ac7003bce3f5c3585383f09486e".into()),
            ..IngestOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "tx.bad_owner");
    let m = e.to_string();
    assert!(
        m.contains("hop.csv") && m.contains("0x47666fab8bd0ac7003bce3f5c3585383f09486e"),
        "{m}"
    );
}

#[test]
fn missing_file_error_says_the_cause_once() {
    let e = ingest_csv(
        &mut builder(),
        Path::new("no-such.csv"),
        &IngestOptions::default(),
    )
    .unwrap_err();
    let chain = format!("{:#}", anyhow_like(&e));
    assert_eq!(chain.matches("os error").count(), 1, "{chain}");
    assert!(chain.starts_with("no-such.csv: "), "{chain}");
}

/// The message and every source below it, as a report printing the whole chain shows them.
fn anyhow_like(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(&format!(": {c}"));
        cur = c.source();
    }
    s
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_rows_with_invalid_addresses_are_skipped_naming_row_and_field() {
    // The builder does not check addresses (the generator's path); the readers do.
    let mut b = builder();
    for (i, (from, to)) in [(A, B), ("0xnot-an-address", B), (A, "")]
        .iter()
        .enumerate()
    {
        b.push(&cordon_tx::TransferRecord {
            chain: "eth".into(),
            tx_hash: format!("0x{i}"),
            block: i as u64,
            timestamp: 1000 + i as i64,
            seq: 0,
            from: from.to_string(),
            to: to.to_string(),
            symbol: "ETH".into(),
            contract: None,
            decimals: 18,
            amount: 1,
            failed: false,
            memo: None,
        })
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.parquet");
    cordon_tx::write_parquet(&b.build().unwrap(), &p).unwrap();
    let mut b = builder();
    assert_eq!(cordon_tx::read_parquet(&mut b, &p).unwrap(), 1);
    let store = b.build().unwrap();
    let d: Vec<String> = store.diagnostics().iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d.iter()
            .any(|m| m.contains("row 1") && m.contains("field \"from\"")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|m| m.contains("row 2") && m.contains("(empty)")),
        "{d:?}"
    );
}
