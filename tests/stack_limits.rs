//! No setting of `Limits` overflows the stack: deep recursion under any
//! call depth and stack size ends in an error.

use mla::{ErrorKind, Interpreter, Limits, SharedBuffer};

fn deep(limits: Limits) -> mla::Error {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    mla.set_limits(limits);
    mla.run("function f(n)\n  r = 1 + f(n + 1);\nend\nf(1)")
        .unwrap_err()
}

#[test]
fn max_call_depth_10_000_000_with_the_default_stack_is_an_error() {
    let e = deep(Limits {
        max_call_depth: 10_000_000,
        ..Limits::default()
    });
    assert_eq!(e.kind(), ErrorKind::Recursion, "{e}");
}

#[test]
fn a_256_kib_stack_with_the_default_depth_is_an_error() {
    let e = deep(Limits {
        stack_bytes: 256 << 10,
        ..Limits::default()
    });
    assert_eq!(e.kind(), ErrorKind::Recursion, "{e}");
}
