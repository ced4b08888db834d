//! The interactive REPL: Tab completion, signature hints, highlighting,
//! multi-line entries (an open block or bracket asks for more lines), a
//! history kept between sessions, and errors that never lose the workspace.

use crate::helper::MlaHelper;
use crate::history::{history_path, HistoryFile, PrefixHistory};
use mla::{render_color, render_plain, ErrorKind, Interpreter};
use rustyline::error::ReadlineError;
use rustyline::{CompletionType, Config, Editor};
use std::cell::RefCell;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::rc::Rc;

/// Runs the REPL until end of input or `exit`.
pub fn run() -> ExitCode {
    run_with(Interpreter::new())
}

/// Runs the REPL on an interpreter that may already hold a workspace
/// (`mla -i FILE.mla`).
pub fn run_with(mut interpreter: Interpreter) -> ExitCode {
    interpreter.set_allocation_meter(crate::allocations::so_far);
    let color = use_color(
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    );
    interpreter.set_color(color);
    // Diagnostics go to standard error: coloured only when that is a
    // terminal (`mla 2>log` gets plain text).
    let color_errors = use_color(
        std::env::var_os("NO_COLOR"),
        std::io::stderr().is_terminal(),
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
    let editor = config.and_then(|c| Editor::with_history(c, PrefixHistory::new(c)));
    let mut editor: Editor<MlaHelper, PrefixHistory> = match editor {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mla: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    editor.set_helper(Some(MlaHelper::new(mla.clone(), color)));
    PrefixHistory::bind_keys(&mut editor);
    let mut history = HistoryFile::new(history_path(
        std::env::var_os("MLA_HISTORY"),
        std::env::var_os("XDG_DATA_HOME"),
        std::env::var_os("HOME"),
    ));
    history.load(editor.history_mut());

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
                history.save(editor.history_mut());
                let mut mla = mla.borrow_mut();
                // Matrices and plots fit the terminal as it is now (it may
                // have been resized since the last entry).
                if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
                    mla.set_width(usize::from(w));
                }
                let name = format!("<repl:{}>", mla.entries() + 1);
                if let Err(e) = mla.run_named(&name, &format!("{entry}\n")) {
                    // `exit()`, `quit(2)`: leave with that status.
                    if e.kind() == ErrorKind::Exit {
                        history.save(editor.history_mut());
                        return ExitCode::from(e.exit_status().unwrap_or(0).clamp(0, 255) as u8);
                    }
                    let text = if color_errors {
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
                history.save(editor.history_mut());
                return ExitCode::FAILURE;
            }
        }
    }
    history.save(editor.history_mut());
    ExitCode::SUCCESS
}

/// Colour unless `NO_COLOR` is set to something (see no-color.org) or
/// standard output is not a terminal.
pub(crate) fn use_color(no_color: Option<OsString>, stdout_is_terminal: bool) -> bool {
    stdout_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> Option<OsString> {
        Some(OsString::from(s))
    }

    #[test]
    fn colour_decision() {
        assert!(use_color(None, true));
        assert!(use_color(os(""), true));
        assert!(!use_color(os("1"), true));
        assert!(!use_color(None, false));
    }
}
