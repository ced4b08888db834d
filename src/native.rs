//! Functions the host adds to one interpreter: typed closures of up to four
//! arguments (converted by [`FromValue`], results by [`IntoValue`]), or
//! closures that see the call's [`Context`] and its raw [`Args`] and may
//! call back into MLA. Arguments are checked before the closure runs, and
//! an error points at the argument or the call in the script.

use crate::convert::{FromValue, IntoValue};
use crate::error::Error;
use crate::value::Value;
use mla_runtime::{CallContext, Func, RuntimeError, Value as Raw};

/// A closure that can be a native function: `Fn(A, B, …) -> R` for up to
/// four arguments, each [`FromValue`], returning an [`IntoValue`] or a
/// `Result` of one with an error that is `Into<`[`Error`]`>` (a `String`
/// or `&str` message, or an [`Error`]). `Send + Sync` because the function
/// may be called again from inside itself (through a script it calls back)
/// and travels with the interpreter; hold state in a `Mutex` or atomics.
///
/// The `Marker` parameter only tells the arities apart; it is inferred.
pub trait NativeFunction<Marker>: sealed::Callable<Marker> {}

/// What a native function may return: a value, or a `Result` of one.
pub trait IntoResult: sealed::Returns {}

pub(crate) mod sealed {
    use super::*;

    /// The parts of [`NativeFunction`] the crate uses, out of the host's sight.
    pub trait Callable<Marker>: Send + Sync + 'static {
        fn params() -> Vec<&'static str>;
        fn invoke(&self, args: &[Raw]) -> Result<Raw, RuntimeError>;
    }

    pub trait Returns {
        fn into_raw(self) -> Result<Raw, RuntimeError>;
    }
}

impl<T: IntoValue> sealed::Returns for T {
    fn into_raw(self) -> Result<Raw, RuntimeError> {
        Ok(self.into_value().0)
    }
}

impl<T: IntoValue, E: Into<Error>> sealed::Returns for Result<T, E> {
    fn into_raw(self) -> Result<Raw, RuntimeError> {
        self.map(|v| v.into_value().0)
            .map_err(|e| e.into().into_runtime())
    }
}

impl<T: IntoValue> IntoResult for T {}
impl<T: IntoValue, E: Into<Error>> IntoResult for Result<T, E> {}

/// Argument `i`, converted; an error names the argument.
fn arg<T: FromValue>(args: &[Raw], i: usize) -> Result<T, RuntimeError> {
    T::from_value(Value(args[i].clone())).map_err(|e| e.at_arg(i).into_runtime())
}

macro_rules! arity {
    ($($A:ident $i:tt),*) => {
        impl<F, R, $($A,)*> sealed::Callable<(R, $($A,)*)> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
            R: IntoResult,
            $($A: FromValue,)*
        {
            fn params() -> Vec<&'static str> {
                vec![$($A::PARAM),*]
            }

            #[allow(unused_variables)]
            fn invoke(&self, args: &[Raw]) -> Result<Raw, RuntimeError> {
                sealed::Returns::into_raw((self)($(arg::<$A>(args, $i)?),*))
            }
        }

        impl<F, R, $($A,)*> NativeFunction<(R, $($A,)*)> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
            R: IntoResult,
            $($A: FromValue,)*
        {
        }
    };
}
arity!();
arity!(A 0);
arity!(A 0, B 1);
arity!(A 0, B 1, C 2);
arity!(A 0, B 1, C 2, D 3);

/// The arguments of a call to a function added with
/// [`Interpreter::register_with_context`](crate::Interpreter::register_with_context).
pub struct Args<'a>(pub(crate) &'a [Raw]);

impl Args<'_> {
    /// How many arguments the script passed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the call had no arguments.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Argument `i` (0-based) as a Rust value. An error, returned by the
    /// function, points at that argument in the script.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T, Error> {
        match self.0.get(i) {
            Some(v) => T::from_value(Value(v.clone())).map_err(|e| e.at_arg(i)),
            None => Err(Error::runtime(RuntimeError::Domain(format!(
                "argument {} is missing: the call has {}",
                i + 1,
                self.0.len()
            )))),
        }
    }

    /// Every argument as a [`Value`].
    pub fn values(&self) -> Vec<Value> {
        self.0.iter().cloned().map(Value).collect()
    }
}

