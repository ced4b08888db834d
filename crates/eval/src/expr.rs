//! Expressions: names, operators, indexing, ranges and the mapping of runtime
//! errors to spans.

use crate::error::{ErrorKind, EvalError};
use crate::exec::is_nothing;
use crate::interp::{Ctx, Interpreter};
use crate::resolved::{RExpr, RKind};
use mla_parser::{BinOp, Span, UnOp};
use mla_runtime::{ops, IndexArg, Op, RuntimeError, Value};

type Result<T> = std::result::Result<T, EvalError>;

/// The evaluated indices of `X[i]` or `X[i, j]`, kept inline.
pub(crate) type IndexArgs = smallvec::SmallVec<[IndexArg; 2]>;

/// The runtime's operator for an infix operator of the syntax; `None` for
/// `&&` and `||`, which the evaluator short-circuits itself.
pub(crate) fn runtime_op(op: BinOp) -> Option<Op> {
    Some(match op {
        BinOp::Add => Op::Add,
        BinOp::Sub => Op::Sub,
        BinOp::Mul => Op::MatMul,
        BinOp::Div => Op::RightDiv,
        BinOp::LeftDiv => Op::LeftDiv,
        BinOp::ElemMul => Op::ElemMul,
        BinOp::ElemDiv => Op::ElemDiv,
        BinOp::Pow => Op::Pow,
        BinOp::ElemPow => Op::ElemPow,
        BinOp::Eq => Op::Eq,
        BinOp::Ne => Op::Ne,
        BinOp::Lt => Op::Lt,
        BinOp::Le => Op::Le,
        BinOp::Gt => Op::Gt,
        BinOp::Ge => Op::Ge,
        BinOp::And => Op::And,
        BinOp::Or => Op::Or,
        BinOp::AndAlso | BinOp::OrElse => return None,
    })
}

/// Applies an infix operator that does not short-circuit.
pub(crate) fn apply_binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    warnings: &mut Vec<String>,
) -> std::result::Result<Value, RuntimeError> {
    match runtime_op(op) {
        Some(op) => ops::binary(op, a, b, warnings),
        // Reached only if a caller forgot to short-circuit: evaluate both
        // sides as the elementwise operators would.
        None => {
            let op = if op == BinOp::AndAlso {
                Op::And
            } else {
                Op::Or
            };
            ops::binary(op, a, b, warnings)
        }
    }
}

/// The in-place form of an operator whose result may be written into an
/// operand (`ops::reuse`): `+ - .* ./`, and `*`, `/` by a number.
pub(crate) fn in_place(op: BinOp, a: &Value, b: &Value) -> Option<ops::InPlace> {
    ops::in_place(runtime_op(op)?, a, b)
}

/// An operator between two numbers, without a call into the runtime. Gives
/// what `apply_binary` gives for two numbers, except `^` (whose scalar rules
/// live in `ops::power`).
#[inline(always)]
fn scalar_binary(op: BinOp, x: f64, y: f64) -> Option<Value> {
    Some(match op {
        BinOp::Add => Value::Num(x + y),
        BinOp::Sub => Value::Num(x - y),
        BinOp::Mul | BinOp::ElemMul => Value::Num(x * y),
        BinOp::Div | BinOp::ElemDiv => Value::Num(x / y),
        BinOp::Lt => Value::Bool(x < y),
        BinOp::Le => Value::Bool(x <= y),
        BinOp::Gt => Value::Bool(x > y),
        BinOp::Ge => Value::Bool(x >= y),
        BinOp::Eq => Value::Bool(x == y),
        BinOp::Ne => Value::Bool(x != y),
        _ => return None,
    })
}

/// Why a range cannot be walked.
pub(crate) enum RangeError {
    NaN,
    /// More elements than a matrix may hold: the count.
    TooLarge(f64),
}

