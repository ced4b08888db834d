//! An optimizer as a value: its method and settings, its learning rate,
//! how many steps it has taken and, once it has taken one, a set of state
//! buffers for each parameter. A step never changes an optimizer; it gives
//! a new one, so a script's `opt = step(opt, …)` reads as every other
//! update in MLA.

use super::rules::Method;
use crate::error::{plural, shape_str, Result, RuntimeError, Shape};
use crate::format::format_scalar;
use ndarray::{Array2, Zip};
use std::fmt;

/// One parameter's state: its shape and the method's buffers.
#[derive(Clone, Debug)]
struct Slot {
    shape: Shape,
    buffers: Vec<Array2<f64>>,
}

/// An optimizer's state (the value `adam(0.01)` makes).
#[derive(Clone, Debug)]
pub struct Optimizer {
    name: &'static str,
    method: Method,
    lr: f64,
    steps: u64,
    slots: Vec<Slot>,
}

impl Optimizer {
    /// A fresh optimizer; `name` is the builtin that made it (for display).
    pub fn new(name: &'static str, method: Method, lr: f64) -> Self {
        Optimizer {
            name,
            method,
            lr,
            steps: 0,
            slots: Vec::new(),
        }
    }

    /// The builtin that made it: `"adam"`, `"sgd"`, …
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The method and its settings.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The learning rate given when it was made.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// How many steps it has taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The parameter shapes it was set up for by its first step (none
    /// before it).
    pub fn shapes(&self) -> Vec<Shape> {
        self.slots.iter().map(|s| s.shape).collect()
    }

    /// Bytes held by its state buffers.
    pub fn state_bytes(&self) -> usize {
        self.slots
            .iter()
            .flat_map(|s| &s.buffers)
            .map(|b| b.len() * std::mem::size_of::<f64>())
            .sum()
    }

    /// Why `shapes` cannot be stepped by this optimizer: it was set up by
    /// its first step for other parameters. The message names the first
    /// difference.
    pub fn mismatch(&self, shapes: &[Shape]) -> Option<String> {
        if self.slots.is_empty() {
            return None;
        }
        if self.slots.len() != shapes.len() {
            return Some(format!(
                "this optimizer has stepped {}, and is given {}; make a new optimizer for other parameters",
                plural(self.slots.len(), "parameter"),
                plural(shapes.len(), "parameter")
            ));
        }
        self.slots
            .iter()
            .zip(shapes)
            .position(|(s, shape)| s.shape != *shape)
            .map(|i| {
                format!(
                    "parameter {} is {}, but this optimizer's state for it is {} (from its first step); make a new optimizer for other parameters",
                    i + 1,
                    shape_str(shapes[i]),
                    shape_str(self.slots[i].shape)
                )
            })
    }

    /// One step at rate `lr`: the new optimizer and the new parameters.
    /// Each gradient must have its parameter's shape, and the parameters
    /// the shapes of the first step (see [`Optimizer::mismatch`]).
    pub fn step(
        &self,
        params: &[&Array2<f64>],
        grads: &[&Array2<f64>],
        lr: f64,
    ) -> Result<(Optimizer, Vec<Array2<f64>>)> {
        let shapes: Vec<Shape> = params.iter().map(|p| p.dim()).collect();
        if let Some(why) = self.mismatch(&shapes) {
            return Err(RuntimeError::Shape(why));
        }
        if grads.len() != params.len() {
            return Err(RuntimeError::Shape(format!(
                "{} but {}",
                plural(params.len(), "parameter"),
                plural(grads.len(), "gradient")
            )));
        }
        if let Some(i) = (0..params.len()).find(|&i| grads[i].dim() != shapes[i]) {
            return Err(RuntimeError::Shape(format!(
                "gradient {} is {}, but its parameter is {}",
                i + 1,
                shape_str(grads[i].dim()),
                shape_str(shapes[i])
            )));
        }
        let t = self.steps + 1;
        let k = self.method.consts(lr, t);
        let mut slots = Vec::with_capacity(params.len());
        let mut out = Vec::with_capacity(params.len());
        for (i, (p, g)) in params.iter().zip(grads).enumerate() {
            crate::interrupt::check()?;
            let mut buffers = match self.slots.get(i) {
                Some(slot) => slot.buffers.clone(),
                None => {
                    crate::memory::check_alloc(p.nrows(), p.ncols())?;
                    vec![Array2::from_elem(p.dim(), self.method.initial()); self.method.buffers()]
                }
            };
            let mut new = (*p).to_owned();
            let m = &self.method;
            let zip = Zip::from(&mut new).and(*g);
            match &mut buffers[..] {
                [] => zip.for_each(|p, &g| *p = m.update(&k, *p, g, &mut [])),
                [a] => zip.and(a).for_each(|p, &g, a| {
                    let mut s = [*a];
                    *p = m.update(&k, *p, g, &mut s);
                    *a = s[0];
                }),
                [a, b] => zip.and(a).and(b).for_each(|p, &g, a, b| {
                    let mut s = [*a, *b];
                    *p = m.update(&k, *p, g, &mut s);
                    (*a, *b) = (s[0], s[1]);
                }),
                [a, b, c, ..] => zip.and(a).and(b).and(c).for_each(|p, &g, a, b, c| {
                    let mut s = [*a, *b, *c];
                    *p = m.update(&k, *p, g, &mut s);
                    (*a, *b, *c) = (s[0], s[1], s[2]);
                }),
            }
            slots.push(Slot {
                shape: p.dim(),
                buffers,
            });
            out.push(new);
        }
        let next = Optimizer {
            steps: t,
            slots,
            ..self.clone_settings()
        };
        Ok((next, out))
    }

