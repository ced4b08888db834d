//! Operators: elementwise arithmetic and comparisons with NumPy/Octave
//! broadcasting, the matrix product, divisions and powers.

use crate::autodiff;
use crate::error::{Result, RuntimeError};
use crate::interrupt;
pub use crate::kernels::broadcast_shape;
use crate::kernels::zip_with;
use crate::linalg;
use crate::operator::Op;
use crate::value::external::{self, UnaryOp};
use crate::value::{check_alloc, Value};
use ndarray::Array2;
use std::sync::Arc;

/// Applies an infix operator to two values; `warnings` collects what a
/// nearly singular solve or power says beside its result.
pub fn binary(op: Op, a: &Value, b: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    if let Some(x) = external::first(std::slice::from_ref(a))
        .or_else(|| external::first(std::slice::from_ref(b)))
    {
        return x.binary(op, a, b);
    }
    match op {
        Op::Add => add(a, b),
        Op::Sub => elementwise(op, a, b, |x, y| x - y),
        Op::MatMul => matmul(a, b),
        Op::RightDiv => right_div(a, b, warnings),
        Op::LeftDiv => left_div(a, b, warnings),
        Op::ElemMul => elementwise(op, a, b, |x, y| x * y),
        Op::ElemDiv => elementwise(op, a, b, |x, y| x / y),
        Op::Pow => power(a, b, warnings),
        Op::ElemPow => elem_pow(a, b),
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::And | Op::Or => compare(op, a, b),
    }
}

/// An operator whose result may be written into an operand ([`reuse`]).
/// An enum, not a function pointer, so that each gets a loop of its own
/// that the compiler vectorizes: through a pointer every element was a
/// call (a fifth of the digits MLP's steps went to such calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InPlace {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `.*`, or `*` by a number
    Mul,
    /// `./`, or `/` by a number
    Div,
}

/// The operator's in-place form, when its result may be written into an
/// operand ([`reuse`]): `+ - .* ./`, and `*`, `/` by a number.
pub fn in_place(op: Op, a: &Value, b: &Value) -> Option<InPlace> {
    let scalar = |v: &Value| matches!(v, Value::Num(_));
    Some(match op {
        Op::Add => InPlace::Add,
        Op::Sub => InPlace::Sub,
        Op::ElemMul => InPlace::Mul,
        Op::MatMul if scalar(a) || scalar(b) => InPlace::Mul,
        Op::ElemDiv => InPlace::Div,
        Op::RightDiv if scalar(b) => InPlace::Div,
        _ => return None,
    })
}

/// An elementwise numeric operator on two values, with broadcasting.
pub fn elementwise(op: Op, a: &Value, b: &Value, f: impl Fn(f64, f64) -> f64) -> Result<Value> {
    match (a, b) {
        (Value::Traced(_), _) | (_, Value::Traced(_)) => autodiff::binary(op, a, b),
        _ => zip_values(op.symbol(), a, b, f),
    }
}

/// A builtin's elementwise function of two plain values (`mod`, `max(A,
/// B)`), with broadcasting; `name` labels its errors. Traced values never
/// come here: the table sends such builtins plain values under `grad`.
pub fn zip_values(
    name: &'static str,
    a: &Value,
    b: &Value,
    f: impl Fn(f64, f64) -> f64,
) -> Result<Value> {
    match (a, b) {
        (Value::Traced(_), _) | (_, Value::Traced(_)) => Err(RuntimeError::Domain(format!(
            "`{name}` does not carry gradients yet, so grad cannot differentiate through it"
        ))),
        (Value::Num(x), Value::Num(y)) => Ok(Value::Num(f(*x, *y))),
        (Value::Matrix(m), Value::Num(y)) => Ok(Value::matrix(interrupt::map(m, |x| f(x, *y))?)),
        (Value::Num(x), Value::Matrix(m)) => Ok(Value::matrix(interrupt::map(m, |y| f(*x, y))?)),
        _ => {
            let (x, y) = (numeric(name, a)?, numeric(name, b)?);
            let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
            Ok(Value::matrix(zip_with(name, &ma, &mb, f)?))
        }
    }
}

