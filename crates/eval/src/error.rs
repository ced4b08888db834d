//! Evaluation errors as miette diagnostics: a message, labelled spans in the
//! source where it happened, a hint, and the chain of calls that led there.

use crate::source::Source;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use mla_parser::{line_col, ParseError, Span};
use std::fmt;
use std::sync::Arc;

/// What kind of error happened. Programs (the `mla` command,
/// embedders, tests) match on this; the stable code string shown in
/// diagnostics (`mla::shape`, …) is derived from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text does not parse, or a construct stands where it cannot.
    Syntax,
    /// A name that is not defined.
    Name,
    /// A value of the wrong kind (a string where a number belongs, …).
    Type,
    /// Shapes that do not fit together.
    Shape,
    /// An index out of range or malformed.
    Index,
    /// A call with the wrong arguments.
    Call,
    /// More or fewer results than a call gives.
    Results,
    /// A singular matrix, a value outside a function's domain.
    Math,
    /// An allocation over the limit, or variables holding more than theirs.
    Memory,
    /// A file that cannot be read or written.
    Io,
    /// A file outside what the file-system policy lets the program reach.
    Denied,
    /// More operations than the limit allows.
    Operations,
    /// A run longer than the time limit.
    Timeout,
    /// An error returned by a function the embedder added.
    Host,
    /// The output was closed by its reader (`mla run.mla | head`).
    OutputClosed,
    /// `exit` or `quit` was called: the program ends, with the status of
    /// `exit_status()`.
    Exit,
    /// Raised by the program itself with `error(…)`.
    User,
    /// A failed `assert`.
    Assert,
    /// `break`, `continue` or `return` where it has no meaning.
    Flow,
    /// Calls nested deeper than the limit.
    Recursion,
    /// Stopped by the interrupt flag (Ctrl-C).
    Interrupted,
    /// A bug in MLA itself.
    Internal,
}

impl ErrorKind {
    /// The stable code shown in diagnostics.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "mla::syntax",
            ErrorKind::Name => "mla::name",
            ErrorKind::Type => "mla::type",
            ErrorKind::Shape => "mla::shape",
            ErrorKind::Index => "mla::index",
            ErrorKind::Call => "mla::call",
            ErrorKind::Results => "mla::results",
            ErrorKind::Math => "mla::math",
            ErrorKind::Memory => "mla::memory",
            ErrorKind::Io => "mla::io",
            ErrorKind::Denied => "mla::denied",
            ErrorKind::Operations => "mla::operations",
            ErrorKind::Timeout => "mla::timeout",
            ErrorKind::Host => "mla::host",
            ErrorKind::OutputClosed => "mla::output-closed",
            ErrorKind::Exit => "mla::exit",
            ErrorKind::User => "mla::user",
            ErrorKind::Assert => "mla::assert",
            ErrorKind::Flow => "mla::flow",
            ErrorKind::Recursion => "mla::recursion",
            ErrorKind::Interrupted => "mla::interrupted",
            ErrorKind::Internal => "mla::internal",
        }
    }
}

