//! The syntax tree. Every expression and statement carries its [`Span`].

use crate::Span;
use std::sync::Arc;

/// A parsed program or REPL entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The top-level statements, in order.
    pub body: Vec<Stmt>,
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    /// The identifier text.
    pub text: Arc<str>,
    /// Where it stands.
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// From its first token to its last (the terminating `;` excluded).
    pub span: Span,
    /// True when the statement ended with `;`, which suppresses display.
    pub quiet: bool,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// A bare expression; its value becomes `ans`.
    Expr(Expr),
    /// `x = e`, `X[i, j] = e`, `x += e`, …
    Assign {
        /// The variable assigned.
        target: Name,
        /// What is assigned: the name, or `X[i, j]` through its `]`.
        target_span: Span,
        /// `Some` for indexed assignment `X[…] = e`.
        indices: Option<Vec<Expr>>,
        /// `=` or a compound operator.
        op: AssignOp,
        /// The right-hand side.
        value: Expr,
    },
    /// `(a, b) = e` or `[a, b] = e`; `~` or `_` drops a result: `[~, i] = max(x)`.
    Destructure {
        /// The names that receive the results, in order; `None` for `~`/`_`.
        targets: Vec<Option<Name>>,
        /// The right-hand side, asked for `targets.len()` results.
        value: Expr,
    },
    /// `if c … elseif c … else … end`.
    If {
        /// Each condition with its block, in order.
        branches: Vec<(Expr, Vec<Stmt>)>,
        /// The `else` block.
        otherwise: Option<Vec<Stmt>>,
    },
    /// `for i = e … end` or `for i in e … end`.
    For {
        /// The loop variable.
        var: Name,
        /// What is iterated.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `while c … end`.
    While {
        /// The condition.
        cond: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `try … catch err … end`.
    Try {
        /// The statements tried.
        body: Vec<Stmt>,
        /// The name after `catch` that receives the error's message.
        var: Option<Name>,
        /// The statements run when `body` fails (empty without `catch`).
        handler: Vec<Stmt>,
        /// Where the `catch` keyword stands, if there is one.
        catch_span: Option<Span>,
    },
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return` or `return e`.
    Return(Option<Expr>),
    /// `function f(a, b) … end` or `f(a, b) = e`.
    Function(Arc<FunctionDef>),
    /// `@time s` or `%time s`: runs `s` (which carries the `;`, if any) and
    /// reports the time it took and what it allocated.
    Timed(Box<Stmt>),
}

/// A named user function.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// Its name.
    pub name: Name,
    /// Its parameters.
    pub params: Vec<Name>,
    /// MATLAB-style named outputs (`function [a, b] = f(x)`); empty otherwise.
    pub outputs: Vec<Name>,
    /// Its body; for `f(x) = e` a single expression statement.
    pub body: Vec<Stmt>,
}

/// `=` or a compound assignment operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=`
    Div,
}

impl AssignOp {
    /// The binary operator a compound assignment applies.
    pub fn binary(self) -> Option<BinOp> {
        match self {
            AssignOp::Set => None,
            AssignOp::Add => Some(BinOp::Add),
            AssignOp::Sub => Some(BinOp::Sub),
            AssignOp::Mul => Some(BinOp::Mul),
            AssignOp::Div => Some(BinOp::Div),
        }
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it stands in the source.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A numeric literal.
    Number(f64),
    /// A string literal, escapes resolved.
    Str(Arc<str>),
    /// `true` or `false`.
    Bool(bool),
    /// A variable, function or constant name.
    Ident(Arc<str>),
    /// `end` inside an index: the size of that dimension.
    End,
    /// A lone `:` inside an index: everything.
    Colon,
    /// `[a, b; c, d]`: rows of elements.
    Matrix(Vec<Vec<Expr>>),
    /// `(a, b)`.
    Tuple(Vec<Expr>),
    /// `start:stop` or `start:step:stop`.
    Range {
        /// First value.
        start: Box<Expr>,
        /// Increment, 1 when absent.
        step: Option<Box<Expr>>,
        /// Last value (inclusive).
        stop: Box<Expr>,
    },
    /// A prefix or postfix operator.
    Unary {
        /// The operator.
        op: UnOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// An infix operator.
    Binary {
        /// The operator.
        op: BinOp,
        /// Where the operator token stands (numbat's `span_op`), so that
        /// diagnostics point at it without searching the source text.
        op_span: Span,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `f(a, b)`.
    Call {
        /// What is called.
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `X[i, j]`.
    Index {
        /// What is indexed.
        target: Box<Expr>,
        /// One index (linear) or two.
        indices: Vec<Expr>,
    },
    /// `(x, y) -> e`.
    Lambda {
        /// The parameters.
        params: Vec<Name>,
        /// The body, shared with the closures made from it.
        body: Arc<Expr>,
    },
}

/// Prefix and postfix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `!x`
    Not,
    /// `x'`
    Transpose,
}

/// Infix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `||` (short-circuit)
    OrElse,
    /// `&&` (short-circuit)
    AndAlso,
    /// `|` elementwise
    Or,
    /// `&` elementwise
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*` matrix product
    Mul,
    /// `/` right division
    Div,
    /// `\` left division (solve)
    LeftDiv,
    /// `.*`
    ElemMul,
    /// `./`
    ElemDiv,
    /// `^` matrix power
    Pow,
    /// `.^`
    ElemPow,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::OrElse => "||",
            BinOp::AndAlso => "&&",
            BinOp::Or => "|",
            BinOp::And => "&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::LeftDiv => "\\",
            BinOp::ElemMul => ".*",
            BinOp::ElemDiv => "./",
            BinOp::Pow => "^",
            BinOp::ElemPow => ".^",
        }
    }
}

impl UnOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Pos => "+",
            UnOp::Not => "!",
            UnOp::Transpose => "'",
        }
    }
}
