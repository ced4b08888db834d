//! Completion candidates for a line being typed: the library decides what
//! can follow, a front end (the REPL's line editor) only shows them.
//!
//! Outside a string the word before the cursor is completed from the
//! workspace (variables and user functions), the interpreter's builtins, the
//! constants and the keywords; inside a string literal, from the files of
//! the directory the string names so far (`load("data/ir` → `iris.csv`).

use crate::interp::Interpreter;
use mla_runtime::CONSTANTS;
use mla_runtime::{Func, Value};
use std::path::Path;

/// The keywords of the language, as completion offers them.
pub const KEYWORDS: &[&str] = &[
    "if", "else", "elseif", "for", "while", "end", "function", "return", "break", "continue",
    "try", "catch", "true", "false", "in",
];

/// What a completion candidate names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A workspace variable.
    Variable,
    /// A function defined by the user (a workspace value).
    Function,
    /// A builtin of the interpreter's registry.
    Builtin,
    /// A named constant (`pi`, `eps`, …).
    Constant,
    /// A keyword of the language.
    Keyword,
    /// A file (inside a string literal).
    File,
    /// A directory (inside a string literal); its text ends in `/`.
    Directory,
}

/// One candidate: the text that replaces the word being completed, and how
/// to show it in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What replaces the word (from the start offset to the cursor).
    pub text: String,
    /// How a list shows it: a builtin's signature, the name otherwise.
    pub display: String,
    /// What it names.
    pub kind: CompletionKind,
}

impl Completion {
    fn new(text: impl Into<String>, kind: CompletionKind) -> Self {
        let text = text.into();
        Completion {
            display: text.clone(),
            text,
            kind,
        }
    }
}

/// Where the cursor is in a line, as far as completion cares.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// In code; the word being completed starts at the offset.
    Code(usize),
    /// Inside a string literal whose text starts at the offset.
    Str(usize),
    /// In a comment: nothing to complete.
    Comment,
}

/// Finds whether `before` (the line up to the cursor) ends in code, in an
/// open string or in a comment.
fn place(before: &str) -> Place {
    let mut string_start: Option<usize> = None;
    let mut escaped = false;
    let mut prev: Option<char> = None;
    for (i, c) in before.char_indices() {
        if string_start.is_some() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => string_start = None,
                _ => {}
            }
        } else if c == '"' {
            string_start = Some(i + 1);
        } else if c == '#' {
            return Place::Comment;
        } else if c == '\'' && !prev.is_some_and(|p| p.is_alphanumeric() || ")]_'.".contains(p)) {
            // `'` after a value is the transpose; elsewhere a MATLAB-style
            // string (an error, but no place to complete names either).
            return Place::Comment;
        }
        prev = Some(c);
    }
    if let Some(s) = string_start {
        return Place::Str(s);
    }
    Place::Code(word_start(before))
}

/// Where the name (letters, digits, `_`) ending `text` starts.
fn word_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_')
        .last()
        .map_or(text.len(), |(i, _)| i)
}

impl Interpreter {
    /// The candidates for completing `line` at byte offset `pos` (the
    /// cursor), and the offset where the text they replace starts. Names
    /// come sorted, each once (a variable hides a builtin of the same name);
    /// file names come with directories marked by a trailing `/`.
    pub fn completions(&self, line: &str, pos: usize) -> (usize, Vec<Completion>) {
        let pos = pos.min(line.len());
        let Some(before) = line.get(..pos) else {
            return (pos, Vec::new());
        };
        match place(before) {
            Place::Comment => (pos, Vec::new()),
            Place::Str(start) => {
                let typed = &before[start..];
                let name_at = typed.rfind('/').map_or(0, |i| i + 1);
                (start + name_at, path_completions(typed))
            }
            Place::Code(start) => {
                let word = &before[start..];
                // A number (`1e`), a field-like `.x` or nothing typed: no names.
                if word.is_empty()
                    || word.starts_with(|c: char| c.is_ascii_digit())
                    || before[..start].ends_with('.')
                {
                    return (pos, Vec::new());
                }
                (start, self.name_completions(word))
            }
        }
    }

