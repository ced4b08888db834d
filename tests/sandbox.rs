//! Untrusted scripts under limits: each limit stops the script with a clear
//! error of its own kind, and the interpreter runs the next script.

use mla::{ErrorKind, FilePolicy, Interpreter, Limits, SharedBuffer};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn sandboxed(limits: Limits) -> Interpreter {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    mla.set_limits(limits);
    mla
}

/// After a limit stopped a script, the interpreter still works.
fn still_usable(mla: &mut Interpreter) {
    mla.run("after = 1 + 1;").expect("a further script runs");
    assert_eq!(mla.get::<f64>("after").unwrap(), 2.0);
}

#[test]
fn a_script_that_runs_forever_stops_at_the_time_limit() {
    let mut mla = sandboxed(Limits {
        max_duration: Some(Duration::from_millis(200)),
        ..Limits::default()
    });
    let scripts = [
        "k = 0; while true; k = k + 1; end",
        "function spin()\n  while true; end\nend\nspin()",
        // slow steps: each iteration does real matrix work
        "A = rand(150); while true; A = A * A'; A = A / norm(A); end",
        // recursion that never ends but stays shallow: a lambda called in a loop
        "f = (x) -> x + 1; x = 0; while true; x = f(x); end",
        // an error caught and retried forever
        "while true; try; error(\"again\"); catch; end; end",
    ];
    for script in scripts {
        let t = Instant::now();
        let e = mla.run(script).unwrap_err();
        let took = t.elapsed();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{script}: {e}");
        assert_eq!(
            e.to_string(),
            "the program ran longer than its time limit of 200ms"
        );
        assert!(
            took >= Duration::from_millis(200) && took < Duration::from_secs(3),
            "{script}: stopped after {took:?}"
        );
        still_usable(&mut mla);
    }
    // what ran before the limit is kept
    assert!(mla.get::<f64>("k").unwrap() > 0.0);
}

#[test]
fn timeouts_cannot_be_caught_by_the_script() {
    let mut mla = sandboxed(Limits {
        max_duration: Some(Duration::from_millis(50)),
        ..Limits::default()
    });
    let e = mla
        .run("try\n  while true; end\ncatch\n  caught = 1;\nend")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(mla.get::<f64>("caught").is_err());
}

#[test]
fn the_operation_limit_counts_loop_iterations_and_calls() {
    let mut mla = sandboxed(Limits {
        max_operations: Some(1000),
        ..Limits::default()
    });
    mla.run("for i = 1:1000; end").unwrap();
    assert_eq!(mla.operations(), 1000);
    let e = mla.run("for i = 1:1001; end").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Operations);
    assert_eq!(
        e.to_string(),
        "the program did more than 1000 operations (loop iterations and calls), its limit"
    );
    assert_eq!(mla.get::<f64>("i").unwrap(), 1000.0);
    let e = mla
        .run("function r = fib(n)\n  if n < 2\n    r = n;\n  else\n    r = fib(n-1) + fib(n-2);\n  end\nend\nfib(20)")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Operations);
    still_usable(&mut mla);
    // each run has its own budget
    mla.run("for i = 1:600; end").unwrap();
    mla.run("for i = 1:600; end").unwrap();
}

#[test]
fn an_allocation_over_the_limit_is_refused() {
    let mut mla = sandboxed(Limits {
        max_allocation_bytes: 1 << 20,
        ..Limits::default()
    });
    let e = mla.run("A = zeros(1e5, 1e5)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert_eq!(
        e.to_string(),
        "refusing to allocate a 100000×100000 matrix (74.5 GiB): one allocation may take at most 1 MiB"
    );
    still_usable(&mut mla);
    // under the default limit this one is fine; here it is over
    for script in [
        "B = zeros(400, 400)",
        "B = ones(200, 1) * ones(1, 700)",
        "B = 1:200000",
        "B = repmat([1 2], 400, 200)",
        "B = []; B[400, 400] = 1",
    ] {
        let e = mla.run(script).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Memory, "{script}: {e}");
        still_usable(&mut mla);
    }
    mla.run("C = zeros(300, 300); s = sum(C[:]);").unwrap();
    // a loop walks a long range without storing it
    mla.run("t = 0; for i = 1:200000; t = t + 1; end").unwrap();
    // the default allows it
    let mut free = Interpreter::with_output(SharedBuffer::new());
    free.run("B = zeros(400, 400);").unwrap();
}

