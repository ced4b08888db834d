//! Statements: assignment, destructuring, control flow, definitions, and
//! the display of results.

use crate::callable::UserFunction;
use crate::error::{ErrorKind, EvalError};
use crate::interp::{Ctx, Interpreter};
use crate::resolved::{RExpr, RKind, RProgram, RStmt, RStmtKind, RTry, Var};
use crate::vars::take_num;
use mla_parser::{AssignOp, BinOp, Name, Span};
use mla_runtime::{ops, Func, IndexArg, Value};
use std::sync::Arc;

/// The value of the last statement run: a function without `return`
/// returns it, and `run` gives it back. An assignment leaves the variable it
/// wrote rather than a second holder of its value (which would make the next
/// in-place write of a matrix copy it, and costs a clone per statement).
pub(crate) enum Last {
    Nothing,
    Value(Value),
    Var(Var),
}

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

/// Errors `catch` never catches: they must stop the program.
fn uncatchable(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Interrupted
            | ErrorKind::Recursion
            | ErrorKind::OutputClosed
            | ErrorKind::Exit
            | ErrorKind::Operations
            | ErrorKind::Timeout
    )
}

pub(crate) fn is_nothing(v: &Value) -> bool {
    matches!(v, Value::Tuple(t) if t.is_empty())
}

impl Interpreter {
    /// Runs top-level code. Functions defined at its top level are defined
    /// before its first statement runs, so a script may call a function
    /// defined further down (as MATLAB's local functions in scripts).
    pub(crate) fn exec_program(&mut self, program: &RProgram) -> Result<Value> {
        let cx = Ctx {
            base: 0,
            slots: &crate::resolved::Slots::default(),
            source: &program.source,
            end: None,
            top: true,
        };
        let mut hoisted = Vec::new();
        for stmt in &program.body {
            if let RStmtKind::Function { var, proto } = &stmt.kind {
                if !hoisted.contains(var) {
                    hoisted.push(*var);
                    self.define(&cx, *var, proto);
                }
            }
        }
        let mut last = Last::Nothing;
        for stmt in &program.body {
            // Straight-line code has no loop or call to tick: the interrupt
            // flag and the time limit are also looked at between top-level
            // statements (a script of long builtin calls stops).
            self.check_now(&cx, stmt.span)?;
            let flow = self.exec_stmt(&cx, stmt, &mut last)?;
            self.figures_after(&cx, stmt);
            match flow {
                Flow::Normal => {}
                Flow::Break | Flow::Continue => {
                    return Err(cx.err(
                        ErrorKind::Flow,
                        "`break` and `continue` belong inside a loop",
                        stmt.span,
                    ))
                }
                Flow::Return(_) => {
                    return Err(cx.err(
                        ErrorKind::Flow,
                        "`return` belongs inside a function",
                        stmt.span,
                    ))
                }
            }
        }
        Ok(self.last_value(&cx, last))
    }

    /// What the last statement left, as a value.
    pub(crate) fn last_value(&self, cx: &Ctx, last: Last) -> Value {
        match last {
            Last::Nothing => nothing(),
            Last::Value(v) => v,
            Last::Var(var) => self.var_ref(cx, var).cloned().unwrap_or_else(nothing),
        }
    }

    fn define(&mut self, cx: &Ctx, var: Var, proto: &Arc<crate::resolved::FnProto>) {
        let f = UserFunction(proto.clone());
        self.assign_var(cx, var, Value::Func(Func::User(Arc::new(f))));
    }

