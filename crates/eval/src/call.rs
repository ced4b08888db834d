//! Calls: builtins through the registry, user functions and lambdas in
//! frames of slots on the value stack, the depth limit and the call chain in
//! errors.
//!
//! A user function's arguments are evaluated straight into its frame: the
//! call allocates nothing but the stack's growth, which is kept between
//! calls. Builtins get their arguments in a small inline vector.

use crate::callable::{Lambda, UserFunction};
use crate::error::{ErrorKind, EvalError, TraceFrame};
use crate::exec::{nothing, Flow, Last};
use crate::interp::{Ctx, Interpreter};
use crate::resolved::{FnProto, LambdaProto, RExpr, RKind};
use crate::source::Source;
use mla_parser::{Name, Span};
use mla_runtime::{builtins, CallContext, CallSite, Func, RuntimeError, Value};
use smallvec::SmallVec;
use std::sync::Arc;

type Result<T> = std::result::Result<T, EvalError>;

/// Arguments of a builtin call: most calls have four or fewer.
type Args = SmallVec<[Value; 4]>;

/// Where a call's arguments came from, to place argument errors.
#[derive(Clone, Copy)]
enum ArgsAt<'a> {
    /// Written in the source.
    Exprs(&'a [RExpr]),
    /// Values handed over (a callback or the embedding API): errors go to
    /// the call site.
    CallSite,
}

impl ArgsAt<'_> {
    fn span(self, i: usize, call: Span) -> Span {
        match self {
            ArgsAt::Exprs(e) => e.get(i).map_or(call, |a| a.span),
            ArgsAt::CallSite => call,
        }
    }
}

/// A user function as the evaluator runs it.
enum Callee {
    Named(Arc<FnProto>),
    Lambda(Arc<LambdaProto>, Func),
}

fn callee(f: &Func) -> Option<Callee> {
    let Func::User(u) = f else { return None };
    let any = u.as_any();
    if let Some(uf) = any.downcast_ref::<UserFunction>() {
        return Some(Callee::Named(uf.0.clone()));
    }
    any.downcast_ref::<Lambda>()
        .map(|l| Callee::Lambda(l.proto.clone(), f.clone()))
}

