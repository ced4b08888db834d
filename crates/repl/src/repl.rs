//! A minimal interactive REPL: history, multi-line entries (an open block or
//! bracket asks for more lines), and errors that never lose the workspace.

use mla_eval::{render_color, Interpreter};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;
use std::process::ExitCode;

/// Runs the REPL until end of input or `exit`.
pub fn run() -> ExitCode {
    let mut editor = match DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mla: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "MLA {} — type help() for the builtins, exit or Ctrl-D to leave",
        env!("CARGO_PKG_VERSION")
    );
    let mut mla = Interpreter::new();
    // Ctrl-C while a program runs stops it and keeps the workspace; at the
    // prompt, the line editor sees Ctrl-C itself and clears the line.
    let flag = mla.interrupt_flag();
    if let Err(e) =
        ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::Relaxed))
    {
        eprintln!("mla: Ctrl-C will end the session ({e})");
    }
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { "mla> " } else { "...> " };
        match editor.readline(prompt) {
            Ok(line) => {
                if pending.is_empty() && matches!(line.trim(), "exit" | "quit") {
                    break;
                }
                pending.push_str(&line);
                pending.push('\n');
                if let Err(e) = mla_parser::parse(&pending) {
                    if e.is_incomplete() && !line.trim().is_empty() {
                        continue;
                    }
                }
                let entry = std::mem::take(&mut pending);
                let _ = editor.add_history_entry(entry.trim_end());
                let name = format!("<repl:{}>", mla.entries() + 1);
                if let Err(e) = mla.run(&name, &entry) {
                    eprint!("{}", render_color(&e));
                }
            }
            Err(ReadlineError::Interrupted) => {
                pending.clear();
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("mla: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
