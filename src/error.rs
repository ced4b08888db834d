//! The host's error: a diagnostic placed in the source when it comes from
//! running code, a plain message when it comes from the host side (a value
//! of the wrong kind asked for, an error a native function returned).

use miette::{Diagnostic, LabeledSpan, SourceCode};
use mla_eval::EvalError;
use mla_runtime::RuntimeError;
use std::fmt;

pub use mla_eval::ErrorKind;

/// An error from MLA: what went wrong, its [`ErrorKind`], and (for errors
/// in running code) where, with the chain of calls that led there.
///
/// It is a [`miette::Diagnostic`]: [`Error::render`] shows it as the `mla`
/// command does.
///
/// ```
/// let mut mla = mla::Interpreter::new();
/// let e = mla.run("A = [1 2; 3 4];\nB = A * [1 2 3]").unwrap_err();
/// assert_eq!(e.kind(), mla::ErrorKind::Shape);
/// assert_eq!(e.to_string(), "cannot multiply 2×2 by 1×3: inner dimensions 2 and 1 differ");
/// assert_eq!(e.line_col(), Some((2, 7)));
/// assert!(e.render().contains("B = A * [1 2 3]"));
/// ```
pub struct Error(Box<Repr>);

enum Repr {
    /// Placed in the source it happened in.
    Eval(EvalError),
    /// Not (yet) placed: from the host side of the API.
    Runtime(RuntimeError),
    /// About the host's own request (a variable that is not there, a name
    /// already taken).
    Plain(ErrorKind, String),
}

impl Error {
    /// An error for a native function to return: its kind is
    /// [`ErrorKind::Host`], and the script shows it at the call.
    pub fn new(message: impl Into<String>) -> Error {
        Error::runtime(RuntimeError::Host(message.into()))
    }

    pub(crate) fn runtime(e: RuntimeError) -> Error {
        Error(Box::new(Repr::Runtime(e)))
    }

    pub(crate) fn plain(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Repr::Plain(kind, message.into())))
    }

    /// A runtime error that carries an evaluator error (raised in code a
    /// builtin called back) gives that error back whole.
    pub(crate) fn from_runtime(e: RuntimeError) -> Error {
        match e.into_callback::<EvalError>() {
            Ok(inner) => Error::from(inner),
            Err(e) => Error::runtime(e),
        }
    }

    /// Back to the runtime, for a native function's result: an error placed
    /// in a source travels through untouched.
    pub(crate) fn into_runtime(self) -> RuntimeError {
        match *self.0 {
            Repr::Eval(e) => RuntimeError::callback(e),
            Repr::Runtime(e) => e,
            Repr::Plain(_, message) => RuntimeError::Host(message),
        }
    }

    /// Marks a conversion error as one about the `i`-th value of a tuple.
    pub(crate) fn in_item(self, i: usize) -> Error {
        match *self.0 {
            Repr::Runtime(RuntimeError::Type { expected, got }) => {
                Error::runtime(RuntimeError::Type {
                    expected: format!("result {} to be {expected}", i + 1),
                    got,
                })
            }
            other => Error(Box::new(other)),
        }
    }

    /// Names the variable a conversion error is about.
    pub(crate) fn for_variable(self, name: &str) -> Error {
        match *self.0 {
            Repr::Eval(e) => Error::from(e),
            other => {
                let e = Error(Box::new(other));
                Error::plain(e.kind(), format!("`{name}`: {e}"))
            }
        }
    }

    /// Marks an error as caused by argument `i` of a native function, so
    /// the script shows it at that argument.
    pub(crate) fn at_arg(self, i: usize) -> Error {
        match *self.0 {
            Repr::Runtime(e) => Error::runtime(e.at_arg(i)),
            other => Error(Box::new(other)),
        }
    }

    /// What kind of error it is.
    pub fn kind(&self) -> ErrorKind {
        match &*self.0 {
            Repr::Eval(e) => e.kind(),
            Repr::Runtime(e) => ErrorKind::of(e),
            Repr::Plain(kind, _) => *kind,
        }
    }

    /// For [`ErrorKind::Exit`]: the status `exit(code)` asked for.
    pub fn exit_status(&self) -> Option<i32> {
        match &*self.0 {
            Repr::Eval(e) => e.exit_status,
            Repr::Runtime(RuntimeError::Exit(code)) => Some(*code),
            Repr::Runtime(_) | Repr::Plain(..) => None,
        }
    }

    /// For a syntax error: more lines could complete the code (an open
    /// `function`, bracket or string), as a REPL asks for them.
    pub fn is_incomplete(&self) -> bool {
        matches!(&*self.0, Repr::Eval(e) if e.incomplete)
    }

    /// The name of the source the error is in (`<code>`, a path), if it is
    /// in one.
    pub fn source_name(&self) -> Option<&str> {
        match &*self.0 {
            Repr::Eval(e) => Some(&e.source.name),
            Repr::Runtime(_) | Repr::Plain(..) => None,
        }
    }

    /// Line and column (1-based) where it happened, if in a source.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match &*self.0 {
            Repr::Eval(e) => Some(e.line_col()),
            Repr::Runtime(_) | Repr::Plain(..) => None,
        }
    }

    /// The error as the `mla` command shows it, without colour: message,
    /// code, the source lines with the place marked, hints and the calls.
    pub fn render(&self) -> String {
        render_plain(self)
    }

    /// The same with colours for a terminal.
    pub fn render_color(&self) -> String {
        render_color(self)
    }

    fn diagnostic(&self) -> Option<&EvalError> {
        match &*self.0 {
            Repr::Eval(e) => Some(e),
            Repr::Runtime(_) | Repr::Plain(..) => None,
        }
    }
}

impl From<EvalError> for Error {
    fn from(e: EvalError) -> Error {
        Error(Box::new(Repr::Eval(e)))
    }
}

/// A native function's error message.
impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::new(message)
    }
}

/// A native function's error message.
impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::new(message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Eval(e) => e.fmt(f),
            Repr::Runtime(e) => e.fmt(f),
            Repr::Plain(_, message) => f.write_str(message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("message", &self.to_string())
            .field("at", &self.source_name().zip(self.line_col()))
            .finish()
    }
}

impl std::error::Error for Error {}

impl Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind().code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic()?.help()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.diagnostic()?.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic()?.labels()
    }
}

/// Renders any diagnostic as the `mla` command does on a file or pipe:
/// plain text, 100 columns.
pub fn render_plain(d: &dyn Diagnostic) -> String {
    mla_eval::render_plain(d)
}

/// Renders any diagnostic with colours for a terminal.
pub fn render_color(d: &dyn Diagnostic) -> String {
    mla_eval::render_color(d)
}
