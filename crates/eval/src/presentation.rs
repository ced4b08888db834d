//! What a host that presents results itself (a notebook) needs from the
//! interpreter: shown results handed over instead of printed, and help as
//! text (figures: `Interpreter::figures_shown` and `set_figure_text`).

use crate::error::EvalError;
use crate::interp::{Interpreter, SharedBuffer};
use mla_runtime::Value;

/// Receives each result a run shows (a statement without `;`): its name,
/// its value and the width output is laid out for.
pub type DisplaySink = Box<dyn FnMut(&str, &Value, usize) + Send>;

impl Interpreter {
    /// Hands shown results to `sink` instead of printing them (`None`:
    /// print them again). What programs print still goes to the output.
    pub fn set_display(&mut self, sink: Option<DisplaySink>) {
        self.display_sink = sink;
    }

    /// What `help name` prints, as text: a builtin's signature and
    /// description, a constant, a workspace function's doc comment, or a
    /// variable's kind and shape. An error when the name is none of these.
    pub fn help_text(&mut self, name: &str) -> Result<String, EvalError> {
        let buffer = SharedBuffer::new();
        let out = std::mem::replace(&mut self.out, Box::new(buffer.clone()));
        let result = self.call_results("help", vec![Value::Str(name.into())], 0);
        self.out = out;
        result.map(|_| buffer.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn shown_results_go_to_the_sink_and_prints_to_the_output() {
        let out = SharedBuffer::new();
        let mut mla = Interpreter::with_output(Box::new(out.clone()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        mla.set_display(Some(Box::new(move |name, v, width| {
            log.lock()
                .unwrap()
                .push((name.to_string(), v.describe(), width));
        })));
        mla.run("<t>", "A = ones(2, 3)\nprintf(\"hi\\n\");\nb = 1;\n2 + 2")
            .unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[0].0, "A");
        assert!(seen[0].1.contains("2×3"), "{:?}", seen[0]);
        assert_eq!((seen[1].0.as_str(), seen[0].2), ("ans", 80));
        assert_eq!(out.take(), "hi\n");
        mla.set_display(None);
        mla.run("<t>", "c = 3").unwrap();
        assert_eq!(out.take(), "c = 3\n");
    }

    #[test]
    fn figures_are_counted_and_their_text_can_be_left_out() {
        let out = SharedBuffer::new();
        let mut mla = Interpreter::with_output(Box::new(out.clone()));
        assert_eq!(mla.figures_shown(), 0);
        mla.run("<t>", "plot([1 2 3]);").unwrap();
        assert_eq!(mla.figures_shown(), 1);
        assert!(!out.take().is_empty(), "the terminal draws the plot");
        mla.set_figure_text(false);
        mla.run("<t>", "hist([1 2 2 3]); x = 1;").unwrap();
        assert_eq!(mla.figures_shown(), 2);
        assert_eq!(out.take(), "");
        assert!(mla.figure_svg().is_some());
        // A failed plot draws nothing.
        assert!(mla.run("<t>", "plot(ones(2, 2), ones(3, 1))").is_err());
        assert_eq!(mla.figures_shown(), 2);
    }

    #[test]
    fn help_is_text_and_the_output_stays() {
        let out = SharedBuffer::new();
        let mut mla = Interpreter::with_output(Box::new(out.clone()));
        let eig = mla.help_text("eig").unwrap();
        assert!(eig.contains("eig("), "{eig}");
        mla.run("<t>", "w = [1 2 3];").unwrap();
        assert!(mla.help_text("w").unwrap().contains("1×3"));
        assert!(mla.help_text("no_such_thing").is_err());
        assert_eq!(out.take(), "");
        mla.run("<t>", "w").unwrap();
        assert!(out.take().starts_with("w = "));
    }
}
