//! Newton's direction: the Hessian by central differences of the gradient
//! (or given), made positive definite by adding a multiple of the identity
//! until its Cholesky factor exists (Nocedal & Wright, algorithm 3.3), then
//! solved by the two triangular systems.

use super::minimize::Objective;
use crate::error::Result;
use ndarray::Array2;

/// The Hessian of `obj` at `x` by central differences of its gradient,
/// symmetrised; `evals` counts the gradient evaluations (2 per unknown).
pub(crate) fn fd_hessian(
    obj: &mut dyn Objective,
    x: &[f64],
    evals: &mut usize,
) -> Result<Array2<f64>> {
    let n = x.len();
    crate::memory::check_alloc(n, n)?;
    let mut h = Array2::zeros((n, n));
    let mut probe = x.to_vec();
    for i in 0..n {
        crate::interrupt::check()?;
        // The step that balances truncation against rounding for a
        // central difference: ∛eps, relative to the coordinate.
        let step = f64::EPSILON.cbrt() * x[i].abs().max(1.0);
        probe[i] = x[i] + step;
        let (_, up) = obj.value_and_grad(&probe)?;
        probe[i] = x[i] - step;
        let (_, down) = obj.value_and_grad(&probe)?;
        probe[i] = x[i];
        *evals += 2;
        for (j, (u, d)) in up.iter().zip(&down).enumerate() {
            h[[j, i]] = (u - d) / (2.0 * step);
        }
    }
    Ok((&h + &h.t()) / 2.0)
}

/// Solves (H + τI) d = −g with the smallest τ ≥ 0 (from 0, then doubling
/// from 10⁻³ times the largest diagonal magnitude) that makes the matrix
/// positive definite; `None` when the Hessian is not finite or no τ works.
pub(crate) fn direction(h: &Array2<f64>, g: &[f64]) -> Option<Vec<f64>> {
    if h.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let n = g.len();
    let scale = h.diag().iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
    let beta = 1e-3 * scale;
    let min_diag = h.diag().iter().copied().fold(f64::INFINITY, f64::min);
    let mut tau = if min_diag > 0.0 { 0.0 } else { beta - min_diag };
    for _ in 0..100 {
        let mut a = h.clone();
        for i in 0..n {
            a[[i, i]] += tau;
        }
        if let Some(l) = cholesky(&a) {
            return Some(solve_cholesky(&l, g));
        }
        tau = (2.0 * tau).max(beta);
    }
    None
}

/// The lower factor L with L L' = a, or `None` if `a` is not positive
/// definite. Newton's systems are small, so the textbook loop serves.
fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= l[[j, k]] * l[[j, k]];
        }
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        l[[j, j]] = d;
        for i in j + 1..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            l[[i, j]] = s / d;
        }
    }
    Some(l)
}

/// −(L L')⁻¹ g.
fn solve_cholesky(l: &Array2<f64>, g: &[f64]) -> Vec<f64> {
    let n = g.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[[i, k]] * y[k]).sum();
        y[i] = (-g[i] - s) / l[[i, i]];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[[k, i]] * x[k]).sum();
        x[i] = (y[i] - s) / l[[i, i]];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quadratic;

    impl Objective for Quadratic {
        /// f = x² + 3xy + 5y² + y⁴.
        fn value_and_grad(&mut self, x: &[f64]) -> Result<(f64, Vec<f64>)> {
            let (a, b) = (x[0], x[1]);
            Ok((
                a * a + 3.0 * a * b + 5.0 * b * b + b.powi(4),
                vec![2.0 * a + 3.0 * b, 3.0 * a + 10.0 * b + 4.0 * b.powi(3)],
            ))
        }
    }

    #[test]
    fn finite_differences_match_the_hessian() {
        let mut evals = 0;
        let h = fd_hessian(&mut Quadratic, &[0.5, 2.0], &mut evals).unwrap();
        let want = [[2.0, 3.0], [3.0, 10.0 + 12.0 * 4.0]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((h[[i, j]] - want[i][j]).abs() < 1e-7, "{h}");
            }
        }
        assert_eq!(evals, 4);
    }

    #[test]
    fn a_positive_definite_hessian_gives_the_newton_step() {
        let h = Array2::from_shape_vec((2, 2), vec![4.0, 1.0, 1.0, 3.0]).unwrap();
        let d = direction(&h, &[1.0, 2.0]).unwrap();
        // Solve [4 1; 1 3] d = [-1; -2]: d = [-1/11, -7/11].
        assert!((d[0] + 1.0 / 11.0).abs() < 1e-15 && (d[1] + 7.0 / 11.0).abs() < 1e-15);
    }

    #[test]
    fn an_indefinite_hessian_still_gives_a_descent_direction() {
        let h = Array2::from_shape_vec((2, 2), vec![1.0, 0.0, 0.0, -2.0]).unwrap();
        let g = [1.0, 1.0];
        let d = direction(&h, &g).unwrap();
        assert!(d[0] * g[0] + d[1] * g[1] < 0.0);
        let nan = Array2::from_elem((2, 2), f64::NAN);
        assert!(direction(&nan, &g).is_none());
    }
}
