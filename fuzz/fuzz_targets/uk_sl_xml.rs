#![no_main]
//! Fuzzes the UkSlXml parser: any bytes must give entities, diagnostics or an error, never a panic.

use cordon_lists::{CollectSink, Format, parse_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sink = CollectSink::default();
    let _ = parse_bytes(Format::UkSlXml, "UK_Sanctions_List.xml", data, &mut sink);
});
