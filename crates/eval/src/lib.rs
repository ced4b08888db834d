//! The MLA evaluator: runs parsed programs against the runtime.
//!
//! ```
//! use mla_eval::{Interpreter, SharedBuffer};
//! let out = SharedBuffer::new();
//! let mut mla = Interpreter::with_output(Box::new(out.clone()));
//! mla.run("<doc>", "A = [1 2; 3 4]; d = det(A)").unwrap();
//! assert_eq!(out.take(), "d = -2\n");
//! ```

mod call;
mod callable;
mod complete;
pub mod error;
mod exec;
mod expr;
mod interp;
mod literal;
mod names;
mod resolve;
mod resolved;
pub mod source;
mod timing;
mod vars;
mod workspace;

pub use complete::{Completion, CompletionKind, KEYWORDS};
pub use error::{render_color, render_plain, ErrorDetails, ErrorKind, EvalError, TraceFrame};
pub use interp::{Interpreter, Limits, SharedBuffer};
pub use mla_runtime::{Value, BUILTINS};
pub use source::Source;
pub use timing::{AllocationMeter, Allocations};
