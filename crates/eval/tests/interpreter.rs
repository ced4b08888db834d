//! The evaluator as embedders and the REPL see it: state across runs, errors
//! that keep the workspace, copy-on-write, scoping and limits.

use mla_eval::{ErrorKind, Interpreter, Limits, SharedBuffer, Value};
use std::sync::Arc;

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

fn num(mla: &Interpreter, name: &str) -> f64 {
    mla.get(name).unwrap().to_scalar().unwrap()
}

#[test]
fn errors_keep_every_variable() {
    let (mut mla, _) = interp();
    mla.run("<1>", "a = 1; b = [1 2 3];").unwrap();
    assert!(mla.run("<2>", "c = 5; d = b * b").is_err());
    assert!(mla.run("<3>", "e = (1 +").is_err());
    assert_eq!(num(&mla, "a"), 1.0);
    assert_eq!(mla.get("b").unwrap().shape(), (1, 3));
    // statements before the failure keep their effect, as in MATLAB
    assert_eq!(num(&mla, "c"), 5.0);
    assert!(mla.get("d").is_none() && mla.get("e").is_none());
    mla.run("<4>", "f = a + 1;").unwrap();
    assert_eq!(num(&mla, "f"), 2.0);
}

#[test]
fn error_inside_function_leaves_no_frame_behind() {
    let (mut mla, _) = interp();
    mla.run("<1>", "function f(x)\n y = x * [1 2];\n return y * y\nend")
        .unwrap();
    assert!(mla.run("<2>", "f(1)").is_err());
    // the next entry runs at top level again: assignments reach the workspace
    mla.run("<3>", "z = 3;").unwrap();
    assert_eq!(num(&mla, "z"), 3.0);
}

#[test]
fn assignment_shares_then_copies_on_write() {
    let (mut mla, _) = interp();
    mla.run("<1>", "A = ones(500, 500); B = A;").unwrap();
    let (Some(Value::Matrix(a)), Some(Value::Matrix(b))) = (mla.get("A"), mla.get("B")) else {
        panic!("matrices")
    };
    assert!(Arc::ptr_eq(a, b), "B = A copies nothing");
    mla.run("<2>", "B[1] = 0;").unwrap();
    assert_eq!(mla.run("<3>", "A[1]").unwrap().to_scalar().unwrap(), 1.0);
    assert_eq!(mla.run("<4>", "B[1]").unwrap().to_scalar().unwrap(), 0.0);
}

#[test]
fn in_place_update_does_not_copy_unshared_storage() {
    let (mut mla, _) = interp();
    mla.run("<1>", "A = zeros(100, 100);").unwrap();
    let before = match mla.get("A") {
        Some(Value::Matrix(a)) => Arc::as_ptr(a),
        _ => panic!(),
    };
    mla.run("<2>", "for i = 1:100\n A[i, i] = i;\nend").unwrap();
    let after = match mla.get("A") {
        Some(Value::Matrix(a)) => Arc::as_ptr(a),
        _ => panic!(),
    };
    assert_eq!(before, after, "indexed assignment wrote in place");
    assert_eq!(
        mla.run("<3>", "trace(A)").unwrap().to_scalar().unwrap(),
        5050.0
    );
}

#[test]
fn functions_read_the_workspace_at_call_time_and_never_write_it() {
    let (mut mla, _) = interp();
    mla.run("<1>", "X = [1 2; 3 4]; y = [1; 1];\nloss(w) = mse(X * w, y);\nfunction poke()\n X = 0; X2 = 1;\nend").unwrap();
    let l1 = mla.run("<2>", "loss([0; 0])").unwrap().to_scalar().unwrap();
    assert_eq!(l1, 1.0);
    mla.run("<3>", "y = [2; 2];").unwrap();
    let l2 = mla.run("<4>", "loss([0; 0])").unwrap().to_scalar().unwrap();
    assert_eq!(l2, 4.0);
    mla.run("<5>", "poke()").unwrap();
    assert_eq!(mla.get("X").unwrap().shape(), (2, 2));
    assert!(mla.get("X2").is_none());
}

