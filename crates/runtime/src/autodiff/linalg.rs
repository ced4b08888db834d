//! Gradient rules of linear algebra: `A \ b`, `b / A` and `solve` (by
//! solves with `A'`), `inv`, the matrix power `M ^ k`, `det`, `chol` and
//! `eig` of a symmetric matrix. Each records the backward pass of a value
//! the plain operator or builtin has computed.

use super::operators::{pow_record, unbroadcast};
use super::{input, record, Forward, Input};
use crate::error::{Result, RuntimeError};
use crate::linalg;
use crate::value::Value;
use ndarray::{Array2, Axis, Zip};

fn matrix_of(v: Value) -> Result<Array2<f64>> {
    Ok(v.to_matrix()?.into_owned())
}

/// A backward step that cannot be computed (a non-finite gradient reaching
/// a solve) gives NaN rather than stopping the walk.
fn or_nan(r: Result<Array2<f64>>, shape: (usize, usize)) -> Array2<f64> {
    r.unwrap_or_else(|_| Array2::from_elem(shape, f64::NAN))
}

fn solve_with(a: &Array2<f64>, b: &Array2<f64>) -> Array2<f64> {
    or_nan(linalg::solve(a, b).map(|(x, _)| x), (a.ncols(), b.ncols()))
}

fn tr(a: &Array2<f64>) -> Array2<f64> {
    a.t().as_standard_layout().into_owned()
}

/// `num ./ den` with a scalar `den`, as `/` and `\` by a number compute it.
fn by_scalar(num: &Input<'_>, den: &Input<'_>, out: Array2<f64>) -> Value {
    let d = den.value()[[0, 0]];
    let shape = num.value().dim();
    let saved = out.clone();
    record(
        &[num, den],
        out,
        Box::new(move |g| {
            let gn = unbroadcast(&(g / d), shape);
            let gd = -Zip::from(g).and(&saved).fold(0.0, |s, g, o| s + g * o) / d;
            vec![gn, Array2::from_elem((1, 1), gd)]
        }),
    )
}

/// The gradients of `x = A \ b` (`x = pinv(A) * b`, which is what the solve
/// computes for every shape of full rank): with `w = A' \ g`,
/// `gb = w` and `gA = -w x'`, plus, when `A` is not square, the terms of the
/// residual `r = b - A x` and of the null space of `A`:
/// `gA += r (A \ w)' + (A' \ x) (g - A' w)'`.
fn solve_grads(
    a: &Array2<f64>,
    b: &Array2<f64>,
    x: &Array2<f64>,
    g: &Array2<f64>,
) -> (Array2<f64>, Array2<f64>) {
    let at = tr(a);
    let w = solve_with(&at, g);
    let mut ga = -linalg::matmul_whole(&w, x.t());
    if a.nrows() != a.ncols() {
        let r = b - &linalg::matmul_whole(a, x);
        let z = solve_with(a, &w);
        let y = solve_with(&at, x);
        let free = g - &linalg::matmul_whole(&at, &w);
        ga = ga + linalg::matmul_whole(&r, z.t()) + linalg::matmul_whole(&y, free.t());
    }
    (ga, w)
}

/// `a \ b` with a traced side; `out` is the plain operator's result.
pub fn left_div(a: &Value, b: &Value, out: Value) -> Result<Value> {
    let (x, y) = (input(a)?, input(b)?);
    let out = matrix_of(out)?;
    if x.value().dim() == (1, 1) {
        return Ok(by_scalar(&y, &x, out));
    }
    let (va, vb, saved) = (x.value().clone(), y.value().clone(), out.clone());
    Ok(record(
        &[&x, &y],
        out,
        Box::new(move |g| {
            let (ga, gb) = solve_grads(&va, &vb, &saved, g);
            vec![ga, gb]
        }),
    ))
}

/// `a / b` with a traced side: `(b' \ a')'`.
pub fn right_div(a: &Value, b: &Value, out: Value) -> Result<Value> {
    let (x, y) = (input(a)?, input(b)?);
    let out = matrix_of(out)?;
    if y.value().dim() == (1, 1) {
        return Ok(by_scalar(&x, &y, out));
    }
    let (bt, at, xt) = (tr(y.value()), tr(x.value()), tr(&out));
    Ok(record(
        &[&x, &y],
        out,
        Box::new(move |g| {
            let (gbt, gat) = solve_grads(&bt, &at, &xt, &tr(g));
            vec![tr(&gat), tr(&gbt)]
        }),
    ))
}

