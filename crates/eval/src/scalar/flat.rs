//! A lowered body as register code: statements in one array with `if`,
//! loops, `break` and `continue` as jumps, arithmetic and calls as steps
//! on slots, and user-function calls as frames the run pushes without a
//! Rust call.
//!
//! Walking the statement and expression trees cost, per call of `fib`,
//! three Rust frames (a block, an operator node, the call), a loop over
//! each block's slice and a `Flow` tested after each statement: about 250
//! instructions (callgrind), where Lua 5.4's register machine spends
//! about as much with dynamic types. Here a call of a function of the
//! tier is a step that pushes a frame and goes on in the same loop.
//! Expressions the steps do not cover (a workspace name, a matrix
//! element, a negation) stay trees, evaluated in one step.

use super::held::ONE_INDEX;
use super::{Arith, Bool, Cmp, Num, Stmt};
use crate::names::GlobalId;

/// One step of register code; `u32`s are slots of the frame, jump targets
/// are positions in the code.
#[derive(Debug)]
pub(super) enum Op {
    /// `dst = tree`, for what the steps below do not cover.
    Eval(u32, Num),
    Const(u32, f64),
    Move(u32, u32),
    /// `dst = a op b`, for `^` (the four others have steps of their own:
    /// a second dispatch on the operator was a tenth of a call of `fib`).
    Arith(Arith, u32, u32, u32),
    /// `dst = a op c`, for `^`.
    ArithC(Arith, u32, u32, f64),
    /// `dst = c op b`, for `^`.
    CArith(Arith, u32, f64, u32),
    /// `dst = a + b`, and so on.
    Add(u32, u32, u32),
    Sub(u32, u32, u32),
    Mul(u32, u32, u32),
    Div(u32, u32, u32),
    /// `dst = a + c`, and so on (`c + b` and `c * b` are these, since IEEE
    /// addition and multiplication commute exactly).
    AddC(u32, u32, f64),
    SubC(u32, u32, f64),
    MulC(u32, u32, f64),
    DivC(u32, u32, f64),
    /// `dst = c - b` and `dst = c / b`.
    CSub(u32, f64, u32),
    CDiv(u32, f64, u32),
    /// `dst = f(slots at..at + n)`: a user function of the tier (a new
    /// frame) or a pure builtin.
    Call {
        id: GlobalId,
        at: u32,
        n: u32,
        dst: u32,
    },
    /// A top-level loop assigned the workspace name held in this slot, or
    /// (with [`super::run::MATRIX`]) an element of this held matrix: the
    /// last one assigned is the loop's value, as in the general evaluator.
    Assigned(u32),
    /// `dst = X[i]` or `X[i, j]` of the held matrix `mat` (`j` is
    /// [`ONE_INDEX`] for one index).
    Elem {
        dst: u32,
        mat: u32,
        i: u32,
        j: u32,
    },
    /// `X[i] = v`, `X[i, j] += v` on a held matrix (see [`Stmt::SetElem`]).
    SetElem {
        mat: u32,
        i: u32,
        j: u32,
        op: Option<Arith>,
        value: u32,
    },
    /// Goes on at `to` unless the condition holds (`if`, `elseif`).
    Unless(Bool, u32),
    /// Goes on at `to` unless `a cmp b`.
    UnlessCmp(Cmp, u32, u32, u32),
    /// Goes on at `to` unless `a cmp c`.
    UnlessCmpC(Cmp, u32, f64, u32),
    Goto(u32),
    /// A `while` test, after the body (the loop is entered by a jump to
    /// it): counts an iteration, then goes back to the body at `to` when
    /// the condition holds. One step an iteration, not a test and a jump.
    While(Bool, u32),
    /// Enters `for var = start:step:stop` (see [`ForEnter`]).
    ForEnter(Box<ForEnter>),
    /// The end of an iteration of the `for` whose slots start at `at`
    /// (entered by a jump here): when the range has another value, counts
    /// the iteration, sets `var` and goes back to the body at `to`.
    ForNext {
        var: u32,
        at: u32,
        to: u32,
    },
    Return,
    /// Returns the value of this slot (the output was set from it).
    ReturnSlot(u32),
}

