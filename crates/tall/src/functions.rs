//! Builtins called with a tall argument: sizes, elementwise functions
//! (lowered to DataFusion's math functions), reductions along rows (its
//! aggregates) and `svd(T, k)`. A small result of talls given to any other
//! builtin is computed first, so `eig(X' * X)` just works.

use crate::plan::{Deferred, Empty, Tall};
use crate::value::{as_tall, settle, transposed_alone, TallValue};
use crate::{run, svd};
use datafusion::functions::math::expr_fn as math;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::prelude::{lit, when, Expr};
use mla_runtime::{CallContext, Result, RuntimeError, Value};

/// Builtins that take any value and need not look inside a tall.
const ANY_VALUE: &[&str] = &["typeof", "print", "disp", "gather", "tall", "head"];

/// Answers builtin `name` called with `args`, one of which is a tall value.
pub fn dispatch(cx: &mut CallContext<'_>, name: &str, args: &[Value]) -> Option<Result<Value>> {
    if ANY_VALUE.contains(&name) {
        return None;
    }
    let tall = match as_tall(&args[0]) {
        Some(TallValue::Tall(t)) => Some(t),
        _ => None,
    };
    if let Some(t) = tall {
        if let Some(result) = on_tall(cx, name, t, &args[1..]) {
            return Some(result.map_err(|e| e.at_arg(0)));
        }
    }
    Some(settle_and_call(cx, name, args))
}

/// Computes every small result of talls among `args` (one pass per
/// source), then calls the builtin on plain values; a tall left among them
/// cannot be taken.
fn settle_and_call(cx: &mut CallContext<'_>, name: &str, args: &[Value]) -> Result<Value> {
    run::compute_among(args)?;
    let mut plain = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        match as_tall(a) {
            Some(TallValue::Deferred(d)) => plain.push(settle(d).map_err(|e| e.at_arg(i))?),
            Some(TallValue::Transposed(_)) => return Err(transposed_alone().at_arg(i)),
            Some(TallValue::Tall(_)) => {
                return Err(RuntimeError::Domain(format!(
                    "`{name}` does not take a tall matrix: reduce it first (sum, mean, T' * T, …) or bring it into memory with gather(T) or head(T, k)"
                ))
                .at_arg(i))
            }
            None => plain.push(a.clone()),
        }
    }
    let b = cx.registry().get(name).cloned().ok_or_else(|| {
        RuntimeError::Domain(format!("`{name}` is not a builtin of this interpreter"))
    })?;
    mla_runtime::builtins::call(&b, cx, &plain)
}

/// Builtins defined on a tall as first argument; `None` for the others.
fn on_tall(
    cx: &mut CallContext<'_>,
    name: &str,
    t: &Tall,
    rest: &[Value],
) -> Option<Result<Value>> {
    let map = |f: fn(Expr) -> Expr| -> Option<Result<Value>> {
        if !rest.is_empty() {
            return None;
        }
        let cols = t.cols.iter().map(|c| f(c.clone())).collect();
        Some(Ok(TallValue::Tall(t.with_cols(
            cols,
            false,
            format!("{name}({})", t.recipe),
        ))
        .into_value()))
    };
    match name {
        "exp" => map(math::exp),
        "log" => map(math::ln),
        "log2" => map(math::log2),
        "log10" => map(math::log10),
        "sqrt" => map(math::sqrt),
        "abs" => map(math::abs),
        "sin" => map(math::sin),
        "cos" => map(math::cos),
        "tan" => map(math::tan),
        "tanh" => map(math::tanh),
        "floor" => map(math::floor),
        "ceil" => map(math::ceil),
        "sign" => map(math::signum),
        "sigmoid" => map(sigmoid),
        "relu" => map(|x| {
            when(x.clone().gt(lit(0.0)), x)
                .otherwise(lit(0.0))
                .unwrap_or_else(|_| lit(f64::NAN))
        }),
        "size" => Some(size(t, rest)),
        "rows" if rest.is_empty() => Some(run::rows(t).map(|n| Value::Num(n as f64))),
        "cols" if rest.is_empty() => Some(Ok(Value::Num(t.ncols() as f64))),
        "numel" if rest.is_empty() => {
            Some(run::rows(t).map(|n| Value::Num((n * t.ncols()) as f64)))
        }
        "sum" => Some(reduce(t, rest, Reduction::Sum)),
        "mean" => Some(reduce(t, rest, Reduction::Mean)),
        "min" if rest.is_empty() => Some(reduce(t, rest, Reduction::Min)),
        "max" if rest.is_empty() => Some(reduce(t, rest, Reduction::Max)),
        "std" => Some(spread(t, rest, true)),
        "var" => Some(spread(t, rest, false)),
        "svd" => Some(svd::svd(cx, t, rest)),
        _ => None,
    }
}

