//! The REPL driven through a pseudo-terminal, as a user at a keyboard
//! drives it: Tab completion, history kept between sessions, multi-line
//! entries, errors, Ctrl-C and Ctrl-D.
#![cfg(unix)]

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{ControlCode, Expect, Regex, Session};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Long enough for a loaded CI machine, short enough that a hang fails.
const TIMEOUT: Duration = Duration::from_secs(5);
/// A new prompt: right after a newline, with at most the line editor's
/// own escape codes between. (While a line is edited, rustyline redraws
/// `mla> ` after `\r`, and waiting for that would type ahead of the REPL.)
const PROMPT: &str = r"\n(?:\x1b\[\?2004h)?\r?(?:\x1b\[K)?mla> ";
const ENTER: &str = "\r";
const UP: &str = "\x1b[A";

/// A fresh history file in its own directory, removed when the test ends.
struct TempHistory {
    dir: PathBuf,
    file: PathBuf,
}

impl TempHistory {
    fn new(test: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mla-pty-{}-{}-{test}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("history");
        TempHistory { dir, file }
    }
}

impl Drop for TempHistory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `mla` in a pseudo-terminal, at its first prompt.
fn start(history: &TempHistory) -> OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mla"));
    cmd.env("MLA_HISTORY", &history.file)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("spawn mla in a pty");
    s.set_expect_timeout(Some(TIMEOUT));
    s.expect("MLA ").expect("banner");
    prompt(&mut s);
    s
}

fn prompt(s: &mut OsSession) {
    s.expect(Regex(PROMPT)).expect("prompt");
}

/// Types `line`, presses Enter, and waits for `output` at the start of a
/// line (so the echo of what was typed cannot match it), then the prompt.
fn run(s: &mut OsSession, line: &str, output: &str) {
    s.send(line).unwrap();
    s.send(ENTER).unwrap();
    expect_line(s, output);
    prompt(s);
}

/// Waits for `text` right after a newline.
fn expect_line(s: &mut OsSession, text: &str) {
    let pattern = format!("\n{}", regex_escape(text));
    if let Err(e) = s.expect(Regex(pattern.as_str())) {
        panic!("expected a line starting {text:?}: {e}");
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Waits until the process has exited and returns how.
fn wait_exit(s: &mut OsSession) -> WaitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        // Drain the output so the process never blocks writing to the pty.
        let mut buf = [0u8; 1024];
        let _ = s.try_read(&mut buf);
        match s.get_process().status() {
            Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Ok(status) => return status,
            Err(e) => panic!("waitpid: {e}"),
        }
    }
}

#[test]
fn tab_completes_a_variable_name() {
    let h = TempHistory::new("tab");
    let mut s = start(&h);
    run(&mut s, "weights = [1 2 3]", "weights =");
    s.send("wei").unwrap();
    s.send("\t").unwrap();
    // The completion is on the line before more is typed.
    s.expect("weights")
        .expect("Tab completes `wei` to `weights`");
    s.send(" * 2").unwrap();
    s.send(ENTER).unwrap();
    s.expect("2  4  6").expect("weights * 2");
    prompt(&mut s);
}

#[test]
fn history_survives_a_restart() {
    let h = TempHistory::new("history");
    let mut s = start(&h);
    run(&mut s, "marker_value = 12345", "marker_value = 12345");
    run(&mut s, "other = 6", "other = 6");
    s.send(ControlCode::EndOfTransmission).unwrap();
    assert_eq!(
        wait_exit(&mut s),
        WaitStatus::Exited(s.get_process().pid(), 0)
    );
    drop(s);

    let mut s = start(&h);
    // Up searches the history for entries starting with what is typed.
    s.send("mark").unwrap();
    s.send(UP).unwrap();
    s.expect("marker_value = 12345")
        .expect("Up recalls the entry from the last session");
    s.send(ENTER).unwrap();
    expect_line(&mut s, "marker_value = 12345");
    prompt(&mut s);
}

