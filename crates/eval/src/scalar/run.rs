//! Running lowered functions: locals in an `f64` frame on the Rust stack,
//! names read from the workspace without changing it, and any surprise
//! answered by giving up (see the module above for why that is safe).

use super::{Arith, Bool, Cmp, GiveUp, Num, ScalarFn};
use crate::budget::Budget;
use crate::callable::UserFunction;
use crate::interp::Interpreter;
use crate::names::{self, GlobalId};
use crate::resolved::FnProto;
use crate::workspace::{Peek, Workspace};
use mla_runtime::{builtins, CallContext, CallSite, Func, Registry, Rng, Value};
use smallvec::SmallVec;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

type Run<T> = Result<T, GiveUp>;

impl Interpreter {
    /// Runs a call of `proto`, whose arguments are on the value stack from
    /// `base`, in the scalar tier. `None` when the function or its
    /// arguments are not for the tier, or the tier gave up: the caller then
    /// runs the call as usual, from its start.
    pub(crate) fn try_scalar(&mut self, proto: &FnProto, base: usize) -> Option<f64> {
        let f = proto.scalar.get(proto)?;
        if self.stack.len() - base != f.nparams {
            return None;
        }
        // The names it reads that are no variables are looked up here, once,
        // into the workspace's cache, which the run cannot write.
        for &id in f.globals.iter() {
            if self.ws.get(id).is_none() {
                self.ws.fallback(id, &self.registry);
            }
        }
        let mut numbers = self.tier_stack();
        for (k, v) in self.stack[base..].iter().enumerate() {
            match v {
                Some(Value::Num(x)) if k < numbers.len() => numbers[k] = *x,
                _ => {
                    self.numbers = numbers;
                    return None;
                }
            }
        }
        let mut tier = self.tier(numbers);
        tier.top = f.nparams;
        let x = tier.call(f, 0);
        let stopped = tier.stopped;
        self.numbers = tier.stack;
        match stopped {
            None => {
                self.scalar_runs += 1;
                Some(x)
            }
            Some(GiveUp::Always) => {
                proto.scalar.turn_off();
                None
            }
            Some(GiveUp::ThisCall | GiveUp::Stopped) => None,
        }
    }
}

/// The tier's stack to start with, in `f64`s (128 KiB): a frame that does
/// not fit gives up, and the next run gets twice the room.
const FIRST_STACK: usize = 1 << 14;

/// The most room a run gets (32 MiB), far beyond the default depth
/// limit's need; a deeper recursion gives up to the general evaluator.
const MOST_STACK: usize = 1 << 22;

impl Interpreter {
    /// The stack a run works in: the last run's, grown when it ran out.
    pub(super) fn tier_stack(&mut self) -> Vec<f64> {
        let mut numbers = std::mem::take(&mut self.numbers);
        let want = if self.tier_stack_short {
            (numbers.len() * 2).clamp(FIRST_STACK, MOST_STACK)
        } else {
            numbers.len().max(FIRST_STACK)
        };
        self.tier_stack_short = false;
        // Memory that cannot be had leaves the stack as it is (calls that
        // do not fit give up), never an abort.
        if want > numbers.len() && numbers.try_reserve_exact(want - numbers.len()).is_ok() {
            numbers.resize(want, 0.0);
        }
        numbers
    }

    /// A run of the tier over `stack`, whose entry frame starts at 0.
    pub(super) fn tier(&mut self, stack: Vec<f64>) -> Tier<'_> {
        Tier {
            ws: &self.ws,
            registry: &self.registry,
            interrupt: &self.interrupt,
            budget: &mut self.budget,
            stack_floor: self.stack_floor,
            depth_left: self.limits.max_call_depth.saturating_sub(self.depth),
            stack,
            top: 0,
            frames: Vec::new(),
            short: &mut self.tier_stack_short,
            last: None,
            stopped: None,
            last_set: NOT_SET,
            mats: Vec::new(),
            held: &[],
        }
    }
}

