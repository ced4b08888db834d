//! Memory as an error, never an abort. Large allocations (matrices,
//! strings, results) first ask [`reserve`] whether they fit in the memory
//! budget: the bytes the process holds now plus the request must stay under
//! it, and under an address-space limit (`ulimit -v`) the request must fit
//! in what is left of the address space. The budget is three quarters of
//! physical memory unless the host sets it ([`MemoryBudget::set`], which
//! the evaluator does from `Limits::max_memory_bytes`).
//!
//! What the process holds is read from a meter: a counting allocator's
//! live bytes when the host installs one ([`set_meter`], as the `mla`
//! command does), otherwise the resident size the system reports. Reading
//! it costs microseconds, so only requests of [`CHECKED_FROM`] bytes or
//! more look; smaller ones cannot alone take a process down.
//!
//! The check happens before the allocation; [`try_vec`] then allocates
//! fallibly too, so an allocation the system still refuses is an error.

use crate::error::{Result, RuntimeError};
use std::cell::Cell;
use std::sync::OnceLock;

/// Requests smaller than this skip the budget check.
pub const CHECKED_FROM: usize = 1 << 20;

thread_local! {
    /// The budget of this thread's evaluation, in bytes (`None`: the
    /// default).
    static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
}

static METER: OnceLock<fn() -> usize> = OnceLock::new();
static DEFAULT: OnceLock<usize> = OnceLock::new();

/// Measures what the process holds with `meter` (bytes allocated and not
/// freed), instead of the resident size. Only the first call counts.
pub fn set_meter(meter: fn() -> usize) {
    let _ = METER.set(meter);
}

/// Bytes the process holds now, as the meter or the system says.
pub fn held() -> usize {
    match METER.get() {
        Some(meter) => meter(),
        None => resident().unwrap_or(0),
    }
}

/// The budget of this thread now.
pub fn budget() -> usize {
    BUDGET.with(Cell::get).unwrap_or_else(default_budget)
}

/// The default budget: three quarters of physical memory (8 GiB where it
/// cannot be read). Under an address-space limit, [`reserve`] also keeps
/// each request within what is left of it.
pub fn default_budget() -> usize {
    *DEFAULT.get_or_init(|| meminfo_total().map_or(8 << 30, |t| t / 4 * 3))
}

/// Sets this thread's memory budget while it lives, then restores the
/// previous one.
#[must_use = "the budget holds only while the guard lives"]
pub struct MemoryBudget {
    previous: Option<usize>,
}

impl MemoryBudget {
    /// Budgets `bytes` (`None`: the default).
    pub fn set(bytes: Option<usize>) -> Self {
        MemoryBudget {
            previous: BUDGET.with(|b| b.replace(bytes)),
        }
    }
}

impl Drop for MemoryBudget {
    fn drop(&mut self) {
        BUDGET.with(|b| b.set(self.previous));
    }
}

/// Whether `bytes` more fit in the budget; an error saying how much is
/// asked, held and allowed when they do not.
pub fn reserve(bytes: usize) -> Result<()> {
    if bytes < CHECKED_FROM {
        return Ok(());
    }
    let budget = budget();
    let held = held();
    // Under an address-space limit, what is left of it counts too: thread
    // stacks and mapped code use it without being held.
    let unmapped = address_space_limit()
        .and_then(|limit| Some(limit.saturating_sub(virtual_size()?)))
        .unwrap_or(usize::MAX);
    if held.saturating_add(bytes) > budget {
        return Err(RuntimeError::OutOfMemory {
            bytes: bytes as f64,
            held: held as f64,
            budget: budget as f64,
        });
    }
    if bytes > unmapped {
        return Err(RuntimeError::AddressSpace {
            bytes: bytes as f64,
            left: unmapped as f64,
        });
    }
    Ok(())
}

/// [`reserve`] for `n` elements of `size` bytes.
pub fn reserve_elements(n: usize, size: usize) -> Result<()> {
    match n.checked_mul(size) {
        Some(bytes) => reserve(bytes),
        None => Err(RuntimeError::OutOfMemory {
            bytes: n as f64 * size as f64,
            held: held() as f64,
            budget: budget() as f64,
        }),
    }
}

/// An empty vector with room for `n` elements, checked against the budget
/// and allocated fallibly.
pub fn try_vec<T>(n: usize) -> Result<Vec<T>> {
    reserve_elements(n, std::mem::size_of::<T>())?;
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| RuntimeError::OutOfMemory {
            bytes: n as f64 * std::mem::size_of::<T>() as f64,
            held: held() as f64,
            budget: budget() as f64,
        })?;
    Ok(v)
}

