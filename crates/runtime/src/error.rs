//! Runtime error kinds. They carry shapes and values but never spans: the
//! evaluator knows where the failing expression stands and attaches that.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A matrix shape, rows × columns.
pub type Shape = (usize, usize);

/// Formats a shape as `150×4`.
pub fn shape_str(s: Shape) -> String {
    format!("{}×{}", s.0, s.1)
}

/// A size in bytes for people: `800 B`, `7.6 MiB`, `80 GiB`.
pub fn bytes_str(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = bytes;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    if x >= 1024.0 {
        // Past what any machine holds: a number, not 300 digits.
        format!("{} {}", crate::format::format_scalar(x), UNITS[unit])
    } else if unit == 0 || x.fract() == 0.0 {
        format!("{x} {}", UNITS[unit])
    } else {
        format!("{x:.1} {}", UNITS[unit])
    }
}

/// `1 row`, `3 rows`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What went wrong while computing.
#[derive(Clone, Debug, PartialEq)]
pub enum RuntimeError {
    /// Elementwise operands whose sizes neither match nor are 1.
    Broadcast {
        /// The operator, as written.
        op: &'static str,
        /// Left operand's shape.
        left: Shape,
        /// Right operand's shape.
        right: Shape,
    },
    /// `A * B` with `cols(A) != rows(B)`.
    InnerDim {
        /// Left operand's shape.
        left: Shape,
        /// Right operand's shape.
        right: Shape,
    },
    /// A general shape problem, fully worded (shapes included).
    Shape(String),
    /// An index outside the matrix.
    IndexOutOfRange {
        /// The index as the user wrote it (1-based).
        index: f64,
        /// 1 for rows, 2 for columns, 0 for linear indexing.
        dim: u8,
        /// The indexed matrix's shape.
        size: Shape,
    },
    /// An index that is not a positive whole number.
    BadIndex(String),
    /// A value of the wrong kind.
    Type {
        /// What was wanted.
        expected: String,
        /// What was given (a kind and shape).
        got: String,
    },
    /// A builtin called with the wrong number of arguments.
    Arity {
        /// The function.
        name: String,
        /// Its signature, e.g. `zeros(m, n)`.
        signature: String,
        /// How many arguments were given.
        given: usize,
    },
    /// More results asked for than the function returns.
    TooManyOutputs {
        /// The function.
        name: String,
        /// How many were asked.
        asked: usize,
        /// How many it has.
        has: usize,
    },
    /// A square matrix was required.
    NotSquare {
        /// The operation.
        what: &'static str,
        /// The shape given.
        shape: Shape,
    },
    /// The matrix is singular to working precision.
    Singular {
        /// The operation.
        what: &'static str,
    },
    /// A numerical argument outside the function's domain, fully worded.
    Domain(String),
    /// A request for more memory than MLA will allocate.
    TooLarge {
        /// Rows asked for.
        rows: f64,
        /// Columns asked for.
        cols: f64,
        /// The most elements one allocation may have (see
        /// [`allocation_limit`](crate::value::allocation_limit)).
        limit: usize,
    },
    /// An allocation that would take the process past its memory budget
    /// (see [`crate::memory`]).
    OutOfMemory {
        /// Bytes asked for.
        bytes: f64,
        /// Bytes the process held.
        held: f64,
        /// The budget.
        budget: f64,
    },
    /// An allocation larger than what the address-space limit leaves.
    AddressSpace {
        /// Bytes asked for.
        bytes: f64,
        /// Bytes of address space left.
        left: f64,
    },
    /// A file the host does not let the program reach.
    Denied {
        /// The path as the program gave it.
        path: String,
        /// Why it is refused.
        reason: String,
    },
    /// An error returned by a function the embedder added.
    Host(String),
    /// A file could not be read or written.
    Io {
        /// The path.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// A CSV cell that is not a number.
    Csv {
        /// The path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (field number).
        column: usize,
        /// What was wrong.
        reason: String,
    },
    /// The output went away (a closed pipe, as in `mla run.mla | head`).
    OutputClosed,
    /// Stopped by the interrupt flag (Ctrl-C) inside a long kernel; see
    /// [`crate::interrupt`].
    Interrupted {
        /// The work left to finish on another thread, its result dropped
        /// (`"eigendecomposition"`), if any.
        abandoned: Option<&'static str>,
    },
    /// `exit(code)` / `quit`: the program asks to end, with this status.
    Exit(i32),
    /// Raised by `error(msg)`.
    User(String),
    /// Raised by a failing `assert`.
    Assertion(String),
    /// An error inside a function that a builtin called back: the host's
    /// own error, carried through the builtin untouched so the host gets it
    /// back with its source position and call chain.
    Callback(CallbackError),
    /// An error caused by one argument of a call: the evaluator points at it.
    Arg {
        /// 0-based argument position.
        index: usize,
        /// The error itself.
        error: Box<RuntimeError>,
    },
}

impl RuntimeError {
    /// Marks this error as caused by argument `index` (0-based).
    pub fn at_arg(self, index: usize) -> Self {
        match self {
            // An interruption is no argument's fault: it stays at the call.
            e @ (RuntimeError::Arg { .. } | RuntimeError::Interrupted { .. }) => e,
            e => RuntimeError::Arg {
                index,
                error: Box::new(e),
            },
        }
    }

    /// A type error.
    pub fn ty(expected: impl Into<String>, got: impl Into<String>) -> Self {
        RuntimeError::Type {
            expected: expected.into(),
            got: got.into(),
        }
    }

    /// Wraps a host's error raised inside a function a builtin called back.
    pub fn callback<E: Any + Send + Sync>(error: E) -> Self {
        RuntimeError::Callback(CallbackError(Arc::new(error)))
    }

