//! Top-level loops in the tier must be invisible too: each program prints,
//! returns, leaves its variables and fails the same with the tier on and
//! off, and says how many loops the tier should have run to the end.

use crate::{render_plain, Interpreter, SharedBuffer};
use mla_runtime::Value;

/// Output (or rendered error), the value `run` gave, and the number of
/// loops the tier finished.
fn run(code: &str, tier: bool) -> (String, String, u64) {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    mla.set_warning_output(Box::new(out.clone()));
    mla.scalar_tier = tier;
    let (text, value) = match mla.run("t.mla", code) {
        Ok(v) => (out.take(), describe(&v)),
        Err(e) => (format!("{}{}", out.take(), render_plain(&e)), String::new()),
    };
    (text, value, mla.scalar_loops)
}

fn describe(v: &Value) -> String {
    match v {
        Value::Num(x) => format!("{x:?}"),
        other => other.describe(),
    }
}

/// Runs `code` both ways; the shared output and the tier's loop count.
fn same(code: &str) -> (String, u64) {
    let (general, general_value, none) = run(code, false);
    let (tiered, tiered_value, loops) = run(code, true);
    assert_eq!(none, 0);
    assert_eq!(
        general, tiered,
        "the tier changed what this prints:\n{code}"
    );
    assert_eq!(
        general_value, tiered_value,
        "the tier changed what this returns:\n{code}"
    );
    (tiered, loops)
}

const FIB: &str = "function r = fib(n)\n  if n < 2\n    r = n;\n  else\n    r = fib(n - 1) + fib(n - 2);\n  end\nend\n";

#[test]
fn a_script_loop_runs_in_the_tier() {
    let (out, loops) = same("s = 0; for i = 1:1000; s = s + i * 0.5; end\ns\ni\n");
    assert_eq!(out, "s = 250250\ni = 1000\n");
    assert_eq!(loops, 1);
}

#[test]
fn while_break_continue_and_nested_loops() {
    let code = "k = 0; n = 0;
while true
  k += 1;
  if mod(k, 2) == 0, continue; end
  n = n + k;
  if k >= 9 || n > 1e6, break; end
end
[k n]
t = 0;
for i = 1:4
  for j = i:4
    t = t + i * j;
  end
end
[t i j]
";
    let (out, loops) = same(code);
    assert!(out.contains("9  25") && out.contains("65"), "{out}");
    assert_eq!(loops, 2);
}

#[test]
fn loops_call_functions_of_the_tier() {
    let (out, loops) = same(&format!(
        "{FIB}c = 2; s = 0;\nfor i = 1:12; s = s + c * fib(i); end\ns\n"
    ));
    assert_eq!(out, "s = 752\n");
    assert_eq!(loops, 1);
}

#[test]
fn what_a_loop_leaves_is_the_general_evaluators() {
    for (code, loops) in [
        // no iteration: nothing is assigned, not even the loop variable
        ("i = 7; for i = 1:0; t = 1; end\ni\nt\n", 1),
        // a variable read before the loop assigns it must exist
        ("for i = 1:3; u = u + i; end\n", 0),
        // ... and be a number
        ("s = [1 2]; for i = 1:3; s = s + i; end\ns\n", 0),
        ("b = true; for i = 1:3; b = b + i; end\nb\n", 0),
        // a matrix assigned over by numbers
        ("m = [1 2]; for i = 1:3; m = i; end\nm\n", 1),
        // a name of a builtin taken by a variable
        ("for i = 1:3; sum = i * 2; end\nsum\n", 1),
        // a result shown each time: not for the tier
        ("for i = 1:2; x = i\nend\n", 0),
        ("for i = 1:2; i * 2\nend\n", 0),
        ("s = 0; for i = 1:5; s = s + sqrt(3 - i); end\ns\n", 1),
        // an error part-way: the loop runs again and fails where it fails,
        // with what it assigned before
        ("s = 0; for i = 1:5; s = s + clamp(i, 3, 6 - i); end\n", 0),
        (
            "try\n s = 0; for i = 1:5; s = s + clamp(i, 3, 6 - i); end\ncatch e\nend\n[s i]\n",
            0,
        ),
        // errors as the general evaluator words and places them
        ("for i = 1:3; y = nothere + i; end\n", 0),
        ("s = 0; for i = 1:3; s = s + nofunc(i); end\n", 0),
        ("for i = 1:NaN; end\n", 0),
        ("q = 0; for i = 1:3; q(i) = i; end\nq\n", 0),
        // a function it calls reads a name the loop holds from the
        // workspace, as it stands at each call
        (
            "function r = g(x)\n  r = x + s;\nend\ns = 0; for i = 1:3; s = g(i); end\ns\n",
            0,
        ),
        (
            "h(k) = k * e\ne = [1 2 3]; for i = 1:3; e[i] = h(i); end\ne\n",
            0,
        ),
        // the statement's value is what it assigned last
        ("for i = 1:3; a = i; if i > 1; b = -i; end; end\n", 1),
        ("for i = 1:3; end\n", 1),
    ] {
        let (out, ran) = same(code);
        assert_eq!(ran, loops, "{code}\n{out}");
    }
}

