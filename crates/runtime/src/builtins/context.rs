//! What a builtin is and what it is handed when called. Kept apart from the
//! table so that the evaluator, the registry and every builtin group depend
//! on these few types and not on each other.

use super::Registry;
use crate::error::Result;
use crate::rng::Rng;
use crate::value::{Func, Value};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Instant;

/// What a builtin may ask of the interpreter running it.
pub trait Host {
    /// Where `print` and `printf` write.
    fn out(&mut self) -> &mut dyn std::io::Write;
    /// The random generator behind `rand`, `randn` and `seed`.
    fn rng(&mut self) -> &mut Rng;
    /// The `tic` clock.
    fn clock(&mut self) -> &mut Option<Instant>;
    /// The figures: the current one (`savefig`, `title`, …) and those
    /// waiting to be shown.
    fn plots(&mut self) -> &mut crate::plot::Plots;
    /// Draws the figures waiting to be shown (`show()`): as text in the
    /// output by default; a host may show them otherwise.
    fn show_figures(&mut self) -> Result<()> {
        let width = self.width();
        let text = crate::plot::show_pending(self.plots(), width, false);
        self.out()
            .write_all(text.as_bytes())
            .map_err(|e| crate::RuntimeError::output(&e))
    }
    /// `progress(v)` was called: the evaluator shows a bar for the `for`
    /// loop over its result. Hosts without loops ignore it.
    fn progress_asked(&mut self) {}
    /// The workspace variables, sorted by name (for `who`).
    fn workspace(&self) -> Vec<(String, Value)>;
    /// The functions this interpreter knows, so that `help` shows the ones
    /// added to it and not another interpreter's.
    fn registry(&self) -> &Registry;
    /// Calls a function value with one result asked (for `grad`). `site` is
    /// the builtin call's own, handed back so the host can place what
    /// happens inside. An error there comes back as
    /// [`RuntimeError::Callback`](crate::RuntimeError::Callback) carrying the
    /// host's own error, which the host unwraps when the builtin returns it.
    fn call_function(&mut self, f: &Func, args: Vec<Value>, site: CallSite) -> Result<Value>;
    /// Calls a function value asking `nout` results, as `(a, b) = f(x)`
    /// does: a tuple of them when `nout` is above 1 (for `minimize`'s
    /// gradient function of several arguments). This default asks
    /// [`Host::call_function`] and accepts its result only when it already
    /// holds `nout` values; hosts that know named outputs override it.
    fn call_function_n(
        &mut self,
        f: &Func,
        args: Vec<Value>,
        nout: usize,
        site: CallSite,
    ) -> Result<Value> {
        let v = self.call_function(f, args, site)?;
        match &v {
            Value::Tuple(items) if items.len() >= nout => Ok(v),
            _ if nout <= 1 => Ok(v),
            _ => Err(crate::RuntimeError::TooManyOutputs {
                name: f.name().into(),
                asked: nout,
                has: 1,
            }),
        }
    }
    /// The variable called `name` in the workspace, if there is one.
    fn variable(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }
    /// Removes the named workspace variables (all of them when `names` is
    /// empty); names that are not variables are ignored, as in MATLAB.
    fn clear(&mut self, names: &[String]) -> Result<()> {
        let _ = names;
        Err(crate::RuntimeError::Domain(
            "this host has no workspace to clear".into(),
        ))
    }
    /// Runs the script at `path` in the workspace, as if typed there.
    fn run_file(&mut self, path: &str) -> Result<()> {
        let _ = path;
        Err(crate::RuntimeError::Domain(
            "this host cannot run scripts".into(),
        ))
    }
    /// The bytes of the file at `path` (`load`). The host decides which
    /// paths a script may read; this default reads any.
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>> {
        crate::files::read(std::path::Path::new(path)).map_err(|e| crate::RuntimeError::Io {
            path: path.into(),
            reason: e.to_string(),
        })?
    }
    /// Writes `bytes` to the file at `path` (`save`, `savefig`). The host
    /// decides which paths a script may write; this default writes any,
    /// atomically ([`crate::atomic_file`]).
    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        crate::atomic_file::write(std::path::Path::new(path), bytes).map_err(|e| {
            crate::RuntimeError::Io {
                path: path.into(),
                reason: e.to_string(),
            }
        })
    }
    /// How many characters wide a line of output may be, for matrices and
    /// plots: the terminal's at the REPL, [`DEFAULT_WIDTH`](crate::display::DEFAULT_WIDTH)
    /// elsewhere so that output never depends on where it runs.
    fn width(&self) -> usize {
        crate::display::DEFAULT_WIDTH
    }
    /// Shows a warning about a result that is returned anyway (a nearly
    /// singular matrix, say). Hosts that have nowhere to show it drop it.
    fn warn(&mut self, message: &str) {
        let _ = message;
    }
}

/// Where a builtin was called, as the evaluator encoded it. The runtime
/// never looks inside: source positions are the evaluator's business, and
/// this only carries one through a builtin back to the evaluator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CallSite {
    start: u32,
    end: u32,
}

impl CallSite {
    /// A site from the evaluator's two numbers (byte offsets, say).
    pub const fn new(start: u32, end: u32) -> Self {
        CallSite { start, end }
    }

    /// The first number given to [`CallSite::new`].
    pub const fn start(self) -> u32 {
        self.start
    }

    /// The second number given to [`CallSite::new`].
    pub const fn end(self) -> u32 {
        self.end
    }
}

/// Everything about one call of a builtin except its arguments. It derefs
/// to the [`Host`], so bodies write `cx.out()` or `cx.rng()`.
pub struct CallContext<'a> {
    /// The interpreter running the call.
    pub host: &'a mut dyn Host,
    /// How many results the caller asked for (`[Q, R] = qr(A)` asks 2).
    pub nout: usize,
    /// Where the call stands, for the functions it calls back.
    pub site: CallSite,
}

impl<'a> CallContext<'a> {
    /// The context of a call asking `nout` results at `site`.
    pub fn new(host: &'a mut dyn Host, nout: usize, site: CallSite) -> Self {
        CallContext { host, nout, site }
    }

    /// Calls a function value back through the host from this call's site,
    /// so that an error inside it points into the user's function and the
    /// call chain runs through this builtin.
    pub fn call_back(&mut self, f: &Func, args: Vec<Value>) -> Result<Value> {
        self.host.call_function(f, args, self.site)
    }

    /// Calls a function value back asking `nout` results (see
    /// [`Host::call_function_n`]).
    pub fn call_back_n(&mut self, f: &Func, args: Vec<Value>, nout: usize) -> Result<Value> {
        self.host.call_function_n(f, args, nout, self.site)
    }
}

impl<'a> Deref for CallContext<'a> {
    type Target = dyn Host + 'a;

    fn deref(&self) -> &Self::Target {
        self.host
    }
}

impl DerefMut for CallContext<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.host
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
    Rule(crate::autodiff::Rule),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_site_round_trips() {
        let site = CallSite::new(3, 17);
        assert_eq!((site.start(), site.end()), (3, 17));
    }
}
