//! The interpreter: the workspace, the call stack of local scopes, output,
//! limits, and the entry points `run` and `call`.

use crate::error::EvalError;
use crate::source::Source;
use mla_parser::Span;
use mla_runtime::{Builtin, CallSite, Clash, Registry, Rng, RuntimeError, Value};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Variables of one scope.
/// Variables of one scope (Fx hashing: names are short and trusted).
pub(crate) type Vars = rustc_hash::FxHashMap<Arc<str>, Value>;

/// Limits that keep a runaway script from taking the process down.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest chain of nested calls before an error.
    pub max_call_depth: usize,
    /// Stack for the thread `run` evaluates on, in bytes.
    pub stack_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_call_depth: 1000,
            stack_bytes: 1 << 30,
        }
    }
}

/// One function activation.
pub(crate) struct Frame {
    pub vars: Vars,
}

/// Runs MLA programs. The workspace survives between `run` calls and
/// errors: statements before a failure keep their effects, as in MATLAB,
/// and nothing is lost.
pub struct Interpreter {
    pub(crate) globals: Vars,
    pub(crate) frames: Vec<Frame>,
    pub(crate) rng: Rng,
    pub(crate) clock: Option<Instant>,
    pub(crate) figure: Option<mla_runtime::plot::Figure>,
    pub(crate) out: Box<dyn Write + Send>,
    pub(crate) limits: Limits,
    /// Sizes of the dimensions being indexed, innermost last, for `end`.
    pub(crate) end_stack: Vec<f64>,
    /// The source of the code being evaluated now.
    pub(crate) source: Arc<Source>,
    /// The builtins and constants names resolve to, with any added to this
    /// interpreter alone.
    pub(crate) registry: Registry,
    /// Set (by a Ctrl-C handler, say) to stop the running program at the
    /// next loop iteration or call.
    pub(crate) interrupt: Arc<AtomicBool>,
    entries: usize,
}

impl Default for Interpreter {
    fn default() -> Self {
        Interpreter::new()
    }
}

impl Interpreter {
    /// An interpreter that prints to standard output.
    pub fn new() -> Self {
        Interpreter::with_output(Box::new(std::io::stdout()))
    }

    /// An interpreter that prints to `out`.
    pub fn with_output(out: Box<dyn Write + Send>) -> Self {
        Interpreter {
            globals: Vars::default(),
            frames: Vec::new(),
            rng: Rng::default(),
            clock: None,
            figure: None,
            out,
            limits: Limits::default(),
            end_stack: Vec::new(),
            source: Source::new("<none>", ""),
            registry: Registry::standard(),
            interrupt: Arc::new(AtomicBool::new(false)),
            entries: 0,
        }
    }

