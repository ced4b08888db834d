//! Unconstrained minimisation of a smooth function of a vector: L-BFGS,
//! gradient descent or Newton's method, each step along a line searched
//! for the strong Wolfe conditions. Stops when the largest gradient
//! element is below `gtol`, when f stops decreasing by more than `ftol`
//! relative to its size (SciPy's test), or after `max_iter` iterations.

use super::lbfgs::Memory;
use super::line_search::{dot, strong_wolfe, Point, Wolfe};
use super::newton;
use crate::error::{Result, RuntimeError};
use ndarray::Array2;

/// Newton's method refuses more unknowns than this: its Hessian costs two
/// gradients per unknown and its solve grows with the cube.
pub const NEWTON_MAX_UNKNOWNS: usize = 2000;

/// A function to minimise: its value and gradient at a point.
pub trait Objective {
    /// f(x) and ∇f(x).
    fn value_and_grad(&mut self, x: &[f64]) -> Result<(f64, Vec<f64>)>;

    /// The exact Hessian at `x`, when the objective has one (Newton's
    /// method then uses it instead of differences of the gradient).
    fn hessian(&mut self, x: &[f64]) -> Option<Result<Array2<f64>>> {
        let _ = x;
        None
    }

    /// Told after each iteration: its number, f, the gradient's largest
    /// element and the step taken along the direction (for a trace).
    fn report(&mut self, iteration: usize, f: f64, grad_norm: f64, alpha: f64) -> Result<()> {
        let _ = (iteration, f, grad_norm, alpha);
        Ok(())
    }
}

/// How each direction is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Limited-memory BFGS keeping this many pairs.
    Lbfgs(usize),
    /// Steepest descent.
    GradientDescent,
    /// Newton's method, the Hessian made positive definite when it is not.
    Newton,
}

/// Where to stop, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The method.
    pub algorithm: Algorithm,
    /// Stop when every gradient element is at most this in magnitude.
    pub gtol: f64,
    /// Stop when (f_prev − f) ≤ ftol · max(|f_prev|, |f|, 1).
    pub ftol: f64,
    /// The most iterations.
    pub max_iter: usize,
}

/// Why the minimisation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The gradient is below `gtol`.
    Gradient,
    /// f changed by less than `ftol`.
    FunctionChange,
    /// `max_iter` iterations ran.
    Iterations,
    /// The line search found no lower point (usually: converged as far as
    /// rounding allows).
    LineSearch,
}

impl Stop {
    /// A sentence for the user.
    pub fn reason(self) -> &'static str {
        match self {
            Stop::Gradient => "the gradient is below gtol",
            Stop::FunctionChange => "f changed by less than ftol",
            Stop::Iterations => "the iteration limit was reached",
            Stop::LineSearch => "the line search found no lower point",
        }
    }
}

/// The result: the point, f and gradient there, and how it went.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The minimiser found.
    pub x: Vec<f64>,
    /// f there.
    pub f: f64,
    /// The gradient's largest element in magnitude there.
    pub grad_norm: f64,
    /// Iterations taken.
    pub iterations: usize,
    /// Evaluations of f and its gradient (a Newton Hessian by differences
    /// counts two per unknown).
    pub evaluations: usize,
    /// Why it stopped.
    pub stop: Stop,
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter()
        .fold(0.0, |m, x| if x.abs() > m { x.abs() } else { m })
}

fn not_finite(what: &str, f: f64, g: &[f64]) -> Option<RuntimeError> {
    let bad = if !f.is_finite() {
        format!("f is {}", crate::format::format_scalar(f))
    } else if let Some(i) = g.iter().position(|v| !v.is_finite()) {
        format!(
            "gradient element {} is {}",
            i + 1,
            crate::format::format_scalar(g[i])
        )
    } else {
        return None;
    };
    Some(RuntimeError::Domain(format!(
        "minimize cannot start: {bad} at {what}"
    )))
}

