//! A script's output when it goes to a pipe or a file: buffered, and
//! flushed however the script ends, including by SIGINT, SIGTERM or SIGHUP
//! (the default action of those signals would end the process with the
//! buffer unwritten).
//!
//! A signal first interrupts the program, which stops at its next check
//! and ends the normal way (flushing). A program that does not stop within
//! [`GRACE`] (blocked in a system call, say) is ended by the signal thread,
//! which flushes the buffer itself first.

use mla::InterruptHandle;
use std::io::{self, BufWriter, Stdout, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long an interrupted script has to stop by itself.
const GRACE: Duration = Duration::from_secs(2);

/// Standard output through a buffer that the signal thread can flush too.
#[derive(Clone)]
pub struct SharedOutput(Arc<Mutex<BufWriter<Stdout>>>);

impl SharedOutput {
    /// A buffer in front of standard output.
    pub fn new() -> Self {
        SharedOutput(Arc::new(Mutex::new(BufWriter::new(io::stdout()))))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BufWriter<Stdout>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.lock().flush()
    }
}

/// Interrupts the program on SIGINT, SIGTERM and SIGHUP; if it has not
/// ended [`GRACE`] later, flushes `out` and exits with 128 + the signal.
/// Without a way to catch signals, the script runs as before.
pub fn flush_on_signals(interrupt: InterruptHandle, out: SharedOutput) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let watcher = move || {
        if let Some(signal) = signals.forever().next() {
            interrupt.interrupt();
            std::thread::sleep(GRACE);
            // The program may hold the lock mid-write; take it when it
            // lets go, since the process ends here either way.
            let _ = out.clone().flush();
            std::process::exit(128 + signal);
        }
    };
    let _ = std::thread::Builder::new()
        .name("mla signals".into())
        .spawn(watcher);
}