impl Interpreter {
    pub(crate) fn eval_call(
        &mut self,
        cx: &Ctx,
        callee_expr: &RExpr,
        args: &[RExpr],
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        // A named function held by a variable: one reference count for its
        // resolved body, no clone of the function value (callgrind: the
        // atomic counts were a fifth of a call to `fib`).
        if let RKind::Var(v) = callee_expr.kind {
            if let Some(Value::Func(Func::User(u))) = self.var_ref(cx, v) {
                if let Some(uf) = u.as_any().downcast_ref::<UserFunction>() {
                    let proto = uf.0.clone();
                    if proto.params.len() != args.len() {
                        return Err(arity_error(
                            cx,
                            &proto.name,
                            &proto.params,
                            args.len(),
                            span,
                        ));
                    }
                    let base = self.push_args(cx, args)?;
                    if nout <= 1 && self.scalar_tier {
                        if let Some(x) = self.try_scalar(&proto, base) {
                            self.pop_frame(base);
                            return Ok(Value::Num(x));
                        }
                    }
                    return self.run_named(cx, &proto, base, nout, span);
                }
            }
        }
        let f = match callee_expr.kind {
            RKind::Var(v) => {
                match self.var_ref(cx, v) {
                    Some(Value::Func(f)) => f.clone(),
                    Some(other) => {
                        let other = other.clone();
                        return Err(Self::not_callable(
                            cx,
                            &Self::var_name(cx, v),
                            &other,
                            span,
                            args,
                        ));
                    }
                    None => match self.fallback(cx, v, callee_expr.span) {
                        Ok(Value::Func(f)) => f,
                        Ok(Value::Num(_)) => {
                            // `pi(2)`, `NaN(2, 2)`: a constant called.
                            let name = Self::var_name(cx, v);
                            let dims: Vec<&str> = args
                                .iter()
                                .map(|a| {
                                    cx.source
                                        .text
                                        .get(a.span.start as usize..a.span.end as usize)
                                        .unwrap_or("n")
                                })
                                .collect();
                            let example = if dims.is_empty() {
                                "2, 2".to_string()
                            } else {
                                dims.join(", ")
                            };
                            return Err(cx
                            .err(
                                ErrorKind::Type,
                                format!("`{name}` is a number, not a function: it takes no arguments"),
                                span,
                            )
                            .with_help(format!(
                                "for a matrix filled with {name}, write fill({name}, {example})"
                            )));
                        }
                        _ => {
                            let name = Self::var_name(cx, v);
                            return Err(self.unknown_name(cx, &name, callee_expr.span));
                        }
                    },
                }
            }
            _ => match self.eval(cx, callee_expr)? {
                Value::Func(f) => f,
                other => {
                    return Err(cx.err(
                        ErrorKind::Type,
                        format!("{} cannot be called", other.describe()),
                        callee_expr.span,
                    ))
                }
            },
        };
        match callee(&f) {
            Some(Callee::Named(proto)) => {
                check_arity(cx, &proto.name, &proto.params, args.len(), span)?;
                let base = self.push_args(cx, args)?;
                self.run_named(cx, &proto, base, nout, span)
            }
            Some(Callee::Lambda(proto, f)) => {
                check_arity(cx, "<lambda>", &proto.params, args.len(), span)?;
                let base = self.push_args(cx, args)?;
                self.run_lambda(cx, &proto, &f, base, nout, span)
            }
            None => {
                let mut values = Args::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(cx, a)?);
                }
                self.call_builtin(cx, &f, &values, ArgsAt::Exprs(args), nout, span)
            }
        }
    }

    /// Evaluates arguments onto the value stack; their slots become the
    /// parameters of the frame that starts at the returned base.
    fn push_args(&mut self, cx: &Ctx, args: &[RExpr]) -> Result<usize> {
        let base = self.stack.len();
        for a in args {
            match self.eval(cx, a) {
                Ok(v) => self.stack.push(Some(v)),
                Err(e) => {
                    self.stack.truncate(base);
                    return Err(e);
                }
            }
        }
        Ok(base)
    }

    /// Calls a function value with argument values (callbacks, commands and
    /// the embedding API).
    pub(crate) fn call_value(
        &mut self,
        cx: &Ctx,
        f: &Func,
        args: Vec<Value>,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        match callee(f) {
            Some(Callee::Named(proto)) => {
                check_arity(cx, &proto.name, &proto.params, args.len(), span)?;
                let base = self.stack.len();
                self.stack.extend(args.into_iter().map(Some));
                self.run_named(cx, &proto, base, nout, span)
            }
            Some(Callee::Lambda(proto, f)) => {
                check_arity(cx, "<lambda>", &proto.params, args.len(), span)?;
                let base = self.stack.len();
                self.stack.extend(args.into_iter().map(Some));
                self.run_lambda(cx, &proto, &f, base, nout, span)
            }
            None => self.call_builtin(cx, f, &args, ArgsAt::CallSite, nout, span),
        }
    }

    fn call_builtin(
        &mut self,
        cx: &Ctx,
        f: &Func,
        args: &[Value],
        at: ArgsAt,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        let Some(b) = f.builtin() else {
            return Err(cx.err(ErrorKind::Type, "this function cannot be called here", span));
        };
        let mut host = BuiltinHost { me: self, cx, span };
        let site = CallSite::new(span.start, span.end);
        let result = builtins::call(b, &mut CallContext::new(&mut host, nout, site), args);
        result.map_err(|e| {
            // An error in user code that the builtin called back comes
            // back whole, with its own place and call chain.
            let e = match e.into_callback::<EvalError>() {
                Ok(inner) => return inner,
                Err(e) => e,
            };
            let place = match &e {
                RuntimeError::Arg { index, .. } => at.span(*index, span),
                _ => span,
            };
            let err = cx.runtime_err(e.clone(), place);
            match e {
                RuntimeError::Arity { .. } => err.with_help(format!("{}: {}", b.signature, b.doc)),
                _ => err,
            }
        })
    }

    /// Counts a call in and checks the limits.
    #[inline]
    fn enter(&mut self, cx: &Ctx, span: Span) -> Result<()> {
        self.tick(cx, span)?;
        if self.depth >= self.limits.max_call_depth
            || crate::interp::stack_address() < self.stack_floor
        {
            return Err(self.too_deep(cx, span));
        }
        self.depth += 1;
        Ok(())
    }

    #[cold]
    fn too_deep(&self, cx: &Ctx, span: Span) -> EvalError {
        let message = if self.depth >= self.limits.max_call_depth {
            format!(
                "calls are nested more than {} deep",
                self.limits.max_call_depth
            )
        } else {
            format!(
                "calls are nested too deep for the stack ({} deep)",
                self.depth
            )
        };
        cx.err(ErrorKind::Recursion, message, span)
            .with_help("a recursive function needs a case that stops the recursion")
    }

    /// Leaves a frame, error or not, and names the call in an error's chain.
    fn leave<T>(
        &mut self,
        cx: &Ctx,
        base: usize,
        name: &str,
        span: Span,
        result: Result<T>,
    ) -> Result<T> {
        self.depth -= 1;
        self.pop_frame(base);
        result.map_err(|mut e| {
            e.trace.push(TraceFrame {
                function: name.to_string(),
                call_site: span,
                source: cx.source.clone(),
            });
            e
        })
    }

    /// Drops the slots from `base` up; numbers and empty slots own nothing
    /// and are forgotten without the drop glue (callgrind: ~12
    /// instructions a slot).
    #[inline]
    fn pop_frame(&mut self, base: usize) {
        while self.stack.len() > base {
            match self.stack.pop() {
                Some(v @ (None | Some(Value::Num(_)))) => std::mem::forget(v),
                other => drop(other),
            }
        }
    }

    /// Runs a named function whose arguments are on the stack from `base`.
    fn run_named(
        &mut self,
        cx: &Ctx,
        proto: &FnProto,
        base: usize,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        if let Err(e) = self.enter(cx, span) {
            self.stack.truncate(base);
            return Err(e);
        }
        self.stack.resize(base + proto.slots.len(), None);
        let fcx = Ctx::frame(base, &proto.slots, &proto.source);
        let result = self.function_body(&fcx, proto, nout, span);
        let v = self.leave(cx, base, &proto.name, span, result)?;
        check_results(cx, &proto.name, v, nout, span)
    }

    fn function_body(
        &mut self,
        fcx: &Ctx,
        proto: &FnProto,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        let mut last = Last::Nothing;
        let flow = self.exec_block(fcx, &proto.body, &mut last)?;
        if let ([(slot, o)], 0 | 1) = (proto.outputs.as_slice(), nout) {
            return match &self.stack[fcx.base + *slot as usize] {
                Some(v) => Ok(v.clone()),
                None => Err(unassigned_output(fcx, proto, o)),
            };
        }
        if !proto.outputs.is_empty() {
            if nout > proto.outputs.len() {
                return Err(too_many(fcx, &proto.name, nout, proto.outputs.len(), span));
            }
            let mut outs = SmallVec::<[Value; 2]>::new();
            for (slot, o) in proto.outputs.iter().take(nout.max(1)) {
                match &self.stack[fcx.base + *slot as usize] {
                    Some(v) => outs.push(v.clone()),
                    None => return Err(unassigned_output(fcx, proto, o)),
                }
            }
            return Ok(if outs.len() == 1 {
                outs.pop().expect("one")
            } else {
                Value::tuple(outs.into_vec())
            });
        }
        Ok(match flow {
            Flow::Return(Some(v)) => v,
            Flow::Return(None) => nothing(),
            _ => self.last_value(fcx, last),
        })
    }

    /// Runs a lambda whose arguments are on the stack from `base`; its
    /// captured values fill the slots after them.
    fn run_lambda(
        &mut self,
        cx: &Ctx,
        proto: &LambdaProto,
        f: &Func,
        base: usize,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        if let Err(e) = self.enter(cx, span) {
            self.stack.truncate(base);
            return Err(e);
        }
        if let Some(l) = f.user().and_then(|u| u.as_any().downcast_ref::<Lambda>()) {
            self.stack.extend(l.captured.iter().cloned());
        }
        let fcx = Ctx::frame(base, &proto.slots, &proto.source);
        let result = self.eval_multi(&fcx, &proto.body, nout);
        let v = self.leave(cx, base, "<lambda>", span, result)?;
        check_results(cx, "<lambda>", v, nout, span)
    }

    /// A lambda copies the enclosing locals it uses when it is created.
    pub(crate) fn make_lambda(&self, cx: &Ctx, proto: &Arc<LambdaProto>) -> Value {
        let captured = proto
            .captures
            .iter()
            .map(|&s| self.stack[cx.base + s as usize].clone())
            .collect();
        Value::Func(Func::User(Arc::new(Lambda {
            proto: proto.clone(),
            captured,
        })))
    }

    /// Calls a workspace function or builtin by name (for embedders);
    /// returns its first result.
    pub fn call(&mut self, name: &str, args: Vec<Value>) -> Result<Value> {
        self.call_results(name, args, 1)
    }

    /// Calls a workspace function or builtin by name asking `nout`
    /// results: a tuple of them when `nout > 1`, else the first. Errors
    /// at the call point at a source `name(…)` called `<call>`.
    pub fn call_results(&mut self, name: &str, args: Vec<Value>, nout: usize) -> Result<Value> {
        let source = Source::new("<call>", format!("{name}(…)"));
        let cx = Ctx {
            base: 0,
            slots: &crate::resolved::Slots::default(),
            source: &source,
            end: None,
            top: false,
        };
        let span = Span::new(0, source.text.len());
        let f = match self.get(name) {
            Some(Value::Func(f)) => f.clone(),
            _ => match self.registry.func(name) {
                Some(f) => f,
                None => return Err(self.unknown_name(&cx, name, Span::new(0, name.len()))),
            },
        };
        let _limit = self.begin(self.limits.host_stack_bytes);
        // Long kernels stop on the interrupt flag here too, as in `run`.
        let _watch = mla_runtime::interrupt::watch(self.interrupt.clone());
        let v = self.call_value(&cx, &f, args, nout, span)?;
        Ok(match v {
            Value::Tuple(items) if nout <= 1 && !items.is_empty() => items[0].clone(),
            Value::Tuple(items) if nout > 1 && items.len() > nout => {
                Value::tuple(items[..nout].to_vec())
            }
            other => other,
        })
    }
}

