//! The line editor's helper: adapts what the interpreter knows (completion
//! candidates, builtin signatures, whether an entry parses) to rustyline,
//! and colours the line being typed.

use mla::{Interpreter, KEYWORDS};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The REPL's helper. It shares the interpreter with the loop that runs
/// entries: the editor only reads it, between entries.
pub struct MlaHelper {
    mla: Rc<RefCell<Interpreter>>,
    color: bool,
    /// Whether the bracket matching the one at the cursor is shown (not in
    /// the final rendering of an accepted entry).
    show_bracket: Cell<bool>,
}

impl MlaHelper {
    /// A helper completing from `mla`, colouring when `color` is true.
    pub fn new(mla: Rc<RefCell<Interpreter>>, color: bool) -> Self {
        MlaHelper {
            mla,
            color,
            show_bracket: Cell::new(true),
        }
    }
}

impl Helper for MlaHelper {}

impl Completer for MlaHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let Ok(mla) = self.mla.try_borrow() else {
            return Ok((pos, Vec::new()));
        };
        let (start, found) = mla.completions(line, pos);
        let pairs = found
            .into_iter()
            .map(|c| Pair {
                display: c.display,
                replacement: c.text,
            })
            .collect();
        Ok((start, pairs))
    }
}

/// A builtin's signature, shown after the cursor; never inserted.
pub struct SignatureHint(String);

impl Hint for SignatureHint {
    fn display(&self) -> &str {
        &self.0
    }

    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Hinter for MlaHelper {
    type Hint = SignatureHint;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<SignatureHint> {
        if pos < line.len() {
            return None;
        }
        let mla = self.mla.try_borrow().ok()?;
        let sig = mla.call_signature(line, pos)?;
        Some(SignatureHint(format!("  {sig}")))
    }
}

impl Highlighter for MlaHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        let bracket = if self.show_bracket.get() {
            Some(pos)
        } else {
            None
        };
        Cow::Owned(highlight(line, bracket, true))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("{GREY}{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // The final rendering of an accepted entry shows no bracket match.
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        self.color && kind != CmdKind::ForcedRefresh
    }
}

impl Validator for MlaHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if entry_is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

/// Whether `entry` (the lines typed so far, without the final line break)
/// can run: it parses, or it fails for a reason more lines cannot fix (the
/// error is then shown when it runs). An open block or bracket asks for
/// more, blank lines included; after `x = 1 +` the line break already ends
/// the statement, so the entry runs and the error says so.
pub fn entry_is_complete(entry: &str) -> bool {
    match mla::check_syntax(&format!("{entry}\n")) {
        Ok(_) => true,
        Err(e) => !e.is_incomplete(),
    }
}

const RESET: &str = "\x1b[0m";
const GREY: &str = "\x1b[90m";
const KEYWORD: &str = "\x1b[1;35m";
const NUMBER: &str = "\x1b[33m";
const STRING: &str = "\x1b[32m";
const COMMENT: &str = "\x1b[90m";
const OPERATOR: &str = "\x1b[36m";
const BRACKET: &str = "\x1b[1;4;34m";

/// `line` with ANSI colours for numbers, strings, keywords, comments and
/// operators, and, when `cursor` is at or just after a bracket, that bracket
/// and its match. With `color` false, the line unchanged. The visible
/// width never changes.
pub fn highlight(line: &str, cursor: Option<usize>, color: bool) -> String {
    if !color {
        return line.to_string();
    }
    let matched = cursor.and_then(|c| matching_pair(line, c));
    let mut out = String::with_capacity(line.len() * 2);
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < line.len() {
        let c = line[i..].chars().next().unwrap_or(' ');
        let (len, style) = if c == '#' {
            (
                line[i..].find('\n').unwrap_or(line.len() - i),
                Some(COMMENT),
            )
        } else if c == '"' {
            (string_len(&line[i..]), Some(STRING))
        } else if c.is_ascii_digit()
            || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            (number_len(&line[i..]), Some(NUMBER))
        } else if c.is_alphabetic() || c == '_' {
            let n = line[i..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(line.len() - i);
            let word = &line[i..i + n];
            (n, KEYWORDS.contains(&word).then_some(KEYWORD))
        } else if "+-*/\\^=<>~!&|:.'@".contains(c) {
            (c.len_utf8(), Some(OPERATOR))
        } else {
            (c.len_utf8(), None)
        };
        let token = &line[i..i + len];
        let style = match matched {
            Some((a, b)) if i == a || i == b => Some(BRACKET),
            _ => style,
        };
        match style {
            Some(s) => {
                out.push_str(s);
                out.push_str(token);
                out.push_str(RESET);
            }
            None => out.push_str(token),
        }
        i += len;
    }
    out
}

/// The length of the string literal starting `text` (at its `"`), up to and
/// including the closing quote, or to the end of the line when it is open.
fn string_len(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            '\n' => return i,
            _ => {}
        }
    }
    text.len()
}