#[test]
fn up_on_an_empty_line_walks_back_through_history() {
    let h = TempHistory::new("up");
    let mut s = start(&h);
    run(&mut s, "first = 1", "first = 1");
    run(&mut s, "second = 2", "second = 2");
    // Nothing typed: each Up goes one entry further back, whatever it starts with.
    s.send(UP).unwrap();
    s.expect("second = 2").expect("Up recalls the last entry");
    s.send(UP).unwrap();
    s.expect("first = 1").expect("Up again, the one before");
    s.send(" + 40").unwrap();
    s.send(ENTER).unwrap();
    expect_line(&mut s, "first = 41");
    prompt(&mut s);
}

#[test]
fn a_function_with_a_blank_line_inside() {
    let h = TempHistory::new("function");
    let mut s = start(&h);
    for line in ["function r = g(x)", "", "r = x + 1", "end"] {
        s.send(line).unwrap();
        s.send(ENTER).unwrap();
    }
    prompt(&mut s);
    run(&mut s, "g(2)", "ans = 3");
}

#[test]
fn help_and_clear() {
    let h = TempHistory::new("help");
    let mut s = start(&h);
    s.send("help eig").unwrap();
    s.send(ENTER).unwrap();
    expect_line(&mut s, "eig(A)");
    prompt(&mut s);
    run(&mut s, "A = 1", "A = 1");
    s.send("clear A").unwrap();
    s.send(ENTER).unwrap();
    prompt(&mut s);
    s.send("A").unwrap();
    s.send(ENTER).unwrap();
    s.expect("`A` is not defined")
        .expect("A is gone after clear");
    prompt(&mut s);
}

#[test]
fn ctrl_c_stops_a_loop_and_keeps_the_workspace() {
    let h = TempHistory::new("ctrlc");
    let mut s = start(&h);
    run(&mut s, "kept = 7", "kept = 7");
    s.send("while true; end").unwrap();
    s.send(ENTER).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.send(ControlCode::EndOfText).unwrap();
    s.expect("interrupted").expect("Ctrl-C stops the loop");
    prompt(&mut s);
    run(&mut s, "kept", "kept = 7");
    run(&mut s, "kept = 8", "kept = 8");
}

#[test]
fn ctrl_d_at_the_prompt_exits_0() {
    let h = TempHistory::new("ctrld");
    let mut s = start(&h);
    s.send(ControlCode::EndOfTransmission).unwrap();
    let pid = s.get_process().pid();
    assert_eq!(wait_exit(&mut s), WaitStatus::Exited(pid, 0));
}

#[test]
fn ten_pasted_lines_all_run_in_order() {
    let h = TempHistory::new("paste");
    let mut s = start(&h);
    // One write, as a terminal without bracketed paste delivers a paste:
    // the line editor must keep what it read past the first line.
    let mut paste = String::from("total = 0\r");
    for i in 1..=9 {
        paste.push_str(&format!("total = total * 10 + {i};\r"));
    }
    s.send(&paste).unwrap();
    prompt(&mut s);
    run(&mut s, "total", "total = 123456789");
}

#[test]
fn ctrl_d_inside_a_pending_block_neither_exits_nor_drops_it() {
    let h = TempHistory::new("ctrld-block");
    let mut s = start(&h);
    s.send("function r = q(x)").unwrap();
    s.send(ENTER).unwrap();
    // The entry is not empty: Ctrl-D edits it (deletes forward), as in
    // IPython and Julia, and only ends the session on an empty entry.
    s.send(ControlCode::EndOfTransmission).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        s.get_process().status().unwrap(),
        WaitStatus::StillAlive,
        "Ctrl-D in a pending block must not end the session"
    );
    s.send("r = 10 * x").unwrap();
    s.send(ENTER).unwrap();
    s.send("end").unwrap();
    s.send(ENTER).unwrap();
    prompt(&mut s);
    run(&mut s, "q(4)", "ans = 40");
    // Ctrl-C cancels a pending block and keeps the session.
    s.send("for i = 1:3").unwrap();
    s.send(ENTER).unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    prompt(&mut s);
    run(&mut s, "q(5)", "ans = 50");
}

