//! The embedding API as a host uses it: typed values both ways, native
//! functions (typed, stateful, calling back into MLA), compiled code,
//! errors and output.

use mla::ndarray::{array, Array1, Array2};
use mla::{Error, ErrorKind, Interpreter, SharedBuffer, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn quiet() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(out.clone()), out)
}

#[test]
fn matrices_vectors_and_tuples_cross_both_ways() {
    let (mut mla, _) = quiet();
    mla.set("X", array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    mla.set("Xv", array![[1.0, 0.0], [0.0, 1.0]].view());
    mla.set("w", vec![1.0, -1.0]);
    mla.set("b", 0.5);
    mla.set("label", "iris");
    mla.set("flag", true);
    mla.run("y = X * w + b; n = rows(X); s = label + \"!\"; t = !flag;")
        .unwrap();
    assert_eq!(mla.get::<Vec<f64>>("y").unwrap(), [-0.5, -0.5, -0.5]);
    assert_eq!(mla.get::<Array1<f64>>("y").unwrap().len(), 3);
    assert_eq!(mla.get::<usize>("n").unwrap(), 3);
    assert_eq!(mla.get::<String>("s").unwrap(), "iris!");
    assert!(!mla.get::<bool>("t").unwrap());
    assert_eq!(mla.view("X").unwrap().dim(), (3, 2));

    mla.run("C = X' * X; (vals, vecs) = eig(Xv); both = (vals, vecs);")
        .unwrap();
    let c: Array2<f64> = mla.get("C").unwrap();
    assert_eq!(c, array![[35.0, 44.0], [44.0, 56.0]]);
    let (vals, vecs): (Vec<f64>, Array2<f64>) = mla.get("both").unwrap();
    assert_eq!((vals.len(), vecs.dim()), (2, (2, 2)));
    let (m, i): (f64, usize) = mla.call("max", (vec![3.0, 9.0, 4.0],)).unwrap();
    assert_eq!((m, i), (9.0, 2));
}

#[test]
fn mismatches_name_the_variable_its_kind_and_shape() {
    let (mut mla, _) = quiet();
    mla.run("A = ones(3, 4); s = \"x\";").unwrap();
    let e = mla.get::<Vec<f64>>("A").unwrap_err();
    assert_eq!(e.to_string(), "`A`: expected a vector, got a 3×4 matrix");
    assert_eq!(e.kind(), ErrorKind::Type);
    let e = mla.get::<(Array2<f64>, f64)>("A").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`A`: expected a tuple of 2 values, got a 3×4 matrix"
    );
    let e = mla.view("s").unwrap_err();
    assert_eq!(e.to_string(), "`s`: expected a matrix, got a string");
    let e = mla.get::<f64>("missing").unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string()),
        (ErrorKind::Name, "`missing` is not a variable".to_string())
    );
}

#[test]
fn native_functions_take_typed_arguments_and_show_in_help_and_completion() {
    let (mut mla, out) = quiet();
    mla.register(
        "clip01",
        "clip01(X): clamps every element to [0, 1]",
        |x: Array2<f64>| x.mapv(|v| v.clamp(0.0, 1.0)),
    )
    .unwrap();
    mla.register(
        "affine",
        "affine(x, a, b): a * x + b",
        |x: f64, a: f64, b: f64| a * x + b,
    )
    .unwrap();
    mla.register("shout", "upper-cases a string", |s: String, twice: bool| {
        let s = s.to_uppercase();
        if twice {
            format!("{s}{s}")
        } else {
            s
        }
    })
    .unwrap();
    mla.register("stats", "stats(v): (mean, count)", |v: Vec<f64>| {
        (v.iter().sum::<f64>() / v.len() as f64, v.len())
    })
    .unwrap();
    mla.register("answer", "answer(): 42", || 42.0).unwrap();

    mla.run("y = clip01([-1 0.25 3]); z = affine(2, 3, 1); s = shout(\"ab\", true); (m, n) = stats([1 2 3 6]); a = answer();")
        .unwrap();
    assert_eq!(mla.get::<Vec<f64>>("y").unwrap(), [0.0, 0.25, 1.0]);
    assert_eq!(mla.get::<f64>("z").unwrap(), 7.0);
    assert_eq!(mla.get::<String>("s").unwrap(), "ABAB");
    assert_eq!(mla.get::<f64>("m").unwrap(), 3.0);
    assert_eq!(mla.get::<usize>("n").unwrap(), 4);
    assert_eq!(mla.get::<f64>("a").unwrap(), 42.0);

    mla.run("help clip01").unwrap();
    assert_eq!(
        out.take(),
        "clip01(X)\n  clamps every element to [0, 1]\n  (host)\n"
    );
    mla.run("help shout").unwrap();
    assert!(out
        .take()
        .starts_with("shout(s, b)\n  upper-cases a string\n"));
    mla.run("help()").unwrap();
    assert!(out
        .take()
        .contains("  host: clip01 affine shout stats answer\n"));
    let (start, found) = mla.completions("q = cli", 7);
    assert_eq!(start, 4);
    assert!(found
        .iter()
        .any(|c| c.text == "clip01" && c.display == "clip01(X)"));
    assert_eq!(
        mla.call_signature("affine(1, ", 10),
        Some("affine(x, a, b)")
    );
    assert!(mla
        .reference_markdown()
        .contains("## host\n\n| call | results | what it does |"));
}

