//! `for` loops: a range walked without building it, the columns of a
//! matrix, the items of a tuple; with a progress bar when the loop runs
//! over `progress(v)`.

use crate::error::{ErrorKind, EvalError};
use crate::exec::{Flow, Last};
use crate::interp::{Ctx, Interpreter};
use crate::resolved::{RExpr, RKind, RStmt, Var};
use mla_runtime::{IndexArg, Value};

type Result<T> = std::result::Result<T, EvalError>;

impl Interpreter {
    // Kept out of line so `exec_stmt`, the hottest function of the
    // interpreter, keeps a small stack frame (about 10% faster loops).
    #[inline(never)]
    pub(crate) fn exec_for(
        &mut self,
        cx: &Ctx,
        var: Var,
        iter: &RExpr,
        body: &[RStmt],
        last: &mut Last,
    ) -> Result<Flow> {
        // A range is walked without building it.
        if let RKind::Range { start, step, stop } = &iter.kind {
            let (a, s, n) = self.range_parts(cx, start, step.as_deref(), stop, iter.span)?;
            for i in 0..n {
                self.tick(cx, iter.span)?;
                self.set_number(cx, var, a + s * i as f64);
                match self.exec_block(cx, body, last)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            }
            return Ok(Flow::Normal);
        }
        self.progress_asked = false;
        let v = self.eval(cx, iter)?;
        let asked = std::mem::take(&mut self.progress_asked);
        let (rows, cols) = v.shape();
        type Items<'v> = Box<dyn Iterator<Item = mla_runtime::Result<Value>> + 'v>;
        let items: Items<'_> = match &v {
            Value::Num(_) | Value::Bool(_) => Box::new(std::iter::once(Ok(v.clone()))),
            Value::Matrix(_) | Value::Logical(_) if rows == 1 => {
                let elems = v.elements().map_err(|e| cx.runtime_err(e, iter.span))?;
                Box::new(elems.into_iter().map(|x| Ok(Value::Num(x))))
            }
            // A traced matrix too: each column is indexed out, so the loop
            // variable carries its gradient. Columns are made one at a
            // time, as the loop reaches them (a loop that breaks early
            // never builds the rest).
            Value::Matrix(_) | Value::Logical(_) | Value::Traced(_) => {
                let v = &v;
                Box::new((0..cols).map(move |j| {
                    mla_runtime::index::index2(
                        v,
                        &IndexArg::All,
                        &IndexArg::Val(Value::Num((j + 1) as f64)),
                    )
                }))
            }
            Value::Tuple(items) => Box::new(items.iter().cloned().map(Ok)),
            other => {
                return Err(cx
                    .err(
                        ErrorKind::Type,
                        format!("cannot loop over {}", other.describe()),
                        iter.span,
                    )
                    .with_help("a for loop walks a range, the columns of a matrix, or the elements of a row vector"))
            }
        };
        let count = match &v {
            Value::Tuple(t) => t.len(),
            Value::Matrix(_) | Value::Logical(_) | Value::Traced(_) if rows != 1 => cols,
            _ => rows * cols,
        };
        let bar = if asked && matches!(iter.kind, RKind::Call { .. }) {
            self.start_progress(count)
        } else {
            None
        };
        let run = || -> Result<Flow> {
            for item in items {
                let item = item.map_err(|e| cx.runtime_err(e, iter.span))?;
                self.tick(cx, iter.span)?;
                self.check_room(cx, var, &item, iter.span)?;
                self.assign_var(cx, var, item);
                match self.exec_block(cx, body, last)? {
                    Flow::Break => return Ok(Flow::Break),
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
                if let Some(b) = &bar {
                    b.tick();
                }
            }
            Ok(Flow::Normal)
        };
        let result = run();
        if let Some(b) = bar {
            self.end_progress(b, matches!(result, Ok(Flow::Normal)));
        }
        match result? {
            Flow::Return(v) => Ok(Flow::Return(v)),
            _ => Ok(Flow::Normal),
        }
    }
}