    /// The host's own error, when this is a [`RuntimeError::Callback`]
    /// (argument marker or not) holding an `E`; otherwise `self` back.
    pub fn into_callback<E: Any + Send + Sync + Clone>(self) -> std::result::Result<E, Self> {
        match self {
            RuntimeError::Callback(c) => c.downcast().map_err(RuntimeError::Callback),
            RuntimeError::Arg { index, error } => {
                error.into_callback().map_err(|error| RuntimeError::Arg {
                    index,
                    error: Box::new(error),
                })
            }
            other => Err(other),
        }
    }

    /// The error without its argument marker.
    pub fn inner(&self) -> &RuntimeError {
        match self {
            RuntimeError::Arg { error, .. } => error.inner(),
            e => e,
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RuntimeError::*;
        match self {
            Broadcast { op, left, right } => write!(
                f,
                "cannot apply `{op}` to {} and {}: sizes must be equal or 1 in each dimension",
                shape_str(*left),
                shape_str(*right)
            ),
            InnerDim { left, right } => write!(
                f,
                "cannot multiply {} by {}: inner dimensions {} and {} differ",
                shape_str(*left),
                shape_str(*right),
                left.1,
                right.0
            ),
            Shape(msg) | BadIndex(msg) | Domain(msg) => f.write_str(msg),
            IndexOutOfRange { index, dim, size } => {
                // `x[1e300]` says 1e+300, not three hundred digits.
                let index = crate::format::format_scalar(*index);
                let which = match dim {
                    1 => format!(
                        "row index {index} is out of range: the matrix has {} ({})",
                        plural(size.0, "row"),
                        shape_str(*size)
                    ),
                    2 => format!(
                        "column index {index} is out of range: the matrix has {} ({})",
                        plural(size.1, "column"),
                        shape_str(*size)
                    ),
                    _ => format!(
                        "index {index} is out of range: the matrix has {} ({})",
                        plural(size.0 * size.1, "element"),
                        shape_str(*size)
                    ),
                };
                f.write_str(&which)
            }
            Type { expected, got } => write!(f, "expected {expected}, got {got}"),
            Arity {
                name,
                signature,
                given,
            } => write!(
                f,
                "`{name}` was given {given} argument{}; it is called as {signature}",
                if *given == 1 { "" } else { "s" }
            ),
            TooManyOutputs { name, asked, has } => write!(
                f,
                "{asked} results were asked of `{name}`, which returns {has}"
            ),
            NotSquare { what, shape } => {
                write!(f, "{what} needs a square matrix, got {}", shape_str(*shape))
            }
            Singular { what } => write!(f, "{what}: the matrix is singular to working precision"),
            TooLarge { rows, cols, limit } => write!(
                f,
                "refusing to allocate a {}×{} matrix ({}): one allocation may take at most {}",
                crate::format::format_scalar(*rows),
                crate::format::format_scalar(*cols),
                bytes_str(rows * cols * 8.0),
                bytes_str(*limit as f64 * 8.0)
            ),
            OutOfMemory {
                bytes,
                held,
                budget,
            } => write!(
                f,
                "not enough memory: this needs {} more, and the process holds {} of its {} budget",
                bytes_str(*bytes),
                bytes_str(*held),
                bytes_str(*budget)
            ),
            AddressSpace { bytes, left } => write!(
                f,
                "not enough memory: this needs {} more, and the address-space limit (ulimit -v) leaves {}",
                bytes_str(*bytes),
                bytes_str(*left)
            ),
            Denied { path, reason } => write!(f, "cannot access `{path}`: {reason}"),
            Host(msg) => f.write_str(msg),
            Io { path, reason } => write!(f, "cannot access `{path}`: {reason}"),
            Csv {
                path,
                line,
                column,
                reason,
            } => write!(f, "{path}: line {line}, column {column}: {reason}"),
            OutputClosed => f.write_str("the output was closed"),
            Interrupted { .. } => f.write_str("interrupted"),
            Exit(code) => write!(f, "exit({code}) was called"),
            User(msg) => f.write_str(msg),
            Assertion(msg) => write!(f, "assertion failed: {msg}"),
            Callback(_) => f.write_str("an error inside a function called by a builtin"),
            Arg { error, .. } => error.fmt(f),
        }
    }
}

impl std::error::Error for RuntimeError {}

impl RuntimeError {
    /// The error for a failed write to the program's output.
    pub fn output(e: &std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            RuntimeError::OutputClosed
        } else {
            RuntimeError::Io {
                path: "<output>".into(),
                reason: e.to_string(),
            }
        }
    }
}

/// A host's error travelling inside a [`RuntimeError`]. The runtime cannot
/// name the host's error type, so it is held as `Any`; shared, so that
/// `RuntimeError` stays `Clone`.
#[derive(Clone)]
pub struct CallbackError(Arc<dyn Any + Send + Sync>);

impl CallbackError {
    /// The host's error, if it is an `E`.
    pub fn downcast_ref<E: Any>(&self) -> Option<&E> {
        self.0.downcast_ref()
    }

    /// The host's error, if it is an `E`: moved out when this is its only
    /// holder, cloned otherwise.
    pub fn downcast<E: Any + Send + Sync + Clone>(self) -> std::result::Result<E, Self> {
        match self.0.downcast::<E>() {
            Ok(e) => Ok(Arc::try_unwrap(e).unwrap_or_else(|shared| (*shared).clone())),
            Err(other) => Err(CallbackError(other)),
        }
    }
}

impl fmt::Debug for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackError(..)")
    }
}

/// The same error object, not an equal one: the payload's type has no
/// equality the runtime could call.
impl PartialEq for CallbackError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Results of runtime operations.
pub type Result<T> = std::result::Result<T, RuntimeError>;
