//! Expressions: names, operators, indexing, ranges and the mapping of runtime
//! errors to spans.

use crate::error::{suggest, EvalError};
use crate::exec::is_nothing;
use crate::interp::Interpreter;
use mla_parser::{BinOp, Expr, ExprKind, Name, Span, UnOp};
use mla_runtime::{ops, IndexArg, RuntimeError, Value};

type Result<T> = std::result::Result<T, EvalError>;

/// Applies an infix operator that does not short-circuit.
pub(crate) fn apply_binary(
    op: BinOp,
    a: &Value,
    b: &Value,
) -> std::result::Result<Value, RuntimeError> {
    let s = op.symbol();
    match op {
        BinOp::Add => ops::add(a, b),
        BinOp::Sub => ops::elementwise(s, a, b, |x, y| x - y),
        BinOp::Mul => ops::matmul(a, b),
        BinOp::Div => ops::right_div(a, b),
        BinOp::LeftDiv => ops::left_div(a, b),
        BinOp::ElemMul => ops::elementwise(s, a, b, |x, y| x * y),
        BinOp::ElemDiv => ops::elementwise(s, a, b, |x, y| x / y),
        BinOp::Pow => ops::power(a, b),
        BinOp::ElemPow => ops::elementwise(s, a, b, f64::powf),
        BinOp::Eq => ops::compare(s, a, b, |x, y| x == y),
        BinOp::Ne => ops::compare(s, a, b, |x, y| x != y),
        BinOp::Lt => ops::compare(s, a, b, |x, y| x < y),
        BinOp::Le => ops::compare(s, a, b, |x, y| x <= y),
        BinOp::Gt => ops::compare(s, a, b, |x, y| x > y),
        BinOp::Ge => ops::compare(s, a, b, |x, y| x >= y),
        BinOp::And => ops::compare(s, a, b, |x, y| x != 0.0 && y != 0.0),
        BinOp::Or => ops::compare(s, a, b, |x, y| x != 0.0 || y != 0.0),
        BinOp::AndAlso | BinOp::OrElse => {
            unreachable!("short-circuit operators are evaluated lazily")
        }
    }
}

/// A stable code for each kind of runtime error.
fn code(e: &RuntimeError) -> &'static str {
    use RuntimeError::*;
    match e.inner() {
        Broadcast { .. } | InnerDim { .. } | Shape(_) | NotSquare { .. } => "mla::shape",
        IndexOutOfRange { .. } | BadIndex(_) => "mla::index",
        Type { .. } => "mla::type",
        Arity { .. } | TooManyOutputs { .. } => "mla::call",
        Singular { .. } | Domain(_) => "mla::math",
        TooLarge { .. } => "mla::memory",
        Io { .. } | Csv { .. } => "mla::io",
        OutputClosed => "mla::output-closed",
        User(_) => "mla::user",
        Assertion(_) => "mla::assert",
        Arg { .. } | Callback(_) => "mla::call",
    }
}

impl Interpreter {
    pub(crate) fn err(&self, code: &'static str, msg: impl Into<String>, span: Span) -> EvalError {
        EvalError::new(code, msg, span, &self.source)
    }

    /// A runtime error placed at `span`.
    pub(crate) fn runtime_err(&self, e: RuntimeError, span: Span) -> EvalError {
        let err = self.err(code(&e), e.to_string(), span);
        match e.inner() {
            RuntimeError::Broadcast { .. } => err.with_help(
                "elementwise operands must have equal sizes, or size 1 in a dimension to broadcast",
            ),
            RuntimeError::InnerDim { .. } => {
                err.with_help("for an elementwise product use `.*`; `X'` transposes")
            }
            RuntimeError::TooLarge { .. } => err.with_help(format!(
                "MLA refuses allocations over {} elements",
                mla_runtime::MAX_ELEMENTS
            )),
            _ => err,
        }
    }

    /// One value: a call asked for one result gives its first.
    pub(crate) fn eval(&mut self, e: &Expr) -> Result<Value> {
        let v = self.eval_inner(e, 1)?;
        match v {
            Value::Tuple(items) if matches!(e.kind, ExprKind::Call { .. }) => match items.first() {
                Some(first) => Ok(first.clone()),
                None => Err(self.err("mla::results", "this call gives no value", e.span)),
            },
            other => Ok(other),
        }
    }

    /// A bare expression statement: calls may give nothing (printf).
    pub(crate) fn eval_statement_expr(&mut self, e: &Expr) -> Result<Value> {
        let v = self.eval_inner(e, 1)?;
        match v {
            Value::Tuple(items) if matches!(e.kind, ExprKind::Call { .. }) => {
                Ok(items.first().cloned().unwrap_or_else(crate::exec::nothing))
            }
            other => Ok(other),
        }
    }

