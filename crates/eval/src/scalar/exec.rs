//! Running register code (see [`super::flat`]): one loop over a program
//! counter, where a call of a function of the tier pushes a [`Frame`] and
//! its return pops it, without a Rust call either way.

use super::flat::{ForEnter, Op};
use super::held::ONE_INDEX;
use super::run::{arith, compare, Callee, Tier};
use super::{GiveUp, ScalarFn};

/// A caller waiting for a call's result.
pub(in crate::scalar) struct Frame<'a> {
    f: &'a ScalarFn,
    pc: usize,
    base: usize,
    /// The caller's slot for the result.
    dst: u32,
}

/// The stack and the frames, held in locals of `exec` while it runs: as
/// fields of the tier every access reloaded the vector's pointer and
/// length, since a store of an `f64` might have changed them (callgrind:
/// 40 instructions per call of `fib` were bounds checks).
struct Regs<'a> {
    stack: Vec<f64>,
    frames: Vec<Frame<'a>>,
}

/// What `exec` restores when the run gives up inside calls it made.
struct Entry {
    floor: usize,
    depth: usize,
    top: usize,
}

impl<'a> Tier<'a> {
    /// Runs register code whose frame starts at `base` to its end or a
    /// `return`, with the calls it makes. When the run gives up, it stops
    /// at once, writing nothing more: a top-level loop's variables stay as
    /// they stood.
    pub(in crate::scalar) fn exec(&mut self, f: &'a ScalarFn, base: usize) {
        let mut regs = Regs {
            stack: std::mem::take(&mut self.stack),
            frames: std::mem::take(&mut self.frames),
        };
        self.run_code(&mut regs, f, base);
        self.stack = regs.stack;
        self.frames = regs.frames;
    }

