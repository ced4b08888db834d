//! One cell: run its code in the kernel's interpreter, show a figure it
//! drew, and turn an error into an `error` output with the diagnostic the
//! terminal shows (ANSI colours included).

use crate::outputs::Outputs;
use data_encoding::BASE64;
use jupyter_protocol::{
    DisplayData, ErrorOutput, ExecuteReply, ExecuteRequest, ExecutionCount, JupyterMessage, Media,
    MediaType, ReplyError, ReplyStatus,
};
use mla::{ErrorKind, Interpreter};

/// The interpreter and what goes with it across cells.
pub(crate) struct Session {
    pub mla: Interpreter,
    pub outputs: Outputs,
    /// The number of the last cell stored in the history.
    pub count: ExecutionCount,
}

impl Session {
    /// Runs the cell `parent` asked for, sending its outputs, and returns
    /// the `execute_reply`.
    pub(crate) fn execute(
        &mut self,
        req: &ExecuteRequest,
        parent: &JupyterMessage,
    ) -> ExecuteReply {
        // A silent cell is not numbered and not stored (protocol 5.3).
        if req.store_history && !req.silent {
            self.count.increment();
        }
        let count = self.count;
        self.outputs.begin(parent, req.silent);
        if !req.silent {
            self.outputs.send_now(
                jupyter_protocol::ExecuteInput {
                    code: req.code.clone(),
                    execution_count: count,
                }
                .into(),
            );
        }
        let figures = self.mla.figures_shown();
        let result = self.mla.run_named(&format!("<cell {count}>"), &req.code);
        // What the cell printed and showed comes before its figure.
        if self.mla.figures_shown() > figures {
            if let Some(media) = figure_media(&self.mla) {
                self.outputs.send_now(DisplayData::new(media).into());
            }
        }
        let error = match result {
            Ok(_) => None,
            // `exit` in a notebook ends the cell, not the kernel.
            Err(e) if e.kind() == ErrorKind::Exit => None,
            Err(e) => Some(error_output(&e)),
        };
        if let Some(error) = &error {
            self.outputs.send_now(error.clone().into());
        }
        self.outputs.finish(count);
        ExecuteReply {
            status: if error.is_some() {
                ReplyStatus::Error
            } else {
                ReplyStatus::Ok
            },
            execution_count: count,
            error: error.map(|e| {
                Box::new(ReplyError {
                    ename: e.ename,
                    evalue: e.evalue,
                    traceback: e.traceback,
                })
            }),
            ..ExecuteReply::default()
        }
    }
}

/// The last figure as PNG and SVG; PNG alone is enough to show it, so a
/// failure of either leaves the other.
fn figure_media(mla: &Interpreter) -> Option<Media> {
    let mut media = Vec::new();
    match mla.figure_png() {
        Some(Ok(png)) => media.push(MediaType::Png(BASE64.encode(&png))),
        Some(Err(e)) => eprintln!("mla kernel: cannot draw the figure as PNG: {e}"),
        None => {}
    }
    if let Some(svg) = mla.figure_svg() {
        media.push(MediaType::Svg(svg));
    }
    media.push(MediaType::Plain("<figure>".into()));
    (media.len() > 1).then(|| Media::new(media))
}

/// An error as Jupyter shows it: `ename` from its kind (`ShapeError`),
/// `evalue` its message, the traceback the terminal's coloured diagnostic.
pub(crate) fn error_output(e: &mla::Error) -> ErrorOutput {
    let ename = match e.kind() {
        ErrorKind::Interrupted => "Interrupted".to_string(),
        kind => format!("{kind:?}Error"),
    };
    let rendered = mla::render_color(e);
    ErrorOutput {
        ename,
        evalue: e.to_string(),
        traceback: rendered.trim_end().lines().map(str::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::unbounded_channel;

    fn session() -> (
        Session,
        tokio::sync::mpsc::UnboundedReceiver<JupyterMessage>,
    ) {
        let (tx, rx) = unbounded_channel();
        let outputs = Outputs::new(tx);
        let mut mla = Interpreter::with_output(outputs.writer(crate::outputs::Stream::Stdout));
        mla.set_figure_text(false);
        let shows = outputs.clone();
        mla.set_display(move |s: &mla::Shown| shows.show(crate::outputs::shown_media(s)));
        let session = Session {
            mla,
            outputs,
            count: ExecutionCount::new(0),
        };
        (session, rx)
    }

    fn run(s: &mut Session, code: &str) -> ExecuteReply {
        let req = ExecuteRequest::new(code.into());
        let parent: JupyterMessage = req.clone().into();
        s.execute(&req, &parent)
    }

    fn messages(
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<JupyterMessage>,
    ) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        while let Ok(m) = rx.try_recv() {
            let mut v = serde_json::to_value(&m.content).unwrap();
            v["msg_type"] = m.message_type().into();
            out.push(v);
        }
        out
    }

    #[test]
    fn a_cell_shows_a_table_a_figure_and_counts() {
        let (mut s, mut rx) = session();
        let reply = run(&mut s, "A = [1 2; 3 4]\nplot([1 4 9]);");
        assert!(matches!(reply.status, ReplyStatus::Ok));
        assert_eq!(reply.execution_count.value(), 1);
        let msgs = messages(&mut rx);
        let types: Vec<&str> = msgs
            .iter()
            .map(|m| m["msg_type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["execute_input", "display_data", "display_data"]);
        assert!(msgs[1]["data"]["text/html"]
            .as_str()
            .unwrap()
            .contains("2×2 Matrix"));
        let png = BASE64
            .decode(msgs[2]["data"]["image/png"].as_str().unwrap().as_bytes())
            .unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(msgs[2]["data"]["image/svg+xml"]
            .as_str()
            .unwrap()
            .contains("<svg"));
        // A cell that draws nothing shows no figure; its last result is
        // the cell's result.
        let reply = run(&mut s, "x = 2 * 3");
        assert_eq!(reply.execution_count.value(), 2);
        let types: Vec<String> = messages(&mut rx)
            .iter()
            .map(|m| m["msg_type"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(types, ["execute_input", "execute_result"]);
    }

    #[test]
    fn an_error_names_its_kind_and_shapes() {
        let (mut s, mut rx) = session();
        let reply = run(&mut s, "y = 1;\nz = ones(2, 3) * ones(2, 3)");
        assert!(matches!(reply.status, ReplyStatus::Error));
        let error = reply.error.unwrap();
        assert_eq!(error.ename, "ShapeError");
        assert!(error.evalue.contains("2×3"), "{}", error.evalue);
        assert!(error.traceback.join("\n").contains("\u{1b}["), "coloured");
        let msgs = messages(&mut rx);
        assert_eq!(msgs.last().unwrap()["msg_type"], "error");
        assert_eq!(s.mla.get::<f64>("y").unwrap(), 1.0);
    }

    #[test]
    fn a_silent_cell_sends_nothing_and_is_not_counted() {
        let (mut s, mut rx) = session();
        let req = ExecuteRequest {
            silent: true,
            ..ExecuteRequest::new("q = 5\nprintf(\"x\\n\");".into())
        };
        let parent: JupyterMessage = req.clone().into();
        let reply = s.execute(&req, &parent);
        assert_eq!(reply.execution_count.value(), 0);
        assert!(messages(&mut rx).is_empty());
        assert_eq!(s.mla.get::<f64>("q").unwrap(), 5.0);
    }
}
