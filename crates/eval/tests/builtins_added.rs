//! Builtins reached through the evaluator: true/false called as functions,
//! map with a lambda, several results, and grad treating the constant ones
//! as constants.

use mla_eval::{Interpreter, SharedBuffer};

fn run(text: &str) -> Interpreter {
    let mut mla = Interpreter::with_output(Box::new(SharedBuffer::new()));
    mla.run("<test>", text).unwrap();
    mla
}

fn num(mla: &Interpreter, name: &str) -> f64 {
    mla.get(name).unwrap().to_scalar().unwrap()
}

#[test]
fn true_and_false_are_callable() {
    let mla = run("a = true(2, 3);\nb = false(2);\nn = numel(a) + numel(b);\nk = nnz(a) + nnz(b);\nt = true;\ns = true();");
    assert_eq!(num(&mla, "n"), 10.0);
    assert_eq!(num(&mla, "k"), 6.0);
    assert_eq!(mla.get("a").unwrap().kind(), "logical");
    assert_eq!(num(&mla, "t"), 1.0);
    assert_eq!(num(&mla, "s"), 1.0);
}

#[test]
fn map_calls_a_lambda_on_each_element() {
    let mla = run("k = 3;\ny = map((x) -> x^2 + k, [1 2; 3 4]);\ns = sum(y, \"all\");");
    assert_eq!(num(&mla, "s"), 1.0 + 4.0 + 9.0 + 16.0 + 12.0);
    let mut bad = Interpreter::with_output(Box::new(SharedBuffer::new()));
    assert!(bad.run("<test>", "y = map((x) -> [x x], [1 2]);").is_err());
    assert!(bad
        .run("<test>", "y = map((x) -> error(\"no\"), [1 2]);")
        .is_err());
}

#[test]
fn several_results() {
    let mla = run(
        "(tf, loc) = ismember([5 1 2], [1 2 3 1]);\nl = sum(loc);\n(c, e) = histcounts([1 2 2 3], 2);\nce = sum(c) + sum(e);\n(v, V) = eig([4 1; 2 3]);\nr = norm([4 1; 2 3] * V - V * diag(v));",
    );
    assert_eq!(num(&mla, "l"), 3.0);
    assert_eq!(num(&mla, "ce"), 4.0 + 6.0);
    assert!(num(&mla, "r") < 1e-12);
}

#[test]
fn grad_treats_constant_builtins_as_constants() {
    let mla = run("g = grad((x) -> sum(x .* x) * nnz(x), [1 0 2]);\ng1 = g[1];");
    assert_eq!(num(&mla, "g1"), 4.0);
    let mut bad = Interpreter::with_output(Box::new(SharedBuffer::new()));
    assert!(bad
        .run("<test>", "g = grad((x) -> median(x), [1 2 3]);")
        .is_err());
}