/// How many elements `a:s:b` has (the general evaluator and the scalar
/// tier walk ranges alike).
pub(crate) fn range_len(a: f64, s: f64, b: f64) -> std::result::Result<usize, RangeError> {
    if a.is_nan() || s.is_nan() || b.is_nan() {
        return Err(RangeError::NaN);
    }
    if s == 0.0 || (s > 0.0 && a > b) || (s < 0.0 && a < b) {
        return Ok(0);
    }
    let count = ((b - a) / s * (1.0 + 1e-12)).floor() + 1.0;
    // A loop walks a range without storing it, so only a count beyond
    // exact integers is refused here; a range stored as a value is checked
    // against the allocation limit where it is built.
    if !count.is_finite() || count > 2f64.powi(53) {
        return Err(RangeError::TooLarge(count));
    }
    Ok(count as usize)
}

/// Whether `e` is written `x'`.
fn is_transpose(e: &RExpr) -> bool {
    matches!(
        e.kind,
        RKind::Unary {
            op: UnOp::Transpose,
            ..
        }
    )
}

/// The kind of each runtime error.
pub(crate) fn kind(e: &RuntimeError) -> ErrorKind {
    use RuntimeError::*;
    match e.inner() {
        Broadcast { .. } | InnerDim { .. } | Shape(_) | NotSquare { .. } => ErrorKind::Shape,
        IndexOutOfRange { .. } | BadIndex(_) => ErrorKind::Index,
        Type { .. } => ErrorKind::Type,
        Arity { .. } | TooManyOutputs { .. } => ErrorKind::Call,
        Singular { .. } | Domain(_) => ErrorKind::Math,
        TooLarge { .. } | OutOfMemory { .. } | AddressSpace { .. } => ErrorKind::Memory,
        Io { .. } | Csv { .. } => ErrorKind::Io,
        Denied { .. } => ErrorKind::Denied,
        Host(_) => ErrorKind::Host,
        OutputClosed => ErrorKind::OutputClosed,
        Interrupted { .. } => ErrorKind::Interrupted,
        Exit(_) => ErrorKind::Exit,
        User(_) => ErrorKind::User,
        Assertion(_) => ErrorKind::Assert,
        Arg { .. } | Callback(_) => ErrorKind::Call,
    }
}

/// The first of several results, where one value is wanted.
fn first_result(cx: &Ctx, items: &[Value], span: Span) -> Result<Value> {
    match items.first() {
        Some(first) => Ok(first.clone()),
        None => Err(cx.err(ErrorKind::Results, "this call gives no value", span)),
    }
}

impl Ctx<'_> {
    /// An error in the running code's source.
    pub(crate) fn err(&self, kind: ErrorKind, msg: impl Into<String>, span: Span) -> EvalError {
        EvalError::new(kind, msg, span, self.source)
    }

    /// A runtime error placed at `span`.
    pub(crate) fn runtime_err(&self, e: RuntimeError, span: Span) -> EvalError {
        let mut err = self.err(kind(&e), e.to_string(), span);
        if let RuntimeError::Exit(code) = e.inner() {
            err.exit_status = Some(*code);
        }
        match e.inner() {
            RuntimeError::Broadcast { .. } => err.with_help(
                "elementwise operands must have equal sizes, or size 1 in a dimension to broadcast",
            ),
            RuntimeError::InnerDim { .. } => {
                err.with_help("for an elementwise product use `.*`; `X'` transposes")
            }
            RuntimeError::Interrupted { abandoned: None } => err.with_help(crate::interp::KEPT),
            RuntimeError::Interrupted {
                abandoned: Some(what),
            } => err.with_help(format!(
                "{}; the {what} already started finishes in the background, and its result is dropped",
                crate::interp::KEPT
            )),
            RuntimeError::TooLarge { .. } => err.with_help(
                "MLA refuses to allocate more than this at once, to keep the process alive",
            ),
            RuntimeError::OutOfMemory { .. } | RuntimeError::AddressSpace { .. } => err.with_help(
                "nothing was allocated and the variables are as they were; clear variables you no longer need (`clear x`) or work in smaller pieces",
            ),
            _ => err,
        }
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
}

