//! The memory allocator of Cordon's programs: [mimalloc], set up for a process that holds a
//! large index and answers many small requests.
//!
//! Linking this crate makes mimalloc the global allocator; the `cordon` binary and the
//! benchmarks that measure it link it the same way, so the numbers are those of the product.
//! Call [`keep_freed_memory`] first thing in `main`.
//!
//! ```no_run
//! use cordon_alloc as _; // mimalloc is now the global allocator
//!
//! fn main() {
//!     cordon_alloc::keep_freed_memory();
//!     // … build the index, serve requests …
//! }
//! ```
//!
//! Why: with its default settings mimalloc hands memory freed for a second back to the
//! system, and the next allocation faults it in again, each fault clearing a 2 MiB huge page.
//! A screening allocates and frees a little memory per query, so that cycle repeats all the
//! time: a `screen_latency` run took 1,400–8,900 page faults, and ~500 (the first touches)
//! once freed memory is kept (`docs/benchmarks/screen.md`, "Allocator"). The cost is that the
//! process keeps its peak memory instead of shrinking after it.

use std::ffi::c_int;

/// The allocator of every Cordon program.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (mimalloc.h, v3, as built by
/// libmimalloc-sys 0.1.49); its default is 1,000 ms, which the tests check to catch a
/// renumbering in a new mimalloc.
const MI_OPTION_PURGE_DELAY: c_int = 15;

#[allow(unsafe_code)]
mod ffi {
    use std::ffi::{c_int, c_long};

    // Part of mimalloc's public API, compiled and linked by libmimalloc-sys.
    unsafe extern "C" {
        #[cfg(test)]
        pub(super) fn mi_option_get(option: c_int) -> c_long;
        pub(super) fn mi_option_set(option: c_int, value: c_long);
    }

    #[cfg(test)]
    pub(super) fn get(option: c_int) -> c_long {
        // SAFETY: reads one option; any option number is accepted (out of range reads 0).
        unsafe { mi_option_get(option) }
    }

    pub(super) fn set(option: c_int, value: c_long) {
        // SAFETY: sets one option; mimalloc reads options atomically on every use.
        unsafe { mi_option_set(option, value) }
    }
}

/// Keeps memory the program frees for its next allocations instead of returning it to the
/// system (mimalloc's purge delay of −1).
pub fn keep_freed_memory() {
    ffi::set(MI_OPTION_PURGE_DELAY, -1);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mimalloc's purge delay in milliseconds (−1: freed memory is kept).
    fn purge_delay_ms() -> std::ffi::c_long {
        ffi::get(MI_OPTION_PURGE_DELAY)
    }

    #[test]
    fn purge_delay_is_the_option_we_set() {
        // mimalloc's own default for the purge delay: a different value means the option
        // numbers moved and MI_OPTION_PURGE_DELAY names another option.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay_ms(), 1000);
        }
        keep_freed_memory();
        assert_eq!(purge_delay_ms(), -1);
        // The allocator still works.
        let v: Vec<u64> = (0..100_000).collect();
        assert_eq!(v.iter().sum::<u64>(), 4_999_950_000);
    }
}
