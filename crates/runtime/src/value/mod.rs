//! The values of MLA. Matrix storage is shared through `Arc`, so copying a
//! value copies a pointer; writers call `Arc::make_mut` (copy on write).
//!
//! A value can be a function, and a function takes and returns values, so
//! what a function is lives here too: [`Builtin`] and its
//! [`Implementation`], the [`Host`] and [`CallContext`] a call is handed,
//! the [`Registry`] of names. These types refer to each other and to
//! [`Value`], and to nothing above them: the builtin table, the operators
//! and the gradient rules all sit on top of this module.

pub mod external;
mod function;
mod host;
mod registry;

pub use function::{
    Builtin, BuiltinFn, BuiltinRef, Forward, Func, Gradient, Implementation, NativeFn, Rule,
    UserFunc,
};
pub use host::{CallContext, CallSite, Host};
pub use registry::{constant, Clash, Constant, Registry, CONSTANTS};

use crate::error::{shape_str, Result, RuntimeError, Shape};
pub use crate::kernels::from_column_major;
pub use crate::memory::{allocation_limit, check_alloc, AllocationLimit, MAX_ELEMENTS};
use ndarray::Array2;
use std::borrow::Cow;
use std::sync::Arc;

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
    Traced(Arc<crate::tape::Traced>),
    /// An optimizer's settings and state (`adam(0.01)`, advanced by `step`).
    Optimizer(Arc<crate::optim::Optimizer>),
    /// An object of an extension crate (a tall matrix, say), known to the
    /// runtime only through [`External`](crate::value::external::External).
    External(Arc<dyn crate::value::external::External>),
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

    /// [`Value::matrix`] of a matrix that may be shared (no copy).
    pub fn shared_matrix(a: Arc<Array2<f64>>) -> Value {
        if a.dim() == (1, 1) {
            Value::Num(a[[0, 0]])
        } else {
            Value::Matrix(a)
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

    /// The shape; scalars are 1×1, strings 1×len, external values their
    /// own, others 1×1.
    pub fn shape(&self) -> Shape {
        match self {
            Value::Matrix(m) => m.dim(),
            Value::Logical(m) => m.dim(),
            Value::Traced(t) => t.value.dim(),
            Value::Str(s) => (1, s.chars().count()),
            Value::External(x) => x.shape(),
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
            Value::External(x) => x.kind(),
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
            Value::External(x) => x.describe(),
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
                crate::format::format_scalar(x)
            )));
        }
        if x > MAX_ELEMENTS as f64 {
            return Err(RuntimeError::Domain(format!(
                "{what} is too large: {}",
                crate::format::format_scalar(x)
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

/// The plain value of a traced one (for conditions, printing, sizes).
pub fn strip(v: &Value) -> Value {
    match v {
        Value::Traced(t) => Value::shared_matrix(t.value.clone()),
        Value::Tuple(items) => Value::tuple(items.iter().map(strip).collect()),
        other => other.clone(),
    }
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
