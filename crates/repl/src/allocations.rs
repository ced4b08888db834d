//! The process's allocations, counted for `@time`: the system allocator
//! wrapped in a counter (two atomic additions per request). The counts are
//! process-wide, so work on other threads during a timed statement (faer's
//! helpers, an abandoned decomposition) is counted too.

use mla::Allocations;
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations since the process started (reallocations count as one each,
/// with the bytes they grew by).
pub fn so_far() -> Allocations {
    let s = GLOBAL.stats();
    Allocations {
        count: (s.allocations + s.reallocations) as u64,
        bytes: s.bytes_allocated as u64,
    }
}

/// Bytes allocated and not yet freed: what the memory budget measures.
pub fn held() -> usize {
    let s = GLOBAL.stats();
    let live =
        s.bytes_allocated as i128 - s.bytes_deallocated as i128 + s.bytes_reallocated as i128;
    live.max(0) as usize
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_vector_is_counted() {
        let before = super::so_far();
        let v: Vec<u8> = Vec::with_capacity(4096);
        let after = super::so_far();
        assert!(after.count > before.count);
        assert!(after.bytes - before.bytes >= 4096);
        drop(v);
    }
}