/// An elementwise comparison or logical operation, giving logicals.
pub fn compare(op: Op, a: &Value, b: &Value) -> Result<Value> {
    let Some(f) = op.test() else {
        return Err(RuntimeError::ty(
            "a comparison or logical operator",
            format!("`{op}`"),
        ));
    };
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        return match op {
            Op::Eq => Ok(Value::Bool(x == y)),
            Op::Ne => Ok(Value::Bool(x != y)),
            _ => Err(RuntimeError::ty("numbers to compare", "two strings")),
        };
    }
    // Comparisons carry no gradient: they see traced values' plain values.
    let (a, b) = (&autodiff::strip(a), &autodiff::strip(b));
    let (x, y) = (numeric(op.symbol(), a)?, numeric(op.symbol(), b)?);
    if let (Some(p), Some(q)) = (x.as_scalar(), y.as_scalar()) {
        return Ok(Value::Bool(f(p, q)));
    }
    let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
    Ok(Value::logical(zip_with(op.symbol(), &ma, &mb, f)?))
}

fn numeric<'a>(op: &str, v: &'a Value) -> Result<&'a Value> {
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
        (Value::Str(x), Value::Str(y)) => {
            // The text is built, then copied into the value.
            crate::memory::reserve(x.len().saturating_add(y.len()).saturating_mul(2))?;
            Ok(Value::str(format!("{x}{y}")))
        }
        (Value::Str(x), y) if y.is_numeric() => {
            Ok(Value::str(format!("{x}{}", crate::display::inline(y))))
        }
        (x, Value::Str(y)) if x.is_numeric() => {
            Ok(Value::str(format!("{}{y}", crate::display::inline(x))))
        }
        _ => elementwise(Op::Add, a, b, |x, y| x + y),
    }
}

/// `op` elementwise into the storage of an operand that nothing else holds
/// (a temporary such as `X * w` in `X * w + b`, or a variable's matrix
/// taken out for `W -= lr * gW`), when the other operand is a number or
/// broadcasts to its shape: the result then costs no allocation. `None`,
/// with both operands untouched, when neither can be reused; the caller
/// then computes the result the usual way. Only plain matrices are reused,
/// so strings, truth values and traced values never come here.
pub fn reuse(a: &mut Value, b: &mut Value, op: InPlace) -> Option<Value> {
    if write_into(a, b, op, false) {
        return Some(std::mem::replace(a, Value::Num(0.0)));
    }
    if write_into(b, a, op, true) {
        return Some(std::mem::replace(b, Value::Num(0.0)));
    }
    None
}

/// `target = target op other` (`other op target` when `swapped`) in
/// `target`'s storage; whether it was done ([`update`]).
fn write_into(target: &mut Value, other: &Value, op: InPlace, swapped: bool) -> bool {
    match (op, swapped) {
        (InPlace::Add, _) => update(target, other, |p, q| p + q),
        (InPlace::Sub, false) => update(target, other, |p, q| p - q),
        (InPlace::Sub, true) => update(target, other, |p, q| q - p),
        (InPlace::Mul, _) => update(target, other, |p, q| p * q),
        (InPlace::Div, false) => update(target, other, |p, q| p / q),
        (InPlace::Div, true) => update(target, other, |p, q| q / p),
    }
}

/// `target = g(target, other)` elementwise in `target`'s storage, when it
/// is a matrix nothing else holds and `other` is a number or broadcasts to
/// its shape; whether it was done.
fn update(target: &mut Value, other: &Value, g: impl Fn(f64, f64) -> f64) -> bool {
    let Value::Matrix(m) = target else {
        return false;
    };
    let Some(x) = Arc::get_mut(m) else {
        return false;
    };
    match other {
        Value::Num(y) => {
            let y = *y;
            x.mapv_inplace(|p| g(p, y));
            true
        }
        Value::Matrix(y) => match y.broadcast(x.dim()) {
            Some(y) => {
                ndarray::Zip::from(x)
                    .and(&y)
                    .for_each(|p, &q| *p = g(*p, q));
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// A matrix literal with traced blocks (`[W; b']` inside a differentiated
/// function): `blocks` are placed at their (row, column) offsets in a
/// matrix of `shape`, and the result carries their gradients.
pub fn concat_traced(blocks: &[(Value, usize, usize)], shape: (usize, usize)) -> Result<Value> {
    autodiff::concat(blocks, shape)
}

/// `a .^ b`. Like NumPy, the exponents 2, 0.5, -1, 1 and 0 of a matrix are
/// computed without `pow` (as `x * x`, `sqrt(x)`, `1 / x`, …), which also
/// gives NumPy's last digits; `pow` was a third of a small network's
/// training step (perf).
pub fn elem_pow(a: &Value, b: &Value) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        let out = elem_pow(&autodiff::strip(a), &autodiff::strip(b))?;
        return autodiff::elem_pow(a, b, out);
    }
    // One closure per exponent, not a function pointer: through a pointer,
    // the call for each element of `H .^ 2` was 6% of a small network's
    // training step (perf).
    if let (Value::Matrix(_), Value::Num(k)) = (a, b) {
        match *k {
            2.0 => return elementwise(Op::ElemPow, a, b, |x, _| x * x),
            0.5 => return elementwise(Op::ElemPow, a, b, |x, _| x.sqrt()),
            -1.0 => return elementwise(Op::ElemPow, a, b, |x, _| 1.0 / x),
            1.0 => return elementwise(Op::ElemPow, a, b, |x, _| x),
            0.0 => return elementwise(Op::ElemPow, a, b, |_, _| 1.0),
            _ => {}
        }
    }
    elementwise(Op::ElemPow, a, b, f64::powf)
}

/// `a * b`: the matrix product (a scalar scales).
pub fn matmul(a: &Value, b: &Value) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        return autodiff::binary(Op::MatMul, a, b);
    }
    let (x, y) = (
        numeric(Op::MatMul.symbol(), a)?,
        numeric(Op::MatMul.symbol(), b)?,
    );
    if x.as_scalar().is_some() || y.as_scalar().is_some() {
        return elementwise(Op::MatMul, x, y, |p, q| p * q);
    }
    let (ma, mb) = (x.to_matrix()?, y.to_matrix()?);
    if ma.ncols() != mb.nrows() {
        return Err(RuntimeError::InnerDim {
            left: ma.dim(),
            right: mb.dim(),
        });
    }
    check_alloc(ma.nrows(), mb.ncols())?;
    Ok(Value::matrix(linalg::matmul(&*ma, &*mb)?))
}