    /// Changes the limits.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Parses and runs `text`, naming it `name` in diagnostics. Displays
    /// results of statements not ending in `;`. Returns the value of the last
    /// statement (or an empty tuple when it had none).
    ///
    /// Evaluation happens on a scoped thread with a large stack (see
    /// [`Limits`]), so deep recursion ends in an error, never an overflow.
    pub fn run(&mut self, name: &str, text: &str) -> Result<Value, EvalError> {
        self.entries += 1;
        let source = Source::new(name, text);
        let stack = usable_stack(self.limits.stack_bytes);
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .stack_size(stack)
                .spawn_scoped(scope, || self.run_here(&source));
            match handle {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    Err(EvalError::new(
                        "mla::internal",
                        "internal error: the evaluator panicked (please report this)",
                        Span::default(),
                        &source,
                    ))
                }),
                Err(e) => Err(EvalError::new(
                    "mla::internal",
                    format!("cannot start the evaluation thread: {e}"),
                    Span::default(),
                    &source,
                )),
            }
        })
    }

    /// A flag that stops the running program with an "interrupted" error
    /// when set; `run` clears it when it starts.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// An error if the interrupt flag was raised (checked in loops and calls).
    pub(crate) fn check_interrupt(&self, span: Span) -> Result<(), EvalError> {
        if self.interrupt.load(Ordering::Relaxed) {
            return Err(
                EvalError::new("mla::interrupted", "interrupted", span, &self.source)
                    .with_help("every variable assigned before the interruption is kept"),
            );
        }
        Ok(())
    }

    fn run_here(&mut self, source: &Arc<Source>) -> Result<Value, EvalError> {
        self.interrupt.store(false, Ordering::Relaxed);
        let program =
            mla_parser::parse(&source.text).map_err(|e| EvalError::from_parse(e, source))?;
        let saved = std::mem::replace(&mut self.source, source.clone());
        self.frames.clear();
        self.end_stack.clear();
        let result = self.exec_program(&program.body);
        self.source = saved;
        let _ = self.out.flush();
        result
    }

    /// Adds a builtin to this interpreter only: scripts it runs can call
    /// it and `help` shows it; other interpreters never see it. A name that
    /// is already a builtin or a constant is refused.
    pub fn register(&mut self, builtin: Builtin) -> Result<(), Clash> {
        self.registry.add(builtin)
    }

    /// The number of `run` calls so far (the REPL names entries by it).
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// A workspace variable.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.globals.get(name)
    }

    /// Sets a workspace variable (embedding: hand data to scripts).
    pub fn set(&mut self, name: &str, value: Value) {
        self.globals.insert(name.into(), value);
    }

    /// Names of the workspace variables, sorted.
    pub fn variable_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.globals.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    }

    /// Reads a name in the current scope: locals, then the workspace.
    pub(crate) fn lookup_var(&self, name: &str) -> Option<&Value> {
        if let Some(f) = self.frames.last() {
            if let Some(v) = f.vars.get(name) {
                return Some(v);
            }
        }
        self.globals.get(name)
    }

    /// The variables assignments go to: the innermost function's, or the workspace.
    pub(crate) fn scope_mut(&mut self) -> &mut Vars {
        match self.frames.last_mut() {
            Some(f) => &mut f.vars,
            None => &mut self.globals,
        }
    }

    /// Assigns in the current scope, reusing the slot when the name exists.
    pub(crate) fn set_var(&mut self, name: &Arc<str>, v: Value) {
        let scope = self.scope_mut();
        match scope.get_mut(name) {
            Some(slot) => *slot = v,
            None => {
                scope.insert(name.clone(), v);
            }
        }
    }

    pub(crate) fn at_top_level(&self) -> bool {
        self.frames.is_empty()
    }

    pub(crate) fn display(&mut self, name: &str, v: &Value) {
        let text = mla_runtime::display::display_named(name, v);
        let _ = self.out.write_all(text.as_bytes());
    }
}

impl mla_runtime::Host for Interpreter {
    fn out(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn clock(&mut self) -> &mut Option<Instant> {
        &mut self.clock
    }

    fn figure(&mut self) -> &mut Option<mla_runtime::plot::Figure> {
        &mut self.figure
    }

    fn registry(&self) -> &Registry {
        &self.registry
    }

    fn call_function(
        &mut self,
        f: &mla_runtime::Func,
        args: Vec<Value>,
        site: CallSite,
    ) -> mla_runtime::Result<Value> {
        let span = Span {
            start: site.start(),
            end: site.end(),
        };
        let spans = vec![span; args.len()];
        self.call_value(f, args, &spans, 1, span)
            .map_err(RuntimeError::callback)
    }

    fn workspace(&self) -> Vec<(String, Value)> {
        let mut vars: Vec<(String, Value)> = self
            .globals
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        vars
    }
}

/// The stack size to evaluate with: `wanted`, or 64 MiB where the system
/// refuses to reserve that much (found out once per process).
fn usable_stack(wanted: usize) -> usize {
    static REFUSED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let refused = *REFUSED.get_or_init(|| {
        std::thread::Builder::new()
            .stack_size(wanted)
            .spawn(|| {})
            .and_then(|h| {
                h.join()
                    .map_err(|_| std::io::Error::other("probe thread panicked"))
            })
            .is_err()
    });
    if refused {
        wanted.min(64 << 20)
    } else {
        wanted
    }
}

/// A `Write` target that tests and embedders can read back.
#[derive(Clone, Default)]
pub struct SharedBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        SharedBuffer::default()
    }

    /// Everything written so far, as text; empties the buffer.
    pub fn take(&self) -> String {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&std::mem::take(&mut *guard)).into_owned()
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        guard.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
