//! Rearranging matrices: triu, tril, fliplr, flipud, kron.

use super::{mat, scalar, Builtin, CallContext};
use crate::autodiff::rules as ad;
use crate::error::{Result, RuntimeError};
use crate::value::{check_alloc, Value};
use ndarray::{Array2, Axis};

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("rearrange"; "triu", 1, 2, 1, "triu(A, k)", "the upper triangle of A: elements on and above the k-th diagonal (k = 0 the main, k > 0 above, k < 0 below), the rest zero", triu; rule ad::rearrange),
    entry!("rearrange"; "tril", 1, 2, 1, "tril(A, k)", "the lower triangle of A: elements on and below the k-th diagonal, the rest zero", tril; rule ad::rearrange),
    entry!("rearrange"; "fliplr", 1, 1, 1, "fliplr(A)", "A with its columns in reverse order", fliplr; rule ad::rearrange),
    entry!("rearrange"; "flipud", 1, 1, 1, "flipud(A)", "A with its rows in reverse order", flipud; rule ad::rearrange),
    entry!("rearrange"; "kron", 2, 2, 1, "kron(A, B)", "the Kronecker product: the block matrix [A(1,1)*B A(1,2)*B …; …]", kron; none),
];

/// The diagonal offset `k` (a whole number, any sign), 0 when absent.
fn offset(args: &[Value], i: usize) -> Result<i64> {
    if args.len() <= i {
        return Ok(0);
    }
    let k = scalar(args, i)?;
    if !(k.is_finite() && k.fract() == 0.0) {
        return Err(RuntimeError::Domain(format!(
            "the diagonal offset must be a whole number, got {}",
            crate::display::format_scalar(k)
        ))
        .at_arg(i));
    }
    Ok(k.clamp(-1e15, 1e15) as i64)
}

fn triangle(args: &[Value], keep: fn(i64, i64) -> bool) -> Result<Value> {
    let a = mat(args, 0)?;
    let k = offset(args, 1)?;
    let mut out = a.into_owned();
    for ((i, j), x) in out.indexed_iter_mut() {
        if !keep(j as i64 - i as i64, k) {
            *x = 0.0;
        }
    }
    Ok(Value::matrix(out))
}

fn triu(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    triangle(args, |d, k| d >= k)
}

fn tril(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    triangle(args, |d, k| d <= k)
}

fn flip(args: &[Value], axis: Axis) -> Result<Value> {
    if let Value::Str(s) = &args[0] {
        return Ok(Value::str(if axis == Axis(1) {
            s.chars().rev().collect::<String>()
        } else {
            s.to_string()
        }));
    }
    if let Value::Logical(l) = &args[0] {
        let mut v = l.view();
        v.invert_axis(axis);
        return Ok(Value::logical(v.to_owned()));
    }
    let a = mat(args, 0)?;
    let mut v = a.view();
    v.invert_axis(axis);
    Ok(Value::matrix(v.to_owned()))
}

fn fliplr(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    flip(args, Axis(1))
}

fn flipud(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    flip(args, Axis(0))
}