/// `solve(A, b)`, the builtin form of `A \ b`.
pub(crate) fn solve(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = fw.run(1)?;
    left_div(&args[0], &args[1], out)
}

/// `a ^ b` with a traced side: a number's power, or the matrix power
/// `M ^ k` for a whole `k` (negative through the inverse).
pub fn power(a: &Value, b: &Value, out: Value) -> Result<Value> {
    let (x, y) = (input(a)?, input(b)?);
    let out = matrix_of(out)?;
    if x.value().dim() == (1, 1) && y.value().dim() == (1, 1) {
        return Ok(pow_record(&x, &y, out));
    }
    if let Input::Var(_) = y {
        return Err(RuntimeError::Domain(
            "grad cannot differentiate the matrix power `M ^ k` by its exponent, a whole number"
                .into(),
        ));
    }
    let k = y.value()[[0, 0]];
    let m = x.value().clone();
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| vec![matrix_power_grad(&m, k, g)]),
    ))
}

/// The gradient of `M ^ k` by `M`, backwards through the squarings and
/// products that compute it (`O(log k)` products).
fn matrix_power_grad(m: &Array2<f64>, k: f64, g: &Array2<f64>) -> Array2<f64> {
    let n = m.nrows();
    let base = if k < 0.0 {
        or_nan(linalg::inv(m).map(|(i, _)| i), (n, n))
    } else {
        m.clone()
    };
    // Replays the plain power: `bases[i]` is base^(2^i); each product
    // `acc * bases[i]` is kept with the `acc` it started from.
    let mut bases = vec![base];
    let mut products = Vec::new();
    let mut acc = Array2::eye(n);
    let mut e = k.abs() as u64;
    while e > 0 {
        let i = bases.len() - 1;
        if e & 1 == 1 {
            let next = linalg::matmul_whole(&acc, &bases[i]);
            products.push((i, std::mem::replace(&mut acc, next)));
        }
        e >>= 1;
        if e > 0 {
            bases.push(linalg::matmul_whole(&bases[i], &bases[i]));
        }
    }
    let mut g_bases = vec![Array2::<f64>::zeros((n, n)); bases.len()];
    let mut g_acc = g.clone();
    for (i, before) in products.iter().rev() {
        g_bases[*i] += &linalg::matmul_whole(before.t(), &g_acc);
        g_acc = linalg::matmul_whole(&g_acc, bases[*i].t());
    }
    for i in (0..bases.len() - 1).rev() {
        let above = g_bases[i + 1].clone();
        let b = &bases[i];
        g_bases[i] += &(linalg::matmul_whole(&above, b.t()) + linalg::matmul_whole(b.t(), &above));
    }
    let g_base = g_bases.swap_remove(0);
    if k < 0.0 {
        let inv = &bases[0];
        -linalg::matmul_whole(&linalg::matmul_whole(inv.t(), &g_base), inv.t())
    } else {
        g_base
    }
}

/// `inv(A)`: `-X' g X'` with `X = inv(A)`.
pub(crate) fn inv(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = input(&args[0]).map_err(|e| e.at_arg(0))?;
    let saved = out.clone();
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            vec![-linalg::matmul_whole(
                &linalg::matmul_whole(saved.t(), g),
                saved.t(),
            )]
        }),
    ))
}

/// `det(A)`: the cofactor matrix, from the SVD so that a singular `A` has
/// its (non-zero) gradient too: `det(U) det(V) U diag(∏_{j≠i} s_j) V'`.
pub(crate) fn det(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = input(&args[0]).map_err(|e| e.at_arg(0))?;
    let a = x.value().clone();
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| vec![cofactors(&a) * g[[0, 0]]]),
    ))
}

fn cofactors(a: &Array2<f64>) -> Array2<f64> {
    let Ok((u, s, vt)) = linalg::svd_thin(a) else {
        return Array2::from_elem(a.dim(), f64::NAN);
    };
    let sign = linalg::det(&u).unwrap_or(f64::NAN) * linalg::det(&vt).unwrap_or(f64::NAN);
    let n = s.len();
    let mut others = vec![1.0; n];
    let mut before = 1.0;
    for i in 0..n {
        others[i] = before;
        before *= s[i];
    }
    let mut after = sign;
    for i in (0..n).rev() {
        others[i] *= after;
        after *= s[i];
    }
    let mut scaled = u;
    for (mut col, c) in scaled.axis_iter_mut(Axis(1)).zip(&others) {
        col *= *c;
    }
    linalg::matmul_whole(&scaled, &vt)
}

