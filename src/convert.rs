//! Rust values in and out of MLA. Matrices move into MLA without a copy and
//! come out without one when MLA holds no other reference; vectors are
//! columns (`n×1`), as weights and samples are in ML formulas.

use crate::error::Error;
use crate::value::Value;
use mla_runtime::{RuntimeError, Value as Raw};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::sync::Arc;

/// A Rust value that becomes an MLA value: numbers, `bool`, strings,
/// vectors (`Vec<f64>`, `&[f64]`, `Array1`: column vectors), matrices
/// (`Array2<f64>`, views, `Arc<Array2<f64>>`), logical matrices
/// (`Array2<bool>`), [`Value`], `()` (no value) and tuples of up to four
/// (a multiple result).
///
/// ```
/// use mla::{IntoValue, Value};
/// assert_eq!(vec![1.0, 2.0, 3.0].into_value().shape(), (3, 1));
/// assert_eq!((1.0, "a").into_value().kind(), "tuple");
/// // a 1×1 matrix is a number in MLA
/// assert_eq!(ndarray::array![[7.0]].into_value().kind(), "number");
/// ```
pub trait IntoValue {
    /// The MLA value.
    fn into_value(self) -> Value;
}

/// A Rust value read from an MLA value. The error names what was expected
/// and what the value is, with its shape.
///
/// ```
/// use mla::{FromValue, Value};
/// let v = Value::new(ndarray::array![[1.0], [2.0]]);
/// assert_eq!(Vec::<f64>::from_value(v.clone()).unwrap(), vec![1.0, 2.0]);
/// assert_eq!(f64::from_value(v).unwrap_err().to_string(),
///            "expected a number, got a 2×1 matrix");
/// ```
pub trait FromValue: Sized {
    /// What it takes, for messages: `a number`, `a matrix`.
    const EXPECTED: &'static str;
    /// Its parameter name in the signature of a native function (`X` for a
    /// matrix, `x` for a number…).
    const PARAM: &'static str = "x";
    /// How many results to ask of a call whose result becomes this type:
    /// one, or a tuple's length (`(vals, vecs) = eig(C)` asks two).
    const RESULTS: usize = 1;
    /// The Rust value, or an error naming the mismatch.
    fn from_value(value: Value) -> Result<Self, Error>;
}

fn mismatch(expected: &str, got: &Raw) -> Error {
    Error::runtime(RuntimeError::ty(expected, got.describe()))
}

// ---- into MLA

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

impl IntoValue for &Value {
    fn into_value(self) -> Value {
        self.clone()
    }
}

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value(Raw::Num(self))
    }
}

impl IntoValue for f32 {
    fn into_value(self) -> Value {
        Value(Raw::Num(self.into()))
    }
}

impl IntoValue for i32 {
    fn into_value(self) -> Value {
        Value(Raw::Num(self.into()))
    }
}

/// Exact up to 2^53.
impl IntoValue for i64 {
    fn into_value(self) -> Value {
        Value(Raw::Num(self as f64))
    }
}

/// Exact up to 2^53.
impl IntoValue for usize {
    fn into_value(self) -> Value {
        Value(Raw::Num(self as f64))
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value(Raw::Bool(self))
    }
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value(Raw::str(self))
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value(Raw::str(self))
    }
}

/// A column vector.
impl IntoValue for Vec<f64> {
    fn into_value(self) -> Value {
        Value(Raw::column(self))
    }
}

/// A column vector.
impl IntoValue for &[f64] {
    fn into_value(self) -> Value {
        Value(Raw::column(self.to_vec()))
    }
}

/// A column vector.
impl IntoValue for Array1<f64> {
    fn into_value(self) -> Value {
        let n = self.len();
        Value(Raw::matrix(
            self.into_shape_with_order((n, 1))
                .expect("n elements fit n×1"),
        ))
    }
}

/// A column vector (copied).
impl IntoValue for ArrayView1<'_, f64> {
    fn into_value(self) -> Value {
        self.to_owned().into_value()
    }
}

/// Moved into MLA without a copy.
impl IntoValue for Array2<f64> {
    fn into_value(self) -> Value {
        Value(Raw::matrix(self))
    }
}

