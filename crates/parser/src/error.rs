//! Parse errors as miette diagnostics, worded for people, never with rule names.

use crate::grammar::Rule;
use crate::names::{expectation, Expect};
use crate::Span;
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use std::fmt;

/// A syntax error with its position, message and an optional hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong, in words.
    pub message: String,
    /// Where it went wrong.
    pub span: Span,
    /// A suggestion for the usual cause, or empty.
    pub hint: String,
    /// True when the input simply stopped too early (the REPL asks for more lines).
    pub incomplete: bool,
}

impl ParseError {
    /// An error with a hint (pass an empty hint for none).
    pub fn hinted(span: Span, message: String, hint: String) -> Self {
        ParseError {
            message,
            span,
            hint,
            incomplete: false,
        }
    }

    /// True when more input could complete the program (an open block or bracket).
    pub fn is_incomplete(&self) -> bool {
        self.incomplete
    }

    pub(crate) fn from_pest(err: pest::error::Error<Rule>, src: &str) -> Self {
        let pos = match err.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        if let pest::error::ErrorVariant::CustomError { message } = &err.variant {
            // pest stops, rather than overflow, when its recursion (blocks
            // or lambdas inside each other) nears the end of the stack.
            if message.contains("limit reached") {
                let len = src[pos..].chars().next().map_or(0, char::len_utf8);
                return ParseError::hinted(
                    Span::new(pos, pos + len),
                    "the program nests too deep for the parser's stack here".into(),
                    "move inner blocks or lambdas into functions of their own".into(),
                );
            }
        }
        let positives: Vec<Rule> = match &err.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
        };
        let mut wanted: Vec<Expect> = positives.iter().filter_map(|r| expectation(*r)).collect();
        wanted.sort();
        wanted.dedup();
        let rest = &src[pos..];
        let at_end = rest.trim().is_empty()
            || rest
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        let found = found_token(rest);
        let mut message = if wanted.is_empty() {
            format!("unexpected {found}")
        } else {
            format!("expected {}, found {found}", join_or(&wanted))
        };
        let mut hint = String::new();
        let token_len = if at_end { 0 } else { token_len(rest) };
        // More lines can complete the input only when the parser stopped
        // after its last line break: one that stopped at a line break (after
        // `x = 1 +`, say) fails the same way whatever follows.
        let more_helps = at_end && !rest.contains('\n');
        if at_end {
            if let Some((open, at)) = unclosed_bracket(&src[..pos]) {
                let close = if open == '(' { ')' } else { ']' };
                return ParseError {
                    message: format!("this `{open}` is never closed"),
                    span: Span::new(at, at + 1),
                    hint: format!("add `{close}` where the expression ends"),
                    incomplete: more_helps,
                };
            } else if !more_helps {
                message = format!("expected {}, found the end of the line", join_or(&wanted));
                hint =
                    "a line break ends the statement: write the rest of it on the same line".into();
            } else if wanted.contains(&Expect::End) {
                if let Some((kw, at)) = unclosed_block(&src[..pos]) {
                    let (line, _) = crate::line_col(src, at);
                    message = format!("the `{kw}` on line {line} has no `end`");
                    hint = format!("add `end` to close this `{kw}` block");
                    return ParseError {
                        message,
                        span: Span::new(at, at + kw.len()),
                        hint,
                        incomplete: more_helps,
                    };
                }
                message = "unexpected end of input: expected `end`".into();
                hint = "a block (`if`, `for`, `while`, `try` or `function`) is missing its `end`"
                    .into();
            } else if let Some((op, at)) = trailing_operator(&src[..pos]) {
                // `x++`, `x = 1 +`: the operator is the place to point at.
                let (message, hint) = if op == "++" || op == "--" {
                    (
                        format!(
                            "`{op}` needs an expression after it: MLA has no increment operator"
                        ),
                        format!("write `x {}= 1`", &op[..1]),
                    )
                } else {
                    (
                        format!("`{op}` needs an expression after it"),
                        String::new(),
                    )
                };
                return ParseError {
                    message,
                    span: Span::new(at, at + op.len()),
                    hint,
                    incomplete: more_helps,
                };
            } else {
                message = format!("unexpected end of input: expected {}", join_or(&wanted));
            }
        } else if rest.starts_with('"') {
            // The string rule failed where it starts: no closing quote on
            // its line, or an escape it does not know.
            let line = rest.lines().next().unwrap_or("");
            let body = &line[1..];
            let mut chars = body.char_indices();
            let mut closed = false;
            let mut bad_escape = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, 'n' | 't' | '\\' | '"' | 'r' | '0')) => {}
                        Some((_, other)) => {
                            bad_escape.get_or_insert((i, other));
                        }
                        None => {}
                    },
                    _ => {}
                }
            }
            if let Some((i, c)) = bad_escape {
                let at = pos + 1 + i;
                return ParseError {
                    message: format!("unknown escape `\\{c}` in a string"),
                    span: Span::new(at, at + 1 + c.len_utf8()),
                    hint: "a string knows \\n, \\t, \\r, \\0, \\\\ and \\\"; write \\\\ for a backslash".into(),
                    incomplete: false,
                };
            }
            if !closed {
                return ParseError {
                    message: "this string is never closed".into(),
                    span: Span::new(pos, pos + 1),
                    hint: "add `\"` where the string ends, on the same line".into(),
                    incomplete: false,
                };
            }
        } else if rest.starts_with('\'') {
            hint = "strings use double quotes (\"text\"); `'` is the transpose operator and must follow a value with no blank".into();
        } else if rest.starts_with('=') && !rest.starts_with("==") {
            message = "unexpected `=` inside an expression".into();
            hint = if src[..pos].trim_start().starts_with('(')
                && src[..pos].trim_end().ends_with(')')
            {
                "destructuring assigns to names only, `(a, b) = …`: assign to a name first, then index (`t = …; a[1] = t`)".into()
            } else {
                "to compare, write `==`; `=` only assigns, at the start of a statement".into()
            };
        } else if rest.starts_with('?') {
            message = "`?` is not an operator in MLA (there is no `c ? a : b`)".into();
            hint = "choose with `if c … else … end`, or as a value with `ifelse(c, a, b)`".into();
        } else if rest.starts_with('@') {
            hint = "an anonymous function is `@(x) e` (or `x -> e`); a named function is already a value: write `sin`, not `@sin`".into();
        } else if found == "`catch`" {
            hint = "`catch` belongs inside `try … catch … end`".into();
        } else if rest.starts_with('.')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            // `err.message`, `s.field`: MATLAB structs.
            hint = "MLA has no structs or fields: a caught error (`catch err`) is already the message string, and several values travel as a tuple `(a, b)`".into();
        } else if rest.starts_with('%') {
            hint = "comments start with `#` in MLA".into();
        } else if rest.starts_with('{') || rest.starts_with('}') {
            hint = "MLA has no braces: matrices use `[ ]`, blocks end with `end`".into();
        } else if rest.starts_with('(') && src[..pos].ends_with([' ', '\t']) {
            hint = "a call or index follows its name with no blank: `f(x)`, `X[i]`".into();
        } else if wanted.contains(&Expect::StatementEnd) && !wanted.contains(&Expect::Expression) {
            hint = "put `;` or a new line between two statements".into();
        }
        ParseError {
            message,
            span: Span::new(pos, pos + token_len),
            hint,
            incomplete: more_helps,
        }
    }
}