/// A `for` range: its start, step, count and next index go in the four
/// slots from `at` (count and index as the bits of a `u64`, so that any
/// count the range allows is exact).
#[derive(Debug)]
pub(super) struct ForEnter {
    pub(super) start: Num,
    pub(super) step: Option<Num>,
    pub(super) stop: Num,
    pub(super) at: u32,
}

/// The code of `body`, and the slots a frame needs: `nslots`, four per
/// `for` and the temporaries of expressions. `held` is the number of
/// workspace names a top-level loop holds (0 in a function): their
/// assignments are noted for the statement's value.
pub(super) fn flatten(
    body: Box<[Stmt]>,
    nslots: usize,
    held: usize,
    out: Option<u32>,
) -> (Box<[Op]>, usize) {
    let mut f = Flat::new(nslots, held);
    f.block(body);
    f.returns(out);
    (f.code.into(), f.nslots)
}

/// The code of a one-line function `f(x) = expr`: the expression into a
/// slot of its own, which is the result. Gives the code, the slots and
/// that slot.
pub(super) fn flatten_expr(e: Num, nslots: usize) -> (Box<[Op]>, usize, u32) {
    let mut f = Flat::new(nslots + 1, 0);
    let out = nslots as u32;
    f.emit(e, out);
    (f.code.into(), f.nslots, out)
}

/// A loop being flattened: where `continue` goes and the `break`s that
/// wait for its end.
struct Loop {
    /// Jumps to the loop's test (`continue`) and past it (`break`).
    continues: Vec<usize>,
    breaks: Vec<usize>,
}

struct Flat {
    code: Vec<Op>,
    /// Slots used so far at the most.
    nslots: usize,
    /// Slots that live across statements: locals and the slots of the
    /// `for` loops met so far. Temporaries start above them.
    fixed: usize,
    /// The next free temporary in the statement being flattened.
    next: usize,
    held: usize,
    loops: Vec<Loop>,
}

/// A jump target not known yet.
const LATER: u32 = u32::MAX;

impl Flat {
    fn new(nslots: usize, held: usize) -> Flat {
        Flat {
            code: Vec::new(),
            nslots,
            fixed: nslots,
            next: nslots,
            held,
            loops: Vec::new(),
        }
    }

    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    fn push(&mut self, op: Op) -> usize {
        self.code.push(op);
        self.code.len() - 1
    }

    /// `n` consecutive temporaries; the first.
    fn temps(&mut self, n: usize) -> u32 {
        let first = self.next;
        self.next += n;
        self.nslots = self.nslots.max(self.next);
        first as u32
    }

    /// Points the jump at `at` to the current end of the code.
    fn land(&mut self, at: usize) {
        let here = self.here();
        self.land_at(at, here);
    }

    /// Points the jump at `at` to `here`.
    fn land_at(&mut self, at: usize, here: u32) {
        match &mut self.code[at] {
            Op::Unless(_, to)
            | Op::UnlessCmp(.., to)
            | Op::UnlessCmpC(.., to)
            | Op::Goto(to)
            | Op::While(_, to)
            | Op::ForNext { to, .. } => *to = here,
            _ => unreachable!("only jumps are patched"),
        }
    }

