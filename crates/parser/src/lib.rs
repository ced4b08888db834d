//! The MLA parser: source text to a span-carrying AST.
//!
//! ```
//! let program = mla_parser::parse("x = [1 2; 3 4]'").unwrap();
//! assert_eq!(program.body.len(), 1);
//! ```

pub mod ast;
mod depth;
mod error;
mod grammar;
mod lower;
mod names;
pub mod sexpr;
mod span;

pub use ast::*;
pub use depth::MAX_DEPTH;
pub use error::ParseError;
pub use span::{line_col, Span};

use grammar::{MlaParser, Rule};
use pest::Parser;

/// Brackets nested deeper than this are refused before pest sees them, so
/// hostile input cannot exhaust the stack.
pub const MAX_NESTING: usize = 128;

/// Longest line the parser reads, in bytes. pest keeps a token queue of
/// about 120 bytes per byte of source (180 while the queue grows), so one
/// 10 MB line took 1.8 GB; a line of 1 MiB takes at most about 180 MB.
/// Data that large belongs in a file read with `load`.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Parses a whole program (a script file or one REPL entry).
pub fn parse(src: &str) -> Result<Program, ParseError> {
    check_line_length(src)?;
    check_nesting(src)?;
    depth::reset();
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        // One top-level statement at a time, so the token queue never holds
        // more than one (see `next_statement` in the grammar).
        let rest = &src[at..];
        let Ok(pairs) = MlaParser::parse(Rule::next_statement, rest) else {
            return Err(whole_program_error(src));
        };
        let pair = lower::first(pairs);
        let end = pair.as_span().end();
        lower::set_offset(at);
        let stmt = lower::next_statement(pair);
        lower::set_offset(0);
        match stmt? {
            Some(stmt) => body.push(stmt),
            None => return Ok(Program { body }),
        }
        if end == 0 {
            // A statement always takes a byte at least; never loop forever.
            return Err(whole_program_error(src));
        }
        at += end;
    }
}

/// The error of a program some statement of which does not parse: pest
/// reads the whole text once more, so the message sees what it always saw
/// (an unclosed block, a stray `end`, what was expected where).
fn whole_program_error(src: &str) -> ParseError {
    match MlaParser::parse(Rule::program, src) {
        Err(e) => ParseError::from_pest(e, src),
        Ok(_) => ParseError::hinted(
            Span::new(0, 0),
            "the program parses as a whole but not statement by statement".into(),
            "please report this program".into(),
        ),
    }
}

fn check_line_length(src: &str) -> Result<(), ParseError> {
    let mut start = 0;
    for line in src.split_inclusive('\n') {
        if line.len() > MAX_LINE_BYTES {
            // The first character past the limit: the line itself is too
            // long to show, the error names its place.
            let mut at = start + MAX_LINE_BYTES;
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            let end = at + src[at..].chars().next().map_or(0, char::len_utf8);
            return Err(ParseError::hinted(
                Span::new(at, end),
                format!(
                    "this line is {} bytes long; the parser reads lines of up to {MAX_LINE_BYTES} bytes (1 MiB)",
                    line.trim_end().len()
                ),
                "read large data from a file with `load`, or split the line".into(),
            ));
        }
        start += line.len();
    }
    Ok(())
}

fn check_nesting(src: &str) -> Result<(), ParseError> {
    let mut depth = 0usize;
    for (i, c) in code_brackets(src) {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseError::hinted(
                        Span::new(i, i + 1),
                        format!("brackets are nested more than {MAX_NESTING} deep"),
                        "split the expression into several statements".into(),
                    ));
                }
            }
            _ => depth = depth.saturating_sub(1),
        }
    }
    Ok(())
}

/// The brackets `( ) [ ]` of `src` with their byte offsets, in order,
/// skipping those inside strings and comments (for the nesting limit and
/// the REPL's signature hints).
pub fn code_brackets(src: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    src.char_indices().filter(move |&(_, c)| {
        if in_comment {
            in_comment = c != '\n';
            return false;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            return false;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | ')' | ']' => return true,
            _ => {}
        }
        false
    })
}