/// Copied: MLA owns its storage.
impl IntoValue for ArrayView2<'_, f64> {
    fn into_value(self) -> Value {
        Value(Raw::matrix(self.to_owned()))
    }
}

/// Copied: MLA owns its storage.
impl IntoValue for &Array2<f64> {
    fn into_value(self) -> Value {
        Value(Raw::matrix(self.clone()))
    }
}

/// Shared with MLA without a copy; a write on either side copies first.
impl IntoValue for Arc<Array2<f64>> {
    fn into_value(self) -> Value {
        if self.dim() == (1, 1) {
            Value(Raw::Num(self[[0, 0]]))
        } else {
            Value(Raw::Matrix(self))
        }
    }
}

/// A logical matrix (a mask).
impl IntoValue for Array2<bool> {
    fn into_value(self) -> Value {
        Value(Raw::logical(self))
    }
}

/// No value (what `printf` returns).
impl IntoValue for () {
    fn into_value(self) -> Value {
        Value(Raw::tuple(Vec::new()))
    }
}

/// A tuple of values.
impl IntoValue for Vec<Value> {
    fn into_value(self) -> Value {
        Value(Raw::tuple(self.into_iter().map(|v| v.0).collect()))
    }
}

macro_rules! tuple_into {
    ($($T:ident $i:tt),+) => {
        /// A multiple result.
        impl<$($T: IntoValue),+> IntoValue for ($($T,)+) {
            fn into_value(self) -> Value {
                Value(Raw::tuple(vec![$(self.$i.into_value().0),+]))
            }
        }
    };
}
tuple_into!(A 0, B 1);
tuple_into!(A 0, B 1, C 2);
tuple_into!(A 0, B 1, C 2, D 3);

// ---- out of MLA

impl FromValue for Value {
    const EXPECTED: &'static str = "a value";
    fn from_value(value: Value) -> Result<Self, Error> {
        Ok(value)
    }
}

/// A number, or a logical scalar as 0 or 1.
impl FromValue for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_value(value: Value) -> Result<Self, Error> {
        value
            .0
            .as_scalar()
            .ok_or_else(|| mismatch(Self::EXPECTED, &value.0))
    }
}

fn whole(value: &Value, expected: &'static str, min: f64, max: f64) -> Result<f64, Error> {
    match value.0.as_scalar() {
        Some(x) if x.fract() == 0.0 && x >= min && x <= max => Ok(x),
        Some(x) => Err(Error::runtime(RuntimeError::ty(
            expected,
            mla_runtime::display::format_scalar(x),
        ))),
        None => Err(mismatch(expected, &value.0)),
    }
}

/// A whole number.
impl FromValue for i64 {
    const EXPECTED: &'static str = "a whole number";
    const PARAM: &'static str = "n";
    fn from_value(value: Value) -> Result<Self, Error> {
        // 2^63 as f64 is out of range; the largest f64 below it is not.
        whole(
            &value,
            Self::EXPECTED,
            -9.223_372_036_854_775e18,
            9.223_372_036_854_775e18,
        )
        .map(|x| x as i64)
    }
}

/// A non-negative whole number (a size, a count).
impl FromValue for usize {
    const EXPECTED: &'static str = "a non-negative whole number";
    const PARAM: &'static str = "n";
    fn from_value(value: Value) -> Result<Self, Error> {
        whole(&value, Self::EXPECTED, 0.0, 1.8e19).map(|x| x as usize)
    }
}

/// A logical scalar (`x > 0`, `true`).
impl FromValue for bool {
    const EXPECTED: &'static str = "a logical";
    const PARAM: &'static str = "b";
    fn from_value(value: Value) -> Result<Self, Error> {
        value
            .as_bool()
            .ok_or_else(|| mismatch(Self::EXPECTED, &value.0))
    }
}

impl FromValue for String {
    const EXPECTED: &'static str = "a string";
    const PARAM: &'static str = "s";
    fn from_value(value: Value) -> Result<Self, Error> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| mismatch(Self::EXPECTED, &value.0))
    }
}

