//! Turns pest's pairs into the AST, with a static Pratt table for operators.

use crate::ast::*;
use crate::depth;
use crate::error::ParseError;
use crate::grammar::Rule;
use crate::Span;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::{Arc, LazyLock};

type Result<T> = std::result::Result<T, ParseError>;

/// Lowest precedence first, as in the language design.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    use Assoc::{Left, Right};
    PrattParser::new()
        .op(Op::infix(Rule::or, Left))
        .op(Op::infix(Rule::and, Left))
        .op(Op::infix(Rule::elem_or, Left))
        .op(Op::infix(Rule::elem_and, Left))
        .op(Op::infix(Rule::eq, Left)
            | Op::infix(Rule::ne, Left)
            | Op::infix(Rule::lt, Left)
            | Op::infix(Rule::le, Left)
            | Op::infix(Rule::gt, Left)
            | Op::infix(Rule::ge, Left))
        .op(Op::infix(Rule::range_colon, Left))
        .op(Op::infix(Rule::add, Left) | Op::infix(Rule::sub, Left))
        .op(Op::infix(Rule::mul, Left)
            | Op::infix(Rule::div, Left)
            | Op::infix(Rule::left_div, Left)
            | Op::infix(Rule::elem_mul, Left)
            | Op::infix(Rule::elem_div, Left))
        .op(Op::prefix(Rule::neg) | Op::prefix(Rule::pos) | Op::prefix(Rule::not))
        .op(Op::infix(Rule::pow, Right)
            | Op::infix(Rule::elem_pow, Right)
            | Op::infix(Rule::pow_mistake, Right))
});

thread_local! {
    /// Where the text pest is reading starts in the whole source: a
    /// program is parsed one top-level statement at a time.
    static OFFSET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Makes spans of the pairs lowered next start at `offset` of the source.
pub(crate) fn set_offset(offset: usize) {
    OFFSET.with(|o| o.set(offset));
}

fn offset() -> usize {
    OFFSET.with(std::cell::Cell::get)
}

pub(crate) fn span_of(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    let at = offset();
    Span::new(at + s.start(), at + s.end())
}

/// The statement of a `next_statement` pair, `None` at the end of input.
pub(crate) fn next_statement(pair: Pair<Rule>) -> Result<Option<Stmt>> {
    pair.into_inner()
        .find(|p| p.as_rule() == Rule::statement)
        .map(statement)
        .transpose()
}

fn block(pair: Pair<Rule>) -> Result<Vec<Stmt>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::statement)
        .map(statement)
        .collect()
}

fn statement(pair: Pair<Rule>) -> Result<Stmt> {
    // A statement in a block in a statement…: blocks nest the tree too.
    let _level = depth::enter(1, span_of(&pair))?;
    let mut inner = pair.into_inner();
    let body = inner.next().expect("grammar: statement body");
    let term = inner.next().expect("grammar: statement terminator");
    let quiet = term.into_inner().next().is_some();
    let span = span_of(&body);
    if body.as_rule() == Rule::timed {
        // The `;` after `@time x = f(1);` quiets the statement timed.
        let mut parts = body.into_inner();
        let _mark = parts.next();
        let timed = parts.next().expect("grammar: the statement timed");
        let inner = Stmt {
            span: span_of(&timed),
            kind: stmt_kind(timed)?,
            quiet,
        };
        return Ok(Stmt {
            kind: StmtKind::Timed(Box::new(inner)),
            span,
            quiet,
        });
    }
    let kind = stmt_kind(body)?;
    Ok(Stmt { kind, span, quiet })
}

fn name(pair: Pair<Rule>) -> Name {
    Name {
        text: pair.as_str().into(),
        span: span_of(&pair),
    }
}

fn params(pair: Pair<Rule>) -> Vec<Name> {
    pair.into_inner().map(name).collect()
}

fn assign_op(pair: &Pair<Rule>) -> AssignOp {
    match pair.as_rule() {
        Rule::add_assign => AssignOp::Add,
        Rule::sub_assign => AssignOp::Sub,
        Rule::mul_assign => AssignOp::Mul,
        Rule::div_assign => AssignOp::Div,
        _ => AssignOp::Set,
    }
}

