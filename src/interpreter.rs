//! The embedding API's interpreter: the evaluator behind typed values,
//! native functions, compiled code, limits and the host's output.

use crate::convert::{FromValue, IntoArgs, IntoValue};
use crate::error::{Error, ErrorKind};
use crate::value::Value;
use crate::{Compiled, Limits};
use mla_runtime::Value as Raw;
use ndarray::ArrayView2;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Runs MLA code and keeps its workspace: the variables survive between
/// runs and errors (statements before a failure keep their effects).
///
/// ```
/// use ndarray::array;
/// let mut mla = mla::Interpreter::new();
/// mla.set("X", array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// mla.run("C = X' * X / rows(X);").unwrap();
/// let c: ndarray::Array2<f64> = mla.get("C").unwrap();
/// assert_eq!(c[[0, 0]], 35.0 / 3.0);
/// ```
pub struct Interpreter {
    pub(crate) inner: mla_eval::Interpreter,
}

impl Default for Interpreter {
    fn default() -> Self {
        Interpreter::new()
    }
}

/// Stops a running program from another thread (a Ctrl-C handler, a
/// watchdog): it ends with an [`ErrorKind::Interrupted`] error at its next
/// loop iteration or call, and its variables stay.
///
/// ```
/// use std::time::Duration;
/// let mut mla = mla::Interpreter::new();
/// let handle = mla.interrupt_handle();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     handle.interrupt();
/// });
/// let e = mla.run("k = 0; while true; k = k + 1; end").unwrap_err();
/// assert_eq!(e.kind(), mla::ErrorKind::Interrupted);
/// assert!(mla.get::<f64>("k").unwrap() > 0.0);
/// ```
#[derive(Clone, Debug)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    /// Stops the program running now. When nothing runs, the next run
    /// starts afresh (each run forgets an earlier interrupt).
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The name a host's code gets in diagnostics when it gives none.
const CODE: &str = "<code>";

impl Interpreter {
    /// An interpreter that prints to standard output, with the `mla`
    /// command's limits (none but the allocation and call depth ones).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// assert_eq!(mla.run("1 + 2").unwrap().as_f64(), Some(3.0));
    /// ```
    pub fn new() -> Self {
        Interpreter {
            inner: mla_eval::Interpreter::new(),
        }
    }

    /// An interpreter that prints to `out` (a [`SharedBuffer`](crate::SharedBuffer)
    /// to read it back, a file, a socket…).
    ///
    /// ```
    /// let out = mla::SharedBuffer::new();
    /// let mut mla = mla::Interpreter::with_output(out.clone());
    /// mla.run("x = 2 * 3").unwrap();
    /// assert_eq!(out.take(), "x = 6\n");
    /// ```
    pub fn with_output(out: impl Write + Send + 'static) -> Self {
        Interpreter {
            inner: mla_eval::Interpreter::with_output(Box::new(out)),
        }
    }

    /// Sends what programs print to `out` from now on.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// let out = mla::SharedBuffer::new();
    /// mla.set_output(out.clone());
    /// mla.run("printf(\"%d\\n\", 42);").unwrap();
    /// assert_eq!(out.take(), "42\n");
    /// ```
    pub fn set_output(&mut self, out: impl Write + Send + 'static) {
        self.inner.set_output(Box::new(out));
    }

    /// Sends warnings (a result computed from a nearly singular matrix…)
    /// to `out` instead of standard error.
    ///
    /// ```
    /// let warnings = mla::SharedBuffer::new();
    /// let mut mla = mla::Interpreter::with_output(mla::SharedBuffer::new());
    /// mla.set_warning_output(warnings.clone());
    /// mla.run("x = inv([1e20 0; 0 1]);").unwrap();
    /// assert!(warnings.take().starts_with("warning: "));
    /// ```
    pub fn set_warning_output(&mut self, out: impl Write + Send + 'static) {
        self.inner.set_warning_output(Box::new(out));
    }

