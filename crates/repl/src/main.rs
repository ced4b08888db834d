//! The `mla` command: run a script, code from `-e`, standard input, or the REPL.

mod allocations;
mod helper;
mod history;
mod jupyter;
mod repl;
mod script_output;

use mla::{render_color, render_plain, ErrorKind, Interpreter};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

const USAGE: &str = "\
mla — the linear algebra of machine learning, written as math

Usage:
  mla                 start the interactive REPL
  mla FILE.mla        run a script
  mla -e 'CODE'       run code given on the command line
  mla -i FILE.mla     run a script, then the REPL with its variables
  mla -               run a script read from standard input
                      (piped input without `-` runs as a script too)
  mla jupyter install [--user | --sys-prefix | --prefix DIR]
                      make MLA a Jupyter kernel (the user's, by default)
  mla kernel FILE     serve the Jupyter kernel (Jupyter starts it)
  mla --help          show this help
  mla --version       show the version

A script prints the result of every statement that does not end in `;`.
Errors go to standard error with the line and column; the exit code is 1.
";

/// The REPL parses on this thread too (to see whether an entry is complete),
/// so everything runs on a thread with a stack large enough for any input
/// the parser accepts.
const STACK_BYTES: usize = 1 << 30;

/// glibc's allocator, tuned for a loop that frees and allocates the same
/// matrices every step. By default glibc hands memory at the top of the
/// heap back to the system as soon as it is free, so each training step
/// took page faults on fresh memory again: a pad of 64 MiB is kept.
/// Setting any of these turns off glibc's own sliding threshold for
/// serving large blocks by `mmap`, which left at 128 KiB made every
/// 16 MB `X'` a fresh mapping (100 of them 883 ms instead of 125), so
/// the threshold is set to glibc's largest on 64-bit, 32 MiB (a 32-bit
/// glibc refuses it and keeps its own). Measured, 100 steps
/// of the digits MLP under `value_and_grad`: 240 ms with the defaults,
/// 167–170 ms so; blocks above 32 MiB still come from and go back to the
/// system at once.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    const TOP_PAD: libc::c_int = 64 << 20;
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;
    #[allow(unsafe_code)]
    // SAFETY: mallopt changes allocator settings and nothing else; it runs
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TOP_PAD, TOP_PAD);
    }
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tune_allocator();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(real_main);
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("mla: cannot start: {e}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> ExitCode {
    // The memory budget measures the heap by the counting allocator.
    mla::set_memory_meter(allocations::held);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        // Piped input is a script: no banner, no prompts.
        [] if !std::io::stdin().is_terminal() => {
            let mut code = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut code) {
                eprintln!("mla: cannot read standard input: {e}");
                return ExitCode::FAILURE;
            }
            run_source("<stdin>", &code)
        }
        [] => repl::run(),
        [flag] if flag == "--help" || flag == "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        [flag] if flag == "--version" || flag == "-V" => {
            println!("mla {}", env!("CARGO_PKG_VERSION"));
            println!("linear algebra: {}", mla::linalg_backend());
            ExitCode::SUCCESS
        }
        [flag, code] if flag == "-e" => run_source("<-e>", code),
        [command, file] if command == "kernel" => jupyter::kernel(file),
        [command, rest @ ..] if command == "jupyter" && !rest.is_empty() => jupyter::jupyter(rest),
        [flag, path] if flag == "-i" => match std::fs::read_to_string(path) {
            Ok(code) => {
                let mut mla = Interpreter::new();
                mla.set_allocation_meter(allocations::so_far);
                // An error in the script is shown; its variables stay for the REPL.
                if let Err(e) = mla.run_named(path, &code) {
                    match e.kind() {
                        ErrorKind::Exit => return ExitCode::SUCCESS,
                        _ if std::io::stderr().is_terminal() => eprint!("{}", render_color(&e)),
                        _ => eprint!("{}", render_plain(&e)),
                    }
                }
                repl::run_with(mla)
            }
            Err(e) => {
                eprintln!("mla: cannot read `{path}`: {e}");
                ExitCode::FAILURE
            }
        },
        [dash] if dash == "-" => {
            let mut code = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut code) {
                eprintln!("mla: cannot read standard input: {e}");
                return ExitCode::FAILURE;
            }
            run_source("<stdin>", &code)
        }
        [path] if !path.starts_with('-') => match std::fs::read_to_string(path) {
            Ok(code) => run_source(path, &code),
            Err(e) => {
                eprintln!("mla: cannot read `{path}`: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprint!("mla: unexpected arguments\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_source(name: &str, code: &str) -> ExitCode {
    // A terminal sees each line as it is printed; a pipe or file gets
    // buffered output, flushed when the script ends, fails or is killed.
    let (mut mla, out) = if std::io::stdout().is_terminal() {
        (Interpreter::new(), None)
    } else {
        let out = script_output::SharedOutput::new();
        (Interpreter::with_output(out.clone()), Some(out))
    };
    if let Some(out) = &out {
        script_output::flush_on_signals(mla.interrupt_handle(), out.clone());
    }
    mla.set_allocation_meter(allocations::so_far);
    // Plots in colour on a terminal unless NO_COLOR (the width stays 80,
    // so a script's output does not depend on the terminal).
    mla.set_color(repl::use_color(
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    ));
    let result = mla.run_named(name, code);
    // The signal thread holds the buffer too, so it is not dropped (and
    // flushed) with the interpreter.
    if let Some(mut out) = out {
        let _ = std::io::Write::flush(&mut out);
    }
    match result {
        Ok(_) => ExitCode::SUCCESS,
        // `mla run.mla | head`: the reader has what it wanted.
        Err(e) if e.kind() == ErrorKind::OutputClosed => ExitCode::SUCCESS,
        // `exit(code)` in a script ends it with that status, quietly.
        Err(e) if e.kind() == ErrorKind::Exit => {
            let _ = std::io::Write::flush(&mut std::io::stdout());
            ExitCode::from(e.exit_status().unwrap_or(0).clamp(0, 255) as u8)
        }
        Err(e) => {
            let text = if std::io::stderr().is_terminal() {
                render_color(&e)
            } else {
                render_plain(&e)
            };
            eprint!("{text}");
            ExitCode::FAILURE
        }
    }
}
