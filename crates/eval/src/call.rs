//! Calls: builtins through the table, user functions and lambdas with their
//! own scopes, the depth limit and the call chain in errors.

use crate::callable::{Lambda, UserFunction};
use crate::error::{EvalError, TraceFrame};
use crate::exec::{nothing, Flow};
use crate::interp::{Frame, Interpreter, Vars};
use mla_parser::{Expr, ExprKind, Name, Span};
use mla_runtime::{builtins, CallContext, CallSite, Func, RuntimeError, Value};
use std::sync::Arc;

type Result<T> = std::result::Result<T, EvalError>;

impl Interpreter {
    pub(crate) fn eval_call(
        &mut self,
        callee: &Expr,
        args: &[Expr],
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        let f = match &callee.kind {
            ExprKind::Ident(name) => match self.lookup_var(name) {
                Some(Value::Func(f)) => f.clone(),
                Some(other) => {
                    let other = other.clone();
                    return Err(self.not_callable(name, &other, span, args));
                }
                None => match self.registry.func(name) {
                    Some(f) => f,
                    None => return Err(self.unknown_name(name, callee.span)),
                },
            },
            _ => match self.eval(callee)? {
                Value::Func(f) => f,
                other => {
                    return Err(self.err(
                        "mla::type",
                        format!("{} cannot be called", other.describe()),
                        callee.span,
                    ))
                }
            },
        };
        let values = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<Vec<_>>>()?;
        let arg_spans: Vec<Span> = args.iter().map(|a| a.span).collect();
        self.call_value(&f, values, &arg_spans, nout, span)
    }

    /// Calls a function value; `arg_spans` place argument errors.
    pub(crate) fn call_value(
        &mut self,
        f: &Func,
        args: Vec<Value>,
        arg_spans: &[Span],
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        match f {
            Func::Builtin(b) => {
                let site = CallSite::new(span.start, span.end);
                let result = builtins::call(b, &mut CallContext::new(self, nout, site), &args);
                result.map_err(|e| {
                    let e = match e.into_callback::<EvalError>() {
                        Ok(inner) => return inner,
                        Err(e) => e,
                    };
                    let at = match &e {
                        RuntimeError::Arg { index, .. } => {
                            arg_spans.get(*index).copied().unwrap_or(span)
                        }
                        _ => span,
                    };
                    let err = self.runtime_err(e.clone(), at);
                    match e {
                        RuntimeError::Arity { .. } => {
                            err.with_help(format!("{}: {}", b.signature, b.doc))
                        }
                        _ => err,
                    }
                })
            }
            Func::User(u) => {
                if let Some(uf) = u.as_any().downcast_ref::<UserFunction>() {
                    self.call_function(uf, args, nout, span)
                } else if let Some(l) = u.as_any().downcast_ref::<Lambda>() {
                    self.call_lambda(l, args, nout, span)
                } else {
                    Err(self.err("mla::type", "this function cannot be called here", span))
                }
            }
        }
    }

    fn check_arity(&self, name: &str, params: &[Name], given: usize, span: Span) -> Result<()> {
        if params.len() != given {
            let list: Vec<&str> = params.iter().map(|p| &*p.text).collect();
            return Err(self.err(
                "mla::call",
                format!(
                    "`{name}` takes {} argument{} ({}), but was given {given}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    list.join(", ")
                ),
                span,
            ));
        }
        Ok(())
    }

    fn enter(&mut self, vars: Vars, span: Span) -> Result<()> {
        self.check_interrupt(span)?;
        if self.frames.len() >= self.limits.max_call_depth {
            return Err(self
                .err(
                    "mla::recursion",
                    format!(
                        "calls are nested more than {} deep",
                        self.limits.max_call_depth
                    ),
                    span,
                )
                .with_help("a recursive function needs a case that stops the recursion"));
        }
        self.frames.push(Frame { vars });
        Ok(())
    }