/// The numbers of a matrix (a number is 1×1, logicals are 0 or 1); no copy
/// when MLA holds no other reference to the storage.
impl FromValue for Array2<f64> {
    const EXPECTED: &'static str = "a matrix";
    const PARAM: &'static str = "X";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value.0 {
            Raw::Matrix(m) => Ok(Arc::try_unwrap(m).unwrap_or_else(|shared| (*shared).clone())),
            Raw::Num(_) | Raw::Bool(_) | Raw::Logical(_) => value
                .0
                .to_matrix()
                .map(|m| m.into_owned())
                .map_err(Error::runtime),
            other => Err(mismatch(Self::EXPECTED, &other)),
        }
    }
}

/// The matrix's storage, shared with MLA without a copy.
impl FromValue for Arc<Array2<f64>> {
    const EXPECTED: &'static str = "a matrix";
    const PARAM: &'static str = "X";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value.0 {
            Raw::Matrix(m) => Ok(m),
            other => Array2::<f64>::from_value(Value(other)).map(Arc::new),
        }
    }
}

/// A logical matrix (a mask); a logical scalar is 1×1.
impl FromValue for Array2<bool> {
    const EXPECTED: &'static str = "a logical matrix";
    const PARAM: &'static str = "M";
    fn from_value(value: Value) -> Result<Self, Error> {
        match value.0 {
            Raw::Logical(m) => Ok(Arc::try_unwrap(m).unwrap_or_else(|shared| (*shared).clone())),
            Raw::Bool(b) => Ok(Array2::from_elem((1, 1), b)),
            other => Err(mismatch(Self::EXPECTED, &other)),
        }
    }
}

/// The elements of a row or column vector (a number is one element).
impl FromValue for Vec<f64> {
    const EXPECTED: &'static str = "a vector";
    const PARAM: &'static str = "v";
    fn from_value(value: Value) -> Result<Self, Error> {
        let (r, c) = value.0.shape();
        if !value.0.is_numeric() || (r != 1 && c != 1) {
            return Err(mismatch(Self::EXPECTED, &value.0));
        }
        value.0.elements().map_err(Error::runtime)
    }
}

/// The elements of a row or column vector.
impl FromValue for Array1<f64> {
    const EXPECTED: &'static str = "a vector";
    const PARAM: &'static str = "v";
    fn from_value(value: Value) -> Result<Self, Error> {
        Vec::<f64>::from_value(value).map(Array1::from)
    }
}

/// The values of a tuple (a multiple result); any other value is a tuple
/// of one.
impl FromValue for Vec<Value> {
    const EXPECTED: &'static str = "a tuple";
    fn from_value(value: Value) -> Result<Self, Error> {
        Ok(value.items().unwrap_or_else(|| vec![value]))
    }
}

macro_rules! tuple_from {
    ($n:literal; $($T:ident $i:tt),+) => {
        /// The values of a multiple result of this many items (`(vals, vecs)
        /// = eig(C)` gives two). `call` asks the function for that many;
        /// `Compiled::eval` needs the program to end in a tuple.
        impl<$($T: FromValue),+> FromValue for ($($T,)+) {
            const EXPECTED: &'static str = concat!("a tuple of ", $n, " values");
            const RESULTS: usize = $n;
            fn from_value(value: Value) -> Result<Self, Error> {
                match &value.0 {
                    Raw::Tuple(items) if items.len() == $n => Ok((
                        $($T::from_value(Value(items[$i].clone())).map_err(|e| e.in_item($i))?,)+
                    )),
                    other => Err(mismatch(Self::EXPECTED, other)),
                }
            }
        }
    };
}
tuple_from!(2; A 0, B 1);
tuple_from!(3; A 0, B 1, C 2);
tuple_from!(4; A 0, B 1, C 2, D 3);

/// The arguments of a call from Rust: `()`, a tuple of up to four
/// [`IntoValue`]s, or a `Vec<Value>`.
///
/// ```
/// let mut mla = mla::Interpreter::new();
/// mla.run("hyp(a, b) = sqrt(a^2 + b^2);").unwrap();
/// let h: f64 = mla.call("hyp", (3.0, 4.0)).unwrap();
/// assert_eq!(h, 5.0);
/// ```
pub trait IntoArgs {
    /// The argument values.
    fn into_args(self) -> Vec<Value>;
}

