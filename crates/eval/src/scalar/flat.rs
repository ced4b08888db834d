//! A lowered body as flat code: its statements in one array, with `if`,
//! loops, `break` and `continue` as jumps within it.
//!
//! Walking the statement tree took a Rust call per block, a loop over each
//! block's slice and a `Flow` value tested after every statement: in a call
//! of `fib`, `block` ran a third of the instructions (callgrind). As flat
//! code a call runs in one loop over a program counter, and only
//! expressions recurse.

use super::{Arith, Bool, Num, Stmt};

/// One step of flat code.
#[derive(Debug)]
pub(super) enum Op {
    Set(u32, Num),
    /// `X[k] = v`, `X[i, j] += v` on a held matrix (see [`Stmt::SetElem`]).
    SetElem {
        mat: u32,
        index: Box<[Num]>,
        op: Option<Arith>,
        value: Num,
    },
    /// Goes on at `to` when the condition is false (`if`, `elseif`).
    Unless(Bool, u32),
    Goto(u32),
    /// A `while` test: counts an iteration, then goes on at `to` when the
    /// condition is false.
    While(Bool, u32),
    /// Enters `for var = start:step:stop`: its start, step, count and next
    /// index go in the four slots from `at` (count and index as the bits
    /// of a `u64`, so that any count the range allows is exact).
    ForEnter {
        start: Num,
        step: Option<Num>,
        stop: Num,
        at: u32,
    },
    /// The next iteration of the `for` whose slots start at `at`: counts
    /// it and sets `var`, or goes on at `to` when the range is done.
    ForNext {
        var: u32,
        at: u32,
        to: u32,
    },
    Return,
}

/// The flat code of `body`, and the slots it needs: `nslots` and four
/// more per `for`.
pub(super) fn flatten(body: Box<[Stmt]>, nslots: usize) -> (Box<[Op]>, usize) {
    let mut f = Flat {
        code: Vec::new(),
        nslots,
        loops: Vec::new(),
    };
    f.block(body);
    (f.code.into(), f.nslots)
}

/// A loop being flattened: where `continue` goes and the `break`s that
/// wait for its end.
struct Loop {
    next: u32,
    breaks: Vec<usize>,
}

struct Flat {
    code: Vec<Op>,
    nslots: usize,
    loops: Vec<Loop>,
}

/// A jump target not known yet.
const LATER: u32 = u32::MAX;

impl Flat {
    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    fn push(&mut self, op: Op) -> usize {
        self.code.push(op);
        self.code.len() - 1
    }

    /// Points the jump at `at` to the current end of the code.
    fn land(&mut self, at: usize) {
        let here = self.here();
        match &mut self.code[at] {
            Op::Unless(_, to) | Op::Goto(to) | Op::While(_, to) | Op::ForNext { to, .. } => {
                *to = here
            }
            _ => unreachable!("only jumps are patched"),
        }
    }

    fn block(&mut self, body: Box<[Stmt]>) {
        for s in body.into_vec() {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: Stmt) {
        match s {
            Stmt::Set(slot, e) => {
                self.push(Op::Set(slot, e));
            }
            Stmt::SetElem {
                mat,
                index,
                op,
                value,
            } => {
                self.push(Op::SetElem {
                    mat,
                    index,
                    op,
                    value,
                });
            }
            Stmt::If(arms, otherwise) => {
                let mut ends = Vec::new();
                let has_else = !otherwise.is_empty();
                let n = arms.len();
                for (k, (c, body)) in arms.into_vec().into_iter().enumerate() {
                    let test = self.push(Op::Unless(c, LATER));
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
                let top = self.here();
                let test = self.push(Op::While(c, LATER));
                self.in_loop(top, body);
                self.push(Op::Goto(top));
                self.land(test);
                self.end_loop();
            }
            Stmt::For {
                var,
                start,
                step,
                stop,
                body,
            } => {
                let at = self.nslots as u32;
                self.nslots += 4;
                self.push(Op::ForEnter {
                    start,
                    step,
                    stop,
                    at,
                });
                let next_at = self.here();
                let next = self.push(Op::ForNext { var, at, to: LATER });
                self.in_loop(next_at, body);
                self.push(Op::Goto(next_at));
                self.land(next);
                self.end_loop();
            }
            Stmt::Break => {
                let at = self.push(Op::Goto(LATER));
                if let Some(l) = self.loops.last_mut() {
                    l.breaks.push(at);
                }
            }
            Stmt::Continue => {
                let to = self.loops.last().map_or(LATER, |l| l.next);
                self.push(Op::Goto(to));
            }
            Stmt::Return => {
                self.push(Op::Return);
            }
        }
    }

    fn in_loop(&mut self, next: u32, body: Box<[Stmt]>) {
        self.loops.push(Loop {
            next,
            breaks: Vec::new(),
        });
        self.block(body);
    }

    /// Lands the loop's `break`s here, after it.
    fn end_loop(&mut self) {
        if let Some(l) = self.loops.pop() {
            for b in l.breaks {
                self.land(b);
            }
        }
    }
}