/// What a function added with
/// [`Interpreter::register_with_context`](crate::Interpreter::register_with_context)
/// may ask of the interpreter running it: call functions (the script's or
/// builtins), read variables, write to the output.
pub struct Context<'a> {
    pub(crate) cx: CallContext<'a>,
}

impl Context<'_> {
    /// Calls a function value (passed as an argument, say) with `args`. An
    /// error inside it comes back placed in the script, and if the native
    /// function returns it, the script shows it with the call chain.
    pub fn call(&mut self, f: &Value, args: impl crate::IntoArgs) -> Result<Value, Error> {
        let Raw::Func(func) = &f.0 else {
            return Err(Error::runtime(RuntimeError::ty("a function", f.describe())));
        };
        self.call_func(&func.clone(), args)
    }

    /// Calls the function `name`: a function of the workspace or a builtin.
    pub fn call_named(&mut self, name: &str, args: impl crate::IntoArgs) -> Result<Value, Error> {
        let func = match self.cx.variable(name) {
            Some(Raw::Func(f)) => f,
            _ => self.cx.registry().func(name).ok_or_else(|| {
                Error::runtime(RuntimeError::Domain(format!(
                    "there is no function `{name}`"
                )))
            })?,
        };
        self.call_func(&func, args)
    }

    fn call_func(&mut self, f: &Func, args: impl crate::IntoArgs) -> Result<Value, Error> {
        let args = args.into_args().into_iter().map(|v| v.0).collect();
        self.cx
            .call_back(f, args)
            .map(Value)
            .map_err(Error::from_runtime)
    }

    /// A workspace variable as a Rust value.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, Error> {
        match self.cx.variable(name) {
            Some(v) => T::from_value(Value(v)),
            None => Err(Error::runtime(RuntimeError::Domain(format!(
                "`{name}` is not a variable"
            )))),
        }
    }

    /// How many results the script asked for (`(a, b) = f(x)` asks 2).
    pub fn results_wanted(&self) -> usize {
        self.cx.nout
    }

    /// Where the program's output goes (the interpreter's writer).
    pub fn output(&mut self) -> &mut dyn std::io::Write {
        self.cx.out()
    }
}

#[cfg(test)]
mod tests {
    use super::sealed::Callable;
    use super::*;
    use ndarray::{array, Array2};

    fn call<M, F: NativeFunction<M>>(f: &F, args: &[Raw]) -> Result<Raw, RuntimeError> {
        f.invoke(args)
    }

    #[test]
    fn typed_arguments_and_results() {
        let clip = |x: Array2<f64>| x.mapv(|v| v.clamp(0.0, 1.0));
        let out = call(&clip, &[Raw::matrix(array![[-1.0, 0.5, 2.0]])]).unwrap();
        assert_eq!(
            Array2::<f64>::from_value(Value(out)).unwrap(),
            array![[0.0, 0.5, 1.0]]
        );
        let add = |a: f64, b: f64| -> Result<f64, String> {
            if a < 0.0 {
                return Err("a must not be negative".into());
            }
            Ok(a + b)
        };
        assert_eq!(
            call(&add, &[Raw::Num(1.0), Raw::Num(2.0)])
                .unwrap()
                .as_scalar(),
            Some(3.0)
        );
        let e = call(&add, &[Raw::Num(-1.0), Raw::Num(2.0)]).unwrap_err();
        assert_eq!(e, RuntimeError::Host("a must not be negative".into()));
        let e = call(&add, &[Raw::Num(1.0), Raw::str("x")]).unwrap_err();
        assert!(matches!(e, RuntimeError::Arg { index: 1, .. }), "{e:?}");
        assert_eq!(e.to_string(), "expected a number, got a string");
        assert_eq!(
            <fn(String, bool, Vec<f64>) -> f64 as Callable<(f64, String, bool, Vec<f64>)>>::params(
            ),
            vec!["s", "b", "v"]
        );
        let none = || 42.0;
        assert_eq!(call(&none, &[]).unwrap().as_scalar(), Some(42.0));
    }
}