#[test]
fn the_variables_stay_under_their_byte_limit() {
    let mut mla = sandboxed(Limits {
        max_workspace_bytes: Some(1 << 20),
        ..Limits::default()
    });
    // 80 kB each; storage two variables share counts once
    mla.run("A = zeros(100); B = A; C = B;").unwrap();
    let e = mla.run("D = ones(400)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert!(
        e.to_string()
            .starts_with("storing a 400×400 matrix in `D` would make the variables hold 1.3 MiB, over their limit of 1 MiB"),
        "{e}"
    );
    assert!(mla.get::<f64>("D").is_err(), "D was not assigned");
    // an assignment that replaces a large value is fine
    mla.run("A = ones(300); A = zeros(300);").unwrap();
    // growing by indexed assignment past the limit removes the variable
    let e = mla
        .run("G = []; for k = 1:100000\n  G[k, 1:2] = [k k];\nend")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert!(e.to_string().ends_with("`G` was removed"), "{e}");
    assert!(mla.get::<f64>("G").is_err());
    // locals of running functions count too
    let e = mla
        .run("function r = f()\n  X = ones(300);\n  Y = X + 1;\n  r = 1;\nend\nf()")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    still_usable(&mut mla);
}

#[test]
fn calls_nested_too_deep_stop() {
    let mut mla = sandboxed(Limits {
        max_call_depth: 40,
        ..Limits::default()
    });
    let e = mla.run("f = (n) -> f(n + 1); f(1)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Recursion);
    assert_eq!(e.to_string(), "calls are nested more than 40 deep");
    still_usable(&mut mla);
}

/// A directory with a data file inside, and a secret file next to it.
/// A jail and a secret beside it, in a folder of their own that is removed
/// when the returned guard is dropped.
fn jail(name: &str) -> (PathBuf, PathBuf, Cleanup) {
    let base = std::env::temp_dir().join(format!("mla-sandbox-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("jail");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/x.csv"), "a,b\n1,2\n3,4\n").unwrap();
    std::fs::write(dir.join("script.mla"), "from_script = 7;\n").unwrap();
    let secret = base.join("secret.csv");
    std::fs::write(&secret, "42\n").unwrap();
    (dir, secret, Cleanup(base))
}

/// Removes a test's temporary folder, whether the test passes or fails.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn denied(mla: &mut Interpreter, script: &str) {
    let e = mla.run(script).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Denied, "{script}: {e}");
    still_usable(mla);
}

#[test]
fn a_jail_keeps_load_save_savefig_and_run_inside() {
    let (dir, secret, _cleanup) = jail("root");
    let mut mla = sandboxed(Limits {
        files: FilePolicy::Root(dir.clone()),
        ..Limits::default()
    });
    // inside: relative paths start at the jail
    mla.run("X = load(\"data/x.csv\"); save(\"out.csv\", X * 2); Y = load(\"data/../out.csv\");")
        .unwrap();
    assert_eq!(mla.view("Y").unwrap()[[1, 1]], 8.0);
    mla.run("plot([1 2 3]); savefig(\"fig.svg\"); run(\"script.mla\")")
        .unwrap();
    assert!(dir.join("fig.svg").exists());
    assert_eq!(mla.get::<f64>("from_script").unwrap(), 7.0);

    let e = mla.run("load(\"../../etc/passwd\")").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Denied);
    assert_eq!(
        e.to_string(),
        "cannot access `../../etc/passwd`: it is outside the directory this program may use"
    );
    assert_eq!(e.line_col(), Some((1, 6)));
    still_usable(&mut mla);
    denied(&mut mla, "load(\"/etc/passwd\")");
    denied(&mut mla, "load(\"data/../../secret.csv\")");
    denied(&mut mla, &format!("load(\"{}\")", secret.display()));
    denied(&mut mla, "save(\"../escaped.csv\", [1 2])");
    denied(&mut mla, "plot([1 2]); savefig(\"../escaped.svg\")");
    denied(&mut mla, "run(\"../secret.csv\")");
    assert!(!dir.join("../escaped.csv").exists());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_jail_is_refused() {
    let (dir, secret, _cleanup) = jail("link");
    std::os::unix::fs::symlink(&secret, dir.join("link.csv")).unwrap();
    std::os::unix::fs::symlink(dir.parent().unwrap(), dir.join("up")).unwrap();
    let mut mla = sandboxed(Limits {
        files: FilePolicy::Root(dir.clone()),
        ..Limits::default()
    });
    let e = mla.run("S = load(\"link.csv\")").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Denied);
    assert_eq!(
        e.to_string(),
        "cannot access `link.csv`: it leads (through a link) outside the directory this program may use"
    );
    still_usable(&mut mla);
    denied(&mut mla, "S = load(\"up/secret.csv\")");
    denied(&mut mla, "save(\"link.csv\", 1)");
    denied(&mut mla, "save(\"up/new.csv\", 1)");
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "42\n");
    // a link that stays inside is fine
    std::os::unix::fs::symlink(dir.join("data/x.csv"), dir.join("inside.csv")).unwrap();
    mla.run("X = load(\"inside.csv\");").unwrap();
}