fn stmt_kind(pair: Pair<Rule>) -> Result<StmtKind> {
    let rule = pair.as_rule();
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    Ok(match rule {
        Rule::expr_stmt => StmtKind::Expr(expr(inner.next().expect("expr"))?),
        Rule::command => {
            // `help eig` is `help("eig")`; `?eig` is `help("eig")`.
            let head = inner.next().expect("command word");
            let word = match head.as_rule() {
                Rule::help_mark => "help",
                _ => head.as_str(),
            };
            let callee = Expr {
                kind: ExprKind::Ident(word.into()),
                span: span_of(&head),
            };
            let args = inner
                .map(|a| Expr {
                    kind: ExprKind::Str(a.as_str().into()),
                    span: span_of(&a),
                })
                .collect();
            StmtKind::Expr(Expr {
                kind: ExprKind::Call {
                    callee: Box::new(callee),
                    args,
                },
                span,
            })
        }
        Rule::assignment => {
            let target = name(inner.next().expect("target"));
            let mut next = inner.next().expect("operator");
            let mut target_span = target.span;
            let indices = if next.as_rule() == Rule::index_args {
                target_span = target.span.to(span_of(&next));
                let idx = index_args(next)?;
                next = inner.next().expect("operator");
                Some(idx)
            } else {
                None
            };
            let op = assign_op(&next);
            let value = expr(inner.next().expect("value"))?;
            StmtKind::Assign {
                target,
                target_span,
                indices,
                op,
                value,
            }
        }
        Rule::paren_assign => {
            let mut head = inner.next().expect("head").into_inner();
            let target = name(head.next().expect("target"));
            let args = head.next().expect("args");
            let args_text = args.as_str().trim();
            let inside = &args_text[1..args_text.len() - 1];
            return Err(ParseError::hinted(
                span_of(&args).to(target.span),
                format!("`{}(…) = …` is not an assignment MLA understands", target.text),
                format!(
                    "index with square brackets: `{}[{}] = …`; to define a function, name its parameters: `{}(x) = …`",
                    target.text, inside, target.text
                ),
            ));
        }
        Rule::destructure => {
            let targets = inner
                .next()
                .expect("targets")
                .into_inner()
                .map(|t| (t.as_rule() == Rule::ident).then(|| name(t)))
                .collect();
            let _eq = inner.next();
            let value = expr(inner.next().expect("value"))?;
            StmtKind::Destructure { targets, value }
        }
        Rule::short_function => {
            let mut head = inner.next().expect("head").into_inner();
            let fname = name(head.next().expect("name"));
            let ps = params(head.next().expect("params"));
            let _eq = inner.next();
            let body_expr = expr(inner.next().expect("body"))?;
            let body_span = body_expr.span;
            StmtKind::Function(Arc::new(FunctionDef {
                name: fname,
                params: ps,
                outputs: Vec::new(),
                body: vec![Stmt {
                    kind: StmtKind::Expr(body_expr),
                    span: body_span,
                    quiet: true,
                }],
            }))
        }
        Rule::function_def => {
            let _kw = inner.next();
            let mut next = inner.next().expect("name");
            let mut outputs = Vec::new();
            if next.as_rule() == Rule::fn_outputs {
                outputs = next
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(name)
                    .collect();
                next = inner.next().expect("name");
            }
            let fname = name(next);
            let ps = params(inner.next().expect("params"));
            let body = block(inner.next().expect("body"))?;
            StmtKind::Function(Arc::new(FunctionDef {
                name: fname,
                params: ps,
                outputs,
                body,
            }))
        }
        Rule::if_stmt => {
            let _kw = inner.next();
            let cond = expr(inner.next().expect("cond"))?;
            let body = block(inner.next().expect("block"))?;
            let mut branches = vec![(cond, body)];
            let mut otherwise = None;
            for p in inner {
                match p.as_rule() {
                    Rule::elseif_clause => {
                        let mut c = p.into_inner();
                        let _kw = c.next();
                        let cond = expr(c.next().expect("cond"))?;
                        let body = block(c.next().expect("block"))?;
                        branches.push((cond, body));
                    }
                    Rule::else_clause => {
                        let mut c = p.into_inner();
                        let _kw = c.next();
                        otherwise = Some(block(c.next().expect("block"))?);
                    }
                    _ => {}
                }
            }
            StmtKind::If {
                branches,
                otherwise,
            }
        }
        Rule::for_stmt => {
            let _kw = inner.next();
            let var = name(inner.next().expect("var"));
            let _eq = inner.next();
            let iter = expr(inner.next().expect("iter"))?;
            let body = block(inner.next().expect("body"))?;
            StmtKind::For { var, iter, body }
        }
        Rule::while_stmt => {
            let _kw = inner.next();
            let cond = expr(inner.next().expect("cond"))?;
            let body = block(inner.next().expect("body"))?;
            StmtKind::While { cond, body }
        }
        Rule::try_stmt => {
            let _kw = inner.next();
            let body = block(inner.next().expect("try block"))?;
            let (mut var, mut handler, mut catch_span) = (None, Vec::new(), None);
            for p in inner {
                if p.as_rule() == Rule::catch_clause {
                    for c in p.into_inner() {
                        match c.as_rule() {
                            Rule::kw_catch => catch_span = Some(span_of(&c)),
                            Rule::ident => var = Some(name(c)),
                            Rule::block => handler = block(c)?,
                            _ => {}
                        }
                    }
                }
            }
            StmtKind::Try {
                body,
                var,
                handler,
                catch_span,
            }
        }
        Rule::break_stmt => StmtKind::Break,
        Rule::continue_stmt => StmtKind::Continue,
        Rule::return_stmt => {
            let _kw = inner.next();
            StmtKind::Return(inner.next().map(expr).transpose()?)
        }
        other => {
            return Err(ParseError::hinted(
                span,
                format!("unexpected {}", crate::names::rule_name(other)),
                String::new(),
            ))
        }
    })
}

