//! The resolved evaluator keeps the language's scoping rules: locals live in
//! slots, other names are read from the workspace when they are read, lambdas
//! copy the enclosing locals they use, and a script's functions exist from its
//! first line.

use mla_eval::{render_plain, ErrorKind, Interpreter, SharedBuffer};

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

fn num(mla: &Interpreter, name: &str) -> f64 {
    mla.get(name).unwrap().to_scalar().unwrap()
}

#[test]
fn a_script_calls_functions_defined_further_down() {
    let (mut mla, _) = interp();
    mla.run(
        "<script>",
        "y = twice(21);\nz = g(1);\nfunction r = twice(x)\n  r = 2 * x;\nend\ng(x) = twice(x) + 1",
    )
    .unwrap();
    assert_eq!(num(&mla, "y"), 42.0);
    assert_eq!(num(&mla, "z"), 3.0);
}

#[test]
fn a_redefinition_takes_effect_where_it_stands() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "a = f(0);\nf(x) = 1;\nb = f(0);\nf(x) = 2;\nc = f(0);",
    )
    .unwrap();
    assert_eq!(
        (num(&mla, "a"), num(&mla, "b"), num(&mla, "c")),
        (1.0, 1.0, 2.0)
    );
}

#[test]
fn a_local_read_before_its_assignment_reads_the_workspace() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "t = 10;\nfunction r = f(c)\n  if c\n    t = 1;\n  end\n  r = t;\nend\na = f(true); b = f(false);",
    )
    .unwrap();
    assert_eq!((num(&mla, "a"), num(&mla, "b")), (1.0, 10.0));
    // the function's `t` never reached the workspace
    assert_eq!(num(&mla, "t"), 10.0);
}

#[test]
fn indexed_assignment_in_a_function_writes_a_local_copy() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "X = [1 2 3];\nfunction r = f()\n  X[2] = 20;\n  r = sum(X);\nend\ns = f();",
    )
    .unwrap();
    assert_eq!(num(&mla, "s"), 24.0);
    assert_eq!(mla.run("<2>", "X[2]").unwrap().to_scalar().unwrap(), 2.0);
}

#[test]
fn lambdas_capture_locals_at_creation_and_read_the_workspace_when_called() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "function g = make(a)\n  b = 2 * a;\n  g = x -> (y -> x + a + b + y + W);\n  b = 1000;\nend\nW = 0;\nh = make(1);\nk = h(10);",
    )
    .unwrap();
    // a = 1 and b = 2 were copied when the lambda was made; W is read now.
    assert_eq!(
        mla.run("<2>", "k(100)").unwrap().to_scalar().unwrap(),
        113.0
    );
    mla.run("<3>", "W = 5;").unwrap();
    assert_eq!(
        mla.run("<4>", "k(100)").unwrap().to_scalar().unwrap(),
        118.0
    );
    // at top level a lambda reads the workspace when it is called
    mla.run("<5>", "c = 1; f = x -> x + c; c = 7;").unwrap();
    assert_eq!(mla.run("<6>", "f(1)").unwrap().to_scalar().unwrap(), 8.0);
}

#[test]
fn loop_variables_and_results_behave_as_before() {
    let (mut mla, _) = interp();
    mla.run(
        "<1>",
        "function r = last(n)\n  for i = 1:n\n    r = i;\n  end\nend\nfunction v = implicit(x)\n  y = x + 1;\nend\nfunction q = noisy(x)\n  q = x; x * 2\nend",
    )
    .unwrap();
    assert_eq!(mla.run("<2>", "last(4)").unwrap().to_scalar().unwrap(), 4.0);
    // `for` at top level leaves its variable in the workspace
    mla.run("<3>", "for j = 1:3\nend").unwrap();
    assert_eq!(num(&mla, "j"), 3.0);
    // a function with no named output and no return gives its last value
    mla.run("<4>", "function h(x)\n  y = x + 1;\n  z = y * 2;\nend")
        .unwrap();
    assert_eq!(mla.run("<5>", "h(1)").unwrap().to_scalar().unwrap(), 4.0);
    mla.run("<6>", "function m(x)\n  x[1] = 9;\nend").unwrap();
    assert_eq!(mla.run("<7>", "m([1 2])").unwrap().shape(), (1, 2));
    // `ans` inside a function is the function's own
    mla.run("<8>", "ans = 5; w = noisy(3);").unwrap();
    assert_eq!(num(&mla, "ans"), 5.0);
}

#[test]
fn errors_have_kinds_and_point_at_the_operator() {
    let (mut mla, _) = interp();
    // the `*` in the comment between the operands is not the operator
    let src = "a = [1 2] ... the * here is a comment\n    * [3 4]";
    let e = mla.run("<1>", src).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert_eq!(e.code(), "mla::shape");
    let span = e.span();
    assert_eq!(span.start as usize, src.rfind('*').unwrap());
    assert_eq!(span.end - span.start, 1);
    let e = mla.run("<2>", "undefined_thing + 1").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Name);
    let e = mla.run("<3>", "error(\"boom %d\", 3)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::User);
    assert!(render_plain(&e).contains("boom 3"));
}

#[test]
fn errors_inside_callbacks_keep_their_place_and_chain() {
    let (mut mla, _) = interp();
    mla.run("<def>", "function v = f(x)\n  v = sum(x * [1 2 3]);\nend")
        .unwrap();
    let e = mla.run("<use>", "g = grad(f, [1 2])").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert_eq!(e.source.name, "<def>");
    let text = render_plain(&e);
    assert!(text.contains("in `f`, called from <use>:1:5"), "{text}");
}

#[test]
fn function_values_keep_working_in_another_interpreter() {
    let (mut a, _) = interp();
    a.run("<1>", "k = 3; f(x) = x * k;").unwrap();
    let f = a.get("f").unwrap().clone();
    let (mut b, _) = interp();
    b.set("f", f);
    b.set("k", mla_eval::Value::Num(10.0));
    // names other than locals are read from the workspace it runs in
    assert_eq!(b.run("<2>", "f(2)").unwrap().to_scalar().unwrap(), 20.0);
}
