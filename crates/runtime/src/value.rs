//! The values of MLA. Matrix storage is shared through `Arc`, so copying a
//! value copies a pointer; writers call `Arc::make_mut` (copy on write).

use crate::builtins::{Builtin, BuiltinRef};
use crate::error::{shape_str, Result, RuntimeError, Shape};
use ndarray::Array2;
use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Refuse to allocate matrices with more elements than this (8 GiB of f64),
/// unless an embedder sets another limit.
pub const MAX_ELEMENTS: usize = 1 << 30;

thread_local! {
    /// The most elements one allocation may have on this thread. The
    /// interpreter sets it around each evaluation (with
    /// [`AllocationLimit`]), so the checks deep in the operators need no
    /// parameter threaded through every call.
    static ALLOCATION_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_ELEMENTS) };
}

/// The most elements one allocation may have now (on this thread).
pub fn allocation_limit() -> usize {
    ALLOCATION_LIMIT.with(|l| l.get())
}

/// Sets the allocation limit of this thread while it lives, then puts the
/// previous one back (so nested evaluations restore their caller's).
#[must_use = "the limit holds only while the guard lives"]
pub struct AllocationLimit {
    previous: usize,
}

impl AllocationLimit {
    /// Limits allocations to `elements` elements each.
    pub fn set(elements: usize) -> Self {
        AllocationLimit {
            previous: ALLOCATION_LIMIT.with(|l| l.replace(elements)),
        }
    }
}

impl Drop for AllocationLimit {
    fn drop(&mut self) {
        ALLOCATION_LIMIT.with(|l| l.set(self.previous));
    }
}

/// A value of MLA.
#[derive(Clone, Debug)]
pub enum Value {
    /// A number (every 1×1 numeric result).
    Num(f64),
    /// A logical scalar.
    Bool(bool),
    /// A 2-D matrix of f64; never 1×1.
    Matrix(Arc<Array2<f64>>),
    /// A logical matrix (comparison results, masks); never 1×1.
    Logical(Arc<Array2<bool>>),
    /// A string.
    Str(Arc<str>),
    /// A function, builtin or user-defined.
    Func(Func),
    /// Several values: a multiple result or `(a, b)`.
    Tuple(Arc<[Value]>),
    /// A number or matrix carrying a gradient path (only inside `grad`).
    Traced(Arc<crate::autodiff::Traced>),
    /// An optimizer's settings and state (`adam(0.01)`, advanced by `step`).
    Optimizer(Arc<crate::optim::Optimizer>),
}

/// A callable value.
#[derive(Clone)]
pub enum Func {
    /// A builtin: a table entry or one added to an interpreter's registry.
    Builtin(BuiltinRef),
    /// A function defined by the user (the evaluator owns its meaning).
    User(Arc<dyn UserFunc>),
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Func::Builtin(b) => write!(f, "Builtin({})", b.name),
            Func::User(u) => write!(f, "User({})", u.describe()),
        }
    }
}

/// A user-defined function as the runtime sees it: opaque, named, describable.
/// The evaluator implements it and downcasts through [`UserFunc::as_any`].
pub trait UserFunc: Send + Sync {
    /// The function's name (`"<lambda>"` for anonymous ones).
    fn name(&self) -> &str;
    /// A one-line description, e.g. `function loss(w, b)` or `(x) -> …`.
    fn describe(&self) -> String;
    /// Its documentation: the comment lines that open its body (or stand
    /// right above a one-line definition), for `help`.
    fn doc(&self) -> Option<String> {
        None
    }
    /// For the evaluator to recover its concrete type.
    fn as_any(&self) -> &dyn Any;
}

impl Func {
    /// The builtin behind this value, if it is one.
    pub fn builtin(&self) -> Option<&Builtin> {
        match self {
            Func::Builtin(b) => Some(b),
            Func::User(_) => None,
        }
    }

    /// The user function behind this value, if it is one.
    pub fn user(&self) -> Option<&Arc<dyn UserFunc>> {
        match self {
            Func::User(u) => Some(u),
            Func::Builtin(_) => None,
        }
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        match self {
            Func::Builtin(b) => b.name,
            Func::User(u) => u.name(),
        }
    }
}

/// Checks that an `r×c` allocation is within the [`allocation_limit`] and
/// fits in the memory budget ([`crate::memory::reserve`]).
pub fn check_alloc(rows: usize, cols: usize) -> Result<()> {
    let limit = allocation_limit();
    match rows.checked_mul(cols) {
        Some(n) if n <= limit => crate::memory::reserve_elements(n, 8),
        _ => Err(RuntimeError::TooLarge {
            rows: rows as f64,
            cols: cols as f64,
            limit,
        }),
    }
}

