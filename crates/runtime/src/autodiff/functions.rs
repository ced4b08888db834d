//! Derivatives of the elementwise builtins, reductions to a line and the
//! losses; the builtin table names each in its entry (see [`super::rules`]).

use super::operators::{
    elementwise,
    Kernel::{Each, Slices},
};
use super::{input, only_if, record, record_shared, Forward, Input};
use crate::args::{dim_arg, lines};
use crate::error::{Result, RuntimeError};
use crate::kernels::{clamped_ln, softmax_and_logsumexp, softmax_of, Dim, Lines};
use crate::value::{from_column_major, Value};
use ndarray::{Array2, Axis, Zip};
use std::sync::Arc;

/// Sums `m` over each line (keeping the line's shape for broadcasting).
fn line_sums(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    match lines {
        Lines::Whole => Array2::from_elem((1, 1), m.sum()),
        Lines::Rows => m.sum_axis(Axis(1)).insert_axis(Axis(1)),
        Lines::Cols => m.sum_axis(Axis(0)).insert_axis(Axis(0)),
    }
}

fn same_shape(name: &str, a: &Array2<f64>, b: &Array2<f64>) -> Result<()> {
    if a.dim() != b.dim() {
        return Err(RuntimeError::Shape(format!(
            "{name} needs its two arguments the same shape, got {}×{} and {}×{}",
            a.nrows(),
            a.ncols(),
            b.nrows(),
            b.ncols()
        )));
    }
    Ok(())
}

/// The smallest `x` whose `ln` is above -100, where `clamped_ln` stops
/// clamping (a test checks it against `ln`).
const CLAMP_EDGE: f64 = 3.7200759760208625e-44;

/// d/dx of `clamped_ln` (zero where the clamp holds). A comparison rather
/// than `x.ln() > -100`: LLVM took that logarithm for every entry of a
/// cross-entropy's gradient, the zero targets' too.
fn d_clamped_ln(x: f64) -> f64 {
    if x >= CLAMP_EDGE {
        1.0 / x
    } else {
        0.0
    }
}

/// The plain elementwise builtin's value, with derivative `d(x, f(x))`.
fn pointwise(
    fw: &mut Forward<'_, '_>,
    args: &[Value],
    d: impl Fn(f64, f64) -> f64 + Send + Sync + 'static,
) -> Result<Value> {
    let out = fw.run(1)?.to_matrix()?.into_owned();
    let x = input(&args[0])?;
    let v = x.value().clone();
    let saved = out.clone();
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            vec![Zip::from(g)
                .and(&v)
                .and(&saved)
                .map_collect(|g, a, o| g * d(*a, *o))]
        }),
    ))
}

pub(crate) fn log2(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    pointwise(fw, args, |a, _| 1.0 / (a * std::f64::consts::LN_2))
}

pub(crate) fn log10(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    pointwise(fw, args, |a, _| 1.0 / (a * std::f64::consts::LN_10))
}

/// Rules for elementwise builtins whose forward value is computed here by
/// the same scalar function the plain builtin maps (`f`), with derivative
/// `d(x, f(x))`.
macro_rules! elementwise_rules {
    ($($name:ident: $f:expr, $d:expr;)*) => {
        $(pub(crate) fn $name(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
            elementwise(&input(&args[0])?, $f, $d)
        })*
    };
}

elementwise_rules! {
    exp: Each(f64::exp), |_, o| o;
    log: Each(f64::ln), |a, _| 1.0 / a;
    sqrt: Each(f64::sqrt), |_, o| 0.5 / o;
    abs: Each(f64::abs), |a, _| super::reductions::sign(a);
    sin: Each(f64::sin), |a, _| a.cos();
    cos: Each(f64::cos), |a, _| -a.sin();
    tan: Each(f64::tan), |_, o| 1.0 + o * o;
    tanh: Slices(crate::vecmath::tanh_into), |_, o| 1.0 - o * o;
    log1p: Each(f64::ln_1p), |a, _| 1.0 / (1.0 + a);
    sigmoid: Slices(crate::vecmath::sigmoid_into), |_, o| o * (1.0 - o);
    // The forward kernel is the builtin's own, so that a traced call gives
    // what the plain call gives (NaN included).
    relu: Each(crate::kernels::relu_one), |a, _| if a > 0.0 { 1.0 } else { 0.0 };
}