    /// The signature of the builtin whose call the cursor is inside, for a
    /// hint: `zeros(` or `zeros(3, ` at `pos` gives `zeros(m, n)`. None in a
    /// string or comment, outside a call, or when a workspace variable of
    /// that name hides the builtin.
    pub fn call_signature(&self, line: &str, pos: usize) -> Option<&'static str> {
        let before = line.get(..pos.min(line.len()))?;
        if place(before) != Place::Code(word_start(before)) {
            return None;
        }
        // The innermost `(` still open, skipping strings and comments.
        let mut open: Vec<(char, usize)> = Vec::new();
        for (i, c) in mla_parser::code_brackets(before) {
            match c {
                '(' | '[' => open.push((c, i)),
                _ => {
                    open.pop();
                }
            }
        }
        let &('(', at) = open.last()? else {
            return None;
        };
        let head = &before[..at];
        let name = &head[word_start(head)..];
        if name.is_empty() || self.get(name).is_some() {
            return None;
        }
        self.registry.get(name).map(|b| b.signature)
    }

    /// Every name starting with `prefix`, sorted and each once.
    fn name_completions(&self, prefix: &str) -> Vec<Completion> {
        let mut out: Vec<Completion> = Vec::new();
        for (name, value) in self.ws.variables() {
            if name.starts_with(prefix) {
                let kind = match value {
                    Value::Func(Func::User(_)) => CompletionKind::Function,
                    _ => CompletionKind::Variable,
                };
                out.push(Completion::new(&*name, kind));
            }
        }
        for b in self.registry.iter() {
            if b.name.starts_with(prefix) {
                out.push(Completion {
                    text: b.name.to_string(),
                    display: b.signature.to_string(),
                    kind: CompletionKind::Builtin,
                });
            }
        }
        for c in CONSTANTS {
            if c.name.starts_with(prefix) {
                out.push(Completion::new(c.name, CompletionKind::Constant));
            }
        }
        for k in KEYWORDS {
            if k.starts_with(prefix) {
                out.push(Completion::new(*k, CompletionKind::Keyword));
            }
        }
        // Stable: for equal names the first pushed (the variable) stays.
        out.sort_by(|a, b| a.text.cmp(&b.text));
        out.dedup_by(|later, first| later.text == first.text);
        out
    }
}