impl Interpreter {
    /// One value: a call asked for one result gives its first.
    ///
    /// The hot kinds (numbers, names, operators, calls) are handled here in
    /// a small function; the rest goes to `eval_cold`. A single large match
    /// made every evaluation pay the prologue of the largest arm (callgrind:
    /// ~70 instructions of register saves per node).
    #[inline]
    pub(crate) fn eval(&mut self, cx: &Ctx, e: &RExpr) -> Result<Value> {
        match &e.kind {
            RKind::Num(x) => Ok(Value::Num(*x)),
            RKind::Var(v) => self.read(cx, *v, e.span),
            RKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(cx, *op, *op_span, lhs, rhs),
            RKind::Call { callee, args } => match self.eval_call(cx, callee, args, 1, e.span)? {
                Value::Tuple(items) => first_result(cx, &items, e.span),
                other => Ok(other),
            },
            RKind::Index { target, indices } => self.eval_index(cx, target, indices, e.span),
            _ => self.eval_cold(cx, e, 1),
        }
    }

    /// A bare expression statement: calls may give nothing (printf).
    pub(crate) fn eval_statement_expr(&mut self, cx: &Ctx, e: &RExpr) -> Result<Value> {
        match &e.kind {
            RKind::Call { callee, args } => match self.eval_call(cx, callee, args, 1, e.span)? {
                Value::Tuple(items) => {
                    Ok(items.first().cloned().unwrap_or_else(crate::exec::nothing))
                }
                other => Ok(other),
            },
            _ => self.eval(cx, e),
        }
    }

    /// A `return` value: a tuple literal stays a tuple.
    pub(crate) fn eval_value_or_tuple(&mut self, cx: &Ctx, e: &RExpr) -> Result<Value> {
        match e.kind {
            RKind::Tuple(_) => self.eval_cold(cx, e, 1),
            _ => self.eval(cx, e),
        }
    }

    /// Up to `nout` results (a tuple when more than one); a tuple literal
    /// stays a tuple.
    pub(crate) fn eval_multi(&mut self, cx: &Ctx, e: &RExpr, nout: usize) -> Result<Value> {
        match &e.kind {
            RKind::Call { callee, args } => self.eval_call(cx, callee, args, nout, e.span),
            _ => self.eval_cold(cx, e, nout),
        }
    }

