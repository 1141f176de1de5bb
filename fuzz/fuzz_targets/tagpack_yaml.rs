#![no_main]
//! Fuzzes the GraphSense TagPack parser (YAML, header inheritance, per-chain address checks):
//! any text must give tags, diagnostics or an error, never a panic.

use std::path::Path;

use cordon_wallets::parse_tagpack;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_tagpack(Path::new("fuzz.yaml"), text, &mut Vec::new());
    }
});
