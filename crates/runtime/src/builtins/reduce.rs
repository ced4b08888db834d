//! Reductions along MATLAB's first non-singleton dimension (or a given one,
//! or "all"): sum, mean, prod, cumsum, max, min, argmax, argmin, std, var,
//! any, all, norm, dot, trace.

use super::{dim_arg, mat, Builtin, CallContext, Dim};
use crate::args::{divides_by_n, extreme_dim, line_dim, norm_kind, Norm};
use crate::autodiff::rules as ad;
use crate::error::{Result, RuntimeError};
use crate::kernels::{reduce, sum_along};
use crate::linalg;
use crate::value::Value;
use ndarray::{Array2, Axis};

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("reductions"; "sum", 1, 2, 1, "sum(X, dim)", "sum along the first non-singleton dimension (a dimension or \"all\" may be given)", sum; rule ad::sum),
    entry!("reductions"; "mean", 1, 2, 1, "mean(X, dim)", "mean along the first non-singleton dimension: column means of a matrix", mean; rule ad::mean),
    entry!("reductions"; "prod", 1, 2, 1, "prod(X, dim)", "product along the first non-singleton dimension", prod; rule ad::prod),
    entry!("reductions"; "cumsum", 1, 2, 1, "cumsum(X, dim)", "cumulative sum along the first non-singleton dimension", cumsum; rule ad::cumsum),
    entry!("reductions"; "cumprod", 1, 2, 1, "cumprod(X, dim)", "cumulative product along the first non-singleton dimension", cumprod; none),
    entry!("reductions"; "nnz", 1, 1, 1, "nnz(X)", "the number of non-zero elements (NaN counts as non-zero)", nnz; constant),
    entry!("reductions"; "max", 1, 3, 2, "max(X, dim)", "largest element along a dimension ((m, i) = max(x) also gives its index); max(A, B) elementwise; NaN is skipped", max; rule ad::max, pure),
    entry!("reductions"; "min", 1, 3, 2, "min(X, dim)", "smallest element along a dimension ((m, i) = min(x) also gives its index); min(A, B) elementwise; NaN is skipped", min; rule ad::min, pure),
    entry!("reductions"; "argmax", 1, 2, 1, "argmax(X, dim)", "1-based index of the largest element along a dimension", argmax; constant),
    entry!("reductions"; "argmin", 1, 2, 1, "argmin(X, dim)", "1-based index of the smallest element along a dimension", argmin; constant),
    entry!("reductions"; "std", 1, 3, 1, "std(X, w, dim)", "standard deviation (N-1; std(X, 1) divides by N)", std; rule ad::std),
    entry!("reductions"; "var", 1, 3, 1, "var(X, w, dim)", "variance (N-1; var(X, 1) divides by N)", var; rule ad::var),
    entry!("reductions"; "any", 1, 2, 1, "any(X, dim)", "true where any element along the dimension is non-zero", any; constant),
    entry!("reductions"; "all", 1, 2, 1, "all(X, dim)", "true where every element along the dimension is non-zero", all; constant),
    entry!("reductions"; "norm", 1, 2, 1, "norm(x, p)", "2-norm of a vector or matrix (spectral: the largest singular value); norm(x, 1), norm(x, Inf), norm(A, \"fro\"), norm(A, \"nuc\") (the sum of the singular values)", norm; rule ad::norm),
    entry!("reductions"; "dot", 2, 2, 1, "dot(a, b)", "dot product of two vectors (column-wise for matrices)", dot; rule ad::dot),
    entry!("reductions"; "trace", 1, 1, 1, "trace(A)", "sum of the diagonal of a square matrix", trace; rule ad::trace),
];

pub(crate) fn reduction(args: &[Value], dim_at: usize, f: impl Fn(&[f64]) -> f64) -> Result<Value> {
    let m = mat(args, 0)?;
    let dim = line_dim(args, dim_at, &m)?;
    Ok(Value::matrix(reduce(&m, dim, f)))
}

fn sum(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    sum_or_mean(args, false)
}

fn mean(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    sum_or_mean(args, true)
}

fn sum_or_mean(args: &[Value], mean: bool) -> Result<Value> {
    let m = mat(args, 0)?;
    let dim = line_dim(args, 1, &m)?;
    Ok(Value::matrix(sum_along(&m, dim, mean)))
}

fn prod(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    reduction(args, 1, |v| v.iter().product())
}

fn any(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let v = reduction(args, 1, |v| {
        f64::from(u8::from(v.iter().any(|x| *x != 0.0)))
    })?;
    Ok(Value::logical(v.to_matrix()?.mapv(|x| x != 0.0)))
}

fn all(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let v = reduction(args, 1, |v| {
        f64::from(u8::from(v.iter().all(|x| *x != 0.0)))
    })?;
    Ok(Value::logical(v.to_matrix()?.mapv(|x| x != 0.0)))
}

