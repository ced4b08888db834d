//! The MLA evaluator: runs parsed programs against the runtime.
//!
//! ```
//! use mla_eval::{Interpreter, SharedBuffer};
//! let out = SharedBuffer::new();
//! let mut mla = Interpreter::with_output(Box::new(out.clone()));
//! mla.run("<doc>", "A = [1 2; 3 4]; d = det(A)").unwrap();
//! assert_eq!(out.take(), "d = -2\n");
//! ```

mod budget;
mod call;
mod callable;
mod compiled;
mod complete;
pub mod error;
mod exec;
mod expr;
mod file_access;
mod for_loop;
mod interp;
mod limits;
mod literal;
mod names;
mod presentation;
mod progress;
mod resolve;
mod resolved;
mod scalar;
pub mod source;
mod timing;
mod vars;
mod workspace;

pub use compiled::Compiled;
pub use complete::{Completion, CompletionKind, KEYWORDS};
pub use error::{render_color, render_plain, ErrorDetails, ErrorKind, EvalError, TraceFrame};
pub use interp::{Interpreter, SharedBuffer};
pub use limits::{FilePolicy, Limits};
pub use mla_runtime::{Value, BUILTINS};
pub use presentation::DisplaySink;
pub use source::Source;
pub use timing::{AllocationMeter, Allocations};