impl IntoArgs for () {
    fn into_args(self) -> Vec<Value> {
        Vec::new()
    }
}

impl IntoArgs for Vec<Value> {
    fn into_args(self) -> Vec<Value> {
        self
    }
}

impl IntoArgs for &[Value] {
    fn into_args(self) -> Vec<Value> {
        self.to_vec()
    }
}

macro_rules! tuple_args {
    ($($T:ident $i:tt),+) => {
        impl<$($T: IntoValue),+> IntoArgs for ($($T,)+) {
            fn into_args(self) -> Vec<Value> {
                vec![$(self.$i.into_value()),+]
            }
        }
    };
}
tuple_args!(A 0);
tuple_args!(A 0, B 1);
tuple_args!(A 0, B 1, C 2);
tuple_args!(A 0, B 1, C 2, D 3);

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn round_trip<T: IntoValue + FromValue + PartialEq + std::fmt::Debug + Clone>(x: T) {
        assert_eq!(T::from_value(x.clone().into_value()).unwrap(), x);
    }

    #[test]
    fn values_come_back_as_they_went_in() {
        round_trip(2.5);
        round_trip(true);
        round_trip(String::from("text"));
        round_trip(vec![1.0, 2.0, 3.0]);
        round_trip(array![[1.0, 2.0], [3.0, 4.0]]);
        round_trip(array![1.0, 2.0]);
        round_trip(array![[true, false], [false, true]]);
        round_trip((1.0, String::from("a")));
        round_trip((array![[1.0, 2.0]], 3.0, false));
        round_trip(7_i64);
        round_trip(7_usize);
    }

    #[test]
    fn mismatches_name_kinds_and_shapes() {
        let m = Value::new(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let err = |r: Result<(), Error>| r.unwrap_err().to_string();
        assert_eq!(
            err(f64::from_value(m.clone()).map(drop)),
            "expected a number, got a 2×3 matrix"
        );
        assert_eq!(
            err(Vec::<f64>::from_value(m.clone()).map(drop)),
            "expected a vector, got a 2×3 matrix"
        );
        assert_eq!(
            err(<(f64, f64)>::from_value(m.clone()).map(drop)),
            "expected a tuple of 2 values, got a 2×3 matrix"
        );
        assert_eq!(
            err(<(f64, f64)>::from_value((1.0, "a").into_value()).map(drop)),
            "expected result 2 to be a number, got a string"
        );
        assert_eq!(
            err(Array2::<f64>::from_value("a".into_value()).map(drop)),
            "expected a matrix, got a string"
        );
        assert_eq!(
            err(usize::from_value((-2.0).into_value()).map(drop)),
            "expected a non-negative whole number, got -2"
        );
        assert_eq!(
            f64::from_value(m).unwrap_err().kind(),
            crate::ErrorKind::Type
        );
    }

    #[test]
    fn matrices_move_without_a_copy() {
        let a = array![[1.0, 2.0], [3.0, 4.0]];
        let ptr = a.as_ptr();
        let back = Array2::<f64>::from_value(a.into_value()).unwrap();
        assert_eq!(back.as_ptr(), ptr);
        let shared = Arc::new(array![[1.0, 2.0]]);
        let v = shared.clone().into_value();
        assert!(Arc::ptr_eq(
            &Arc::<Array2<f64>>::from_value(v).unwrap(),
            &shared
        ));
    }

    #[test]
    fn numbers_and_logicals_widen_to_matrices() {
        assert_eq!(
            Array2::<f64>::from_value(3.0.into_value()).unwrap(),
            array![[3.0]]
        );
        assert_eq!(
            Array2::<f64>::from_value(array![[true, false]].into_value()).unwrap(),
            array![[1.0, 0.0]]
        );
        assert_eq!(f64::from_value(true.into_value()).unwrap(), 1.0);
        assert!(bool::from_value(1.0.into_value()).is_err());
    }
}