fn cumulative(args: &[Value], name: &str, f: fn(&f64, &mut f64)) -> Result<Value> {
    let m = mat(args, 0)?;
    let dim = dim_arg(args, 1, &m)?;
    let mut out = m.into_owned();
    match dim {
        Dim::Down => out.accumulate_axis_inplace(Axis(0), f),
        Dim::Across => out.accumulate_axis_inplace(Axis(1), f),
        Dim::All => {
            return Err(
                RuntimeError::Domain(format!("{name} takes dimension 1 or 2, not \"all\""))
                    .at_arg(1),
            )
        }
    }
    Ok(Value::matrix(out))
}

fn cumsum(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    cumulative(args, "cumsum", |prev, cur| *cur += *prev)
}

fn cumprod(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    cumulative(args, "cumprod", |prev, cur| *cur *= *prev)
}

fn nnz(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if let Value::Logical(l) = &args[0] {
        return Ok(Value::Num(l.iter().filter(|b| **b).count() as f64));
    }
    let m = mat(args, 0)?;
    Ok(Value::Num(m.iter().filter(|x| **x != 0.0).count() as f64))
}

/// Position and value of the best element, skipping NaN (all NaN: NaN at 1).
fn best(v: &[f64], better: fn(f64, f64) -> bool) -> (f64, usize) {
    let mut found: Option<(f64, usize)> = None;
    for (i, &x) in v.iter().enumerate() {
        if x.is_nan() {
            continue;
        }
        match found {
            Some((b, _)) if !better(x, b) => {}
            _ => found = Some((x, i)),
        }
    }
    found.unwrap_or((f64::NAN, 0))
}

fn extreme(
    args: &[Value],
    nout: usize,
    better: fn(f64, f64) -> bool,
    name: &'static str,
) -> Result<Value> {
    // max(A, B): elementwise.
    if args.len() == 2 {
        return crate::ops::zip_values(
            name,
            &args[0],
            &args[1],
            if name == "max" { fmax } else { fmin },
        );
    }
    let m = mat(args, 0)?;
    let dim = extreme_dim(args, &m, name)?;
    if m.is_empty() {
        let empty = Value::matrix(Array2::zeros((0, 0)));
        return Ok(if nout >= 2 {
            Value::tuple(vec![empty.clone(), empty])
        } else {
            empty
        });
    }
    let vals = Value::matrix(reduce(&m, dim, |v| best(v, better).0));
    if nout < 2 {
        return Ok(vals);
    }
    let idx = Value::matrix(reduce(&m, dim, |v| (best(v, better).1 + 1) as f64));
    Ok(Value::tuple(vec![vals, idx]))
}

fn fmax(a: f64, b: f64) -> f64 {
    a.max(b)
}

fn fmin(a: f64, b: f64) -> f64 {
    a.min(b)
}

fn max(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    extreme(args, cx.nout, |x, b| x > b, "max")
}

fn min(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    extreme(args, cx.nout, |x, b| x < b, "min")
}

fn arg_extreme(args: &[Value], better: fn(f64, f64) -> bool) -> Result<Value> {
    let m = mat(args, 0)?;
    let dim = dim_arg(args, 1, &m)?;
    if m.is_empty() {
        return Ok(Value::matrix(Array2::zeros((0, 0))));
    }
    Ok(Value::matrix(reduce(&m, dim, |v| {
        (best(v, better).1 + 1) as f64
    })))
}

fn argmax(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    arg_extreme(args, |x, b| x > b)
}

fn argmin(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    arg_extreme(args, |x, b| x < b)
}

fn variance(v: &[f64], by_n: bool) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n == 1 {
        return 0.0;
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let ss: f64 = v.iter().map(|x| (x - mean) * (x - mean)).sum();
    ss / if by_n { n as f64 } else { (n - 1) as f64 }
}

fn spread(args: &[Value], root: bool) -> Result<Value> {
    let by_n = divides_by_n(args)?;
    let f = move |v: &[f64]| {
        let var = variance(v, by_n);
        if root {
            var.sqrt()
        } else {
            var
        }
    };
    reduction(args, 2, f)
}

fn std(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    spread(args, true)
}

fn var(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    spread(args, false)
}

