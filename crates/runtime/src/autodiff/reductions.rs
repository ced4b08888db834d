//! Gradient rules of the reductions: max and min (elementwise and along a
//! dimension), every norm, dot, std and var, prod and cumsum. Each takes
//! its value from the plain builtin ([`Forward::run`]).

use super::operators::{unbroadcast, zip};
use super::{input, record, Forward, Input};
use crate::args::{dim_arg, divides_by_n, extreme_dim, line_dim, norm_kind, Norm};
use crate::error::Result;
use crate::kernels::Dim;
use crate::linalg;
use crate::value::{from_column_major, Value};
use ndarray::{Array2, Axis};

/// The plain result as a matrix.
fn matrix_of(v: Value) -> Result<Array2<f64>> {
    Ok(v.to_matrix()?.into_owned())
}

fn traced_arg<'a>(args: &'a [Value], i: usize) -> Result<Input<'a>> {
    input(&args[i]).map_err(|e| e.at_arg(i))
}

fn is_vector(m: &Array2<f64>) -> bool {
    m.nrows() == 1 || m.ncols() == 1
}

/// -1, 0 or 1: the derivative of `abs` away from zero, 0 at the kink.
pub(super) fn sign(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The element of a reduced result (or of its gradient) that belongs to
/// line `k` along `dim`.
fn of_line(m: &Array2<f64>, dim: Dim, k: usize) -> f64 {
    match dim {
        Dim::Down => m[[0, k]],
        Dim::Across => m[[k, 0]],
        Dim::All => m[[0, 0]],
    }
}

/// Builds a gradient shaped like `x` line by line along `dim`:
/// `f(k, line, out)` writes line `k`'s gradient into `out`.
fn per_line(x: &Array2<f64>, dim: Dim, f: impl Fn(usize, &[f64], &mut [f64])) -> Array2<f64> {
    match dim {
        Dim::All => {
            let v: Vec<f64> = x.t().iter().copied().collect();
            let mut o = vec![0.0; v.len()];
            f(0, &v, &mut o);
            from_column_major(x.nrows(), x.ncols(), o)
        }
        Dim::Down | Dim::Across => {
            let axis = if dim == Dim::Down { Axis(0) } else { Axis(1) };
            let mut out = Array2::zeros(x.dim());
            for (k, (line, mut to)) in x
                .lanes(axis)
                .into_iter()
                .zip(out.lanes_mut(axis))
                .enumerate()
            {
                let v = line.to_vec();
                let mut o = vec![0.0; v.len()];
                f(k, &v, &mut o);
                to.iter_mut().zip(o).for_each(|(t, o)| *t = o);
            }
            out
        }
    }
}

/// `max(A, B)` / `max(X)` / `max(X, [], dim)`; `(m, i) = max(…)` too.
pub(crate) fn max(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    extreme(fw, args, "max")
}

/// As [`max`] for the smallest element.
pub(crate) fn min(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    extreme(fw, args, "min")
}

/// The gradient goes to the chosen element; at a tie to the first (as
/// NumPy's argmax and JAX), and past NaN, which the builtins skip.
fn extreme(fw: &mut Forward<'_, '_>, args: &[Value], name: &'static str) -> Result<Value> {
    if args.len() == 2 {
        let out = matrix_of(fw.run(1)?)?;
        let (x, y) = (traced_arg(args, 0)?, traced_arg(args, 1)?);
        let (va, vb) = (x.value().clone(), y.value().clone());
        let (sa, sb) = (va.dim(), vb.dim());
        // f64::max and f64::min return the number when the other is NaN.
        let first: fn(f64, f64) -> bool = if name == "max" {
            |a, b| a >= b || b.is_nan()
        } else {
            |a, b| a <= b || b.is_nan()
        };
        return Ok(record(
            &[&x, &y],
            out,
            Box::new(move |g| {
                let pick = zip(name, &va, &vb, |a, b| f64::from(u8::from(first(a, b))))
                    .expect("shapes broadcast");
                let ga = &pick * g;
                let gb = g - &ga;
                vec![unbroadcast(&ga, sa), unbroadcast(&gb, sb)]
            }),
        ));
    }
    let (vals, idx) = match fw.run(2)? {
        Value::Tuple(items) if items.len() == 2 => (items[0].clone(), items[1].clone()),
        single => (single, Value::matrix(Array2::zeros((0, 0)))),
    };
    let x = traced_arg(args, 0)?;
    let shape = x.value().dim();
    let dim = extreme_dim(fw.args(), x.value(), name)?;
    let at = matrix_of(idx.clone())?;
    let traced = record(
        &[&x],
        matrix_of(vals)?,
        Box::new(move |g| {
            let mut out = Array2::zeros(shape);
            let rows = shape.0.max(1);
            for ((i, j), k) in at.indexed_iter() {
                let k = (*k as usize).saturating_sub(1);
                let to = match dim {
                    Dim::Down => [k, j],
                    Dim::Across => [i, k],
                    Dim::All => [k % rows, k / rows],
                };
                if let Some(o) = out.get_mut(to) {
                    *o += g[[i, j]];
                }
            }
            vec![out]
        }),
    );
    Ok(if fw.nout() >= 2 {
        Value::tuple(vec![traced, idx])
    } else {
        traced
    })
}

/// Every norm the builtin computes: a vector's p-norms, a matrix's 1, Inf,
/// Frobenius, spectral (through the top singular vectors) and nuclear
/// (`U * V'`). Where the norm has a kink (0, ties) the gradient is one of
/// its subgradients.
pub(crate) fn norm(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = traced_arg(args, 0)?;
    let v = x.value().clone();
    let kind = norm_kind(fw.args(), &v)?;
    let n = out[[0, 0]];
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| vec![norm_direction(&v, kind, n) * g[[0, 0]]]),
    ))
}

