//! A compact, stable text form of the AST (s-expressions), used by snapshot
//! tests and by `mla --ast`.

use crate::ast::*;
use std::fmt::Write;

/// Renders a program one statement per line.
pub fn program_to_sexpr(p: &Program) -> String {
    let mut out = String::new();
    for s in &p.body {
        out.push_str(&stmt(s));
        out.push('\n');
    }
    out
}

fn block(b: &[Stmt]) -> String {
    let items: Vec<String> = b.iter().map(stmt).collect();
    format!("[{}]", items.join(" "))
}

fn names(ns: &[Name]) -> String {
    let items: Vec<&str> = ns.iter().map(|n| &*n.text).collect();
    format!("({})", items.join(" "))
}

/// Renders one statement; a trailing `;` shows as a `quiet` mark.
pub fn stmt(s: &Stmt) -> String {
    let body = match &s.kind {
        StmtKind::Expr(e) => expr(e),
        StmtKind::Assign {
            target,
            indices,
            op,
            value,
            ..
        } => {
            let op = match op {
                AssignOp::Set => "=",
                AssignOp::Add => "+=",
                AssignOp::Sub => "-=",
                AssignOp::Mul => "*=",
                AssignOp::Div => "/=",
            };
            match indices {
                None => format!("({op} {} {})", target.text, expr(value)),
                Some(ix) => format!(
                    "({op} (index {} {}) {})",
                    target.text,
                    exprs(ix),
                    expr(value)
                ),
            }
        }
        StmtKind::Destructure { targets, value } => {
            let items: Vec<&str> = targets
                .iter()
                .map(|t| t.as_ref().map_or("~", |n| &*n.text))
                .collect();
            format!("(= ({}) {})", items.join(" "), expr(value))
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            let mut out = String::from("(if");
            for (c, b) in branches {
                let _ = write!(out, " {} {}", expr(c), block(b));
            }
            if let Some(b) = otherwise {
                let _ = write!(out, " else {}", block(b));
            }
            out.push(')');
            out
        }
        StmtKind::For { var, iter, body } => {
            format!("(for {} {} {})", var.text, expr(iter), block(body))
        }
        StmtKind::While { cond, body } => format!("(while {} {})", expr(cond), block(body)),
        StmtKind::Try {
            body, var, handler, ..
        } => match var {
            Some(v) => format!("(try {} catch {} {})", block(body), v.text, block(handler)),
            None => format!("(try {} catch {})", block(body), block(handler)),
        },
        // The `;` shows once, after the whole statement.
        StmtKind::Timed(s) => format!("(time {})", stmt(s).trim_end_matches(';')),
        StmtKind::Break => "(break)".into(),
        StmtKind::Continue => "(continue)".into(),
        StmtKind::Return(None) => "(return)".into(),
        StmtKind::Return(Some(e)) => format!("(return {})", expr(e)),
        StmtKind::Function(f) if f.outputs.is_empty() => format!(
            "(function {} {} {})",
            f.name.text,
            names(&f.params),
            block(&f.body)
        ),
        StmtKind::Function(f) => format!(
            "(function {} {} -> {} {})",
            f.name.text,
            names(&f.params),
            names(&f.outputs),
            block(&f.body)
        ),
    };
    if s.quiet {
        format!("{body};")
    } else {
        body
    }
}

fn exprs(es: &[Expr]) -> String {
    es.iter().map(expr).collect::<Vec<_>>().join(" ")
}

/// Renders one expression.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) => format!("{n}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => format!("{b}"),
        ExprKind::Ident(n) => n.to_string(),
        ExprKind::End => "end".into(),
        ExprKind::Colon => ":".into(),
        ExprKind::Matrix(rows) => {
            let rows: Vec<String> = rows.iter().map(|r| exprs(r)).collect();
            format!("[{}]", rows.join("; "))
        }
        ExprKind::Tuple(items) => format!("(tuple {})", exprs(items)),
        ExprKind::Range { start, step, stop } => match step {
            None => format!("(: {} {})", expr(start), expr(stop)),
            Some(s) => format!("(: {} {} {})", expr(start), expr(s), expr(stop)),
        },
        ExprKind::Unary { op, operand } => format!("({} {})", op.symbol(), expr(operand)),
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.symbol(), expr(lhs), expr(rhs))
        }
        ExprKind::Call { callee, args } => {
            if args.is_empty() {
                format!("(call {})", expr(callee))
            } else {
                format!("(call {} {})", expr(callee), exprs(args))
            }
        }
        ExprKind::Index { target, indices } => {
            format!("(index {} {})", expr(target), exprs(indices))
        }
        ExprKind::Lambda { params, body } => format!("(-> {} {})", names(params), expr(body)),
    }
}