/// What a run reads: the interpreter's state, never written.
pub(super) struct Tier<'a> {
    pub(super) ws: &'a Workspace,
    registry: &'a Registry,
    interrupt: &'a AtomicBool,
    /// The evaluation's operation and time budget: the tier ticks it as the
    /// general evaluator does, at every call and loop iteration.
    budget: &'a mut Budget,
    /// Where the general evaluator stops calls before the stack overflows.
    stack_floor: usize,
    /// Calls left before the depth limit, where the general evaluator
    /// reports the error.
    pub(super) depth_left: usize,
    /// The locals of every running call, innermost last, up to `top`; its
    /// length is fixed for the run, so that a push has no growth path.
    pub(super) stack: Vec<f64>,
    pub(super) top: usize,
    /// The callers of the running register code, innermost last.
    pub(super) frames: Vec<super::exec::Frame<'a>>,
    /// Set when a frame did not fit in `stack`.
    pub(super) short: &'a mut bool,
    /// The last user function called and its name: the workspace cannot
    /// change during a run, so the look-up holds (callgrind: a third of
    /// a call to `fib` went to finding `fib`).
    pub(super) last: Option<(GlobalId, &'a ScalarFn)>,
    /// Set when the run gives up, with the reason.
    pub(super) stopped: Option<GiveUp>,
    /// The slot of the entry frame (or, with [`MATRIX`], the held matrix)
    /// assigned last: a top-level loop leaves that variable as the
    /// statement's value, as the general evaluator does.
    pub(super) last_set: u32,
    /// A top-level loop's matrices, by their index in `Num::Elem`.
    pub(super) mats: Vec<super::held::Held<'a>>,
    /// The workspace names a top-level loop holds in its slots.
    pub(super) held: &'a [(GlobalId, bool)],
}

pub(super) const NOT_SET: u32 = u32::MAX;

/// Marks a `last_set` that is a held matrix's index, not a slot.
pub(super) const MATRIX: u32 = 1 << 31;