pub(crate) fn expr(pair: Pair<Rule>) -> Result<Expr> {
    match pair.as_rule() {
        Rule::expr => expr(pair.into_inner().next().expect("grammar: expr body")),
        Rule::lambda => {
            let span = span_of(&pair);
            let _level = depth::enter(1, span)?;
            let mut inner = pair.into_inner();
            // `(x, y) -> e` or `@(x, y) e`.
            let ps = inner.next().expect("params");
            let params = ps.into_inner().map(name).collect();
            let body = expr(inner.next().expect("body"))?;
            Ok(Expr {
                kind: ExprKind::Lambda {
                    params,
                    body: Arc::new(body),
                },
                span,
            })
        }
        Rule::op_expr => operators(pair.into_inner()),
        Rule::m_expr => {
            // Matrix elements nest their units; flatten so Pratt sees one stream.
            let flat: Vec<Pair<Rule>> = pair
                .into_inner()
                .flat_map(|p| {
                    if p.as_rule() == Rule::m_unit {
                        p.into_inner().collect::<Vec<_>>()
                    } else {
                        vec![p]
                    }
                })
                .collect();
            operators(flat.into_iter())
        }
        _ => term_or_primary(pair),
    }
}

/// Operands of an operator chain; every other pair in it is an operator.
fn is_operand(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::term
            | Rule::number
            | Rule::string
            | Rule::kw_true
            | Rule::kw_false
            | Rule::end_index
            | Rule::ident
            | Rule::matrix
            | Rule::paren
    )
}

/// Takes one level for each operator of a chain (the most the Pratt fold
/// can nest it), before the fold builds it: the error points at the first
/// operator past the budget.
fn chain_depth(pairs: &[Pair<Rule>]) -> Result<depth::Deeper> {
    let room = depth::MAX_DEPTH.saturating_sub(depth::current());
    let mut ops = 0;
    for p in pairs.iter().filter(|p| !is_operand(p.as_rule())) {
        ops += 1;
        if ops > room {
            return Err(depth::too_deep(span_of(p)));
        }
    }
    depth::enter(ops, Span::default())
}

fn operators<'i>(pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Result<Expr> {
    let pairs: Vec<Pair<'i, Rule>> = pairs.collect();
    let _levels = chain_depth(&pairs)?;
    PRATT
        .map_primary(term_or_primary)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = span_of(&op).to(rhs.span);
            let op = match op.as_rule() {
                Rule::neg => UnOp::Neg,
                Rule::pos => UnOp::Pos,
                _ => UnOp::Not,
            };
            Ok(Expr {
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(rhs),
                },
                span,
            })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let span = lhs.span.to(rhs.span);
            // Rules like `sub = { "-" ~ !"=" }` take the blanks before
            // their lookahead; the operator itself is the trimmed text.
            let op_start = offset() + op.as_span().start();
            let op_span = Span::new(op_start, op_start + op.as_str().trim_end().len());
            let bin = match op.as_rule() {
                Rule::or => BinOp::OrElse,
                Rule::and => BinOp::AndAlso,
                Rule::elem_or => BinOp::Or,
                Rule::elem_and => BinOp::And,
                Rule::eq => BinOp::Eq,
                Rule::ne => BinOp::Ne,
                Rule::lt => BinOp::Lt,
                Rule::le => BinOp::Le,
                Rule::gt => BinOp::Gt,
                Rule::ge => BinOp::Ge,
                Rule::add => BinOp::Add,
                Rule::sub => BinOp::Sub,
                Rule::mul => BinOp::Mul,
                Rule::div => BinOp::Div,
                Rule::left_div => BinOp::LeftDiv,
                Rule::elem_mul => BinOp::ElemMul,
                Rule::elem_div => BinOp::ElemDiv,
                Rule::pow => BinOp::Pow,
                Rule::elem_pow => BinOp::ElemPow,
                Rule::pow_mistake => {
                    return Err(ParseError::hinted(
                        span_of(&op),
                        "`**` is not an operator in MLA".into(),
                        "write `^` for a power (`.^` elementwise)".into(),
                    ))
                }
                _ => {
                    // range_colon: `a:b`, and `a:b:c` folds into one range with a step.
                    return Ok(match lhs.kind {
                        ExprKind::Range {
                            start,
                            step: None,
                            stop,
                        } => Expr {
                            kind: ExprKind::Range {
                                start,
                                step: Some(stop),
                                stop: Box::new(rhs),
                            },
                            span,
                        },
                        _ => Expr {
                            kind: ExprKind::Range {
                                start: Box::new(lhs),
                                step: None,
                                stop: Box::new(rhs),
                            },
                            span,
                        },
                    });
                }
            };
            Ok(Expr {
                kind: ExprKind::Binary {
                    op: bin,
                    op_span,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            })
        })
        .parse(pairs.into_iter())
}

