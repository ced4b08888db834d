//! For hosts that present results themselves (a notebook kernel): each
//! shown result handed over as text and HTML instead of printed, figures
//! drawn by a run told apart, plots kept out of the text output, and help.

use crate::error::Error;
use crate::interpreter::Interpreter;
use crate::value::Value;
use mla_runtime::display::display_named;
use mla_runtime::display_html::html_named;
use mla_runtime::Value as Raw;

/// A result a run shows (a statement without `;`), handed to the sink of
/// [`Interpreter::set_display`].
pub struct Shown<'a> {
    name: &'a str,
    value: &'a Raw,
    width: usize,
}

impl Shown<'_> {
    /// The name it is shown under (`ans` for a bare expression).
    pub fn name(&self) -> &str {
        self.name
    }

    /// The value itself.
    pub fn value(&self) -> Value {
        Value(self.value.clone())
    }

    /// As the terminal shows it: `x = 3`, or a matrix's shape header and
    /// grid, elided to the interpreter's width.
    pub fn text(&self) -> String {
        display_named(self.name, self.value, self.width)
    }

    /// As an HTML table under the name and shape, elided as the text is;
    /// `None` for values the text says all of (numbers, strings).
    pub fn html(&self) -> Option<String> {
        html_named(self.name, self.value, self.width)
    }
}

impl Interpreter {
    /// Hands every shown result to `sink` instead of printing it; what
    /// programs print (`printf`, `print`) still goes to the output.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let mut mla = mla::Interpreter::with_output(mla::SharedBuffer::new());
    /// let tables = Arc::new(Mutex::new(Vec::new()));
    /// let seen = tables.clone();
    /// mla.set_display(move |shown: &mla::Shown| {
    ///     seen.lock().unwrap().push((shown.text(), shown.html()));
    /// });
    /// mla.run("A = eye(2)").unwrap();
    /// let (text, html) = tables.lock().unwrap()[0].clone();
    /// assert!(text.starts_with("A = 2×2 Matrix"));
    /// assert!(html.unwrap().contains("<table"));
    /// ```
    pub fn set_display(&mut self, mut sink: impl FnMut(&Shown) + Send + 'static) {
        self.inner
            .set_display(Some(Box::new(move |name, value, width| {
                sink(&Shown { name, value, width })
            })));
    }

    /// Prints shown results to the output again (undoes [`Interpreter::set_display`]).
    pub fn clear_display(&mut self) {
        self.inner.set_display(None);
    }

    /// What `help name` prints: a builtin's signature and description, a
    /// constant, a function's doc comment, a variable's kind and shape.
    ///
    /// ```
    /// let mut mla = mla::Interpreter::new();
    /// assert!(mla.help("eig").unwrap().contains("eig("));
    /// assert!(mla.help("not_a_name").is_err());
    /// ```
    pub fn help(&mut self, name: &str) -> Result<String, Error> {
        self.inner.help_text(name).map_err(Error::from)
    }
}