/// What a called name stands for.
pub(super) enum Callee<'a> {
    Scalar(&'a ScalarFn),
    Builtin(&'a Func),
    /// A pure builtin found in the registry during the run.
    Owned(Func),
}

impl<'a> Tier<'a> {
    /// Notes why the run stops; evaluation goes on with NaN up to the next
    /// statement, loop test or call, which ends it. Carrying the reason
    /// beside the values instead of in a `Result` at every node saves a
    /// test and a wider return per node (callgrind: a fifth of a call).
    #[cold]
    pub(super) fn give_up(&mut self, why: GiveUp) -> f64 {
        if self.stopped.is_none() || why == GiveUp::Always {
            self.stopped = Some(why);
        }
        f64::NAN
    }

    /// Runs `f`, whose arguments are on the stack from `base`.
    #[inline(always)]
    pub(super) fn call(&mut self, f: &'a ScalarFn, base: usize) -> f64 {
        if self.depth_left == 0 || crate::interp::stack_address() < self.stack_floor {
            return self.give_up(GiveUp::ThisCall);
        }
        if self.tick() {
            return f64::NAN;
        }
        // Locals need no clearing: lowering proved each is assigned before
        // it is read.
        let end = base + f.nslots;
        if end > self.stack.len() {
            *self.short = true;
            return self.give_up(GiveUp::ThisCall);
        }
        self.depth_left -= 1;
        self.top = end;
        self.exec(f, base);
        let result = self.stack[base + f.out as usize];
        self.top = base;
        self.depth_left += 1;
        result
    }

    /// Counts an operation; whether to stop: the run gave up, or the slow
    /// check (about once a millisecond) found an interrupt or a limit
    /// reached, which the general evaluator then reports.
    #[inline]
    pub(super) fn tick(&mut self) -> bool {
        self.budget.countdown -= 1;
        if self.budget.countdown < 0 {
            self.tick_slow();
        }
        self.stopped.is_some()
    }

    #[cold]
    #[inline(never)]
    fn tick_slow(&mut self) {
        if self.interrupt.load(Ordering::Relaxed) || self.budget.check().is_err() {
            self.give_up(GiveUp::Stopped);
        }
    }

    pub(super) fn num(&mut self, e: &'a Num, base: usize) -> f64 {
        match e {
            Num::Const(x) => *x,
            Num::Local(s) => self.stack[base + *s as usize],
            Num::Global(id) => self.global(*id),
            Num::Neg(x) => -self.num(x, base),
            Num::Arith(op, x, y) => {
                let x = self.operand(x, base);
                let y = self.operand(y, base);
                arith(*op, x, y)
            }
            Num::ArithLC(op, x, y) => arith(*op, self.stack[base + *x as usize], *y),
            Num::ArithLL(op, x, y) => arith(
                *op,
                self.stack[base + *x as usize],
                self.stack[base + *y as usize],
            ),
            Num::Call(id, args) => self.call_named(*id, args, base),
            Num::Elem(m, index) => self.elem(*m, index, base),
        }
    }

    /// An operand: the leaves that need no recursion are read here
    /// (callgrind: a call of `fib` makes three fewer calls of `num`).
    #[inline(always)]
    pub(super) fn operand(&mut self, e: &'a Num, base: usize) -> f64 {
        match e {
            Num::Const(x) => *x,
            Num::Local(s) => self.stack[base + *s as usize],
            Num::ArithLC(op, x, y) => arith(*op, self.stack[base + *x as usize], *y),
            Num::Call(id, args) => self.call_named(*id, args, base),
            _ => self.num(e, base),
        }
    }

    /// Whether a top-level loop holds `id` in its frame (a number) or took
    /// it out of the workspace (a matrix it writes).
    fn holds(&self, id: GlobalId) -> bool {
        self.held.iter().any(|(h, _)| *h == id)
            || self
                .mats
                .iter()
                .any(|m| matches!(m, super::held::Held::Write(w) if w.id == id))
    }

    /// A workspace variable or constant that must be a number.
    #[inline(never)]
    fn global(&mut self, id: GlobalId) -> f64 {
        // A name a top-level loop holds is read in its frame as a slot;
        // here a function it calls reads it from the workspace, which the
        // run has not updated.
        if self.holds(id) {
            return self.give_up(GiveUp::Always);
        }
        match self.ws.get(id) {
            Some(Value::Num(x)) => *x,
            Some(_) => self.give_up(GiveUp::Always),
            None => match self.ws.peek(id) {
                Peek::Const(x) => x,
                Peek::NotLooked => match self.registry.constant(&names::name(id)) {
                    Some(x) if self.registry.func(&names::name(id)).is_none() => x,
                    _ => self.give_up(GiveUp::Always),
                },
                Peek::Func(_) | Peek::Nothing => self.give_up(GiveUp::Always),
            },
        }
    }

    /// `true` or `false` as a name: the builtin of that name called with
    /// nothing, or a variable holding a truth value or number.
    #[inline(never)]
    fn truth(&mut self, id: GlobalId) -> bool {
        if self.holds(id) {
            self.give_up(GiveUp::Always);
            return false;
        }
        let f = match self.ws.get(id) {
            Some(Value::Bool(b)) => return *b,
            Some(Value::Num(x)) => return *x != 0.0,
            Some(_) => None,
            None => match self.ws.peek(id) {
                Peek::Func(f) => Some(f.clone()),
                Peek::NotLooked => self.registry.func(&names::name(id)),
                _ => None,
            },
        };
        match f.as_ref().and_then(Func::builtin).map(|b| b.name) {
            Some("true") => true,
            Some("false") => false,
            _ => {
                self.give_up(GiveUp::Always);
                false
            }
        }
    }

    /// A call: arguments go on the stack, where a user function's frame
    /// starts.
    #[inline(never)]
    fn call_named(&mut self, id: GlobalId, args: &'a [Num], base: usize) -> f64 {
        let callee_base = self.top;
        if let Some((last, f)) = self.last {
            if last == id && args.len() == f.nparams {
                for a in args {
                    let x = self.operand(a, base);
                    self.push(x);
                }
                return self.call(f, callee_base);
            }
        }
        for a in args {
            let x = self.num(a, base);
            self.push(x);
        }
        if self.top - callee_base != args.len() {
            *self.short = true;
            self.top = callee_base;
            return self.give_up(GiveUp::ThisCall);
        }
        match self.callee(id) {
            Ok(Callee::Scalar(f)) if args.len() != f.nparams => {
                self.top = callee_base;
                self.give_up(GiveUp::Always)
            }
            Ok(Callee::Scalar(f)) => {
                self.last = Some((id, f));
                self.call(f, callee_base)
            }
            Ok(Callee::Builtin(f)) => self.call_builtin(f, callee_base),
            Ok(Callee::Owned(f)) => self.call_builtin(&f, callee_base),
            Err(why) => {
                self.top = callee_base;
                self.give_up(why)
            }
        }
    }

    /// Pushes an argument; one that does not fit is dropped (and the call
    /// then finds its frame does not fit either, and gives up).
    #[inline(always)]
    fn push(&mut self, x: f64) {
        if let Some(slot) = self.stack.get_mut(self.top) {
            *slot = x;
            self.top += 1;
        }
    }

    pub(super) fn cond(&mut self, c: &'a Bool, base: usize) -> bool {
        match c {
            Bool::Const(b) => *b,
            Bool::Global(id) => self.truth(*id),
            Bool::Cmp(op, x, y) => {
                let x = self.num(x, base);
                let y = self.num(y, base);
                compare(*op, x, y)
            }
            Bool::CmpLC(op, x, y) => compare(*op, self.stack[base + *x as usize], *y),
            Bool::Truthy(x) => self.num(x, base) != 0.0,
            Bool::Not(b) => !self.cond(b, base),
            Bool::AndAlso(a, b) => self.cond(a, base) && self.cond(b, base),
            Bool::OrElse(a, b) => self.cond(a, base) || self.cond(b, base),
            Bool::And(a, b) => {
                let a = self.cond(a, base);
                let b = self.cond(b, base);
                a && b
            }
            Bool::Or(a, b) => {
                let a = self.cond(a, base);
                let b = self.cond(b, base);
                a || b
            }
        }
    }

    /// What the name `id` calls: a user function the tier runs, or a pure
    /// builtin.
    pub(super) fn callee(&self, id: GlobalId) -> Run<Callee<'a>> {
        let f = match self.ws.get(id) {
            Some(Value::Func(f)) => f,
            Some(_) => return Err(GiveUp::Always),
            None => match self.ws.peek(id) {
                Peek::Func(f) => f,
                // Not looked up by the general evaluator yet: the registry
                // says, slowly; `try_scalar` looks up the entry function's
                // names first, so this is for names of its callees.
                Peek::NotLooked => {
                    return match self.registry.func(&names::name(id)) {
                        Some(f) if f.builtin().is_some_and(|b| b.pure) => Ok(Callee::Owned(f)),
                        _ => Err(GiveUp::Always),
                    }
                }
                Peek::Const(_) | Peek::Nothing => return Err(GiveUp::Always),
            },
        };
        match f {
            Func::User(u) => {
                let proto = &u
                    .as_any()
                    .downcast_ref::<UserFunction>()
                    .ok_or(GiveUp::Always)?
                    .0;
                proto
                    .scalar
                    .get(proto)
                    .map(Callee::Scalar)
                    .ok_or(GiveUp::Always)
            }
            Func::Builtin(b) if b.pure => Ok(Callee::Builtin(f)),
            Func::Builtin(_) => Err(GiveUp::Always),
        }
    }

    pub(super) fn call_builtin(&mut self, f: &Func, base: usize) -> f64 {
        let r = self.builtin(f, &self.stack[base..self.top]);
        self.top = base;
        r.unwrap_or_else(|why| self.give_up(why))
    }

    /// Calls a pure builtin through the table with a host that refuses
    /// everything: only a number with no warning is taken.
    pub(super) fn builtin(&self, f: &Func, args: &[f64]) -> Run<f64> {
        let b = f.builtin().ok_or(GiveUp::Always)?;
        if args.len() < b.min_args || args.len() > b.max_args {
            return Err(GiveUp::Always);
        }
        match call_pure(self.registry, b, args) {
            (Ok(Value::Num(x)), false) => Ok(x),
            _ => Err(GiveUp::ThisCall),
        }
    }
}