    /// Sets a workspace variable from a Rust value (see [`IntoValue`]:
    /// numbers, `bool`, strings, `Vec<f64>` as a column, `Array2<f64>`
    /// moved without a copy, views, tuples).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.set("w", vec![0.5, -1.0]);
    /// mla.set("name", "iris");
    /// assert_eq!(mla.run("size(w)").unwrap().to::<Vec<f64>>().unwrap(), [2.0, 1.0]);
    /// ```
    pub fn set(&mut self, name: &str, value: impl IntoValue) {
        self.inner.set(name, value.into_value().0);
    }

    /// A workspace variable as a Rust value (see [`FromValue`]); an error
    /// when there is none or it does not convert (naming its kind and shape).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.run("v = [1 2 3]; s = \"text\";").unwrap();
    /// let v: Vec<f64> = mla.get("v").unwrap();
    /// assert_eq!(v, [1.0, 2.0, 3.0]);
    /// let e = mla.get::<f64>("v").unwrap_err();
    /// assert_eq!(e.to_string(), "`v`: expected a number, got a 1×3 matrix");
    /// assert_eq!(mla.get::<String>("nope").unwrap_err().kind(), mla::ErrorKind::Name);
    /// ```
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, Error> {
        let v = self.raw(name)?;
        T::from_value(Value(v.clone())).map_err(|e| e.for_variable(name))
    }