    pub(crate) fn exec_block(&mut self, cx: &Ctx, body: &[RStmt], last: &mut Last) -> Result<Flow> {
        for stmt in body {
            // Every statement looks at the interrupt flag (Ctrl-C or a
            // host's watchdog): one relaxed load, so a function body of
            // long builtin calls stops between them too.
            if self.interrupt.load(std::sync::atomic::Ordering::Relaxed) {
                self.check_now(cx, stmt.span)?;
            }
            let flow = self.exec_stmt(cx, stmt, last)?;
            if cx.top {
                self.figures_after(cx, stmt);
            }
            match flow {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    /// MATLAB's rule for figures: a top-level statement without `;` shows
    /// the figure it changed; with `;` it waits (for `show()`, a later
    /// statement without `;`, or the end of the run).
    #[inline]
    fn figures_after(&mut self, cx: &Ctx, stmt: &RStmt) {
        if !stmt.quiet && cx.top && !self.quiet && self.plots.pending() {
            let _ = self.show_figures_now();
        }
    }

    /// Results are shown at top level only; function bodies run silently.
    fn show(&mut self, cx: &Ctx, stmt: &RStmt, name: &str, v: &Value) {
        if !stmt.quiet && cx.top && !self.quiet && !is_nothing(v) {
            self.display(name, v);
        }
    }

    /// A bare expression's value becomes `ans` (unless it is no value) and
    /// is shown as `ans = …`.
    fn answer(&mut self, cx: &Ctx, stmt: &RStmt, ans: Var, v: Value) -> Result<Value> {
        if !is_nothing(&v) {
            self.check_room(cx, ans, &v, stmt.span)?;
            self.assign_var(cx, ans, v.clone());
            self.show(cx, stmt, "ans", &v);
        }
        Ok(v)
    }

    /// Assigns a value that is not a number after checking the limit on
    /// the bytes variables hold.
    #[inline(never)]
    fn assign_checked(&mut self, cx: &Ctx, target: Var, v: Value, span: Span) -> Result<()> {
        self.check_room(cx, target, &v, span)?;
        self.assign_var(cx, target, v);
        Ok(())
    }

    /// Runs a statement. A plain assignment, the statement loops are made
    /// of, is handled in this small function; the rest in `exec_other`,
    /// whose large frame would otherwise be set up for every statement
    /// (callgrind: ~60 instructions each).
    #[inline]
    pub(crate) fn exec_stmt(&mut self, cx: &Ctx, stmt: &RStmt, last: &mut Last) -> Result<Flow> {
        if let RStmtKind::Assign {
            target,
            indices: None,
            op: AssignOp::Set,
            value,
            ..
        } = &stmt.kind
        {
            if stmt.quiet || !cx.top {
                // A number needs no room check and is written in place;
                // anything else is checked against the limit by reference,
                // out of this path (callgrind: checking every value here
                // cost ~9 instructions a statement).
                match take_num(self.eval(cx, value)?) {
                    Ok(x) => self.set_number(cx, *target, x),
                    Err(v) => self.assign_checked(cx, *target, v, stmt.span)?,
                }
                *last = Last::Var(*target);
                return Ok(Flow::Normal);
            }
        }
        if let RStmtKind::If {
            branches,
            otherwise,
        } = &stmt.kind
        {
            return self.exec_if(cx, branches, otherwise.as_deref(), last);
        }
        if let RStmtKind::Assign {
            target,
            name,
            target_span,
            indices: Some(ix),
            op: AssignOp::Set,
            value,
        } = &stmt.kind
        {
            if let ([index], Some(Value::Matrix(m)), true) = (
                ix.as_slice(),
                self.var_ref(cx, *target),
                stmt.quiet || !cx.top,
            ) {
                if !matches!(index.kind, RKind::Colon) {
                    let len = m.len();
                    self.assign_element(cx, *target, name, *target_span, index, len, value, stmt)?;
                    *last = Last::Var(*target);
                    return Ok(Flow::Normal);
                }
            }
        }
        self.exec_other(cx, stmt, last)
    }

    #[inline(never)]
    fn exec_if(
        &mut self,
        cx: &Ctx,
        branches: &[(RExpr, Vec<RStmt>)],
        otherwise: Option<&[RStmt]>,
        last: &mut Last,
    ) -> Result<Flow> {
        for (cond, body) in branches {
            if self.condition(cx, cond)? {
                return self.exec_block(cx, body, last);
            }
        }
        match otherwise {
            Some(body) => self.exec_block(cx, body, last),
            None => Ok(Flow::Normal),
        }
    }

    #[inline(never)]
    fn exec_other(&mut self, cx: &Ctx, stmt: &RStmt, last: &mut Last) -> Result<Flow> {
        match &stmt.kind {
            RStmtKind::Expr { expr, ans } => {
                if let RKind::Var(var) = expr.kind {
                    return self.name_statement(cx, stmt, expr, var, *ans, last);
                }
                let v = self.eval_statement_expr(cx, expr)?;
                *last = Last::Value(self.answer(cx, stmt, *ans, v)?);
            }
            RStmtKind::Assign {
                target,
                name,
                target_span,
                indices,
                op,
                value,
            } => {
                match indices {
                    None if *op == AssignOp::Set && (stmt.quiet || !cx.top) => {
                        let v = self.eval(cx, value)?;
                        self.check_room(cx, *target, &v, stmt.span)?;
                        self.assign_var(cx, *target, v);
                    }
                    None => self.assign(cx, *target, name, *op, value, stmt)?,
                    Some(ix) => {
                        self.assign_indexed(cx, *target, name, *target_span, ix, *op, value, stmt)?
                    }
                }
                *last = Last::Var(*target);
            }
            RStmtKind::Destructure { targets, value } => {
                let v = self.eval_multi(cx, value, targets.len())?;
                let items = self.split_results(cx, v, targets.len(), value)?;
                for (target, item) in targets.iter().zip(items) {
                    if let Some((var, name)) = target {
                        self.check_room(cx, *var, &item, name.span)?;
                        self.show(cx, stmt, &name.text, &item);
                        self.assign_var(cx, *var, item);
                    }
                }
                *last = Last::Nothing;
            }
            RStmtKind::If {
                branches,
                otherwise,
            } => return self.exec_if(cx, branches, otherwise.as_deref(), last),
            RStmtKind::While { cond, body, tier } => {
                if cx.top {
                    if let Some(ran) = self.try_scalar_loop(cx, stmt, tier, last) {
                        return ran.map(|()| Flow::Normal);
                    }
                }
                while self.condition(cx, cond)? {
                    self.tick(cx, stmt.span)?;
                    match self.exec_block(cx, body, last)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
            }
            RStmtKind::For {
                var,
                iter,
                body,
                tier,
            } => {
                if cx.top {
                    if let Some(ran) = self.try_scalar_loop(cx, stmt, tier, last) {
                        return ran.map(|()| Flow::Normal);
                    }
                }
                return self.exec_for(cx, *var, iter, body, last);
            }
            RStmtKind::Try(t) => return self.exec_try(cx, t, last),
            RStmtKind::Break => return Ok(Flow::Break),
            RStmtKind::Continue => return Ok(Flow::Continue),
            RStmtKind::Return(e) => {
                let v = match e {
                    Some(e) => Some(self.eval_value_or_tuple(cx, e)?),
                    None => None,
                };
                return Ok(Flow::Return(v));
            }
            RStmtKind::Function { var, proto } => {
                self.define(cx, *var, proto);
                *last = Last::Nothing;
            }
            RStmtKind::Timed(inner) => return self.exec_timed(cx, inner, last),
        }
        Ok(Flow::Normal)
    }

    /// `x` alone shows `x = …` and leaves `ans` alone, as in MATLAB; `tic`,
    /// `toc`, `who`, `help` work as commands.
    #[inline(never)]
    fn name_statement(
        &mut self,
        cx: &Ctx,
        stmt: &RStmt,
        expr: &RExpr,
        var: Var,
        ans: Var,
        last: &mut Last,
    ) -> Result<Flow> {
        if let Some(v) = self.var_ref(cx, var).cloned() {
            self.show(cx, stmt, &Self::var_name(cx, var), &v);
            *last = Last::Value(v);
            return Ok(Flow::Normal);
        }
        let v = match self.fallback(cx, var, expr.span)? {
            Value::Func(f) if f.builtin().is_some_and(|b| b.min_args == 0) => {
                match self.call_value(cx, &f, Vec::new(), 1, expr.span)? {
                    Value::Tuple(items) if !items.is_empty() => items[0].clone(),
                    other => other,
                }
            }
            other => other,
        };
        *last = Last::Value(self.answer(cx, stmt, ans, v)?);
        Ok(Flow::Normal)
    }

    /// `try … catch err … end`: an error in the tried block (not an
    /// interrupt, the recursion limit or a closed output, which stop the
    /// program) runs the handler with `err` set to the message. What the
    /// block did before the error stays done.
    #[inline(never)]
    fn exec_try(&mut self, cx: &Ctx, t: &RTry, last: &mut Last) -> Result<Flow> {
        let (stack, depth) = (self.stack.len(), self.depth);
        let err = match self.exec_block(cx, &t.body, last) {
            Ok(flow) => return Ok(flow),
            Err(e) if uncatchable(e.kind()) => return Err(e),
            Err(e) => e,
        };
        // Every call unwinds its own frame on the way out; this only makes
        // sure of it.
        self.stack.truncate(stack);
        self.depth = depth;
        if let Some(var) = t.var {
            self.assign_var(cx, var, Value::str(err.message.as_str()));
        }
        self.exec_block(cx, &t.handler, last)
    }

    pub(crate) fn condition(&mut self, cx: &Ctx, e: &RExpr) -> Result<bool> {
        let v = self.eval(cx, e)?;
        match v {
            Value::Bool(b) => Ok(b),
            Value::Num(x) => Ok(x != 0.0),
            v => v.truthy().map_err(|err| cx.runtime_err(err, e.span)),
        }
    }

    /// `x = e` shown, and `x op= e`.
    #[inline(never)]
    fn assign(
        &mut self,
        cx: &Ctx,
        target: Var,
        name: &Name,
        op: AssignOp,
        value: &RExpr,
        stmt: &RStmt,
    ) -> Result<()> {
        let mut rhs = self.eval(cx, value)?;
        let new = match op.binary() {
            None => rhs,
            Some(bin) => {
                // `W -= lr * gW`: the variable's matrix is taken out of its
                // slot, so that when nothing else holds it the update is
                // written into it.
                if let Some(mut old) = self.own_slot(cx, target).take() {
                    match crate::expr::in_place(bin, &old, &rhs)
                        .and_then(|form| ops::reuse(&mut old, &mut rhs, form))
                    {
                        Some(new) => {
                            self.show(cx, stmt, &name.text, &new);
                            self.assign_var(cx, target, new);
                            return Ok(());
                        }
                        None => *self.own_slot(cx, target) = Some(old),
                    }
                }
                let old = self.read(cx, target, name.span)?;
                self.binary_values(cx, bin, &old, &rhs, name.span, value.span, stmt.span)?
            }
        };
        self.check_room(cx, target, &new, stmt.span)?;
        self.show(cx, stmt, &name.text, &new);
        self.assign_var(cx, target, new);
        Ok(())
    }

    // Out of line for the same reason as `exec_for`.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn assign_indexed(
        &mut self,
        cx: &Ctx,
        target: Var,
        name: &Name,
        target_span: Span,
        indices: &[RExpr],
        op: AssignOp,
        value: &RExpr,
        stmt: &RStmt,
    ) -> Result<()> {
        let Some(shape) = self.var_ref(cx, target).map(Value::shape) else {
            return Err(cx
                .err(
                    ErrorKind::Name,
                    format!(
                        "`{}` is not defined, so it cannot be assigned into",
                        name.text
                    ),
                    name.span,
                )
                .with_help(format!(
                    "create it first, e.g. `{} = zeros(m, n)` (or `[]` to grow it by assignment)",
                    name.text
                )));
        };
        let args = self.index_args(cx, shape, indices)?;
        let rhs = self.eval(cx, value)?;
        self.store_indexed(
            cx,
            target,
            name,
            target_span,
            &args,
            rhs,
            op,
            value.span,
            stmt,
        )
    }

    /// `x[k] = v` with one index into a matrix variable, quiet: the
    /// statement inner loops are made of, kept out of `exec_other`.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn assign_element(
        &mut self,
        cx: &Ctx,
        target: Var,
        name: &Name,
        target_span: Span,
        index: &RExpr,
        len: usize,
        value: &RExpr,
        stmt: &RStmt,
    ) -> Result<()> {
        let k = match self.operand(cx, index) {
            Some(k) => Ok(k),
            None => {
                let inner = cx.with_end(len as f64);
                take_num(self.eval(&inner, index)?)
            }
        };
        let rhs = take_num(self.eval(cx, value)?);
        if let (Ok(k), Ok(v)) = (&k, &rhs) {
            let limited = self.limits.max_workspace_bytes.is_some();
            if let Some(Value::Matrix(m)) = self.var_slot(cx, target) {
                if let Some(p) = crate::vars::position(*k, m.len()) {
                    let r = m.nrows();
                    // Writing into shared storage copies it.
                    let copies = limited && Arc::strong_count(m) > 1;
                    Arc::make_mut(m)[[p % r, p / r]] = *v;
                    if copies {
                        self.check_growth(cx, target, stmt.span)?;
                    }
                    return Ok(());
                }
            }
        }
        let k = match k {
            Ok(k) => Value::Num(k),
            Err(k) => mla_runtime::value::strip(&k),
        };
        let rhs = rhs.map_or_else(|v| v, Value::Num);
        let args = [IndexArg::Val(k)];
        self.store_indexed(
            cx,
            target,
            name,
            target_span,
            &args,
            rhs,
            AssignOp::Set,
            value.span,
            stmt,
        )
    }

    /// Writes `rhs` (combined with the old element for `+=` and the like)
    /// at `args` of the variable. A function's copy of a workspace matrix
    /// becomes a local first; then the write happens in place, copying
    /// storage only when it is shared.
    #[allow(clippy::too_many_arguments)]
    fn store_indexed(
        &mut self,
        cx: &Ctx,
        target: Var,
        name: &Name,
        target_span: Span,
        args: &[IndexArg],
        mut rhs: Value,
        op: AssignOp,
        value_span: Span,
        stmt: &RStmt,
    ) -> Result<()> {
        // `x[k] = number` into a matrix, the loop's common case, writes the
        // element here (callgrind: the general path costs ~300 instructions).
        if let ([IndexArg::Val(Value::Num(k))], Value::Num(v), AssignOp::Set) = (args, &rhs, op) {
            let limited = self.limits.max_workspace_bytes.is_some();
            if let Some(Value::Matrix(m)) = self.var_slot(cx, target) {
                if *k >= 1.0 && *k <= m.len() as f64 && k.fract() == 0.0 {
                    let (p, r) = (*k as usize - 1, m.nrows());
                    let copies = limited && Arc::strong_count(m) > 1;
                    Arc::make_mut(m)[[p % r, p / r]] = *v;
                    if cx.top && !stmt.quiet {
                        let new = Value::Matrix(m.clone());
                        self.show(cx, stmt, &name.text, &new);
                    }
                    if copies {
                        self.check_growth(cx, target, stmt.span)?;
                    }
                    return Ok(());
                }
            }
        }
        if let Some(bin) = op.binary() {
            let current = self.var_ref(cx, target).expect("checked above");
            let old = cx.index_value(current, args, stmt.span)?;
            rhs = self.binary_values(cx, bin, &old, &rhs, name.span, value_span, stmt.span)?;
        }
        // A function's copy of a workspace matrix becomes a local first; then
        // the write happens in place, copying storage only when it is shared.
        let Some(slot) = self.var_slot(cx, target).as_mut() else {
            return Err(cx.err(
                ErrorKind::Name,
                format!("`{}` was cleared while its index was computed", name.text),
                name.span,
            ));
        };
        let result = match args {
            [k] => mla_runtime::index::assign1(slot, k, &rhs),
            [r, c] => mla_runtime::index::assign2(slot, r, c, &rhs),
            _ => unreachable!("index_args checks the count"),
        };
        if let Err(e) = result {
            return Err(cx
                .runtime_err(e, target_span)
                .and_label(value_span, rhs.describe()));
        }
        let shown = (cx.top && !stmt.quiet).then(|| slot.clone());
        self.check_growth(cx, target, stmt.span)?;
        if let Some(new) = shown {
            self.show(cx, stmt, &name.text, &new);
        }
        Ok(())
    }

    pub(crate) fn split_results(
        &self,
        cx: &Ctx,
        v: Value,
        n: usize,
        at: &RExpr,
    ) -> Result<Vec<Value>> {
        match v {
            Value::Tuple(items) if items.len() >= n => Ok(items[..n].to_vec()),
            Value::Tuple(items) => Err(cx.err(
                ErrorKind::Results,
                format!("{n} results were asked for, but this gives {}", items.len()),
                at.span,
            )),
            single if n == 1 => Ok(vec![single]),
            single => Err(cx
                .err(
                    ErrorKind::Results,
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
    #[allow(clippy::too_many_arguments)]
    fn binary_values(
        &mut self,
        cx: &Ctx,
        op: BinOp,
        lhs: &Value,
        rhs: &Value,
        lspan: Span,
        rspan: Span,
        span: Span,
    ) -> Result<Value> {
        let mut warnings = Vec::new();
        let result = crate::expr::apply_binary(op, lhs, rhs, &mut warnings);
        self.warn_all(cx, span, warnings);
        result.map_err(|e| {
            cx.runtime_err(e, span)
                .and_label(lspan, lhs.describe())
                .and_label(rspan, rhs.describe())
        })
    }
}