    /// Runs a body in a new frame with `source` as the current source, and
    /// always leaves the frame, error or not.
    fn in_frame<T>(
        &mut self,
        vars: Vars,
        source: &Arc<crate::source::Source>,
        name: &str,
        span: Span,
        body: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        self.enter(vars, span)?;
        let caller_source = std::mem::replace(&mut self.source, source.clone());
        let saved_end = std::mem::take(&mut self.end_stack);
        let result = body(self);
        self.end_stack = saved_end;
        self.source = caller_source;
        self.frames.pop();
        result.map_err(|mut e| {
            e.trace.push(TraceFrame {
                function: name.to_string(),
                call_site: span,
                source: self.source.clone(),
            });
            e
        })
    }

    fn call_function(
        &mut self,
        f: &UserFunction,
        args: Vec<Value>,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        let def = f.def.clone();
        self.check_arity(&def.name.text, &def.params, args.len(), span)?;
        let vars: Vars = def
            .params
            .iter()
            .map(|p| p.text.clone())
            .zip(args)
            .collect();
        let name = def.name.text.clone();
        self.in_frame(vars, &f.source, &name, span, |me| {
            let mut last = nothing();
            let flow = me.exec_block(&def.body, &mut last)?;
            if !def.outputs.is_empty() {
                if nout > def.outputs.len() {
                    return Err(me.too_many(&name, nout, def.outputs.len(), span));
                }
                let frame = me.frames.last().expect("in a frame");
                let mut outs = Vec::new();
                for o in def.outputs.iter().take(nout.max(1)) {
                    match frame.vars.get(&o.text) {
                        Some(v) => outs.push(v.clone()),
                        None => {
                            return Err(me.err(
                                "mla::results",
                                format!("`{name}` ended without assigning its output `{}`", o.text),
                                o.span,
                            ))
                        }
                    }
                }
                return Ok(if outs.len() == 1 {
                    outs.pop().expect("one")
                } else {
                    Value::tuple(outs)
                });
            }
            Ok(match flow {
                Flow::Return(Some(v)) => v,
                Flow::Return(None) => nothing(),
                _ => last,
            })
        })
        .and_then(|v| self.check_results(&name, v, nout, span))
    }

    fn too_many(&self, name: &str, asked: usize, has: usize, span: Span) -> EvalError {
        self.runtime_err(
            RuntimeError::TooManyOutputs {
                name: name.into(),
                asked,
                has,
            },
            span,
        )
    }

    fn check_results(&self, name: &str, v: Value, nout: usize, span: Span) -> Result<Value> {
        let has = match &v {
            Value::Tuple(items) => items.len(),
            _ => 1,
        };
        if nout > 1 && has < nout {
            return Err(self.too_many(name, nout, has, span));
        }
        Ok(v)
    }

    fn call_lambda(
        &mut self,
        l: &Lambda,
        args: Vec<Value>,
        nout: usize,
        span: Span,
    ) -> Result<Value> {
        self.check_arity("<lambda>", &l.params, args.len(), span)?;
        let mut vars = l.captured.clone();
        for (p, a) in l.params.iter().zip(args) {
            vars.insert(p.text.clone(), a);
        }
        let body = l.body.clone();
        self.in_frame(vars, &l.source, "<lambda>", span, |me| {
            me.eval_multi(&body, nout)
        })
        .and_then(|v| self.check_results("<lambda>", v, nout, span))
    }

    /// A lambda captures the locals of the function it is created in.
    pub(crate) fn make_lambda(&self, params: &[Name], body: &Arc<Expr>) -> Value {
        let captured = self
            .frames
            .last()
            .map(|f| f.vars.clone())
            .unwrap_or_default();
        Value::Func(Func::User(Arc::new(Lambda {
            params: params.to_vec(),
            body: body.clone(),
            captured,
            source: self.source.clone(),
        })))
    }

    /// Calls a workspace function or builtin by name (for embedders).
    pub fn call(&mut self, name: &str, args: Vec<Value>) -> Result<Value> {
        let span = Span::default();
        let f = match self.globals.get(name) {
            Some(Value::Func(f)) => f.clone(),
            _ => match self.registry.func(name) {
                Some(f) => f,
                None => return Err(self.unknown_name(name, span)),
            },
        };
        let spans = vec![span; args.len()];
        let v = self.call_value(&f, args, &spans, 1, span)?;
        Ok(match v {
            Value::Tuple(items) if !items.is_empty() => items[0].clone(),
            other => other,
        })
    }
}
