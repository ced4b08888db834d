//! Top-level loops in the scalar tier. A script's loop reads and writes
//! workspace variables, so the general evaluator runs each iteration of
//! `s = s + i * 0.5` through the workspace (about 320 instructions,
//! callgrind), where the same loop inside a function runs in the tier at a
//! quarter of the time. Here the workspace names a loop assigns are held
//! in the tier's slots for the run and written back at its end. As for
//! calls, the run writes nothing else, so when it gives up the workspace
//! is as it was and the general evaluator runs the whole loop again from
//! its start. An interrupt or a limit is different: the variables are
//! written back as they stand, as the general evaluator would leave them,
//! and the loop stops with the error it would report.

use super::held::{Held, Written};
use super::run::{MATRIX, NOT_SET};
use super::{compile_loop, GiveUp, ScalarSlot};
use crate::error::EvalError;
use crate::exec::Last;
use crate::interp::{Ctx, Interpreter};
use crate::resolved::{RStmt, RStmtKind, Var};
use mla_runtime::Value;
use std::sync::Arc;

/// What a held slot starts as when the workspace has no number for it: a
/// NaN with a payload arithmetic does not make. Lowering proves such a
/// slot is assigned before it is read, so this value is never read, and
/// a slot still holding it was not assigned by the run.
const UNSET: u64 = 0x7ff8_6d6c_6100_0001;

impl Interpreter {
    /// Runs the top-level `for` or `while` loop `stmt` in the tier; `None`
    /// when it did not (the loop is not for the tier, a variable it reads
    /// first is not a number, or the run gave up), with the workspace
    /// unchanged: the caller then runs the loop as usual.
    pub(crate) fn try_scalar_loop(
        &mut self,
        cx: &Ctx,
        stmt: &RStmt,
        slot: &ScalarSlot,
        last: &mut Last,
    ) -> Option<Result<(), EvalError>> {
        if !self.scalar_tier || self.plots.pending() {
            return None;
        }
        let f = slot.get_or(|| compile_loop(stmt))?;
        let mut numbers = self.tier_stack();
        if numbers.len() < f.nslots {
            self.numbers = numbers;
            return None;
        }
        for (k, &(id, read_first)) in f.entry.iter().enumerate() {
            numbers[k] = match self.ws.get(id) {
                Some(Value::Num(x)) => *x,
                _ if read_first => {
                    self.numbers = numbers;
                    return None;
                }
                _ => f64::from_bits(UNSET),
            };
        }
        for &id in f.globals.iter() {
            if self.ws.get(id).is_none() {
                self.ws.fallback(id, &self.registry);
            }
        }
        // Each matrix must be one of numbers; one the loop writes is
        // copied when shared, and under a limit on the workspace's bytes
        // that copy is the general evaluator's to check.
        let limited = self.limits.max_workspace_bytes.is_some();
        let all_matrices = f.mats.iter().all(|&(id, written)| match self.ws.get(id) {
            Some(Value::Matrix(m)) => !(written && limited && Arc::strong_count(m) > 1),
            _ => false,
        });
        if !all_matrices {
            self.numbers = numbers;
            return None;
        }
        let mut taken = Vec::new();
        for &(id, written) in f.mats.iter() {
            if written {
                taken.extend(Written::take(&mut self.ws, id));
            }
        }
        let mut tier = self.tier(numbers);
        tier.top = f.nslots;
        tier.held = &f.entry;
        let ws = tier.ws;
        let mut writes = taken.into_iter();
        for &(id, written) in f.mats.iter() {
            match (written, ws.get(id)) {
                (false, Some(Value::Matrix(m))) => tier.mats.push(Held::Read(m)),
                (true, _) => tier.mats.extend(writes.next().map(Held::Write)),
                _ => {}
            }
        }
        if tier.mats.len() == f.mats.len() {
            tier.exec(f, 0);
        } else {
            tier.stopped = Some(GiveUp::ThisCall);
        }
        let (stopped, last_set) = (tier.stopped, tier.last_set);
        let held = std::mem::take(&mut tier.stack);
        let written: Vec<Written> = std::mem::take(&mut tier.mats)
            .into_iter()
            .filter_map(|h| match h {
                Held::Write(w) => Some(w),
                Held::Read(_) => None,
            })
            .collect();
        let keep = matches!(stopped, None | Some(GiveUp::Stopped));
        for w in written {
            w.put_back(&mut self.ws, keep);
        }
        if !keep {
            if stopped == Some(GiveUp::Always) {
                slot.turn_off();
            }
            self.numbers = held;
            return None;
        }
        for (&(id, _), &x) in f.entry.iter().zip(&held) {
            if x.to_bits() != UNSET {
                self.set_number(cx, Var::Global(id), x);
            }
        }
        let assigned = match last_set {
            NOT_SET => None,
            m if m & MATRIX != 0 => f.mats.get((m & !MATRIX) as usize).map(|(id, _)| *id),
            s => f.entry.get(s as usize).map(|(id, _)| *id),
        };
        if let Some(id) = assigned {
            *last = Last::Var(Var::Global(id));
        }
        self.numbers = held;
        if stopped.is_some() {
            // The span the general evaluator's check gives: the range of a
            // `for`, the whole `while`.
            let span = match &stmt.kind {
                RStmtKind::For { iter, .. } => iter.span,
                _ => stmt.span,
            };
            return Some(self.check_now(cx, span));
        }
        self.scalar_loops += 1;
        Some(Ok(()))
    }
}
