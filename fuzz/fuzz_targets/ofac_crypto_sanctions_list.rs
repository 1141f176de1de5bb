#![no_main]
//! Fuzzes the OfacCryptoSanctionsList parser: any bytes must give entities, diagnostics or an error, never a panic.

use cordon_lists::{CollectSink, Format, parse_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sink = CollectSink::default();
    let _ = parse_bytes(Format::OfacCryptoSanctionsList, "sanctioned-addresses.json", data, &mut sink);
});
