//! The resolved form the evaluator runs: the syntax tree with every name
//! replaced by where it lives. A local of a function or lambda is a slot in
//! its frame (an index into the interpreter's value stack); any other name is
//! a [`GlobalId`] read from the workspace, then the registry, then the
//! constants, at the time it is read — the same rule as before resolution.

use crate::names::GlobalId;
use crate::source::Source;
use mla_parser::{AssignOp, BinOp, Name, Span, UnOp};
use std::sync::Arc;

/// Where a name lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Var {
    /// Slot `n` of the current frame.
    Local(u32),
    /// The workspace (then builtins, then constants).
    Global(GlobalId),
}

/// The slots of one function or lambda frame.
#[derive(Debug, Default)]
pub(crate) struct Slots {
    /// Each slot's name, for messages and `describe`.
    pub names: Vec<Arc<str>>,
    /// Each slot's name as a workspace name: a local read before it is
    /// assigned reads the workspace, as it did before resolution.
    pub globals: Vec<GlobalId>,
}

impl Slots {
    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// An expression with its span.
#[derive(Debug)]
pub(crate) struct RExpr {
    pub kind: RKind,
    pub span: Span,
}

/// The kinds of resolved expression (see `mla_parser::ExprKind`).
#[derive(Debug)]
pub(crate) enum RKind {
    Num(f64),
    Str(Arc<str>),
    Bool(bool),
    Var(Var),
    End,
    Colon,
    Matrix(Vec<Vec<RExpr>>),
    Tuple(Vec<RExpr>),
    Range {
        start: Box<RExpr>,
        step: Option<Box<RExpr>>,
        stop: Box<RExpr>,
    },
    Unary {
        op: UnOp,
        operand: Box<RExpr>,
    },
    Binary {
        op: BinOp,
        op_span: Span,
        lhs: Box<RExpr>,
        rhs: Box<RExpr>,
    },
    Call {
        callee: Box<RExpr>,
        args: Vec<RExpr>,
    },
    Index {
        target: Box<RExpr>,
        indices: Vec<RExpr>,
    },
    Lambda(Arc<LambdaProto>),
}

/// A statement with its span and whether it ended in `;`.
#[derive(Debug)]
pub(crate) struct RStmt {
    pub kind: RStmtKind,
    pub span: Span,
    pub quiet: bool,
}

/// The kinds of resolved statement (see `mla_parser::StmtKind`).
#[derive(Debug)]
pub(crate) enum RStmtKind {
    /// A bare expression; `ans` is where its value goes.
    Expr {
        expr: RExpr,
        ans: Var,
    },
    Assign {
        target: Var,
        name: Name,
        target_span: Span,
        indices: Option<Vec<RExpr>>,
        op: AssignOp,
        value: RExpr,
    },
    /// `None` for a result dropped with `~` or `_`.
    Destructure {
        targets: Vec<Option<(Var, Name)>>,
        value: RExpr,
    },
    If {
        branches: Vec<(RExpr, Vec<RStmt>)>,
        otherwise: Option<Vec<RStmt>>,
    },
    For {
        var: Var,
        iter: RExpr,
        body: Vec<RStmt>,
        /// A top-level loop's lowering to the scalar tier (boxed: most
        /// loops never use it, and it keeps `RStmt` small).
        tier: Box<crate::scalar::ScalarSlot>,
    },
    While {
        cond: RExpr,
        body: Vec<RStmt>,
        tier: Box<crate::scalar::ScalarSlot>,
    },
    /// Boxed: rare, and it keeps `RStmt` small.
    Try(Box<RTry>),
    Break,
    Continue,
    Return(Option<RExpr>),
    Function {
        var: Var,
        proto: Arc<FnProto>,
    },
    /// `@time s`.
    Timed(Box<RStmt>),
}

/// `try … catch var … end`, resolved.
#[derive(Debug)]
pub(crate) struct RTry {
    pub body: Vec<RStmt>,
    /// Receives the error's message.
    pub var: Option<Var>,
    pub handler: Vec<RStmt>,
}

/// A named function, resolved: parameters are slots `0..params.len()`.
#[derive(Debug)]
pub(crate) struct FnProto {
    pub name: Arc<str>,
    pub params: Vec<Name>,
    /// MATLAB-style named outputs with their slots.
    pub outputs: Vec<(u32, Name)>,
    pub slots: Slots,
    pub body: Vec<RStmt>,
    /// The source it was defined in: its spans point there.
    pub source: Arc<Source>,
    /// Its leading comment, for `help`.
    pub doc: Option<String>,
    /// Its lowering to the scalar tier, made on first call.
    pub scalar: crate::scalar::ScalarSlot,
}

/// An anonymous function, resolved: parameters are slots `0..params.len()`,
/// the captured locals of the enclosing frame follow.
#[derive(Debug)]
pub(crate) struct LambdaProto {
    pub params: Vec<Name>,
    /// For each captured slot, the enclosing frame's slot it copies at
    /// creation.
    pub captures: Vec<u32>,
    pub slots: Slots,
    pub body: RExpr,
    pub source: Arc<Source>,
}

/// A resolved program or REPL entry: top-level code reads and writes the
/// workspace, so it has no slots.
#[derive(Debug)]
pub(crate) struct RProgram {
    pub body: Vec<RStmt>,
    pub source: Arc<Source>,
}