    fn block(&mut self, body: Box<[Stmt]>) {
        for s in body.into_vec() {
            // A statement's temporaries are dead after it.
            self.next = self.fixed;
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: Stmt) {
        match s {
            Stmt::Set(slot, e) => {
                self.emit(e, slot);
                if (slot as usize) < self.held {
                    self.push(Op::Assigned(slot));
                }
            }
            Stmt::SetElem {
                mat,
                index,
                op,
                value,
            } => {
                let (i, j) = self.indices(index);
                let value = self.slot(value);
                self.push(Op::SetElem {
                    mat,
                    i,
                    j,
                    op,
                    value,
                });
                self.push(Op::Assigned(super::run::MATRIX | mat));
            }
            Stmt::If(arms, otherwise) => {
                let mut ends = Vec::new();
                let has_else = !otherwise.is_empty();
                let n = arms.len();
                for (k, (c, body)) in arms.into_vec().into_iter().enumerate() {
                    self.next = self.fixed;
                    let test = self.unless(c);
                    self.block(body);
                    if k + 1 < n || has_else {
                        ends.push(self.push(Op::Goto(LATER)));
                    }
                    self.land(test);
                }
                self.block(otherwise);
                for e in ends {
                    self.land(e);
                }
            }
            Stmt::While(c, body) => {
                let enter = self.push(Op::Goto(LATER));
                let body_at = self.here();
                self.in_loop(body);
                let test = self.push(Op::While(c, body_at));
                self.land_at(enter, test as u32);
                self.end_loop(test as u32);
            }
            Stmt::For {
                var,
                start,
                step,
                stop,
                body,
            } => {
                let at = self.fixed as u32;
                self.fixed += 4;
                self.nslots = self.nslots.max(self.fixed);
                self.push(Op::ForEnter(Box::new(ForEnter {
                    start,
                    step,
                    stop,
                    at,
                })));
                let enter = self.push(Op::Goto(LATER));
                let body_at = self.here();
                self.in_loop(body);
                let next = self.push(Op::ForNext {
                    var,
                    at,
                    to: body_at,
                });
                self.land_at(enter, next as u32);
                self.end_loop(next as u32);
            }
            Stmt::Break => {
                let at = self.push(Op::Goto(LATER));
                if let Some(l) = self.loops.last_mut() {
                    l.breaks.push(at);
                }
            }
            Stmt::Continue => {
                let at = self.push(Op::Goto(LATER));
                if let Some(l) = self.loops.last_mut() {
                    l.continues.push(at);
                }
            }
            Stmt::Return => {
                self.push(Op::Return);
            }
        }
    }

    /// The test of an `if` arm; its position, to land when the arm ends.
    fn unless(&mut self, c: Bool) -> usize {
        match c {
            Bool::CmpLC(op, a, c) => self.push(Op::UnlessCmpC(op, a, c, LATER)),
            Bool::Cmp(op, x, y) => match (*x, *y) {
                (x, Num::Const(c)) => {
                    let a = self.slot(x);
                    self.push(Op::UnlessCmpC(op, a, c, LATER))
                }
                (x, y) => {
                    let a = self.slot(x);
                    let b = self.slot(y);
                    self.push(Op::UnlessCmp(op, a, b, LATER))
                }
            },
            c => self.push(Op::Unless(c, LATER)),
        }
    }

    /// Shortens returns: a jump to the end is a `return`, and a function
    /// that sets its output from a slot and returns gives that slot's
    /// value at once (in `fib`, the `r = n` of `n < 2`: a step less for
    /// half the calls).
    fn returns(&mut self, out: Option<u32>) {
        let end = self.here();
        for op in self.code.iter_mut() {
            if matches!(op, Op::Goto(to) if *to == end) {
                *op = Op::Return;
            }
        }
        let Some(out) = out else { return };
        for k in 1..self.code.len() {
            if let (Op::Move(dst, s), Op::Return) = (&self.code[k - 1], &self.code[k]) {
                if *dst == out {
                    self.code[k - 1] = Op::ReturnSlot(*s);
                }
            }
        }
        // The last step, when it sets the output, is followed by the end.
        if let Some(last) = self.code.last_mut() {
            if let Op::Move(dst, s) = *last {
                if dst == out {
                    *last = Op::ReturnSlot(s);
                }
            }
        }
    }

    /// Code that leaves the value of `e` in slot `dst`. Only the last step
    /// writes `dst`, after every operand is read, so `x = f(x) + x` reads
    /// the old `x` throughout.
    fn emit(&mut self, e: Num, dst: u32) {
        let op = match e {
            Num::Const(x) => Op::Const(dst, x),
            Num::Local(s) if s == dst => return,
            Num::Local(s) => Op::Move(dst, s),
            Num::ArithLC(op, a, c) => arith_c(op, dst, a, c),
            Num::ArithLL(op, a, b) => arith(op, dst, a, b),
            Num::Arith(op, x, y) => match (*x, *y) {
                (x, Num::Const(c)) => {
                    let a = self.slot(x);
                    arith_c(op, dst, a, c)
                }
                (Num::Const(c), y) => {
                    let b = self.slot(y);
                    c_arith(op, dst, c, b)
                }
                (x, y) => {
                    let a = self.slot(x);
                    let b = self.slot(y);
                    arith(op, dst, a, b)
                }
            },
            Num::Call(id, args) => {
                let n = args.len();
                let at = self.temps(n);
                for (k, a) in args.into_vec().into_iter().enumerate() {
                    self.emit(a, at + k as u32);
                }
                Op::Call {
                    id,
                    at,
                    n: n as u32,
                    dst,
                }
            }
            Num::Elem(mat, index) => {
                let (i, j) = self.indices(index);
                Op::Elem { dst, mat, i, j }
            }
            e @ (Num::Global(_) | Num::Neg(_)) => Op::Eval(dst, e),
        };
        self.push(op);
    }

    /// The slots of one or two indices; the second is [`ONE_INDEX`] when
    /// there is one (lowering allows no other count).
    fn indices(&mut self, index: Box<[Num]>) -> (u32, u32) {
        let mut index = index.into_vec().into_iter();
        let i = index.next().map_or(ONE_INDEX, |e| self.slot(e));
        let j = index.next().map_or(ONE_INDEX, |e| self.slot(e));
        (i, j)
    }

    /// The slot holding the value of `e`: a local's own, or a temporary.
    fn slot(&mut self, e: Num) -> u32 {
        match e {
            Num::Local(s) => s,
            e => {
                let t = self.temps(1);
                self.emit(e, t);
                t
            }
        }
    }

    fn in_loop(&mut self, body: Box<[Stmt]>) {
        self.loops.push(Loop {
            continues: Vec::new(),
            breaks: Vec::new(),
        });
        self.block(body);
    }

    /// Lands the loop's `continue`s on its test at `test`, and its
    /// `break`s here, after it.
    fn end_loop(&mut self, test: u32) {
        if let Some(l) = self.loops.pop() {
            for c in l.continues {
                self.land_at(c, test);
            }
            for b in l.breaks {
                self.land(b);
            }
        }
    }
}

/// The step for `dst = a op b`.
fn arith(op: Arith, dst: u32, a: u32, b: u32) -> Op {
    match op {
        Arith::Add => Op::Add(dst, a, b),
        Arith::Sub => Op::Sub(dst, a, b),
        Arith::Mul => Op::Mul(dst, a, b),
        Arith::Div => Op::Div(dst, a, b),
        Arith::Pow => Op::Arith(op, dst, a, b),
    }
}

/// The step for `dst = a op c`.
fn arith_c(op: Arith, dst: u32, a: u32, c: f64) -> Op {
    match op {
        Arith::Add => Op::AddC(dst, a, c),
        Arith::Sub => Op::SubC(dst, a, c),
        Arith::Mul => Op::MulC(dst, a, c),
        Arith::Div => Op::DivC(dst, a, c),
        Arith::Pow => Op::ArithC(op, dst, a, c),
    }
}

/// The step for `dst = c op b`.
fn c_arith(op: Arith, dst: u32, c: f64, b: u32) -> Op {
    match op {
        Arith::Add => Op::AddC(dst, b, c),
        Arith::Mul => Op::MulC(dst, b, c),
        Arith::Sub => Op::CSub(dst, c, b),
        Arith::Div => Op::CDiv(dst, c, b),
        Arith::Pow => Op::CArith(op, dst, c, b),
    }
}
