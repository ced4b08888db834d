//! Spans: every node's span encloses its children's, and errors land on the
//! right column.

use mla_parser::{parse, Expr, ExprKind, Span, Stmt, StmtKind};

fn check_expr(e: &Expr, parent: Span, src: &str) {
    assert!(
        e.span.start >= parent.start && e.span.end <= parent.end,
        "{:?} ({:?}) escapes its parent {:?} in {src:?}",
        e.span,
        &src[e.span.start as usize..e.span.end as usize],
        parent
    );
    let kids: Vec<&Expr> = match &e.kind {
        ExprKind::Matrix(rows) => rows.iter().flatten().collect(),
        ExprKind::Tuple(items) => items.iter().collect(),
        ExprKind::Range { start, step, stop } => {
            let mut v = vec![&**start, &**stop];
            if let Some(s) = step {
                v.push(s);
            }
            v
        }
        ExprKind::Unary { operand, .. } => vec![&**operand],
        ExprKind::Binary { lhs, rhs, .. } => vec![&**lhs, &**rhs],
        ExprKind::Call { callee, args } => std::iter::once(&**callee).chain(args).collect(),
        ExprKind::Index { target, indices } => std::iter::once(&**target).chain(indices).collect(),
        ExprKind::Lambda { body, .. } => vec![&**body],
        _ => vec![],
    };
    for k in kids {
        check_expr(k, e.span, src);
    }
}

fn check_stmt(s: &Stmt, src: &str) {
    match &s.kind {
        StmtKind::Expr(e) => check_expr(e, s.span, src),
        StmtKind::Assign { value, indices, .. } => {
            check_expr(value, s.span, src);
            for i in indices.iter().flatten() {
                check_expr(i, s.span, src);
            }
        }
        StmtKind::Destructure { value, .. } => check_expr(value, s.span, src),
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (c, b) in branches {
                check_expr(c, s.span, src);
                b.iter().for_each(|x| check_stmt(x, src));
            }
            otherwise.iter().flatten().for_each(|x| check_stmt(x, src));
        }
        StmtKind::For { iter, body, .. } => {
            check_expr(iter, s.span, src);
            body.iter().for_each(|x| check_stmt(x, src));
        }
        StmtKind::While { cond, body } => {
            check_expr(cond, s.span, src);
            body.iter().for_each(|x| check_stmt(x, src));
        }
        StmtKind::Function(f) => f.body.iter().for_each(|x| check_stmt(x, src)),
        StmtKind::Timed(inner) => {
            assert!(s.span.start < inner.span.start && inner.span.end == s.span.end);
            check_stmt(inner, src);
        }
        StmtKind::Try {
            body,
            var,
            handler,
            catch_span,
        } => {
            for x in body.iter().chain(handler) {
                assert!(s.span.start <= x.span.start && x.span.end <= s.span.end);
                check_stmt(x, src);
            }
            for sp in var.iter().map(|v| v.span).chain(*catch_span) {
                assert!(s.span.start <= sp.start && sp.end <= s.span.end);
            }
        }
        _ => {}
    }
}

#[test]
fn parents_enclose_children() {
    let src = "C = X' * X / n; (vals, vecs) = eig(C)\nZ = Xc * vecs[:, 1:2];\nf(x) = 1 ./ (1 + exp(-x))\ng = (x, y) -> [x, y; -y x]'\nif a > 1 && b, W[1, end] -= lr * gW; end\nfor i = 1:2:n, s += v[i]^2; end\ntry, y = W[1]; catch e, z = e; end\n[~, k] = max(v)\n@time for i = 1:2, y = i * 2; end;";
    let p = parse(src).unwrap();
    for s in &p.body {
        check_stmt(s, src);
    }
}

#[test]
fn spans_cover_the_text() {
    let src = "  y = a +   b * c  ";
    let p = parse(src).unwrap();
    let s = &p.body[0];
    assert_eq!(
        &src[s.span.start as usize..s.span.end as usize],
        "y = a +   b * c"
    );
    if let StmtKind::Assign { value, .. } = &s.kind {
        assert_eq!(
            &src[value.span.start as usize..value.span.end as usize],
            "a +   b * c"
        );
    } else {
        panic!("an assignment");
    }
}

