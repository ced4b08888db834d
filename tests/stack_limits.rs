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

/// `1+1+…+1` with `terms` ones.
fn ones(terms: usize) -> String {
    vec!["1"; terms].join("+")
}

#[test]
fn a_program_of_2_5_million_terms_is_an_error_not_an_abort() {
    // Issue 10: the 5 MB line overflowed the 1 GiB evaluation stack.
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    let e = mla
        .run(&format!("x = {}\ndisp(x)", ones(2_500_000)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax, "{e}");
    assert!(e.to_string().contains("bytes long"), "{e}");
}

#[test]
fn a_chain_too_deep_over_many_lines_is_an_error_not_an_abort() {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    let src = format!("x = {}", vec!["1"; 300_000].join("+...\n"));
    let e = mla.run(&src).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax, "{e}");
    assert!(e.to_string().contains("levels deep"), "{e}");
}

#[test]
fn the_deepest_chain_allowed_gives_the_right_answer_on_a_host_thread() {
    // At the limit, compiling and evaluating on a 2 MiB thread (a host's
    // usual stack) must fit: the limit was chosen for that.
    let terms = mla_parser::MAX_DEPTH;
    let shapes = [
        (ones(terms), terms as f64),
        (format!("{}1", "-".repeat(terms - 1)), -1.0),
        (vec!["1"; terms].join("^"), 1.0),
        (format!("({}) - 1", ones(terms - 2)), (terms - 3) as f64),
    ];
    for (src, want) in shapes {
        let got = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let mut mla = Interpreter::with_output(SharedBuffer::new());
                let f = mla.compile(&src).unwrap();
                f.eval::<f64>(&mut mla).unwrap()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(got, want);
    }
}

#[test]
fn the_deepest_chain_allowed_runs_under_a_256_kib_stack_setting() {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    mla.set_limits(Limits {
        stack_bytes: 256 << 10,
        ..Limits::default()
    });
    mla.run(&format!("x = {}", ones(mla_parser::MAX_DEPTH)))
        .unwrap();
    assert_eq!(mla.get::<f64>("x").unwrap(), mla_parser::MAX_DEPTH as f64);
}