impl Value {
    /// Wraps a matrix, turning a 1×1 result into a number.
    pub fn matrix(a: Array2<f64>) -> Value {
        if a.dim() == (1, 1) {
            Value::Num(a[[0, 0]])
        } else {
            Value::Matrix(Arc::new(a))
        }
    }

    /// Wraps a logical matrix, turning a 1×1 result into a logical scalar.
    pub fn logical(a: Array2<bool>) -> Value {
        if a.dim() == (1, 1) {
            Value::Bool(a[[0, 0]])
        } else {
            Value::Logical(Arc::new(a))
        }
    }

    /// A string value.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A tuple of values.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(items.into())
    }

    /// A column vector.
    pub fn column(v: Vec<f64>) -> Value {
        let n = v.len();
        Value::matrix(Array2::from_shape_vec((n, 1), v).expect("n×1 from n values"))
    }

    /// A row vector.
    pub fn row(v: Vec<f64>) -> Value {
        let n = v.len();
        Value::matrix(Array2::from_shape_vec((1, n), v).expect("1×n from n values"))
    }

    /// The shape; scalars are 1×1, strings 1×len, others 1×1.
    pub fn shape(&self) -> Shape {
        match self {
            Value::Matrix(m) => m.dim(),
            Value::Logical(m) => m.dim(),
            Value::Traced(t) => t.value.dim(),
            Value::Str(s) => (1, s.chars().count()),
            _ => (1, 1),
        }
    }

    /// The kind name shown by `typeof` and in errors.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Num(_) => "number",
            Value::Bool(_) => "logical",
            Value::Matrix(_) => "matrix",
            Value::Logical(_) => "logical",
            Value::Str(_) => "string",
            Value::Func(_) => "function",
            Value::Tuple(_) => "tuple",
            Value::Optimizer(_) => "optimizer",
            Value::Traced(t) if t.value.dim() == (1, 1) => "number",
            Value::Traced(_) => "matrix",
        }
    }

    /// Kind and shape, for error messages: `a 3×4 matrix`, `a string`.
    pub fn describe(&self) -> String {
        match self {
            Value::Matrix(m) => format!("a {} matrix", shape_str(m.dim())),
            Value::Logical(m) => format!("a {} logical matrix", shape_str(m.dim())),
            Value::Num(_) => "a number".into(),
            Value::Bool(_) => "a logical".into(),
            Value::Str(_) => "a string".into(),
            Value::Func(f) => format!("the function `{}`", f.name()),
            Value::Tuple(t) => format!("a tuple of {} values", t.len()),
            Value::Optimizer(o) => format!("an optimizer (`{}`)", o.name()),
            Value::Traced(t) if t.value.dim() == (1, 1) => "a number".into(),
            Value::Traced(t) => format!("a {} matrix", shape_str(t.value.dim())),
        }
    }

    /// True for numbers, logicals and matrices.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Value::Num(_)
                | Value::Bool(_)
                | Value::Matrix(_)
                | Value::Logical(_)
                | Value::Traced(_)
        )
    }

    /// The value as an f64 matrix (logicals become 0/1); borrowed when possible.
    pub fn to_matrix(&self) -> Result<Cow<'_, Array2<f64>>> {
        match self {
            Value::Matrix(m) => Ok(Cow::Borrowed(m)),
            Value::Num(x) => Ok(Cow::Owned(Array2::from_elem((1, 1), *x))),
            Value::Bool(b) => Ok(Cow::Owned(Array2::from_elem(
                (1, 1),
                f64::from(u8::from(*b)),
            ))),
            Value::Logical(m) => Ok(Cow::Owned(m.mapv(|b| f64::from(u8::from(b))))),
            Value::Traced(_) => Err(RuntimeError::Domain(
                "this operation does not carry gradients yet, so grad cannot differentiate through it".into(),
            )),
            other => Err(RuntimeError::ty("a number or matrix", other.describe())),
        }
    }

    /// The value as one number (a 1×1 value or a logical scalar).
    pub fn to_scalar(&self) -> Result<f64> {
        match self {
            Value::Num(x) => Ok(*x),
            Value::Bool(b) => Ok(f64::from(u8::from(*b))),
            other => Err(RuntimeError::ty("a number", other.describe())),
        }
    }

    /// The value as one number when it is one, without building an error
    /// otherwise: for tests on hot paths where the error would be dropped.
    pub fn as_scalar(&self) -> Option<f64> {
        match self {
            Value::Num(x) => Some(*x),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }

    /// A non-negative whole number, e.g. a size argument.
    pub fn to_count(&self, what: &str) -> Result<usize> {
        let x = self.to_scalar()?;
        if !(x >= 0.0 && x.fract() == 0.0) {
            return Err(RuntimeError::Domain(format!(
                "{what} must be a non-negative whole number, got {}",
                crate::display::format_scalar(x)
            )));
        }
        if x > MAX_ELEMENTS as f64 {
            return Err(RuntimeError::Domain(format!(
                "{what} is too large: {}",
                crate::display::format_scalar(x)
            )));
        }
        Ok(x as usize)
    }

    /// The string inside a string value.
    pub fn to_str(&self) -> Result<&str> {
        match self {
            Value::Str(s) => Ok(s),
            other => Err(RuntimeError::ty("a string", other.describe())),
        }
    }

    /// Truth of a condition: a non-empty value whose elements are all non-zero.
    pub fn truthy(&self) -> Result<bool> {
        match self {
            Value::Num(x) => Ok(*x != 0.0),
            Value::Bool(b) => Ok(*b),
            Value::Matrix(m) => Ok(!m.is_empty() && m.iter().all(|x| *x != 0.0)),
            Value::Logical(m) => Ok(!m.is_empty() && m.iter().all(|b| *b)),
            Value::Traced(t) => Ok(!t.value.is_empty() && t.value.iter().all(|x| *x != 0.0)),
            other => Err(RuntimeError::ty(
                "a logical or a number as a condition",
                other.describe(),
            )),
        }
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        let (r, c) = self.shape();
        r * c
    }

    /// The elements in column-major order (MATLAB's linear order).
    pub fn elements(&self) -> Result<Vec<f64>> {
        let m = self.to_matrix()?;
        Ok(m.t().iter().copied().collect())
    }
}

