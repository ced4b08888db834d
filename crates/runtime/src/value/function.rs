//! Functions as values: a builtin (its table entry and implementation)
//! or a user's function (the evaluator's, opaque here), and the signature
//! of a gradient rule.

use super::{strip, CallContext, Value};
use crate::error::Result;
use std::any::Any;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A callable value.
#[derive(Clone)]
pub enum Func {
    /// A builtin: a table entry or one added to an interpreter's registry.
    Builtin(BuiltinRef),
    /// A function defined by the user (the evaluator owns its meaning).
    User(Arc<dyn UserFunc>),
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Func::Builtin(b) => write!(f, "Builtin({})", b.name),
            Func::User(u) => write!(f, "User({})", u.describe()),
        }
    }
}

/// A user-defined function as the runtime sees it: opaque, named, describable.
/// The evaluator implements it and downcasts through [`UserFunc::as_any`].
pub trait UserFunc: Send + Sync {
    /// The function's name (`"<lambda>"` for anonymous ones).
    fn name(&self) -> &str;
    /// A one-line description, e.g. `function loss(w, b)` or `(x) -> …`.
    fn describe(&self) -> String;
    /// Its documentation: the comment lines that open its body (or stand
    /// right above a one-line definition), for `help`.
    fn doc(&self) -> Option<String> {
        None
    }
    /// For the evaluator to recover its concrete type.
    fn as_any(&self) -> &dyn Any;
}

impl Func {
    /// The builtin behind this value, if it is one.
    pub fn builtin(&self) -> Option<&Builtin> {
        match self {
            Func::Builtin(b) => Some(b),
            Func::User(_) => None,
        }
    }

    /// The user function behind this value, if it is one.
    pub fn user(&self) -> Option<&Arc<dyn UserFunc>> {
        match self {
            Func::User(u) => Some(u),
            Func::Builtin(_) => None,
        }
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        match self {
            Func::Builtin(b) => b.name,
            Func::User(u) => u.name(),
        }
    }
}

/// A builtin's implementation: the call's context and its arguments, whose
/// count the table entry has already checked.
pub type BuiltinFn = fn(&mut CallContext<'_>, &[Value]) -> Result<Value>;

/// A builtin implemented by a closure, which may hold the embedder's state.
/// `Send + Sync` because function values travel with the interpreter
/// between threads, and a closure may be re-entered when the script it
/// calls back calls it again.
pub type NativeFn = dyn Fn(&mut CallContext<'_>, &[Value]) -> Result<Value> + Send + Sync;

/// How a builtin is implemented: a plain function (the static table) or a
/// shared closure (added by an embedder).
#[derive(Clone)]
pub enum Implementation {
    /// A function pointer: costs nothing to copy.
    Fn(BuiltinFn),
    /// A closure over the embedder's state.
    Closure(Arc<NativeFn>),
}

impl Implementation {
    /// Runs the implementation.
    #[inline]
    pub fn call(&self, cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
        match self {
            Implementation::Fn(f) => f(cx, args),
            Implementation::Closure(f) => f(cx, args),
        }
    }
}

impl std::fmt::Debug for Implementation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Implementation::Fn(_) => f.write_str("Fn(..)"),
            Implementation::Closure(_) => f.write_str("Closure(..)"),
        }
    }
}

/// One builtin: its name, arity, documentation and implementation. The
/// static table holds most; embedders add their own to one interpreter's
/// [`Registry`].
#[derive(Clone, Debug)]
pub struct Builtin {
    /// The name scripts call it by.
    pub name: &'static str,
    /// Fewest arguments.
    pub min_args: usize,
    /// Most arguments (`usize::MAX` for any number).
    pub max_args: usize,
    /// How many results it can return.
    pub outputs: usize,
    /// How it is called, e.g. `zeros(m, n)`.
    pub signature: &'static str,
    /// One line on what it does.
    pub doc: &'static str,
    /// Its group in the reference (`build`, `linear algebra`, …).
    pub group: &'static str,
    /// The implementation.
    pub func: Implementation,
    /// How `grad` treats it.
    pub gradient: Gradient,
    /// A function of its arguments alone, declared `pure` in its entry: no
    /// output, files, random numbers, clock, figures or callbacks, so a
    /// call may be run again or skipped (the evaluator's scalar tier calls
    /// only these).
    pub pure: bool,
}