fn term_or_primary(pair: Pair<Rule>) -> Result<Expr> {
    if pair.as_rule() != Rule::term {
        return primary(pair);
    }
    let inner: Vec<Pair<Rule>> = pair.into_inner().collect();
    // Each postfix nests the term one level: `x''''` is four deep.
    let room = depth::MAX_DEPTH.saturating_sub(depth::current());
    if let Some(past) = inner.get(1..).and_then(|posts| posts.get(room)) {
        return Err(depth::too_deep(span_of(past)));
    }
    let _levels = depth::enter(inner.len().saturating_sub(1), Span::default())?;
    let mut inner = inner.into_iter();
    let mut acc = primary(inner.next().expect("grammar: term primary"))?;
    for post in inner {
        let span = acc.span.to(span_of(&post));
        let kind = match post.as_rule() {
            Rule::transpose => ExprKind::Unary {
                op: UnOp::Transpose,
                operand: Box::new(acc),
            },
            Rule::call_args => {
                if post
                    .clone()
                    .into_inner()
                    .any(|a| a.as_rule() == Rule::colon_all)
                {
                    return Err(colon_in_call(&acc, &post));
                }
                ExprKind::Call {
                    callee: Box::new(acc),
                    args: post.into_inner().map(expr).collect::<Result<_>>()?,
                }
            }
            _ => ExprKind::Index {
                target: Box::new(acc),
                indices: index_args(post)?,
            },
        };
        acc = Expr { kind, span };
    }
    Ok(acc)
}

/// `W(:)`, `A(1, :)`: a lone `:` only means "all" inside square brackets.
fn colon_in_call(callee: &Expr, args: &Pair<Rule>) -> ParseError {
    let text = args.as_str().trim();
    let inside = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text)
        .trim();
    let hint = match &callee.kind {
        ExprKind::Ident(n) => format!("index with square brackets: `{n}[{inside}]`"),
        _ => format!("index with square brackets: `[{inside}]`"),
    };
    ParseError::hinted(
        callee.span.to(span_of(args)),
        "a lone `:` means \"every element\" only inside an index `[…]`".into(),
        hint,
    )
}

fn index_args(pair: Pair<Rule>) -> Result<Vec<Expr>> {
    pair.into_inner()
        .map(|p| {
            if p.as_rule() == Rule::colon_all {
                Ok(Expr {
                    kind: ExprKind::Colon,
                    span: span_of(&p),
                })
            } else {
                expr(p)
            }
        })
        .collect()
}

fn primary(pair: Pair<Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    let _level = match pair.as_rule() {
        Rule::matrix | Rule::paren => Some(depth::enter(1, span)?),
        _ => None,
    };
    let kind = match pair.as_rule() {
        Rule::number => ExprKind::Number(pair.as_str().parse().map_err(|_| {
            ParseError::hinted(span, "this number cannot be read".into(), String::new())
        })?),
        Rule::string => {
            ExprKind::Str(unescape(pair.into_inner().next().map_or("", |p| p.as_str())).into())
        }
        Rule::kw_true => ExprKind::Bool(true),
        Rule::kw_false => ExprKind::Bool(false),
        Rule::end_index => ExprKind::End,
        Rule::ident => ExprKind::Ident(pair.as_str().into()),
        Rule::matrix => ExprKind::Matrix(
            pair.into_inner()
                .map(|row| row.into_inner().map(expr).collect::<Result<Vec<_>>>())
                .collect::<Result<_>>()?,
        ),
        Rule::paren => {
            let mut items: Vec<Expr> = pair.into_inner().map(expr).collect::<Result<_>>()?;
            if items.len() == 1 {
                let mut only = items.pop().expect("one item");
                only.span = span;
                return Ok(only);
            }
            ExprKind::Tuple(items)
        }
        _ => return expr(pair),
    };
    Ok(Expr { kind, span })
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Parses with `rule` and lowers the single resulting pair.
pub(crate) fn first(pairs: Pairs<Rule>) -> Pair<Rule> {
    pairs.into_iter().next().expect("pest yields the top pair")
}
