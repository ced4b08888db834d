//! Lowering a resolved function to the scalar tier, or deciding it is not
//! for it. Lowering proves two things the run then relies on: every value is
//! statically a number or a truth value, and every local is assigned before
//! it is read (so a slot never needs an "unassigned" state and never falls
//! back to the workspace).

use super::{Arith, Bool, Cmp, Num, ScalarFn, Stmt};
use crate::names::{self, GlobalId};
use crate::resolved::{FnProto, RExpr, RKind, RStmt, RStmtKind, Var};
use mla_parser::{AssignOp, BinOp, UnOp};

/// The function lowered to the tier, or `None` when some part of it is
/// outside what the tier runs.
pub(crate) fn compile(proto: &FnProto) -> Option<ScalarFn> {
    let nslots = proto.slots.len();
    let nparams = proto.params.len();
    let mut lower = Lower {
        state: State {
            assigned: (0..nslots).map(|i| i < nparams).collect(),
            dead: false,
        },
        output: None,
        loops: 0,
        globals: Vec::new(),
        held: Vec::new(),
        read_first: Vec::new(),
        script: false,
        mats: Vec::new(),
    };
    let (code, nslots, out) = match proto.outputs.as_slice() {
        [(slot, _)] => {
            lower.output = Some(*slot);
            let body = lower.block(&proto.body)?;
            if !lower.state.dead && !lower.state.assigned[*slot as usize] {
                return None;
            }
            let (code, nslots) = super::flat::flatten(body, nslots, 0, Some(*slot));
            (code, nslots, *slot)
        }
        [] => match proto.body.as_slice() {
            [RStmt {
                kind: RStmtKind::Expr { expr, .. },
                ..
            }] => super::flat::flatten_expr(lower.num(expr)?, nslots),
            _ => return None,
        },
        _ => return None,
    };
    Some(ScalarFn {
        nslots,
        nparams,
        code,
        out,
        globals: lower.globals.into(),
        entry: Box::default(),
        mats: Box::default(),
    })
}

/// A top-level `for` or `while` loop lowered to the tier, or `None`. The
/// workspace names it assigns are held in slots for the run (slot `i` holds
/// `entry[i]`) and written back after it; a name it may read before
/// assigning it is taken from the workspace at entry, and must be a number
/// there (`try_scalar_loop` checks). Every statement it runs must end in
/// `;`, since top-level results without one are shown.
pub(crate) fn compile_loop(stmt: &RStmt) -> Option<ScalarFn> {
    let (mut held, mut written) = (Vec::new(), Vec::new());
    assigned_names(std::slice::from_ref(stmt), &mut held, &mut written);
    if held.iter().any(|id| written.contains(id)) {
        return None;
    }
    let n = held.len();
    let mut lower = Lower {
        state: State {
            assigned: vec![false; n],
            dead: false,
        },
        output: None,
        loops: 0,
        globals: Vec::new(),
        held,
        read_first: vec![false; n],
        script: true,
        mats: written.into_iter().map(|id| (id, true)).collect(),
    };
    let body = Box::new([lower.stmt(stmt)?]);
    let (code, nslots) = super::flat::flatten(body, n, n, None);
    Some(ScalarFn {
        nslots,
        nparams: 0,
        code,
        out: 0,
        globals: lower.globals.into(),
        entry: lower.held.into_iter().zip(lower.read_first).collect(),
        mats: lower.mats.into(),
    })
}

/// The workspace names that statements assign without an index (`out`)
/// and with one (`indexed`).
fn assigned_names(body: &[RStmt], out: &mut Vec<GlobalId>, indexed: &mut Vec<GlobalId>) {
    fn note(v: &Var, out: &mut Vec<GlobalId>) {
        if let Var::Global(id) = v {
            if !out.contains(id) {
                out.push(*id);
            }
        }
    }
    for stmt in body {
        match &stmt.kind {
            RStmtKind::Assign {
                target,
                indices: None,
                ..
            } => note(target, out),
            RStmtKind::Assign { target, .. } => note(target, indexed),
            RStmtKind::Expr { ans, .. } => note(ans, out),
            RStmtKind::For { var, body, .. } => {
                note(var, out);
                assigned_names(body, out, indexed);
            }
            RStmtKind::While { body, .. } => assigned_names(body, out, indexed),
            RStmtKind::If {
                branches,
                otherwise,
            } => {
                for (_, b) in branches {
                    assigned_names(b, out, indexed);
                }
                if let Some(b) = otherwise {
                    assigned_names(b, out, indexed);
                }
            }
            _ => {}
        }
    }
}