fn kron(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let b = mat(args, 1)?;
    let (ra, ca) = a.dim();
    let (rb, cb) = b.dim();
    let (r, c) = (ra.saturating_mul(rb), ca.saturating_mul(cb));
    check_alloc(r, c)?;
    Ok(Value::matrix(Array2::from_shape_fn((r, c), |(i, j)| {
        a[[i / rb, j / cb]] * b[[i % rb, j % cb]]
    })))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, mx, run};
    use super::*;

    fn a() -> Value {
        m(&[
            &[1., 2., 3.],
            &[4., 5., 6.],
            &[7., 8., 9.],
            &[10., 11., 12.],
        ])
    }

    #[test]
    fn triangles_match_numpy() {
        // np.triu(A), np.triu(A, 1), np.triu(A, -1), np.tril(A), np.tril(A, -2), np.tril(A, 1)
        close(
            &run("triu", &[a()]).unwrap(),
            &m(&[&[1., 2., 3.], &[0., 5., 6.], &[0., 0., 9.], &[0., 0., 0.]]),
            0.0,
        );
        close(
            &run("triu", &[a(), Value::Num(1.0)]).unwrap(),
            &m(&[&[0., 2., 3.], &[0., 0., 6.], &[0., 0., 0.], &[0., 0., 0.]]),
            0.0,
        );
        close(
            &run("triu", &[a(), Value::Num(-1.0)]).unwrap(),
            &m(&[&[1., 2., 3.], &[4., 5., 6.], &[0., 8., 9.], &[0., 0., 12.]]),
            0.0,
        );
        close(
            &run("tril", &[a()]).unwrap(),
            &m(&[
                &[1., 0., 0.],
                &[4., 5., 0.],
                &[7., 8., 9.],
                &[10., 11., 12.],
            ]),
            0.0,
        );
        close(
            &run("tril", &[a(), Value::Num(-2.0)]).unwrap(),
            &m(&[&[0., 0., 0.], &[0., 0., 0.], &[7., 0., 0.], &[10., 11., 0.]]),
            0.0,
        );
        close(
            &run("tril", &[a(), Value::Num(1.0)]).unwrap(),
            &m(&[
                &[1., 2., 0.],
                &[4., 5., 6.],
                &[7., 8., 9.],
                &[10., 11., 12.],
            ]),
            0.0,
        );
        // Far offsets and empty input.
        close(
            &run("tril", &[a(), Value::Num(-1e300)]).unwrap(),
            &Value::matrix(Array2::zeros((4, 3))),
            0.0,
        );
        assert_eq!(
            mx(&run("triu", &[Value::matrix(Array2::zeros((0, 3)))]).unwrap()).dim(),
            (0, 3)
        );
        assert_eq!(arg_err(run("triu", &[a(), Value::Num(0.5)])), Some(1));
        assert_eq!(arg_err(run("tril", &[a(), Value::Num(f64::NAN)])), Some(1));
        assert_eq!(arg_err(run("tril", &[Value::str("x")])), Some(0));
    }

    #[test]
    fn flips() {
        close(
            &run("fliplr", &[a()]).unwrap(),
            &m(&[
                &[3., 2., 1.],
                &[6., 5., 4.],
                &[9., 8., 7.],
                &[12., 11., 10.],
            ]),
            0.0,
        );
        close(
            &run("flipud", &[a()]).unwrap(),
            &m(&[
                &[10., 11., 12.],
                &[7., 8., 9.],
                &[4., 5., 6.],
                &[1., 2., 3.],
            ]),
            0.0,
        );
        assert!(matches!(
            run("fliplr", &[Value::Num(2.0)]).unwrap(),
            Value::Num(2.0)
        ));
        assert!(
            matches!(run("fliplr", &[Value::str("abc")]).unwrap(), Value::Str(s) if &*s == "cba")
        );
        assert_eq!(
            mx(&run("flipud", &[Value::matrix(Array2::zeros((0, 2)))]).unwrap()).dim(),
            (0, 2)
        );
    }

    #[test]
    fn kron_matches_numpy() {
        // np.kron([[1, 2], [3, 4]], [[0, 5], [6, 7]])
        close(
            &run(
                "kron",
                &[m(&[&[1., 2.], &[3., 4.]]), m(&[&[0., 5.], &[6., 7.]])],
            )
            .unwrap(),
            &m(&[
                &[0., 5., 0., 10.],
                &[6., 7., 12., 14.],
                &[0., 15., 0., 20.],
                &[18., 21., 24., 28.],
            ]),
            0.0,
        );
        // np.kron([1, 2, 3], [[1], [10]])
        close(
            &run(
                "kron",
                &[Value::row(vec![1., 2., 3.]), Value::column(vec![1., 10.])],
            )
            .unwrap(),
            &m(&[&[1., 2., 3.], &[10., 20., 30.]]),
            0.0,
        );
        assert_eq!(
            mx(&run("kron", &[Value::matrix(Array2::zeros((0, 2))), a()]).unwrap()).dim(),
            (0, 6)
        );
        let big = Value::matrix(Array2::zeros((40000, 1)));
        assert!(run(
            "kron",
            &[big.clone(), Value::matrix(Array2::zeros((40000, 1)))]
        )
        .is_err());
    }
}
