//! The interpreter: the workspace, the value stack that holds the slots of
//! running functions, output, limits, and the entry points `run` and `call`.

use crate::budget::{Budget, Exceeded};
use crate::error::{ErrorKind, EvalError};
use crate::limits::Limits;
use crate::names;
use crate::resolved::Slots;
use crate::source::Source;
use crate::workspace::Workspace;
use mla_parser::Span;
use mla_runtime::memory::MemoryBudget;
use mla_runtime::value::AllocationLimit;
use mla_runtime::{Builtin, Clash, Registry, Rng, Value};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// What the code being evaluated runs in: its frame's slots on the value
/// stack, the source its spans point into, and the size `end` stands for.
/// Passed down explicitly, so a call saves and restores nothing.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// Where the frame's slots start on the value stack.
    pub base: usize,
    /// The frame's slot names (empty at top level).
    pub slots: &'a Slots,
    /// The source of the code running.
    pub source: &'a Arc<Source>,
    /// The size of the dimension being indexed, inside an index.
    pub end: Option<f64>,
    /// Top-level code shows results and writes the workspace.
    pub top: bool,
}

impl<'a> Ctx<'a> {
    /// The context of a function or lambda frame starting at `base`.
    pub(crate) fn frame(base: usize, slots: &'a Slots, source: &'a Arc<Source>) -> Self {
        Ctx {
            base,
            slots,
            source,
            end: None,
            top: false,
        }
    }

    /// The same code inside an index, where `end` stands for `size`.
    pub(crate) fn with_end(&self, size: f64) -> Self {
        Ctx {
            end: Some(size),
            ..*self
        }
    }
}

/// Runs MLA programs. The workspace survives between `run` calls and
/// errors: statements before a failure keep their effects, as in MATLAB,
/// and nothing is lost.
pub struct Interpreter {
    pub(crate) ws: Workspace,
    pub(crate) registry: Registry,
    /// The slots of every running function, innermost frame last.
    pub(crate) stack: Vec<Option<Value>>,
    /// How many calls are running.
    pub(crate) depth: usize,
    pub(crate) rng: Rng,
    pub(crate) clock: Option<Instant>,
    /// The figures: the current one and those waiting to be shown.
    pub(crate) plots: mla_runtime::plot::Plots,
    /// Figures are drawn as text in the output when shown (see
    /// [`Interpreter::set_figure_text`]).
    pub(crate) figure_text: bool,
    /// Output may carry ANSI colours (see [`Interpreter::set_color`]).
    pub(crate) color: bool,
    /// A `progress` bar is showing (an inner loop gets none).
    pub(crate) progress_showing: bool,
    /// `progress(v)` ran since the loop being set up started.
    pub(crate) progress_asked: bool,
    pub(crate) out: Box<dyn Write + Send>,
    /// Where warnings go (standard error unless set).
    pub(crate) warnings: Box<dyn Write + Send>,
    pub(crate) limits: Limits,
    /// Set (by a Ctrl-C handler, say) to stop the running program at the
    /// next loop iteration or call.
    pub(crate) interrupt: Arc<AtomicBool>,
    /// The scalar tier's stack, kept between runs.
    pub(crate) numbers: Vec<f64>,
    /// The scalar tier's last run found its stack too small.
    pub(crate) tier_stack_short: bool,
    /// Whether calls may run in the scalar tier (tests compare both ways).
    pub(crate) scalar_tier: bool,
    /// Calls that ran in the scalar tier to the end.
    pub(crate) scalar_runs: u64,
    /// Top-level loops the scalar tier ran to the end (for tests).
    pub(crate) scalar_loops: u64,
    /// Operations and time of the running evaluation.
    pub(crate) budget: Budget,
    /// Calls stop with an error when the stack reaches this address (it
    /// grows down), before it overflows.
    pub(crate) stack_floor: usize,
    /// Results of statements are not shown (a compiled program).
    pub(crate) quiet: bool,
    /// The width output is laid out for (see [`Interpreter::set_width`]).
    pub(crate) width: usize,
    /// Counts allocations for `@time`, when the host has a counter.
    pub(crate) meter: Option<crate::timing::AllocationMeter>,
    /// Where shown results go instead of the output (a notebook's rich
    /// display); see [`Interpreter::set_display`].
    pub(crate) display_sink: Option<crate::presentation::DisplaySink>,
    entries: usize,
}

