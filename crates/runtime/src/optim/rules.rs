//! The update rules of the first-order optimizers, one element at a time,
//! written as PyTorch's `torch.optim` writes them (single-tensor path), so
//! that the same inputs give the same numbers to the last bits.

/// SGD's settings (`torch.optim.SGD`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    /// Momentum factor; 0 for plain gradient descent.
    pub momentum: f64,
    /// Dampening of the momentum (the new gradient is scaled by 1 − dampening).
    pub dampening: f64,
    /// Nesterov's momentum (needs momentum > 0 and no dampening).
    pub nesterov: bool,
    /// L2 penalty added to the gradient (`g + wd · p`).
    pub weight_decay: f64,
}

/// Adam's settings; the weight decay is AdamW's, decoupled from the
/// gradient (`torch.optim.AdamW`; with decay 0 it is `torch.optim.Adam`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the root of the second moment.
    pub eps: f64,
    /// Decoupled decay: each step first scales the parameter by 1 − lr · wd.
    pub weight_decay: f64,
    /// Keep the largest second moment seen (AMSGrad).
    pub amsgrad: bool,
}

/// RMSprop's settings (`torch.optim.RMSprop`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsProp {
    /// Decay of the mean square.
    pub alpha: f64,
    /// Added to the root of the mean square.
    pub eps: f64,
    /// Momentum factor; 0 for none.
    pub momentum: f64,
    /// Divide by the variance estimate rather than the mean square.
    pub centered: bool,
    /// L2 penalty added to the gradient.
    pub weight_decay: f64,
}

/// Adagrad's settings (`torch.optim.Adagrad`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adagrad {
    /// The learning rate at step t is lr / (1 + (t − 1) · lr_decay).
    pub lr_decay: f64,
    /// Added to the root of the sum of squares.
    pub eps: f64,
    /// L2 penalty added to the gradient.
    pub weight_decay: f64,
    /// The sum of squares' starting value.
    pub initial_accumulator: f64,
}

/// An optimizer's method and settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Stochastic gradient descent, with optional (Nesterov) momentum.
    Sgd(Sgd),
    /// Adam / AdamW.
    Adam(Adam),
    /// RMSprop.
    RmsProp(RmsProp),
    /// Adagrad.
    Adagrad(Adagrad),
}

/// What one step needs besides the element: computed once per step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Consts {
    lr: f64,
    first: bool,
    /// Adam: lr / (1 − β1^t).
    step_size: f64,
    /// Adam: √(1 − β2^t).
    bias2_sqrt: f64,
}

/// `torch.lerp(a, b, w)` as its CPU kernel computes it.
fn lerp(a: f64, b: f64, w: f64) -> f64 {
    if w.abs() < 0.5 {
        a + w * (b - a)
    } else {
        b - (b - a) * (1.0 - w)
    }
}

impl Method {
    /// How many state buffers each parameter keeps.
    pub(crate) fn buffers(&self) -> usize {
        match self {
            Method::Sgd(s) => usize::from(s.momentum != 0.0),
            Method::Adam(a) => 2 + usize::from(a.amsgrad),
            Method::RmsProp(r) => 1 + usize::from(r.momentum > 0.0) + usize::from(r.centered),
            Method::Adagrad(_) => 1,
        }
    }

    /// The value every buffer starts at.
    pub(crate) fn initial(&self) -> f64 {
        match self {
            Method::Adagrad(a) => a.initial_accumulator,
            _ => 0.0,
        }
    }

    /// The constants of step number `t` (1 for the first) at rate `lr`.
    pub(crate) fn consts(&self, lr: f64, t: u64) -> Consts {
        let tf = t as f64;
        let (step_size, bias2_sqrt, lr) = match self {
            Method::Adam(a) => {
                let bias1 = 1.0 - a.beta1.powf(tf);
                let bias2 = 1.0 - a.beta2.powf(tf);
                (lr / bias1, bias2.sqrt(), lr)
            }
            Method::Adagrad(a) => (0.0, 1.0, lr / (1.0 + (tf - 1.0) * a.lr_decay)),
            _ => (0.0, 1.0, lr),
        };
        Consts {
            lr,
            first: t == 1,
            step_size,
            bias2_sqrt,
        }
    }