impl ErrorKind {
    /// The kind of a runtime error, as the evaluator reports it (for the
    /// embedding crate; not part of the API).
    #[doc(hidden)]
    pub fn of(e: &mla_runtime::RuntimeError) -> ErrorKind {
        crate::expr::kind(e)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One call in the chain that led to an error.
#[derive(Clone, Debug)]
pub struct TraceFrame {
    /// The called function's name.
    pub function: String,
    /// Where it was called.
    pub call_site: Span,
    /// The source of the call site.
    pub source: Arc<Source>,
}

/// An error with everything needed to render it. Boxed, so that results
/// on the evaluator's hot paths stay one pointer wide.
#[derive(Clone, Debug)]
pub struct EvalError(Box<ErrorDetails>);

/// What an [`EvalError`] holds; reached through `Deref`.
#[derive(Clone, Debug)]
pub struct ErrorDetails {
    /// What went wrong.
    pub message: String,
    /// What kind of error it is.
    pub kind: ErrorKind,
    /// Where; the first label is the primary one.
    pub labels: Vec<(Span, String)>,
    /// A hint, if there is a useful one.
    pub help: Option<String>,
    /// The source the labels point into.
    pub source: Arc<Source>,
    /// Calls from the innermost outwards.
    pub trace: Vec<TraceFrame>,
    /// For parse errors: more input could complete the program.
    pub incomplete: bool,
    /// For `ErrorKind::Exit`: the status the program asked to end with.
    pub exit_status: Option<i32>,
    named: NamedSource<Arc<str>>,
}

impl EvalError {
    /// An error at one span.
    pub fn new(
        kind: ErrorKind,
        message: impl Into<String>,
        span: Span,
        source: &Arc<Source>,
    ) -> Self {
        EvalError(Box::new(ErrorDetails {
            message: message.into(),
            kind,
            labels: vec![(span, "here".into())],
            help: None,
            source: source.clone(),
            trace: Vec::new(),
            incomplete: false,
            exit_status: None,
            named: NamedSource::new(&source.name, source.text.clone()),
        }))
    }

    /// A syntax error in `source`.
    pub fn from_parse(e: ParseError, source: &Arc<Source>) -> Self {
        let mut err = EvalError::new(ErrorKind::Syntax, e.message.clone(), e.span, source);
        err.help = (!e.hint.is_empty()).then(|| e.hint.clone());
        err.incomplete = e.is_incomplete();
        err
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Replaces the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Replaces the primary label's text.
    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        if let Some(first) = self.labels.first_mut() {
            first.1 = text.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn and_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push((span, text.into()));
        self
    }

    /// What kind of error it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code string (`mla::shape`, …), derived from the kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map_or(Span::default(), |l| l.0)
    }

    /// `line:col` of the primary span, 1-based.
    pub fn line_col(&self) -> (usize, usize) {
        line_col(&self.source.text, self.span().start as usize)
    }
}

impl std::ops::Deref for EvalError {
    type Target = ErrorDetails;

    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for EvalError {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

impl Diagnostic for EvalError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let mut parts = Vec::new();
        if let Some(h) = &self.help {
            parts.push(h.clone());
        }
        // Runs of the same call (deep recursion) fold into one line.
        let mut i = 0;
        while i < self.trace.len() {
            let frame = &self.trace[i];
            let same = self.trace[i..]
                .iter()
                .take_while(|f| f.function == frame.function && f.call_site == frame.call_site)
                .count();
            let (l, c) = line_col(&frame.source.text, frame.call_site.start as usize);
            let times = if same > 1 {
                format!(" ({same} times)")
            } else {
                String::new()
            };
            parts.push(format!(
                "in `{}`, called from {}:{l}:{c}{times}",
                frame.function, frame.source.name
            ));
            i += same;
        }
        if parts.is_empty() {
            None
        } else {
            Some(Box::new(parts.join("\n")))
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.named)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, text))| {
                let s: miette::SourceSpan = (*span).into();
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(text.clone()), s)
                } else {
                    LabeledSpan::new_with_span(Some(text.clone()), s)
                }
            },
        )))
    }
}

/// Renders a diagnostic as plain text at a fixed width (for files, tests and
/// terminals without colour).
pub fn render_plain(d: &dyn Diagnostic) -> String {
    render(d, miette::GraphicalTheme::unicode_nocolor())
}

/// Renders a diagnostic with colour for a terminal.
pub fn render_color(d: &dyn Diagnostic) -> String {
    render(d, miette::GraphicalTheme::unicode())
}

fn render(d: &dyn Diagnostic, theme: miette::GraphicalTheme) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let done = match long_line(d) {
        // miette pads to the column with a format width, which panics past
        // 65 535: such a line is named, not shown.
        Some((line, column)) => handler.render_report(
            &mut out,
            &Unshown {
                inner: d,
                at: format!("line {line}, column {column}"),
            },
        ),
        None => handler.render_report(&mut out, d),
    };
    if done.is_err() {
        out = d.to_string();
    }
    out
}

/// Longest source line a diagnostic is drawn with.
const LONGEST_SHOWN_LINE: usize = 10_000;

/// The 1-based line and column of the first label on a line too long to
/// draw.
fn long_line(d: &dyn Diagnostic) -> Option<(usize, usize)> {
    let source = d.source_code()?;
    d.labels()?.find_map(|label| {
        let contents = source.read_span(label.inner(), 0, 0).ok()?;
        (contents.data().len() > LONGEST_SHOWN_LINE || contents.column() > LONGEST_SHOWN_LINE)
            .then(|| (contents.line() + 1, contents.column() + 1))
    })
}

/// A diagnostic drawn without its source, its place given in the help.
struct Unshown<'a> {
    inner: &'a dyn Diagnostic,
    at: String,
}

impl std::fmt::Debug for Unshown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.inner, f)
    }
}

impl std::fmt::Display for Unshown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Unshown<'_> {}

impl Diagnostic for Unshown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        let place = format!("at {} (the line is too long to show)", self.at);
        Some(Box::new(match self.inner.help() {
            Some(h) => format!("{place}\n{h}"),
            None => place,
        }))
    }
}

/// The closest names to `name` among `candidates`, for "did you mean".
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        let limit = (name.chars().count().max(3) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bn)| d < bd || (d == bd && c < bn)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(!a[i - 1].eq_ignore_ascii_case(&b[j - 1]));
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = ["sigmoid", "sum", "svd", "sqrt"];
        assert_eq!(
            suggest("sigmod", names.iter().copied()).as_deref(),
            Some("sigmoid")
        );
        assert_eq!(suggest("zzz", names.iter().copied()), None);
    }
}