/// A matrix built from column-major data.
pub fn from_column_major(rows: usize, cols: usize, data: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec((cols, rows), data)
        .expect("column-major data of the right length")
        .reversed_axes()
        .as_standard_layout()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_small() {
        assert!(
            std::mem::size_of::<Value>() <= 24,
            "{}",
            std::mem::size_of::<Value>()
        );
    }

    #[test]
    fn clone_shares_storage_and_writes_copy() {
        let a = Value::matrix(Array2::zeros((3, 3)));
        let mut b = a.clone();
        if let (Value::Matrix(x), Value::Matrix(y)) = (&a, &b) {
            assert!(Arc::ptr_eq(x, y));
        }
        if let Value::Matrix(y) = &mut b {
            Arc::make_mut(y)[[0, 0]] = 1.0;
        }
        match (&a, &b) {
            (Value::Matrix(x), Value::Matrix(y)) => {
                assert_eq!(x[[0, 0]], 0.0);
                assert_eq!(y[[0, 0]], 1.0);
            }
            _ => panic!("matrices expected"),
        }
    }

    #[test]
    fn one_by_one_is_a_number() {
        assert!(matches!(
            Value::matrix(Array2::from_elem((1, 1), 2.0)),
            Value::Num(2.0)
        ));
    }

    #[test]
    fn as_scalar_takes_numbers_and_logicals_only() {
        assert_eq!(Value::Num(2.5).as_scalar(), Some(2.5));
        assert_eq!(Value::Bool(true).as_scalar(), Some(1.0));
        assert_eq!(Value::Bool(false).as_scalar(), Some(0.0));
        assert_eq!(Value::row(vec![1.0, 2.0]).as_scalar(), None);
        assert_eq!(Value::str("1").as_scalar(), None);
        assert_eq!(Value::tuple(vec![Value::Num(1.0)]).as_scalar(), None);
        for v in [Value::Num(-3.0), Value::Bool(true), Value::str("x")] {
            assert_eq!(v.as_scalar(), v.to_scalar().ok());
        }
    }

    #[test]
    fn column_major_order() {
        let m = from_column_major(2, 3, vec![1., 2., 3., 4., 5., 6.]);
        assert_eq!(m[[0, 1]], 3.0);
        assert_eq!(m[[1, 2]], 6.0);
    }

    #[test]
    fn refuses_huge() {
        assert!(check_alloc(1 << 20, 1 << 20).is_err());
        assert!(check_alloc(usize::MAX, 2).is_err());
        assert!(check_alloc(1000, 1000).is_ok());
    }

    #[test]
    fn the_limit_holds_while_its_guard_lives() {
        {
            let _guard = AllocationLimit::set(100);
            assert!(check_alloc(10, 10).is_ok());
            let e = check_alloc(10, 11).unwrap_err();
            assert_eq!(
                e.to_string(),
                "refusing to allocate a 10×11 matrix (880 B): one allocation may take at most 800 B"
            );
            {
                let _inner = AllocationLimit::set(10);
                assert!(check_alloc(10, 10).is_err());
            }
            assert!(check_alloc(10, 10).is_ok());
        }
        assert_eq!(allocation_limit(), MAX_ELEMENTS);
    }
}
