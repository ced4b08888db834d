//! Every builtin of the table, called with argument lists drawn from edge
//! values (empty shapes, NaN, ±Inf, zero, negative, fractional, huge,
//! strings, truth values, functions) and asked for each number of results
//! it can give: none may panic. The table is read at run time, so a new
//! builtin joins the grid by being added. Two-argument lists are drawn
//! from a smaller set and three-argument lists are sampled
//! deterministically, to keep the run near half a minute in a debug build.

use mla_eval::{ErrorKind, Interpreter, SharedBuffer};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The edge values, as MLA expressions.
const EDGES: &[&str] = &[
    "[]",
    "zeros(0, 3)",
    "zeros(3, 0)",
    "0",
    "-0",
    "1",
    "-1",
    "2",
    "0.5",
    "-2.5",
    "NaN",
    "Inf",
    "-Inf",
    "1e10",
    "[1 2 3]",
    "[1; 2; 3]",
    "[1 2; 3 4]",
    "[NaN 1; Inf -2]",
    "[1 2; 3 4; 5 6]",
    "[true false true]",
    "true",
    "\"\"",
    "\"abc\"",
    "\"rows\"",
    "x -> x",
    "sum",
];

/// Indices into `EDGES` for two-argument lists.
const PAIRS: &[usize] = &[0, 1, 2, 3, 5, 6, 8, 10, 11, 12, 13, 15, 16, 18, 20, 22, 24];

/// Builtins that write files where they are told: they get their own test
/// with a temporary path.
const WRITERS: &[&str] = &["save", "savefig"];

fn interpreter() -> Interpreter {
    let mut mla = Interpreter::with_output(Box::new(SharedBuffer::new()));
    mla.set_warning_output(Box::new(SharedBuffer::new()));
    let defs: String = EDGES
        .iter()
        .enumerate()
        .map(|(i, e)| format!("e{i} = {e};\n"))
        .collect();
    mla.run("<edges>", &defs).expect("edge values");
    mla
}

/// Argument lists for a builtin taking `min..=max` arguments.
fn argument_lists(min: usize, max: usize, salt: usize) -> Vec<Vec<usize>> {
    let mut lists = Vec::new();
    if min == 0 {
        lists.push(Vec::new());
    }
    if min <= 1 && max >= 1 {
        lists.extend((0..EDGES.len()).map(|i| vec![i]));
    }
    if min <= 2 && max >= 2 {
        for &i in PAIRS {
            lists.extend(PAIRS.iter().map(|&j| vec![i, j]));
        }
    }
    if min <= 3 && max >= 3 {
        // A linear congruential walk: the same triples every run.
        let mut state = 0x9e37_79b9_u64.wrapping_add(salt as u64);
        for _ in 0..80 {
            let mut t = Vec::new();
            for _ in 0..3 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                t.push((state >> 33) as usize % EDGES.len());
            }
            lists.push(t);
        }
    }
    lists
}

/// The grid reports panics itself; the default hook would print each one
/// with a backtrace. Set once: both tests share the process.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

/// Whether running `code` panicked: `run` evaluates on a thread of its own
/// and turns a panic there into an internal error; a panic on this thread
/// is caught too.
fn panicked(mla: &mut Interpreter, code: &str) -> bool {
    match catch_unwind(AssertUnwindSafe(|| mla.run("<grid>", code))) {
        Err(_) => true,
        Ok(Err(e)) => e.kind() == ErrorKind::Internal,
        Ok(Ok(_)) => false,
    }
}

fn call_text(name: &str, args: &[usize], nout: usize) -> String {
    let list: Vec<String> = args.iter().map(|i| format!("e{i}")).collect();
    let call = format!("{name}({})", list.join(", "));
    match nout {
        0 => format!("{call};"),
        1 => format!("r1 = {call};"),
        n => {
            let outs: Vec<String> = (1..=n).map(|k| format!("r{k}")).collect();
            format!("({}) = {call};", outs.join(", "))
        }
    }
}

