//! The thread that owns the interpreter. Requests that need it (execute,
//! complete, inspect, is_complete) run there one at a time, in the order
//! the shell channel received them, while the control channel stays free
//! to interrupt.

use crate::execute::Session;
use crate::outputs::{shown_media, Outputs, Stream};
use jupyter_protocol::ExecutionCount;
use mla::{Interpreter, InterruptHandle};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use tokio::sync::oneshot;

/// Lines of a notebook cell's output hold about this many characters:
/// matrices are elided to it.
const WIDTH: usize = 100;
/// As the `mla` command: parsing (`is_complete`, completion) recurses on
/// this thread, so it gets a stack large enough for any input the parser
/// accepts (reserved, not used).
const STACK_BYTES: usize = 1 << 30;

type Job = Box<dyn FnOnce(&mut Session) + Send>;

/// The handle on the interpreter's thread.
pub(crate) struct Worker {
    jobs: mpsc::Sender<Job>,
    interrupt: InterruptHandle,
}

impl Worker {
    /// Starts the thread with a fresh interpreter whose output, warnings
    /// and shown results go to `outputs`.
    pub(crate) fn start(outputs: Outputs) -> Result<Worker, String> {
        let mut mla = Interpreter::with_output(outputs.writer(Stream::Stdout));
        mla.set_warning_output(outputs.writer(Stream::Stderr));
        mla.set_width(WIDTH);
        // Figures show as images under the cell, not as text.
        mla.set_figure_text(false);
        let shows = outputs.clone();
        mla.set_display(move |shown: &mla::Shown| shows.show(shown_media(shown)));
        let interrupt = mla.interrupt_handle();
        let mut session = Session {
            mla,
            outputs,
            count: ExecutionCount::new(0),
        };
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("mla-interpreter".into())
            .stack_size(STACK_BYTES)
            .spawn(move || {
                for job in queue {
                    // A bug in a request's handling loses that reply (the
                    // frontend is told by the shell), never the workspace.
                    if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut session))).is_err() {
                        eprintln!(
                            "mla kernel: a request failed inside the kernel (please report this)"
                        );
                    }
                }
            })
            .map_err(|e| format!("cannot start the interpreter's thread: {e}"))?;
        Ok(Worker { jobs, interrupt })
    }

    /// Runs `f` on the interpreter's thread after the requests before it;
    /// `None` if it failed there.
    pub(crate) async fn ask<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |session| {
            let _ = tx.send(f(session));
        });
        self.jobs.send(job).ok()?;
        rx.await.ok()
    }

    /// Stops the running cell at its next loop iteration or call; the
    /// workspace stays.
    pub(crate) fn interrupt(&self) {
        self.interrupt.interrupt();
    }
}