/// `a' * b`, `a * b'` or `a' * b'` (`ta`, `tb` say which side is written
/// transposed) without building the transpose: the product reads it in
/// place. `X' * r` with X 20000×100 spent more time copying `X'` than
/// multiplying. Anything but two plain matrices goes the general way, so
/// results, gradients and errors are those of `a' * b`.
pub fn matmul_transposed(a: &Value, ta: bool, b: &Value, tb: bool) -> Result<Value> {
    if let (Value::Matrix(x), Value::Matrix(y)) = (a, b) {
        let xa = if ta { x.t() } else { x.view() };
        let yb = if tb { y.t() } else { y.view() };
        if xa.ncols() == yb.nrows() && x.len() > 1 && y.len() > 1 {
            check_alloc(xa.nrows(), yb.ncols())?;
            return Ok(Value::matrix(linalg::matmul(xa, yb)?));
        }
    }
    let a = if ta { transpose(a)? } else { a.clone() };
    let b = if tb { transpose(b)? } else { b.clone() };
    matmul(&a, &b)
}

/// `a \ b`: solves `a x = b` (elementwise division when `a` is a scalar).
pub fn left_div(a: &Value, b: &Value, warnings: &mut Vec<String>) -> Result<Value> {
    if matches!(a, Value::Traced(_)) || matches!(b, Value::Traced(_)) {
        // The plain operator computes the value (and its checks and
        // warnings); autodiff records only the backward pass.
        let out = left_div(&autodiff::strip(a), &autodiff::strip(b), warnings)?;
        return autodiff::left_div(a, b, out);
    }
    let (x, y) = (
        numeric(Op::LeftDiv.symbol(), a)?,
        numeric(Op::LeftDiv.symbol(), b)?,
    );
    if x.as_scalar().is_some() {
        return elementwise(Op::LeftDiv, y, x, |p, q| p / q);
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
        // The plain operator computes the value (and its checks and
        // warnings); autodiff records only the backward pass.
        let out = right_div(&autodiff::strip(a), &autodiff::strip(b), warnings)?;
        return autodiff::right_div(a, b, out);
    }
    let (x, y) = (
        numeric(Op::RightDiv.symbol(), a)?,
        numeric(Op::RightDiv.symbol(), b)?,
    );
    if y.as_scalar().is_some() {
        return elementwise(Op::RightDiv, x, y, |p, q| p / q);
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
        // The plain operator computes the value (and its checks and
        // warnings); autodiff records only the backward pass.
        let out = power(&autodiff::strip(a), &autodiff::strip(b), warnings)?;
        return autodiff::power(a, b, out);
    }
    let (x, y) = (numeric(Op::Pow.symbol(), a)?, numeric(Op::Pow.symbol(), b)?);
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
        Value::External(x) => x.unary(UnaryOp::Neg),
        Value::Traced(_) => autodiff::unary(autodiff::UnaryOp::Neg, a),
        Value::Num(x) => Ok(Value::Num(-x)),
        Value::Matrix(m) => Ok(Value::matrix(m.mapv(|x| -x))),
        other => Ok(Value::matrix(
            numeric(Op::Sub.symbol(), other)?.to_matrix()?.mapv(|x| -x),
        )),
    }
}