#[inline(always)]
pub(super) fn arith(op: Arith, x: f64, y: f64) -> f64 {
    match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => x / y,
        Arith::Pow => x.powf(y),
    }
}

#[inline(always)]
pub(super) fn compare(op: Cmp, x: f64, y: f64) -> bool {
    match op {
        Cmp::Lt => x < y,
        Cmp::Le => x <= y,
        Cmp::Gt => x > y,
        Cmp::Ge => x >= y,
        Cmp::Eq => x == y,
        Cmp::Ne => x != y,
    }
}

/// Calls builtin `b` on numbers with a [`PureHost`]: its result, and
/// whether it used the host for anything but computing.
fn call_pure(
    registry: &Registry,
    b: &mla_runtime::Builtin,
    args: &[f64],
) -> (mla_runtime::Result<Value>, bool) {
    let values: SmallVec<[Value; 4]> = args.iter().map(|x| Value::Num(*x)).collect();
    let mut host = PureHost {
        registry,
        touched: false,
        sink: std::io::sink(),
        rng: None,
        clock: None,
        plots: mla_runtime::plot::Plots::default(),
    };
    let result = builtins::call(
        b,
        &mut CallContext::new(&mut host, 1, CallSite::default()),
        &values,
    );
    (result, host.touched)
}