    /// The new value of parameter element `p` with gradient `g`; `s` holds
    /// its state (as many values as [`Method::buffers`]), updated in place.
    pub(crate) fn update(&self, k: &Consts, p: f64, g: f64, s: &mut [f64]) -> f64 {
        match self {
            Method::Sgd(o) => {
                let mut d = if o.weight_decay != 0.0 {
                    g + o.weight_decay * p
                } else {
                    g
                };
                if o.momentum != 0.0 {
                    let buf = if k.first {
                        d
                    } else {
                        s[0] * o.momentum + (1.0 - o.dampening) * d
                    };
                    s[0] = buf;
                    d = if o.nesterov {
                        d + o.momentum * buf
                    } else {
                        buf
                    };
                }
                p + -k.lr * d
            }
            Method::Adam(o) => {
                let p = if o.weight_decay != 0.0 {
                    p * (1.0 - k.lr * o.weight_decay)
                } else {
                    p
                };
                s[0] = lerp(s[0], g, 1.0 - o.beta1);
                s[1] = s[1] * o.beta2 + (1.0 - o.beta2) * (g * g);
                let second = if o.amsgrad {
                    s[2] = s[2].max(s[1]);
                    s[2]
                } else {
                    s[1]
                };
                let denom = second.sqrt() / k.bias2_sqrt + o.eps;
                p + -k.step_size * (s[0] / denom)
            }
            Method::RmsProp(o) => {
                let g = if o.weight_decay != 0.0 {
                    g + o.weight_decay * p
                } else {
                    g
                };
                s[0] = s[0] * o.alpha + (1.0 - o.alpha) * (g * g);
                let avg = if o.centered {
                    let at = s.len() - 1;
                    s[at] = lerp(s[at], g, 1.0 - o.alpha);
                    (s[0] + -(s[at] * s[at])).sqrt() + o.eps
                } else {
                    s[0].sqrt() + o.eps
                };
                if o.momentum > 0.0 {
                    s[1] = s[1] * o.momentum + g / avg;
                    p + -k.lr * s[1]
                } else {
                    p + -k.lr * (g / avg)
                }
            }
            Method::Adagrad(o) => {
                let g = if o.weight_decay != 0.0 {
                    g + o.weight_decay * p
                } else {
                    g
                };
                s[0] += g * g;
                let std = s[0].sqrt() + o.eps;
                p + -k.lr * (g / std)
            }
        }
    }

    /// The settings as `name` = value pairs, in the order the constructor
    /// takes them (for display).
    pub(crate) fn settings(&self) -> Vec<(&'static str, f64)> {
        let flag = |b: bool| f64::from(u8::from(b));
        match *self {
            Method::Sgd(o) => vec![
                ("momentum", o.momentum),
                ("dampening", o.dampening),
                ("nesterov", flag(o.nesterov)),
                ("weight_decay", o.weight_decay),
            ],
            Method::Adam(o) => vec![
                ("beta1", o.beta1),
                ("beta2", o.beta2),
                ("eps", o.eps),
                ("weight_decay", o.weight_decay),
                ("amsgrad", flag(o.amsgrad)),
            ],
            Method::RmsProp(o) => vec![
                ("alpha", o.alpha),
                ("eps", o.eps),
                ("momentum", o.momentum),
                ("centered", flag(o.centered)),
                ("weight_decay", o.weight_decay),
            ],
            Method::Adagrad(o) => vec![
                ("lr_decay", o.lr_decay),
                ("eps", o.eps),
                ("weight_decay", o.weight_decay),
                ("initial_accumulator", o.initial_accumulator),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(m: Method, lr: f64, p0: f64, grads: &[f64]) -> f64 {
        let mut s = vec![m.initial(); m.buffers()];
        let mut p = p0;
        for (t, g) in grads.iter().enumerate() {
            p = m.update(&m.consts(lr, t as u64 + 1), p, *g, &mut s);
        }
        p
    }

    #[test]
    fn plain_sgd_is_gradient_descent() {
        let m = Method::Sgd(Sgd {
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        });
        assert_eq!(m.buffers(), 0);
        assert_eq!(run(m, 0.1, 1.0, &[2.0, 2.0]), 1.0 - 0.2 - 0.2);
    }

    #[test]
    fn momentum_starts_from_the_first_gradient() {
        let m = Method::Sgd(Sgd {
            momentum: 0.9,
            dampening: 0.5,
            nesterov: false,
            weight_decay: 0.0,
        });
        // Step 1: buf = g = 1 (no dampening on the first step); step 2: buf = 0.9 + 0.5.
        assert_eq!(run(m, 1.0, 0.0, &[1.0, 1.0]), -1.0 - 1.4);
    }

    #[test]
    fn adams_first_step_has_the_size_of_lr() {
        let m = Method::Adam(Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 0.0,
            weight_decay: 0.0,
            amsgrad: false,
        });
        // Bias correction makes the first step lr · sign(g).
        assert!((run(m, 0.01, 1.0, &[123.0]) - 0.99).abs() < 1e-15);
        assert!((run(m, 0.01, 1.0, &[-1e-3]) - 1.01).abs() < 1e-12);
    }

    #[test]
    fn lerp_matches_both_branches() {
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
    }
}