    #[inline(always)]
    fn run_code(&mut self, r: &mut Regs<'a>, mut f: &'a ScalarFn, mut base: usize) {
        let entry = Entry {
            floor: r.frames.len(),
            depth: self.depth_left,
            top: self.top,
        };
        let mut pc = 0;
        loop {
            let Some(op) = f.code.get(pc) else {
                // The end of a function's code: its return.
                match Self::pop(r, &entry) {
                    Some(frame) => (f, pc, base) = self.ret(r, f, frame, base),
                    None => return,
                }
                continue;
            };
            pc += 1;
            match op {
                Op::Add(dst, a, b) => {
                    r.stack[base + *dst as usize] =
                        r.stack[base + *a as usize] + r.stack[base + *b as usize];
                }
                Op::Sub(dst, a, b) => {
                    r.stack[base + *dst as usize] =
                        r.stack[base + *a as usize] - r.stack[base + *b as usize];
                }
                Op::Mul(dst, a, b) => {
                    r.stack[base + *dst as usize] =
                        r.stack[base + *a as usize] * r.stack[base + *b as usize];
                }
                Op::Div(dst, a, b) => {
                    r.stack[base + *dst as usize] =
                        r.stack[base + *a as usize] / r.stack[base + *b as usize];
                }
                Op::AddC(dst, a, c) => {
                    r.stack[base + *dst as usize] = r.stack[base + *a as usize] + *c
                }
                Op::SubC(dst, a, c) => {
                    r.stack[base + *dst as usize] = r.stack[base + *a as usize] - *c
                }
                Op::MulC(dst, a, c) => {
                    r.stack[base + *dst as usize] = r.stack[base + *a as usize] * *c
                }
                Op::DivC(dst, a, c) => {
                    r.stack[base + *dst as usize] = r.stack[base + *a as usize] / *c
                }
                Op::CSub(dst, c, b) => {
                    r.stack[base + *dst as usize] = *c - r.stack[base + *b as usize]
                }
                Op::CDiv(dst, c, b) => {
                    r.stack[base + *dst as usize] = *c / r.stack[base + *b as usize]
                }
                Op::Arith(op, dst, a, b) => {
                    let x = arith(
                        *op,
                        r.stack[base + *a as usize],
                        r.stack[base + *b as usize],
                    );
                    r.stack[base + *dst as usize] = x;
                }
                Op::ArithC(op, dst, a, c) => {
                    let x = arith(*op, r.stack[base + *a as usize], *c);
                    r.stack[base + *dst as usize] = x;
                }
                Op::CArith(op, dst, c, b) => {
                    let x = arith(*op, *c, r.stack[base + *b as usize]);
                    r.stack[base + *dst as usize] = x;
                }
                Op::Const(dst, x) => r.stack[base + *dst as usize] = *x,
                Op::Move(dst, s) => r.stack[base + *dst as usize] = r.stack[base + *s as usize],
                Op::UnlessCmpC(op, a, c, to) => {
                    if !compare(*op, r.stack[base + *a as usize], *c) {
                        pc = *to as usize;
                    }
                }
                Op::UnlessCmp(op, a, b, to) => {
                    let (x, y) = (r.stack[base + *a as usize], r.stack[base + *b as usize]);
                    if !compare(*op, x, y) {
                        pc = *to as usize;
                    }
                }
                Op::Goto(to) => pc = *to as usize,
                Op::Call { id, at, n, dst } => {
                    let args = base + *at as usize;
                    let callee = match self.last {
                        Some((last, g)) if last == *id && g.nparams == *n as usize => g,
                        _ => match self.callee(*id) {
                            Ok(Callee::Scalar(g)) if g.nparams == *n as usize => {
                                self.last = Some((*id, g));
                                g
                            }
                            Ok(Callee::Scalar(_)) => {
                                self.give_up(GiveUp::Always);
                                return self.unwind(r, &entry);
                            }
                            Ok(Callee::Builtin(b)) => {
                                let x = self.builtin(b, &r.stack[args..args + *n as usize]);
                                self.put(r, x, base + *dst as usize);
                                if self.stopped.is_some() {
                                    return self.unwind(r, &entry);
                                }
                                continue;
                            }
                            Ok(Callee::Owned(b)) => {
                                let x = self.builtin(&b, &r.stack[args..args + *n as usize]);
                                self.put(r, x, base + *dst as usize);
                                if self.stopped.is_some() {
                                    return self.unwind(r, &entry);
                                }
                                continue;
                            }
                            Err(why) => {
                                self.give_up(why);
                                return self.unwind(r, &entry);
                            }
                        },
                    };
                    if !room_for_a_frame(&mut r.frames) {
                        self.give_up(GiveUp::ThisCall);
                        return self.unwind(r, &entry);
                    }
                    if !self.enter(r, callee, args) {
                        return self.unwind(r, &entry);
                    }
                    r.frames.push(Frame {
                        f,
                        pc,
                        base,
                        dst: *dst,
                    });
                    (f, pc, base) = (callee, 0, args);
                }
                Op::Return => match Self::pop(r, &entry) {
                    Some(frame) => (f, pc, base) = self.ret(r, f, frame, base),
                    None => return,
                },
                Op::ReturnSlot(s) => {
                    let x = r.stack[base + *s as usize];
                    match Self::pop(r, &entry) {
                        Some(frame) => (f, pc, base) = self.ret_value(r, x, frame),
                        None => {
                            // The caller of `exec` reads the output slot.
                            r.stack[base + f.out as usize] = x;
                            return;
                        }
                    }
                }
                Op::Eval(dst, e) => {
                    let x = self.slow(r, |t| t.num(e, base));
                    if self.stopped.is_some() {
                        return self.unwind(r, &entry);
                    }
                    r.stack[base + *dst as usize] = x;
                }
                Op::Assigned(slot) => self.last_set = *slot,
                Op::Unless(c, to) => {
                    let go = self.slow(r, |t| t.cond(c, base));
                    if self.stopped.is_some() {
                        return self.unwind(r, &entry);
                    }
                    if !go {
                        pc = *to as usize;
                    }
                }
                Op::While(c, to) => {
                    let go = self.slow(r, |t| t.cond(c, base));
                    if self.tick() {
                        return self.unwind(r, &entry);
                    }
                    if go {
                        pc = *to as usize;
                    }
                }
                Op::ForEnter(f) => {
                    if !self.slow(r, |t| t.for_enter(f, base)) {
                        return self.unwind(r, &entry);
                    }
                }
                Op::ForNext { var, at, to } => {
                    let h = base + *at as usize;
                    let i = r.stack[h + 3].to_bits();
                    if i < r.stack[h + 2].to_bits() {
                        if self.tick() {
                            return self.unwind(r, &entry);
                        }
                        r.stack[base + *var as usize] = r.stack[h] + r.stack[h + 1] * i as f64;
                        r.stack[h + 3] = f64::from_bits(i + 1);
                        pc = *to as usize;
                    }
                }
                Op::Elem { dst, mat, i, j } => {
                    let i = r.stack[base + *i as usize];
                    let j = (*j != ONE_INDEX).then(|| r.stack[base + *j as usize]);
                    let x = self.elem_at(*mat, i, j);
                    if self.stopped.is_some() {
                        return self.unwind(r, &entry);
                    }
                    r.stack[base + *dst as usize] = x;
                }
                Op::SetElem {
                    mat,
                    i,
                    j,
                    op,
                    value,
                } => {
                    let i = r.stack[base + *i as usize];
                    let j = (*j != ONE_INDEX).then(|| r.stack[base + *j as usize]);
                    self.set_elem_at(*mat, i, j, *op, r.stack[base + *value as usize]);
                    if self.stopped.is_some() {
                        return self.unwind(r, &entry);
                    }
                }
            }
        }
    }

