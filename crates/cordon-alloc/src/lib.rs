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
//!
//! The global allocator calls mimalloc's plain `mi_malloc` for the usual layouts (alignment
//! at most 16 and at most the size, which mimalloc's blocks always meet), and its aligned
//! entry points only for the rest. The `mimalloc` crate calls the aligned ones for every
//! allocation: ~6 % of a pair comparison's instructions went to that detour.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{c_int, c_void};

use libmimalloc_sys as mi;

/// The allocator of every Cordon program.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// mimalloc behind Rust's allocator interface.
struct MiMalloc;

/// The alignment every mimalloc block of at least this size has (`MI_MAX_ALIGN_SIZE`); a
/// smaller block is aligned to its size's largest power-of-two divisor, and a Rust layout's
/// size is a multiple of its alignment.
const PLAIN_ALIGN: usize = 16;

/// True when `mi_malloc(size)` already gives the layout's alignment.
fn plain(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

// SAFETY (all four): mimalloc's functions are thread-safe; every pointer handed to `mi_free`
// or `mi_realloc*` came from this allocator; the aligned variants are used whenever the
// plain ones would not meet the layout's alignment (see `plain`).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

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

    /// Every layout Rust can ask for (size a multiple of the alignment) gets its alignment,
    /// through the plain and the aligned paths, on allocation, zeroed allocation and growth.
    #[test]
    #[allow(unsafe_code)]
    fn every_layout_gets_its_alignment() {
        for align in (0..=12).map(|p| 1usize << p) {
            for size in (1..=64).map(|k| k * align).filter(|&s| s <= 1 << 16) {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero-sized layout; every pointer is freed with its layout.
                unsafe {
                    let p = ALLOCATOR.alloc(layout);
                    assert!(!p.is_null() && p.align_offset(align) == 0, "{layout:?}");
                    p.write_bytes(0xa5, size);
                    let grown = ALLOCATOR.realloc(p, layout, size * 3);
                    assert!(grown.align_offset(align) == 0, "{layout:?} grown");
                    assert_eq!(*grown.add(size - 1), 0xa5);
                    ALLOCATOR.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                    let z = ALLOCATOR.alloc_zeroed(layout);
                    assert!(z.align_offset(align) == 0, "{layout:?} zeroed");
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                    ALLOCATOR.dealloc(z, layout);
                }
            }
        }
    }
}
