//! Learning-rate schedules as closed forms of the step number. Step `t`
//! counts from 1, as a script's `for t = 1:T` does, and takes the rate
//! PyTorch's scheduler gives at epoch `t − 1` (`CosineAnnealingLR`,
//! `StepLR`, `ExponentialLR`); a linear warm-up (`LinearLR` from `1/W`)
//! comes first when asked for.

/// The shape of a schedule after its warm-up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// Half a cosine from the base rate down to `floor` over `total` steps
    /// (warm-up included); the rate stays at `floor` after them.
    Cosine {
        /// Steps in all, warm-up included.
        total: u64,
        /// The rate it decays to.
        floor: f64,
    },
    /// The base rate times `gamma` after every `every` steps.
    Step {
        /// Steps between decays.
        every: u64,
        /// The factor of each decay.
        gamma: f64,
    },
    /// The base rate times `gamma` after each step.
    Exponential {
        /// The factor of each step.
        gamma: f64,
    },
}

/// A schedule: a base rate, a shape and a linear warm-up of `warmup` steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    /// The rate after warm-up.
    pub base: f64,
    /// How it decays.
    pub shape: Shape,
    /// Steps of linear warm-up, rising to `base` at step `warmup`.
    pub warmup: u64,
}

impl Schedule {
    /// The learning rate of step `t` (1 for the first; 0 is read as 1).
    pub fn rate(&self, t: u64) -> f64 {
        let t = t.max(1);
        if t <= self.warmup {
            return self.base * t as f64 / self.warmup as f64;
        }
        // Steps since the warm-up ended, from 0.
        let since = (t - self.warmup - 1) as f64;
        match self.shape {
            Shape::Cosine { total, floor } => {
                let span = total.saturating_sub(self.warmup).max(1) as f64;
                let progress = (since / span).min(1.0);
                floor + (self.base - floor) * (1.0 + (std::f64::consts::PI * progress).cos()) / 2.0
            }
            Shape::Step { every, gamma } => {
                let decays = (since as u64 / every.max(1)) as f64;
                self.base * gamma.powf(decays)
            }
            Shape::Exponential { gamma } => self.base * gamma.powf(since),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-15 * (1.0 + b.abs()), "{a} vs {b}");
    }

    #[test]
    fn cosine_starts_at_the_base_and_ends_at_the_floor() {
        let s = Schedule {
            base: 0.1,
            shape: Shape::Cosine {
                total: 4,
                floor: 0.0,
            },
            warmup: 0,
        };
        close(s.rate(1), 0.1);
        close(s.rate(3), 0.05);
        close(s.rate(5), 0.0);
        close(s.rate(50), 0.0);
    }

    #[test]
    fn warm_up_rises_linearly_then_the_shape_starts() {
        let s = Schedule {
            base: 1.0,
            shape: Shape::Cosine {
                total: 6,
                floor: 0.5,
            },
            warmup: 2,
        };
        close(s.rate(1), 0.5);
        close(s.rate(2), 1.0);
        close(s.rate(3), 1.0);
        close(s.rate(5), 0.75);
        close(s.rate(7), 0.5);
        let e = Schedule {
            base: 1.0,
            shape: Shape::Exponential { gamma: 0.5 },
            warmup: 4,
        };
        close(e.rate(4), 1.0);
        close(e.rate(6), 0.5);
    }

    #[test]
    fn step_decays_every_few_steps() {
        let s = Schedule {
            base: 1.0,
            shape: Shape::Step {
                every: 3,
                gamma: 0.1,
            },
            warmup: 0,
        };
        assert_eq!(
            (1..=7).map(|t| s.rate(t)).collect::<Vec<_>>(),
            vec![1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.1f64.powf(2.0)]
        );
    }
}