pub(crate) fn sum(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    reduction("sum", &input(&args[0])?, args)
}

pub(crate) fn mean(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    reduction("mean", &input(&args[0])?, args)
}

pub(crate) fn softmax(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    softmax_rule(&input(&args[0])?, args)
}

pub(crate) fn logsumexp(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    logsumexp_rule(&input(&args[0])?, args)
}

pub(crate) fn mse(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    loss("mse", &input(&args[0])?, args)
}

pub(crate) fn bce(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    loss("bce", &input(&args[0])?, args)
}

pub(crate) fn cross_entropy(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    loss("cross_entropy", &input(&args[0])?, args)
}

pub(crate) fn trace(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    trace_rule(&input(&args[0])?)
}

pub(crate) fn reshape(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    reshape_rule(&input(&args[0])?, args)
}

pub(crate) fn clamp(_: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    clamp_rule(&input(&args[0])?, args)
}

fn reduction(name: &str, x: &Input<'_>, args: &[Value]) -> Result<Value> {
    let v = x.value().clone();
    let dim = if v.dim() == (0, 0) && args.len() < 2 {
        Dim::All
    } else {
        dim_arg(args, 1, &v)?
    };
    let count = match dim {
        Dim::All => v.len(),
        Dim::Down => v.nrows(),
        Dim::Across => v.ncols(),
    } as f64;
    let mean = name == "mean";
    let out = crate::kernels::sum_along(&v, dim, mean);
    let shape = v.dim();
    Ok(record(
        &[x],
        out,
        Box::new(move |g| {
            let mut full = g
                .broadcast(shape)
                .expect("a reduction broadcasts back")
                .to_owned();
            if mean {
                full /= count;
            }
            vec![full]
        }),
    ))
}

fn softmax_rule(x: &Input<'_>, args: &[Value]) -> Result<Value> {
    let lines = lines(args, x.value())?;
    let y = Arc::new(softmax_of(x.value(), lines));
    let saved = y.clone();
    Ok(record_shared(
        &[x],
        y,
        Box::new(move |g| {
            let gy = g * &*saved;
            let s = line_sums(&gy, lines);
            vec![&gy - &(&*saved * &s)]
        }),
    ))
}

fn logsumexp_rule(x: &Input<'_>, args: &[Value]) -> Result<Value> {
    let lines = lines(args, x.value())?;
    let (p, out) = softmax_and_logsumexp(x.value(), lines);
    Ok(record(&[x], out, Box::new(move |g| vec![&p * g])))
}

