//! Linear algebra builtins over the `linalg` boundary: eig, svd, qr, chol,
//! inv, pinv, det, rank, cond, solve, cov.

use super::{count, mat, Builtin, CallContext};
use crate::autodiff::rules as ad;
use crate::error::{Result, RuntimeError};
use crate::linalg;
use crate::value::Value;
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("linear algebra"; "eig", 1, 1, 2, "eig(A)", "(vals, vecs): eigenvalues descending as a column, unit eigenvectors as columns (largest component positive); a non-symmetric A must have a real spectrum", eig; rule ad::eig),
    entry!("linear algebra"; "svd", 1, 2, 3, "svd(X, k)", "(U, s, Vt) thin SVD with X = U * diag(s) * Vt, s descending; s = svd(X) the values alone; svd(X, k) keeps the top k", svd; none),
    entry!("linear algebra"; "qr", 1, 1, 2, "qr(A)", "(Q, R) thin QR: Q has orthonormal columns, R is upper triangular with R's diagonal >= 0", qr; none),
    entry!("linear algebra"; "chol", 1, 1, 1, "chol(A)", "upper triangular R with R' * R = A, for symmetric positive definite A", chol; rule ad::chol),
    entry!("linear algebra"; "inv", 1, 1, 1, "inv(A)", "inverse of a square non-singular matrix", inv; rule ad::inv),
    entry!("linear algebra"; "pinv", 1, 1, 1, "pinv(A)", "Moore-Penrose pseudo-inverse (by SVD)", pinv; none),
    entry!("linear algebra"; "det", 1, 1, 1, "det(A)", "determinant of a square matrix", det; rule ad::det),
    entry!("linear algebra"; "rank", 1, 1, 1, "rank(A)", "numerical rank (singular values above max(m, n) * eps * s_max)", rank; none),
    entry!("linear algebra"; "cond", 1, 1, 1, "cond(A)", "2-norm condition number s_max / s_min", cond; none),
    entry!("linear algebra"; "solve", 2, 2, 1, "solve(A, b)", "solves A x = b: LU when A is square, least squares otherwise (same as A \\ b)", solve; rule ad::solve),
    entry!("linear algebra"; "issymmetric", 1, 1, 1, "issymmetric(A)", "true when A is square and A(i, j) == A(j, i) exactly for every i ≠ j", issymmetric; constant),
    entry!("linear algebra"; "cov", 1, 1, 1, "cov(X)", "covariance matrix (N-1); columns are variables, rows observations", cov; none),
];

fn eig(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let general = a.nrows() == a.ncols() && linalg::symmetry(&a) == Some(false);
    if general {
        let (vals, vecs) = linalg::eig_general(&a, cx.nout >= 2).map_err(|e| e.at_arg(0))?;
        return Ok(match vecs {
            Some(v) => Value::tuple(vec![Value::column(vals), Value::matrix(v)]),
            None => Value::column(vals),
        });
    }
    if cx.nout < 2 {
        let vals = linalg::eigvals_sym(&a).map_err(|e| e.at_arg(0))?;
        return Ok(Value::column(vals));
    }
    let (vals, vecs) = linalg::eig_sym(&a).map_err(|e| e.at_arg(0))?;
    Ok(Value::tuple(vec![Value::column(vals), Value::matrix(vecs)]))
}