/// Sends Ctrl-C `after` a statement started and returns how long the
/// "interrupted" error took to come.
fn interrupt_after(s: &mut OsSession, statement: &str, after: Duration) -> Duration {
    s.send(statement).unwrap();
    s.send(ENTER).unwrap();
    std::thread::sleep(after);
    let sent = Instant::now();
    s.send(ControlCode::EndOfText).unwrap();
    if let Err(e) = s.expect("interrupted") {
        panic!("Ctrl-C did not stop `{statement}`: {e}");
    }
    let took = sent.elapsed();
    prompt(s);
    took
}

#[test]
fn ctrl_c_stops_long_products_and_decompositions() {
    let h = TempHistory::new("ctrlc-kernels");
    let mut s = start(&h);
    run(&mut s, "A = randn(3000, 3000); kept = 7", "kept = 7");
    // Seven 3000² products: seconds on any machine, and the evaluator has
    // no loop or call between them to look at the flag: only the product
    // itself can stop.
    let took = interrupt_after(
        &mut s,
        "C = A * A * A * A * A * A * A * A",
        Duration::from_millis(500),
    );
    assert!(
        took < Duration::from_secs(3),
        "the product took {took:?} to stop"
    );
    s.send("C").unwrap();
    s.send(ENTER).unwrap();
    s.expect("`C` is not defined")
        .expect("the interrupted assignment did not happen");
    prompt(&mut s);
    // A decomposition is one call into faer: it is abandoned, not awaited.
    let took = interrupt_after(&mut s, "S = svd(A)", Duration::from_millis(300));
    assert!(took < Duration::from_secs(3), "svd took {took:?} to stop");
    run(&mut s, "kept", "kept = 7");
    run(&mut s, "rows(A) + cols(A)", "ans = 6000");
}

#[test]
fn percent_time_and_at_time_report_time_and_allocations() {
    let h = TempHistory::new("time");
    let mut s = start(&h);
    run(&mut s, "A = ones(300, 300); n = 1", "n = 1");
    let report = r"\n +\d+\.\d{6} seconds \((\d+) allocations?: ([\d.]+) (bytes|KiB|MiB|GiB)\)";
    for line in ["%time B = A * A;", "@time B = A * A;"] {
        s.send(line).unwrap();
        s.send(ENTER).unwrap();
        let found = s
            .expect(Regex(report))
            .expect("a time and allocation report");
        // The product's result alone is 300 × 300 × 8 bytes = 703.125 KiB.
        let unit = String::from_utf8_lossy(found.get(3).unwrap()).to_string();
        assert!(unit == "KiB" || unit == "MiB" || unit == "GiB", "{unit}");
        prompt(&mut s);
    }
    run(&mut s, "B[1, 1]", "ans = 300");
}

/// The widest line printed between the last prompt and the next.
fn widest_line(s: &mut OsSession, line: &str) -> usize {
    s.send(line).unwrap();
    s.send(ENTER).unwrap();
    let found = s.expect(Regex(PROMPT)).expect("prompt after the output");
    let text = String::from_utf8_lossy(found.before()).to_string();
    text.lines()
        .skip(1) // the echo of what was typed
        .map(|l| l.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn matrices_and_plots_fit_the_terminal_width() {
    let h = TempHistory::new("width");
    let mut s = start(&h);
    run(&mut s, "W = reshape(1:300, 3, 100) / 7; n = 1", "n = 1");
    for cols in [60u16, 150] {
        s.get_process_mut().set_window_size(cols, 40).unwrap();
        let matrix = widest_line(&mut s, "W");
        let plot = widest_line(&mut s, "plot(sin(0:0.1:6))");
        let cols = usize::from(cols);
        // Near the edge without crossing it: less than a column to spare.
        assert!(
            matrix <= cols && matrix + 9 > cols,
            "{cols}: matrix lines of {matrix}"
        );
        assert!(
            plot <= cols && plot + 12 > cols,
            "{cols}: plot lines of {plot}"
        );
    }
}
