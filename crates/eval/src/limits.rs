//! What a program may use: operations, time, memory, call depth and files.
//! Everything is off by default (the `mla` command runs trusted code); an
//! embedder running untrusted scripts turns on what it needs.

use std::path::PathBuf;
use std::time::Duration;

/// Limits that keep a script from taking the process down. The defaults
/// are those of the `mla` command: no operation, time or workspace limit,
/// allocations up to 8 GiB, calls 1000 deep, any file.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Most operations one evaluation may do. An operation is a loop
    /// iteration or a call of a user function or lambda: the steps whose
    /// number a program can make unbounded. Builtins count as part of the
    /// step that calls them, whatever the size of their matrices.
    pub max_operations: Option<u64>,
    /// Longest wall-clock time one evaluation may take. It is checked
    /// between operations (every millisecond or so, at a cost too small to
    /// measure) and before each top-level statement, so one long builtin
    /// call (a huge `svd`) finishes first.
    pub max_duration: Option<Duration>,
    /// Largest single matrix, in bytes (8 per element): `zeros(1e5, 1e5)`
    /// over it is refused before anything is allocated.
    pub max_allocation_bytes: usize,
    /// Most bytes the variables may hold together (the workspace and the
    /// locals of running functions; storage two variables share counts
    /// once). An assignment that would pass it is refused and the variable
    /// keeps its old value; a variable that an indexed assignment grows
    /// past it is removed.
    pub max_workspace_bytes: Option<usize>,
    /// Most bytes the whole process may hold when a matrix, string or
    /// result is made: a larger request is an error, not an abort (see
    /// `mla_runtime::memory`). `None` (the default): three quarters of
    /// physical memory. Under an address-space limit (`ulimit -v`), a
    /// request must also fit in what is left of the address space.
    pub max_memory_bytes: Option<usize>,
    /// Deepest chain of nested calls (default 1000).
    pub max_call_depth: usize,
    /// Stack that calls on the thread `run` evaluates on may use, in bytes
    /// (default 1 GiB, reserved, not used, until deep recursion needs it).
    /// The thread gets 16 MiB more, for parsing and for expressions nested
    /// as deep as the parser allows, so no setting overflows it.
    pub stack_bytes: usize,
    /// Stack that an evaluation on the caller's own thread (a compiled
    /// program, a call from the host) may use before deep recursion stops
    /// with an error rather than overflowing a stack of unknown size
    /// (default 1 MiB, about 700 calls deep).
    pub host_stack_bytes: usize,
    /// Which files `load`, `save`, `savefig` and `run` may reach.
    pub files: FilePolicy,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: None,
            max_duration: None,
            max_allocation_bytes: mla_runtime::MAX_ELEMENTS * 8,
            max_workspace_bytes: None,
            max_memory_bytes: None,
            max_call_depth: 1000,
            stack_bytes: 1 << 30,
            host_stack_bytes: 1 << 20,
            files: FilePolicy::Allow,
        }
    }
}

impl Limits {
    /// The most elements one allocation may have.
    pub(crate) fn max_elements(&self) -> usize {
        self.max_allocation_bytes / 8
    }
}

/// Which files a program may read and write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FilePolicy {
    /// Any path the process can reach (the `mla` command).
    #[default]
    Allow,
    /// No file at all.
    Deny,
    /// Files inside this directory may be read, none written.
    ReadOnly(PathBuf),
    /// Files inside this directory may be read and written. Relative paths
    /// start there; `..` and symbolic links are resolved before the check,
    /// so neither leads out.
    Root(PathBuf),
}