#[test]
fn a_native_functions_errors_point_at_its_call_or_argument() {
    let (mut mla, _) = quiet();
    mla.register("safe_log", "safe_log(x): ln x for x > 0", |x: f64| {
        if x > 0.0 {
            Ok(x.ln())
        } else {
            Err(format!("safe_log needs a positive number, got {x}"))
        }
    })
    .unwrap();
    let e = mla
        .run_named("model.mla", "a = 1;\ny = 2 * safe_log(a - 3)")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Host);
    assert_eq!(e.to_string(), "safe_log needs a positive number, got -2");
    assert_eq!(e.line_col(), Some((2, 9)));
    let shown = e.render();
    assert!(shown.contains("model.mla:2:9"), "{shown}");
    assert!(shown.contains("y = 2 * safe_log(a - 3)"), "{shown}");

    // a wrong argument points at that argument
    let e = mla.run("y = safe_log(\"ten\")").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.to_string(), "expected a number, got a string");
    assert_eq!(e.line_col(), Some((1, 14)));
    // the wrong number of arguments names the signature
    let e = mla.run("y = safe_log(1, 2)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Call);
    assert!(e.render().contains("safe_log(x): ln x for x > 0"));
    // inside a user function, the chain of calls is shown
    mla.run("function r = f(x)\n  r = safe_log(x);\nend")
        .unwrap();
    let e = mla.run("f(-1)").unwrap_err();
    assert_eq!(e.line_col(), Some((2, 7)));
    assert!(e.render().contains("in `f`, called from <code>:1:1"));
    // and the interpreter goes on
    assert_eq!(mla.run("safe_log(1)").unwrap().as_f64(), Some(0.0));
}

#[test]
fn native_functions_hold_state() {
    let (mut mla, _) = quiet();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    mla.register("tick", "tick(): counts its calls", move || {
        seen.fetch_add(1, Ordering::Relaxed) as f64 + 1.0
    })
    .unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    mla.register(
        "record",
        "record(x): keeps x for the host",
        move |x: f64| {
            sink.lock().unwrap().push(x);
        },
    )
    .unwrap();
    mla.run("for i = 1:5; t = tick(); record(i^2); end")
        .unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 5);
    assert_eq!(mla.get::<f64>("t").unwrap(), 5.0);
    assert_eq!(*log.lock().unwrap(), [1.0, 4.0, 9.0, 16.0, 25.0]);
}