#[test]
fn error_lands_on_the_right_column() {
    // An input ending in an operator points at the operator.
    let e = parse(" x+ ").unwrap_err();
    assert_eq!(e.span.line_col(" x+ "), (1, 3));
    assert!(e.is_incomplete());
    let e = parse("x = 1 y").unwrap_err();
    assert_eq!(e.span.line_col("x = 1 y"), (1, 7));
    assert!(!e.is_incomplete());
}

#[test]
fn error_messages_never_name_rules() {
    let bad = [
        "x = ", "x = 1 y", "[1 2", "(1", "if x", "function", "f(", "x[", "x = 'a'", "3 ** 2",
        "X(1) = 2", "x = {}", "a ==== b", "for = 1", "1 +* 2", "x.y", "@", "\"open",
    ];
    let rule_names = [
        "op_expr",
        "stmt_term",
        "expr_stmt",
        "m_expr",
        "mrow",
        "kw_",
        "assign_eq",
        "index_args",
        "call_args",
        "EOI",
        "primary",
        "infix",
        "postfix",
    ];
    for src in bad {
        let e = parse(src).expect_err(src);
        let text = format!("{} {}", e.message, e.hint);
        for r in rule_names {
            assert!(!text.contains(r), "{src:?} leaks {r}: {text}");
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let src = format!("x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = parse(&src).unwrap_err();
    assert!(e.message.contains("nested"), "{}", e.message);
}

#[test]
fn ast_types_stay_small() {
    assert!(
        std::mem::size_of::<Expr>() <= 64,
        "Expr is {} bytes",
        std::mem::size_of::<Expr>()
    );
    assert!(std::mem::size_of::<Span>() == 8);
}

/// Every binary node records its operator token, so diagnostics point at it
/// without searching the text between the operands.
#[test]
fn operator_spans_cover_the_operator() {
    fn ops<'a>(e: &'a Expr, out: &mut Vec<(&'a str, Span)>) {
        if let ExprKind::Binary {
            op,
            op_span,
            lhs,
            rhs,
        } = &e.kind
        {
            out.push((op.symbol(), *op_span));
            ops(lhs, out);
            ops(rhs, out);
        }
    }
    let src = "y = a+b .* c ~= d' \\ e ^ f - (g ./ h) <= 1 && x .^ 2 == 3 || !z";
    let prog = parse(src).expect("parses");
    let StmtKind::Assign { value, .. } = &prog.body[0].kind else {
        panic!("an assignment")
    };
    let mut found = Vec::new();
    ops(value, &mut found);
    assert_eq!(found.len(), 12, "{found:?}");
    for (sym, span) in found {
        let text = &src[span.start as usize..span.end as usize];
        let want = if sym == "!=" { "~=" } else { sym };
        assert_eq!(text, want, "operator {sym} at {span:?}");
    }
}

#[test]
fn indexed_assignment_target_span_ends_at_the_bracket() {
    let src = "X[i, end] += 1";
    let prog = parse(src).expect("parses");
    let StmtKind::Assign { target_span, .. } = &prog.body[0].kind else {
        panic!("an assignment")
    };
    assert_eq!(
        &src[target_span.start as usize..target_span.end as usize],
        "X[i, end]"
    );
}

#[test]
fn incomplete_only_when_more_lines_can_help() {
    for src in [
        "if x\n",
        "function f()\n",
        "function f()\n\n",
        "function f()\n  y = 1\n\n",
        "x = [1 2\n",
        "for i = 1:3 # loop\n",
        "x = 1 +",
    ] {
        let e = parse(src).unwrap_err();
        assert!(e.is_incomplete(), "{src:?}: {}", e.message);
    }
    // A line break ends the statement: whatever follows, it fails.
    for src in ["x = 1 +\n", "x = (1 +\n", "f(1,\n", "if x\n y = 2 *\n"] {
        let e = parse(src).unwrap_err();
        assert!(!e.is_incomplete(), "{src:?}: {}", e.message);
    }
}

#[test]
fn x_plus_plus_points_at_the_operator_and_suggests_plus_equals() {
    let e = parse("x = 1; x++").unwrap_err();
    assert_eq!(e.span.line_col("x = 1; x++"), (1, 9));
    assert_eq!((e.span.start, e.span.end), (8, 10));
    assert!(e.message.contains("no increment operator"), "{}", e.message);
    assert_eq!(e.hint, "write `x += 1`");
}