/// The gradient of the norm `n` of `v`.
fn norm_direction(v: &Array2<f64>, kind: Norm, n: f64) -> Array2<f64> {
    let mut out = Array2::zeros(v.dim());
    if v.is_empty() {
        return out;
    }
    let abs_sum = |line: ndarray::ArrayView1<'_, f64>| line.iter().map(|a| a.abs()).sum::<f64>();
    // The first line with the largest sum (NaN never wins, as in the builtin).
    let first_largest = |sums: Vec<f64>| {
        let mut best = 0;
        for (k, s) in sums.iter().enumerate() {
            if *s > sums[best] || sums[best].is_nan() {
                best = k;
            }
        }
        best
    };
    match kind {
        Norm::Fro => {
            if n != 0.0 {
                out = v / n;
            }
        }
        Norm::Two if is_vector(v) => {
            if n != 0.0 {
                out = v / n;
            }
        }
        Norm::P(p) => {
            if n != 0.0 {
                out = v.mapv(|a| {
                    if a == 0.0 {
                        0.0
                    } else {
                        sign(a) * (a.abs() / n).powf(p - 1.0)
                    }
                });
            }
        }
        Norm::One if is_vector(v) => out = v.mapv(sign),
        Norm::Inf if is_vector(v) => {
            let k = first_largest(v.iter().map(|a| a.abs()).collect());
            let (r, c) = v.dim();
            let at = if r == 1 { [0, k] } else { [k, 0] };
            debug_assert!(at[0] < r && at[1] < c);
            out[at] = sign(v[at]);
        }
        Norm::One => {
            let j = first_largest(v.axis_iter(Axis(1)).map(abs_sum).collect());
            out.column_mut(j).assign(&v.column(j).mapv(sign));
        }
        Norm::Inf => {
            let i = first_largest(v.axis_iter(Axis(0)).map(abs_sum).collect());
            out.row_mut(i).assign(&v.row(i).mapv(sign));
        }
        Norm::Two | Norm::Nuc => match linalg::svd_thin(v) {
            Ok((u, _, vt)) => {
                let k = if kind == Norm::Two { 1 } else { vt.nrows() };
                let (u, vt) = (
                    u.slice(ndarray::s![.., ..k]),
                    vt.slice(ndarray::s![..k, ..]),
                );
                out = linalg::matmul_whole(u, vt);
            }
            Err(_) => out.fill(f64::NAN),
        },
    }
    out
}