fn loss(name: &str, p: &Input<'_>, args: &[Value]) -> Result<Value> {
    let y = input(&args[1]).map_err(|e| e.at_arg(1))?;
    let (vp, vy) = (p.shared(), y.shared());
    same_shape(name, &vp, &vy)?;
    // The gradient by the targets is worked out only when they are traced:
    // `record` would drop it, and for cross-entropy it was a logarithm of
    // every element (7% of a small network's step under value_and_grad).
    let y_traced = y.traced();
    let name = match name {
        "mse" => "mse",
        "bce" => "bce",
        _ => "cross_entropy",
    };
    let n = match name {
        "cross_entropy" => vp.nrows() as f64,
        _ => vp.len() as f64,
    };
    let (out, backward): (f64, super::Backward) = match name {
        "mse" => {
            let d = &*vp - &*vy;
            let out = d.iter().map(|x| x * x).sum::<f64>() / n;
            (
                out,
                Box::new(move |g| {
                    let gp = &d * (2.0 * g[[0, 0]] / n);
                    vec![gp.clone(), -gp]
                }),
            )
        }
        "bce" => {
            let out = Zip::from(&*vp).and(&*vy).fold(0.0, |acc, p, y| {
                acc - (y * clamped_ln(*p) + (1.0 - y) * clamped_ln(1.0 - p))
            }) / n;
            (
                out,
                Box::new(move |g| {
                    let s = g[[0, 0]] / n;
                    let gp = Zip::from(&*vp).and(&*vy).map_collect(|p, y| {
                        s * (-y * d_clamped_ln(*p) + (1.0 - y) * d_clamped_ln(1.0 - p))
                    });
                    let gy = only_if(y_traced, || {
                        vp.mapv(|p| s * (clamped_ln(1.0 - p) - clamped_ln(p)))
                    });
                    vec![gp, gy]
                }),
            )
        }
        _ => {
            let out = crate::kernels::cross_entropy_sum(vp.view(), vy.view()) / n;
            (
                out,
                Box::new(move |g| {
                    let s = g[[0, 0]] / n;
                    let gp = Zip::from(&*vp).and(&*vy).map_collect(|p, y| {
                        if *y == 0.0 {
                            0.0
                        } else {
                            -s * y * d_clamped_ln(*p)
                        }
                    });
                    let gy = only_if(y_traced, || vp.mapv(|p| -s * clamped_ln(p)));
                    vec![gp, gy]
                }),
            )
        }
    };
    Ok(record(&[p, &y], Array2::from_elem((1, 1), out), backward))
}

fn trace_rule(x: &Input<'_>) -> Result<Value> {
    let v = x.value();
    if v.nrows() != v.ncols() {
        return Err(RuntimeError::NotSquare {
            what: "trace",
            shape: v.dim(),
        });
    }
    let n = v.nrows();
    Ok(record(
        &[x],
        Array2::from_elem((1, 1), v.diag().sum()),
        Box::new(move |g| vec![Array2::eye(n) * g[[0, 0]]]),
    ))
}

fn column_major(m: &Array2<f64>) -> Vec<f64> {
    m.t().iter().copied().collect()
}

fn reshape_rule(x: &Input<'_>, args: &[Value]) -> Result<Value> {
    let v = x.value().clone();
    let (m, n) = crate::args::size_args(args, 1)?;
    if m * n != v.len() {
        return Err(RuntimeError::Shape(format!(
            "cannot reshape {} elements into {m}×{n}",
            v.len()
        )));
    }
    let shape = v.dim();
    let out = from_column_major(m, n, column_major(&v));
    Ok(record(
        &[x],
        out,
        Box::new(move |g| vec![from_column_major(shape.0, shape.1, column_major(g))]),
    ))
}

fn clamp_rule(x: &Input<'_>, args: &[Value]) -> Result<Value> {
    let (lo, hi) = crate::args::clamp_bounds(args)?;
    let v = x.value().clone();
    let out = v.mapv(|a| crate::kernels::clamp_one(a, lo, hi));
    Ok(record(
        &[x],
        out,
        Box::new(move |g| {
            vec![Zip::from(g)
                .and(&v)
                .map_collect(|g, a| if *a >= lo && *a <= hi { *g } else { 0.0 })]
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clamp_edge_is_where_ln_crosses_minus_100() {
        let below = f64::from_bits(CLAMP_EDGE.to_bits() - 1);
        assert!(CLAMP_EDGE.ln() > -100.0 && below.ln() <= -100.0);
        assert_eq!(clamped_ln(below), -100.0);
        assert!(clamped_ln(CLAMP_EDGE) > -100.0);
        for x in [below, CLAMP_EDGE, 0.0, -1.0, f64::NAN, 0.5, f64::INFINITY] {
            let want = if x.ln() > -100.0 { 1.0 / x } else { 0.0 };
            assert_eq!(d_clamped_ln(x).to_bits(), want.to_bits(), "at {x}");
        }
    }
}