/// `1 / (1 + exp(-x))`, as the in-memory `sigmoid`.
fn sigmoid(x: Expr) -> Expr {
    lit(1.0) / (lit(1.0) + math::exp(-x))
}

fn size(t: &Tall, rest: &[Value]) -> Result<Value> {
    let p = t.ncols() as f64;
    match rest {
        [] => Ok(Value::row(vec![run::rows(t)? as f64, p])),
        [d] => match d.as_scalar() {
            Some(1.0) => Ok(Value::Num(run::rows(t)? as f64)),
            Some(2.0) => Ok(Value::Num(p)),
            _ => Err(RuntimeError::Domain("size(T, d) takes d = 1 or 2".into()).at_arg(1)),
        },
        _ => Err(RuntimeError::Domain("size(T) or size(T, d)".into())),
    }
}

#[derive(Clone, Copy)]
enum Reduction {
    Sum,
    Mean,
    Min,
    Max,
}

/// Reductions along rows (dimension 1, a pass) or across columns
/// (dimension 2, a tall of one column).
fn reduce(t: &Tall, rest: &[Value], r: Reduction) -> Result<Value> {
    let dim = match rest {
        [] => 1.0,
        [d] => d.as_scalar().unwrap_or(0.0),
        _ => 0.0,
    };
    let name = match r {
        Reduction::Sum => "sum",
        Reduction::Mean => "mean",
        Reduction::Min => "min",
        Reduction::Max => "max",
    };
    if dim == 2.0 && matches!(r, Reduction::Sum | Reduction::Mean) {
        let total = t
            .cols
            .iter()
            .cloned()
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| lit(0.0));
        let col = match r {
            Reduction::Mean => total / lit(t.ncols() as f64),
            _ => total,
        };
        let text = format!("{name}({}, 2)", t.recipe);
        return Ok(TallValue::Tall(t.with_cols(vec![col], false, text)).into_value());
    }
    if dim != 1.0 {
        return Err(RuntimeError::Domain(format!(
            "{name} of a tall runs along rows (dimension 1){}",
            if matches!(r, Reduction::Sum | Reduction::Mean) {
                " or across columns (dimension 2)"
            } else {
                ""
            }
        ))
        .at_arg(1));
    }
    let (f, empty): (fn(Expr) -> Expr, Empty) = match r {
        Reduction::Sum => (agg::sum, Empty::Zero),
        Reduction::Mean => (agg::avg, Empty::NaN),
        Reduction::Min => (agg::min, Empty::NaN),
        Reduction::Max => (agg::max, Empty::NaN),
    };
    let exprs = t.cols.iter().map(|c| f(c.clone())).collect();
    let text = format!("{name}({})", t.recipe);
    Ok(TallValue::Deferred(Deferred::new(t, exprs, (1, t.ncols()), empty, text)).into_value())
}

/// `std(T, w)` and `var(T, w)`: normalised by n - 1 (w = 0) or n (w = 1).
fn spread(t: &Tall, rest: &[Value], std: bool) -> Result<Value> {
    let name = if std { "std" } else { "var" };
    let w = match rest.first() {
        None => 0.0,
        Some(v) => v.as_scalar().unwrap_or(-1.0),
    };
    if w != 0.0 && w != 1.0 {
        return Err(RuntimeError::Domain(format!("{name}(T, w) takes w = 0 or 1")).at_arg(1));
    }
    if let Some(d) = rest.get(1) {
        if d.as_scalar() != Some(1.0) {
            return Err(RuntimeError::Domain(format!(
                "{name} of a tall runs along rows (dimension 1)"
            ))
            .at_arg(2));
        }
    }
    let f: fn(Expr) -> Expr = match (std, w == 1.0) {
        (true, false) => agg::stddev,
        (true, true) => agg::stddev_pop,
        (false, false) => agg::var_sample,
        (false, true) => agg::var_pop,
    };
    let exprs = t.cols.iter().map(|c| f(c.clone())).collect();
    let text = format!("{name}({})", t.recipe);
    Ok(TallValue::Deferred(Deferred::new(t, exprs, (1, t.ncols()), Empty::NaN, text)).into_value())
}
