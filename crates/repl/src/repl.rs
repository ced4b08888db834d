//! The interactive REPL: Tab completion, signature hints, highlighting,
//! multi-line entries (an open block or bracket asks for more lines), a
//! history kept between sessions, and errors that never lose the workspace.

use crate::helper::MlaHelper;
use mla::{render_color, render_plain, ErrorKind, Interpreter};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Cmd, CompletionType, Config, Editor, EventHandler, KeyCode, KeyEvent, Modifiers};
use std::cell::RefCell;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

/// Runs the REPL until end of input or `exit`.
pub fn run() -> ExitCode {
    run_with(Interpreter::new())
}

/// Runs the REPL on an interpreter that may already hold a workspace
/// (`mla -i FILE.mla`).
pub fn run_with(interpreter: Interpreter) -> ExitCode {
    let color = use_color(
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    );
    let mla = Rc::new(RefCell::new(interpreter));
    let config = Config::builder()
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(10_000))
        .map(|b| {
            b.auto_add_history(false)
                .completion_type(CompletionType::List)
                .build()
        });
    let editor = config.and_then(Editor::<MlaHelper, DefaultHistory>::with_config);
    let mut editor = match editor {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mla: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    editor.set_helper(Some(MlaHelper::new(mla.clone(), color)));
    // Up and Down search the history for entries starting with what is typed.
    editor.bind_sequence(
        KeyEvent(KeyCode::Up, Modifiers::NONE),
        EventHandler::Simple(Cmd::HistorySearchBackward),
    );
    editor.bind_sequence(
        KeyEvent(KeyCode::Down, Modifiers::NONE),
        EventHandler::Simple(Cmd::HistorySearchForward),
    );
    let mut history = History::new(history_path(
        std::env::var_os("MLA_HISTORY"),
        std::env::var_os("XDG_DATA_HOME"),
        std::env::var_os("HOME"),
    ));
    history.load(&mut editor);

    println!(
        "MLA {} — type help() for the builtins, Tab to complete, exit or Ctrl-D to leave",
        env!("CARGO_PKG_VERSION")
    );
    // Ctrl-C while a program runs stops it and keeps the workspace; at the
    // prompt, the line editor sees Ctrl-C itself and clears the line.
    let handle = mla.borrow().interrupt_handle();
    if let Err(e) = ctrlc::set_handler(move || handle.interrupt()) {
        eprintln!("mla: Ctrl-C will end the session ({e})");
    }
    loop {
        // The helper's validator keeps reading lines until the entry parses
        // or fails for a reason more lines cannot fix.
        match editor.readline("mla> ") {
            Ok(entry) => {
                if entry.trim().is_empty() {
                    continue;
                }
                if matches!(entry.trim(), "exit" | "quit") {
                    break;
                }
                let _ = editor.add_history_entry(entry.trim_end());
                history.save(&mut editor);
                let mut mla = mla.borrow_mut();
                let name = format!("<repl:{}>", mla.entries() + 1);
                if let Err(e) = mla.run_named(&name, &format!("{entry}\n")) {
                    // `exit()`, `quit(2)`: leave with that status.
                    if e.kind() == ErrorKind::Exit {
                        history.save(&mut editor);
                        return ExitCode::from(e.exit_status().unwrap_or(0).clamp(0, 255) as u8);
                    }
                    let text = if color {
                        render_color(&e)
                    } else {
                        render_plain(&e)
                    };
                    eprint!("{text}");
                }
            }
            Err(ReadlineError::Interrupted) => {}
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("mla: {e}");
                history.save(&mut editor);
                return ExitCode::FAILURE;
            }
        }
    }
    history.save(&mut editor);
    ExitCode::SUCCESS
}

