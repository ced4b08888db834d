//! Source texts that spans point into. User functions keep theirs, so an
//! error inside a function defined in an earlier REPL entry still shows the
//! right line.

use std::sync::Arc;

/// A named source text: a script file, `-e` code or one REPL entry.
#[derive(Debug)]
pub struct Source {
    /// Shown in diagnostics: a path, `<repl:3>`, `<-e>`.
    pub name: String,
    /// The text itself.
    pub text: Arc<str>,
}

impl Source {
    /// A source with a name.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<Source> {
        Arc::new(Source {
            name: name.into(),
            text: text.into(),
        })
    }
}
