//! The resolver: a pass between parsing and evaluation that decides where
//! every name lives (see `resolved.rs`).
//!
//! Inside a function, a name is local when the body assigns it anywhere (an
//! assignment, a destructuring, a loop variable, a `catch` variable, a nested
//! definition, `ans`),
//! or when it is a parameter or a named output. A lambda's locals are its
//! parameters and the enclosing frame's locals it mentions, which it copies
//! when it is created. Everything else, and everything at top level, is a
//! workspace name.

use crate::names::intern;
use crate::resolved::{
    FnProto, LambdaProto, RExpr, RKind, RProgram, RStmt, RStmtKind, RTry, Slots, Var,
};
use crate::source::Source;
use mla_parser::{Expr, ExprKind, FunctionDef, Name, Program, Stmt, StmtKind};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// One frame being resolved.
struct Scope {
    index: FxHashMap<Arc<str>, u32>,
    slots: Slots,
    /// `Some` for a lambda: the enclosing slots it captures, in slot order
    /// after the parameters.
    captures: Option<Vec<u32>>,
}

impl Scope {
    fn new(captures: Option<Vec<u32>>) -> Self {
        Scope {
            index: FxHashMap::default(),
            slots: Slots::default(),
            captures,
        }
    }

    fn declare(&mut self, name: &Arc<str>) -> u32 {
        if let Some(&s) = self.index.get(name) {
            return s;
        }
        let s = self.slots.len() as u32;
        self.index.insert(name.clone(), s);
        self.slots.names.push(name.clone());
        self.slots.globals.push(intern(name));
        s
    }
}

struct Resolver {
    /// Innermost last; empty at top level.
    scopes: Vec<Scope>,
    source: Arc<Source>,
}

/// Resolves a parsed program against nothing but its own text: the
/// workspace and the registry are consulted when names are read.
pub(crate) fn program(p: &Program, source: &Arc<Source>) -> RProgram {
    #[cfg(test)]
    RESOLVED.with(|n| n.set(n.get() + 1));
    let mut r = Resolver {
        scopes: Vec::new(),
        source: source.clone(),
    };
    RProgram {
        body: r.block(&p.body),
        source: source.clone(),
    }
}