    /// A `return` value: a tuple literal stays a tuple.
    pub(crate) fn eval_value_or_tuple(&mut self, e: &Expr) -> Result<Value> {
        if let ExprKind::Tuple(_) = e.kind {
            self.eval_inner(e, 1)
        } else {
            self.eval(e)
        }
    }

    /// Up to `nout` results (a tuple when more than one).
    pub(crate) fn eval_multi(&mut self, e: &Expr, nout: usize) -> Result<Value> {
        self.eval_inner(e, nout)
    }

    pub(crate) fn read_name(&self, name: &Name) -> Result<Value> {
        self.resolve(&name.text, name.span)
    }

    fn resolve(&self, name: &str, span: Span) -> Result<Value> {
        if let Some(v) = self.lookup_var(name) {
            return Ok(v.clone());
        }
        if let Some(f) = self.registry.func(name) {
            return Ok(Value::Func(f));
        }
        if let Some(x) = self.registry.constant(name) {
            return Ok(Value::Num(x));
        }
        Err(self.unknown_name(name, span))
    }

    pub(crate) fn unknown_name(&self, name: &str, span: Span) -> EvalError {
        let mut candidates: Vec<&str> = self.globals.keys().map(|k| &**k).collect();
        if let Some(f) = self.frames.last() {
            candidates.extend(f.vars.keys().map(|k| &**k));
        }
        candidates.extend(self.registry.names());
        let err = self.err("mla::name", format!("`{name}` is not defined"), span);
        match suggest(name, candidates.into_iter()) {
            Some(s) => err.with_help(format!("did you mean `{s}`?")),
            None => err,
        }
    }

    fn eval_inner(&mut self, e: &Expr, nout: usize) -> Result<Value> {
        match &e.kind {
            ExprKind::Number(x) => Ok(Value::Num(*x)),
            ExprKind::Str(s) => Ok(Value::Str(s.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Ident(name) => self.resolve(name, e.span),
            ExprKind::End => match self.end_stack.last() {
                Some(n) => Ok(Value::Num(*n)),
                None => Err(self.err(
                    "mla::syntax",
                    "`end` stands for a size only inside an index, like X[end, 1]",
                    e.span,
                )),
            },
            ExprKind::Colon => Err(self.err(
                "mla::syntax",
                "a lone `:` only means \"all\" inside an index",
                e.span,
            )),
            ExprKind::Matrix(rows) => self.matrix_literal(rows, e.span),
            ExprKind::Tuple(items) => {
                let vals = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Value::tuple(vals))
            }
            ExprKind::Range { start, step, stop } => {
                let (a, s, n) = self.range_parts(start, step.as_deref(), stop, e.span)?;
                Ok(Value::matrix(ndarray::Array2::from_shape_fn(
                    (1, n),
                    |(_, i)| a + s * i as f64,
                )))
            }
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                let r = match op {
                    UnOp::Neg => ops::neg(&v),
                    UnOp::Pos => {
                        if v.is_numeric() {
                            Ok(v.clone())
                        } else {
                            Err(RuntimeError::ty(
                                "a number or matrix for unary `+`",
                                v.describe(),
                            ))
                        }
                    }
                    UnOp::Not => ops::not(&v),
                    UnOp::Transpose => ops::transpose(&v),
                };
                r.map_err(|err| self.runtime_err(err, e.span))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span),
            ExprKind::Call { callee, args } => self.eval_call(callee, args, nout, e.span),
            ExprKind::Index { target, indices } => {
                let t = self.eval(target)?;
                if let Value::Func(f) = &t {
                    return Err(self
                        .err(
                            "mla::type",
                            format!("`{}` is a function and cannot be indexed", f.name()),
                            e.span,
                        )
                        .with_help(format!("call it with parentheses: {}(…)", f.name())));
                }
                let args = self.index_args(t.shape(), indices)?;
                self.index_value(&t, &args, e.span)
            }
            ExprKind::Lambda { params, body } => Ok(self.make_lambda(params, body)),
        }
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, span: Span) -> Result<Value> {
        if let BinOp::AndAlso | BinOp::OrElse = op {
            let l = self.condition(lhs)?;
            if (op == BinOp::AndAlso && !l) || (op == BinOp::OrElse && l) {
                return Ok(Value::Bool(l));
            }
            return Ok(Value::Bool(self.condition(rhs)?));
        }
        let a = self.eval(lhs)?;
        let b = self.eval(rhs)?;
        apply_binary(op, &a, &b).map_err(|err| {
            let op_span = self.operator_span(op, lhs.span, rhs.span).unwrap_or(span);
            let mut e = self.runtime_err(err, op_span);
            if !matches!(a, Value::Num(_)) || !matches!(b, Value::Num(_)) {
                e = e
                    .and_label(lhs.span, a.describe())
                    .and_label(rhs.span, b.describe());
            }
            e
        })
    }