/// Which locals are certainly assigned at a point of the body; `dead` after
/// `break`, `continue` or `return`, where nothing runs.
#[derive(Clone)]
struct State {
    assigned: Vec<bool>,
    dead: bool,
}

impl State {
    /// What holds after either of two paths.
    fn join(self, other: State) -> State {
        match (self.dead, other.dead) {
            (true, _) => other,
            (_, true) => self,
            _ => State {
                assigned: (self.assigned.iter().zip(&other.assigned))
                    .map(|(a, b)| *a && *b)
                    .collect(),
                dead: false,
            },
        }
    }
}

/// An expression of either type.
enum Ty {
    Num(Num),
    Bool(Bool),
}

struct Lower {
    state: State,
    /// The named output's slot.
    output: Option<u32>,
    /// How many loops enclose the statement being lowered.
    loops: usize,
    globals: Vec<GlobalId>,
    /// In a top-level loop, the workspace names held in slots.
    held: Vec<GlobalId>,
    /// For each held name, whether it may be read before it is assigned.
    read_first: Vec<bool>,
    /// Lowering a top-level loop.
    script: bool,
    /// In a top-level loop, the workspace matrices whose elements it reads
    /// or writes (`true`), by index.
    mats: Vec<(GlobalId, bool)>,
}

impl Lower {
    fn block(&mut self, body: &[RStmt]) -> Option<Box<[Stmt]>> {
        body.iter().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, stmt: &RStmt) -> Option<Stmt> {
        Some(match &stmt.kind {
            RStmtKind::Assign {
                target,
                indices: None,
                op,
                value,
                ..
            } => {
                let s = &self.settable(*target, stmt)?;
                let v = self.num(value)?;
                let v = match op {
                    AssignOp::Set => v,
                    _ => {
                        let current = self.local(*s)?;
                        let op = match op {
                            AssignOp::Add => Arith::Add,
                            AssignOp::Sub => Arith::Sub,
                            AssignOp::Mul => Arith::Mul,
                            AssignOp::Div => Arith::Div,
                            AssignOp::Set => unreachable!("matched above"),
                        };
                        Num::Arith(op, Box::new(current), Box::new(v))
                    }
                };
                self.state.assigned[*s as usize] = true;
                Stmt::Set(*s, v)
            }
            RStmtKind::Expr { expr, ans } => {
                let s = &self.settable(*ans, stmt)?;
                let v = self.num(expr)?;
                self.state.assigned[*s as usize] = true;
                Stmt::Set(*s, v)
            }
            RStmtKind::Assign {
                target: Var::Global(id),
                indices: Some(ix),
                op,
                value,
                ..
            } if self.script && stmt.quiet => {
                let mat = self.mat(*id)?;
                let index = self.indices(ix)?;
                let value = self.num(value)?;
                let op = match op {
                    AssignOp::Set => None,
                    AssignOp::Add => Some(Arith::Add),
                    AssignOp::Sub => Some(Arith::Sub),
                    AssignOp::Mul => Some(Arith::Mul),
                    AssignOp::Div => Some(Arith::Div),
                };
                Stmt::SetElem {
                    mat,
                    index,
                    op,
                    value,
                }
            }
            RStmtKind::If {
                branches,
                otherwise,
            } => {
                let before = self.state.clone();
                let mut after: Option<State> = None;
                let mut arms = Vec::with_capacity(branches.len());
                for (cond, body) in branches {
                    self.state = before.clone();
                    let c = self.cond(cond)?;
                    let b = self.block(body)?;
                    after = Some(join(after, self.state.clone()));
                    arms.push((c, b));
                }
                self.state = before;
                let rest = match otherwise {
                    Some(body) => self.block(body)?,
                    None => Box::default(),
                };
                self.state = join(after, self.state.clone());
                Stmt::If(arms.into(), rest)
            }
            RStmtKind::While { cond, body, .. } => {
                let c = self.cond(cond)?;
                let body = self.in_loop(body)?;
                Stmt::While(c, body)
            }
            RStmtKind::For {
                var, iter, body, ..
            } => {
                let Var::Local(v) = &self.held_var(*var) else {
                    return None;
                };
                let RKind::Range { start, step, stop } = &iter.kind else {
                    return None;
                };
                let start = self.num(start)?;
                let step = match step {
                    Some(s) => Some(self.num(s)?),
                    None => None,
                };
                let stop = self.num(stop)?;
                let before = self.state.clone();
                self.state.assigned[*v as usize] = true;
                let body = self.in_loop(body)?;
                self.state = before;
                Stmt::For {
                    var: *v,
                    start,
                    step,
                    stop,
                    body,
                }
            }
            RStmtKind::Break | RStmtKind::Continue if self.loops > 0 => {
                self.state.dead = true;
                if matches!(stmt.kind, RStmtKind::Break) {
                    Stmt::Break
                } else {
                    Stmt::Continue
                }
            }
            RStmtKind::Return(None) => {
                let slot = self.output?;
                if !self.state.dead && !self.state.assigned[slot as usize] {
                    return None;
                }
                self.state.dead = true;
                Stmt::Return
            }
            _ => return None,
        })
    }

