//! MLA embedded in a Rust program: parse and run MLA code, exchange values.
//!
//! ```
//! use mla::{Interpreter, SharedBuffer, Value};
//! let out = SharedBuffer::new();
//! let mut mla = Interpreter::with_output(Box::new(out.clone()));
//! mla.set("n", Value::Num(4.0));
//! mla.run("<embed>", "v = linspace(0, 1, n);").unwrap();
//! assert_eq!(mla.get("v").unwrap().shape(), (1, 4));
//! ```

pub use mla_eval::{
    render_color, render_plain, Completion, CompletionKind, ErrorKind, EvalError, Interpreter,
    Limits, SharedBuffer, Source,
};
pub use mla_parser::{parse, ParseError, Program};
pub use mla_runtime::{ndarray, Builtin, BuiltinFn, CallContext, Clash, Func, RuntimeError, Value};

/// Runs `code` in a fresh interpreter and returns what it printed, or the
/// rendered diagnostic (plain text) with the output printed before it.
pub fn run_to_string(name: &str, code: &str) -> Result<String, String> {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    match mla.run(name, code) {
        Ok(_) => Ok(out.take()),
        Err(e) => Err(format!("{}{}", out.take(), render_plain(&e))),
    }
}
