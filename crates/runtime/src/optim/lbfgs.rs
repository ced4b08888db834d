//! L-BFGS's memory: the last few steps `s` and gradient changes `y`, and
//! the two-loop recursion that applies the inverse-Hessian approximation
//! they define (Nocedal & Wright, algorithm 7.4), scaled by `s'y / y'y`.

use super::line_search::dot;
use std::collections::VecDeque;

/// The last `capacity` pairs (s, y) with s'y > 0.
#[derive(Debug)]
pub(crate) struct Memory {
    capacity: usize,
    pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)>,
}

impl Memory {
    /// Keeps up to `capacity` pairs (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Memory {
            capacity: capacity.max(1),
            pairs: VecDeque::new(),
        }
    }

    /// True before the first pair, or after a reset.
    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Forgets every pair (after a direction that was not downhill).
    pub(crate) fn clear(&mut self) {
        self.pairs.clear();
    }

    /// Remembers the step `s` and gradient change `y`, unless the
    /// curvature `s'y` is too small to keep the approximation positive
    /// definite (then the pair is skipped, as PyTorch and SciPy do).
    pub(crate) fn push(&mut self, s: Vec<f64>, y: Vec<f64>) {
        let sy = dot(&s, &y);
        let yy = dot(&y, &y);
        if !(sy.is_finite() && sy > f64::EPSILON * yy) {
            return;
        }
        if self.pairs.len() == self.capacity {
            self.pairs.pop_front();
        }
        self.pairs.push_back((s, y, 1.0 / sy));
    }

    /// The direction −H g.
    pub(crate) fn direction(&self, g: &[f64]) -> Vec<f64> {
        let mut q: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut alphas = Vec::with_capacity(self.pairs.len());
        for (s, y, rho) in self.pairs.iter().rev() {
            let a = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(q, y)| *q -= a * y);
            alphas.push(a);
        }
        if let Some((s, y, _)) = self.pairs.back() {
            let gamma = dot(s, y) / dot(y, y);
            q.iter_mut().for_each(|q| *q *= gamma);
        }
        for ((s, y, rho), a) in self.pairs.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, &q);
            q.iter_mut().zip(s).for_each(|(q, s)| *q += (a - b) * s);
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_memory_is_steepest_descent() {
        assert_eq!(Memory::new(5).direction(&[1.0, -2.0]), vec![-1.0, 2.0]);
    }

    #[test]
    fn pairs_from_a_quadratic_recover_its_newton_step() {
        // f = (x² + 10 y²)/2: Hessian diag(1, 10). Two independent pairs
        // determine it exactly, so the direction is the Newton step.
        let mut m = Memory::new(5);
        m.push(vec![1.0, 0.0], vec![1.0, 0.0]);
        m.push(vec![0.0, 1.0], vec![0.0, 10.0]);
        let d = m.direction(&[3.0, 20.0]);
        assert!(
            (d[0] + 3.0).abs() < 1e-12 && (d[1] + 2.0).abs() < 1e-12,
            "{d:?}"
        );
    }

    #[test]
    fn bad_curvature_is_skipped_and_capacity_holds() {
        let mut m = Memory::new(2);
        m.push(vec![1.0], vec![-1.0]);
        m.push(vec![1.0], vec![f64::NAN]);
        assert!(m.is_empty());
        for _ in 0..5 {
            m.push(vec![1.0], vec![2.0]);
        }
        assert_eq!(m.pairs.len(), 2);
        m.clear();
        assert!(m.is_empty());
    }
}
