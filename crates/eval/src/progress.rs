//! The bar of `for i = progress(v) … end`: indicatif on standard error when
//! it is a terminal (nothing otherwise), and the program's output written
//! around it while it shows, so printed lines never land inside the bar.

use crate::interp::Interpreter;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

/// A bar over `n` iterations and the output it took over; dropping it
/// without [`Bar::finish`] leaves the bar where it stopped.
pub(crate) struct Bar {
    bar: ProgressBar,
    out: Arc<Mutex<Box<dyn Write + Send>>>,
}

/// Output that clears the bar, writes, and draws the bar again.
struct AroundBar {
    bar: ProgressBar,
    out: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Write for AroundBar {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        self.bar.suspend(|| {
            out.write_all(buf)?;
            out.flush()
        })?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

impl Interpreter {
    /// Starts a bar over `n` iterations when standard error is a terminal
    /// and no bar is showing already (an inner `progress` loop runs
    /// without one).
    pub(crate) fn start_progress(&mut self, n: usize) -> Option<Bar> {
        if self.progress_showing || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{bar:40.cyan/blue} {pos}/{len} [{elapsed_precise} < {eta_precise}, {per_sec}]",
        )
        .map(|s| s.progress_chars("█▉▊▋▌▍▎▏ "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        let _ = self.out.flush();
        let out = Arc::new(Mutex::new(std::mem::replace(
            &mut self.out,
            Box::new(std::io::sink()),
        )));
        self.out = Box::new(AroundBar {
            bar: bar.clone(),
            out: out.clone(),
        });
        self.progress_showing = true;
        Some(Bar { bar, out })
    }

    /// Puts the output back and leaves the bar on screen: full when the
    /// loop ran to the end, where it stopped otherwise.
    pub(crate) fn end_progress(&mut self, bar: Bar, completed: bool) {
        if completed {
            bar.bar.finish();
        } else {
            bar.bar.abandon();
        }
        // Dropping the wrapper leaves this the only holder of the output.
        self.out = Box::new(std::io::sink());
        let out = Arc::try_unwrap(bar.out)
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_else(|shared| Box::new(Shared(shared)));
        self.out = out;
        self.progress_showing = false;
    }
}

impl Bar {
    /// Counts one iteration.
    pub(crate) fn tick(&self) {
        self.bar.inc(1);
    }
}

/// The output still shared with a writer someone kept (not expected):
/// written through the lock.
struct Shared(Arc<Mutex<Box<dyn Write + Send>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}
