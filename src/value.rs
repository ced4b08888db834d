//! A value of MLA as the host holds it: opaque, cheap to clone (matrix
//! storage is shared), and read through typed conversions. The runtime's
//! own representation, with its invariants (a 1×1 matrix is always a
//! number) and its gradient-tracing variant, stays inside.

use crate::convert::{FromValue, IntoValue};
use crate::error::Error;
use mla_runtime::Value as Raw;
use ndarray::ArrayView2;
use std::fmt;

/// A value of MLA: a number, logical, matrix, string, function or tuple.
///
/// Build one from a Rust value with [`Value::new`] (anything that is
/// [`IntoValue`]), read one with [`Value::to`] (anything that is
/// [`FromValue`]). Cloning shares matrix storage rather than copying it.
///
/// ```
/// use mla::Value;
/// use ndarray::array;
/// let v = Value::new(array![[1.0, 2.0], [3.0, 4.0]]);
/// assert_eq!((v.kind(), v.shape()), ("matrix", (2, 2)));
/// assert_eq!(v.to::<Vec<f64>>().unwrap_err().to_string(),
///            "expected a vector, got a 2×2 matrix");
/// assert_eq!(Value::new(2.5).as_f64(), Some(2.5));
/// assert_eq!(v.to_string(), "  1  2\n  3  4\n");
/// ```
#[derive(Clone)]
pub struct Value(pub(crate) Raw);

impl Value {
    /// The MLA value of a Rust value.
    pub fn new(x: impl IntoValue) -> Value {
        x.into_value()
    }

    /// The value as a Rust type; an error names what was expected and what
    /// the value is (kind and shape).
    pub fn to<T: FromValue>(&self) -> Result<T, Error> {
        T::from_value(self.clone())
    }

    /// The kind, as MLA's `typeof` says it: `number`, `logical`, `matrix`,
    /// `string`, `function` or `tuple`.
    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }

    /// Rows × columns; a number or logical is 1×1, a string 1×length.
    pub fn shape(&self) -> (usize, usize) {
        self.0.shape()
    }

    /// Kind and shape for messages: `a 3×4 matrix`, `a number`.
    pub fn describe(&self) -> String {
        self.0.describe()
    }

    /// The number, if this is a number (or a logical scalar, as 0 or 1).
    pub fn as_f64(&self) -> Option<f64> {
        self.0.as_scalar()
    }

    /// The logical, if this is a logical scalar.
    pub fn as_bool(&self) -> Option<bool> {
        match self.0 {
            Raw::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Raw::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The numbers of a matrix (a number as 1×1), borrowed without a copy.
    pub fn as_matrix(&self) -> Option<ArrayView2<'_, f64>> {
        match &self.0 {
            Raw::Matrix(m) => Some(m.view()),
            Raw::Num(x) => ArrayView2::from_shape((1, 1), std::slice::from_ref(x)).ok(),
            _ => None,
        }
    }

    /// True for functions (builtins, user functions, lambdas).
    pub fn is_function(&self) -> bool {
        matches!(self.0, Raw::Func(_))
    }

    /// The values of a tuple (a multiple result), if this is one.
    pub fn items(&self) -> Option<Vec<Value>> {
        match &self.0 {
            Raw::Tuple(items) => Some(items.iter().cloned().map(Value).collect()),
            _ => None,
        }
    }
}

/// Shown as MLA's `disp` shows it.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mla_runtime::display::display_plain(
            &self.0,
            mla_runtime::display::DEFAULT_WIDTH,
        ))
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value({})", mla_runtime::display::inline(&self.0))
    }
}