/// Half of `x + x'`: the gradient by a symmetric matrix, whose upper and
/// lower triangles move together.
fn symmetric(x: Array2<f64>) -> Array2<f64> {
    (&x + &x.t()) * 0.5
}

/// `chol(A) = R` with `R' R = A`. With `L = R'` and `gL` the lower part of
/// the gradient by `L`: `gA = sym(L^-T Φ(L' gL) L^-1)`, `Φ` keeping the
/// lower triangle and half the diagonal.
pub(crate) fn chol(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = matrix_of(fw.run(1)?)?;
    let x = input(&args[0]).map_err(|e| e.at_arg(0))?;
    let l = tr(&out);
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            let n = l.nrows();
            let gl = Array2::from_shape_fn((n, n), |(i, j)| if i >= j { g[[j, i]] } else { 0.0 });
            let mut p = linalg::matmul_whole(l.t(), &gl);
            for i in 0..n {
                p[[i, i]] *= 0.5;
                for j in i + 1..n {
                    p[[i, j]] = 0.0;
                }
            }
            let linv = or_nan(linalg::inv(&l).map(|(i, _)| i), (n, n));
            let s = linalg::matmul_whole(&linalg::matmul_whole(linv.t(), &p), &linv);
            vec![symmetric(s)]
        }),
    ))
}

/// `eig(A)` of a symmetric `A`: the values' gradient is `V diag(gλ) V'`, the
/// vectors' `V (F ∘ V' gV) V'` with `F_ij = 1 / (λ_j - λ_i)`, which needs
/// distinct eigenvalues.
pub(crate) fn eig(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = fw.run(fw.nout())?;
    let x = input(&args[0]).map_err(|e| e.at_arg(0))?;
    let a = x.value().clone();
    if !linalg::is_symmetric(&a) {
        return Err(RuntimeError::Domain(
            "grad differentiates eig only of a symmetric matrix (this one is not)".into(),
        )
        .at_arg(0));
    }
    let (vals, vecs) = match out {
        Value::Tuple(items) if items.len() == 2 => (items[0].clone(), Some(items[1].clone())),
        vals => (vals, None),
    };
    let lambda = matrix_of(vals)?;
    let v = match &vecs {
        Some(v) => matrix_of(v.clone())?,
        None if a.is_empty() => Array2::zeros(a.dim()),
        None => linalg::eig_sym(&a).map_err(|e| e.at_arg(0))?.1,
    };
    let values = {
        let v = v.clone();
        record(
            &[&x],
            lambda.clone(),
            Box::new(move |g| {
                let mut scaled = v.clone();
                for (mut col, gk) in scaled.axis_iter_mut(Axis(1)).zip(g.iter()) {
                    col *= *gk;
                }
                vec![linalg::matmul_whole(&scaled, v.t())]
            }),
        )
    };
    let Some(_) = vecs else {
        return Ok(values);
    };
    let l: Vec<f64> = lambda.iter().copied().collect();
    let scale = l.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if let Some(i) = (1..l.len()).find(|&i| (l[i - 1] - l[i]).abs() <= 1e-12 * scale) {
        return Err(RuntimeError::Domain(format!(
            "grad cannot differentiate eig's eigenvectors here: eigenvalues {i} and {} are equal ({}), so their eigenvectors are not unique",
            i + 1,
            crate::display::format_scalar(l[i])
        ))
        .at_arg(0));
    }
    let saved = v.clone();
    let vectors = record(
        &[&x],
        v,
        Box::new(move |g| {
            let mut inner = linalg::matmul_whole(saved.t(), g);
            for ((i, j), e) in inner.indexed_iter_mut() {
                *e = if i == j { 0.0 } else { *e / (l[j] - l[i]) };
            }
            let ga = linalg::matmul_whole(&linalg::matmul_whole(&saved, &inner), saved.t());
            vec![symmetric(ga)]
        }),
    );
    Ok(Value::tuple(vec![values, vectors]))
}