    /// A loop body: what it assigns is not certain after the loop, which may
    /// run no times or stop at a `break`.
    fn in_loop(&mut self, body: &[RStmt]) -> Option<Box<[Stmt]>> {
        let before = self.state.clone();
        self.loops += 1;
        let lowered = self.block(body);
        self.loops -= 1;
        self.state = before;
        lowered
    }

    /// Notes a non-local name; its text.
    fn global(&mut self, id: GlobalId) -> std::sync::Arc<str> {
        if !self.globals.contains(&id) {
            self.globals.push(id);
        }
        names::name(id)
    }

    /// A matrix the loop writes elements of, by index.
    fn mat(&self, id: GlobalId) -> Option<u32> {
        let i = self.mats.iter().position(|(m, w)| *m == id && *w)?;
        Some(i as u32)
    }

    /// One index (linear, column-major) or two (row, column), each a number.
    fn indices(&mut self, ix: &[RExpr]) -> Option<Box<[Num]>> {
        if ix.is_empty() || ix.len() > 2 {
            return None;
        }
        ix.iter().map(|e| self.num(e)).collect()
    }

    /// A name as the tier holds it: a workspace name a top-level loop
    /// assigns is a slot for the run.
    fn held_var(&self, v: Var) -> Var {
        match v {
            Var::Global(id) => match self.held.iter().position(|h| *h == id) {
                Some(i) => Var::Local(i as u32),
                None => v,
            },
            local => local,
        }
    }

    /// The slot a statement assigns; `None` for a workspace name (in a
    /// function) or a statement that would show its result.
    fn settable(&self, target: Var, stmt: &RStmt) -> Option<u32> {
        if self.script && !stmt.quiet {
            return None;
        }
        match self.held_var(target) {
            Var::Local(s) => Some(s),
            Var::Global(_) => None,
        }
    }

    /// A read of a local: in a function it must be assigned on every path
    /// here; a held workspace name may instead come from the workspace.
    fn local(&mut self, s: u32) -> Option<Num> {
        if !self.state.assigned[s as usize] {
            if !self.script {
                return None;
            }
            self.read_first[s as usize] = true;
        }
        Some(Num::Local(s))
    }

    fn num(&mut self, e: &RExpr) -> Option<Num> {
        match self.expr(e)? {
            Ty::Num(n) => Some(n),
            Ty::Bool(_) => None,
        }
    }

    /// An expression used as a condition: a number is true when not zero.
    fn cond(&mut self, e: &RExpr) -> Option<Bool> {
        Some(match self.expr(e)? {
            Ty::Num(n) => Bool::Truthy(Box::new(n)),
            Ty::Bool(b) => b,
        })
    }

