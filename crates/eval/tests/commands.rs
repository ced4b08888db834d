//! The words people type at a prompt: `help eig`, `?eig`, `whos`, `clear`,
//! `run file.mla`, and help text for their own functions.

use mla_eval::{Interpreter, SharedBuffer};

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

fn ok(mla: &mut Interpreter, code: &str) {
    if let Err(e) = mla.run("<t>", code) {
        panic!("{code}: {}", mla_eval::render_plain(&e));
    }
}

#[test]
fn command_syntax_is_a_call_with_words_as_strings() {
    let (mut mla, out) = interp();
    ok(&mut mla, "help eig");
    let a = out.take();
    ok(&mut mla, "?eig");
    let b = out.take();
    ok(&mut mla, "help(\"eig\")");
    assert!(a.starts_with("eig(A)"), "{a}");
    assert_eq!(a, b);
    assert_eq!(a, out.take());
    // the same words stay ordinary names elsewhere
    ok(&mut mla, "clear = 3; run = clear + 1;");
    assert_eq!(mla.get("run").unwrap().to_scalar().unwrap(), 4.0);
}

#[test]
fn help_shows_a_users_function_and_its_leading_comment() {
    let (mut mla, out) = interp();
    ok(
        &mut mla,
        "function r = sq(x)\n  # sq(x): the square of x.\n  r = x .^ 2;\nend\n# cube(x): x cubed.\ncube(x) = x .^ 3\nk = 2;",
    );
    out.take();
    ok(&mut mla, "help sq");
    assert_eq!(out.take(), "function sq(x)\n  sq(x): the square of x.\n");
    ok(&mut mla, "help cube");
    assert_eq!(out.take(), "function cube(x)\n  cube(x): x cubed.\n");
    ok(&mut mla, "help k");
    assert_eq!(out.take(), "`k` is a variable: a number\n");
    let e = mla.run("<t>", "help nothing_here").unwrap_err();
    assert!(e.message.contains("neither a builtin"), "{}", e.message);
}

#[test]
fn whos_and_clear() {
    let (mut mla, out) = interp();
    ok(&mut mla, "A = zeros(3, 4); b = true; s = \"hey\";");
    ok(&mut mla, "whos");
    let text = out.take();
    let row = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(row("A"), ["A", "3×4", "matrix", "96"], "{text}");
    assert_eq!(row("b"), ["b", "1×1", "logical", "1"], "{text}");
    assert_eq!(row("s"), ["s", "1×3", "string", "3"], "{text}");
    ok(&mut mla, "clear A s");
    assert!(mla.get("A").is_none() && mla.get("s").is_none());
    assert!(mla.get("b").is_some());
    assert!(mla.run("<t>", "A").is_err());
    ok(&mut mla, "clear");
    assert!(mla.variable_names().is_empty());
}

#[test]
fn run_executes_a_script_in_the_workspace() {
    let dir = std::env::temp_dir().join(format!("mla-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lib.mla");
    std::fs::write(&path, "y = 2 * x;\nhalf(v) = v / 2;\n").unwrap();
    let (mut mla, _) = interp();
    ok(&mut mla, "x = 21;");
    ok(&mut mla, &format!("run {}", path.display()));
    assert_eq!(mla.get("y").unwrap().to_scalar().unwrap(), 42.0);
    ok(&mut mla, "z = half(y);");
    assert_eq!(mla.get("z").unwrap().to_scalar().unwrap(), 21.0);
    // an error in the script points into the script
    std::fs::write(&path, "ok = 1;\nbad = [1 2] * [3 4];\n").unwrap();
    let e = mla
        .run("<t>", &format!("run(\"{}\")", path.display()))
        .unwrap_err();
    assert_eq!(e.source.name, path.display().to_string());
    assert_eq!(mla.get("ok").unwrap().to_scalar().unwrap(), 1.0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every reading of this fake meter is 3 allocations and 100 bytes on from
/// the one before.
fn fake_meter() -> mla_eval::Allocations {
    use std::sync::atomic::{AtomicU64, Ordering};
    static READS: AtomicU64 = AtomicU64::new(0);
    let n = READS.fetch_add(1, Ordering::Relaxed);
    mla_eval::Allocations {
        count: 3 * n,
        bytes: 100 * n,
    }
}

/// The output with each `  0.000012 seconds` replaced by `<t> seconds`.
fn without_times(text: &str) -> String {
    text.lines()
        .map(|l| match l.trim_start().split_once(" seconds") {
            Some((secs, rest)) if secs.parse::<f64>().is_ok() => format!("<t> seconds{rest}"),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn at_time_runs_the_statement_and_reports_time_and_allocations() {
    let (mut mla, out) = interp();
    ok(&mut mla, "@time x = 2 + 3");
    assert_eq!(without_times(&out.take()), "x = 5\n<t> seconds");
    // `;` quiets the statement timed, not the report.
    ok(&mut mla, "%time y = x * 2;\n@time for i = 1:3, z = i; end");
    assert_eq!(without_times(&out.take()), "<t> seconds\n<t> seconds");
    assert_eq!(mla.get("y").unwrap().to_scalar().unwrap(), 10.0);
    assert_eq!(mla.get("z").unwrap().to_scalar().unwrap(), 3.0);
    mla.set_allocation_meter(fake_meter);
    ok(&mut mla, "@time w = y + 1;");
    assert_eq!(
        without_times(&out.take()),
        "<t> seconds (3 allocations: 100 bytes)"
    );
    // A failing statement reports nothing; `time` is still a free name.
    assert!(mla.run("<t>", "@time q = undefined_thing").is_err());
    assert_eq!(out.take(), "");
    ok(&mut mla, "time = 4;");
}

#[test]
fn at_time_inside_a_function_times_its_statement() {
    let (mut mla, out) = interp();
    ok(
        &mut mla,
        "function r = f(x)\n  @time r = x + 1;\nend\nv = f(1);",
    );
    assert_eq!(without_times(&out.take()), "<t> seconds");
    assert_eq!(mla.get("v").unwrap().to_scalar().unwrap(), 2.0);
}
