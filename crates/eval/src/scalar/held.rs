//! Workspace matrices a top-level loop reads or writes elements of, as in
//! `for i = 2:n; x[i] = 0.5 * x[i-1] + 1; end`. A matrix it only reads is
//! read in place. One it writes is taken out of the workspace for the run
//! and written in place; since a run that gives up must leave the
//! workspace as it was, each write first notes the element's old value.

use super::{Arith, GiveUp, Num};
use crate::names::GlobalId;
use crate::workspace::Workspace;
use mla_runtime::Value;
use ndarray::Array2;
use std::sync::Arc;

/// A matrix of the run.
pub(super) enum Held<'a> {
    /// Only read: the workspace's own.
    Read(&'a Array2<f64>),
    /// Written: taken out of the workspace until the run ends.
    Write(Written),
}

impl Held<'_> {
    #[inline]
    pub(super) fn array(&self) -> &Array2<f64> {
        match self {
            Held::Read(a) => a,
            Held::Write(w) => &w.array,
        }
    }
}

/// A matrix taken out of the workspace to be written.
pub(super) struct Written {
    pub(super) id: GlobalId,
    pub(super) array: Array2<f64>,
    /// The workspace's storage when another value shared it: the run
    /// writes a copy, as the general evaluator would, and giving up puts
    /// this back untouched.
    original: Option<Arc<Array2<f64>>>,
    /// Each write's element and its old value, newest last (indices fit
    /// in 32 bits under the 2³⁰-element limit; 16 bytes an entry).
    undo: Vec<(u32, u32, f64)>,
    /// The matrix as it was, rebuilt once the log holds more entries than
    /// the matrix has elements, so the log never outgrows one copy.
    before: Option<Array2<f64>>,
}

impl Written {
    /// Takes matrix `id` out of the workspace: `None` (and the workspace
    /// untouched) when it is not a matrix of numbers.
    pub(super) fn take(ws: &mut Workspace, id: GlobalId) -> Option<Written> {
        let slot = ws.slot(id);
        if !matches!(slot, Some(Value::Matrix(_))) {
            return None;
        }
        let Some(Value::Matrix(arc)) = slot.take() else {
            unreachable!("tested above")
        };
        let (array, original) = match Arc::try_unwrap(arc) {
            Ok(array) => (array, None),
            Err(shared) => ((*shared).clone(), Some(shared)),
        };
        Some(Written {
            id,
            array,
            original,
            undo: Vec::new(),
            before: None,
        })
    }

    /// Writes element `(r, c)`, noting what was there.
    #[inline]
    pub(super) fn write(&mut self, r: usize, c: usize, x: f64) {
        if self.original.is_none() && self.before.is_none() {
            self.undo.push((r as u32, c as u32, self.array[[r, c]]));
            if self.undo.len() > self.array.len() {
                self.rebuild_before();
            }
        }
        self.array[[r, c]] = x;
    }

    #[cold]
    fn rebuild_before(&mut self) {
        let mut before = self.array.clone();
        for &(r, c, x) in self.undo.iter().rev() {
            before[[r as usize, c as usize]] = x;
        }
        self.undo = Vec::new();
        self.before = Some(before);
    }

    /// Puts the matrix back into the workspace: as the run left it when
    /// `keep`, else as it was before the run.
    pub(super) fn put_back(mut self, ws: &mut Workspace, keep: bool) {
        let value = match (keep, self.original, self.before) {
            (true, _, _) => Arc::new(self.array),
            (false, Some(original), _) => original,
            (false, None, Some(before)) => Arc::new(before),
            (false, None, None) => {
                for &(r, c, x) in self.undo.iter().rev() {
                    self.array[[r as usize, c as usize]] = x;
                }
                Arc::new(self.array)
            }
        };
        ws.set(self.id, Value::Matrix(value));
    }
}

/// The second index of an element step with one index.
pub(super) const ONE_INDEX: u32 = u32::MAX;

impl<'a> super::run::Tier<'a> {
    /// Where `(k)` or `(i, j)` points in matrix `m`: `None` outside it, or
    /// for an index that is not a whole number.
    #[inline(always)]
    fn place(&self, m: u32, i: f64, j: Option<f64>) -> Option<(usize, usize)> {
        let (rows, cols) = self.mats[m as usize].array().dim();
        match j {
            None => {
                let p = position(i, rows * cols)?;
                // Vectors need no division (perf: the two divisions of a
                // loop over `x[i]` were a fifth of its time).
                Some(match (rows, cols) {
                    (1, _) => (0, p),
                    (_, 1) => (p, 0),
                    _ => (p % rows, p / rows),
                })
            }
            Some(j) => Some((position(i, rows)?, position(j, cols)?)),
        }
    }

    /// `X[k]` with its indices written as trees: one or two.
    #[inline(never)]
    pub(super) fn elem(&mut self, m: u32, index: &'a [Num], base: usize) -> f64 {
        let Some(first) = index.first() else {
            return self.give_up(GiveUp::Always);
        };
        let i = self.operand(first, base);
        let j = index.get(1).map(|e| self.operand(e, base));
        self.elem_at(m, i, j)
    }

    /// `X[k]`: an index outside the matrix is the general evaluator's to
    /// report.
    #[inline]
    pub(super) fn elem_at(&mut self, m: u32, i: f64, j: Option<f64>) -> f64 {
        match self.place(m, i, j) {
            Some(rc) => self.mats[m as usize].array()[rc],
            None => self.give_up(GiveUp::ThisCall),
        }
    }

    /// `X[k] = v` or `X[k] += v`; writing outside the matrix (which grows
    /// it) is left to the general evaluator.
    #[inline]
    pub(super) fn set_elem_at(
        &mut self,
        m: u32,
        i: f64,
        j: Option<f64>,
        op: Option<Arith>,
        x: f64,
    ) {
        let Some((r, c)) = self.place(m, i, j) else {
            self.give_up(GiveUp::ThisCall);
            return;
        };
        let Held::Write(w) = &mut self.mats[m as usize] else {
            unreachable!("lowering writes only matrices it marked written")
        };
        let x = match op {
            Some(op) => super::run::arith(op, w.array[[r, c]], x),
            None => x,
        };
        w.write(r, c, x);
    }
}

/// The 0-based position of a 1-based whole-number index `k` below `len`,
/// as `vars::position` says, converting through `i64` (one instruction
/// each way on x86-64, where `u64` takes a dozen).
#[inline(always)]
fn position(k: f64, len: usize) -> Option<usize> {
    let p = k as i64;
    (k >= 1.0 && p as f64 == k && p as u64 <= len as u64).then(|| p as usize - 1)
}
