//! The tape of one `grad` evaluation and the traced values that point into
//! it: data only. What gets recorded, and the walk back, are
//! [`crate::autodiff`]'s; a [`crate::value::Value`] holds a [`Traced`]
//! without depending on the rules.

use ndarray::Array2;
use std::sync::{Arc, Mutex, MutexGuard};

/// Sends the gradient of a node's output back to each of its traced inputs,
/// in the order of [`Node::parents`].
pub(crate) type Backward = Box<dyn Fn(&Array2<f64>) -> Vec<Array2<f64>> + Send + Sync>;

/// One recorded operation: the nodes of its traced inputs and how its
/// gradient reaches them (`None` for a leaf).
pub(crate) struct Node {
    pub(crate) parents: Vec<usize>,
    pub(crate) backward: Option<Backward>,
}

/// The record of one `grad` evaluation.
#[derive(Default)]
pub struct Tape {
    nodes: Mutex<Vec<Node>>,
}

/// A value that carries a gradient path back to the arguments of `grad`.
pub struct Traced {
    /// The value itself.
    pub value: Arc<Array2<f64>>,
    /// Its node on the tape.
    pub id: usize,
    /// The tape it belongs to.
    pub tape: Arc<Tape>,
}

impl std::fmt::Debug for Traced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Traced(#{}, {:?})", self.id, self.value.dim())
    }
}

impl Tape {
    pub(crate) fn push(&self, node: Node) -> usize {
        let mut nodes = self.nodes.lock().unwrap_or_else(|e| e.into_inner());
        nodes.push(node);
        nodes.len() - 1
    }

    /// The nodes recorded so far, locked for the backward walk.
    pub(crate) fn nodes(&self) -> MutexGuard<'_, Vec<Node>> {
        self.nodes.lock().unwrap_or_else(|e| e.into_inner())
    }
}
