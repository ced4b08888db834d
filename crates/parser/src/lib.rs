//! The MLA parser: source text to a span-carrying AST.
//!
//! ```
//! let program = mla_parser::parse("x = [1 2; 3 4]'").unwrap();
//! assert_eq!(program.body.len(), 1);
//! ```

pub mod ast;
mod error;
mod grammar;
mod lower;
mod names;
pub mod sexpr;
mod span;

pub use ast::*;
pub use error::ParseError;
pub use span::{line_col, Span};

use grammar::{MlaParser, Rule};
use pest::Parser;

/// Brackets nested deeper than this are refused before pest sees them, so
/// hostile input cannot exhaust the stack.
pub const MAX_NESTING: usize = 128;

/// Parses a whole program (a script file or one REPL entry).
pub fn parse(src: &str) -> Result<Program, ParseError> {
    check_nesting(src)?;
    let pairs = MlaParser::parse(Rule::program, src).map_err(|e| ParseError::from_pest(e, src))?;
    lower::program(lower::first(pairs))
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
