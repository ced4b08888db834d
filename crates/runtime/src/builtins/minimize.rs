//! `minimize(f, x1, …, xk, options…)`: the unknowns are the starting
//! values' elements, each matrix column-major, one after another; f and
//! its gradient come from the script (by `grad`'s automatic
//! differentiation unless a gradient function is given). The numerics are
//! in `crate::optim::minimize`.

use super::optim::results;
use super::options::{Options, Range};
use super::{Builtin, CallContext, VARIADIC};
use crate::autodiff;
use crate::display::format_scalar;
use crate::error::{shape_str, Result, RuntimeError, Shape};
use crate::optim::{minimize as run, Algorithm, Objective, Settings};
use crate::value::{from_column_major, Func, Value};
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("training"; "minimize", 2, VARIADIC, VARIADIC, "minimize(f, x1, …, xk, options…)", "(x1, …, xk, info): a local minimum of the number f(x1, …, xk) from the starting values given, by L-BFGS with a strong-Wolfe line search and grad's gradients; options \"method\" (\"lbfgs\", \"gd\", \"newton\"), \"gtol\" 1e-6, \"ftol\" 1e-12, \"maxiter\" 1000, \"memory\" 10, \"grad\" and \"hessian\" functions, \"verbose\"; info is (iterations, gradient norm, reason, f, evaluations)", minimize; refused "minimize inside a function that grad differentiates is not supported"),
];

const OPTIONS: &[&str] = &[
    "method", "gtol", "ftol", "maxiter", "memory", "grad", "hessian", "verbose",
];

/// The script's problem as the minimiser sees it.
struct Problem<'a, 'c> {
    cx: &'a mut CallContext<'c>,
    f: Func,
    gradient: Option<(Func, usize)>,
    hessian: Option<(Func, usize)>,
    shapes: Vec<Shape>,
    verbose: bool,
}

/// The first of several results, or the one.
fn first(v: Value) -> Value {
    match v {
        Value::Tuple(items) if !items.is_empty() => items[0].clone(),
        other => other,
    }
}

/// The elements of the values, each column-major, one after another.
fn flatten(values: &[Value]) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for v in values {
        out.extend(v.elements()?);
    }
    Ok(out)
}

impl Problem<'_, '_> {
    /// The unknowns `x` as values of the starting values' shapes.
    fn values(&self, x: &[f64]) -> Vec<Value> {
        let mut at = 0;
        self.shapes
            .iter()
            .map(|&(r, c)| {
                let part = x[at..at + r * c].to_vec();
                at += r * c;
                Value::matrix(from_column_major(r, c, part))
            })
            .collect()
    }

    /// f's value, which must be a number.
    fn number(&self, v: &Value) -> Result<f64> {
        match autodiff::strip(v) {
            v if v.shape() == (1, 1) && v.is_numeric() => v.to_scalar(),
            v => Err(RuntimeError::Domain(format!(
                "minimize needs f to return a number, and it returned {}",
                v.describe()
            ))
            .at_arg(0)),
        }
    }

    /// The gradient a given function returns: one value per unknown
    /// argument, each of its shape.
    fn given_gradient(&mut self, g: &Func, at: usize, xs: Vec<Value>) -> Result<Vec<f64>> {
        let k = self.shapes.len();
        let result = self.cx.call_back_n(g, xs, k)?;
        let parts: Vec<Value> = match result {
            Value::Tuple(items) if k > 1 && items.len() >= k => items[..k].to_vec(),
            v if k == 1 => vec![first(v)],
            v => {
                return Err(RuntimeError::Domain(format!(
                    "the gradient function must give {k} values (one for each argument of f), and gave {}",
                    v.describe()
                ))
                .at_arg(at))
            }
        };
        for (i, (p, shape)) in parts.iter().zip(&self.shapes).enumerate() {
            if !p.is_numeric() || p.shape() != *shape {
                return Err(RuntimeError::Shape(format!(
                    "the gradient function gave {} for argument {} of f, which is {}",
                    p.describe(),
                    i + 1,
                    shape_str(*shape)
                ))
                .at_arg(at));
            }
        }
        flatten(&parts).map_err(|e| e.at_arg(at))
    }
}

impl Objective for Problem<'_, '_> {
    fn value_and_grad(&mut self, x: &[f64]) -> Result<(f64, Vec<f64>)> {
        let xs = self.values(x);
        if let Some((g, at)) = self.gradient.clone() {
            let fx = first(self.cx.call_back(&self.f, xs.clone())?);
            let fx = self.number(&fx)?;
            return Ok((fx, self.given_gradient(&g, at, xs)?));
        }
        let (tape, leaves) = autodiff::leaves(&xs)?;
        let result = first(self.cx.call_back(&self.f, leaves)?);
        let fx = self.number(&result)?;
        let grads = autodiff::gradients(&tape, &result, &self.shapes).map_err(|e| e.at_arg(0))?;
        Ok((fx, flatten(&grads)?))
    }

    fn hessian(&mut self, x: &[f64]) -> Option<Result<Array2<f64>>> {
        let (h, at) = self.hessian.clone()?;
        let n = x.len();
        let xs = self.values(x);
        Some((|| {
            let v = first(self.cx.call_back(&h, xs)?);
            let m = v.to_matrix().map_err(|e| e.at_arg(at))?.into_owned();
            if m.dim() != (n, n) {
                return Err(RuntimeError::Shape(format!(
                    "the Hessian function must give a {n}×{n} matrix for {n} unknowns, and gave {}",
                    v.describe()
                ))
                .at_arg(at));
            }
            Ok(m)
        })())
    }

