//! Statements: assignment, destructuring, control flow, definitions, and
//! the display of results.

use crate::callable::UserFunction;
use crate::error::EvalError;
use crate::interp::Interpreter;
use mla_parser::{AssignOp, BinOp, Expr, ExprKind, Name, Stmt, StmtKind};
use mla_runtime::{Func, IndexArg, Value};
use std::sync::Arc;

/// How a statement finished.
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
    Return(Option<Value>),
}

type Result<T> = std::result::Result<T, EvalError>;

/// The value of a statement that produced nothing (printf, a loop, …).
/// Shared, so that making one allocates nothing.
pub(crate) fn nothing() -> Value {
    static EMPTY: std::sync::LazyLock<Arc<[Value]>> =
        std::sync::LazyLock::new(|| Vec::new().into());
    Value::Tuple(EMPTY.clone())
}

pub(crate) fn is_nothing(v: &Value) -> bool {
    matches!(v, Value::Tuple(t) if t.is_empty())
}

impl Interpreter {
    pub(crate) fn exec_program(&mut self, body: &[Stmt]) -> Result<Value> {
        let mut last = nothing();
        for stmt in body {
            match self.exec_stmt(stmt, &mut last)? {
                Flow::Normal => {}
                Flow::Break | Flow::Continue => {
                    return Err(self.err(
                        "mla::flow",
                        "`break` and `continue` belong inside a loop",
                        stmt.span,
                    ))
                }
                Flow::Return(_) => {
                    return Err(self.err(
                        "mla::flow",
                        "`return` belongs inside a function",
                        stmt.span,
                    ))
                }
            }
        }
        Ok(last)
    }