/// The files and directories matching `typed`, the text of a string literal
/// so far: a directory part (up to the last `/`, the current directory when
/// there is none) and the start of a name. Hidden entries only when the name
/// typed starts with `.`.
fn path_completions(typed: &str) -> Vec<Completion> {
    let (dir, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir_path = if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir)
    };
    let Ok(entries) = std::fs::read_dir(dir_path) else {
        return Vec::new();
    };
    let mut out: Vec<Completion> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            // Follows symbolic links, so a link to a directory is one.
            let is_dir = e.path().is_dir();
            Some(if is_dir {
                Completion::new(format!("{name}/"), CompletionKind::Directory)
            } else {
                Completion::new(name, CompletionKind::File)
            })
        })
        .collect();
    out.sort_by(|a, b| a.text.cmp(&b.text));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SharedBuffer;

    fn interp() -> Interpreter {
        Interpreter::with_output(Box::new(SharedBuffer::new()))
    }

    fn texts(v: &[Completion]) -> Vec<&str> {
        v.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn builtins_constants_and_keywords() {
        let mla = interp();
        let (start, c) = mla.completions("y = zer", 7);
        assert_eq!(start, 4);
        assert_eq!(texts(&c), ["zeros"]);
        assert_eq!(c[0].kind, CompletionKind::Builtin);
        assert!(c[0].display.starts_with("zeros("));
        let (_, c) = mla.completions("p", 1);
        assert!(c
            .iter()
            .any(|c| c.text == "pi" && c.kind == CompletionKind::Constant));
        let (start, c) = mla.completions("  whi", 5);
        assert_eq!(start, 2);
        assert_eq!(texts(&c), ["while"]);
        assert_eq!(c[0].kind, CompletionKind::Keyword);
        let (_, c) = mla.completions("else", 4);
        assert_eq!(texts(&c), ["else", "elseif"]);
    }

    #[test]
    fn variables_and_user_functions() {
        let mut mla = interp();
        mla.run("<t>", "weights = 1; function wobble(x)\n x\nend\nwx = 2;")
            .unwrap();
        let (start, c) = mla.completions("a = w", 5);
        assert_eq!(start, 4);
        let names = texts(&c);
        assert!(names.contains(&"weights"));
        assert!(names.contains(&"wx"));
        assert!(names.contains(&"while"));
        let wobble = c.iter().find(|c| c.text == "wobble").unwrap();
        assert_eq!(wobble.kind, CompletionKind::Function);
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn a_variable_hides_a_builtin_of_its_name() {
        let mut mla = interp();
        mla.run("<t>", "sum = 3;").unwrap();
        let (_, c) = mla.completions("sum", 3);
        let sums: Vec<_> = c.iter().filter(|c| c.text == "sum").collect();
        assert_eq!(sums.len(), 1);
        assert_eq!(sums[0].kind, CompletionKind::Variable);
    }

    #[test]
    fn cursor_mid_line_and_nothing_to_complete() {
        let mla = interp();
        let (start, c) = mla.completions("x = zer + 1", 7);
        assert_eq!(start, 4);
        assert_eq!(texts(&c), ["zeros"]);
        assert!(mla.completions("x = ", 4).1.is_empty());
        assert!(mla.completions("x = 1e", 6).1.is_empty());
        assert!(mla.completions("x = 1 # zer", 11).1.is_empty());
        assert!(mla.completions("x = 1 # zer", 100).1.is_empty());
        assert!(mla.completions("x = qqqq", 8).1.is_empty());
    }

    #[test]
    fn paths_inside_strings() {
        let dir = std::env::temp_dir().join(format!("mla-complete-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data_dir")).unwrap();
        std::fs::write(dir.join("data_1.csv"), "1").unwrap();
        std::fs::write(dir.join("other.csv"), "1").unwrap();
        std::fs::write(dir.join(".data_hidden"), "1").unwrap();
        let mla = interp();
        let base = format!("{}/", dir.display());
        let line = format!("A = load(\"{base}data_");
        let (start, c) = mla.completions(&line, line.len());
        assert_eq!(start, line.len() - "data_".len());
        assert_eq!(texts(&c), ["data_1.csv", "data_dir/"]);
        assert_eq!(c[1].kind, CompletionKind::Directory);
        assert_eq!(c[0].kind, CompletionKind::File);
        let line = format!("load(\"{base}.");
        let (_, c) = mla.completions(&line, line.len());
        assert_eq!(texts(&c), [".data_hidden"]);
        // A closed string is code again.
        let line = format!("load(\"{base}\") + zer");
        assert_eq!(texts(&mla.completions(&line, line.len()).1), ["zeros"]);
        // A directory that does not exist: nothing, no error.
        assert!(mla.completions("load(\"/no/such/dir/x", 20).1.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn relative_paths_read_the_current_directory() {
        let mla = interp();
        // The crate's own directory holds Cargo.toml and src/.
        let (start, c) = mla.completions("load(\"Carg", 10);
        assert_eq!(start, 6);
        assert_eq!(texts(&c), ["Cargo.toml"]);
        let (_, c) = mla.completions("load(\"sr", 9);
        assert_eq!(texts(&c), ["src/"]);
    }

    #[test]
    fn transpose_is_not_a_string() {
        let mla = interp();
        let (start, c) = mla.completions("A' * zer", 8);
        assert_eq!(start, 5);
        assert_eq!(texts(&c), ["zeros"]);
    }
    #[test]
    fn signature_inside_a_builtin_call() {
        let mut mla = interp();
        let sig = mla.call_signature("A = zeros(", 10).unwrap();
        assert!(sig.starts_with("zeros("), "{sig}");
        assert_eq!(mla.call_signature("A = zeros(3, ", 13), Some(sig));
        // The innermost call wins; a closed call is no longer hinted.
        let line = "zeros(size(";
        assert!(mla
            .call_signature(line, line.len())
            .unwrap()
            .starts_with("size("));
        assert_eq!(mla.call_signature("zeros(2)", 8), None);
        assert_eq!(mla.call_signature("x = (", 5), None);
        assert_eq!(mla.call_signature("x[", 2), None);
        assert_eq!(mla.call_signature("nosuch(", 7), None);
        assert_eq!(mla.call_signature("load(\"zeros(", 12), None);
        assert_eq!(mla.call_signature("# zeros(", 8), None);
        mla.run("<t>", "zeros = 1;").unwrap();
        assert_eq!(mla.call_signature("zeros(", 6), None);
    }
}
