//! The `mla` command, run as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn mla() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mla"))
}

/// Runs `cmd` with `input` on its standard input and waits for it.
fn with_input(cmd: &mut Command, input: &[u8]) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn runs_a_script_file() {
    let out = mla()
        .current_dir(workspace_root())
        .arg("examples/pca.mla")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("explained variance: 0.9246"), "{text}");
}

#[test]
fn a_failing_script_exits_1_with_the_diagnostic_on_stderr() {
    let dir = std::env::temp_dir().join(format!("mla-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.mla");
    std::fs::write(&path, "x = 1\ny = [1 2] * [3 4]\n").unwrap();
    let out = mla().arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x = 1\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot multiply 1×2 by 1×2"), "{err}");
    assert!(err.contains("bad.mla:2:11"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn code_from_dash_e() {
    let out = mla().args(["-e", "x = 2 + 3"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x = 5\n");
}

#[test]
fn script_from_standard_input() {
    let out = with_input(mla().arg("-"), b"v = [1 2 3];\nprintf(\"%d\\n\", sum(v))\n");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "6\n");
}

#[test]
fn load_resolves_relative_paths_against_the_current_directory() {
    let dir = std::env::temp_dir().join(format!("mla-cli-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("data.csv"), "a,b\n1,2\n3,4\n").unwrap();
    let out = mla()
        .current_dir(&dir)
        .args([
            "-e",
            "M = load(\"data.csv\"); printf(\"%g\\n\", sum(M, \"all\"))",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "10\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_and_bad_arguments() {
    let out = mla().arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("mla FILE.mla"));
    let out = mla().args(["--frobnicate", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = mla().arg("no-such-file.mla").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

/// Piped input is a script (no banner, no prompts): it stops at the first
/// error with status 1, after running what came before. (That the REPL keeps
/// variables through errors is tested on the interpreter, which it drives.)
#[test]
fn piped_input_stops_at_its_first_error_like_a_script() {
    let out = with_input(
        &mut mla(),
        b"a = 7;\nfor i = 1:2\nprintf(\"i=%d\\n\", i)\nend\nb = a * [1 2] * [1 2]\nprintf(\"a=%d\\n\", a)\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("cannot multiply"), "{stderr}");
    assert_eq!(stdout, "i=1\ni=2\n");
}

#[test]
fn a_closed_pipe_ends_the_script_quietly() {
    use std::io::Read;
    let mut child = mla()
        .args(["-e", "for i = 1:10000000\n printf(\"%d\\n\", i);\nend"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 2];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    assert_eq!(&first, b"1\n");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn exit_ends_a_script_with_its_status() {
    let out = mla()
        .args(["-e", "print(1); exit(3); print(2)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let out = mla().args(["-e", "quit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn piped_input_without_a_dash_runs_as_a_script() {
    let out = with_input(&mut mla(), b"x = 2\ny = x * 3;\nprint(y)\n");
    assert!(out.status.success());
    // no banner, no prompts: only what the script prints
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x = 2\n6\n");
}

#[test]
fn dash_i_runs_the_script_then_the_repl_with_its_variables() {
    let dir = std::env::temp_dir().join(format!("mla-cli-i-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("init.mla");
    std::fs::write(&path, "from_script = 41;\n").unwrap();
    let out = with_input(
        mla()
            .arg("-i")
            .arg(&path)
            .env("MLA_HISTORY", dir.join("history")),
        b"print(from_script + 1)\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("42"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch directory of the test's own.
#[cfg(unix)]
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mla-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `script` in `dir` with output to a pipe, waits until it has
/// saved `ready.csv`, sends `signal`, and returns what it wrote.
#[cfg(unix)]
fn signalled(dir: &std::path::Path, script: &str, signal: &str) -> std::process::Output {
    std::fs::write(dir.join("s.mla"), script).unwrap();
    let child = mla()
        .current_dir(dir)
        .arg("s.mla")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    while !dir.join("ready.csv").exists() {
        assert!(t.elapsed().as_secs() < 60, "the script never got ready");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn sigint_to_a_script_with_redirected_output_loses_no_output() {
    let dir = scratch("sigint");
    let out = signalled(
        &dir,
        "print(1)\nprintf(\"two\\n\")\nsave(\"ready.csv\", 1);\nwhile true\nend\n",
        "-INT",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\ntwo\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn load_of_a_fifo_is_interrupted_by_sigterm_and_the_output_flushed() {
    let dir = scratch("sigterm");
    let made = Command::new("mkfifo")
        .arg(dir.join("fifo"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = signalled(
        &dir,
        "print(1)\nsave(\"ready.csv\", 1);\nx = load(\"fifo\")\n",
        "-TERM",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
    // The read stops at the interrupt, well before the 2 s grace.
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
