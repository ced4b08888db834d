//! Elementwise math: abs, sqrt, exp, log, …, clamp, isnan, isinf, mod.
//! Functions outside their real domain give NaN (sqrt(-1), log(-1)), as in NumPy.

use super::{mat, scalar, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::ops;
use crate::value::Value;

macro_rules! unary {
    ($($name:literal, $fname:ident, $f:expr, $doc:literal;)*) => {
        $(fn $fname(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
            map(args, $f)
        })*
        pub(crate) const UNARY: &[Builtin] = &[$(entry!("elementwise"; $name, 1, 1, 1, concat!($name, "(X)"), $doc, $fname)),*];
    };
}

unary! {
    "abs", abs, f64::abs, "absolute value of each element";
    "sqrt", sqrt, f64::sqrt, "square root of each element (NaN for negatives)";
    "exp", exp, f64::exp, "e to the power of each element";
    "log", log, f64::ln, "natural logarithm of each element (NaN for negatives)";
    "log1p", log1p, f64::ln_1p, "log(1 + x), accurate for small x";
    "log2", log2, f64::log2, "base-2 logarithm of each element";
    "log10", log10, f64::log10, "base-10 logarithm of each element";
    "sin", sin, f64::sin, "sine of each element (radians)";
    "cos", cos, f64::cos, "cosine of each element (radians)";
    "tan", tan, f64::tan, "tangent of each element (radians)";
    "tanh", tanh, f64::tanh, "hyperbolic tangent of each element";
    "floor", floor, f64::floor, "rounds each element down";
    "ceil", ceil, f64::ceil, "rounds each element up";
    "round", round, f64::round, "rounds each element to the nearest whole number, halves away from zero (as MATLAB)";
    "sign", sign, |x: f64| if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else { x }, "-1, 0 or 1 by the sign of each element";
}

/// `f` applied to each element of the first argument (a number stays a number).
pub(crate) fn map(args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    match &args[0] {
        Value::Num(x) => Ok(Value::Num(f(*x))),
        _ => Ok(Value::matrix(mat(args, 0)?.mapv(f))),
    }
}

pub(crate) const OTHERS: &[Builtin] = &[
    entry!("elementwise"; "clamp", 3, 3, 1, "clamp(X, lo, hi)", "limits each element to [lo, hi]", clamp),
    entry!("elementwise"; "mod", 2, 2, 1, "mod(a, b)", "remainder after floored division, with the sign of b (as MATLAB)", modulo),
    entry!("elementwise"; "isnan", 1, 1, 1, "isnan(X)", "true where an element is NaN", isnan),
    entry!("elementwise"; "isinf", 1, 1, 1, "isinf(X)", "true where an element is Inf or -Inf", isinf),
];

fn clamp(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let lo = scalar(args, 1)?;
    let hi = scalar(args, 2)?;
    if lo > hi {
        return Err(RuntimeError::Domain(format!(
            "clamp needs lo <= hi, got lo = {lo} and hi = {hi}"
        )));
    }
    map(args, |x| if x.is_nan() { x } else { x.clamp(lo, hi) })
}

fn modulo(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    ops::elementwise("mod", &args[0], &args[1], |a, b| {
        if b == 0.0 {
            a
        } else {
            a - (a / b).floor() * b
        }
    })
}

fn isnan(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::logical(mat(args, 0)?.mapv(f64::is_nan)))
}

fn isinf(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::logical(mat(args, 0)?.mapv(f64::is_infinite)))
}