    #[inline(never)]
    fn eval_cold(&mut self, cx: &Ctx, e: &RExpr, nout: usize) -> Result<Value> {
        match &e.kind {
            RKind::Num(_) | RKind::Var(_) | RKind::Binary { .. } | RKind::Index { .. } => {
                self.eval(cx, e)
            }
            RKind::Call { callee, args } => self.eval_call(cx, callee, args, nout, e.span),
            RKind::Str(s) => Ok(Value::Str(s.clone())),
            RKind::Bool(b) => Ok(Value::Bool(*b)),
            RKind::End => match cx.end {
                Some(n) => Ok(Value::Num(n)),
                None => Err(cx.err(
                    ErrorKind::Syntax,
                    "`end` stands for a size only inside an index, like X[end, 1]",
                    e.span,
                )),
            },
            RKind::Colon => Err(cx.err(
                ErrorKind::Syntax,
                "a lone `:` only means \"all\" inside an index",
                e.span,
            )),
            RKind::Matrix(rows) => self.matrix_literal(cx, rows, e.span),
            RKind::Tuple(items) => {
                let vals = items
                    .iter()
                    .map(|i| self.eval(cx, i))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Value::tuple(vals))
            }
            RKind::Range { start, step, stop } => {
                let (a, s, n) = self.range_parts(cx, start, step.as_deref(), stop, e.span)?;
                // A loop walks a range without storing it; a value holds it.
                mla_runtime::value::check_alloc(1, n).map_err(|err| cx.runtime_err(err, e.span))?;
                Ok(Value::matrix(ndarray::Array2::from_shape_fn(
                    (1, n),
                    |(_, i)| a + s * i as f64,
                )))
            }
            RKind::Unary { op, operand } => {
                let v = self.eval(cx, operand)?;
                let r = match (op, &v) {
                    (UnOp::Neg, Value::Num(x)) => return Ok(Value::Num(-x)),
                    (UnOp::Neg, _) => ops::neg(&v),
                    (UnOp::Pos, _) => {
                        if v.is_numeric() {
                            Ok(v.clone())
                        } else {
                            Err(RuntimeError::ty(
                                "a number or matrix for unary `+`",
                                v.describe(),
                            ))
                        }
                    }
                    (UnOp::Not, _) => ops::not(&v),
                    (UnOp::Transpose, _) => ops::transpose(&v),
                };
                r.map_err(|err| cx.runtime_err(err, e.span))
            }
            RKind::Lambda(proto) => Ok(self.make_lambda(cx, proto)),
        }
    }

    #[inline(never)]
    fn eval_index(
        &mut self,
        cx: &Ctx,
        target: &RExpr,
        indices: &[RExpr],
        span: Span,
    ) -> Result<Value> {
        // `x[k]` of a variable holding a matrix reads the element in place,
        // without cloning the matrix or building an index list.
        if let (RKind::Var(v), [ix]) = (&target.kind, indices) {
            let len = match self.var_ref(cx, *v) {
                Some(Value::Matrix(m)) if !matches!(ix.kind, RKind::Colon) => Some(m.len()),
                _ => None,
            };
            if let Some(len) = len {
                let k = match self.operand(cx, ix) {
                    Some(k) => k,
                    None => {
                        let inner = cx.with_end(len as f64);
                        match crate::vars::take_num(self.eval(&inner, ix)?) {
                            Ok(k) => k,
                            Err(k) => return self.index_var_at(cx, *v, target, k, span),
                        }
                    }
                };
                if let (Some(Value::Matrix(m)), Some(p)) =
                    (self.var_ref(cx, *v), crate::vars::position(k, len))
                {
                    let r = m.nrows();
                    return Ok(Value::Num(m[[p % r, p / r]]));
                }
                return self.index_var_at(cx, *v, target, Value::Num(k), span);
            }
        }
        self.index_general(cx, target, indices, span)
    }

    /// `x[k]` of a variable with the index already evaluated.
    #[inline(never)]
    fn index_var_at(
        &mut self,
        cx: &Ctx,
        v: crate::resolved::Var,
        target: &RExpr,
        k: Value,
        span: Span,
    ) -> Result<Value> {
        let t = self.read(cx, v, target.span)?;
        let k = IndexArg::Val(mla_runtime::value::strip(&k));
        cx.index_value(&t, std::slice::from_ref(&k), span)
    }

    #[inline(never)]
    fn index_general(
        &mut self,
        cx: &Ctx,
        target: &RExpr,
        indices: &[RExpr],
        span: Span,
    ) -> Result<Value> {
        let t = self.eval(cx, target)?;
        if let Value::Func(f) = &t {
            return Err(cx
                .err(
                    ErrorKind::Type,
                    format!("`{}` is a function and cannot be indexed", f.name()),
                    span,
                )
                .with_help(format!("call it with parentheses: {}(…)", f.name())));
        }
        let args = self.index_args(cx, t.shape(), indices)?;
        cx.index_value(&t, &args, span)
    }

    #[inline]
    fn binary(
        &mut self,
        cx: &Ctx,
        op: BinOp,
        op_span: Span,
        lhs: &RExpr,
        rhs: &RExpr,
    ) -> Result<Value> {
        if let BinOp::AndAlso | BinOp::OrElse = op {
            return self.short_circuit(cx, op, lhs, rhs);
        }
        if op == BinOp::Mul && (is_transpose(lhs) || is_transpose(rhs)) {
            return self.transposed_product(cx, op_span, lhs, rhs);
        }
        // Operands that are numbers in variables or literals are read here,
        // without a round trip through `eval` (callgrind: ~50 instructions
        // per operand, a third of `s = s + i * 0.5`).
        let a = match self.operand(cx, lhs) {
            Some(x) => Value::Num(x),
            None => self.eval(cx, lhs)?,
        };
        let b = match self.operand(cx, rhs) {
            Some(y) => Value::Num(y),
            None => self.eval(cx, rhs)?,
        };
        if let (Value::Num(x), Value::Num(y)) = (&a, &b) {
            if let Some(v) = scalar_binary(op, *x, *y) {
                // Numbers own nothing; forgetting them skips two calls to
                // the drop glue that the compiler keeps otherwise
                // (callgrind: 24 instructions per operator).
                std::mem::forget(a);
                std::mem::forget(b);
                return Ok(v);
            }
        }
        self.binary_values_at(cx, op, op_span, lhs, rhs, a, b)
    }

    /// The number an operand stands for, when it is a literal or a variable
    /// holding a number.
    #[inline(always)]
    pub(crate) fn operand(&self, cx: &Ctx, e: &RExpr) -> Option<f64> {
        match e.kind {
            RKind::Num(x) => Some(x),
            RKind::Var(v) => match self.var_ref(cx, v) {
                Some(Value::Num(x)) => Some(*x),
                _ => None,
            },
            _ => None,
        }
    }

    /// `A' * B`, `A * B'`: the product reads the transposed matrix in
    /// place (`ops::matmul_transposed`). Each side is evaluated, and a
    /// side that is not a plain matrix transposed, in the order `A' * B`
    /// would, so output, results and errors do not change.
    #[inline(never)]
    fn transposed_product(
        &mut self,
        cx: &Ctx,
        op_span: Span,
        lhs: &RExpr,
        rhs: &RExpr,
    ) -> Result<Value> {
        let a = self.transpose_operand(cx, lhs)?;
        let b = self.transpose_operand(cx, rhs)?;
        let (ta, tb) = (a.1, b.1);
        if ta || tb {
            if let Ok(v) = ops::matmul_transposed(&a.0, ta, &b.0, tb) {
                return Ok(v);
            }
        }
        let settle = |(v, t): (Value, bool), e: &RExpr| -> Result<Value> {
            if t {
                ops::transpose(&v).map_err(|err| cx.runtime_err(err, e.span))
            } else {
                Ok(v)
            }
        };
        let a = settle(a, lhs)?;
        let b = settle(b, rhs)?;
        self.binary_values_at(cx, BinOp::Mul, op_span, lhs, rhs, a, b)
    }

    /// An operand of a product and whether it is still to be transposed:
    /// only a plain matrix is left for the product to read transposed.
    fn transpose_operand(&mut self, cx: &Ctx, e: &RExpr) -> Result<(Value, bool)> {
        if let RKind::Unary {
            op: UnOp::Transpose,
            operand,
        } = &e.kind
        {
            let v = self.eval(cx, operand)?;
            if matches!(v, Value::Matrix(_)) {
                return Ok((v, true));
            }
            let t = ops::transpose(&v).map_err(|err| cx.runtime_err(err, e.span))?;
            return Ok((t, false));
        }
        Ok((self.eval(cx, e)?, false))
    }

    #[inline(never)]
    fn short_circuit(&mut self, cx: &Ctx, op: BinOp, lhs: &RExpr, rhs: &RExpr) -> Result<Value> {
        let l = self.condition(cx, lhs)?;
        if (op == BinOp::AndAlso && !l) || (op == BinOp::OrElse && l) {
            return Ok(Value::Bool(l));
        }
        Ok(Value::Bool(self.condition(cx, rhs)?))
    }

    /// An operator on values that are not two numbers, or whose scalar rule
    /// lives in the runtime; errors point at the operator and both operands.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn binary_values_at(
        &mut self,
        cx: &Ctx,
        op: BinOp,
        op_span: Span,
        lhs: &RExpr,
        rhs: &RExpr,
        mut a: Value,
        mut b: Value,
    ) -> Result<Value> {
        if let Some(form) = in_place(op, &a, &b) {
            if let Some(v) = ops::reuse(&mut a, &mut b, form) {
                return Ok(v);
            }
        }
        let mut warnings = Vec::new();
        let result = apply_binary(op, &a, &b, &mut warnings);
        self.warn_all(cx, op_span, warnings);
        result.map_err(|err| {
            let mut e = cx.runtime_err(err, op_span);
            if !matches!(a, Value::Num(_)) || !matches!(b, Value::Num(_)) {
                e = e
                    .and_label(lhs.span, a.describe())
                    .and_label(rhs.span, b.describe());
            }
            e
        })
    }

    /// Start, step and count of a range; refuses ranges too large to build.
    pub(crate) fn range_parts(
        &mut self,
        cx: &Ctx,
        start: &RExpr,
        step: Option<&RExpr>,
        stop: &RExpr,
        span: Span,
    ) -> Result<(f64, f64, usize)> {
        let scalar = |me: &mut Self, e: &RExpr, what: &str| -> Result<f64> {
            let v = me.eval(cx, e)?;
            if let Value::Num(x) = v {
                return Ok(x);
            }
            // Range bounds carry no gradient.
            let v = mla_runtime::value::strip(&v);
            v.as_scalar().ok_or_else(|| {
                cx.err(
                    ErrorKind::Type,
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
        match range_len(a, s, b) {
            Ok(n) => Ok((a, s, n)),
            Err(RangeError::NaN) => Err(cx.err(
                ErrorKind::Math,
                "a range cannot start, step or end at NaN",
                span,
            )),
            Err(RangeError::TooLarge(count)) => Err(cx.runtime_err(
                RuntimeError::TooLarge {
                    rows: 1.0,
                    cols: count,
                    limit: mla_runtime::MAX_ELEMENTS,
                },
                span,
            )),
        }
    }

    /// Evaluates index expressions with `end` bound to the right size.
    pub(crate) fn index_args(
        &mut self,
        cx: &Ctx,
        (r, c): mla_runtime::Shape,
        indices: &[RExpr],
    ) -> Result<IndexArgs> {
        let sizes: [f64; 2] = match indices.len() {
            1 => [(r * c) as f64, 0.0],
            2 => [r as f64, c as f64],
            n => {
                let span = indices[0].span.to(indices[n - 1].span);
                return Err(cx.err(
                    ErrorKind::Index,
                    format!("matrices take one index (linear) or two (row, column), got {n}"),
                    span,
                ));
            }
        };
        let mut out = IndexArgs::new();
        for (ix, size) in indices.iter().zip(sizes) {
            if let RKind::Colon = ix.kind {
                out.push(IndexArg::All);
                continue;
            }
            let inner = cx.with_end(size);
            let v = self.eval(&inner, ix)?;
            // Indices carry no gradient.
            out.push(IndexArg::Val(match v {
                Value::Num(_) => v,
                v => mla_runtime::value::strip(&v),
            }));
        }
        Ok(out)
    }

    /// Error for `X(1, 2)` when X is not a function.
    pub(crate) fn not_callable(
        cx: &Ctx,
        name: &str,
        v: &Value,
        span: Span,
        args: &[RExpr],
    ) -> EvalError {
        let inside = args
            .first()
            .zip(args.last())
            .and_then(|(a, b)| {
                cx.source
                    .text
                    .get(a.span.start as usize..b.span.end as usize)
            })
            .unwrap_or("…");
        let err = cx.err(
            ErrorKind::Type,
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
