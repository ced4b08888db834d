//! The Jupyter kernel with the real Jupyter client: `mla jupyter install`
//! writes a kernelspec that `jupyter kernelspec list` shows, and
//! `tests/notebooks/check_notebook.py` runs `tests/notebooks/kernel.ipynb`
//! through it with nbclient (a PCA of iris, a shape error, a plot, an
//! interrupted loop) and checks completion, inspection, interrupts by
//! SIGINT, forged messages, restart and shutdown.
//!
//! It needs Python with jupyter_client, nbclient and nbformat: `.ci/run`
//! makes them in `.ci/venv`; `MLA_JUPYTER_PYTHON` names another Python.
//! Without them the test is skipped with a note, except in CI (`CI=true`),
//! where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

const PACKAGES: &str = "jupyter_client nbclient nbformat";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python to use, when it has the packages.
fn python() -> Option<PathBuf> {
    let python = match std::env::var_os("MLA_JUPYTER_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => workspace().join(".ci/venv/bin/python"),
    };
    let has_packages = Command::new(&python)
        .args(["-c", "import jupyter_client, nbclient, nbformat"])
        .output()
        .is_ok_and(|o| o.status.success());
    has_packages.then_some(python)
}

fn missing_python() {
    let how = format!(
        "run `bash .ci/run`, or: python3 -m venv .ci/venv && .ci/venv/bin/pip install {PACKAGES} \
         (or set MLA_JUPYTER_PYTHON to a Python that has them)"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI needs the Python packages {PACKAGES} for the Jupyter kernel test: {how}");
    }
    // Straight to the process's standard error: the test harness captures
    // `eprintln!` of a passing test, and this note must be seen.
    let note = format!(
        "\nSKIPPED notebooks_run_in_the_mla_kernel: the Jupyter kernel test needs the Python \
         packages {PACKAGES}, which were not found; to run it, {how}\n"
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
}

/// A folder of its own, removed when the test ends (even by a failure).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn notebooks_run_in_the_mla_kernel() {
    let Some(python) = python() else {
        missing_python();
        return;
    };
    let dir = TempDir(std::env::temp_dir().join(format!("mla-jupyter-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let jupyter_env = |cmd: &mut Command| {
        cmd.env("JUPYTER_PATH", dir.0.join("share/jupyter"))
            .env("JUPYTER_DATA_DIR", dir.0.join("data"))
            .env("JUPYTER_RUNTIME_DIR", dir.0.join("runtime"))
            .env("JUPYTER_CONFIG_DIR", dir.0.join("config"))
            .env("JUPYTER_PLATFORM_DIRS", "1");
    };

    let installed = Command::new(env!("CARGO_BIN_EXE_mla"))
        .args(["jupyter", "install", "--prefix"])
        .arg(&dir.0)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&installed.stdout);
    assert!(
        installed.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    assert!(said.contains("share/jupyter/kernels/mla"), "{said}");

    let kernelspec = python.with_file_name("jupyter-kernelspec");
    let mut list = Command::new(&kernelspec);
    list.arg("list");
    jupyter_env(&mut list);
    let listed = list.output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed
            .lines()
            .any(|l| l.split_whitespace().next() == Some("mla")),
        "`jupyter kernelspec list` does not show mla:\n{listed}"
    );

    let mut run = Command::new(&python);
    run.arg(workspace().join("tests/notebooks/check_notebook.py"));
    jupyter_env(&mut run);
    let out = run.output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(
        out.status.success() && report.contains("all checks passed"),
        "the notebook checks failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
