//! Reverse-mode automatic differentiation for `grad` and `value_and_grad`.
//!
//! While a function runs under `grad`, its arguments are [`Traced`] values:
//! each operation on them computes its result as usual and records, on a
//! shared tape, how to send a gradient back to its inputs. Afterwards the tape
//! is walked backwards from the scalar result. Operations that have no rule
//! refuse traced inputs with an error; none silently drops a gradient.

mod arrange;
mod functions;
mod linalg;
mod operators;
mod reductions;
mod structure;

/// Every gradient rule a builtin's table entry can name (as
/// `Gradient::Rule(rules::exp)`).
pub(crate) mod rules {
    pub(crate) use super::arrange::{rearrange, sort};
    pub(crate) use super::functions::{
        abs, bce, clamp, cos, cross_entropy, exp, log, log10, log1p, log2, logsumexp, mean, mse,
        relu, reshape, sigmoid, sin, softmax, sqrt, sum, tan, tanh, trace,
    };
    pub(crate) use super::linalg::{chol, det, eig, inv, solve};
    pub(crate) use super::reductions::{cumsum, dot, max, min, norm, prod, std, var};
}

use crate::error::{Result, RuntimeError};
use crate::tape::{Backward, Node};
pub use crate::tape::{Tape, Traced};
use crate::value::Value;
pub use crate::value::{strip, Forward, Rule};
use ndarray::Array2;
use std::sync::Arc;

pub use linalg::{left_div, power, right_div};
pub use operators::{binary, elem_pow, unary, UnaryOp};
pub use structure::{assign, concat, index};

/// One input of a recorded operation: traced, or a constant.
pub(crate) enum Input<'a> {
    Var(&'a Traced),
    Const(Arc<Array2<f64>>),
}

impl Input<'_> {
    pub(crate) fn value(&self) -> &Array2<f64> {
        match self {
            Input::Var(t) => &t.value,
            Input::Const(c) => c,
        }
    }

    /// The value, shared rather than copied: a backward closure that needs
    /// an operand holds it so (copies of the operands were a sixth of a
    /// small network's training step under `value_and_grad`).
    pub(crate) fn shared(&self) -> Arc<Array2<f64>> {
        match self {
            Input::Var(t) => t.value.clone(),
            Input::Const(c) => c.clone(),
        }
    }

    /// Whether a gradient flows to this input: a backward closure skips
    /// the work for one that does not ([`only_if`]).
    pub(crate) fn traced(&self) -> bool {
        matches!(self, Input::Var(_))
    }
}

/// `grad()` for an input that is traced; for one that is not, a 0×0
/// placeholder that [`record`] drops unread, so the work is skipped.
pub(crate) fn only_if(traced: bool, grad: impl FnOnce() -> Array2<f64>) -> Array2<f64> {
    if traced {
        grad()
    } else {
        Array2::zeros((0, 0))
    }
}

/// The traced view of an operand, or its plain value.
pub(crate) fn input(v: &Value) -> Result<Input<'_>> {
    match v {
        Value::Traced(t) => Ok(Input::Var(t)),
        Value::Matrix(m) => Ok(Input::Const(m.clone())),
        other => Ok(Input::Const(Arc::new(other.to_matrix()?.into_owned()))),
    }
}

/// Records `value = f(inputs)`; `backward(g)` returns one gradient per input,
/// and those of constants are dropped (a rule may skip them with [`only_if`]).
pub(crate) fn record(inputs: &[&Input<'_>], value: Array2<f64>, backward: Backward) -> Value {
    record_shared(inputs, Arc::new(value), backward)
}

/// [`record`] of a value the backward closure holds too.
pub(crate) fn record_shared(
    inputs: &[&Input<'_>],
    value: Arc<Array2<f64>>,
    backward: Backward,
) -> Value {
    let tape = inputs.iter().find_map(|i| match i {
        Input::Var(t) => Some(t.tape.clone()),
        Input::Const(_) => None,
    });
    let Some(tape) = tape else {
        return Value::shared_matrix(value);
    };
    let mask: Vec<Option<usize>> = inputs
        .iter()
        .map(|i| match i {
            Input::Var(t) => Some(t.id),
            Input::Const(_) => None,
        })
        .collect();
    let parents: Vec<usize> = mask.iter().flatten().copied().collect();
    let keep: Vec<bool> = mask.iter().map(Option::is_some).collect();
    let id = tape.push(Node {
        parents,
        backward: Some(Box::new(move |g| {
            backward(g)
                .into_iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(grad, _)| grad)
                .collect()
        })),
    });
    Value::Traced(Arc::new(Traced { value, id, tape }))
}

/// True when any of the values is traced.
pub fn any_traced(values: &[Value]) -> bool {
    values.iter().any(|v| matches!(v, Value::Traced(_)))
}

/// Starts a differentiation: the arguments become leaves of a fresh tape.
pub fn leaves(args: &[Value]) -> Result<(Arc<Tape>, Vec<Value>)> {
    let tape = Arc::new(Tape::default());
    let mut out = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        if let Value::Traced(_) = a {
            return Err(RuntimeError::Domain(
                "grad of a gradient (nested grad) is not supported".into(),
            )
            .at_arg(i + 1));
        }
        if !a.is_numeric() {
            return Err(
                RuntimeError::ty("a number or matrix to differentiate by", a.describe())
                    .at_arg(i + 1),
            );
        }
        let value = Arc::new(a.to_matrix()?.into_owned());
        let id = tape.push(Node {
            parents: Vec::new(),
            backward: None,
        });
        out.push(Value::Traced(Arc::new(Traced {
            value,
            id,
            tape: tape.clone(),
        })));
    }
    Ok((tape, out))
}

/// Backpropagates from the scalar `result`; returns the gradient for each of
/// the first `n` leaves, shaped like `shapes`.
pub fn gradients(tape: &Tape, result: &Value, shapes: &[(usize, usize)]) -> Result<Vec<Value>> {
    let zeros = |(r, c): (usize, usize)| Value::matrix(Array2::zeros((r, c)));
    let root = match result {
        Value::Traced(t) if t.value.dim() == (1, 1) => t.id,
        Value::Traced(t) => {
            return Err(RuntimeError::Domain(format!(
                "grad needs a function that returns a number, this one returned a {}×{} matrix",
                t.value.nrows(),
                t.value.ncols()
            )))
        }
        // The result does not depend on the arguments: the gradient is zero.
        v if v.shape() == (1, 1) && v.is_numeric() => {
            return Ok(shapes.iter().map(|s| zeros(*s)).collect())
        }
        v => {
            return Err(RuntimeError::Domain(format!(
                "grad needs a function that returns a number, this one returned {}",
                v.describe()
            )))
        }
    };
    let nodes = tape.nodes();
    let mut grads: Vec<Option<Array2<f64>>> = vec![None; nodes.len()];
    grads[root] = Some(Array2::ones((1, 1)));
    for id in (0..=root).rev() {
        let Some(g) = grads[id].take() else { continue };
        crate::interrupt::check()?;
        let node = &nodes[id];
        match &node.backward {
            None => grads[id] = Some(g),
            Some(backward) => {
                for (parent, pg) in node.parents.iter().zip(backward(&g)) {
                    match &mut grads[*parent] {
                        Some(acc) => *acc += &pg,
                        slot => *slot = Some(pg),
                    }
                }
            }
        }
    }
    Ok(shapes
        .iter()
        .enumerate()
        .map(|(i, s)| match grads.get(i).and_then(|g| g.clone()) {
            Some(g) => Value::matrix(g),
            None => zeros(*s),
        })
        .collect())
}