/// `dot(a, b)` of vectors, or column by column of matrices.
pub(crate) fn dot(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let (a, b) = (traced_arg(args, 0)?, traced_arg(args, 1)?);
    let (va, vb) = (a.value().clone(), b.value().clone());
    let vectors = is_vector(&va) && is_vector(&vb);
    Ok(record(
        &[&a, &b],
        out,
        Box::new(move |g| {
            if vectors {
                let s = g[[0, 0]];
                let ga = Array2::from_shape_vec(va.dim(), vb.iter().map(|x| s * x).collect())
                    .expect("same length");
                let gb = Array2::from_shape_vec(vb.dim(), va.iter().map(|x| s * x).collect())
                    .expect("same length");
                vec![ga, gb]
            } else {
                vec![&vb * g, &va * g]
            }
        }),
    ))
}

/// `std(X, w, dim)`: at a line whose deviation is 0 the gradient is 0.
pub(crate) fn std(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    spread(fw, args, true)
}

/// `var(X, w, dim)`.
pub(crate) fn var(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    spread(fw, args, false)
}

fn spread(fw: &mut Forward<'_, '_>, args: &[Value], root: bool) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = traced_arg(args, 0)?;
    let v = x.value().clone();
    let by_n = divides_by_n(fw.args())?;
    let dim = line_dim(fw.args(), 2, &v)?;
    let saved = out.clone();
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            vec![per_line(&v, dim, |k, line, o| {
                let n = line.len();
                if n < 2 {
                    return;
                }
                let mean = line.iter().sum::<f64>() / n as f64;
                let d = if by_n { n } else { n - 1 } as f64;
                let scale = if root {
                    let s = of_line(&saved, dim, k);
                    if s == 0.0 {
                        0.0
                    } else {
                        of_line(g, dim, k) / (d * s)
                    }
                } else {
                    2.0 * of_line(g, dim, k) / d
                };
                for (o, x) in o.iter_mut().zip(line) {
                    *o = scale * (x - mean);
                }
            })]
        }),
    ))
}

/// `prod(X, dim)`: each element's gradient is the product of the others on
/// its line (by prefix and suffix products, so zeros are no special case).
pub(crate) fn prod(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = traced_arg(args, 0)?;
    let v = x.value().clone();
    let dim = line_dim(fw.args(), 1, &v)?;
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            vec![per_line(&v, dim, |k, line, o| {
                let gk = of_line(g, dim, k);
                let mut before = 1.0;
                for (o, x) in o.iter_mut().zip(line) {
                    *o = before;
                    before *= x;
                }
                let mut after = gk;
                for (o, x) in o.iter_mut().zip(line).rev() {
                    *o *= after;
                    after *= x;
                }
            })]
        }),
    ))
}

/// `cumsum(X, dim)`: the gradient is the reversed cumulative sum.
pub(crate) fn cumsum(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = traced_arg(args, 0)?;
    // The builtin has refused "all" already.
    let axis = match dim_arg(fw.args(), 1, x.value())? {
        Dim::Across => Axis(1),
        Dim::Down | Dim::All => Axis(0),
    };
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            let mut out = g.clone();
            for mut lane in out.lanes_mut(axis) {
                let mut acc = 0.0;
                for e in lane.iter_mut().rev() {
                    acc += *e;
                    *e = acc;
                }
            }
            vec![out]
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn norm_directions_pick_the_first_of_equal_lines() {
        let v = array![[1.0, -2.0], [-2.0, 1.0]];
        let one = norm_direction(&v, Norm::One, 3.0);
        assert_eq!(one, array![[1.0, 0.0], [-1.0, 0.0]]);
        let inf = norm_direction(&v, Norm::Inf, 3.0);
        assert_eq!(inf, array![[1.0, -1.0], [0.0, 0.0]]);
        let x = array![[3.0, -3.0, 1.0]];
        assert_eq!(norm_direction(&x, Norm::Inf, 3.0), array![[1.0, 0.0, 0.0]]);
        assert_eq!(
            norm_direction(&Array2::zeros((2, 1)), Norm::Two, 0.0),
            Array2::<f64>::zeros((2, 1))
        );
    }
}
