//! Operators: elementwise arithmetic and comparisons with NumPy/Octave
//! broadcasting, the matrix product, divisions and powers.

use crate::autodiff;
use crate::error::{Result, RuntimeError, Shape};
use crate::interrupt;
use crate::linalg;
use crate::value::{check_alloc, Value};
use ndarray::Array2;
use std::sync::Arc;

/// The shape two operands broadcast to, or a broadcasting error.
pub fn broadcast_shape(op: &'static str, a: Shape, b: Shape) -> Result<Shape> {
    let dim = |x: usize, y: usize| {
        if x == y || y == 1 {
            Some(x)
        } else if x == 1 {
            Some(y)
        } else {
            None
        }
    };
    match (dim(a.0, b.0), dim(a.1, b.1)) {
        (Some(r), Some(c)) => {
            check_alloc(r, c)?;
            Ok((r, c))
        }
        _ => Err(RuntimeError::Broadcast {
            op,
            left: a,
            right: b,
        }),
    }
}

/// Applies `f` elementwise with broadcasting; `T` is f64 or bool output.
/// Large operands are worked through in chunks that Ctrl-C can stop.
pub(crate) fn zip_with<T: Clone + Default>(
    op: &'static str,
    a: &Array2<f64>,
    b: &Array2<f64>,
    f: impl Fn(f64, f64) -> T,
) -> Result<Array2<T>> {
    if a.dim() == b.dim() {
        return interrupt::zip(a.view(), b.view(), f);
    }
    let shape = broadcast_shape(op, a.dim(), b.dim())?;
    let av = a.broadcast(shape).expect("checked broadcast");
    let bv = b.broadcast(shape).expect("checked broadcast");
    interrupt::zip(av, bv, f)
}

/// An elementwise numeric operation on two values.
pub fn elementwise(
    op: &'static str,
    a: &Value,
    b: &Value,
    f: fn(f64, f64) -> f64,
) -> Result<Value> {
    match (a, b) {
        (Value::Traced(_), _) | (_, Value::Traced(_)) => autodiff::binary(op, a, b),
        (Value::Num(x), Value::Num(y)) => Ok(Value::Num(f(*x, *y))),
        (Value::Matrix(m), Value::Num(y)) => Ok(Value::matrix(interrupt::map(m, |x| f(x, *y))?)),
        (Value::Num(x), Value::Matrix(m)) => Ok(Value::matrix(interrupt::map(m, |y| f(*x, y))?)),
        _ => {
            let (x, y) = (numeric(op, a)?, numeric(op, b)?);
            let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
            Ok(Value::matrix(zip_with(op, &ma, &mb, f)?))
        }
    }
}

/// An elementwise comparison or logical operation, giving logicals.
pub fn compare(op: &'static str, a: &Value, b: &Value, f: fn(f64, f64) -> bool) -> Result<Value> {
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        return match op {
            "==" => Ok(Value::Bool(x == y)),
            "!=" => Ok(Value::Bool(x != y)),
            _ => Err(RuntimeError::ty("numbers to compare", "two strings")),
        };
    }
    // Comparisons carry no gradient: they see traced values' plain values.
    let (a, b) = (&autodiff::strip(a), &autodiff::strip(b));
    let (x, y) = (numeric(op, a)?, numeric(op, b)?);
    if let (Some(p), Some(q)) = (x.as_scalar(), y.as_scalar()) {
        return Ok(Value::Bool(f(p, q)));
    }
    let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
    Ok(Value::logical(zip_with(op, &ma, &mb, f)?))
}

fn numeric<'a>(op: &'static str, v: &'a Value) -> Result<&'a Value> {
    if v.is_numeric() {
        Ok(v)
    } else {
        Err(RuntimeError::ty(
            format!("numbers or matrices for `{op}`"),
            v.describe(),
        ))
    }
}