/// Minimises `obj` from `x0`.
pub fn minimize(obj: &mut dyn Objective, x0: Vec<f64>, s: &Settings) -> Result<Outcome> {
    let n = x0.len();
    if s.algorithm == Algorithm::Newton && n > NEWTON_MAX_UNKNOWNS {
        return Err(RuntimeError::Domain(format!(
            "Newton's method takes at most {NEWTON_MAX_UNKNOWNS} unknowns (its Hessian costs two gradients each), and this problem has {n}; use \"lbfgs\""
        )));
    }
    let mut x = x0;
    let (mut f, mut g) = obj.value_and_grad(&x)?;
    if g.len() != n {
        return Err(RuntimeError::Shape(format!(
            "the gradient has {} elements for {n} unknowns",
            g.len()
        )));
    }
    if let Some(e) = not_finite("the starting point", f, &g) {
        return Err(e);
    }
    let mut evaluations = 1;
    let mut grad_norm = inf_norm(&g);
    let mut memory = match s.algorithm {
        Algorithm::Lbfgs(m) => Memory::new(m),
        _ => Memory::new(1),
    };
    let mut last: Option<(f64, f64)> = None;
    let outcome = |x, f, grad_norm, iterations, evaluations, stop| Outcome {
        x,
        f,
        grad_norm,
        iterations,
        evaluations,
        stop,
    };
    if grad_norm <= s.gtol {
        return Ok(outcome(x, f, grad_norm, 0, evaluations, Stop::Gradient));
    }
    for iteration in 1..=s.max_iter {
        crate::interrupt::check()?;
        let mut d = match s.algorithm {
            Algorithm::Lbfgs(_) => memory.direction(&g),
            Algorithm::GradientDescent => g.iter().map(|v| -v).collect(),
            Algorithm::Newton => {
                let h = match obj.hessian(&x) {
                    Some(h) => h?,
                    None => newton::fd_hessian(obj, &x, &mut evaluations)?,
                };
                if h.dim() != (n, n) {
                    return Err(RuntimeError::Shape(format!(
                        "the Hessian must be {n}×{n} for {n} unknowns, and is {}×{}",
                        h.nrows(),
                        h.ncols()
                    )));
                }
                newton::direction(&h, &g).unwrap_or_else(|| g.iter().map(|v| -v).collect())
            }
        };
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            // Not downhill (rounding, or a Hessian gone bad): start over
            // from steepest descent.
            memory.clear();
            d = g.iter().map(|v| -v).collect();
            slope = dot(&g, &d);
        }
        let dnorm = dot(&d, &d).sqrt();
        let alpha = match (s.algorithm, last) {
            (Algorithm::Newton, _) => 1.0,
            (Algorithm::Lbfgs(_), _) if !memory.is_empty() => 1.0,
            // N&W (3.60): expect the same first-order change as last time.
            (Algorithm::GradientDescent, Some((a, prev_slope))) => {
                (a * prev_slope / slope).min(1e10 / dnorm.max(f64::MIN_POSITIVE))
            }
            // SciPy's first step: unit length.
            _ => 1.0 / dnorm,
        };
        let start = Point {
            alpha: 0.0,
            f,
            g: g.clone(),
            slope,
        };
        let mut probe = |a: f64| {
            let trial: Vec<f64> = x.iter().zip(&d).map(|(x, d)| x + a * d).collect();
            obj.value_and_grad(&trial)
        };
        let found = strong_wolfe(&mut probe, &d, &start, alpha, Wolfe::default())?;
        evaluations += found.evals;
        let p = found.point;
        if !(p.alpha > 0.0 && p.f < f) {
            return Ok(outcome(
                x,
                f,
                grad_norm,
                iteration - 1,
                evaluations,
                Stop::LineSearch,
            ));
        }
        let step: Vec<f64> = d.iter().map(|d| p.alpha * d).collect();
        let change: Vec<f64> = p.g.iter().zip(&g).map(|(a, b)| a - b).collect();
        x.iter_mut().zip(&step).for_each(|(x, s)| *x += s);
        memory.push(step, change);
        last = Some((p.alpha, slope));
        let previous = f;
        (f, g) = (p.f, p.g);
        grad_norm = inf_norm(&g);
        obj.report(iteration, f, grad_norm, p.alpha)?;
        if grad_norm <= s.gtol {
            return Ok(outcome(
                x,
                f,
                grad_norm,
                iteration,
                evaluations,
                Stop::Gradient,
            ));
        }
        if previous - f <= s.ftol * previous.abs().max(f.abs()).max(1.0) {
            return Ok(outcome(
                x,
                f,
                grad_norm,
                iteration,
                evaluations,
                Stop::FunctionChange,
            ));
        }
    }
    Ok(outcome(
        x,
        f,
        grad_norm,
        s.max_iter,
        evaluations,
        Stop::Iterations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's function of two unknowns.
    struct Rosenbrock;

    impl Objective for Rosenbrock {
        fn value_and_grad(&mut self, x: &[f64]) -> Result<(f64, Vec<f64>)> {
            let (a, b) = (x[0], x[1]);
            Ok((
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2),
                vec![
                    -2.0 * (1.0 - a) - 400.0 * a * (b - a * a),
                    200.0 * (b - a * a),
                ],
            ))
        }
    }

    fn settings(algorithm: Algorithm) -> Settings {
        Settings {
            algorithm,
            gtol: 1e-9,
            ftol: 0.0,
            max_iter: 20_000,
        }
    }

    #[test]
    fn every_method_finds_rosenbrocks_minimum() {
        for (algorithm, most) in [
            (Algorithm::Lbfgs(10), 60),
            (Algorithm::Newton, 40),
            (Algorithm::GradientDescent, 20_000),
        ] {
            let out = minimize(&mut Rosenbrock, vec![-1.2, 1.0], &settings(algorithm)).unwrap();
            assert!(
                (out.x[0] - 1.0).abs() < 1e-6 && (out.x[1] - 1.0).abs() < 1e-6,
                "{algorithm:?}: {out:?}"
            );
            assert!(out.iterations <= most, "{algorithm:?}: {out:?}");
            assert!(out.evaluations > out.iterations);
        }
    }

    #[test]
    fn starting_at_the_minimum_takes_no_iterations() {
        let out = minimize(
            &mut Rosenbrock,
            vec![1.0, 1.0],
            &settings(Algorithm::Lbfgs(5)),
        )
        .unwrap();
        assert_eq!((out.iterations, out.stop), (0, Stop::Gradient));
    }

    #[test]
    fn the_iteration_limit_stops_it() {
        let s = Settings {
            max_iter: 3,
            ..settings(Algorithm::Lbfgs(5))
        };
        let out = minimize(&mut Rosenbrock, vec![-1.2, 1.0], &s).unwrap();
        assert_eq!((out.iterations, out.stop), (3, Stop::Iterations));
    }

    #[test]
    fn a_nan_start_is_an_error() {
        struct Nan;
        impl Objective for Nan {
            fn value_and_grad(&mut self, _: &[f64]) -> Result<(f64, Vec<f64>)> {
                Ok((1.0, vec![f64::NAN]))
            }
        }
        let e = minimize(&mut Nan, vec![0.0], &settings(Algorithm::GradientDescent)).unwrap_err();
        assert!(e.to_string().contains("gradient element 1 is NaN"), "{e}");
    }
}