/// The length of the number starting `text`: digits, one `.`, an exponent,
/// and an `i`/`j` suffix.
fn number_len(text: &str) -> usize {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    // `2.5`, `2.`, but not the `.` of `2.^x` or `2.*x`.
    let dot_op = |c: &u8| b"*/^\\'".contains(c) || (c.is_ascii_alphabetic() && *c != b'e');
    if i < b.len() && b[i] == b'.' && !b.get(i + 1).is_some_and(dot_op) {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    i.max(1)
}

/// The bracket at `cursor` (or just before it) and the one matching it, as
/// byte offsets; brackets in strings and comments do not count.
fn matching_pair(line: &str, cursor: usize) -> Option<(usize, usize)> {
    // Every bracket in code, with its partner when it has one.
    let mut stack: Vec<usize> = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    let b = line.as_bytes();
    while i < b.len() {
        match b[i] {
            b'#' => {
                i += line[i..].find('\n').unwrap_or(line.len() - i);
                continue;
            }
            b'"' => {
                i += string_len(&line[i..]);
                continue;
            }
            b'(' | b'[' => stack.push(i),
            b')' | b']' => {
                if let Some(open) = stack.pop() {
                    if (b[open] == b'(') == (b[i] == b')') {
                        pairs.push((open, i));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    let at = |p: usize| pairs.iter().copied().find(|&(a, z)| a == p || z == p);
    at(cursor).or_else(|| cursor.checked_sub(1).and_then(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        // Drops the escape sequences, leaving the visible text.
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn keywords_numbers_strings_comments_are_coloured() {
        let line = "for i = 1:10 x = \"a#b\" # note";
        let h = highlight(line, None, true);
        assert!(h.contains(&format!("{KEYWORD}for{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{NUMBER}10{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{STRING}\"a#b\"{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{COMMENT}# note{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{OPERATOR}={RESET}")), "{h:?}");
        assert_eq!(plain(&h), line);
        // Digits inside a name are not a number; a word containing a keyword is not one.
        let h = highlight("x1 = endpoint", None, true);
        assert!(!h.contains(NUMBER) && !h.contains(KEYWORD), "{h:?}");
        let h = highlight("y = 1.5e-3 + 2i", None, true);
        assert!(h.contains(&format!("{NUMBER}1.5e-3{RESET}")), "{h:?}");
    }

    #[test]
    fn no_colour_means_no_escape_codes() {
        for line in ["if x > 0 # c", "f(\"s\")", "[1 2]"] {
            assert_eq!(highlight(line, Some(2), false), line);
        }
        let h = highlight("if x", None, true);
        assert!(h.contains('\x1b'));
    }

    #[test]
    fn the_bracket_matching_the_cursor() {
        let line = "f([1 2], (3))";
        // Cursor on the `(` after `f`: it and the last `)` are marked.
        let h = highlight(line, Some(1), true);
        assert!(h.starts_with(&format!("f{BRACKET}({RESET}")), "{h:?}");
        assert!(h.ends_with(&format!("{BRACKET}){RESET}")), "{h:?}");
        // Cursor just after `]`.
        let h = highlight(line, Some(7), true);
        assert!(h.contains(&format!("{BRACKET}[{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{BRACKET}]{RESET}")), "{h:?}");
        // Away from brackets, or on one in a string: none.
        assert!(!highlight(line, Some(4), true).contains(BRACKET));
        assert!(!highlight("\"(\" + (1)", Some(1), true).contains(BRACKET));
        assert_eq!(plain(&highlight(line, Some(1), true)), line);
    }

    #[test]
    fn entries_complete_or_not() {
        for done in [
            "",
            "x = 1",
            "x = 1 +",
            "x = (1 +",
            "x = 1 y",
            "function f()\n  1\nend",
            "if x\n y = 1 *",
            "exit",
            "@time x = 1",
            "%time for i = 1:3\n  y = i\nend",
        ] {
            assert!(entry_is_complete(done), "{done:?} should run");
        }
        for more in [
            "if x > 0",
            "function f(x)",
            "function f(x)\n",
            "function f(x)\n  y = x\n",
            "function f(x)\n\n  y = x",
            "x = [1 2",
            "for i = 1:3\n  for j = 1:2",
            "try\n x = 1\ncatch e",
            "@time for i = 1:3",
            "%time function f(x)",
        ] {
            assert!(!entry_is_complete(more), "{more:?} should ask for more");
        }
    }
    #[test]
    fn the_helper_adapts_the_interpreter() {
        use rustyline::history::DefaultHistory;
        let mla = Rc::new(RefCell::new(Interpreter::with_output(Box::new(
            mla::SharedBuffer::new(),
        ))));
        mla.borrow_mut().run_named("<t>", "weights = 1;").unwrap();
        let helper = MlaHelper::new(mla, false);
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, pairs) = helper.complete("y = wei", 7, &ctx).unwrap();
        assert_eq!(start, 4);
        assert_eq!(pairs[0].replacement, "weights");
        let hint = helper.hint("zeros(", 6, &ctx).unwrap();
        assert!(hint.display().starts_with("  zeros("));
        assert_eq!(hint.completion(), None);
        assert!(helper.hint("zeros(", 3, &ctx).is_none());
        assert_eq!(helper.highlight("if x", 0), "if x");
    }
}