    /// The same optimizer without its state.
    fn clone_settings(&self) -> Optimizer {
        Optimizer::new(self.name, self.method, self.lr)
    }
}

impl fmt::Display for Optimizer {
    /// As the call that makes it, then its progress:
    /// `adam(0.01, "beta1", 0.9, …), 3 steps on 4 parameters`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({}", self.name, format_scalar(self.lr))?;
        for (name, value) in self.method.settings() {
            let shown = match name {
                "nesterov" | "amsgrad" | "centered" => (value != 0.0).to_string(),
                _ => format_scalar(value),
            };
            write!(f, ", \"{name}\", {shown}")?;
        }
        write!(f, ")")?;
        if self.steps == 0 {
            write!(f, ", no steps yet")
        } else {
            write!(
                f,
                ", {} on {}",
                plural(self.steps as usize, "step"),
                plural(self.slots.len(), "parameter")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rules::{Adam, Sgd};
    use super::*;

    fn sgd(momentum: f64) -> Optimizer {
        Optimizer::new(
            "sgd",
            Method::Sgd(Sgd {
                momentum,
                dampening: 0.0,
                nesterov: false,
                weight_decay: 0.0,
            }),
            0.5,
        )
    }

    #[test]
    fn a_step_gives_a_new_optimizer_and_leaves_the_old_one() {
        let opt = sgd(0.9);
        let p = Array2::from_elem((2, 3), 1.0);
        let g = Array2::from_elem((2, 3), 2.0);
        let (next, new) = opt.step(&[&p], &[&g], 0.5).unwrap();
        assert_eq!(opt.steps(), 0);
        assert_eq!(next.steps(), 1);
        assert_eq!(new[0], Array2::from_elem((2, 3), 0.0));
        assert_eq!(next.shapes(), vec![(2, 3)]);
        assert_eq!(next.state_bytes(), 6 * 8);
        let (third, new) = next.step(&[&new[0]], &[&g], 0.5).unwrap();
        // buf = 0.9 · 2 + 2 = 3.8; p = 0 − 0.5 · 3.8.
        assert_eq!(new[0][[1, 2]], -1.9);
        assert_eq!(third.steps(), 2);
    }

    #[test]
    fn shapes_are_checked_against_the_first_step() {
        let opt = sgd(0.0);
        let p = Array2::zeros((2, 2));
        let q = Array2::zeros((3, 1));
        let (next, _) = opt.step(&[&p, &q], &[&p, &q], 0.1).unwrap();
        let e = next.step(&[&p], &[&p], 0.1).unwrap_err().to_string();
        assert!(e.contains("stepped 2 parameters, and is given 1"), "{e}");
        let e = next
            .step(&[&p, &p], &[&p, &p], 0.1)
            .unwrap_err()
            .to_string();
        assert!(e.contains("parameter 2 is 2×2"), "{e}");
        let e = opt.step(&[&p], &[&q], 0.1).unwrap_err().to_string();
        assert!(e.contains("gradient 1 is 3×1"), "{e}");
        let e = opt.step(&[&p], &[], 0.1).unwrap_err().to_string();
        assert!(e.contains("1 parameter but 0 gradients"), "{e}");
    }

    #[test]
    fn transposed_storage_updates_by_position() {
        let opt = sgd(0.0);
        let p = Array2::from_shape_vec((2, 3), vec![1., 2., 3., 4., 5., 6.]).unwrap();
        let pt = p.t().to_owned();
        let gt = Array2::from_shape_vec((3, 2), vec![1., 0., 0., 0., 0., 0.])
            .unwrap()
            .reversed_axes();
        let (_, new) = opt.step(&[&p], &[&gt], 1.0).unwrap();
        assert_eq!(new[0][[0, 0]], 0.0);
        assert_eq!(new[0][[0, 1]], 2.0);
        assert_eq!(pt.dim(), (3, 2));
    }

    #[test]
    fn displays_as_its_call() {
        let opt = Optimizer::new(
            "adam",
            Method::Adam(Adam {
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weight_decay: 0.0,
                amsgrad: false,
            }),
            0.001,
        );
        assert_eq!(
            opt.to_string(),
            "adam(0.001, \"beta1\", 0.9, \"beta2\", 0.999, \"eps\", 1e-08, \"weight_decay\", 0, \"amsgrad\", false), no steps yet"
        );
    }
}