    fn expr(&mut self, e: &RExpr) -> Option<Ty> {
        Some(match &e.kind {
            RKind::Num(x) => Ty::Num(Num::Const(*x)),
            RKind::Bool(b) => Ty::Bool(Bool::Const(*b)),
            RKind::Var(v) => match self.held_var(*v) {
                Var::Local(s) => Ty::Num(self.local(s)?),
                Var::Global(id) if self.mat(id).is_some() => return None,
                Var::Global(id) => match &*self.global(id) {
                    "true" | "false" => Ty::Bool(Bool::Global(id)),
                    _ => Ty::Num(Num::Global(id)),
                },
            },
            RKind::Unary { op, operand } => match (op, self.expr(operand)?) {
                (UnOp::Neg, Ty::Num(n)) => Ty::Num(Num::Neg(Box::new(n))),
                (UnOp::Pos | UnOp::Transpose, Ty::Num(n)) => Ty::Num(n),
                (UnOp::Not, Ty::Num(n)) => Ty::Bool(Bool::Not(Box::new(Bool::Truthy(Box::new(n))))),
                (UnOp::Not, Ty::Bool(b)) => Ty::Bool(Bool::Not(Box::new(b))),
                _ => return None,
            },
            RKind::Binary { op, lhs, rhs, .. } => self.binary(*op, lhs, rhs)?,
            RKind::Index { target, indices } if self.script => {
                let RKind::Var(Var::Global(id)) = target.kind else {
                    return None;
                };
                if self.held.contains(&id) {
                    return None;
                }
                let mat = match self.mats.iter().position(|(m, _)| *m == id) {
                    Some(i) => i as u32,
                    None => {
                        self.mats.push((id, false));
                        (self.mats.len() - 1) as u32
                    }
                };
                Ty::Num(Num::Elem(mat, self.indices(indices)?))
            }
            RKind::Call { callee, args } => {
                let RKind::Var(Var::Global(id)) = callee.kind else {
                    return None;
                };
                if self.held.contains(&id) {
                    return None;
                }
                let name = self.global(id);
                let builtin = mla_runtime::BUILTINS.iter().find(|b| b.name == &*name);
                if builtin.is_some_and(|b| !b.pure) {
                    return None;
                }
                let args = args.iter().map(|a| self.num(a)).collect::<Option<_>>()?;
                Ty::Num(Num::Call(id, args))
            }
            _ => return None,
        })
    }

    fn binary(&mut self, op: BinOp, lhs: &RExpr, rhs: &RExpr) -> Option<Ty> {
        let arith = match op {
            BinOp::Add => Some(Arith::Add),
            BinOp::Sub => Some(Arith::Sub),
            BinOp::Mul | BinOp::ElemMul => Some(Arith::Mul),
            BinOp::Div | BinOp::ElemDiv => Some(Arith::Div),
            BinOp::Pow | BinOp::ElemPow => Some(Arith::Pow),
            _ => None,
        };
        if let Some(a) = arith {
            let (x, y) = (self.num(lhs)?, self.num(rhs)?);
            return Some(Ty::Num(match (x, y) {
                (Num::Local(p), Num::Const(q)) => Num::ArithLC(a, p, q),
                (Num::Local(p), Num::Local(q)) => Num::ArithLL(a, p, q),
                (x, y) => Num::Arith(a, Box::new(x), Box::new(y)),
            }));
        }
        let cmp = match op {
            BinOp::Lt => Some(Cmp::Lt),
            BinOp::Le => Some(Cmp::Le),
            BinOp::Gt => Some(Cmp::Gt),
            BinOp::Ge => Some(Cmp::Ge),
            BinOp::Eq => Some(Cmp::Eq),
            BinOp::Ne => Some(Cmp::Ne),
            _ => None,
        };
        if let Some(c) = cmp {
            let (x, y) = (self.num(lhs)?, self.num(rhs)?);
            return Some(Ty::Bool(match (x, y) {
                (Num::Local(p), Num::Const(q)) => Bool::CmpLC(c, p, q),
                (x, y) => Bool::Cmp(c, Box::new(x), Box::new(y)),
            }));
        }
        let (x, y) = (Box::new(self.cond(lhs)?), Box::new(self.cond(rhs)?));
        Some(Ty::Bool(match op {
            BinOp::AndAlso => Bool::AndAlso(x, y),
            BinOp::OrElse => Bool::OrElse(x, y),
            BinOp::And => Bool::And(x, y),
            BinOp::Or => Bool::Or(x, y),
            _ => return None,
        }))
    }
}

fn join(a: Option<State>, b: State) -> State {
    match a {
        Some(a) => a.join(b),
        None => b,
    }
}
