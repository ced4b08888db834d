//! Elementwise math: abs, sqrt, exp, log, …, clamp, isnan, isinf, mod, rem,
//! ifelse.
//! Functions outside their real domain give NaN (sqrt(-1), log(-1)), as in NumPy.

use super::{mat, Builtin, CallContext};
use crate::args::clamp_bounds;
use crate::autodiff::rules as ad;
use crate::error::Result;
use crate::kernels::clamp_one;
use crate::ops;
use crate::value::Value;

macro_rules! unary {
    ($($name:literal, $fname:ident, $map:ident $f:expr, $doc:literal, [$($gradient:tt)*];)*) => {
        $(fn $fname(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
            $map(args, $f)
        })*
        pub(crate) const UNARY: &[Builtin] = &[$(entry!("elementwise"; $name, 1, 1, 1, concat!($name, "(X)"), $doc, $fname; $($gradient)*)),*];
    };
}

unary! {
    "abs", abs, map f64::abs, "absolute value of each element", [rule ad::abs, pure];
    "sqrt", sqrt, map f64::sqrt, "square root of each element (NaN for negatives)", [rule ad::sqrt, pure];
    "exp", exp, map_costly f64::exp, "e to the power of each element", [rule ad::exp, pure];
    "log", log, map_costly f64::ln, "natural logarithm of each element (NaN for negatives)", [rule ad::log, pure];
    "log1p", log1p, map_costly f64::ln_1p, "log(1 + x), accurate for small x", [rule ad::log1p, pure];
    "log2", log2, map_costly f64::log2, "base-2 logarithm of each element", [rule ad::log2, pure];
    "log10", log10, map_costly f64::log10, "base-10 logarithm of each element", [rule ad::log10, pure];
    "sin", sin, map_costly f64::sin, "sine of each element (radians)", [rule ad::sin, pure];
    "cos", cos, map_costly f64::cos, "cosine of each element (radians)", [rule ad::cos, pure];
    "tan", tan, map_costly f64::tan, "tangent of each element (radians)", [rule ad::tan, pure];
    "tanh", tanh, map_slices (crate::vecmath::tanh, crate::vecmath::tanh_into), "hyperbolic tangent of each element", [rule ad::tanh, pure];
    "floor", floor, map f64::floor, "rounds each element down", [constant, pure];
    "ceil", ceil, map f64::ceil, "rounds each element up", [constant, pure];
    "round", round, map f64::round, "rounds each element to the nearest whole number, halves away from zero (as MATLAB)", [constant, pure];
    "sign", sign, map |x: f64| if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else { x }, "-1, 0 or 1 by the sign of each element", [constant, pure];
}

/// `f` applied to each element of the first argument (a number stays a
/// number), on this thread: for functions that cost about a memory access
/// (`abs`, `floor`), handing work to another core costs more than it saves.
pub(crate) fn map(args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    match &args[0] {
        Value::Num(x) => Ok(Value::Num(f(*x))),
        _ => Ok(Value::matrix(crate::interrupt::map(&*mat(args, 0)?, f)?)),
    }
}

/// A function of one number and the slice kernel that gives the same bits.
pub(crate) type SliceKernel = (fn(f64) -> f64, fn(&[f64], &mut [f64]));

/// [`map`] by a slice kernel of [`crate::vecmath`] (`one` for a number),
/// split across the cores for large matrices ([`crate::parallel`]).
pub(crate) fn map_slices(args: &[Value], (one, kernel): SliceKernel) -> Result<Value> {
    match &args[0] {
        Value::Num(x) => Ok(Value::Num(one(*x))),
        _ => Ok(Value::matrix(crate::parallel::map_slices(
            &*mat(args, 0)?,
            kernel,
        )?)),
    }
}

/// [`map`] for libm's functions (5–20 ns an element), split across the
/// cores for large matrices ([`crate::parallel`]).
pub(crate) fn map_costly(args: &[Value], f: impl Fn(f64) -> f64 + Sync) -> Result<Value> {
    match &args[0] {
        Value::Num(x) => Ok(Value::Num(f(*x))),
        _ => Ok(Value::matrix(crate::parallel::map_costly(
            &*mat(args, 0)?,
            f,
        )?)),
    }
}

pub(crate) const OTHERS: &[Builtin] = &[
    entry!("elementwise"; "clamp", 3, 3, 1, "clamp(X, lo, hi)", "limits each element to [lo, hi]", clamp; rule ad::clamp, pure),
    entry!("elementwise"; "mod", 2, 2, 1, "mod(a, b)", "remainder after floored division, with the sign of b (as MATLAB)", modulo; constant, pure),
    entry!("elementwise"; "rem", 2, 2, 1, "rem(a, b)", "remainder after truncated division, with the sign of a (C's fmod; rem(a, 0) is NaN), unlike mod", rem; constant, pure),
    entry!("elementwise"; "ifelse", 3, 3, 1, "ifelse(c, a, b)", "a where c is non-zero, else b, elementwise with broadcasting; a scalar c picks a or b whole", ifelse; none),
    entry!("elementwise"; "isnan", 1, 1, 1, "isnan(X)", "true where an element is NaN", isnan; constant),
    entry!("elementwise"; "isinf", 1, 1, 1, "isinf(X)", "true where an element is Inf or -Inf", isinf; constant),
];

