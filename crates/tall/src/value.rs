//! A tall as an MLA value: the runtime holds it as an opaque external
//! object and hands operators, indexing and builtin calls to it here.

use crate::plan::{Deferred, Tall};
use crate::{functions, ops, run};
use mla_runtime::external::{External, UnaryOp};
use mla_runtime::{CallContext, IndexArg, Op, Result, RuntimeError, Value};
use std::any::Any;
use std::sync::Arc;

/// What a tall value is.
#[derive(Debug)]
pub enum TallValue {
    /// A tall matrix (rows streamed).
    Tall(Tall),
    /// `T'`: waits for a tall on its right (`T' * U`).
    Transposed(Tall),
    /// A small result of talls, computed on `gather` or first use.
    Deferred(Deferred),
}

impl TallValue {
    /// Wraps it as an MLA value.
    pub fn into_value(self) -> Value {
        Value::External(Arc::new(self))
    }
}

/// The tall value inside `v`, if it is one.
pub fn as_tall(v: &Value) -> Option<&TallValue> {
    match v {
        Value::External(x) => x.as_any().downcast_ref::<TallValue>(),
        _ => None,
    }
}

/// A deferred result's value, computing it (alone) if no pass has yet.
pub fn settle(d: &Deferred) -> Result<Value> {
    run::compute(&[d])?;
    d.value
        .get()
        .cloned()
        .ok_or_else(|| RuntimeError::Domain("a tall result was not computed".into()))
}

/// `v` with a deferred result replaced by its value.
pub fn settled(v: &Value) -> Result<Value> {
    match as_tall(v) {
        Some(TallValue::Deferred(d)) => settle(d),
        _ => Ok(v.clone()),
    }
}

fn shape_text(rows: Option<usize>, cols: usize) -> String {
    match rows {
        Some(n) => format!("{n}×{cols}"),
        None => format!("?×{cols}"),
    }
}

fn tall_rows(t: &Tall) -> Option<usize> {
    if t.mask.is_none() {
        t.source.known_rows()
    } else {
        None
    }
}

impl External for TallValue {
    fn kind(&self) -> &'static str {
        "tall"
    }

    /// Columns always; rows once a pass has counted them, else 0 (a tall's
    /// rows are never chosen by number, so `end` there only meets the
    /// refusal).
    fn shape(&self) -> (usize, usize) {
        match self {
            TallValue::Tall(t) => (tall_rows(t).unwrap_or(0), t.ncols()),
            TallValue::Transposed(t) => (t.ncols(), tall_rows(t).unwrap_or(0)),
            TallValue::Deferred(d) => d.shape,
        }
    }

    fn describe(&self) -> String {
        match self {
            TallValue::Tall(t) => format!(
                "a tall {} {}",
                shape_text(tall_rows(t), t.ncols()),
                if t.logical { "logical" } else { "matrix" }
            ),
            TallValue::Transposed(t) => format!("a transposed tall {}×? matrix", t.ncols()),
            TallValue::Deferred(d) => format!(
                "a tall result {}×{} ({})",
                d.shape.0,
                d.shape.1,
                if d.value.get().is_some() {
                    "computed"
                } else {
                    "not yet computed"
                }
            ),
        }
    }

    fn display(&self) -> String {
        match self {
            TallValue::Tall(t) => {
                let mut out = format!(
                    "tall {} {} (not computed: rows stream from the source on demand)\n",
                    shape_text(tall_rows(t), t.ncols()),
                    if t.logical { "logical" } else { "matrix" }
                );
                out.push_str(&format!("  source: {}\n", t.source.label()));
                if t.mask.is_some() {
                    out.push_str("  rows: those the mask keeps\n");
                }
                out.push_str(&format!("  plan: {}", t.recipe));
                out
            }
            TallValue::Transposed(t) => format!("transposed tall: ({})'", t.recipe),
            TallValue::Deferred(d) => match d.value.get() {
                Some(v) => format!(
                    "tall result {}×{}, computed:\n{}",
                    d.shape.0,
                    d.shape.1,
                    mla_runtime::display::display_plain(v, mla_runtime::display::DEFAULT_WIDTH)
                        .trim_end()
                ),
                None => format!(
                    "tall result {}×{}, not yet computed (gather(...) computes it, several in one pass)\n  plan: {}",
                    d.shape.0, d.shape.1, d.recipe
                ),
            },
        }
    }

    fn binary(&self, op: Op, a: &Value, b: &Value) -> Result<Value> {
        ops::binary(op, a, b)
    }

    fn unary(&self, op: UnaryOp) -> Result<Value> {
        match (self, op) {
            (TallValue::Tall(t), UnaryOp::Transpose) => {
                Ok(TallValue::Transposed(t.clone()).into_value())
            }
            (TallValue::Transposed(t), UnaryOp::Transpose) => {
                Ok(TallValue::Tall(t.clone()).into_value())
            }
            (TallValue::Tall(t), UnaryOp::Neg) => Ok(ops::neg(t).into_value()),
            (TallValue::Tall(t), UnaryOp::Not) => Ok(ops::not(t).into_value()),
            (TallValue::Deferred(d), _) => {
                let v = settle(d)?;
                match op {
                    UnaryOp::Neg => mla_runtime::ops::neg(&v),
                    UnaryOp::Not => mla_runtime::ops::not(&v),
                    UnaryOp::Transpose => mla_runtime::ops::transpose(&v),
                }
            }
            (TallValue::Transposed(_), _) => Err(transposed_alone()),
        }
    }

    fn index(&self, args: &[IndexArg]) -> Result<Value> {
        match self {
            TallValue::Tall(t) => ops::index(t, args).map(TallValue::into_value),
            TallValue::Deferred(d) => {
                let v = settle(d)?;
                match args {
                    [k] => mla_runtime::index::index1(&v, k),
                    [r, c] => mla_runtime::index::index2(&v, r, c),
                    _ => Err(RuntimeError::BadIndex(
                        "a matrix takes one or two indices".into(),
                    )),
                }
            }
            TallValue::Transposed(_) => Err(transposed_alone()),
        }
    }

    fn call(&self, cx: &mut CallContext<'_>, name: &str, args: &[Value]) -> Option<Result<Value>> {
        functions::dispatch(cx, name, args)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The error for a transposed tall used other than as `T' * U`.
pub fn transposed_alone() -> RuntimeError {
    RuntimeError::Domain(
        "a transposed tall only multiplies a tall of the same rows (`T' * U`, a small result)"
            .into(),
    )
}