#[test]
fn functions_defined_in_one_entry_report_errors_in_their_own_source() {
    let (mut mla, _) = interp();
    mla.run("<def>", "bad(x) = x * [1 2 3]").unwrap();
    let e = mla.run("<use>", "bad([1 2])").unwrap_err();
    assert_eq!(e.source.name, "<def>");
    assert_eq!(e.line_col(), (1, 12));
    assert_eq!(e.trace.len(), 1);
    assert_eq!(e.trace[0].source.name, "<use>");
}

#[test]
fn display_follows_semicolons() {
    let (mut mla, out) = interp();
    mla.run("<1>", "x = 1;\ny = 2\n3 + 4;\n5 + 6\nx").unwrap();
    assert_eq!(out.take(), "y = 2\nans = 11\nx = 1\n");
    assert_eq!(num(&mla, "ans"), 11.0);
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    let (mut mla, _) = interp();
    let e = mla
        .run(
            "<1>",
            "function r = down(n)\n r = down(n + 1);\nend\ndown(1)",
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Recursion);
    mla.set_limits(Limits {
        max_call_depth: 10,
        ..Limits::default()
    });
    let e = mla.run("<2>", "down(1)").unwrap_err();
    assert!(e.message.contains("10 deep"), "{}", e.message);
    // recursion within the limit works
    mla.set_limits(Limits::default());
    mla.run("<3>", "fib(n) = n * (n <= 1) + (n > 1) * 0; function r = f(n)\n if n <= 1\n r = n;\n else\n r = f(n-1) + f(n-2);\n end\nend").unwrap();
    assert_eq!(mla.run("<4>", "f(15)").unwrap().to_scalar().unwrap(), 610.0);
}

#[test]
fn long_operator_chains_do_not_overflow() {
    // A chain as long as the parser's depth budget runs; a longer one (it
    // ran up to the evaluation stack before, and aborted past it) is a
    // syntax error that says why.
    let (mut mla, _) = interp();
    let terms = mla_parser::MAX_DEPTH;
    let src = format!("x = {}1;", "1 + ".repeat(terms - 1));
    mla.run("<chain>", &src).unwrap();
    assert_eq!(num(&mla, "x"), terms as f64);
    let src = format!("y = {}1;", "1 + ".repeat(20_000));
    let err = mla.run("<chain>", &src).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    let text = mla_eval::render_plain(&err);
    assert!(text.contains("levels deep"), "{text}");
}

#[test]
fn the_interpreter_moves_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<Interpreter>();
    let (mut mla, _) = interp();
    mla.run("<1>", "a = 41;").unwrap();
    let mla = std::thread::spawn(move || {
        mla.run("<2>", "a += 1;").unwrap();
        mla
    })
    .join()
    .unwrap();
    assert_eq!(num(&mla, "a"), 42.0);
}

#[test]
fn embedders_call_functions_and_exchange_values() {
    let (mut mla, _) = interp();
    mla.set("w", Value::column(vec![1.0, 2.0]));
    mla.run("<1>", "f(v) = sum(v .^ 2);").unwrap();
    let w = mla.get("w").unwrap().clone();
    assert_eq!(mla.call("f", vec![w]).unwrap().to_scalar().unwrap(), 5.0);
    assert_eq!(
        mla.call("sqrt", vec![Value::Num(9.0)])
            .unwrap()
            .to_scalar()
            .unwrap(),
        3.0
    );
    assert!(mla.call("nope", vec![]).is_err());
    assert_eq!(mla.variable_names(), vec!["f", "w"]);
}

#[test]
fn bare_zero_argument_builtins_run_as_commands() {
    let (mut mla, out) = interp();
    mla.run("<1>", "a = 1;\nwho").unwrap();
    assert!(out.take().contains("a  a number"));
}

#[test]
fn printing_with_tuples_and_no_value_calls() {
    let (mut mla, out) = interp();
    assert!(mla.run("<1>", "x = printf(\"hi\\n\")").is_err());
    assert_eq!(out.take(), "hi\n");
}

