//! Test support shared by Cordon's crates; a dev-dependency only, never linked into a program.
//!
//! [`proptest_cases`] gives a property test its usual number of cases in the suite and lets a
//! long run raise it: `PROPTEST_CASES=20000 cargo test -p cordon-lists` reaches every property
//! that uses it.
//!
//! ```
//! // In a test module: `#![proptest_config(cordon_testkit::proptest_cases(64))]`
//! // as the first line of a `proptest::proptest!` block.
//! let config = cordon_testkit::proptest_cases(64);
//! if std::env::var_os("PROPTEST_CASES").is_none() {
//!     assert_eq!(config.cases, 64);
//! }
//! ```

use proptest::prelude::ProptestConfig;

/// `cases` cases a run, or `PROPTEST_CASES` when it is set.
///
/// Why not `ProptestConfig::with_cases(cases)`: proptest reads `PROPTEST_CASES` only into its
/// default configuration, so an explicit count is never raised by it, and a long run meant to
/// find rare failures (two have been found that way) would silently skip the property.
pub fn proptest_cases(cases: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    match std::env::var_os("PROPTEST_CASES") {
        Some(_) => default,
        None => ProptestConfig { cases, ..default },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_given_is_kept_unless_the_environment_sets_one() {
        let config = proptest_cases(7);
        if std::env::var_os("PROPTEST_CASES").is_some() {
            assert_eq!(config.cases, ProptestConfig::default().cases);
        } else {
            assert_eq!(config.cases, 7);
        }
    }
}
