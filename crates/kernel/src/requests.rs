//! The requests a frontend makes while the user types: `complete` (Tab),
//! `inspect` (Shift-Tab: the help of the name under the cursor) and
//! `is_complete` (whether a console should run the entry or add a line).
//!
//! Jupyter counts cursor positions in Unicode code points; the
//! interpreter's completion counts bytes of a line. Both conversions are
//! here.

use jupyter_protocol::{
    CompleteReply, CompleteRequest, InspectReply, InspectRequest, IsCompleteReply, Media, MediaType,
};
use mla::Interpreter;

/// The byte offset of code point `pos` of `text` (its end when past it).
fn byte_of(text: &str, pos: usize) -> usize {
    text.char_indices().nth(pos).map_or(text.len(), |(b, _)| b)
}

/// The code point offset of byte `byte` of `text`.
fn char_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].chars().count()
}

/// Tab: the names that complete the one ending at the cursor.
pub(crate) fn complete(mla: &Interpreter, req: &CompleteRequest) -> CompleteReply {
    let code = &req.code;
    let cursor = byte_of(code, req.cursor_pos);
    // The interpreter completes within a line: the cursor's.
    let line_start = code[..cursor].rfind('\n').map_or(0, |i| i + 1);
    let line_end = code[cursor..].find('\n').map_or(code.len(), |i| cursor + i);
    let (start, found) = mla.completions(&code[line_start..line_end], cursor - line_start);
    let start = (line_start + start).min(cursor);
    CompleteReply {
        matches: found.into_iter().map(|c| c.text).collect(),
        cursor_start: char_of(code, start),
        cursor_end: req.cursor_pos.min(code.chars().count()),
        ..CompleteReply::default()
    }
}

/// The name the cursor is in or just after, if any.
fn name_at(code: &str, cursor: usize) -> Option<&str> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let start = code[..cursor]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name(*c))
        .last()
        .map_or(cursor, |(i, _)| i);
    let end = code[cursor..]
        .char_indices()
        .find(|(_, c)| !is_name(*c))
        .map_or(code.len(), |(i, _)| cursor + i);
    let name = &code[start..end];
    let first = name.chars().next()?;
    (first.is_alphabetic() || first == '_').then_some(name)
}

/// Shift-Tab: what `help` says of the name at the cursor.
pub(crate) fn inspect(mla: &mut Interpreter, req: &InspectRequest) -> InspectReply {
    let cursor = byte_of(&req.code, req.cursor_pos);
    let help = name_at(&req.code, cursor).and_then(|name| mla.help(name).ok());
    match help {
        Some(text) => InspectReply {
            found: true,
            data: Media::new(vec![MediaType::Plain(text)]),
            ..InspectReply::default()
        },
        None => InspectReply::default(),
    }
}

/// The parser's verdict: complete, incomplete (an open block, bracket or
/// string: the console adds a line, indented), or invalid.
pub(crate) fn is_complete(code: &str) -> IsCompleteReply {
    match mla::check_syntax(code) {
        Ok(()) => IsCompleteReply::complete(),
        Err(e) if e.is_incomplete() => IsCompleteReply::incomplete("  ".into()),
        Err(_) => IsCompleteReply::invalid(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jupyter_protocol::IsCompleteReplyStatus;

    #[test]
    fn completion_counts_code_points_across_lines() {
        let mut mla = Interpreter::with_output(mla::SharedBuffer::new());
        mla.run("weights_a = 1; weights_b = 2;").unwrap();
        let code = "x = \"é\";\ny = wei";
        let req = CompleteRequest {
            code: code.into(),
            cursor_pos: code.chars().count(),
        };
        let reply = complete(&mla, &req);
        assert!(
            reply.matches.contains(&"weights_a".to_string()),
            "{:?}",
            reply.matches
        );
        assert!(reply.matches.contains(&"weights_b".to_string()));
        assert_eq!(reply.cursor_end - reply.cursor_start, 3);
        assert_eq!(reply.cursor_start, 13);
        // A cursor past the end is the end.
        let far = CompleteRequest {
            code: "ei".into(),
            cursor_pos: 99,
        };
        assert!(complete(&mla, &far).matches.iter().any(|m| m == "eig"));
    }

    #[test]
    fn inspection_finds_the_name_under_the_cursor() {
        let mut mla = Interpreter::with_output(mla::SharedBuffer::new());
        let req = InspectRequest {
            code: "(vals, vecs) = eig(C)".into(),
            cursor_pos: 16,
            detail_level: Some(0),
        };
        let reply = inspect(&mut mla, &req);
        assert!(reply.found);
        let text = serde_json::to_value(&reply.data).unwrap()["text/plain"].clone();
        assert!(text.as_str().unwrap().contains("eig("), "{text}");
        for (code, pos) in [("1 + 2", 2), ("nothing_here", 3), ("", 0)] {
            let req = InspectRequest {
                code: code.into(),
                cursor_pos: pos,
                detail_level: None,
            };
            assert!(!inspect(&mut mla, &req).found, "{code}");
        }
        assert_eq!(name_at("a + b2", 6), Some("b2"));
        assert_eq!(name_at("3x", 1), None);
    }

    #[test]
    fn the_parser_decides_completeness() {
        let status = |code: &str| is_complete(code).status;
        assert!(matches!(status("x = 1"), IsCompleteReplyStatus::Complete));
        assert!(matches!(
            status("for i = 1:3\n  x = i;"),
            IsCompleteReplyStatus::Incomplete
        ));
        assert!(matches!(
            status("x = [1 2"),
            IsCompleteReplyStatus::Incomplete
        ));
        assert!(matches!(
            status("x = 1 +* 2"),
            IsCompleteReplyStatus::Invalid
        ));
    }
}