fn clamp(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (lo, hi) = clamp_bounds(args)?;
    map(args, move |x| clamp_one(x, lo, hi))
}

fn modulo(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    ops::zip_values("mod", &args[0], &args[1], |a, b| {
        if b == 0.0 {
            a
        } else {
            a - (a / b).floor() * b
        }
    })
}

fn rem(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    ops::zip_values("rem", &args[0], &args[1], |a, b| a % b)
}

fn ifelse(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if let Some(c) = args[0].as_scalar() {
        return Ok(args[if c != 0.0 { 1 } else { 2 }].clone());
    }
    let c = mat(args, 0)?;
    let a = mat(args, 1)?;
    let b = mat(args, 2)?;
    let shape = ops::broadcast_shape("ifelse", c.dim(), a.dim())?;
    let shape = ops::broadcast_shape("ifelse", shape, b.dim())?;
    let (cv, av, bv) = match (c.broadcast(shape), a.broadcast(shape), b.broadcast(shape)) {
        (Some(c), Some(a), Some(b)) => (c, a, b),
        _ => unreachable!("checked broadcast"),
    };
    let out = ndarray::Zip::from(&cv)
        .and(&av)
        .and(&bv)
        .map_collect(|c, a, b| if *c != 0.0 { *a } else { *b });
    if matches!(args[1], Value::Logical(_) | Value::Bool(_))
        && matches!(args[2], Value::Logical(_) | Value::Bool(_))
    {
        return Ok(Value::logical(out.mapv(|x| x != 0.0)));
    }
    Ok(Value::matrix(out))
}

fn isnan(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::logical(mat(args, 0)?.mapv(f64::is_nan)))
}

fn isinf(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::logical(mat(args, 0)?.mapv(f64::is_infinite)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, run};
    use super::*;

    #[test]
    fn rem_has_the_sign_of_a() {
        // np.fmod([5, -5, 5, -5, 5.5], [3, 3, -3, -3, 2]) = [ 2. -2.  2. -2.  1.5]
        let a = Value::row(vec![5., -5., 5., -5., 5.5]);
        let b = Value::row(vec![3., 3., -3., -3., 2.]);
        close(
            &run("rem", &[a.clone(), b.clone()]).unwrap(),
            &Value::row(vec![2., -2., 2., -2., 1.5]),
            0.0,
        );
        // mod takes the sign of b: np.mod(...) = [ 2.  1. -1. -2.  1.5]
        close(
            &run("mod", &[a, b]).unwrap(),
            &Value::row(vec![2., 1., -1., -2., 1.5]),
            0.0,
        );
        assert!(run("rem", &[Value::Num(1.0), Value::Num(0.0)])
            .unwrap()
            .to_scalar()
            .unwrap()
            .is_nan());
        close(
            &run("rem", &[Value::row(vec![7., 8.]), Value::Num(3.0)]).unwrap(),
            &Value::row(vec![1., 2.]),
            0.0,
        );
        assert!(run(
            "rem",
            &[Value::row(vec![1., 2.]), Value::row(vec![1., 2., 3.])]
        )
        .is_err());
    }

    #[test]
    fn ifelse_chooses_elementwise() {
        let c = Value::logical(ndarray::array![[true, false], [false, true]]);
        // np.where(c, [[1, 2], [3, 4]], 0) = [[1 0] [0 4]]
        close(
            &run(
                "ifelse",
                &[c.clone(), m(&[&[1., 2.], &[3., 4.]]), Value::Num(0.0)],
            )
            .unwrap(),
            &m(&[&[1., 0.], &[0., 4.]]),
            0.0,
        );
        // Broadcasting a column condition over rows: np.where([[1], [0]], [10, 20], [-1, -2])
        close(
            &run(
                "ifelse",
                &[
                    Value::column(vec![1., 0.]),
                    Value::row(vec![10., 20.]),
                    Value::row(vec![-1., -2.]),
                ],
            )
            .unwrap(),
            &m(&[&[10., 20.], &[-1., -2.]]),
            0.0,
        );
        // A scalar condition picks a whole value, of any kind.
        assert!(
            matches!(run("ifelse", &[Value::Bool(false), Value::str("a"), Value::str("b")]).unwrap(), Value::Str(s) if &*s == "b")
        );
        assert!(matches!(
            run(
                "ifelse",
                &[Value::Num(2.0), Value::row(vec![1., 2.]), Value::Num(0.0)]
            )
            .unwrap(),
            Value::Matrix(_)
        ));
        assert!(matches!(
            run(
                "ifelse",
                &[c.clone(), Value::Bool(true), Value::Bool(false)]
            )
            .unwrap(),
            Value::Logical(_)
        ));
        assert!(run(
            "ifelse",
            &[c.clone(), Value::row(vec![1., 2., 3.]), Value::Num(0.0)]
        )
        .is_err());
        assert_eq!(
            arg_err(run("ifelse", &[c, Value::str("a"), Value::Num(0.0)])),
            Some(1)
        );
    }
}
