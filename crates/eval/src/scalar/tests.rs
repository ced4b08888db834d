//! The scalar tier must be invisible: every program prints, returns and
//! fails the same with the tier on and off. Each case also says whether the
//! tier should have run a call to the end, so a tier that silently gave up
//! everywhere would fail here too.

use crate::{render_plain, Interpreter, SharedBuffer};
use std::sync::atomic::Ordering;

/// Output (or rendered error) and the number of calls the tier finished.
fn run(code: &str, tier: bool) -> (String, u64) {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    mla.set_warning_output(Box::new(out.clone()));
    mla.scalar_tier = tier;
    let text = match mla.run("t.mla", code) {
        Ok(_) => out.take(),
        Err(e) => format!("{}{}", out.take(), render_plain(&e)),
    };
    (text, mla.scalar_runs)
}

/// Runs `code` both ways; returns the shared output and the tier's count.
fn same(code: &str) -> (String, u64) {
    let (general, none) = run(code, false);
    let (tiered, runs) = run(code, true);
    assert_eq!(none, 0);
    assert_eq!(
        general, tiered,
        "the tier changed what this prints:\n{code}"
    );
    (tiered, runs)
}

const FIB: &str = "function r = fib(n)\n  if n < 2\n    r = n;\n  else\n    r = fib(n - 1) + fib(n - 2);\n  end\nend\n";

#[test]
fn recursion_runs_in_the_tier() {
    let (out, runs) = same(&format!("{FIB}fib(20)\nfib(0)\n"));
    assert_eq!(out, "ans = 6765\nans = 0\n");
    assert_eq!(runs, 2);
}

#[test]
fn loops_branches_and_early_return() {
    let code = "function s = f(n)
  s = 0;
  for i = n:-2:1
    if mod(i, 3) == 0
      continue
    elseif i > 20 && !(i == 25)
      s += 0.5;
    else
      s = s + i ^ 2;
    end
  end
  k = 0;
  while true
    k = k + 1;
    if k >= 7 | s < 0, break; end
  end
  s = s * k;
  if s > 1e4
    return
  end
  s = -s;
end
g(x) = sqrt(abs(x)) + max(x, 2) - floor(x / 3) + pi
[f(30), f(9), f(0), g(-7.5), g(10)]
";
    let (out, runs) = same(code);
    assert!(out.starts_with("ans = "), "{out}");
    assert_eq!(runs, 5);
}

#[test]
fn numbers_at_the_edges_agree() {
    let code = "h(x, y) = x / y + x ^ y + mod(x, y) + rem(x, y) + round(x) + sign(y)
v = [h(1, 0), h(-8, 1/3), h(0, 0), h(-2.5, -1), h(NaN, 2), h(Inf, -Inf)]
c(x) = x < NaN || x == x
c(NaN)
";
    let (out, runs) = same(code);
    // `c` gives a truth value: not for the tier, which runs numbers only.
    assert_eq!(runs, 6, "{out}");
}

#[test]
fn impure_callees_run_once() {
    let code = "function r = loud(x)
  printf(\"loud %g\\n\", x);
  r = x;
end
function r = quiet(x)
  r = loud(x) + 1;
end
quiet(2)
quiet(3)
";
    let (out, runs) = same(code);
    assert_eq!(out, "loud 2\nans = 3\nloud 3\nans = 4\n");
    assert_eq!(runs, 0);
}

#[test]
fn names_are_read_when_called() {
    let code = "scale = 2;
f(x) = scale * x
a = f(3)
scale = 10;
b = f(3)
scale = [1 2];
c = f(3)
sqrt = 4;
s(x) = sqrt(x)
s(1)
";
    let (out, runs) = same(code);
    assert!(out.contains("a = 6\nb = 30\n"), "{out}");
    assert_eq!(runs, 2);
}

#[test]
fn redefinition_takes_effect() {
    let code = format!("{FIB}a = fib(10)\nfunction r = fib(n)\n  r = -n;\nend\nb = fib(10)\n");
    let (out, _) = same(&code);
    assert_eq!(out, "a = 55\nb = -10\n");
}

#[test]
fn errors_are_the_general_evaluators() {
    for code in [
        "down(n) = down(n + 1)\ndown(1)\n",
        "function r = a(n)\n  r = b(n, 1);\nend\nfunction r = b(n)\n  r = n;\nend\na(1)\n",
        "function r = a(n)\n  r = nothere(n) + 1;\nend\na(1)\n",
        "function r = a(n)\n  r = 0;\n  for i = 1:n\n    r = r + i;\n  end\nend\na(NaN)\na(1e300)\n",
        "function r = w(x)\n  if x > 0\n    r = 1;\n  end\nend\nw(-1)\n",
        "k(x) = sqrt(x) + log(x)\nk(-4)\nk(0)\n",
    ] {
        let (out, _) = same(code);
        assert!(out.contains("×") || out.contains("ans"), "{out}");
    }
}

#[test]
fn an_interrupt_stops_a_tiered_loop() {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    mla.run(
        "t.mla",
        "function r = spin(n)\n  r = 0;\n  while true\n    r = r + n;\n  end\nend\n",
    )
    .expect("defines");
    let flag = mla.interrupt_flag();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        flag.store(true, Ordering::Relaxed);
    });
    let err = mla
        .run("t.mla", "x = 5; y = spin(1)")
        .expect_err("interrupted");
    stopper.join().expect("joins");
    assert!(render_plain(&err).contains("interrupted"));
    mla.interrupt_flag().store(false, Ordering::Relaxed);
    mla.run("t.mla", "x").expect("x is kept");
    assert_eq!(out.take(), "x = 5\n");
}