#[cold]
fn unassigned_output(cx: &Ctx, proto: &FnProto, o: &Name) -> EvalError {
    cx.err(
        ErrorKind::Results,
        format!(
            "`{}` ended without assigning its output `{}`",
            proto.name, o.text
        ),
        o.span,
    )
}

#[inline]
fn check_arity(cx: &Ctx, name: &str, params: &[Name], given: usize, span: Span) -> Result<()> {
    if params.len() != given {
        return Err(arity_error(cx, name, params, given, span));
    }
    Ok(())
}

#[cold]
fn arity_error(cx: &Ctx, name: &str, params: &[Name], given: usize, span: Span) -> EvalError {
    let list: Vec<&str> = params.iter().map(|p| &*p.text).collect();
    cx.err(
        ErrorKind::Call,
        format!(
            "`{name}` takes {} argument{} ({}), but was given {given}",
            params.len(),
            if params.len() == 1 { "" } else { "s" },
            list.join(", ")
        ),
        span,
    )
}

fn too_many(cx: &Ctx, name: &str, asked: usize, has: usize, span: Span) -> EvalError {
    cx.runtime_err(
        RuntimeError::TooManyOutputs {
            name: name.into(),
            asked,
            has,
        },
        span,
    )
}

#[inline]
fn check_results(cx: &Ctx, name: &str, v: Value, nout: usize, span: Span) -> Result<Value> {
    if nout <= 1 {
        return Ok(v);
    }
    let has = match &v {
        Value::Tuple(items) => items.len(),
        _ => 1,
    };
    if nout > 1 && has < nout {
        return Err(too_many(cx, name, nout, has, span));
    }
    Ok(v)
}