/// Colour unless `NO_COLOR` is set to something (see no-color.org) or
/// standard output is not a terminal.
fn use_color(no_color: Option<OsString>, stdout_is_terminal: bool) -> bool {
    stdout_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Where the history lives: `MLA_HISTORY`, else `$XDG_DATA_HOME/mla/history`,
/// else `~/.local/share/mla/history` (empty variables count as unset; a
/// relative `XDG_DATA_HOME` is ignored, as the XDG specification says).
fn history_path(
    mla_history: Option<OsString>,
    xdg_data_home: Option<OsString>,
    home: Option<OsString>,
) -> Option<PathBuf> {
    let set = |v: Option<OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = set(mla_history) {
        return Some(p);
    }
    if let Some(p) = set(xdg_data_home).filter(|p| p.is_absolute()) {
        return Some(p.join("mla").join("history"));
    }
    set(home).map(|h| h.join(".local").join("share").join("mla").join("history"))
}

/// The history file: read at start, appended to after each entry. A
/// failure is reported once and never ends the session.
struct History {
    path: Option<PathBuf>,
    warned: bool,
}

impl History {
    fn new(path: Option<PathBuf>) -> Self {
        History {
            path,
            warned: false,
        }
    }

    fn load(&mut self, editor: &mut Editor<MlaHelper, DefaultHistory>) {
        let Some(path) = self.path.clone() else {
            self.warn("no history file: set MLA_HISTORY or HOME");
            return;
        };
        if !path.exists() {
            return;
        }
        if let Err(e) = editor.load_history(&path) {
            self.warn(&format!("cannot read the history {}: {e}", path.display()));
        }
    }

    fn save(&mut self, editor: &mut Editor<MlaHelper, DefaultHistory>) {
        let Some(path) = self.path.clone() else {
            return;
        };
        if let Err(e) = create_parent(&path).map_err(ReadlineError::from) {
            self.warn(&format!("cannot save the history {}: {e}", path.display()));
            return;
        }
        if let Err(e) = editor.append_history(&path) {
            self.warn(&format!("cannot save the history {}: {e}", path.display()));
        }
    }

    fn warn(&mut self, message: &str) {
        if !self.warned {
            self.warned = true;
            eprintln!("mla: {message} (the session goes on without it)");
        }
    }
}

fn create_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> Option<OsString> {
        Some(OsString::from(s))
    }

    #[test]
    fn history_path_order() {
        assert_eq!(
            history_path(os("/tmp/h"), os("/x"), os("/home/u")),
            Some(PathBuf::from("/tmp/h"))
        );
        assert_eq!(
            history_path(None, os("/x"), os("/home/u")),
            Some(PathBuf::from("/x/mla/history"))
        );
        assert_eq!(
            history_path(os(""), os("relative"), os("/home/u")),
            Some(PathBuf::from("/home/u/.local/share/mla/history"))
        );
        assert_eq!(history_path(None, None, None), None);
    }

    #[test]
    fn colour_decision() {
        assert!(use_color(None, true));
        assert!(use_color(os(""), true));
        assert!(!use_color(os("1"), true));
        assert!(!use_color(None, false));
    }

    #[test]
    fn history_is_saved_appended_and_deduplicated() {
        let dir = std::env::temp_dir().join(format!("mla-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join("history");
        let config = Config::builder()
            .history_ignore_dups(true)
            .unwrap()
            .auto_add_history(false)
            .build();
        let mut editor = Editor::<MlaHelper, DefaultHistory>::with_config(config).unwrap();
        let mut h = History::new(Some(path.clone()));
        h.load(&mut editor);
        for entry in ["x = 1", "x = 1", "function f()\n  2\nend"] {
            let _ = editor.add_history_entry(entry);
            h.save(&mut editor);
        }
        assert!(!h.warned);
        let mut again =
            Editor::<MlaHelper, DefaultHistory>::with_config(Config::default()).unwrap();
        History::new(Some(path)).load(&mut again);
        let entries: Vec<&String> = again.history().iter().collect();
        assert_eq!(entries, ["x = 1", "function f()\n  2\nend"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unwritable_history_warns_once() {
        let mut editor =
            Editor::<MlaHelper, DefaultHistory>::with_config(Config::default()).unwrap();
        let mut h = History::new(Some(PathBuf::from("/proc/no/such/history")));
        let _ = editor.add_history_entry("x");
        h.save(&mut editor);
        h.save(&mut editor);
        assert!(h.warned);
    }
}
