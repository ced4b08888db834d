//! Gradient steps: the optimizers behind `sgd`, `adam`, `rmsprop`,
//! `adagrad` and `step`, learning-rate schedules, and the minimiser behind
//! `minimize` (L-BFGS, gradient descent and Newton's method, each with a
//! strong-Wolfe line search). Plain numerics on `f64` slices and ndarray
//! matrices; the builtins in `crate::builtins::optim` and
//! `crate::builtins::minimize` turn values into these and back.

mod lbfgs;
mod line_search;
pub mod minimize;
mod newton;
mod optimizer;
pub mod rules;
pub mod schedule;

pub use minimize::{minimize, Algorithm, Objective, Outcome, Settings, Stop};
pub use optimizer::Optimizer;
pub use rules::Method;
pub use schedule::Schedule;
