#![no_main]
//! Fuzzes the Etherscan-style per-address export reader (the Bybit hop files: no `from`
//! column, the owner given on the command line, decimal amounts, look-alike symbols) and the
//! store build after it, including the address-poisoning screen.

use std::io::Cursor;
use std::path::Path;

use cordon_tx::{IngestOptions, TokenRegistry, TxStoreBuilder, ingest_csv_reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
    let opts = IngestOptions {
        owner: Some("0x47666fab8bd0ac7003bce3f5c3585383f09486e2".into()),
        ..IngestOptions::default()
    };
    if ingest_csv_reader(&mut b, Cursor::new(data), Path::new("hop.csv"), &opts).is_ok() {
        let _ = b.build();
    }
});