/// What a builtin sees of the interpreter during one call: the caller's
/// context travels with it, so nothing is saved in the interpreter.
struct BuiltinHost<'a, 'c> {
    me: &'a mut Interpreter,
    cx: &'a Ctx<'c>,
    /// Where the builtin was called, for its warnings.
    span: Span,
}

impl mla_runtime::Host for BuiltinHost<'_, '_> {
    fn out(&mut self) -> &mut dyn std::io::Write {
        &mut self.me.out
    }

    fn rng(&mut self) -> &mut mla_runtime::Rng {
        &mut self.me.rng
    }

    fn clock(&mut self) -> &mut Option<std::time::Instant> {
        &mut self.me.clock
    }

    fn plots(&mut self) -> &mut mla_runtime::plot::Plots {
        &mut self.me.plots
    }

    fn show_figures(&mut self) -> mla_runtime::Result<()> {
        self.me
            .show_figures_now()
            .map_err(|e| mla_runtime::RuntimeError::output(&e))
    }

    fn progress_asked(&mut self) {
        self.me.progress_asked = true;
    }

    fn width(&self) -> usize {
        self.me.width
    }

    fn registry(&self) -> &mla_runtime::Registry {
        &self.me.registry
    }

    fn call_function(
        &mut self,
        f: &Func,
        args: Vec<Value>,
        site: CallSite,
    ) -> mla_runtime::Result<Value> {
        self.call_function_n(f, args, 1, site)
    }

