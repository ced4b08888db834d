//! Linear algebra builtins over the `linalg` boundary: eig, svd, qr, chol,
//! inv, pinv, det, rank, cond, solve, cov.

use super::{count, mat, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::linalg;
use crate::value::Value;
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("linear algebra"; "eig", 1, 1, 2, "eig(A)", "(vals, vecs) of a symmetric matrix: eigenvalues descending as a column, eigenvectors as columns", eig),
    entry!("linear algebra"; "svd", 1, 2, 3, "svd(X, k)", "(U, s, Vt) thin SVD with X = U * diag(s) * Vt, s descending; s = svd(X) the values alone; svd(X, k) keeps the top k", svd),
    entry!("linear algebra"; "qr", 1, 1, 2, "qr(A)", "(Q, R) thin QR: Q has orthonormal columns, R is upper triangular with R's diagonal >= 0", qr),
    entry!("linear algebra"; "chol", 1, 1, 1, "chol(A)", "upper triangular R with R' * R = A, for symmetric positive definite A", chol),
    entry!("linear algebra"; "inv", 1, 1, 1, "inv(A)", "inverse of a square non-singular matrix", inv),
    entry!("linear algebra"; "pinv", 1, 1, 1, "pinv(A)", "Moore-Penrose pseudo-inverse (by SVD)", pinv),
    entry!("linear algebra"; "det", 1, 1, 1, "det(A)", "determinant of a square matrix", det),
    entry!("linear algebra"; "rank", 1, 1, 1, "rank(A)", "numerical rank (singular values above max(m, n) * eps * s_max)", rank),
    entry!("linear algebra"; "cond", 1, 1, 1, "cond(A)", "2-norm condition number s_max / s_min", cond),
    entry!("linear algebra"; "solve", 2, 2, 1, "solve(A, b)", "solves A x = b: LU when A is square, least squares otherwise (same as A \\ b)", solve),
    entry!("linear algebra"; "cov", 1, 1, 1, "cov(X)", "covariance matrix (N-1); columns are variables, rows observations", cov),
];

fn eig(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    if cx.nout < 2 {
        let vals = linalg::eigvals_sym(&a).map_err(|e| e.at_arg(0))?;
        return Ok(Value::column(vals));
    }
    let (vals, vecs) = linalg::eig_sym(&a).map_err(|e| e.at_arg(0))?;
    Ok(Value::tuple(vec![Value::column(vals), Value::matrix(vecs)]))
}

fn svd(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = mat(args, 0)?;
    let (u, s, vt) = if args.len() == 2 {
        let k = count(args, 1, "the number of singular triplets")?;
        let kmax = x.nrows().min(x.ncols());
        if k == 0 || k > kmax {
            return Err(RuntimeError::Domain(format!(
                "svd(X, k) needs 1 <= k <= min(rows, cols) = {kmax}, got k = {k}"
            ))
            .at_arg(1));
        }
        linalg::svd_top(&x, k).map_err(|e| e.at_arg(0))?
    } else {
        linalg::svd_thin(&x).map_err(|e| e.at_arg(0))?
    };
    // One result is the singular values, as in MATLAB and as `vals = eig(C)`.
    if cx.nout < 2 {
        return Ok(Value::column(s));
    }
    let u = Value::Matrix(std::sync::Arc::new(u));
    let s = Value::column(s);
    if cx.nout == 2 {
        return Ok(Value::tuple(vec![u, s]));
    }
    Ok(Value::tuple(vec![
        u,
        s,
        Value::Matrix(std::sync::Arc::new(vt)),
    ]))
}

fn qr(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (q, r) = linalg::qr(&*mat(args, 0)?).map_err(|e| e.at_arg(0))?;
    Ok(Value::tuple(vec![Value::matrix(q), Value::matrix(r)]))
}

fn chol(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::matrix(
        linalg::chol(&*mat(args, 0)?).map_err(|e| e.at_arg(0))?,
    ))
}

fn inv(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (inverse, warning) = linalg::inv(&*mat(args, 0)?).map_err(|e| e.at_arg(0))?;
    if let Some(w) = warning {
        cx.warn(&w);
    }
    Ok(Value::matrix(inverse))
}

fn pinv(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::matrix(
        linalg::pinv(&*mat(args, 0)?).map_err(|e| e.at_arg(0))?,
    ))
}

fn det(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Num(
        linalg::det(&*mat(args, 0)?).map_err(|e| e.at_arg(0))?,
    ))
}

fn rank(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Num(
        linalg::rank(&*mat(args, 0)?).map_err(|e| e.at_arg(0))? as f64,
    ))
}

fn cond(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let s = linalg::singular_values(&*mat(args, 0)?).map_err(|e| e.at_arg(0))?;
    Ok(Value::Num(match (s.first(), s.last()) {
        (Some(hi), Some(lo)) if *lo > 0.0 => hi / lo,
        (Some(_), Some(_)) => f64::INFINITY,
        _ => 0.0,
    }))
}

fn solve(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let mut warnings = Vec::new();
    let x = crate::ops::left_div(&args[0], &args[1], &mut warnings)?;
    for w in warnings {
        cx.warn(&w);
    }
    Ok(x)
}

fn cov(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = mat(args, 0)?;
    let x = if x.nrows() == 1 {
        x.t().to_owned()
    } else {
        x.into_owned()
    };
    let n = x.nrows();
    if n < 2 {
        return Ok(Value::matrix(Array2::zeros((x.ncols(), x.ncols()))));
    }
    let mean = x.mean_axis(ndarray::Axis(0)).expect("n >= 2 rows");
    let xc = &x - &mean;
    let c = linalg::matmul(&xc.t().to_owned(), &xc) / (n - 1) as f64;
    // Exactly symmetric, so eig(cov(X)) accepts it.
    let c = Array2::from_shape_fn(c.dim(), |(i, j)| if i <= j { c[[i, j]] } else { c[[j, i]] });
    Ok(Value::matrix(c))
}
