//! Integration tests: real TagPacks and the real OFAC extractions.

mod real_bybit;
mod real_lists;
mod real_tagpacks;

use std::path::PathBuf;

pub(crate) fn shared() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").into())
}
