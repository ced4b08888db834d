//! Builders: zeros, ones, eye, fill, rand, randn, seed, linspace, diag,
//! reshape, repmat.

use super::{count, mat, scalar, size_args, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::value::{check_alloc, from_column_major, Value};
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("build"; "zeros", 0, 2, 1, "zeros(m, n)", "an m×n matrix of zeros (zeros(n) is n×n)", zeros),
    entry!("build"; "ones", 0, 2, 1, "ones(m, n)", "an m×n matrix of ones (ones(n) is n×n)", ones),
    entry!("build"; "eye", 0, 2, 1, "eye(n)", "the n×n identity (eye(m, n) is m×n)", eye),
    entry!("build"; "fill", 1, 3, 1, "fill(v, m, n)", "an m×n matrix with every element v", fill),
    entry!("build"; "rand", 0, 2, 1, "rand(m, n)", "uniform random numbers in [0, 1)", rand),
    entry!("build"; "randn", 0, 2, 1, "randn(m, n)", "standard normal random numbers", randn),
    entry!("build"; "seed", 1, 1, 1, "seed(s)", "reseeds the generator behind rand and randn", seed),
    entry!("build"; "linspace", 2, 3, 1, "linspace(a, b, n)", "n evenly spaced points from a to b as a row (n = 100 by default)", linspace),
    entry!("build"; "diag", 1, 1, 1, "diag(v or M)", "a diagonal matrix from a vector, or the diagonal of a matrix as a column", diag),
    entry!("build"; "reshape", 2, 3, 1, "reshape(X, m, n)", "the elements of X in column-major order, laid out m×n", reshape),
    entry!("build"; "repmat", 2, 3, 1, "repmat(X, m, n)", "X tiled m times down and n times across", repmat),
];

fn zeros(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::matrix(Array2::zeros(size_args(args, 0)?)))
}

fn ones(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::matrix(Array2::ones(size_args(args, 0)?)))
}

fn eye(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (m, n) = size_args(args, 0)?;
    Ok(Value::matrix(Array2::from_shape_fn((m, n), |(i, j)| {
        f64::from(u8::from(i == j))
    })))
}

fn fill(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let v = scalar(args, 0)?;
    Ok(Value::matrix(Array2::from_elem(size_args(args, 1)?, v)))
}

fn random(cx: &mut CallContext<'_>, args: &[Value], normal: bool) -> Result<Value> {
    let (m, n) = size_args(args, 0)?;
    let rng = cx.rng();
    // Column-major fill, so rand(3, 1) and the first column of rand(3, 2) agree.
    let data: Vec<f64> = (0..m * n)
        .map(|_| if normal { rng.normal() } else { rng.uniform() })
        .collect();
    Ok(Value::matrix(from_column_major(m, n, data)))
}

fn rand(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    random(cx, args, false)
}

fn randn(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    random(cx, args, true)
}

fn seed(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let s = scalar(args, 0)?;
    if !(s.is_finite() && s.fract() == 0.0 && s >= 0.0) {
        return Err(RuntimeError::Domain(format!(
            "seed must be a non-negative whole number, got {}",
            crate::display::format_scalar(s)
        ))
        .at_arg(0));
    }
    *cx.rng() = crate::rng::Rng::new(s as u64);
    Ok(Value::Num(s))
}

fn linspace(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = scalar(args, 0)?;
    let b = scalar(args, 1)?;
    let n = if args.len() > 2 {
        count(args, 2, "the number of points")?
    } else {
        100
    };
    check_alloc(1, n)?;
    let v: Vec<f64> = match n {
        0 => Vec::new(),
        1 => vec![b],
        _ => (0..n)
            .map(|i| {
                if i == n - 1 {
                    b
                } else {
                    a + (b - a) * i as f64 / (n - 1) as f64
                }
            })
            .collect(),
    };
    Ok(Value::matrix(
        Array2::from_shape_vec((1, n), v).expect("1×n"),
    ))
}

fn diag(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    let (r, c) = m.dim();
    if r == 1 || c == 1 {
        let v: Vec<f64> = m.iter().copied().collect();
        let n = v.len();
        check_alloc(n, n)?;
        let mut out = Array2::zeros((n, n));
        for (i, x) in v.into_iter().enumerate() {
            out[[i, i]] = x;
        }
        Ok(Value::matrix(out))
    } else {
        Ok(Value::column(m.diag().to_vec()))
    }
}

fn reshape(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let data = args[0].elements().map_err(|e| e.at_arg(0))?;
    let (m, n) = size_args(args, 1)?;
    if m * n != data.len() {
        return Err(RuntimeError::Shape(format!(
            "cannot reshape {} elements ({}) into {}×{}",
            data.len(),
            args[0].describe(),
            m,
            n
        )));
    }
    Ok(Value::matrix(from_column_major(m, n, data)))
}

fn repmat(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = mat(args, 0)?;
    let (m, n) = size_args(args, 1)?;
    let (r, c) = x.dim();
    let (rr, cc) = (r.saturating_mul(m), c.saturating_mul(n));
    check_alloc(rr, cc)?;
    Ok(Value::matrix(Array2::from_shape_fn((rr, cc), |(i, j)| {
        x[[i % r, j % c]]
    })))
}