fn issymmetric(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let n = a.nrows();
    Ok(Value::Bool(
        n == a.ncols() && (0..n).all(|i| (0..i).all(|j| a[[i, j]] == a[[j, i]])),
    ))
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
    } else if cx.nout < 2 {
        // Values alone skip the vectors, as NumPy's `compute_uv=False`:
        // 2000×500 took 190 ms with them and ~70 without.
        let s = linalg::singular_values(&x).map_err(|e| e.at_arg(0))?;
        return Ok(Value::column(s));
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
    let c = linalg::matmul(xc.t(), &xc)? / (n - 1) as f64;
    // Exactly symmetric, so eig(cov(X)) accepts it.
    let c = Array2::from_shape_fn(c.dim(), |(i, j)| if i <= j { c[[i, j]] } else { c[[j, i]] });
    Ok(Value::matrix(c))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, mx, run, run_n};
    use super::*;

    /// Checks A V = V diag(λ) and unit columns.
    fn check_pairs(a: &Value, vals: &Value, vecs: &Value) {
        let (a, l, v) = (mx(a), mx(vals), mx(vecs));
        let av = linalg::matmul(&a, &v).unwrap();
        for j in 0..v.ncols() {
            let norm: f64 = v.column(j).iter().map(|x| x * x).sum::<f64>().sqrt();
            assert!((norm - 1.0).abs() < 1e-12);
            for i in 0..v.nrows() {
                assert!(
                    (av[[i, j]] - l[[j, 0]] * v[[i, j]]).abs() < 1e-10,
                    "{av} {l} {v}"
                );
            }
        }
    }

    #[test]
    fn eig_of_non_symmetric_matrices_matches_numpy() {
        // w, V = np.linalg.eig(A), sorted descending, columns flipped (largest component positive)
        let a = m(&[&[4., 1.], &[2., 3.]]);
        let r = run_n("eig", 2, std::slice::from_ref(&a)).unwrap();
        close(&r[0], &Value::column(vec![5., 2.]), 1e-12);
        close(
            &r[1],
            &m(&[
                &[0.7071067811865475, -0.4472135954999579],
                &[0.7071067811865475, 0.8944271909999159],
            ]),
            1e-12,
        );
        check_pairs(&a, &r[0], &r[1]);
        close(
            &run("eig", &[a]).unwrap(),
            &Value::column(vec![5., 2.]),
            1e-12,
        );

        let b = m(&[&[1., 2., 3.], &[0., 4., 5.], &[0., 0., 6.]]);
        let r = run_n("eig", 2, std::slice::from_ref(&b)).unwrap();
        close(&r[0], &Value::column(vec![6., 4., 1.]), 1e-12);
        close(
            &r[1],
            &m(&[
                &[0.5108406854512808, 0.5547001962252291, 1.],
                &[0.7981885710176262, 0.8320502943378437, 0.],
                &[0.3192754284070505, 0., 0.],
            ]),
            1e-12,
        );
        check_pairs(&b, &r[0], &r[1]);

        let c = m(&[&[2., 0., 0.], &[1., 3., 0.], &[4., -1., 5.]]);
        let r = run_n("eig", 2, std::slice::from_ref(&c)).unwrap();
        close(&r[0], &Value::column(vec![5., 3., 2.]), 1e-12);
        close(
            &r[1],
            &m(&[
                &[0., 0., -0.457495710997814],
                &[0., 0.8944271909999159, 0.457495710997814],
                &[1., 0.4472135954999579, 0.7624928516630234],
            ]),
            1e-12,
        );
        check_pairs(&c, &r[0], &r[1]);
    }

    #[test]
    fn eig_refuses_a_complex_spectrum() {
        // np.linalg.eig: 2, ±i
        let a = m(&[&[0., -1., 0.], &[1., 0., 0.], &[0., 0., 2.]]);
        for nout in [1, 2] {
            match run_n("eig", nout, std::slice::from_ref(&a)) {
                Err(e) => assert!(e.to_string().contains("2 of the 3 eigenvalues"), "{e}"),
                Ok(v) => panic!("{v:?}"),
            }
        }
        assert_eq!(arg_err(run("eig", &[a])), Some(0));
        assert_eq!(
            arg_err(run("eig", &[m(&[&[1., 2., 3.], &[4., 5., 6.]])])),
            Some(0)
        );
        assert_eq!(
            arg_err(run("eig", &[m(&[&[1., f64::NAN], &[0., 1.]])])),
            Some(0)
        );
    }

    #[test]
    fn eig_of_symmetric_input_keeps_its_path() {
        let s = m(&[&[2., 1.], &[1., 2.]]);
        let r = run_n("eig", 2, std::slice::from_ref(&s)).unwrap();
        let (vals, vecs) = linalg::eig_sym(&mx(&s)).unwrap();
        close(&r[0], &Value::column(vals), 0.0);
        close(&r[1], &Value::matrix(vecs), 0.0);
        assert_eq!(
            mx(&run("eig", &[Value::matrix(Array2::zeros((0, 0)))]).unwrap()).dim(),
            (0, 1)
        );
    }

    #[test]
    fn issymmetric_is_exact() {
        assert!(matches!(
            run("issymmetric", &[m(&[&[1., 2.], &[2., 1.]])]).unwrap(),
            Value::Bool(true)
        ));
        assert!(matches!(
            run("issymmetric", &[m(&[&[1., 2.], &[2. + 1e-15, 1.]])]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run("issymmetric", &[m(&[&[1., 2., 3.]])]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run("issymmetric", &[Value::Num(f64::NAN)]).unwrap(),
            Value::Bool(true)
        ));
        assert!(matches!(
            run("issymmetric", &[m(&[&[1., f64::NAN], &[f64::NAN, 1.]])]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run("issymmetric", &[Value::matrix(Array2::zeros((0, 0)))]).unwrap(),
            Value::Bool(true)
        ));
        assert_eq!(arg_err(run("issymmetric", &[Value::str("a")])), Some(0));
    }
}
