#![no_main]
//! Fuzzes the Parquet transfer-table reader: any bytes must give transfers, diagnostics or an
//! error, never a panic (seed the corpus with files written by `cordon tx ingest
//! --parquet-out`, so mutations reach the page decoders).

use std::path::Path;

use cordon_tx::{TokenRegistry, TxStoreBuilder, read_parquet_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut b = TxStoreBuilder::new(TokenRegistry::with_defaults());
    if read_parquet_bytes(&mut b, data.to_vec(), Path::new("fuzz.parquet")).is_ok() {
        let _ = b.build();
    }
});
