//! FNV-1a (64 bits) over everything formatted into it: a digest that is stable across runs and
//! toolchains, for the examples that prove a speed change changed no output
//! (`analysis_digest` here, `score_pairs` in cordon-match, which includes this file).

use std::fmt;

/// FNV-1a over everything written into it.
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}
