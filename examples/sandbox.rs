//! Running an untrusted script: a time limit, memory limits, and a
//! directory it cannot leave. Each refusal is an error the host can show;
//! the interpreter runs the next script as if nothing happened.
//!
//! Run with `cargo run --example sandbox`.

use mla::{ErrorKind, FilePolicy, Interpreter, Limits, SharedBuffer};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The only directory the script may read and write.
    let jail = std::env::temp_dir().join(format!("mla-sandbox-example-{}", std::process::id()));
    std::fs::create_dir_all(&jail)?;
    std::fs::write(jail.join("scores.csv"), "student,score\n1,71\n2,94\n3,88\n")?;

    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(out.clone());
    mla.set_limits(Limits {
        max_duration: Some(Duration::from_millis(250)),
        max_allocation_bytes: 16 << 20,
        max_workspace_bytes: Some(64 << 20),
        max_call_depth: 100,
        files: FilePolicy::Root(jail.clone()),
        ..Limits::default()
    });

    let submissions = [
        (
            "a fair one",
            "S = load(\"scores.csv\");\nbest = max(S[:, 2])\nsave(\"best.csv\", best);",
        ),
        ("an endless loop", "k = 0;\nwhile true\n  k = k + 1;\nend"),
        ("a huge matrix", "A = zeros(1e5, 1e5);"),
        ("a way out", "P = load(\"../../etc/passwd\");"),
        ("endless recursion", "f = (n) -> f(n + 1);\nf(1)"),
    ];
    let mut refused = Vec::new();
    for (what, code) in submissions {
        match mla.run_named(what, code) {
            Ok(_) => print!("{what}: ran\n{}", out.take()),
            Err(e) => {
                print!("{what}: refused\n{}", e.render());
                refused.push(e.kind());
            }
        }
    }
    assert_eq!(
        refused,
        [
            ErrorKind::Timeout,
            ErrorKind::Memory,
            ErrorKind::Denied,
            ErrorKind::Recursion
        ]
    );
    assert_eq!(std::fs::read_to_string(jail.join("best.csv"))?, "94.0\n");
    std::fs::remove_dir_all(&jail)?;
    Ok(())
}
