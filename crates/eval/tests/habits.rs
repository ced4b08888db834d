//! Habits people bring from MATLAB, Octave and NumPy that MLA follows.

use mla_eval::{ErrorKind, Interpreter, SharedBuffer};

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

fn run(mla: &mut Interpreter, code: &str) -> String {
    mla.run("<t>", code)
        .map(|v| mla_runtime::display::display_plain(&v, mla_runtime::display::DEFAULT_WIDTH))
        .unwrap_or_else(|e| panic!("{code}: {}", mla_eval::render_plain(&e)))
}

#[test]
fn a_zero_argument_builtin_in_value_position_is_called() {
    let (mut mla, _) = interp();
    run(&mut mla, "tic; elapsed = toc; r = rand; f = sum;");
    assert_eq!(run(&mut mla, "typeof(elapsed)"), "number");
    assert_eq!(run(&mut mla, "typeof(r)"), "number");
    // a builtin that needs arguments stays a function value
    assert_eq!(run(&mut mla, "typeof(f)"), "function");
    assert_eq!(run(&mut mla, "f([1 2 3])"), "6");
    // a builtin that gives nothing says so where its value is wanted
    let e = mla.run("<t>", "t = tic").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Results);
}

#[test]
fn one_result_of_svd_is_the_singular_values() {
    let (mut mla, _) = interp();
    run(
        &mut mla,
        "X = [3 1; 1 3; 0 2]; s = svd(X); (U, s2) = svd(X); t = svd(X, 1);",
    );
    assert_eq!(run(&mut mla, "size(s)"), run(&mut mla, "size(s2)"));
    assert_eq!(run(&mut mla, "norm(s - s2)"), "0");
    assert_eq!(run(&mut mla, "t - s[1]"), "0");
}

#[test]
fn one_hot_with_a_count_means_classes_one_to_k() {
    let (mut mla, _) = interp();
    assert_eq!(
        run(&mut mla, "one_hot([1; 3], 3)"),
        run(&mut mla, "[1 0 0; 0 0 1]")
    );
    let e = mla.run("<t>", "one_hot([0; 1; 9], 10)").unwrap_err();
    assert!(
        e.message.contains("label 0 is not one of the classes 1:10"),
        "{}",
        e.message
    );
    assert!(e.message.contains("one_hot(y, 0:9)"), "{}", e.message);
    // a list of classes works as before
    assert_eq!(
        run(&mut mla, "one_hot([0; 2], [0 1 2])"),
        run(&mut mla, "[1 0 0; 0 0 1]")
    );
}

#[test]
fn tuples_index_by_item_and_printf_has_cs_alternate_forms() {
    let (mut mla, out) = interp();
    assert_eq!(
        run(&mut mla, "t = (1, [2 3]); t[2]"),
        run(&mut mla, "[2 3]")
    );
    run(&mut mla, "printf(\"%#x %#o\\n\", 255, 8)");
    assert!(out.take().ends_with("0xff 010\n"));
}

#[test]
fn a_nearly_singular_solve_warns_and_returns_the_result() {
    let (mut mla, _) = interp();
    let warnings = SharedBuffer::new();
    mla.set_warning_output(Box::new(warnings.clone()));
    run(
        &mut mla,
        "A = [1 1; 1 1 + 2e-16];\nx = A \\ [2; 2];\nB = inv(A);",
    );
    let text = warnings.take();
    assert_eq!(text.matches("close to singular").count(), 2, "{text}");
    assert!(text.contains("at <t>:2:7"), "{text}");
    assert!(text.contains("at <t>:3:5"), "{text}");
    assert_eq!(run(&mut mla, "size(x)"), run(&mut mla, "[2 1]"));
    // an exactly singular matrix stays an error, and a good one is quiet
    let e = mla.run("<t>", "[1 2; 2 4] \\ [1; 2]").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Math);
    run(&mut mla, "y = [2 0; 0 1] \\ [1; 1];");
    assert_eq!(warnings.take(), "");
}

#[test]
fn matlab_names_that_differ_point_at_mlas() {
    let (mut mla, _) = interp();
    let e = mla.run("<t>", "class(1)").unwrap_err();
    assert_eq!(e.help.as_deref(), Some("MLA's name for it is `typeof(x)`"));
    let e = mla.run("<t>", "strcmp(\"a\", \"b\")").unwrap_err();
    assert!(e.help.as_deref().unwrap_or("").contains("a == b"));
}