/// `a + b`: elementwise addition, or concatenation when either is a string.
pub fn add(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Value::str(format!("{x}{y}"))),
        (Value::Str(x), y) if y.is_numeric() => {
            Ok(Value::str(format!("{x}{}", crate::display::inline(y))))
        }
        (x, Value::Str(y)) if x.is_numeric() => {
            Ok(Value::str(format!("{}{y}", crate::display::inline(x))))
        }
        _ => elementwise("+", a, b, |x, y| x + y),
    }
}

/// `a * b`: the matrix product (a scalar scales).
pub fn matmul(a: &Value, b: &Value) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        return autodiff::binary("*", a, b);
    }
    let (x, y) = (numeric("*", a)?, numeric("*", b)?);
    if x.as_scalar().is_some() || y.as_scalar().is_some() {
        return elementwise("*", x, y, |p, q| p * q);
    }
    let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
    if ma.ncols() != mb.nrows() {
        return Err(RuntimeError::InnerDim {
            left: ma.dim(),
            right: mb.dim(),
        });
    }
    check_alloc(ma.nrows(), mb.ncols())?;
    Ok(Value::matrix(linalg::matmul(&ma, &mb)?))
}

/// `a \ b`: solves `a x = b` (elementwise division when `a` is a scalar).
pub fn left_div(a: &Value, b: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        return autodiff::binary("\\", a, b);
    }
    let (x, y) = (numeric("\\", a)?, numeric("\\", b)?);
    if x.as_scalar().is_some() {
        return elementwise("\\", y, x, |p, q| p / q);
    }
    let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
    let (solved, warning) = linalg::solve(&ma, &mb)?;
    warnings.extend(warning);
    Ok(Value::matrix(solved))
}

/// `a / b`: `a * inv(b)` solved without forming the inverse; plain division
/// by a scalar.
pub fn right_div(a: &Value, b: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        return autodiff::binary("/", a, b);
    }
    let (x, y) = (numeric("/", a)?, numeric("/", b)?);
    if y.as_scalar().is_some() {
        return elementwise("/", x, y, |p, q| p / q);
    }
    let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
    if ma.ncols() != mb.ncols() {
        return Err(RuntimeError::Shape(format!(
            "cannot divide {}×{} by {}×{}: `A / B` needs the same number of columns",
            ma.nrows(),
            ma.ncols(),
            mb.nrows(),
            mb.ncols()
        )));
    }
    let bt = mb.t().to_owned();
    let at = ma.t().to_owned();
    let (xt, warning) = linalg::solve(&bt, &at)?;
    warnings.extend(warning);
    Ok(Value::matrix(xt.reversed_axes()))
}

/// `a ^ b`: scalar power, or an integer power of a square matrix.
pub fn power(a: &Value, b: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        return autodiff::binary("^", a, b);
    }
    let (x, y) = (numeric("^", a)?, numeric("^", b)?);
    if let (Some(p), Some(q)) = (x.as_scalar(), y.as_scalar()) {
        return Ok(Value::Num(p.powf(q)));
    }
    let k = y.as_scalar().ok_or_else(|| {
        RuntimeError::Domain(format!(
            "`^` with {} as the exponent is not defined; for elementwise powers use `.^`",
            y.describe()
        ))
    })?;
    let m = x.to_matrix()?;
    if m.nrows() != m.ncols() {
        return Err(RuntimeError::Domain(format!(
            "`^` is the matrix power and needs a square matrix, got a {}×{} matrix; for elementwise powers use `.^`",
            m.nrows(),
            m.ncols()
        )));
    }
    if k.fract() != 0.0 || !k.is_finite() {
        return Err(RuntimeError::Domain(format!(
            "matrix power needs a whole exponent, got {k}; for elementwise powers use `.^`"
        )));
    }
    let mut base = if k < 0.0 {
        let (inverse, warning) = linalg::inv(&m)?;
        warnings.extend(warning);
        inverse
    } else {
        m.into_owned()
    };
    let mut e = k.abs() as u64;
    let n = base.nrows();
    let mut acc = Array2::eye(n);
    while e > 0 {
        if e & 1 == 1 {
            acc = linalg::matmul(&acc, &base)?;
        }
        e >>= 1;
        if e > 0 {
            base = linalg::matmul(&base, &base)?;
        }
    }
    Ok(Value::matrix(acc))
}

