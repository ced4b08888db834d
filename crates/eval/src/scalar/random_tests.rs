//! Random programs of numbers, run with the tier on and off: register code
//! (temporaries, frames over the caller's slots, jumps of nested loops and
//! branches) must give the general evaluator's numbers to the last bit.

use crate::{Interpreter, SharedBuffer};

/// A small deterministic generator (64-bit LCG, high bits).
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    /// An expression over `vars` calling the functions `fns` (name, arity),
    /// at most `depth` deep.
    fn expr(&mut self, vars: &[&str], fns: &[(String, usize)], depth: u32) -> String {
        let leaf = depth == 0 || self.next(4) == 0;
        if leaf {
            return match self.next(3) {
                0 => format!("{}", self.next(7) as f64 * 0.5 - 1.0),
                _ => vars[self.next(vars.len() as u64) as usize].to_string(),
            };
        }
        match self.next(7) {
            0..=2 => {
                let op = ["+", "-", "*", "/"][self.next(4) as usize];
                let (x, y) = (
                    self.expr(vars, fns, depth - 1),
                    self.expr(vars, fns, depth - 1),
                );
                format!("({x} {op} {y})")
            }
            3 => format!("-{}", self.expr(vars, fns, depth - 1)),
            4 => format!("abs({})", self.expr(vars, fns, depth - 1)),
            _ if fns.is_empty() => self.expr(vars, fns, depth - 1),
            _ => {
                let (name, arity) = fns[self.next(fns.len() as u64) as usize].clone();
                let args: Vec<String> = (0..arity)
                    .map(|_| self.expr(vars, fns, depth - 1))
                    .collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    fn cond(&mut self, vars: &[&str], fns: &[(String, usize)]) -> String {
        let cmp = ["<", "<=", ">", ">=", "==", "~="][self.next(6) as usize];
        let (x, y) = (self.expr(vars, fns, 2), self.expr(vars, fns, 1));
        match self.next(4) {
            0 => format!("{x} {cmp} {y} && {}", self.expr(vars, fns, 1)),
            _ => format!("{x} {cmp} {y}"),
        }
    }

    /// A function of two arguments over the earlier functions `fns`.
    fn function(&mut self, name: &str, fns: &[(String, usize)]) -> String {
        let top = ["a", "b", "r"];
        let inner = ["a", "b", "r", "i"];
        let mut s = format!(
            "function r = {name}(a, b)\n  r = {};\n",
            self.expr(&["a", "b"], fns, 3)
        );
        s += &format!("  for i = 1:{}\n", self.next(4));
        s += &format!(
            "    if {}\n      r = {};\n",
            self.cond(&inner, fns),
            self.expr(&inner, fns, 3)
        );
        s += &format!("    elseif {}\n      continue\n", self.cond(&inner, fns));
        s += &format!(
            "    else\n      r = r + {};\n    end\n",
            self.expr(&inner, fns, 2)
        );
        s += &format!("    if {}, break; end\n  end\n", self.cond(&inner, fns));
        s += &format!(
            "  while r > 100 && r < 1e12\n    r = r / 3 - {};\n  end\n",
            self.next(3)
        );
        s += &format!("  r = r * {};\nend\n", self.expr(&top, fns, 2));
        s
    }
}

/// What a program prints, and how many calls the tier finished.
fn run(code: &str, tier: bool) -> (String, u64) {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    mla.set_warning_output(Box::new(out.clone()));
    mla.scalar_tier = tier;
    if let Err(e) = mla.run("t.mla", code) {
        return (
            format!("{}{}", out.take(), crate::render_plain(&e)),
            mla.scalar_runs,
        );
    }
    (out.take(), mla.scalar_runs)
}

#[test]
fn random_programs_agree_with_the_general_evaluator() {
    let mut tiered_calls = 0;
    for seed in 0..60 {
        let mut g = Gen(seed * 7919 + 1);
        let mut fns: Vec<(String, usize)> = Vec::new();
        let mut code = String::new();
        for k in 0..4 {
            let name = format!("f{k}");
            code += &g.function(&name, &fns);
            fns.push((name, 2));
        }
        for (x, y) in [(1.0, 2.0), (-3.5, 0.0), (7.25, -1.0)] {
            code += &format!("printf(\"%.17g\\n\", f3({x}, {y}));\n");
        }
        let (general, none) = run(&code, false);
        let (tiered, runs) = run(&code, true);
        assert_eq!(none, 0);
        assert_eq!(general, tiered, "seed {seed}:\n{code}");
        tiered_calls += runs;
    }
    // Most programs run in the tier (some divide into a matrix-free
    // NaN, all stay numbers; none should make the tier give up for good).
    assert!(
        tiered_calls >= 150,
        "only {tiered_calls} calls ran in the tier"
    );
}