/// How `grad` treats a builtin, declared in its table entry.
#[derive(Clone, Copy)]
pub enum Gradient {
    /// Its result does not depend differentiably on its arguments (sizes,
    /// builders, comparisons, printing): it runs on their plain values.
    Constant,
    /// Differentiable: the rule computes the value (from the plain builtin
    /// or the same kernel) and records how the gradient flows back.
    Rule(Rule),
    /// `grad` refuses it, saying it does not carry gradients yet.
    None,
    /// `grad` refuses it for the reason given.
    Refused(&'static str),
    /// The entry says nothing (a test over the table fails on it); `grad`
    /// refuses it like [`Gradient::None`].
    Undeclared,
}

impl std::fmt::Debug for Gradient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gradient::Constant => write!(f, "Constant"),
            Gradient::Rule(_) => write!(f, "Rule"),
            Gradient::None => write!(f, "None"),
            Gradient::Refused(why) => write!(f, "Refused({why:?})"),
            Gradient::Undeclared => write!(f, "Undeclared"),
        }
    }
}

/// A builtin as a function value holds it: a table entry costs no
/// allocation, one added at run time is shared. It derefs to [`Builtin`] so
/// callers treat both alike.
#[derive(Clone, Debug)]
pub enum BuiltinRef {
    /// An entry of the static table.
    Static(&'static Builtin),
    /// A builtin added to a [`Registry`] at run time.
    Native(Arc<Builtin>),
}

impl Deref for BuiltinRef {
    type Target = Builtin;

    fn deref(&self) -> &Builtin {
        match self {
            BuiltinRef::Static(b) => b,
            BuiltinRef::Native(b) => b,
        }
    }
}

impl From<&'static Builtin> for BuiltinRef {
    fn from(b: &'static Builtin) -> Self {
        BuiltinRef::Static(b)
    }
}

/// A gradient rule that takes its value from the plain builtin: it runs
/// [`Forward::run`] and records only how the gradient flows back, so a
/// traced call computes exactly what the plain call computes (value,
/// argument checks, errors and warnings alike). `args` are the call's
/// arguments as given, traced ones included.
pub type Rule = fn(&mut Forward<'_, '_>, &[Value]) -> Result<Value>;

/// The plain builtin behind a traced call, ready to run on the plain values
/// of its arguments.
pub struct Forward<'c, 'h> {
    cx: &'c mut CallContext<'h>,
    func: Implementation,
    plain: Vec<Value>,
}

impl<'c, 'h> Forward<'c, 'h> {
    /// The builtin `func` called in `cx` with `args` (some traced).
    pub fn new(cx: &'c mut CallContext<'h>, func: Implementation, args: &[Value]) -> Self {
        Forward {
            cx,
            func,
            plain: args.iter().map(strip).collect(),
        }
    }

    /// How many results the caller asked for.
    pub(crate) fn nout(&self) -> usize {
        self.cx.nout
    }

    /// The arguments' plain values.
    pub(crate) fn args(&self) -> &[Value] {
        &self.plain
    }

    /// Runs the plain builtin asking `nout` results (a rule may ask for
    /// more than the caller did, e.g. the order beside the sorted values).
    pub(crate) fn run(&mut self, nout: usize) -> Result<Value> {
        let asked = std::mem::replace(&mut self.cx.nout, nout);
        let out = self.func.call(self.cx, &self.plain);
        self.cx.nout = asked;
        out
    }

    /// Runs the plain builtin with its first argument replaced by `first`
    /// (to learn where a rearrangement puts each element).
    pub(crate) fn run_on(&mut self, first: Value) -> Result<Value> {
        let mut args = self.plain.clone();
        args[0] = first;
        self.func.call(self.cx, &args)
    }
}