/// The innermost block keyword (`if`, `for`, `while`, `function`, `try`) left
/// without its `end` in `text`, with its byte offset.
fn unclosed_block(text: &str) -> Option<(&'static str, usize)> {
    let mut stack: Vec<(&'static str, usize)> = Vec::new();
    let mut depth = 0usize; // brackets: `end` inside them is an index
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                match &text[start..i] {
                    "if" => stack.push(("if", start)),
                    "for" => stack.push(("for", start)),
                    "while" => stack.push(("while", start)),
                    "function" => stack.push(("function", start)),
                    "try" => stack.push(("try", start)),
                    "end" | "endif" | "endfor" | "endwhile" | "endfunction" | "end_try_catch"
                        if depth == 0 =>
                    {
                        stack.pop();
                    }
                    _ => {}
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

/// The innermost bracket left open in `text`, with its byte offset.
fn unclosed_bracket(text: &str) -> Option<(char, usize)> {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
        } else if in_string {
            in_string = !(c == '"' || c == '\n');
        } else {
            match c {
                '#' => in_comment = true,
                '"' => in_string = true,
                '(' | '[' => stack.push((c, i)),
                ')' | ']' => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    stack.pop()
}

fn found_token(rest: &str) -> String {
    if rest.trim().is_empty() {
        return "the end of input".into();
    }
    if rest.starts_with('\n') || rest.starts_with("\r\n") {
        return "the end of the line".into();
    }
    format!("`{}`", &rest[..token_len(rest)])
}

fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, c)) if c.is_alphanumeric() || c == '_' || c == '.' => rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(rest.len(), |(i, _)| i),
        Some((_, c)) if c == '\n' || c == '\r' => 0,
        Some((_, c)) => {
            let first = c.len_utf8();
            let two = rest.get(..first + 1).unwrap_or("");
            if [
                "**", "==", "!=", "<=", ">=", "&&", "||", ".*", "./", ".^", "->",
            ]
            .contains(&two)
            {
                2
            } else {
                first
            }
        }
    }
}

fn join_or(items: &[Expect]) -> String {
    let words: Vec<&str> = items.iter().map(|e| e.words()).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

impl Diagnostic for ParseError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("mla::syntax"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.hint.is_empty() {
            None
        } else {
            Some(Box::new(&self.hint))
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span: SourceSpan = self.span.into();
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".into()),
            span,
        ))))
    }
}

/// The operator that ends `before` (blanks aside) and where it starts.
fn trailing_operator(before: &str) -> Option<(&str, usize)> {
    let text = before.trim_end();
    [
        "++", "--", ".*", "./", ".^", "+", "-", "*", "/", "^", "\\", "=", "<", ">", "&", "|",
    ]
    .into_iter()
    .find(|op| text.ends_with(op))
    .map(|op| (op, text.len() - op.len()))
}
