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

/// The parser's peak memory per byte of source: `x = [1 1 …]` of 5 MB
/// peaked at 183× resident (pest keeps a token queue for the whole text),
/// and while that queue grows its old and new buffers are both mapped.
const PARSER_BYTES_PER_BYTE: usize = 300;

/// Parses `source`, first checking that the parser's peak memory fits in
/// the memory budget (a huge pasted line is an error, not an abort).
pub(crate) fn parse(source: &Arc<Source>) -> Result<mla_parser::Program, crate::EvalError> {
    let need = source.text.len().saturating_mul(PARSER_BYTES_PER_BYTE);
    if let Err(e) = mla_runtime::memory::reserve(need) {
        let span = mla_parser::Span::new(0, 0);
        return Err(crate::EvalError::new(
            crate::ErrorKind::Memory,
            format!(
                "this program ({} bytes) is too large to parse: {e}",
                source.text.len()
            ),
            span,
            source,
        ));
    }
    mla_parser::parse(&source.text).map_err(|e| crate::EvalError::from_parse(e, source))
}
