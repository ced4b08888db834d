//! Code compiled once and evaluated many times.

use crate::convert::FromValue;
use crate::error::Error;
use crate::interpreter::Interpreter;

/// Code parsed and resolved once by [`Interpreter::compile`]. Each
/// [`Compiled::eval`] walks the same resolved tree: nothing is parsed or
/// allocated for the code again. Names are looked up when it runs, so it
/// sees the variables of the interpreter it is evaluated in, at that time.
///
/// ```
/// let mut mla = mla::Interpreter::new();
/// let f = mla.compile("x^2 + 1").unwrap();
/// let ys: Vec<f64> = (0..3)
///     .map(|x| { mla.set("x", x as f64); f.eval(&mut mla).unwrap() })
///     .collect();
/// assert_eq!(ys, [1.0, 2.0, 5.0]);
/// ```
#[derive(Clone, Debug)]
pub struct Compiled(pub(crate) mla_eval::Compiled);

impl Compiled {
    /// Evaluates the code in `mla`'s workspace and converts the value of
    /// its last statement. It runs quietly (nothing is printed for
    /// statements without `;`), on the calling thread, under `mla`'s
    /// limits; recursion deeper than `Limits::host_stack_bytes` of stack
    /// allows is an error.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// let f = mla.compile("(m, i) = max(v); (m, i)").unwrap();
    /// mla.set("v", vec![3.0, 9.0, 4.0]);
    /// let (m, i): (f64, usize) = f.eval(&mut mla).unwrap();
    /// assert_eq!((m, i), (9.0, 2));
    /// ```
    pub fn eval<T: FromValue>(&self, mla: &mut Interpreter) -> Result<T, Error> {
        T::from_value(mla.eval_compiled(self)?)
    }
}