#[test]
fn no_builtin_panics_on_edge_values() {
    quiet_panics();
    let names: Vec<(String, usize, usize, usize)> = mla_runtime::Registry::standard()
        .iter()
        .filter(|b| !WRITERS.contains(&b.name))
        .map(|b| (b.name.to_string(), b.min_args, b.max_args.min(3), b.outputs))
        .collect();
    assert!(names.len() > 100, "the table has its builtins");
    let mut mla = interpreter();
    let mut panics = Vec::new();
    let mut calls = 0;
    for (salt, (name, min, max, outputs)) in names.iter().enumerate() {
        for args in argument_lists(*min, *max, salt) {
            for nout in 0..=(*outputs).clamp(1, 3) {
                let code = call_text(name, &args, nout);
                calls += 1;
                if panicked(&mut mla, &code) {
                    let shown: Vec<&str> = args.iter().map(|&i| EDGES[i]).collect();
                    panics.push(format!("{code}   with {}", shown.join(", ")));
                    mla = interpreter();
                }
                // `clear` empties the workspace; the edges come back.
                if name == "clear" {
                    mla = interpreter();
                }
            }
        }
    }
    // The quiet hook hides the assertion's own message: print first.
    if !panics.is_empty() {
        eprintln!(
            "{} of {calls} calls panicked:\n{}",
            panics.len(),
            panics.join("\n")
        );
    }
    assert!(panics.is_empty());
}

#[test]
fn writers_do_not_panic_on_edge_values() {
    quiet_panics();
    let dir = std::env::temp_dir().join(format!("mla-grid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let mut mla = interpreter();
    mla.run("<grid>", "plot([1 2 3]);").expect("a figure");
    let mut panics = Vec::new();
    for file in ["m.csv", "m.npy", "f.png", "f.svg", "noext"] {
        let path = dir.join(file).display().to_string();
        mla.set("path", mla_runtime::Value::str(path));
        for (i, edge) in EDGES.iter().enumerate() {
            for code in [
                format!("save(path, e{i});"),
                format!("savefig(path, e{i});"),
                "savefig(path);".to_string(),
            ] {
                if panicked(&mut mla, &code) {
                    panics.push(format!("{code} with path {file} and {edge}"));
                    mla = interpreter();
                    mla.run("<grid>", "plot([1 2 3]);").expect("a figure");
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if !panics.is_empty() {
        eprintln!("panicked:\n{}", panics.join("\n"));
    }
    assert!(panics.is_empty());
}

/// The reproducers of the robustness issue that the grid found, by name.
#[test]
fn p1_eig_of_an_empty_matrix() {
    let mut mla = interpreter();
    mla.run("<t>", "(v, V) = eig([]); w = eig(zeros(0, 0));")
        .expect("empty results");
    assert_eq!(mla.get("V").expect("V").shape(), (0, 0));
    assert_eq!(mla.get("v").expect("v").shape(), (0, 1));
}

#[test]
fn p2_solving_with_no_unknowns_or_no_equations() {
    let mut mla = interpreter();
    mla.run(
        "<t>",
        "x = zeros(3, 0) \\ ones(3, 1); y = solve(zeros(3, 0), zeros(3, 0)); z = solve(zeros(0, 3), zeros(0, 2));",
    )
    .expect("least-squares answers");
    assert_eq!(mla.get("x").expect("x").shape(), (0, 1));
    assert_eq!(mla.get("z").expect("z").shape(), (3, 2));
}

#[test]
fn p3_clamp_with_a_nan_bound() {
    let mut mla = interpreter();
    for code in ["clamp(1:5, NaN, 2)", "clamp(1, 0, NaN)"] {
        let e = mla.run("<t>", code).expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::Math, "{code}");
        assert!(e.message.contains("NaN"), "{}", e.message);
    }
    let e = mla.run("<t>", "one_hot(0, 0)").expect_err("refused");
    assert!(e.message.contains("at least one class"), "{}", e.message);
}

#[test]
fn one_hot_refuses_labels_outside_its_classes() {
    let mut mla = interpreter();
    for code in [
        "one_hot([1; 1.5], [1 2])",
        "one_hot([1; 3], [1 2])",
        "one_hot([1; 1.5], 2)",
    ] {
        let e = mla.run("<t>", code).expect_err("refused");
        assert!(
            e.message.contains("is not one of the classes"),
            "{code}: {}",
            e.message
        );
    }
    mla.run("<t>", "Y = one_hot([0; 2; 1], [0 1 2]);")
        .expect("labels among the classes");
}