#[test]
fn limits_stop_a_tiered_loop() {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    mla.limits.max_duration = Some(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let err = mla
        .run("t.mla", "function r = spin(n)\n  r = 0;\n  while true\n    r = r + n;\n  end\nend\nx = 5; y = spin(1)")
        .expect_err("stopped by the time limit");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(
        err.kind(),
        crate::ErrorKind::Timeout,
        "{}",
        render_plain(&err)
    );
    mla.limits.max_operations = Some(100_000);
    mla.limits.max_duration = None;
    let err = mla
        .run("t.mla", "z = spin(2)")
        .expect_err("stopped by the operation limit");
    assert_eq!(
        err.kind(),
        crate::ErrorKind::Operations,
        "{}",
        render_plain(&err)
    );
}

/// A builtin the table declares pure must behave so for the tier: given
/// numbers it touches nothing of its host (no output, randomness, clock,
/// figures, warnings or callbacks), whatever the numbers.
#[test]
fn builtins_declared_pure_touch_nothing() {
    let registry = mla_runtime::Registry::standard();
    let values = [-2.5, -1.0, 0.0, 0.5, 1.0, 3.0, f64::NAN, f64::INFINITY];
    let mut checked = 0;
    for b in mla_runtime::BUILTINS.iter().filter(|b| b.pure) {
        for n in b.min_args..=b.max_args.min(3) {
            for i in 0..values.len() {
                let args: Vec<f64> = (0..n).map(|k| values[(i + k * 3) % values.len()]).collect();
                assert!(
                    !super::run::touches_host(&registry, b, &args),
                    "`{}` declared pure touched its host with {args:?}",
                    b.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} calls checked");
}

/// Register code puts a callee's frame over its caller's temporaries from
/// the arguments up: results computed before a call must survive it.
#[test]
fn calls_keep_their_callers_values() {
    let code = "a(x) = x + 1
b(x, y) = x * 10 + y
function r = mix(n)
  r = 0;
  for i = 1:n
    r = r + a(i) * b(a(i), b(i, 2)) - b(a(a(i)), 3) / a(i);
    if b(i, a(i)) > a(b(i, 1)) + 3.5
      r = r - a(r) / 1000;
    end
  end
end
mix(7)
";
    let (out, runs) = same(code);
    // The same loop in Python gives 3679.9283734492783.
    assert_eq!(out, "ans = 3679.928373\n");
    assert_eq!(runs, 1);
}

/// A recursion that needs more room than the tier's first stack (16 384
/// slots: here 900 frames of over 20) gives up, the general evaluator
/// answers, and later runs have room.
#[test]
fn a_deep_recursion_grows_the_stack() {
    let locals: String = (1..=20).map(|k| format!("  a{k} = n + {k};\n")).collect();
    let code = format!(
        "function r = wide(n)\n{locals}  if n == 0\n    r = a20;\n  else\n    r = wide(n - 1) + 1;\n  end\nend\nwide(900)\n"
    );
    let (out, _) = same(&code);
    assert_eq!(out, "ans = 920\n");
    let mut mla = Interpreter::with_output(Box::new(SharedBuffer::new()));
    mla.run("t.mla", &code).expect("runs");
    assert!(mla.numbers.len() >= 2 * 16384, "{}", mla.numbers.len());
    let before = mla.scalar_runs;
    mla.run("t.mla", "wide(900)").expect("runs");
    assert_eq!(mla.scalar_runs, before + 1);
}

/// Giving up many calls deep drops every frame: the general evaluator
/// runs the call again from its start and gets the same answer.
#[test]
fn giving_up_deep_in_calls_starts_over() {
    let code = "function r = g(n)
  if n == 0
    r = k;
  else
    r = g(n - 1) + 1;
  end
end
k = 5;
a = g(40)
k = [1 2];
b = g(40)
";
    let (out, runs) = same(code);
    assert_eq!(out, "a = 45\nb = 1×2 Matrix\n  41  42\n");
    assert_eq!(runs, 1);
}
