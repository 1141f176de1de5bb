//! Saving over a store that another process has open and mapped (`cordon tx ingest` into the
//! directory a running `cordon serve` answers from).

use cordon_tx::{TokenRegistry, TransferRecord, TxStore, TxStoreBuilder, parse_amount};

fn addr(i: u64) -> String {
    format!("0x{i:040x}")
}

/// A chain of `n` ETH transfers through `n + 1` addresses, amounts scaled by `scale`.
fn store(n: u64, scale: u64) -> TxStore {
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults()).detect_lookalikes(false);
    for i in 0..n {
        b.push(&TransferRecord {
            chain: "eth".into(),
            tx_hash: format!("0x{i:064x}"),
            block: i,
            timestamp: 1_700_000_000 + i as i64,
            from: addr(i + 1),
            to: addr(i + 2),
            symbol: "ETH".into(),
            decimals: 18,
            amount: parse_amount(&format!("{}", (i + 1) * scale), 18).unwrap().0,
            ..Default::default()
        })
        .unwrap();
    }
    b.build().unwrap()
}

/// Every value a reader of the store touches, so that each mapped page is read.
fn contents(s: &TxStore) -> Vec<(u32, u32, u128, i64)> {
    let mut out: Vec<_> = (0..s.len() as u32)
        .map(|i| {
            let t = s.transfer(i);
            (t.from, t.to, t.amount, t.time)
        })
        .collect();
    for node in 0..s.num_addresses() as u32 {
        out.extend(
            s.out_csr()
                .edges(node)
                .map(|e| (node, e.nbr, e.amount, e.time)),
        );
    }
    out
}

#[test]
fn a_save_over_a_mapped_store_leaves_the_reader_its_version_until_it_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that the columns span many pages: a column truncated under the mapping
    // would make these reads a SIGBUS, which kills the test binary.
    store(50_000, 1).save(dir.path()).unwrap();
    let serving = TxStore::open(dir.path()).unwrap();
    let before = contents(&serving);
    store(100, 7).save(dir.path()).unwrap();
    assert_eq!(
        contents(&serving),
        before,
        "the mapped version changed under its reader"
    );
    let reopened = TxStore::open(dir.path()).unwrap();
    assert_eq!(reopened.len(), 100);
    assert_eq!(
        reopened.transfer(3).amount,
        store(100, 7).transfer(3).amount
    );
    // Nothing is left under a temporary name.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".saving")), "{names:?}");
}

#[test]
fn a_failed_save_leaves_the_previous_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    store(1_000, 1).save(dir.path()).unwrap();
    // A directory where one column's temporary file must go: writing it fails half-way
    // through the save.
    std::fs::create_dir(dir.path().join("tx.u32.bin.saving")).unwrap();
    let err = store(10, 3).save(dir.path()).unwrap_err();
    assert!(err.to_string().contains("tx.u32.bin"), "{err}");
    std::fs::remove_dir(dir.path().join("tx.u32.bin.saving")).unwrap();
    let s = TxStore::open(dir.path()).expect("the previous store still opens");
    assert_eq!(s.len(), 1_000);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".saving"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
