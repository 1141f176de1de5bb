#![no_main]
//! Fuzzes the transfer CSV reader (every layout it recognises from the header: canonical,
//! Ethereum-ETL, cryo, decimal edges) and the store build after it: any bytes must give
//! transfers, diagnostics or an error, never a panic.

use std::io::Cursor;
use std::path::Path;

use cordon_tx::{IngestOptions, TokenRegistry, TxStoreBuilder, ingest_csv_reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
    let opts = IngestOptions::default();
    if ingest_csv_reader(&mut b, Cursor::new(data), Path::new("fuzz.csv"), &opts).is_ok() {
        let _ = b.build();
    }
});