#[test]
fn an_interrupt_stops_a_runaway_loop_and_keeps_the_workspace() {
    let (mut mla, _) = interp();
    mla.run("<1>", "kept = 42;").unwrap();
    let flag = mla.interrupt_flag();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let e = mla
        .run("<2>", "n = 0;\nwhile true\n n += 1;\nend")
        .unwrap_err();
    stopper.join().unwrap();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert_eq!(num(&mla, "kept"), 42.0);
    assert!(num(&mla, "n") > 0.0);
    // the next entry runs normally
    mla.run("<3>", "m = 1;").unwrap();
    assert_eq!(num(&mla, "m"), 1.0);
}

fn text(mla: &Interpreter, name: &str) -> String {
    match mla.get(name) {
        Some(Value::Str(s)) => s.to_string(),
        other => panic!("`{name}` is {other:?}"),
    }
}

#[test]
fn try_catch_runs_the_handler_with_the_message() {
    let (mut mla, out) = interp();
    mla.run(
        "<1>",
        "a = 1;\ntry\n a = 2;\n y = [1 2 3];\n y[5]\n a = 3;\ncatch err\n print(\"caught\")\nend",
    )
    .unwrap();
    // what ran before the error stays done; what follows it never runs
    assert_eq!(num(&mla, "a"), 2.0);
    assert!(
        text(&mla, "err").contains("out of range"),
        "{}",
        text(&mla, "err")
    );
    assert_eq!(out.take(), "caught\n");
    // no error: the handler does not run and the name is not set
    mla.run("<2>", "try\n b = 1;\ncatch e2\n b = 2;\nend")
        .unwrap();
    assert_eq!(num(&mla, "b"), 1.0);
    assert!(mla.get("e2").is_none());
    // without a name, and closed by Octave's `end_try_catch`
    mla.run("<3>", "try\n error(\"x\")\ncatch\n c = 5;\nend_try_catch")
        .unwrap();
    assert_eq!(num(&mla, "c"), 5.0);
    // without `catch`, the error is dropped
    mla.run("<4>", "try, error(\"x\"), d = 1; end").unwrap();
    assert!(mla.get("d").is_none());
    // `error(…)` with a format
    mla.run("<5>", "try, error(\"bad %d\", 7), catch m, end")
        .unwrap();
    assert_eq!(text(&mla, "m"), "bad 7");
}

#[test]
fn errors_in_catch_propagate_and_rethrow_raises_the_message_again() {
    let (mut mla, _) = interp();
    let e = mla
        .run(
            "<1>",
            "try\n error(\"first\")\ncatch e\n error(\"second: \" + e)\nend",
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::User);
    assert_eq!(e.message, "second: first");
    let e = mla
        .run("<2>", "try\n q = [1 2] * [3 4];\ncatch e\n rethrow(e)\nend")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::User);
    assert!(e.message.contains("1×2"), "{}", e.message);
    // a `%` in the message is kept as written
    let e = mla
        .run(
            "<3>",
            "try, error(\"%d%% sure\", 100), catch e, rethrow(e), end",
        )
        .unwrap_err();
    assert_eq!(e.message, "100% sure");
    // nested: the outer catch gets what the inner one rethrew
    mla.run(
        "<4>",
        "try\n try\n error(\"inner\")\n catch e\n rethrow(e)\n end\ncatch e\n got = e;\nend",
    )
    .unwrap();
    assert_eq!(text(&mla, "got"), "inner");
    assert!(mla.run("<5>", "rethrow(1)").is_err());
}

