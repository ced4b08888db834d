//! A host for unit tests of builtins: calls by name, builtin function values
//! called back, output kept in memory.

use super::{call, CallContext, CallSite, Host, Registry};
use crate::error::{Result, RuntimeError};
use crate::rng::Rng;
use crate::value::{Func, Value};
use ndarray::Array2;
use std::time::Instant;

pub(crate) struct TestHost {
    out: Vec<u8>,
    rng: Rng,
    clock: Option<Instant>,
    plots: crate::plot::Plots,
    registry: Registry,
}

impl TestHost {
    pub(crate) fn new() -> Self {
        TestHost {
            out: Vec::new(),
            rng: Rng::new(0),
            clock: None,
            plots: crate::plot::Plots::default(),
            registry: Registry::standard(),
        }
    }

    /// Calls the builtin `name` asking `nout` results.
    pub(crate) fn call(&mut self, name: &str, nout: usize, args: &[Value]) -> Result<Value> {
        let b = self.registry.get(name).expect("a builtin").clone();
        let mut cx = CallContext::new(self, nout, CallSite::default());
        call(&b, &mut cx, args)
    }
}

impl Host for TestHost {
    fn out(&mut self) -> &mut dyn std::io::Write {
        &mut self.out
    }
    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }
    fn clock(&mut self) -> &mut Option<Instant> {
        &mut self.clock
    }
    fn plots(&mut self) -> &mut crate::plot::Plots {
        &mut self.plots
    }
    fn workspace(&self) -> Vec<(String, Value)> {
        Vec::new()
    }
    fn registry(&self) -> &Registry {
        &self.registry
    }
    fn call_function(&mut self, f: &Func, args: Vec<Value>, site: CallSite) -> Result<Value> {
        self.call_function_n(f, args, 1, site)
    }
    fn call_function_n(
        &mut self,
        f: &Func,
        args: Vec<Value>,
        nout: usize,
        site: CallSite,
    ) -> Result<Value> {
        match f {
            Func::Builtin(b) => {
                let b = b.clone();
                let mut cx = CallContext::new(self, nout, site);
                call(&b, &mut cx, &args)
            }
            Func::User(_) => Err(RuntimeError::Domain("no user functions in tests".into())),
        }
    }
}

/// `name(args…)` with one result asked.
pub(crate) fn run(name: &str, args: &[Value]) -> Result<Value> {
    TestHost::new().call(name, 1, args)
}

/// `name(args…)` with `nout` results asked, as a list.
pub(crate) fn run_n(name: &str, nout: usize, args: &[Value]) -> Result<Vec<Value>> {
    match TestHost::new().call(name, nout, args)? {
        Value::Tuple(t) => Ok(t.to_vec()),
        v => Ok(vec![v]),
    }
}

/// A matrix value from rows.
pub(crate) fn m(rows: &[&[f64]]) -> Value {
    let r = rows.len();
    let c = rows.first().map_or(0, |x| x.len());
    let data: Vec<f64> = rows.iter().flat_map(|x| x.iter().copied()).collect();
    Value::matrix(Array2::from_shape_vec((r, c), data).expect("rectangular"))
}

/// The value as a matrix (numbers and logicals included).
pub(crate) fn mx(v: &Value) -> Array2<f64> {
    v.to_matrix().expect("numeric").into_owned()
}

/// Asserts `got` equals `want` elementwise within `tol` (NaN equals NaN).
pub(crate) fn close(got: &Value, want: &Value, tol: f64) {
    let (g, w) = (mx(got), mx(want));
    assert_eq!(g.dim(), w.dim(), "got {got:?} want {want:?}");
    for (a, b) in g.iter().zip(w.iter()) {
        assert!(
            (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol * (1.0 + b.abs()),
            "got {g} want {w}"
        );
    }
}

/// The error of a call, with the argument it points at (if any).
pub(crate) fn arg_err(r: Result<Value>) -> Option<usize> {
    match r {
        Err(RuntimeError::Arg { index, .. }) => Some(index),
        Err(_) => None,
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}