/// Whether builtin `b` called on `args` uses its host (for the test that
/// holds the table's `pure` declarations to their word).
#[cfg(test)]
pub(super) fn touches_host(registry: &Registry, b: &mla_runtime::Builtin, args: &[f64]) -> bool {
    call_pure(registry, b, args).1
}

/// The host a pure builtin runs with: it notes any use beyond computing,
/// and the tier then gives up.
struct PureHost<'a> {
    registry: &'a Registry,
    touched: bool,
    sink: std::io::Sink,
    rng: Option<Rng>,
    clock: Option<Instant>,
    plots: mla_runtime::plot::Plots,
}

impl mla_runtime::Host for PureHost<'_> {
    fn out(&mut self) -> &mut dyn std::io::Write {
        self.touched = true;
        &mut self.sink
    }

    fn rng(&mut self) -> &mut Rng {
        self.touched = true;
        self.rng.get_or_insert_with(|| Rng::new(0))
    }

    fn clock(&mut self) -> &mut Option<Instant> {
        self.touched = true;
        &mut self.clock
    }

    fn plots(&mut self) -> &mut mla_runtime::plot::Plots {
        self.touched = true;
        &mut self.plots
    }

    fn progress_asked(&mut self) {
        self.touched = true;
    }

    fn workspace(&self) -> Vec<(String, Value)> {
        Vec::new()
    }

    fn registry(&self) -> &Registry {
        self.registry
    }

    fn call_function(
        &mut self,
        _f: &Func,
        _args: Vec<Value>,
        _site: CallSite,
    ) -> mla_runtime::Result<Value> {
        self.touched = true;
        Err(mla_runtime::RuntimeError::Domain(
            "the scalar tier calls no functions back".into(),
        ))
    }

    fn warn(&mut self, _message: &str) {
        self.touched = true;
    }
}