    /// Makes the frame of a call of `f` whose arguments are in the slots
    /// from `args`, which become its first locals: the caller's slots from
    /// there up are temporaries, dead once the arguments are computed, so
    /// nothing is copied (as in Lua). Whether the call may go on: the run
    /// gives up at the depth limit, an interrupt, a limit, or no room.
    #[inline(always)]
    fn enter(&mut self, r: &mut Regs<'a>, f: &'a ScalarFn, args: usize) -> bool {
        if self.depth_left == 0 {
            self.give_up(GiveUp::ThisCall);
            return false;
        }
        if self.tick() {
            return false;
        }
        let end = args + f.nslots;
        if end > r.stack.len() {
            *self.short = true;
            self.give_up(GiveUp::ThisCall);
            return false;
        }
        self.depth_left -= 1;
        self.top = end;
        true
    }

    /// Returns from `f`, running at `base`, to `frame`: the function,
    /// position and base to go on with.
    #[inline(always)]
    fn ret(
        &mut self,
        r: &mut Regs<'a>,
        f: &'a ScalarFn,
        frame: Frame<'a>,
        base: usize,
    ) -> (&'a ScalarFn, usize, usize) {
        let x = r.stack[base + f.out as usize];
        self.ret_value(r, x, frame)
    }

    /// Returns `x` from the frame at `base` to `frame`.
    #[inline(always)]
    fn ret_value(
        &mut self,
        r: &mut Regs<'a>,
        x: f64,
        frame: Frame<'a>,
    ) -> (&'a ScalarFn, usize, usize) {
        self.top = frame.base + frame.f.nslots;
        self.depth_left += 1;
        r.stack[frame.base + frame.dst as usize] = x;
        (frame.f, frame.pc, frame.base)
    }

    /// The caller to return to, unless the code returning is the one
    /// `exec` was called with.
    #[inline(always)]
    fn pop(r: &mut Regs<'a>, entry: &Entry) -> Option<Frame<'a>> {
        if r.frames.len() > entry.floor {
            r.frames.pop()
        } else {
            None
        }
    }

    /// Drops the frames this `exec` pushed, after the run gave up.
    #[inline(always)]
    fn unwind(&mut self, r: &mut Regs<'a>, entry: &Entry) {
        r.frames.truncate(entry.floor);
        self.depth_left = entry.depth;
        self.top = entry.top;
    }

    /// Runs `f` on the tier with the stack and frames put back, for the
    /// steps that evaluate trees.
    #[inline(always)]
    fn slow<T>(&mut self, r: &mut Regs<'a>, f: impl FnOnce(&mut Self) -> T) -> T {
        self.stack = std::mem::take(&mut r.stack);
        self.frames = std::mem::take(&mut r.frames);
        let x = f(self);
        r.stack = std::mem::take(&mut self.stack);
        r.frames = std::mem::take(&mut self.frames);
        x
    }

    /// A builtin's result into `slot`, unless the run gave up.
    #[inline(always)]
    fn put(&mut self, r: &mut Regs<'a>, x: Result<f64, GiveUp>, slot: usize) {
        match x {
            Ok(x) => r.stack[slot] = x,
            Err(why) => {
                self.give_up(why);
            }
        }
    }

    /// Evaluates a `for` range into its four slots, walked as the general
    /// evaluator walks it; whether to go on.
    #[inline(never)]
    fn for_enter(&mut self, f: &'a ForEnter, base: usize) -> bool {
        let a = self.num(&f.start, base);
        let s = match &f.step {
            Some(e) => self.num(e, base),
            None => 1.0,
        };
        let b = self.num(&f.stop, base);
        if self.stopped.is_some() {
            return false;
        }
        let Ok(n) = crate::expr::range_len(a, s, b) else {
            self.give_up(GiveUp::ThisCall);
            return false;
        };
        let h = base + f.at as usize;
        self.stack[h] = a;
        self.stack[h + 1] = s;
        self.stack[h + 2] = f64::from_bits(n as u64);
        self.stack[h + 3] = f64::from_bits(0);
        true
    }
}

/// Whether one more frame fits: growing the vector is tried without
/// aborting; where it fails the run gives up, and the general evaluator
/// reports what it reports.
#[inline(always)]
fn room_for_a_frame(frames: &mut Vec<Frame<'_>>) -> bool {
    frames.len() < frames.capacity() || frames.try_reserve(frames.len().max(16)).is_ok()
}