/// `n` copies of `x` in a vector allocated through [`try_vec`].
pub fn try_filled<T: Clone>(n: usize, x: T) -> Result<Vec<T>> {
    let mut v = try_vec(n)?;
    v.resize(n, x);
    Ok(v)
}

/// A field of `/proc/meminfo`-style text in bytes (`MemTotal:  16 kB`).
fn kb_field(text: &str, key: &str) -> Option<usize> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: usize = line[key.len()..].split_whitespace().next()?.parse().ok()?;
    kb.checked_mul(1024)
}

fn meminfo_total() -> Option<usize> {
    kb_field(&std::fs::read_to_string("/proc/meminfo").ok()?, "MemTotal:")
}

fn virtual_size() -> Option<usize> {
    kb_field(
        &std::fs::read_to_string("/proc/self/status").ok()?,
        "VmSize:",
    )
}

fn resident() -> Option<usize> {
    kb_field(
        &std::fs::read_to_string("/proc/self/status").ok()?,
        "VmRSS:",
    )
}

/// The soft address-space limit (`ulimit -v`), from `/proc/self/limits`,
/// read once.
fn address_space_limit() -> Option<usize> {
    static LIMIT: OnceLock<Option<usize>> = OnceLock::new();
    *LIMIT.get_or_init(read_address_space_limit)
}

fn read_address_space_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    let soft = line["Max address space".len()..]
        .split_whitespace()
        .next()?;
    soft.parse().ok()
}

/// Refuse to allocate matrices with more elements than this (8 GiB of f64),
/// unless an embedder sets another limit.
pub const MAX_ELEMENTS: usize = 1 << 30;

thread_local! {
    /// The most elements one allocation may have on this thread. The
    /// interpreter sets it around each evaluation (with
    /// [`AllocationLimit`]), so the checks deep in the operators need no
    /// parameter threaded through every call.
    static ALLOCATION_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_ELEMENTS) };
}

/// The most elements one allocation may have now (on this thread).
pub fn allocation_limit() -> usize {
    ALLOCATION_LIMIT.with(|l| l.get())
}

/// Sets the allocation limit of this thread while it lives, then puts the
/// previous one back (so nested evaluations restore their caller's).
#[must_use = "the limit holds only while the guard lives"]
pub struct AllocationLimit {
    previous: usize,
}

impl AllocationLimit {
    /// Limits allocations to `elements` elements each.
    pub fn set(elements: usize) -> Self {
        AllocationLimit {
            previous: ALLOCATION_LIMIT.with(|l| l.replace(elements)),
        }
    }
}

impl Drop for AllocationLimit {
    fn drop(&mut self) {
        ALLOCATION_LIMIT.with(|l| l.set(self.previous));
    }
}

/// Checks that an `r×c` allocation is within the [`allocation_limit`] and
/// fits in the memory budget ([`reserve`]).
pub fn check_alloc(rows: usize, cols: usize) -> Result<()> {
    let limit = allocation_limit();
    match rows.checked_mul(cols) {
        Some(n) if n <= limit => reserve_elements(n, 8),
        _ => Err(RuntimeError::TooLarge {
            rows: rows as f64,
            cols: cols as f64,
            limit,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_proc_files() {
        let meminfo = "MemTotal:       24000000 kB\nMemFree:  100 kB\n";
        assert_eq!(kb_field(meminfo, "MemTotal:"), Some(24_000_000 * 1024));
        assert_eq!(kb_field(meminfo, "Swap:"), None);
    }

    #[test]
    fn a_request_over_the_budget_is_an_error_and_small_ones_pass() {
        let _b = MemoryBudget::set(Some(held() + (64 << 20)));
        assert!(reserve(1 << 20).is_ok());
        let e = reserve(1 << 30).unwrap_err();
        assert!(matches!(e, RuntimeError::OutOfMemory { .. }), "{e}");
        assert!(e.to_string().contains("1 GiB"), "{e}");
        assert!(try_vec::<f64>(1 << 27).is_err());
        assert!(reserve_elements(usize::MAX, 8).is_err());
        let _none = MemoryBudget::set(Some(0));
        assert!(reserve(100).is_ok(), "small requests are not checked");
    }

    #[test]
    fn the_default_budget_is_some_memory() {
        assert!(default_budget() >= 64 << 20);
    }
}