#[test]
fn the_catch_variable_is_a_local_of_a_function() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "function r = safe(v, k)\n try\n r = v[k];\n catch msg\n r = -1;\n last = msg;\n end\nend",
    )
    .unwrap();
    assert_eq!(
        mla.run("<2>", "safe([1 2], 2)")
            .unwrap()
            .to_scalar()
            .unwrap(),
        2.0
    );
    assert_eq!(
        mla.run("<3>", "safe([1 2], 5)")
            .unwrap()
            .to_scalar()
            .unwrap(),
        -1.0
    );
    assert!(mla.get("msg").is_none() && mla.get("last").is_none());
    // an error deep in calls unwinds their frames; the caller carries on
    mla.run(
        "<4>",
        "function r = deep(n)\n if n == 0\n error(\"bottom\")\n end\n r = deep(n - 1);\nend\nfunction r = guarded()\n x = 10;\n try\n deep(20);\n catch e\n r = x + 1;\n end\nend\nz = guarded()",
    )
    .unwrap();
    assert_eq!(num(&mla, "z"), 11.0);
}

#[test]
fn break_continue_and_return_pass_through_try() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "s = 0;\nfor i = 1:10\n try\n if i == 2, continue, end\n if i == 4, break, end\n s += i;\n catch\n end\nend",
    )
    .unwrap();
    assert_eq!(num(&mla, "s"), 4.0);
    mla.run(
        "<2>",
        "function f()\n try\n return 7\n catch\n end\n 0\nend\nv = f()",
    )
    .unwrap();
    assert_eq!(num(&mla, "v"), 7.0);
}

#[test]
fn recursion_limits_and_interrupts_are_not_caught() {
    let (mut mla, _) = interp();
    let e = mla
        .run(
            "<1>",
            "function r = down(n)\n try\n r = down(n + 1);\n catch e\n r = 0;\n end\nend\ncaught = 0;\ntry\n down(1)\ncatch\n caught = 1;\nend",
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Recursion);
    assert_eq!(num(&mla, "caught"), 0.0);
    let flag = mla.interrupt_flag();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let e = mla
        .run(
            "<2>",
            "handled = 0;\ntry\n while true\n end\ncatch\n handled = 1;\nend",
        )
        .unwrap_err();
    stopper.join().unwrap();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert_eq!(num(&mla, "handled"), 0.0);
}

#[test]
fn discarded_results_are_neither_stored_nor_shown() {
    let (mut mla, out) = interp();
    mla.run(
        "<1>",
        "D = [3 1 2; 0 5 -1];\n[~, assign] = min(D, [], 2)\n(~, i) = max([4 9 2])\n[_, j] = max([4 9 2]);\n(m, _) = max([4 9 2]);",
    )
    .unwrap();
    assert_eq!(out.take(), "assign = 2×1 Matrix\n  2\n  3\ni = 2\n");
    assert_eq!(num(&mla, "i"), 2.0);
    assert_eq!(num(&mla, "j"), 2.0);
    assert_eq!(num(&mla, "m"), 9.0);
    assert!(mla.get("_").is_none());
    // still asks for every result
    assert!(mla.run("<2>", "[~, ~, k] = max([1 2])").is_err());
    // `_` elsewhere is an ordinary name
    mla.run("<3>", "_ = 4; w = _ + 1;").unwrap();
    assert_eq!(num(&mla, "w"), 5.0);
}

#[test]
fn at_lambdas_are_anonymous_functions() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "k = 10;\nf = @(x, y) x * y + k;\na = f(2, 3);\ng = @() 42;\nb = g();\nh = @(v) sum(v .^ 2);\nc = h([1 2 3]);\nd = grad(@(x) x^2, 3);",
    )
    .unwrap();
    assert_eq!(num(&mla, "a"), 16.0);
    assert_eq!(num(&mla, "b"), 42.0);
    assert_eq!(num(&mla, "c"), 14.0);
    assert_eq!(num(&mla, "d"), 6.0);
}

#[test]
fn an_error_past_column_65535_renders_without_panicking() {
    let (mut mla, _) = interp();
    let code = format!("x = {})", " ".repeat(70_000));
    let e = mla.run("<-e>", &code).unwrap_err();
    for text in [mla_eval::render_plain(&e), mla_eval::render_color(&e)] {
        assert!(text.contains("line 1, column 70005"), "{text}");
        assert!(text.len() < 2000, "the long line is not drawn");
    }
}
