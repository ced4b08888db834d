//! A line search for the strong Wolfe conditions (Nocedal & Wright,
//! *Numerical Optimization*, algorithms 3.5 and 3.6): widen the step until
//! a bracket holds an acceptable one, then shrink the bracket by safeguarded
//! cubic interpolation. The interpolation is PyTorch's `_cubic_interpolate`
//! (`torch/optim/lbfgs.py`); the safeguards keep each trial 10% inside the
//! bracket, and any non-finite value falls back to bisection.

use crate::error::Result;

/// The objective along the line: its value, gradient and slope at step
/// `alpha`.
#[derive(Clone, Debug)]
pub(crate) struct Point {
    /// The step along the direction.
    pub alpha: f64,
    /// f(x + alpha d).
    pub f: f64,
    /// ∇f(x + alpha d).
    pub g: Vec<f64>,
    /// ∇f(x + alpha d) · d.
    pub slope: f64,
}

/// The constants of the conditions and the search's budget.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wolfe {
    /// Sufficient decrease: f(α) ≤ f(0) + c1 α f'(0).
    pub c1: f64,
    /// Curvature: |f'(α)| ≤ c2 |f'(0)|.
    pub c2: f64,
    /// The most evaluations of the objective one search may make.
    pub max_evals: usize,
}

impl Default for Wolfe {
    fn default() -> Self {
        Wolfe {
            c1: 1e-4,
            c2: 0.9,
            max_evals: 30,
        }
    }
}

/// What a search found: a point meeting both conditions, or when the
/// budget ran out the lowest point that decreases f enough (the start
/// itself if none does), and the evaluations it spent.
#[derive(Debug)]
pub(crate) struct Found {
    pub point: Point,
    pub evals: usize,
}

/// The minimiser of the cubic through `(a, fa, ga)` and `(b, fb, gb)`,
/// kept within `[lo, hi]`; the middle of them when the cubic has none.
fn cubic(a: (f64, f64, f64), b: (f64, f64, f64), lo: f64, hi: f64) -> f64 {
    let ((x1, f1, g1), (x2, f2, g2)) = (a, b);
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    let t = if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        }
    } else {
        f64::NAN
    };
    if t.is_finite() {
        t.clamp(lo, hi)
    } else {
        (lo + hi) / 2.0
    }
}

fn triple(p: &Point) -> (f64, f64, f64) {
    (p.alpha, p.f, p.slope)
}

/// Searches along `d` from `start` (whose slope must be negative), trying
/// step `alpha` first. `probe(alpha)` gives f and ∇f at x + alpha d.
pub(crate) fn strong_wolfe(
    probe: &mut dyn FnMut(f64) -> Result<(f64, Vec<f64>)>,
    d: &[f64],
    start: &Point,
    alpha: f64,
    w: Wolfe,
) -> Result<Found> {
    let (f0, s0) = (start.f, start.slope);
    let mut evals = 0;
    let mut at = |alpha: f64, evals: &mut usize| -> Result<Point> {
        *evals += 1;
        let (f, g) = probe(alpha)?;
        let slope = dot(&g, d);
        Ok(Point { alpha, f, g, slope })
    };
    let armijo = |p: &Point| p.f.is_finite() && p.f <= f0 + w.c1 * p.alpha * s0;
    let curvature = |p: &Point| p.slope.abs() <= -w.c2 * s0;

    // Bracketing: grow the step until [lo, hi] must hold an acceptable one.
    let mut prev = start.clone();
    let mut cur = at(alpha, &mut evals)?;
    let (mut lo, mut hi) = loop {
        if !armijo(&cur) || (evals > 1 && cur.f >= prev.f) {
            break (prev, cur);
        }
        if curvature(&cur) {
            return Ok(Found { point: cur, evals });
        }
        if cur.slope >= 0.0 {
            break (cur, prev);
        }
        if evals >= w.max_evals {
            return Ok(Found { point: cur, evals });
        }
        let t = cur.alpha;
        let next = cubic(
            triple(&prev),
            triple(&cur),
            t + 0.01 * (t - prev.alpha),
            10.0 * t,
        );
        prev = cur;
        cur = at(next, &mut evals)?;
    };

    // Zoom: `lo` meets sufficient decrease and is the lowest so far; the
    // slope at `lo` points towards `hi`.
    loop {
        let (a, b) = (lo.alpha.min(hi.alpha), lo.alpha.max(hi.alpha));
        let width = b - a;
        if evals >= w.max_evals || width <= f64::EPSILON * b.abs() {
            return Ok(Found { point: lo, evals });
        }
        let t = if hi.f.is_finite() && hi.slope.is_finite() {
            cubic(triple(&lo), triple(&hi), a + 0.1 * width, b - 0.1 * width)
        } else {
            (a + b) / 2.0
        };
        let p = at(t, &mut evals)?;
        if !armijo(&p) || p.f >= lo.f {
            hi = p;
            continue;
        }
        if curvature(&p) {
            return Ok(Found { point: p, evals });
        }
        if p.slope * (hi.alpha - lo.alpha) >= 0.0 {
            hi = lo;
        }
        lo = p;
    }
}

/// The dot product of two vectors of equal length.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(x) = sum of x⁴/4 − x along d from x.
    fn search(x: f64, d: f64, alpha: f64) -> (Found, usize) {
        let mut calls = 0;
        let mut probe = |a: f64| {
            calls += 1;
            let y = x + a * d;
            Ok((y.powi(4) / 4.0 - y, vec![y.powi(3) - 1.0]))
        };
        let g0 = x.powi(3) - 1.0;
        let start = Point {
            alpha: 0.0,
            f: x.powi(4) / 4.0 - x,
            g: vec![g0],
            slope: g0 * d,
        };
        let found = strong_wolfe(&mut probe, &[d], &start, alpha, Wolfe::default()).unwrap();
        (found, calls)
    }

    #[test]
    fn finds_a_wolfe_point_from_too_long_and_too_short_steps() {
        for alpha in [1e-6, 1e-2, 1.0, 1e3, 1e8] {
            let (found, calls) = search(3.0, -1.0, alpha);
            assert_eq!(found.evals, calls);
            let p = &found.point;
            let s0 = -(27.0 - 1.0f64);
            assert!(p.f <= (81.0 / 4.0 - 3.0) + 1e-4 * p.alpha * s0);
            assert!(p.slope.abs() <= 0.9 * s0.abs());
        }
    }

    #[test]
    fn an_overflowing_trial_falls_back_to_bisection() {
        let mut probe = |a: f64| {
            if a > 2.0 {
                Ok((f64::INFINITY, vec![f64::NAN]))
            } else {
                let y = 1.0 - a;
                Ok((y * y, vec![2.0 * y]))
            }
        };
        let start = Point {
            alpha: 0.0,
            f: 1.0,
            g: vec![2.0],
            slope: -2.0,
        };
        let found = strong_wolfe(&mut probe, &[-1.0], &start, 100.0, Wolfe::default()).unwrap();
        assert!(
            found.point.f < 1.0 && found.point.slope.abs() <= 0.9 * 2.0,
            "{found:?}"
        );
    }

    #[test]
    fn cubic_finds_the_minimum_of_a_cubic() {
        // f(x) = x³ − 3x has its local minimum at 1.
        let f = |x: f64| (x * x * x - 3.0 * x, 3.0 * x * x - 3.0);
        let (fa, ga) = f(0.0);
        let (fb, gb) = f(2.0);
        let t = cubic((0.0, fa, ga), (2.0, fb, gb), 0.0, 2.0);
        assert!((t - 1.0).abs() < 1e-12, "{t}");
    }
}
