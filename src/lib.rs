//! MLA embedded in a Rust program: hand matrices in, run MLA code (once or
//! compiled for many evaluations), take typed results out, add functions
//! written in Rust, and run untrusted scripts under limits.
//!
//! ```
//! use ndarray::{array, Array2};
//! let mut mla = mla::Interpreter::new();
//! mla.set("X", array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//! mla.run("C = X' * X / rows(X);")?;
//! let c: Array2<f64> = mla.get("C")?;
//! assert_eq!(c.dim(), (2, 2));
//!
//! mla.register("clip01", "clip01(X): clamps to [0, 1]",
//!     |x: Array2<f64>| x.mapv(|v| v.clamp(0.0, 1.0)))?;
//! let f = mla.compile("clip01(X * w + b)")?;
//! mla.set("w", vec![0.5, -0.25]);
//! mla.set("b", 0.1);
//! let y: Vec<f64> = f.eval(&mut mla)?;
//! assert_eq!(y.len(), 3);
//! # Ok::<(), mla::Error>(())
//! ```
//!
//! - Values cross with [`IntoValue`] and [`FromValue`]: numbers, `bool`,
//!   strings, `Vec<f64>` (a column), `ndarray` matrices and views, tuples
//!   for multiple results. A mismatch is an [`Error`] naming kind and shape.
//! - [`Interpreter::register`] adds a typed closure; [`Interpreter::register_with_context`]
//!   one that may call back into MLA. Both show in `help` and completion.
//! - [`Interpreter::compile`] parses once; [`Compiled::eval`] evaluates.
//! - [`Limits`] bound operations, time, memory, call depth and files
//!   ([`FilePolicy`]); an [`InterruptHandle`] stops a run from another thread.
//! - [`Error`] is a [`miette::Diagnostic`] with a [`kind`](Error::kind) and
//!   a rendering as the `mla` command shows it.

mod compiled;
mod convert;
mod error;
mod interpreter;
mod native;
mod presentation;
mod register;
mod value;

pub use compiled::Compiled;
pub use convert::{FromValue, IntoArgs, IntoValue};
pub use error::{render_color, render_plain, Error, ErrorKind};
pub use interpreter::{Interpreter, InterruptHandle};
pub use mla_eval::{
    AllocationMeter, Allocations, Completion, CompletionKind, FilePolicy, SharedBuffer, KEYWORDS,
};

/// What a script may use. Exceeding a limit stops it with an [`Error`] of
/// its own kind ([`ErrorKind::Timeout`], [`ErrorKind::Operations`],
/// [`ErrorKind::Memory`], [`ErrorKind::Recursion`], [`ErrorKind::Denied`]);
/// the interpreter keeps the variables assigned before and runs the next
/// script normally.
///
/// ```
/// use std::time::Duration;
/// use mla::{ErrorKind, FilePolicy, Interpreter, Limits};
/// let mut mla = Interpreter::new();
/// mla.set_limits(Limits {
///     max_duration: Some(Duration::from_millis(100)),
///     max_allocation_bytes: 64 << 20,
///     max_workspace_bytes: Some(256 << 20),
///     files: FilePolicy::Deny,
///     ..Limits::default()
/// });
/// assert_eq!(mla.run("while true; end").unwrap_err().kind(), ErrorKind::Timeout);
/// assert_eq!(mla.run("zeros(1e5)").unwrap_err().kind(), ErrorKind::Memory);
/// assert_eq!(mla.run("load(\"x.csv\")").unwrap_err().kind(), ErrorKind::Denied);
/// assert!(mla.run("x = 1;").is_ok());
/// ```
pub use mla_eval::Limits;
pub use native::{Args, Context, IntoResult, NativeFunction};
/// The `ndarray` version MLA's matrices are made of.
pub use ndarray;
pub use presentation::Shown;
pub use value::Value;

/// One line naming the linear algebra this build runs on: faer (pure
/// Rust, the default) or, with the `lapack` feature, LAPACK and the
/// system's OpenBLAS, with its threads.
pub fn linalg_backend() -> String {
    mla_runtime::linalg::backend_description()
}

/// Measures the bytes the process holds with `meter` (a counting global
/// allocator's live bytes) for the memory budget
/// ([`Limits::max_memory_bytes`]); without one, the resident size the
/// system reports is used. Only the first call counts.
pub fn set_memory_meter(meter: fn() -> usize) {
    mla_runtime::memory::set_meter(meter);
}

/// Checks that `code` parses, without running it. An error's
/// [`is_incomplete`](Error::is_incomplete) tells whether more lines could
/// complete it (an open block, bracket or string).
///
/// ```
/// assert!(mla::check_syntax("x = [1 2; 3 4]").is_ok());
/// assert!(mla::check_syntax("function f(x)\n").unwrap_err().is_incomplete());
/// assert!(!mla::check_syntax("x = 1 +* 2").unwrap_err().is_incomplete());
/// ```
pub fn check_syntax(code: &str) -> Result<(), Error> {
    mla_eval::Compiled::new("<code>", code)
        .map(drop)
        .map_err(Error::from)
}

/// Runs `code` in a fresh interpreter and returns what it printed, or the
/// rendered diagnostic (plain text) after what was printed before it.
///
/// ```
/// assert_eq!(mla::run_to_string("<doc>", "x = 1 + 1").unwrap(), "x = 2\n");
/// assert!(mla::run_to_string("<doc>", "y = nope").unwrap_err().contains("`nope` is not defined"));
/// ```
pub fn run_to_string(name: &str, code: &str) -> Result<String, String> {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(out.clone());
    match mla.run_named(name, code) {
        Ok(_) => Ok(out.take()),
        Err(e) => Err(format!("{}{}", out.take(), e.render())),
    }
}
