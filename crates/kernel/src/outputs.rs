//! What a running cell sends to the frontends, in the order it happens:
//! printed text as `stream` messages, shown results as `display_data`
//! (the last one, when nothing follows it, as the cell's `execute_result`).
//!
//! The interpreter's output, its warnings and its display sink all write
//! into one [`Outputs`], shared with the worker that sets the cell.

use jupyter_protocol::{
    DisplayData, ExecuteResult, ExecutionCount, JupyterMessage, JupyterMessageContent, Media,
    MediaType, StreamContent,
};
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Printed text is sent at the end of a line once this long has passed
/// since the last message: a loop printing fast makes a few messages, a
/// slow one shows each line as it comes.
const STREAM_EVERY: Duration = Duration::from_millis(50);
/// Or once this much is waiting.
const STREAM_BYTES: usize = 64 << 10;

/// The two streams a cell prints to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

struct Cell {
    /// The `execute_request` the messages answer; none between cells
    /// (what is printed then, by completion say, is dropped).
    parent: Option<JupyterMessage>,
    silent: bool,
    text: Vec<u8>,
    stream: Stream,
    last_sent: Instant,
    /// The last shown result, held back: it becomes the `execute_result`
    /// if the cell ends with it.
    pending: Option<Media>,
}

/// The messages of the running cell, on their way to the iopub channel.
#[derive(Clone)]
pub(crate) struct Outputs {
    iopub: UnboundedSender<JupyterMessage>,
    cell: Arc<Mutex<Cell>>,
}

impl Outputs {
    pub(crate) fn new(iopub: UnboundedSender<JupyterMessage>) -> Self {
        Outputs {
            iopub,
            cell: Arc::new(Mutex::new(Cell {
                parent: None,
                silent: false,
                text: Vec::new(),
                stream: Stream::Stdout,
                last_sent: Instant::now(),
                pending: None,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Cell> {
        self.cell.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts the outputs of the cell `parent` asked for; a silent one
    /// sends none.
    pub(crate) fn begin(&self, parent: &JupyterMessage, silent: bool) {
        let mut cell = self.lock();
        cell.parent = Some(parent.clone());
        cell.silent = silent;
        cell.text.clear();
        cell.pending = None;
    }

    /// Sends what is waiting, the last shown result as the cell's
    /// `execute_result` numbered `count`, and ends the cell.
    pub(crate) fn finish(&self, count: ExecutionCount) {
        let mut cell = self.lock();
        self.flush_text(&mut cell);
        if let Some(data) = cell.pending.take() {
            self.send(&cell, ExecuteResult::new(count, data).into());
        }
        cell.parent = None;
    }

    /// A message of the cell, after everything that came before it.
    pub(crate) fn send_now(&self, content: JupyterMessageContent) {
        let mut cell = self.lock();
        self.flush_all(&mut cell);
        self.send(&cell, content);
    }

    /// A shown result: held back until something follows it.
    pub(crate) fn show(&self, data: Media) {
        let mut cell = self.lock();
        self.flush_all(&mut cell);
        cell.pending = Some(data);
    }

    /// Text printed to `stream`.
    pub(crate) fn print(&self, stream: Stream, bytes: &[u8]) {
        let mut cell = self.lock();
        if cell.stream != stream {
            self.flush_all(&mut cell);
            cell.stream = stream;
        } else if let Some(data) = cell.pending.take() {
            self.send(&cell, DisplayData::new(data).into());
        }
        cell.text.extend_from_slice(bytes);
        let due = cell.last_sent.elapsed() >= STREAM_EVERY || cell.text.len() >= STREAM_BYTES;
        if due && cell.text.ends_with(b"\n") {
            self.flush_text(&mut cell);
        }
    }

    fn flush_all(&self, cell: &mut Cell) {
        self.flush_text(cell);
        if let Some(data) = cell.pending.take() {
            self.send(cell, DisplayData::new(data).into());
        }
    }

    fn flush_text(&self, cell: &mut Cell) {
        if cell.text.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&std::mem::take(&mut cell.text)).into_owned();
        let content = match cell.stream {
            Stream::Stdout => StreamContent::stdout(&text),
            Stream::Stderr => StreamContent::stderr(&text),
        };
        self.send(cell, content.into());
        cell.last_sent = Instant::now();
    }

    fn send(&self, cell: &Cell, content: JupyterMessageContent) {
        if cell.silent {
            return;
        }
        if let Some(parent) = &cell.parent {
            // The receiver is gone only when the kernel is stopping.
            let _ = self.iopub.send(JupyterMessage::new(content, Some(parent)));
        }
    }

    /// A writer for the interpreter's output (`Stdout`) or warnings.
    pub(crate) fn writer(&self, stream: Stream) -> StreamWriter {
        StreamWriter {
            outputs: self.clone(),
            stream,
        }
    }
}

/// A shown result's bundle: the terminal's text and, for matrices, a table.
pub(crate) fn shown_media(shown: &mla::Shown) -> Media {
    let mut media = vec![MediaType::Plain(shown.text().trim_end().to_string())];
    if let Some(html) = shown.html() {
        media.push(MediaType::Html(html));
    }
    Media::new(media)
}

/// The interpreter's output or warnings, into the running cell.
pub(crate) struct StreamWriter {
    outputs: Outputs,
    stream: Stream,
}

impl Write for StreamWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.outputs.print(self.stream, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jupyter_protocol::{ExecuteRequest, KernelInfoRequest};

    fn kinds(rx: &mut tokio::sync::mpsc::UnboundedReceiver<JupyterMessage>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(m) = rx.try_recv() {
            out.push(m.message_type().to_string());
        }
        out
    }

    #[test]
    fn messages_keep_the_order_and_the_last_result_is_the_cells() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let outputs = Outputs::new(tx);
        let parent: JupyterMessage = ExecuteRequest::new("x".into()).into();
        outputs.begin(&parent, false);
        outputs.show(Media::new(vec![MediaType::Plain("a = 1".into())]));
        outputs.writer(Stream::Stdout).write_all(b"hi\n").unwrap();
        outputs.show(Media::new(vec![MediaType::Plain("b = 2".into())]));
        outputs.finish(ExecutionCount::new(3));
        assert_eq!(kinds(&mut rx), ["display_data", "stream", "execute_result"]);
        // Between cells nothing is sent; a silent cell sends nothing.
        outputs.print(Stream::Stdout, b"late\n");
        let other: JupyterMessage = KernelInfoRequest {}.into();
        outputs.begin(&other, true);
        outputs.print(Stream::Stderr, b"warning\n");
        outputs.finish(ExecutionCount::new(4));
        assert!(kinds(&mut rx).is_empty());
    }
}
