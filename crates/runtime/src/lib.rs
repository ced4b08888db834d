//! The MLA runtime: values, operators, numerics and the builtin table.
//! It knows nothing of syntax or source positions; errors are kinds that the
//! evaluator places in the source.

mod args;
pub mod atomic_file;
pub mod autodiff;
pub mod builtins;
pub mod display;
pub mod display_html;
pub mod error;
pub mod files;
pub mod format;
pub mod index;
pub mod interrupt;
pub mod kernels;
pub mod linalg;
pub mod memory;
pub mod operator;
pub mod ops;
pub mod optim;
pub mod parallel;
pub mod plot;
pub mod printf;
pub mod rng;
pub mod simd_state;
pub mod tape;
pub mod value;
pub mod vecmath;

pub use builtins::{
    Builtin, BuiltinFn, BuiltinRef, CallContext, CallSite, Clash, Constant, Host, Implementation,
    NativeFn, Registry, BUILTINS, CONSTANTS,
};
pub use error::{CallbackError, Result, RuntimeError, Shape};
pub use index::IndexArg;
/// The ndarray version MLA values are built on, for embedders.
pub use ndarray;
pub use operator::Op;
pub use rng::Rng;
pub use value::external::{self, External};
pub use value::{Func, UserFunc, Value, MAX_ELEMENTS};
