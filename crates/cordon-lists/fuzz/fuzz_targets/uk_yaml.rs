//! Fuzzes the UkYaml parser: any bytes must give entities, diagnostics or an error, never a panic.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run(cordon_lists::Format::UkYaml, data));