/// `!a`: logical negation (true where `a` is zero).
pub fn not(a: &Value) -> Result<Value> {
    if let Value::External(x) = a {
        return x.unary(UnaryOp::Not);
    }
    let a = &autodiff::strip(a);
    match numeric("!", a)? {
        Value::Bool(b) => Ok(Value::Bool(!b)),
        Value::Num(x) => Ok(Value::Bool(*x == 0.0)),
        Value::Logical(m) => Ok(Value::logical(m.mapv(|b| !b))),
        other => Ok(Value::logical(other.to_matrix()?.mapv(|x| x == 0.0))),
    }
}

/// `a'`: transpose (shares nothing).
pub fn transpose(a: &Value) -> Result<Value> {
    match a {
        Value::External(x) => x.unary(UnaryOp::Transpose),
        Value::Traced(_) => autodiff::unary(autodiff::UnaryOp::Transpose, a),
        // The transposed view of a contiguous matrix is contiguous in the
        // other order: copied as one block (a memcpy), not element by
        // element across rows (16 MB: 7 ms the strided way).
        Value::Matrix(m) => Ok(Value::Matrix(Arc::new(m.t().to_owned()))),
        Value::Logical(m) => Ok(Value::Logical(Arc::new(m.t().to_owned()))),
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

    fn values(v: &Value) -> Vec<f64> {
        match v {
            Value::Matrix(x) => x.iter().copied().collect(),
            other => panic!("not a matrix: {}", other.describe()),
        }
    }

    fn data(v: &Value) -> *const f64 {
        match v {
            Value::Matrix(x) => x.as_ptr(),
            _ => std::ptr::null(),
        }
    }

    #[test]
    fn reuse_writes_into_an_unshared_operand() {
        let sub = InPlace::Sub;
        // the left operand, a row broadcast into it
        let mut a = m(array![[1.0, 2.0], [3.0, 4.0]]);
        let before = data(&a);
        let mut row = m(array![[1.0, 1.0]]);
        let r = reuse(&mut a, &mut row, sub).expect("reused");
        assert_eq!(data(&r), before);
        assert_eq!(values(&r), [0.0, 1.0, 2.0, 3.0]);
        // the right operand when the left is shared; the order is kept
        let shared = m(array![[1.0, 2.0]]);
        let keep = shared.clone();
        let mut left = shared.clone();
        let mut right = m(array![[10.0, 20.0]]);
        let before = data(&right);
        let r = reuse(&mut left, &mut right, sub).expect("reused");
        assert_eq!(data(&r), before);
        assert_eq!(values(&r), [-9.0, -18.0]);
        assert_eq!(
            values(&keep),
            [1.0, 2.0],
            "a shared matrix is never written"
        );
        // shared both ways, or shapes that do not broadcast: untouched
        let mut x = shared.clone();
        let mut y = shared.clone();
        assert!(reuse(&mut x, &mut y, sub).is_none());
        let mut p = m(array![[1.0, 2.0, 3.0]]);
        let mut q = m(array![[1.0, 2.0]]);
        assert!(reuse(&mut p, &mut q, sub).is_none());
        assert_eq!(values(&p), [1.0, 2.0, 3.0]);
        // written into the right operand, division keeps its order too
        let mut left = shared.clone();
        let mut right = m(array![[10.0, 40.0]]);
        let r = reuse(&mut left, &mut right, InPlace::Div).expect("reused");
        assert_eq!(values(&r), [0.1, 0.05]);
    }

    #[test]
    fn broadcasting_centres_columns() {
        let x = m(array![[1.0, 2.0], [3.0, 6.0]]);
        let mu = m(array![[2.0, 4.0]]);
        let c = elementwise(Op::Sub, &x, &mu, |a, b| a - b).unwrap();
        match c {
            Value::Matrix(c) => assert_eq!(*c, array![[-1.0, -2.0], [1.0, 2.0]]),
            _ => panic!(),
        }
    }

    #[test]
    fn broadcasting_mismatch_names_shapes() {
        let a = m(Array2::zeros((150, 4)));
        let b = m(Array2::zeros((3, 4)));
        let e = elementwise(Op::Add, &a, &b, |x, y| x + y).unwrap_err();
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