#[test]
fn a_context_function_calls_back_into_mla() {
    let (mut mla, out) = quiet();
    mla.register_with_context(
        "apply_n",
        "apply_n(f, x, n): f applied n times to x",
        |ctx, args| {
            let f: Value = args.get(0)?;
            let mut x: Value = args.get(1)?;
            let n: usize = args.get(2)?;
            for _ in 0..n {
                x = ctx.call(&f, (x,))?;
            }
            writeln!(ctx.output(), "applied {n} times").map_err(|e| Error::new(e.to_string()))?;
            Ok(x)
        },
    )
    .unwrap();
    mla.register_with_context(
        "scale_by",
        "scale_by(x): x times the variable k",
        |ctx, args| {
            let k: f64 = ctx.get("k")?;
            let x: f64 = args.get(0)?;
            Ok(Value::new(k * x))
        },
    )
    .unwrap();
    let y: f64 = mla
        .run("y = apply_n((v) -> v * 2, 3, 4);")
        .and_then(|_| mla.get("y"))
        .unwrap();
    assert_eq!(y, 48.0);
    assert_eq!(out.take(), "applied 4 times\n");
    mla.set("k", 10.0);
    assert_eq!(mla.run("scale_by(4)").unwrap().as_f64(), Some(40.0));

    // an argument of the wrong kind points at it
    let e = mla.run("apply_n((v) -> v, 1, -2)").unwrap_err();
    assert_eq!(e.line_col(), Some((1, 22)));
    assert_eq!(
        e.to_string(),
        "expected a non-negative whole number, got -2"
    );
    // an error inside the script function called back keeps its own place
    // and the chain runs through the native function
    mla.run("function r = bad(v)\n  r = v * [1 2 3];\nend")
        .unwrap();
    let e = mla.run("z = apply_n(bad, ones(2), 1)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Shape);
    assert_eq!(e.line_col(), Some((2, 9)));
    assert!(e.render().contains("in `bad`, called from <code>:1:5"));
}

#[test]
fn names_are_checked_when_registering() {
    let (mut mla, _) = quiet();
    let e = mla.register("sum", "", |x: f64| x).unwrap_err();
    assert_eq!(e.to_string(), "cannot add `sum`: it is already a builtin");
    assert_eq!(e.kind(), ErrorKind::Name);
    assert!(mla.register("pi", "", |x: f64| x).is_err());
    assert!(mla.register("two words", "", |x: f64| x).is_err());
    assert!(mla.register("end", "", |x: f64| x).is_err());
    mla.register("mine", "", |x: f64| x).unwrap();
    assert!(mla.register("mine", "", |x: f64| x).is_err());
    // another interpreter does not see it
    let (mut other, _) = quiet();
    assert_eq!(other.run("mine(1)").unwrap_err().kind(), ErrorKind::Name);
}

#[test]
fn compiled_code_runs_many_times_quietly() {
    let (mut mla, out) = quiet();
    mla.register("clip01", "clip01(X)", |x: Array2<f64>| {
        x.mapv(|v| v.clamp(0.0, 1.0))
    })
    .unwrap();
    let f = mla.compile("score = clip01(X * w + b)").unwrap();
    mla.set("w", vec![1.0, 1.0]);
    mla.set("b", -1.0);
    for k in 0..100 {
        mla.set("X", array![[k as f64 / 100.0, 0.5]]);
        let y: f64 = f.eval(&mut mla).unwrap();
        let want = (k as f64 / 100.0 - 0.5).clamp(0.0, 1.0);
        assert!((y - want).abs() < 1e-12, "{y} {want}");
    }
    assert_eq!(out.take(), "");
    // the same compiled code in another interpreter sees its variables
    let (mut other, _) = quiet();
    other.register("clip01", "", |x: Array2<f64>| x).unwrap();
    other.set("X", array![[5.0, 5.0]]);
    other.set("w", vec![1.0, 1.0]);
    other.set("b", 0.0);
    assert_eq!(f.eval::<f64>(&mut other).unwrap(), 10.0);
    // errors point into the compiled source
    let g = mla.compile_named("g", "X * [1 2 3]").unwrap();
    let e = g.eval::<Value>(&mut mla).unwrap_err();
    assert_eq!((e.kind(), e.source_name()), (ErrorKind::Shape, Some("g")));
}

#[test]
fn errors_are_diagnostics_with_kinds() {
    let (mut mla, _) = quiet();
    let e = mla.run_named("s.mla", "x = [1 2;\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(e.is_incomplete());
    let e = mla.run("exit(3)").unwrap_err();
    assert_eq!((e.kind(), e.exit_status()), (ErrorKind::Exit, Some(3)));
    let e = mla.run("error(\"custom %d\", 7)").unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string()),
        (ErrorKind::User, "custom 7".into())
    );
    let d: &dyn miette::Diagnostic = &e;
    assert_eq!(d.code().unwrap().to_string(), "mla::user");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    assert_eq!(boxed.to_string(), "custom 7");
    // a call from Rust that fails names the call
    let e = mla.call::<f64>("zeros", ("a",)).unwrap_err();
    assert!(e.render().contains("zeros(…)"), "{}", e.render());
}

#[test]
fn output_and_figures_go_to_the_host() {
    let (mut mla, out) = quiet();
    mla.run("x = 1:3\nprint(\"hello\")\nplot([1 4 9]);")
        .unwrap();
    let text = out.take();
    assert!(
        text.starts_with("x = ") && text.contains("hello\n"),
        "{text}"
    );
    let svg = mla.figure_svg().unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    let png = mla.figure_png().unwrap().unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

/// The interpreter moves between threads (a worker pool, say).
#[test]
fn an_interpreter_moves_to_another_thread() {
    const fn send<T: Send>() {}
    const _: () = send::<Interpreter>();
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    mla.set("x", 2.0);
    let mut mla = std::thread::spawn(move || {
        mla.run("y = x * 21;").unwrap();
        mla
    })
    .join()
    .unwrap();
    assert_eq!(mla.get::<f64>("y").unwrap(), 42.0);
    mla.run("z = y + 1;").unwrap();
}