fn norm(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    let is_vec = m.nrows() == 1 || m.ncols() == 1;
    let abs_sum = |it: &mut dyn Iterator<Item = f64>| it.map(f64::abs).sum::<f64>();
    let x = match norm_kind(args, &m)? {
        Norm::Fro => m.iter().map(|x| x * x).sum::<f64>().sqrt(),
        Norm::Two if is_vec => m.iter().map(|x| x * x).sum::<f64>().sqrt(),
        Norm::Two => linalg::singular_values(&m)?.first().copied().unwrap_or(0.0),
        Norm::Nuc => linalg::singular_values(&m)?.iter().sum(),
        Norm::One if is_vec => abs_sum(&mut m.iter().copied()),
        Norm::One => m
            .axis_iter(Axis(1))
            .map(|c| abs_sum(&mut c.iter().copied()))
            .fold(0.0, f64::max),
        Norm::Inf if is_vec => m.iter().fold(0.0f64, |a, x| a.max(x.abs())),
        Norm::Inf => m
            .axis_iter(Axis(0))
            .map(|r| abs_sum(&mut r.iter().copied()))
            .fold(0.0, f64::max),
        Norm::P(p) => m.iter().map(|x| x.abs().powf(p)).sum::<f64>().powf(1.0 / p),
    };
    Ok(Value::Num(x))
}

fn dot(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let b = mat(args, 1)?;
    let a_vec = a.nrows() == 1 || a.ncols() == 1;
    let b_vec = b.nrows() == 1 || b.ncols() == 1;
    if a_vec && b_vec {
        if a.len() != b.len() {
            return Err(RuntimeError::Shape(format!(
                "dot needs vectors of the same length, got {} and {} elements",
                a.len(),
                b.len()
            )));
        }
        return Ok(Value::Num(a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()));
    }
    if a.dim() != b.dim() {
        return Err(RuntimeError::Shape(format!(
            "dot needs matrices of the same shape, got {}×{} and {}×{}",
            a.nrows(),
            a.ncols(),
            b.nrows(),
            b.ncols()
        )));
    }
    let prod = &*a * &*b;
    Ok(Value::matrix(sum_along(&prod, Dim::Down, false)))
}

fn trace(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    if m.nrows() != m.ncols() {
        return Err(RuntimeError::NotSquare {
            what: "trace",
            shape: m.dim(),
        }
        .at_arg(0));
    }
    Ok(Value::Num(m.diag().sum()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, run};
    use super::*;

    #[test]
    fn cumprod_matches_numpy() {
        let a = m(&[&[1., 2., 3.], &[4., 5., 6.]]);
        // np.cumprod(A, axis=0), np.cumprod(A, axis=1)
        close(
            &run("cumprod", std::slice::from_ref(&a)).unwrap(),
            &m(&[&[1., 2., 3.], &[4., 10., 18.]]),
            0.0,
        );
        close(
            &run("cumprod", &[a.clone(), Value::Num(2.0)]).unwrap(),
            &m(&[&[1., 2., 6.], &[4., 20., 120.]]),
            0.0,
        );
        // A row goes along the row: np.cumprod([2, 3, 4])
        close(
            &run("cumprod", &[Value::row(vec![2., 3., 4.])]).unwrap(),
            &Value::row(vec![2., 6., 24.]),
            0.0,
        );
        close(
            &run("cumprod", &[Value::row(vec![2., f64::NAN, 4.])]).unwrap(),
            &Value::row(vec![2., f64::NAN, f64::NAN]),
            0.0,
        );
        assert_eq!(
            arg_err(run("cumprod", &[a.clone(), Value::str("all")])),
            Some(1)
        );
        assert_eq!(arg_err(run("cumprod", &[a, Value::Num(3.0)])), Some(1));
        assert!(run("cumprod", &[Value::matrix(Array2::zeros((0, 0)))]).is_ok());
    }

    #[test]
    fn nuclear_norm_matches_numpy() {
        // np.linalg.norm(A, 'nuc'), np.linalg.norm(A, 2)
        let a = m(&[&[1., 2.], &[3., 4.], &[5., 6.]]);
        let nuc = run("norm", &[a.clone(), Value::str("nuc")]).unwrap();
        assert!((nuc.to_scalar().unwrap() - 10.03981867222375).abs() < 1e-13);
        let two = run("norm", &[a.clone(), Value::Num(2.0)]).unwrap();
        assert!((two.to_scalar().unwrap() - 9.525518091565107).abs() < 1e-13);
        assert_eq!(arg_err(run("norm", &[a, Value::str("nu")])), Some(1));
    }

    #[test]
    fn nnz_counts() {
        assert!(matches!(
            run("nnz", &[m(&[&[0., 1.], &[f64::NAN, -2.]])]).unwrap(),
            Value::Num(3.0)
        ));
        assert!(matches!(
            run("nnz", &[Value::matrix(Array2::zeros((0, 0)))]).unwrap(),
            Value::Num(0.0)
        ));
        assert!(matches!(
            run("nnz", &[Value::Bool(true)]).unwrap(),
            Value::Num(1.0)
        ));
        assert_eq!(arg_err(run("nnz", &[Value::str("a")])), Some(0));
    }
}