#[cfg(test)]
thread_local! {
    static RESOLVED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many programs this thread resolved (tests count re-parsing).
#[cfg(test)]
pub(crate) fn resolved_on_this_thread() -> u64 {
    RESOLVED.with(|n| n.get())
}

/// Every name a function body assigns, in order of first appearance.
fn assigned(body: &[Stmt], out: &mut Vec<Arc<str>>) {
    for s in body {
        match &s.kind {
            StmtKind::Expr(_) => out.push("ans".into()),
            StmtKind::Assign { target, .. } => out.push(target.text.clone()),
            StmtKind::Destructure { targets, .. } => {
                out.extend(targets.iter().flatten().map(|t| t.text.clone()))
            }
            StmtKind::Try {
                body, var, handler, ..
            } => {
                assigned(body, out);
                out.extend(var.iter().map(|v| v.text.clone()));
                assigned(handler, out);
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (_, b) in branches {
                    assigned(b, out);
                }
                if let Some(b) = otherwise {
                    assigned(b, out);
                }
            }
            StmtKind::For { var, body, .. } => {
                out.push(var.text.clone());
                assigned(body, out);
            }
            StmtKind::While { body, .. } => assigned(body, out),
            StmtKind::Function(def) => out.push(def.name.text.clone()),
            StmtKind::Timed(inner) => assigned(std::slice::from_ref(&**inner), out),
            StmtKind::Break | StmtKind::Continue | StmtKind::Return(_) => {}
        }
    }
}

/// The comment that documents the definition starting at `start`: the `#`
/// lines right after its first line (MATLAB's help text), or else the ones
/// right above it (a docstring over a one-line `f(x) = …`).
fn leading_comment(text: &str, start: usize) -> Option<String> {
    let comment = |l: &str| {
        l.trim_start()
            .strip_prefix('#')
            .map(|c| c.trim().to_string())
    };
    let line_start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let after: Vec<String> = text[line_start..]
        .lines()
        .skip(1)
        .map_while(comment)
        .collect();
    let lines = if after.is_empty() {
        let mut above: Vec<String> = text[..line_start]
            .lines()
            .rev()
            .map_while(comment)
            .collect();
        above.reverse();
        above
    } else {
        after
    };
    (!lines.is_empty()).then(|| {
        lines
            .iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

impl Resolver {
    /// Where `name` lives, seen from the innermost frame.
    fn var(&mut self, name: &Arc<str>) -> Var {
        match self.scopes.len() {
            0 => Var::Global(intern(name)),
            n => match self.local(n - 1, name) {
                Some(slot) => Var::Local(slot),
                None => Var::Global(intern(name)),
            },
        }
    }

    /// The slot of `name` in frame `depth`, capturing it through enclosing
    /// lambdas when it is a local further out.
    fn local(&mut self, depth: usize, name: &Arc<str>) -> Option<u32> {
        if let Some(&s) = self.scopes[depth].index.get(name) {
            return Some(s);
        }
        if self.scopes[depth].captures.is_none() || depth == 0 {
            return None;
        }
        let outer = self.local(depth - 1, name)?;
        let scope = &mut self.scopes[depth];
        let slot = scope.declare(name);
        scope.captures.as_mut().expect("a lambda").push(outer);
        Some(slot)
    }

    fn block(&mut self, body: &[Stmt]) -> Vec<RStmt> {
        body.iter().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &Stmt) -> RStmt {
        let kind = match &s.kind {
            StmtKind::Expr(e) => RStmtKind::Expr {
                expr: self.expr(e),
                ans: self.var(&"ans".into()),
            },
            StmtKind::Assign {
                target,
                target_span,
                indices,
                op,
                value,
            } => RStmtKind::Assign {
                target: self.var(&target.text),
                name: target.clone(),
                target_span: *target_span,
                indices: indices.as_ref().map(|ix| self.exprs(ix)),
                op: *op,
                value: self.expr(value),
            },
            StmtKind::Destructure { targets, value } => RStmtKind::Destructure {
                targets: targets
                    .iter()
                    .map(|t| t.as_ref().map(|t| (self.var(&t.text), t.clone())))
                    .collect(),
                value: self.expr(value),
            },
            StmtKind::If {
                branches,
                otherwise,
            } => RStmtKind::If {
                branches: branches
                    .iter()
                    .map(|(c, b)| (self.expr(c), self.block(b)))
                    .collect(),
                otherwise: otherwise.as_ref().map(|b| self.block(b)),
            },
            StmtKind::For { var, iter, body } => RStmtKind::For {
                var: self.var(&var.text),
                iter: self.expr(iter),
                body: self.block(body),
                tier: Box::default(),
            },
            StmtKind::While { cond, body } => RStmtKind::While {
                cond: self.expr(cond),
                body: self.block(body),
                tier: Box::default(),
            },
            StmtKind::Try {
                body, var, handler, ..
            } => RStmtKind::Try(Box::new(RTry {
                body: self.block(body),
                var: var.as_ref().map(|v| self.var(&v.text)),
                handler: self.block(handler),
            })),
            StmtKind::Break => RStmtKind::Break,
            StmtKind::Continue => RStmtKind::Continue,
            StmtKind::Return(e) => RStmtKind::Return(e.as_ref().map(|e| self.expr(e))),
            StmtKind::Function(def) => RStmtKind::Function {
                var: self.var(&def.name.text),
                proto: Arc::new(self.function(def, s.span)),
            },
            StmtKind::Timed(inner) => RStmtKind::Timed(Box::new(self.stmt(inner))),
        };
        RStmt {
            kind,
            span: s.span,
            quiet: s.quiet,
        }
    }

    /// A named function: a frame of its own that sees no enclosing locals.
    pub(crate) fn function(&mut self, def: &FunctionDef, span: mla_parser::Span) -> FnProto {
        let mut scope = Scope::new(None);
        for p in &def.params {
            scope.declare(&p.text);
        }
        let outputs = def
            .outputs
            .iter()
            .map(|o| (scope.declare(&o.text), o.clone()))
            .collect();
        let mut names = Vec::new();
        assigned(&def.body, &mut names);
        for n in &names {
            scope.declare(n);
        }
        self.scopes.push(scope);
        let body = self.block(&def.body);
        let scope = self.scopes.pop().expect("pushed above");
        FnProto {
            name: def.name.text.clone(),
            params: def.params.clone(),
            outputs,
            slots: scope.slots,
            body,
            source: self.source.clone(),
            doc: leading_comment(&self.source.text, span.start as usize),
            scalar: Default::default(),
        }
    }

    fn lambda(&mut self, params: &[Name], body: &Expr) -> LambdaProto {
        let mut scope = Scope::new(Some(Vec::new()));
        for p in params {
            scope.declare(&p.text);
        }
        self.scopes.push(scope);
        let body = self.expr(body);
        let scope = self.scopes.pop().expect("pushed above");
        LambdaProto {
            params: params.to_vec(),
            captures: scope.captures.unwrap_or_default(),
            slots: scope.slots,
            body,
            source: self.source.clone(),
        }
    }

    fn exprs(&mut self, es: &[Expr]) -> Vec<RExpr> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn boxed(&mut self, e: &Expr) -> Box<RExpr> {
        Box::new(self.expr(e))
    }

    fn expr(&mut self, e: &Expr) -> RExpr {
        let kind = match &e.kind {
            ExprKind::Number(x) => RKind::Num(*x),
            ExprKind::Str(s) => RKind::Str(s.clone()),
            ExprKind::Bool(b) => RKind::Bool(*b),
            ExprKind::Ident(name) => RKind::Var(self.var(name)),
            ExprKind::End => RKind::End,
            ExprKind::Colon => RKind::Colon,
            ExprKind::Matrix(rows) => RKind::Matrix(rows.iter().map(|r| self.exprs(r)).collect()),
            ExprKind::Tuple(items) => RKind::Tuple(self.exprs(items)),
            ExprKind::Range { start, step, stop } => RKind::Range {
                start: self.boxed(start),
                step: step.as_ref().map(|s| self.boxed(s)),
                stop: self.boxed(stop),
            },
            ExprKind::Unary { op, operand } => RKind::Unary {
                op: *op,
                operand: self.boxed(operand),
            },
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => RKind::Binary {
                op: *op,
                op_span: *op_span,
                lhs: self.boxed(lhs),
                rhs: self.boxed(rhs),
            },
            // `true(m, n)` and `false(m, n)`: the keywords called are the
            // builtins of the same names.
            ExprKind::Call { callee, args } => RKind::Call {
                callee: match &callee.kind {
                    ExprKind::Bool(b) => Box::new(RExpr {
                        kind: RKind::Var(Var::Global(intern(if *b { "true" } else { "false" }))),
                        span: callee.span,
                    }),
                    _ => self.boxed(callee),
                },
                args: self.exprs(args),
            },
            ExprKind::Index { target, indices } => RKind::Index {
                target: self.boxed(target),
                indices: self.exprs(indices),
            },
            ExprKind::Lambda { params, body } => RKind::Lambda(Arc::new(self.lambda(params, body))),
        };
        RExpr { kind, span: e.span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> RProgram {
        let src = Source::new("<test>", text);
        let p = mla_parser::parse(text).expect("parses");
        program(&p, &src)
    }

    fn proto(p: &RProgram, i: usize) -> &FnProto {
        match &p.body[i].kind {
            RStmtKind::Function { proto, .. } => proto,
            other => panic!("not a function: {other:?}"),
        }
    }

    #[test]
    fn function_locals_get_slots_and_the_rest_stays_global() {
        let p = resolve("function r = f(a)\n  t = a * W;\n  for i = 1:3\n r = t + i;\n end\nend");
        let f = proto(&p, 0);
        let names: Vec<&str> = f.slots.names.iter().map(|n| &**n).collect();
        assert_eq!(names, ["a", "r", "t", "i"]);
        // `W` is read from the workspace.
        let RStmtKind::Assign { value, .. } = &f.body[0].kind else {
            panic!()
        };
        let RKind::Binary { rhs, .. } = &value.kind else {
            panic!()
        };
        assert_eq!(rhs.kind_var(), Some(Var::Global(intern("W"))));
    }

    #[test]
    fn catch_variables_are_locals_and_discards_take_no_slot() {
        let p = resolve("function r = f(a)\n  try\n    t = a;\n  catch err\n    r = err;\n  end\n  [~, k] = max(a);\nend");
        let f = proto(&p, 0);
        let names: Vec<&str> = f.slots.names.iter().map(|n| &**n).collect();
        assert_eq!(names, ["a", "r", "t", "err", "k"]);
    }

    #[test]
    fn top_level_names_are_workspace_names() {
        let p = resolve("s = 0; for i = 1:3; s = s + i; end");
        let RStmtKind::Assign { target, .. } = &p.body[0].kind else {
            panic!()
        };
        assert_eq!(*target, Var::Global(intern("s")));
    }

    #[test]
    fn lambdas_capture_enclosing_locals_through_each_level() {
        let p = resolve("function g = f(a)\n  b = 2;\n  g = x -> (y -> x + a + b + y + Z);\nend");
        let f = proto(&p, 0);
        let RStmtKind::Assign { value, .. } = &f.body[1].kind else {
            panic!()
        };
        let RKind::Lambda(outer) = &value.kind else {
            panic!()
        };
        // The outer lambda captures a and b for the inner one.
        let outer_names: Vec<&str> = outer.slots.names.iter().map(|n| &**n).collect();
        assert_eq!(outer_names, ["x", "a", "b"]);
        assert_eq!(outer.captures, [0, 2]);
        let RKind::Lambda(inner) = &outer.body.kind else {
            panic!()
        };
        let inner_names: Vec<&str> = inner.slots.names.iter().map(|n| &**n).collect();
        assert_eq!(inner_names, ["y", "x", "a", "b"]);
        assert_eq!(inner.captures, [0, 1, 2]);
    }

    impl RExpr {
        fn kind_var(&self) -> Option<Var> {
            match self.kind {
                RKind::Var(v) => Some(v),
                _ => None,
            }
        }
    }
}