    pub(crate) fn exec_block(&mut self, body: &[Stmt], last: &mut Value) -> Result<Flow> {
        for stmt in body {
            match self.exec_stmt(stmt, last)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    /// Results are shown at top level only; function bodies run silently.
    fn show(&mut self, stmt: &Stmt, name: &str, v: &Value) {
        if !stmt.quiet && self.at_top_level() && !is_nothing(v) {
            self.display(name, v);
        }
    }

    /// A bare expression's value becomes `ans` (unless it is no value) and
    /// is shown as `ans = …`.
    fn answer(&mut self, stmt: &Stmt, v: Value) -> Value {
        if !is_nothing(&v) {
            self.set_var(&Arc::from("ans"), v.clone());
            self.show(stmt, "ans", &v);
        }
        v
    }

    fn exec_stmt(&mut self, stmt: &Stmt, last: &mut Value) -> Result<Flow> {
        match &stmt.kind {
            StmtKind::Expr(e) => {
                // `x` alone shows `x = …` and leaves `ans` alone, as in MATLAB.
                if let ExprKind::Ident(name) = &e.kind {
                    if let Some(v) = self.lookup_var(name).cloned() {
                        self.show(stmt, name, &v);
                        *last = v;
                        return Ok(Flow::Normal);
                    }
                    // `tic`, `toc`, `who`, `help` work as commands, as in MATLAB.
                    if let Some(f) = self
                        .registry
                        .func(name)
                        .filter(|f| f.builtin().is_some_and(|b| b.min_args == 0))
                    {
                        let v = self.call_value(&f, Vec::new(), &[], 1, e.span)?;
                        let v = match v {
                            Value::Tuple(items) if !items.is_empty() => items[0].clone(),
                            other => other,
                        };
                        *last = self.answer(stmt, v);
                        return Ok(Flow::Normal);
                    }
                }
                let v = self.eval_statement_expr(e)?;
                *last = self.answer(stmt, v);
            }
            StmtKind::Assign {
                target,
                indices,
                op,
                value,
            } => {
                // Holding the previous result would share the storage about to
                // be written; a number is a placeholder that costs nothing.
                *last = Value::Num(0.0);
                let v = self.assign(target, indices.as_deref(), *op, value, stmt)?;
                *last = v;
            }
            StmtKind::Destructure { targets, value } => {
                let v = self.eval_multi(value, targets.len())?;
                let items = self.split_results(v, targets.len(), value)?;
                for (t, item) in targets.iter().zip(items) {
                    self.scope_mut().insert(t.text.clone(), item.clone());
                    self.show(stmt, &t.text, &item);
                }
                *last = nothing();
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    if self.condition(cond)? {
                        return self.exec_block(body, last);
                    }
                }
                if let Some(body) = otherwise {
                    return self.exec_block(body, last);
                }
            }
            StmtKind::While { cond, body } => {
                while self.condition(cond)? {
                    self.check_interrupt(stmt.span)?;
                    match self.exec_block(body, last)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
            }
            StmtKind::For { var, iter, body } => return self.exec_for(var, iter, body, last),
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => Some(self.eval_value_or_tuple(e)?),
                    None => None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Function(def) => {
                let f = UserFunction {
                    def: def.clone(),
                    source: self.source.clone(),
                };
                self.scope_mut()
                    .insert(def.name.text.clone(), Value::Func(Func::User(Arc::new(f))));
                *last = nothing();
            }
        }
        Ok(Flow::Normal)
    }

    pub(crate) fn condition(&mut self, e: &Expr) -> Result<bool> {
        let v = self.eval(e)?;
        v.truthy().map_err(|err| self.runtime_err(err, e.span))
    }

    // Kept out of line so `exec_stmt`, the hottest function of the
    // interpreter, keeps a small stack frame (about 10% faster loops).
    #[inline(never)]
    fn exec_for(
        &mut self,
        var: &Name,
        iter: &Expr,
        body: &[Stmt],
        last: &mut Value,
    ) -> Result<Flow> {
        // A range is walked without building it.
        if let ExprKind::Range { start, step, stop } = &iter.kind {
            let (a, s, n) = self.range_parts(start, step.as_deref(), stop, iter.span)?;
            for i in 0..n {
                self.check_interrupt(iter.span)?;
                let x = a + s * i as f64;
                self.set_var(&var.text, Value::Num(x));
                match self.exec_block(body, last)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            }
            return Ok(Flow::Normal);
        }
        let v = self.eval(iter)?;
        let (rows, cols) = v.shape();
        let items: Box<dyn Iterator<Item = Value> + '_> = match &v {
            Value::Num(_) | Value::Bool(_) => Box::new(std::iter::once(v.clone())),
            Value::Matrix(_) | Value::Logical(_) if rows == 1 => {
                let elems = v.elements().map_err(|e| self.runtime_err(e, iter.span))?;
                Box::new(elems.into_iter().map(Value::Num))
            }
            Value::Matrix(_) | Value::Logical(_) => {
                let mut cols_v = Vec::with_capacity(cols);
                for j in 0..cols {
                    let c = mla_runtime::index::index2(
                        &v,
                        &IndexArg::All,
                        &IndexArg::Val(Value::Num((j + 1) as f64)),
                    )
                    .map_err(|e| self.runtime_err(e, iter.span))?;
                    cols_v.push(c);
                }
                Box::new(cols_v.into_iter())
            }
            Value::Tuple(items) => Box::new(items.iter().cloned()),
            other => {
                return Err(self
                    .err(
                        "mla::type",
                        format!("cannot loop over {}", other.describe()),
                        iter.span,
                    )
                    .with_help("a for loop walks a range, the columns of a matrix, or the elements of a row vector"))
            }
        };
        for item in items {
            self.check_interrupt(iter.span)?;
            self.set_var(&var.text, item);
            match self.exec_block(body, last)? {
                Flow::Break => break,
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    // Out of line for the same reason as `exec_for`.
    #[inline(never)]
    fn assign(
        &mut self,
        target: &Name,
        indices: Option<&[Expr]>,
        op: AssignOp,
        value: &Expr,
        stmt: &Stmt,
    ) -> Result<Value> {
        let Some(indices) = indices else {
            let rhs = self.eval(value)?;
            let new = match op.binary() {
                None => rhs,
                Some(bin) => {
                    let old = self.read_name(target)?;
                    self.binary_values(bin, &old, &rhs, target.span, value.span, stmt.span)?
                }
            };
            self.set_var(&target.text, new.clone());
            self.show(stmt, &target.text, &new);
            return Ok(new);
        };
        let Some(shape) = self.lookup_var(&target.text).map(Value::shape) else {
            return Err(self
                .err(
                    "mla::name",
                    format!("`{}` is not defined, so it cannot be assigned into", target.text),
                    target.span,
                )
                .with_help(format!(
                    "create it first, e.g. `{} = zeros(m, n)`; indexed assignment never grows a matrix",
                    target.text
                )));
        };
        let args = self.index_args(shape, indices)?;
        let mut rhs = self.eval(value)?;
        if let Some(bin) = op.binary() {
            let current = self.lookup_var(&target.text).expect("checked above");
            let old = self.index_value(current, &args, stmt.span)?;
            rhs = self.binary_values(bin, &old, &rhs, target.span, value.span, stmt.span)?;
        }
        // A function's copy of a workspace matrix becomes a local first; then
        // the write happens in place, copying storage only when it is shared.
        if !self.scope_mut().contains_key(&target.text) {
            let outer = self
                .lookup_var(&target.text)
                .cloned()
                .expect("checked above");
            self.scope_mut().insert(target.text.clone(), outer);
        }
        let slot = self
            .scope_mut()
            .get_mut(&target.text)
            .expect("the variable is in this scope");
        let result = match args.as_slice() {
            [k] => mla_runtime::index::assign1(slot, k, &rhs),
            [r, c] => mla_runtime::index::assign2(slot, r, c, &rhs),
            _ => unreachable!("index_args checks the count"),
        };
        let new = slot.clone();
        result.map_err(|e| {
            let last = indices.last().map_or(target.span, |i| i.span);
            let close = self.source.text[last.end as usize..]
                .find(']')
                .map_or(last.end as usize, |i| last.end as usize + i + 1);
            let lhs = mla_parser::Span::new(target.span.start as usize, close);
            self.runtime_err(e, lhs)
                .and_label(value.span, rhs.describe())
        })?;
        self.show(stmt, &target.text, &new);
        Ok(new)
    }

    pub(crate) fn split_results(&self, v: Value, n: usize, at: &Expr) -> Result<Vec<Value>> {
        match v {
            Value::Tuple(items) if items.len() >= n => Ok(items[..n].to_vec()),
            Value::Tuple(items) => Err(self.err(
                "mla::results",
                format!("{n} results were asked for, but this gives {}", items.len()),
                at.span,
            )),
            single if n == 1 => Ok(vec![single]),
            single => Err(self
                .err(
                    "mla::results",
                    format!(
                        "{n} results were asked for, but this gives 1 ({})",
                        single.describe()
                    ),
                    at.span,
                )
                .with_help("only a function with several results (or a tuple) can be taken apart")),
        }
    }

    /// A compound assignment's operator applied to two values.
    fn binary_values(
        &mut self,
        op: BinOp,
        lhs: &Value,
        rhs: &Value,
        lspan: mla_parser::Span,
        rspan: mla_parser::Span,
        span: mla_parser::Span,
    ) -> Result<Value> {
        crate::expr::apply_binary(op, lhs, rhs).map_err(|e| {
            self.runtime_err(e, span)
                .and_label(lspan, lhs.describe())
                .and_label(rspan, rhs.describe())
        })
    }
}
