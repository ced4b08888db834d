//! Memory as an error, never an abort: each reproducer of issue 10 under a
//! small memory budget is a `Memory` error, and the interpreter goes on.

use mla::{ErrorKind, Interpreter, Limits, SharedBuffer};
use std::time::{Duration, Instant};

/// An interpreter whose process may hold at most `bytes` more than now.
fn budgeted(bytes: usize) -> Interpreter {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    mla.set_limits(Limits {
        max_memory_bytes: Some(resident_now() + bytes),
        ..Limits::default()
    });
    mla
}

/// What the memory meter reads now (the resident size: this test binary
/// installs no counting allocator).
fn resident_now() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn memory_error(mla: &mut Interpreter, script: &str) {
    let e = mla.run(script).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory, "{script}: {e}");
    assert!(e.to_string().contains("not enough memory"), "{script}: {e}");
    mla.run("after = 1 + 1;").expect("the interpreter goes on");
}

#[cfg(target_os = "linux")]
#[test]
fn rand_1e9_ones_20000_range_2_30_and_broadcast_a_plus_a_t_are_memory_errors() {
    let mut mla = budgeted(256 << 20);
    for script in [
        "x = rand(1e9, 1);",
        "x = ones(20000, 20000);",
        "x = 1:2^30;",
        "A = ones(30000, 1); B = A + A';",
    ] {
        memory_error(&mut mla, script);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn repeated_doubling_of_matrices_and_strings_is_a_memory_error() {
    let mut mla = budgeted(256 << 20);
    memory_error(&mut mla, "x = [1]; for i = 1:40; x = [x x]; end");
    memory_error(&mut mla, "s = \"a\"; for i = 1:40; s = s + s; end");
    memory_error(
        &mut mla,
        "A = ones(3000); B = A + 1; C = B + 1; D = C + 1; E = D + 1; F = E + 1;",
    );
}

#[cfg(target_os = "linux")]
#[test]
fn sprintf_width_past_the_budget_is_a_memory_error() {
    let mut mla = budgeted(64 << 20);
    memory_error(&mut mla, "s = sprintf(\"%1000d\", zeros(1e6, 1));");
}

#[cfg(target_os = "linux")]
#[test]
fn a_10_mb_source_line_past_the_budget_is_a_memory_error() {
    let mut mla = budgeted(256 << 20);
    let line = format!("x = [{}];", "1 ".repeat(5_000_000));
    let e = mla.run(&line).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory, "{e}");
    assert!(e.to_string().contains("too large to parse"), "{e}");
}

#[test]
fn for_over_zeros_2_3e7_yields_columns_lazily() {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    let t = Instant::now();
    mla.run("for c = zeros(2, 3e7)\n  break\nend").unwrap();
    // Building 3e7 columns first took tens of seconds and gigabytes.
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(mla.get::<Vec<f64>>("c").unwrap(), vec![0.0, 0.0]);
}
