#![no_main]
//! Fuzzes STIX 2.1 bundle import (`parse_bundle` and the mapping to entities, through the
//! StixBundle list format): any bytes must give entities, diagnostics or an error, never a panic.

use cordon_lists::{CollectSink, Format, parse_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sink = CollectSink::default();
    let _ = parse_bytes(Format::StixBundle, "bundle.json", data, &mut sink);
});
