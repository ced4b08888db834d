//! What a builtin is handed when called: the [`Host`] (the interpreter
//! running it) and the [`CallContext`] of one call.

use super::{Func, Registry, Value};
use crate::error::Result;
use crate::rng::Rng;
use std::ops::{Deref, DerefMut};
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
            .map_err(|e| crate::error::RuntimeError::output(&e))
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
    /// [`RuntimeError::Callback`](crate::error::RuntimeError::Callback) carrying the
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
            _ => Err(crate::error::RuntimeError::TooManyOutputs {
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
        Err(crate::error::RuntimeError::Domain(
            "this host has no workspace to clear".into(),
        ))
    }
    /// Runs the script at `path` in the workspace, as if typed there.
    fn run_file(&mut self, path: &str) -> Result<()> {
        let _ = path;
        Err(crate::error::RuntimeError::Domain(
            "this host cannot run scripts".into(),
        ))
    }
    /// The bytes of the file at `path` (`load`). The host decides which
    /// paths a script may read; this default reads any.
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>> {
        crate::files::read(std::path::Path::new(path)).map_err(|e| {
            crate::error::RuntimeError::Io {
                path: path.into(),
                reason: e.to_string(),
            }
        })?
    }
    /// Whether a script may read any file. Extensions that open files
    /// themselves, through a library the host's policy cannot see into
    /// (tall matrices read Parquet through DataFusion), refuse to when
    /// this is false. The default reads any, as [`Host::read_file`] does.
    fn files_unrestricted(&self) -> bool {
        true
    }
    /// Writes `bytes` to the file at `path` (`save`, `savefig`). The host
    /// decides which paths a script may write; this default writes any,
    /// atomically ([`crate::atomic_file`]).
    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        crate::atomic_file::write(std::path::Path::new(path), bytes).map_err(|e| {
            crate::error::RuntimeError::Io {
                path: path.into(),
                reason: e.to_string(),
            }
        })
    }
    /// How many characters wide a line of output may be, for matrices and
    /// plots: the terminal's at the REPL, [`DEFAULT_WIDTH`](crate::format::DEFAULT_WIDTH)
    /// elsewhere so that output never depends on where it runs.
    fn width(&self) -> usize {
        crate::format::DEFAULT_WIDTH
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_site_round_trips() {
        let site = CallSite::new(3, 17);
        assert_eq!((site.start(), site.end()), (3, 17));
    }
}
