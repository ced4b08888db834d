//! Code parsed and resolved once and evaluated many times: the host's
//! formula (`sigmoid(X * w + b)`) pays for parsing when it is compiled, and
//! each evaluation walks the same resolved tree.

use crate::error::EvalError;
use crate::interp::Interpreter;
use crate::resolved::RProgram;
use crate::source::Source;
use mla_runtime::Value;
use std::sync::Arc;

/// A program parsed and resolved once. Names in it are looked up when it
/// runs, so one `Compiled` serves any interpreter, and sees the variables
/// each has at that time.
#[derive(Clone, Debug)]
pub struct Compiled {
    program: Arc<RProgram>,
}

impl Compiled {
    /// Parses and resolves `text`, naming it `name` in diagnostics. Needs
    /// no interpreter: names are looked up when it runs.
    pub fn new(name: &str, text: &str) -> Result<Compiled, EvalError> {
        let source = Source::new(name, text);
        let parsed = crate::source::parse(&source)?;
        Ok(Compiled {
            program: Arc::new(crate::resolve::program(&parsed, &source)),
        })
    }

    /// The source it was compiled from.
    pub fn source(&self) -> &Source {
        &self.program.source
    }
}

impl Interpreter {
    /// Parses and resolves `text` (see [`Compiled::new`]).
    pub fn compile(&self, name: &str, text: &str) -> Result<Compiled, EvalError> {
        Compiled::new(name, text)
    }

    /// Runs a compiled program in the workspace, on the calling thread and
    /// without showing results; returns the value of its last statement.
    /// Deep recursion stops at `Limits::host_stack_bytes` of stack.
    pub fn eval_compiled(&mut self, compiled: &Compiled) -> Result<Value, EvalError> {
        let _limit = self.begin(self.limits.host_stack_bytes);
        let _watch = mla_runtime::interrupt::watch(self.interrupt.clone());
        let quiet = std::mem::replace(&mut self.quiet, true);
        let result = self.exec_program(&compiled.program);
        self.quiet = quiet;
        let _ = std::io::Write::flush(&mut self.out);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SharedBuffer;

    #[test]
    fn evaluating_many_times_resolves_once_and_shares_one_tree() {
        let out = SharedBuffer::new();
        let mut mla = Interpreter::with_output(Box::new(out.clone()));
        mla.run("<setup>", "w = [1; 2]; b = 0.5;").unwrap();
        let f = mla.compile("<f>", "1 ./ (1 + exp(-(x * w + b)))").unwrap();
        let resolved = crate::resolve::resolved_on_this_thread();
        for i in 0..100_000 {
            mla.set("x", Value::row(vec![i as f64 * 1e-5, -1.0]));
            let y = mla.eval_compiled(&f).unwrap();
            assert!(y.to_scalar().unwrap() > 0.0);
        }
        assert_eq!(crate::resolve::resolved_on_this_thread(), resolved);
        assert_eq!(Arc::strong_count(&f.program), 1);
        // compiled code is quiet: `ans = …` is not shown
        assert_eq!(out.take(), "");
    }

    #[test]
    fn deep_recursion_on_the_callers_thread_is_an_error() {
        let mut mla = Interpreter::with_output(Box::new(SharedBuffer::new()));
        mla.run("<def>", "function r = down(n)\n r = down(n + 1);\nend")
            .unwrap();
        let f = mla.compile("<f>", "down(1)").unwrap();
        let e = std::thread::Builder::new()
            .stack_size(4 << 20)
            .spawn(move || mla.eval_compiled(&f).unwrap_err())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(e.kind(), crate::ErrorKind::Recursion);
    }
}