    /// A matrix variable's numbers, borrowed without a copy (a number is
    /// 1×1).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.run("A = eye(3);").unwrap();
    /// assert_eq!(mla.view("A").unwrap().diag().sum(), 3.0);
    /// ```
    pub fn view(&self, name: &str) -> Result<ArrayView2<'_, f64>, Error> {
        let v = self.raw(name)?;
        match v {
            Raw::Matrix(m) => Ok(m.view()),
            Raw::Num(x) => Ok(ArrayView2::from_shape((1, 1), std::slice::from_ref(x))
                .expect("one element is 1×1")),
            other => Err(Error::plain(
                ErrorKind::Type,
                format!("`{name}`: expected a matrix, got {}", other.describe()),
            )),
        }
    }

    fn raw(&self, name: &str) -> Result<&Raw, Error> {
        self.inner
            .get(name)
            .ok_or_else(|| Error::plain(ErrorKind::Name, format!("`{name}` is not a variable")))
    }

    /// Removes a workspace variable; true if there was one.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.set("x", 1.0);
    /// assert!(mla.remove("x"));
    /// assert!(mla.get::<f64>("x").is_err());
    /// ```
    pub fn remove(&mut self, name: &str) -> bool {
        self.inner.remove(name)
    }

    /// The names of the workspace variables, sorted.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.run("b = 1; a = 2;").unwrap();
    /// assert_eq!(mla.variable_names(), ["a", "b"]);
    /// ```
    pub fn variable_names(&self) -> Vec<String> {
        self.inner.variable_names()
    }

    /// Runs `code` as the `mla` command runs a script: results of
    /// statements without `;` are printed to the output. Returns the value
    /// of the last statement (no value, an empty tuple, if it had none).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::with_output(mla::SharedBuffer::new());
    /// let v = mla.run("x = 3; x^2").unwrap();
    /// assert_eq!(v.to::<f64>().unwrap(), 9.0);
    /// ```
    pub fn run(&mut self, code: &str) -> Result<Value, Error> {
        self.run_named(CODE, code)
    }

    /// Runs `code`, naming it `name` in diagnostics (a path, `<cell 3>`).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// let e = mla.run_named("model.mla", "y = undefined_thing + 1").unwrap_err();
    /// assert_eq!(e.source_name(), Some("model.mla"));
    /// assert!(e.render().contains("model.mla:1:5"));
    /// ```
    pub fn run_named(&mut self, name: &str, code: &str) -> Result<Value, Error> {
        self.inner.run(name, code).map(Value).map_err(Error::from)
    }

    /// Parses and resolves `code` once, to evaluate it many times with
    /// [`Compiled::eval`].
    ///
    /// ```
    /// use ndarray::array;
    /// let mut mla = mla::Interpreter::new();
    /// mla.set("w", array![[1.0], [-1.0]]);
    /// mla.set("b", 0.0);
    /// let f = mla.compile("sigmoid(X * w + b)").unwrap();
    /// mla.set("X", array![[2.0, 2.0], [0.0, 50.0]]);
    /// let y: Vec<f64> = f.eval(&mut mla).unwrap();
    /// assert_eq!(y[0], 0.5);
    /// assert!(y[1] < 1e-20);
    /// ```
    pub fn compile(&self, code: &str) -> Result<Compiled, Error> {
        self.compile_named(CODE, code)
    }

    /// [`Interpreter::compile`], naming the code `name` in diagnostics.
    ///
    /// ```
    /// let mla = mla::Interpreter::new();
    /// let e = mla.compile_named("score", "1 +* 2").unwrap_err();
    /// assert_eq!((e.kind(), e.source_name()), (mla::ErrorKind::Syntax, Some("score")));
    /// ```
    pub fn compile_named(&self, name: &str, code: &str) -> Result<Compiled, Error> {
        self.inner
            .compile(name, code)
            .map(Compiled)
            .map_err(Error::from)
    }

    /// Evaluates compiled code in this workspace: quietly (nothing is
    /// shown), on the calling thread.
    pub(crate) fn eval_compiled(&mut self, c: &Compiled) -> Result<Value, Error> {
        self.inner
            .eval_compiled(&c.0)
            .map(Value)
            .map_err(Error::from)
    }

    /// Calls a function of the workspace (or a builtin) by name with
    /// arguments from Rust. It is asked for as many results as `T` holds:
    /// one, or a tuple's length.
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// let mut mla = mla::Interpreter::new();
    /// mla.run("function s = score(v)\n  s = sum(v .^ 2);\nend").unwrap();
    /// let s: f64 = mla.call("score", (vec![3.0, 4.0],)).unwrap();
    /// assert_eq!(s, 25.0);
    /// let (vals, vecs): (Vec<f64>, Array2<f64>) =
    ///     mla.call("eig", (array![[2.0, 0.0], [0.0, 3.0]],)).unwrap();
    /// assert_eq!((vals, vecs.dim()), (vec![3.0, 2.0], (2, 2)));
    /// ```
    pub fn call<T: FromValue>(&mut self, name: &str, args: impl IntoArgs) -> Result<T, Error> {
        let args = args.into_args().into_iter().map(|v| v.0).collect();
        let v = self
            .inner
            .call_results(name, args, T::RESULTS)
            .map_err(Error::from)?;
        T::from_value(Value(v))
    }

    /// Replaces the limits; they hold from the next run on.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.set_limits(mla::Limits { max_operations: Some(1000), ..Default::default() });
    /// let e = mla.run("while true; end").unwrap_err();
    /// assert_eq!(e.kind(), mla::ErrorKind::Operations);
    /// assert!(mla.run("x = 1").is_ok());
    /// ```
    pub fn set_limits(&mut self, limits: Limits) {
        self.inner.set_limits(limits);
    }

    /// The limits in force.
    ///
    /// ```
    /// let mla = mla::Interpreter::new();
    /// assert_eq!(mla.limits().max_operations, None);
    /// ```
    pub fn limits(&self) -> &Limits {
        self.inner.limits()
    }

    /// Lays out matrices and plots for lines of `width` characters (a
    /// terminal's width; 80 unless set, so output does not depend on where
    /// it runs). Values under 20 count as 20.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.set_width(120);
    /// ```
    pub fn set_width(&mut self, width: usize) {
        self.inner.set_width(width);
    }

    /// Lets `@time` report allocations, read from `meter` before and after
    /// the statement (a binary counts them with its global allocator).
    ///
    /// ```
    /// fn nothing_counted() -> mla::Allocations {
    ///     mla::Allocations::default()
    /// }
    /// let mut mla = mla::Interpreter::new();
    /// mla.set_allocation_meter(nothing_counted);
    /// ```
    pub fn set_allocation_meter(&mut self, meter: crate::AllocationMeter) {
        self.inner.set_allocation_meter(meter);
    }

    /// A handle that stops the running program from another thread.
    /// See [`InterruptHandle`].
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.inner.interrupt_flag())
    }

    /// Operations (loop iterations and calls) the last run did.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.run("for i = 1:10; end").unwrap();
    /// assert_eq!(mla.operations(), 10);
    /// ```
    pub fn operations(&self) -> u64 {
        self.inner.operations()
    }

    /// The current figure (`plot`, `scatter`, `hist`, `imshow`, …) as an
    /// SVG document, for the host to show or store.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::with_output(mla::SharedBuffer::new());
    /// assert!(mla.figure_svg().is_none());
    /// mla.run("scatter([1 2 3], [2 4 8]);").unwrap();
    /// assert!(mla.figure_svg().unwrap().starts_with("<svg"));
    /// ```
    pub fn figure_svg(&self) -> Option<String> {
        self.inner.figure_svg()
    }

    /// The current figure as PNG bytes.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::with_output(mla::SharedBuffer::new());
    /// mla.run("hist(randn(100, 1));").unwrap();
    /// let png = mla.figure_png().unwrap().unwrap();
    /// assert_eq!(&png[1..4], b"PNG");
    /// ```
    pub fn figure_png(&self) -> Option<Result<Vec<u8>, Error>> {
        self.inner.figure_png().map(|r| r.map_err(Error::runtime))
    }

    /// How many figures have been shown so far (by a statement without
    /// `;`, by `show()`, or at the end of a run). A host that shows figures
    /// itself turns [`Interpreter::set_figure_text`] off and shows
    /// `figure_png` when this grew during a run.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::with_output(mla::SharedBuffer::new());
    /// mla.set_figure_text(false);
    /// mla.run("plot([1 2 3]); title(\"t\");").unwrap();
    /// assert_eq!(mla.figures_shown(), 1);
    /// ```
    pub fn figures_shown(&self) -> u64 {
        self.inner.figures_shown()
    }

    /// Whether shown figures are drawn with characters in the output (on
    /// by default; off for a host that shows the pictures itself).
    pub fn set_figure_text(&mut self, on: bool) {
        self.inner.set_figure_text(on);
    }

    /// Whether output may carry ANSI colours (plots drawn in a terminal);
    /// off by default.
    pub fn set_color(&mut self, on: bool) {
        self.inner.set_color(on);
    }

    /// The reference of every function this interpreter knows, the host's
    /// own included, as Markdown (the one in `docs/builtins.md` plus the
    /// `host` group).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.register("double", "double(x): twice x", |x: f64| 2.0 * x).unwrap();
    /// assert!(mla.reference_markdown().contains("| `double(x)` | any | twice x |"));
    /// ```
    pub fn reference_markdown(&self) -> String {
        self.inner.reference_markdown()
    }

    /// Completions of the name or path ending at byte `pos` of `line`:
    /// where the replaced text starts, and the candidates (variables,
    /// functions the host added, builtins, keywords, files in strings).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.set("weights", 1.0);
    /// let (start, found) = mla.completions("y = wei", 7);
    /// assert_eq!(start, 4);
    /// assert_eq!(found[0].text, "weights");
    /// ```
    pub fn completions(&self, line: &str, pos: usize) -> (usize, Vec<crate::Completion>) {
        self.inner.completions(line, pos)
    }

    /// The signature of the builtin whose call `pos` stands in, for a hint
    /// (`zeros(m, n)` while typing `zeros(3, `).
    ///
    /// ```
    /// let mla = mla::Interpreter::new();
    /// assert_eq!(mla.call_signature("x = zeros(3, ", 13), Some("zeros(m, n)"));
    /// ```
    pub fn call_signature(&self, line: &str, pos: usize) -> Option<&'static str> {
        self.inner.call_signature(line, pos)
    }

    /// How many runs this interpreter has done (a REPL numbers its entries
    /// by it).
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// mla.run("1;").unwrap();
    /// assert_eq!(mla.entries(), 1);
    /// ```
    pub fn entries(&self) -> usize {
        self.inner.entries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interpreter_is_send() {
        fn send<T: Send>() {}
        send::<Interpreter>();
        send::<Compiled>();
        send::<Value>();
        send::<Error>();
        send::<InterruptHandle>();
    }
}