#[test]
fn elements_of_matrices_are_read_and_written_in_place() {
    for (code, loops) in [
        (
            "n = 1000; x = zeros(1, n);\nfor i = 2:n; x[i] = 0.5 * x[i-1] + 1; end\nsum(x)\n",
            1,
        ),
        (
            "A = zeros(3, 4);\nfor i = 1:3; for j = 1:4; A[i, j] = i * 10 + j; end; end\nA\n",
            1,
        ),
        (
            "c = zeros(1, 3);\nfor k = 1:10; c[mod(k, 3) + 1] += k; end\nc\n",
            1,
        ),
        (
            "w = [1 2 3]; s = 0;\nfor i = 1:3; s = s + w[i] * w[4 - i]; end\ns\n",
            1,
        ),
    ] {
        let (out, ran) = same(code);
        assert_eq!(ran, loops, "{code}\n{out}");
    }
    let (out, _) = same("c = zeros(1, 3);\nfor k = 1:10; c[mod(k, 3) + 1] += k; end\nc\n");
    assert_eq!(out, "c = 1×3 Matrix\n  18  22  15\n");
}

#[test]
fn a_loop_that_gives_up_leaves_its_matrices_as_they_were() {
    for code in [
        // growing the matrix is the general evaluator's
        "x = zeros(1, 3); for i = 1:5; x[i] = i; end\nx\n",
        // more writes than elements before giving up (the whole matrix
        // is kept), fewer (each old element is), and storage shared with
        // another variable (the copy is dropped)
        "x = zeros(1, 3); for k = 1:10; x[mod(k, 3) + 1] += 1; if k == 9; x[5] = 1; end; end\nx\n",
        "x = zeros(1, 10); for k = 1:4; if k == 4; x[12] = 1; else; x[k] += 1; end; end\nx\n",
        "x = ones(1, 3); y = x; for k = 1:4; x[k] += 1; end\nx\ny\n",
        // not a matrix of numbers
        "x = 5; for i = 1:2; x[i] = i; end\nx\n",
        "m = [true false]; for i = 1:2; m[i] = 1; end\nm\n",
        // an element outside the matrix, or not a whole number
        "x = [1 2]; for i = 1:3; s = x[i]; end\n",
        "x = [1 2]; s = 0; for i = 1:3; s = s + x[i / 2]; end\n",
        "try\n x = [1 2 3]; for i = 1:4; x[i] = x[i] * 2; y = x[5 - i] + x[i + 1]; end\ncatch e\n disp(e)\nend\nx\n",
    ] {
        let (out, ran) = same(code);
        assert_eq!(ran, 0, "{code}\n{out}");
    }
}

/// A loop's value (what `run` gives when it ends a program) is the last
/// variable it assigned, an indexed one included.
#[test]
fn a_loop_ending_in_an_element_write_gives_that_matrix() {
    let (_, loops) = same("x = zeros(1, 3); y = 5; for i = 1:3; x[i] = i * 2; end");
    assert_eq!(loops, 1);
    let (_, loops) = same("x = zeros(1, 3); y = 5; for i = 1:3; x[i] = i; y = i; end");
    assert_eq!(loops, 1);
    let (_, loops) = same("x = zeros(1, 3); y = 5; for i = 1:3; y = i; x[i] = y; end");
    assert_eq!(loops, 1);
}