    /// The operator token between two operands, found in the source text.
    fn operator_span(&self, op: BinOp, l: Span, r: Span) -> Option<Span> {
        let text = self.source.text.get(l.end as usize..r.start as usize)?;
        let sym = op.symbol();
        let at = text
            .find(sym)
            .or_else(|| (op == BinOp::Ne).then(|| text.find("~=")).flatten())?;
        let start = l.end as usize + at;
        Some(Span::new(start, start + sym.len()))
    }

    /// Start, step and count of a range; refuses ranges too large to build.
    pub(crate) fn range_parts(
        &mut self,
        start: &Expr,
        step: Option<&Expr>,
        stop: &Expr,
        span: Span,
    ) -> Result<(f64, f64, usize)> {
        let scalar = |me: &mut Self, e: &Expr, what: &str| -> Result<f64> {
            // Range bounds carry no gradient.
            let v = mla_runtime::autodiff::strip(&me.eval(e)?);
            v.to_scalar().map_err(|_| {
                me.err(
                    "mla::type",
                    format!(
                        "the {what} of a range must be a number, got {}",
                        v.describe()
                    ),
                    e.span,
                )
            })
        };
        let a = scalar(self, start, "start")?;
        let s = match step {
            Some(st) => scalar(self, st, "step")?,
            None => 1.0,
        };
        let b = scalar(self, stop, "end")?;
        if a.is_nan() || s.is_nan() || b.is_nan() {
            return Err(self.err(
                "mla::math",
                "a range cannot start, step or end at NaN",
                span,
            ));
        }
        if s == 0.0 || (s > 0.0 && a > b) || (s < 0.0 && a < b) {
            return Ok((a, s, 0));
        }
        let count = ((b - a) / s * (1.0 + 1e-12)).floor() + 1.0;
        if !count.is_finite() || count > mla_runtime::MAX_ELEMENTS as f64 {
            return Err(self.runtime_err(
                RuntimeError::TooLarge {
                    rows: 1.0,
                    cols: count,
                },
                span,
            ));
        }
        Ok((a, s, count as usize))
    }

    /// Evaluates index expressions with `end` bound to the right size.
    pub(crate) fn index_args(
        &mut self,
        (r, c): mla_runtime::Shape,
        indices: &[Expr],
    ) -> Result<Vec<IndexArg>> {
        let sizes: Vec<f64> = match indices.len() {
            1 => vec![(r * c) as f64],
            2 => vec![r as f64, c as f64],
            n => {
                let span = indices[0].span.to(indices[n - 1].span);
                return Err(self.err(
                    "mla::index",
                    format!("matrices take one index (linear) or two (row, column), got {n}"),
                    span,
                ));
            }
        };
        let mut out = Vec::with_capacity(indices.len());
        for (ix, size) in indices.iter().zip(sizes) {
            if let ExprKind::Colon = ix.kind {
                out.push(IndexArg::All);
                continue;
            }
            self.end_stack.push(size);
            let v = self.eval(ix);
            self.end_stack.pop();
            // Indices carry no gradient.
            out.push(IndexArg::Val(mla_runtime::autodiff::strip(&v?)));
        }
        Ok(out)
    }

    pub(crate) fn index_value(
        &self,
        target: &Value,
        args: &[IndexArg],
        span: Span,
    ) -> Result<Value> {
        let r = match args {
            [k] => mla_runtime::index::index1(target, k),
            [i, j] => mla_runtime::index::index2(target, i, j),
            _ => unreachable!("index_args checks the count"),
        };
        r.map_err(|e| self.runtime_err(e, span))
    }

    /// Error for `X(1, 2)` when X is not a function.
    pub(crate) fn not_callable(
        &self,
        name: &str,
        v: &Value,
        span: Span,
        args: &[Expr],
    ) -> EvalError {
        let inside = args
            .first()
            .zip(args.last())
            .and_then(|(a, b)| {
                self.source
                    .text
                    .get(a.span.start as usize..b.span.end as usize)
            })
            .unwrap_or("…");
        let err = self.err(
            "mla::type",
            format!("`{name}` is {}, not a function", v.describe()),
            span,
        );
        if is_nothing(v) {
            err
        } else {
            err.with_help(format!("index with square brackets: {name}[{inside}]"))
        }
    }
}
