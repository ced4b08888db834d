//! The scalar tier: a second way to run a user function whose locals can
//! only ever hold numbers.
//!
//! A call to `fib(n)` through the general evaluator moves `Value`s through
//! `Option` slots, `Result<Value, EvalError>` returns, the depth and trace
//! bookkeeping and an `Arc` count: about 930 instructions (callgrind), most
//! of them tag tests and moves that a function of numbers does not need.
//! When a function's body only does arithmetic, comparisons and calls on
//! numbers, [`compile`] lowers it once to a tree over `f64` slots and
//! [`Interpreter::try_scalar`] runs calls to it with numeric arguments there.
//!
//! **Why it is safe to try.** What the tier accepts has no effect but the
//! function's own locals: no output, no workspace write, no impure builtin
//! (only those the builtin table declares `pure`, called through it, with a
//! host that refuses everything else). So when anything unforeseen happens
//! during a run (a name that is not a numeric function or number, a builtin
//! that errors, warns or gives a matrix, the depth limit, an interrupt), the
//! tier gives up and the call runs again from its start in the general
//! evaluator, which then reports what it reports, in the same words and
//! places. A structural reason also turns the tier off for that function.

mod compile;
mod exec;
mod flat;
mod held;
#[cfg(test)]
mod loop_tests;
#[cfg(test)]
mod random_tests;
mod run;
mod script_loop;
#[cfg(test)]
mod tests;

use crate::names::GlobalId;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

pub(crate) use compile::{compile, compile_loop};

/// A function lowered to the scalar tier.
#[derive(Debug)]
pub(crate) struct ScalarFn {
    /// Locals, parameters first, then the slots of `for` loops.
    nslots: usize,
    nparams: usize,
    code: Box<[flat::Op]>,
    /// The slot of the result: a function's named output, or the slot a
    /// one-line function leaves its value in. A top-level loop has none
    /// (0, never read: it is never called).
    out: u32,
    /// The non-local names it reads or calls.
    globals: Box<[GlobalId]>,
    /// A top-level loop's workspace names held in slots `0..`, each with
    /// whether the loop may read it before assigning it; empty for a
    /// function.
    entry: Box<[(GlobalId, bool)]>,
    /// A top-level loop's workspace matrices whose elements it reads or
    /// writes (`true`), each by its index in `Num::Elem`.
    mats: Box<[(GlobalId, bool)]>,
}

/// An expression whose value is a number.
#[derive(Debug)]
enum Num {
    Const(f64),
    Local(u32),
    /// A workspace variable or constant, which must hold a number.
    Global(GlobalId),
    Neg(Box<Num>),
    Arith(Arith, Box<Num>, Box<Num>),
    /// `n - 1`: a local and a literal, read without recursion (these are
    /// most of the operands in scalar code).
    ArithLC(Arith, u32, f64),
    ArithLL(Arith, u32, u32),
    /// A user function of the tier or a pure builtin.
    Call(GlobalId, Box<[Num]>),
    /// An element of a workspace matrix a top-level loop holds: one
    /// (column-major) index or a row and a column.
    Elem(u32, Box<[Num]>),
}

#[derive(Clone, Copy, Debug)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// An expression whose value is `true` or `false`.
#[derive(Debug)]
enum Bool {
    Const(bool),
    /// `true` or `false` as written: the builtins, unless a variable took
    /// the name.
    Global(GlobalId),
    Cmp(Cmp, Box<Num>, Box<Num>),
    /// `n < 2`: a local and a literal.
    CmpLC(Cmp, u32, f64),
    /// A number as a condition: not zero (NaN is true, as in `if`).
    Truthy(Box<Num>),
    Not(Box<Bool>),
    /// `&&` / `||`: the right side only when needed.
    AndAlso(Box<Bool>, Box<Bool>),
    OrElse(Box<Bool>, Box<Bool>),
    /// `&` / `|` on two scalars: both sides are evaluated.
    And(Box<Bool>, Box<Bool>),
    Or(Box<Bool>, Box<Bool>),
}

#[derive(Clone, Copy, Debug)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug)]
enum Stmt {
    Set(u32, Num),
    If(Box<[(Bool, Box<[Stmt]>)]>, Box<[Stmt]>),
    While(Bool, Box<[Stmt]>),
    /// `for var = start:step:stop`, walked as the general evaluator walks it.
    For {
        var: u32,
        start: Num,
        step: Option<Num>,
        stop: Num,
        body: Box<[Stmt]>,
    },
    /// `X[k] = v`, `X[i, j] += v`: an element of a held matrix, which
    /// must exist (growing the matrix is left to the general evaluator).
    SetElem {
        mat: u32,
        index: Box<[Num]>,
        op: Option<Arith>,
        value: Num,
    },
    Break,
    Continue,
    Return,
}

/// Why a run in the tier stopped short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// Something about this call (the depth, an interrupt, a value out of a
    /// builtin's domain, a name not yet looked up): try the tier next time.
    ThisCall,
    /// An interrupt, or a limit of the time or operation budget reached,
    /// which the general evaluator reports.
    Stopped,
    /// The function calls something the tier cannot run: stop trying.
    Always,
}

/// A function's place in the tier, kept with its resolved body.
#[derive(Debug, Default)]
pub(crate) struct ScalarSlot {
    lowered: OnceLock<Option<ScalarFn>>,
    off: AtomicBool,
}

impl ScalarSlot {
    /// The lowered function, lowering it on first use; `None` when the
    /// function is not for the tier.
    pub(crate) fn get(&self, proto: &crate::resolved::FnProto) -> Option<&ScalarFn> {
        if self.off.load(Ordering::Relaxed) {
            return None;
        }
        self.get_or(|| compile(proto))
    }

    /// The lowered form, made by `lower` on first use.
    pub(crate) fn get_or(&self, lower: impl FnOnce() -> Option<ScalarFn>) -> Option<&ScalarFn> {
        if self.off.load(Ordering::Relaxed) {
            return None;
        }
        self.lowered.get_or_init(lower).as_ref()
    }

    /// Stops running this function in the tier.
    pub(crate) fn turn_off(&self) {
        self.off.store(true, Ordering::Relaxed);
    }
}