/// The builtins every interpreter starts with: the table, and the tall
/// matrices' when built with the `tall` feature.
fn standard_registry() -> Registry {
    #[allow(unused_mut)]
    let mut registry = Registry::standard();
    // Their names are not in the table (a test calls each), so adding them
    // cannot clash.
    #[cfg(feature = "tall")]
    let _ = mla_tall::register(&mut registry);
    registry
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
            ws: Workspace::default(),
            registry: standard_registry(),
            stack: Vec::new(),
            depth: 0,
            rng: Rng::default(),
            clock: None,
            plots: mla_runtime::plot::Plots::default(),
            figure_text: true,
            color: false,
            progress_showing: false,
            progress_asked: false,
            out,
            warnings: Box::new(std::io::stderr()),
            limits: Limits::default(),
            interrupt: Arc::new(AtomicBool::new(false)),
            numbers: Vec::new(),
            tier_stack_short: false,
            scalar_tier: true,
            scalar_runs: 0,
            scalar_loops: 0,
            budget: Budget::default(),
            stack_floor: 0,
            quiet: false,
            width: mla_runtime::display::DEFAULT_WIDTH,
            meter: None,
            display_sink: None,
            entries: 0,
        }
    }

    /// Sends what the program prints to `out` from now on.
    pub fn set_output(&mut self, out: Box<dyn Write + Send>) {
        self.out = out;
    }

    /// The current figure (`plot`, `scatter`, `hist`, `imshow`, …) as an
    /// SVG document; `None` without a figure (or if drawing it failed,
    /// which `figure_png` reports).
    pub fn figure_svg(&self) -> Option<String> {
        self.plots
            .current
            .as_ref()
            .and_then(|f| mla_runtime::plot::svg(f).ok())
    }

    /// The current figure as a PNG image (`None` without a figure).
    pub fn figure_png(&self) -> Option<Result<Vec<u8>, mla_runtime::RuntimeError>> {
        self.plots.current.as_ref().map(mla_runtime::plot::png)
    }

    /// How many figures have been shown so far: a host that shows them
    /// itself (a notebook, with [`Interpreter::set_figure_text`] off) shows
    /// the current one when this grew during a run.
    pub fn figures_shown(&self) -> u64 {
        self.plots.shown
    }

    /// Whether shown figures are drawn as text in the output (on by
    /// default; a notebook that shows `figure_png` turns it off).
    pub fn set_figure_text(&mut self, on: bool) {
        self.figure_text = on;
    }

    /// Whether output may use ANSI colours (plots in the terminal); off by
    /// default, the REPL turns it on for a terminal.
    pub fn set_color(&mut self, on: bool) {
        self.color = on;
    }

    /// Shows the figures waiting to be (as text unless that is off). The
    /// `;` rule: a statement ending in `;` leaves its figure waiting until
    /// `show()`, a later statement without `;`, or the end of the run.
    pub(crate) fn show_figures_now(&mut self) -> std::io::Result<()> {
        if !self.plots.pending() {
            return Ok(());
        }
        if self.figure_text {
            let text = mla_runtime::plot::show_pending(&mut self.plots, self.width, self.color);
            self.out.write_all(text.as_bytes())
        } else {
            self.plots.take_to_show();
            Ok(())
        }
    }

    /// The builtins this interpreter knows (its added ones included) and
    /// the constants, as a Markdown reference.
    pub fn reference_markdown(&self) -> String {
        mla_runtime::builtins::reference_markdown_of(&self.registry)
    }

    /// Sends warnings (a result computed from a nearly singular matrix, …)
    /// to `w` instead of standard error.
    pub fn set_warning_output(&mut self, w: Box<dyn Write + Send>) {
        self.warnings = w;
    }

    /// Shows warnings about the code at `span`, with its place.
    pub(crate) fn warn_all(&mut self, cx: &Ctx, span: Span, warnings: Vec<String>) {
        for w in warnings {
            self.warn_at(cx, span, &w);
        }
    }

    pub(crate) fn warn_at(&mut self, cx: &Ctx, span: Span, message: &str) {
        let (line, col) = mla_parser::line_col(&cx.source.text, span.start as usize);
        // Output first, so the warning lands after what was printed before it.
        let _ = self.out.flush();
        let _ = writeln!(
            self.warnings,
            "warning: {message}\n  at {}:{line}:{col}",
            cx.source.name
        );
    }

    /// Lays out matrices and plots for lines of `width` characters (a
    /// terminal's width; 80 unless set). Values under 20 count as 20.
    pub fn set_width(&mut self, width: usize) {
        self.width = width.max(20);
    }

    /// Changes the limits (they hold from the next evaluation on).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Prepares an evaluation on the current thread, which may use
    /// `stack_bytes` of stack from here: clears the interrupt flag, the
    /// value stack and the budget, and sets the allocation limit and the
    /// memory budget for as long as the returned guards live.
    pub(crate) fn begin(&mut self, stack_bytes: usize) -> (AllocationLimit, MemoryBudget) {
        self.interrupt.store(false, Ordering::Relaxed);
        self.stack.clear();
        self.depth = 0;
        self.budget = Budget::start(self.limits.max_operations, self.limits.max_duration);
        self.stack_floor = stack_address().saturating_sub(stack_bytes);
        (
            AllocationLimit::set(self.limits.max_elements()),
            MemoryBudget::set(self.limits.max_memory_bytes),
        )
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
        // Calls stop at 7/8 of `stack_bytes`; the thread has TREE_STACK
        // more, so parsing and walking the deepest tree the parser allows
        // fits whatever the setting (a 256 KiB stack, or deep recursion
        // already at its floor).
        let budget = usable_stack(self.limits.stack_bytes);
        let stack = usable_stack(budget.saturating_add(TREE_STACK));
        let budget = budget.min(stack.saturating_sub(TREE_STACK));
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .stack_size(stack)
                .spawn_scoped(scope, || self.run_here(&source, budget - budget / 8));
            match handle {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    Err(EvalError::new(
                        ErrorKind::Internal,
                        "internal error: the evaluator panicked (please report this)",
                        Span::default(),
                        &source,
                    ))
                }),
                Err(e) => Err(EvalError::new(
                    ErrorKind::Internal,
                    format!("cannot start the evaluation thread: {e}"),
                    Span::default(),
                    &source,
                )),
            }
        })
    }

    /// A flag that stops the running program with an "interrupted" error
    /// when set, from any thread; each evaluation clears it when it starts.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// Counts an operation (a loop iteration or a call): an error if the
    /// interrupt flag was raised or a limit of operations or time is passed
    /// (looked at about once a millisecond; see `budget`).
    #[inline]
    pub(crate) fn tick(&mut self, cx: &Ctx, span: Span) -> Result<(), EvalError> {
        self.budget.countdown -= 1;
        if self.budget.countdown < 0 {
            return self.tick_slow(cx, span);
        }
        Ok(())
    }

    /// The slow check of `tick` now, without counting an operation.
    pub(crate) fn check_now(&mut self, cx: &Ctx, span: Span) -> Result<(), EvalError> {
        self.tick_slow(cx, span)
    }

    #[cold]
    #[inline(never)]
    fn tick_slow(&mut self, cx: &Ctx, span: Span) -> Result<(), EvalError> {
        if self.interrupt.load(Ordering::Relaxed) {
            return Err(
                EvalError::new(ErrorKind::Interrupted, "interrupted", span, cx.source)
                    .with_help(KEPT),
            );
        }
        self.budget.check().map_err(|e| {
            let (kind, message) = match e {
                Exceeded::Operations(max) => (
                    ErrorKind::Operations,
                    format!("the program did more than {max} operations (loop iterations and calls), its limit"),
                ),
                Exceeded::Duration(max) => (
                    ErrorKind::Timeout,
                    format!("the program ran longer than its time limit of {max:?}"),
                ),
            };
            EvalError::new(kind, message, span, cx.source).with_help(KEPT)
        })
    }

    /// Operations done by the running or the last evaluation.
    pub fn operations(&self) -> u64 {
        self.budget.operations()
    }

    fn run_here(&mut self, source: &Arc<Source>, stack_bytes: usize) -> Result<Value, EvalError> {
        let _limit = self.begin(stack_bytes);
        let parsed = crate::source::parse(source)?;
        let program = crate::resolve::program(&parsed, source);
        // Long kernels (products, decompositions) look at the flag too.
        let _watch = mla_runtime::interrupt::watch(self.interrupt.clone());
        let result = self.exec_program(&program);
        // The end of an entry or script shows what `;` held back.
        let _ = self.show_figures_now();
        let _ = self.out.flush();
        result
    }

    /// Adds a builtin to this interpreter only: scripts it runs can call
    /// it and `help` shows it; other interpreters never see it. A name that
    /// is already a builtin or a constant is refused.
    pub fn register(&mut self, builtin: Builtin) -> Result<(), Clash> {
        self.registry.add(builtin)?;
        self.ws.registry_changed();
        Ok(())
    }

    /// The number of `run` calls so far (the REPL names entries by it).
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// A workspace variable.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.ws.get(names::find(name)?)
    }

    /// Sets a workspace variable (embedding: hand data to scripts).
    pub fn set(&mut self, name: &str, value: Value) {
        self.ws.set(names::intern(name), value);
    }

    /// Removes a workspace variable; true if there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        match names::find(name) {
            Some(id) => self.ws.slot(id).take().is_some(),
            None => false,
        }
    }

    /// Names of the workspace variables, sorted.
    pub fn variable_names(&self) -> Vec<String> {
        self.ws
            .variables()
            .into_iter()
            .map(|(n, _)| n.to_string())
            .collect()
    }

    pub(crate) fn display(&mut self, name: &str, v: &Value) {
        if let Some(sink) = &mut self.display_sink {
            return sink(name, v, self.width);
        }
        let text = mla_runtime::display::display_named(name, v, self.width);
        let _ = self.out.write_all(text.as_bytes());
    }
}

/// Where the stack of the current thread is now (it grows down on every
/// platform Rust supports well).
#[inline(always)]
pub(crate) fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as usize
}

/// Stack beyond `Limits::stack_bytes` for the parser and the walks of an
/// expression `mla_parser::MAX_DEPTH` deep (a few KiB a level in a debug
/// build).
const TREE_STACK: usize = 16 << 20;

/// What an interruption leaves: the help of every "interrupted" error.
pub(crate) const KEPT: &str = "every variable assigned before the interruption is kept";

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