    fn call_function_n(
        &mut self,
        f: &Func,
        args: Vec<Value>,
        nout: usize,
        site: CallSite,
    ) -> mla_runtime::Result<Value> {
        let span = Span {
            start: site.start(),
            end: site.end(),
        };
        self.me
            .call_value(self.cx, f, args, nout, span)
            .map_err(RuntimeError::callback)
    }

    fn variable(&self, name: &str) -> Option<Value> {
        self.me.get(name).cloned()
    }

    fn clear(&mut self, names: &[String]) -> mla_runtime::Result<()> {
        if names.is_empty() {
            self.me.ws.clear_all();
        } else {
            for n in names {
                if let Some(id) = crate::names::find(n) {
                    *self.me.ws.slot(id) = None;
                }
            }
        }
        Ok(())
    }

    fn read_file(&mut self, path: &str) -> mla_runtime::Result<Vec<u8>> {
        self.me.limits.files.read(path)
    }

    fn files_unrestricted(&self) -> bool {
        matches!(self.me.limits.files, crate::limits::FilePolicy::Allow)
    }

    fn write_file(&mut self, path: &str, bytes: &[u8]) -> mla_runtime::Result<()> {
        self.me.limits.files.write(path, bytes)
    }

    fn run_file(&mut self, path: &str) -> mla_runtime::Result<()> {
        let bytes = self.me.limits.files.read(path)?;
        let text = String::from_utf8(bytes).map_err(|_| RuntimeError::Io {
            path: path.into(),
            reason: "the script is not UTF-8 text".into(),
        })?;
        let source = Source::new(path, text);
        let parsed = crate::source::parse(&source).map_err(RuntimeError::callback)?;
        let program = crate::resolve::program(&parsed, &source);
        self.me
            .exec_program(&program)
            .map(|_| ())
            .map_err(RuntimeError::callback)
    }

    fn warn(&mut self, message: &str) {
        let span = self.span;
        self.me.warn_at(self.cx, span, message);
    }

    fn workspace(&self) -> Vec<(String, Value)> {
        self.me
            .ws
            .variables()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }
}