    fn report(&mut self, iteration: usize, f: f64, grad_norm: f64, alpha: f64) -> Result<()> {
        if !self.verbose {
            return Ok(());
        }
        let line = format!(
            "iteration {iteration:4}  f {:<18}  |g| {:<12}  step {}\n",
            format_scalar(f),
            crate::display::format_g(grad_norm, 4),
            crate::display::format_g(alpha, 4)
        );
        self.cx
            .out()
            .write_all(line.as_bytes())
            .map_err(|e| RuntimeError::output(&e))
    }
}

fn minimize(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let f = match &args[0] {
        Value::Func(f) => f.clone(),
        other => return Err(RuntimeError::ty("a function to minimize", other.describe()).at_arg(0)),
    };
    let k = args[1..]
        .iter()
        .position(|v| matches!(v, Value::Str(_)))
        .unwrap_or(args.len() - 1);
    if k == 0 {
        return Err(RuntimeError::Domain(
            "minimize needs a starting value for each argument of f before the options".into(),
        )
        .at_arg(1));
    }
    let starts = &args[1..=k];
    for (i, v) in starts.iter().enumerate() {
        if !matches!(
            v,
            Value::Num(_) | Value::Bool(_) | Value::Matrix(_) | Value::Logical(_)
        ) {
            return Err(
                RuntimeError::ty("a starting value (a number or matrix)", v.describe())
                    .at_arg(i + 1),
            );
        }
    }
    let o = Options::parse("minimize", args, k + 1, OPTIONS)?;
    let algorithm = match o.choice("method", "lbfgs", &["lbfgs", "gd", "newton"])? {
        "gd" => Algorithm::GradientDescent,
        "newton" => Algorithm::Newton,
        _ => Algorithm::Lbfgs(o.count("memory", 10, 1)?),
    };
    let settings = Settings {
        algorithm,
        gtol: o.number("gtol", 1e-6, Range::NonNegative)?,
        ftol: o.number("ftol", 1e-12, Range::NonNegative)?,
        max_iter: o.count("maxiter", 1000, 0)?,
    };
    let shapes: Vec<Shape> = starts.iter().map(Value::shape).collect();
    let x0 = flatten(starts)?;
    let mut problem = Problem {
        cx,
        f,
        gradient: o.function("grad")?,
        hessian: o.function("hessian")?,
        shapes,
        verbose: o.flag("verbose", false)?,
    };
    let out = run(&mut problem, x0, &settings)?;
    let xs = problem.values(&out.x);
    let info = Value::tuple(vec![
        Value::Num(out.iterations as f64),
        Value::Num(out.grad_norm),
        Value::str(out.stop.reason()),
        Value::Num(out.f),
        Value::Num(out.evaluations as f64),
    ]);
    results(
        "minimize",
        problem.cx.nout,
        None,
        xs,
        Some(("info", info)),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, run, run_n};
    use super::*;
    use crate::builtins::Registry;

    fn f(name: &str) -> Value {
        Value::Func(Registry::standard().func(name).expect("a builtin"))
    }

    #[test]
    fn arguments_are_checked_where_they_stand() {
        let s = Value::str;
        let n = Value::Num;
        assert_eq!(arg_err(run("minimize", &[n(1.0), n(2.0)])), Some(0));
        assert_eq!(
            arg_err(run("minimize", &[f("sum"), s("gtol"), n(1.0)])),
            Some(1)
        );
        assert_eq!(arg_err(run("minimize", &[f("sum"), f("sum")])), Some(1));
        assert_eq!(
            arg_err(run("minimize", &[f("sum"), n(1.0), s("method"), s("bfgs")])),
            Some(3)
        );
        assert_eq!(
            arg_err(run("minimize", &[f("sum"), n(1.0), s("gtol"), n(-1.0)])),
            Some(3)
        );
        assert_eq!(
            arg_err(run("minimize", &[f("sum"), n(1.0), s("grad"), n(1.0)])),
            Some(3)
        );
        assert_eq!(
            arg_err(run("minimize", &[f("sum"), n(1.0), s("maxiter")])),
            Some(2)
        );
        // f must give a number.
        let row = Value::row(vec![1.0, 2.0]);
        assert_eq!(arg_err(run("minimize", &[f("cumsum"), row])), Some(0));
    }

    #[test]
    fn a_bounded_builtin_is_minimised() {
        // norm is smooth away from 0; its minimum lies along the first
        // direction from (3, 4).
        let got = run_n(
            "minimize",
            2,
            &[
                f("norm"),
                Value::row(vec![3.0, 4.0]),
                Value::str("maxiter"),
                Value::Num(5.0),
            ],
        )
        .unwrap();
        let x = got[0].elements().unwrap();
        assert!(x.iter().all(|v| v.abs() < 1e-3), "{x:?}");
        let Value::Tuple(info) = &got[1] else {
            panic!("info is a tuple")
        };
        assert_eq!(info.len(), 5);
        assert!(matches!(&info[2], Value::Str(_)));
    }

    #[test]
    fn a_nan_start_is_an_error_and_no_unknowns_need_no_steps() {
        let nan = Value::row(vec![f64::NAN, 1.0]);
        assert!(run("minimize", &[f("sum"), nan]).is_err());
        let got = run_n(
            "minimize",
            2,
            &[f("sum"), Value::matrix(Array2::zeros((0, 0)))],
        )
        .unwrap();
        let Value::Tuple(info) = &got[1] else {
            panic!("info is a tuple")
        };
        assert!(matches!(info[0], Value::Num(0.0)));
    }
}
