//! `grad` and `value_and_grad`: reverse-mode automatic differentiation of a
//! function at given arguments (see `crate::autodiff`).

use super::{Builtin, CallContext, VARIADIC};
use crate::autodiff;
use crate::error::{Result, RuntimeError};
use crate::value::Value;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("gradients"; "grad", 2, VARIADIC, VARIADIC, "grad(f, x1, …, xk)", "the gradient of the scalar f(x1, …, xk) with respect to each argument (one value for k = 1, else a tuple), by reverse-mode automatic differentiation", grad; refused "grad of a function that itself calls grad (a second derivative) is not supported"),
    entry!("gradients"; "value_and_grad", 2, VARIADIC, VARIADIC, "value_and_grad(f, x1, …, xk)", "(value, g1, …, gk): f(x1, …, xk) and its gradient with respect to each argument", value_and_grad; refused "grad of a function that itself calls grad (a second derivative) is not supported"),
];

fn run(cx: &mut CallContext<'_>, args: &[Value]) -> Result<(Value, Vec<Value>)> {
    let f = match &args[0] {
        Value::Func(f) => f.clone(),
        other => {
            return Err(RuntimeError::ty("a function to differentiate", other.describe()).at_arg(0))
        }
    };
    let xs = &args[1..];
    let shapes: Vec<(usize, usize)> = xs.iter().map(Value::shape).collect();
    let (tape, leaves) = autodiff::leaves(xs)?;
    let result = cx.call_back(&f, leaves)?;
    let result = match result {
        Value::Tuple(items) if !items.is_empty() => items[0].clone(),
        other => other,
    };
    let grads = autodiff::gradients(&tape, &result, &shapes)?;
    Ok((autodiff::strip(&result), grads))
}

fn grad(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (_, mut grads) = run(cx, args)?;
    Ok(if grads.len() == 1 {
        grads.pop().expect("one gradient")
    } else {
        Value::tuple(grads)
    })
}

fn value_and_grad(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (value, grads) = run(cx, args)?;
    let mut out = vec![value];
    out.extend(grads);
    Ok(Value::tuple(out))
}