/// `-a`.
pub fn neg(a: &Value) -> Result<Value> {
    match a {
        Value::Traced(_) => autodiff::unary(autodiff::UnaryOp::Neg, a),
        Value::Num(x) => Ok(Value::Num(-x)),
        Value::Matrix(m) => Ok(Value::matrix(m.mapv(|x| -x))),
        other => Ok(Value::matrix(
            numeric("-", other)?.to_matrix()?.mapv(|x| -x),
        )),
    }
}

/// `!a`: logical negation (true where `a` is zero).
pub fn not(a: &Value) -> Result<Value> {
    let a = &autodiff::strip(a);
    match numeric("!", a)? {
        Value::Bool(b) => Ok(Value::Bool(!b)),
        Value::Num(x) => Ok(Value::Bool(*x == 0.0)),
        Value::Logical(m) => Ok(Value::logical(m.mapv(|b| !b))),
        other => Ok(Value::logical(other.to_matrix()?.mapv(|x| x == 0.0))),
    }
}

/// `a'`: transpose (shares nothing; the result is laid out afresh).
pub fn transpose(a: &Value) -> Result<Value> {
    match a {
        Value::Traced(_) => autodiff::unary(autodiff::UnaryOp::Transpose, a),
        Value::Matrix(m) => Ok(Value::Matrix(Arc::new(
            m.t().as_standard_layout().into_owned(),
        ))),
        Value::Logical(m) => Ok(Value::Logical(Arc::new(
            m.t().as_standard_layout().into_owned(),
        ))),
        Value::Num(_) | Value::Bool(_) => Ok(a.clone()),
        other => Err(RuntimeError::ty(
            "a number or matrix to transpose",
            other.describe(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn m(a: Array2<f64>) -> Value {
        Value::matrix(a)
    }

    #[test]
    fn broadcasting_centres_columns() {
        let x = m(array![[1.0, 2.0], [3.0, 6.0]]);
        let mu = m(array![[2.0, 4.0]]);
        let c = elementwise("-", &x, &mu, |a, b| a - b).unwrap();
        match c {
            Value::Matrix(c) => assert_eq!(*c, array![[-1.0, -2.0], [1.0, 2.0]]),
            _ => panic!(),
        }
    }

    #[test]
    fn broadcasting_mismatch_names_shapes() {
        let a = m(Array2::zeros((150, 4)));
        let b = m(Array2::zeros((3, 4)));
        let e = elementwise("+", &a, &b, |x, y| x + y).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot apply `+` to 150×4 and 3×4: sizes must be equal or 1 in each dimension"
        );
        let e = matmul(&a, &b).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot multiply 150×4 by 3×4: inner dimensions 4 and 3 differ"
        );
    }

    #[test]
    fn matrix_power_and_division() {
        let a = m(array![[1.0, 1.0], [1.0, 0.0]]);
        match power(&a, &Value::Num(10.0), &mut Vec::new()).unwrap() {
            Value::Matrix(p) => assert_eq!(p[[0, 1]], 55.0),
            _ => panic!(),
        }
        let b = m(array![[2.0, 0.0], [0.0, 4.0]]);
        match right_div(&m(array![[2.0, 4.0]]), &b, &mut Vec::new()).unwrap() {
            Value::Matrix(x) => {
                assert!((x[[0, 0]] - 1.0).abs() < 1e-15 && (x[[0, 1]] - 1.0).abs() < 1e-15)
            }
            _ => panic!(),
        }
    }
}