#[test]
fn read_only_and_denied_file_access() {
    let (dir, _, _cleanup) = jail("readonly");
    let mut mla = sandboxed(Limits {
        files: FilePolicy::ReadOnly(dir.clone()),
        ..Limits::default()
    });
    mla.run("X = load(\"data/x.csv\");").unwrap();
    let e = mla.run("save(\"data/y.csv\", X)").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Denied);
    assert_eq!(
        e.to_string(),
        "cannot access `data/y.csv`: this program may read files but not write them"
    );
    assert!(!dir.join("data/y.csv").exists());

    let mut mla = sandboxed(Limits {
        files: FilePolicy::Deny,
        ..Limits::default()
    });
    denied(&mut mla, "X = load(\"data/x.csv\")");
    denied(&mut mla, "run(\"script.mla\")");
    // built-in data sets are no files
    mla.run("X = dataset(\"iris\");").unwrap();
}

#[test]
fn an_interrupt_from_another_thread_stops_the_run() {
    let mut mla = Interpreter::with_output(SharedBuffer::new());
    let handle = mla.interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        handle.interrupt();
    });
    let e = mla.run("n = 0; while true; n = n + 1; end").unwrap_err();
    stopper.join().unwrap();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert!(mla.get::<f64>("n").unwrap() > 0.0);
    still_usable(&mut mla);
}

#[test]
fn straight_line_code_stops_at_the_time_limit_too() {
    let mut mla = sandboxed(Limits {
        max_duration: Some(Duration::from_millis(100)),
        ..Limits::default()
    });
    // No loop and no call: each statement is one long builtin.
    let script = format!(
        "A = rand(600);\n{}",
        "B = A * A; C = inv(B + eye(600));\n".repeat(40)
    );
    let t = Instant::now();
    let e = mla.run(&script).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    still_usable(&mut mla);
}

#[test]
fn a_loop_over_a_long_range_allocates_nothing_and_is_not_refused() {
    let mut mla = sandboxed(Limits {
        max_allocation_bytes: 1 << 20,
        ..Limits::default()
    });
    mla.run("n = 0; for i = 1:2e9; n = n + 1; if n == 3; break; end; end")
        .expect("a loop walks its range");
    assert_eq!(mla.get::<f64>("n").unwrap(), 3.0);
    // stored as a value, the same range is an allocation, refused with the
    // configured limit in the message
    let e = mla.run("r = 1:2e9;").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory, "{e}");
    assert!(
        e.to_string().contains("1 MiB") || e.to_string().contains("1.0 MiB"),
        "{e}"
    );
}

#[test]
fn a_file_name_save_cannot_write_is_a_file_error() {
    let mut mla = sandboxed(Limits::default());
    for script in ["save(\"x\", 1)", "plot([1 2]); savefig(\"x.jpg\")"] {
        let e = mla.run(script).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io, "{script}: {e}");
    }
}
