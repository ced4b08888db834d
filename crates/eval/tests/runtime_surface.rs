//! The evaluator reaches the runtime through values, operators, indexing
//! and builtins, never through its autodiff internals (issue 6: autodiff
//! leaked into `expr.rs` and `literal.rs`): strip gradients with
//! `value::strip`, build traced literals with `ops::concat_traced`.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reads the source tree") {
        let path = entry.expect("reads an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_evaluator_does_not_use_autodiff_internals() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 20, "found only {} files", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).expect("reads a source file");
        assert!(
            !text.contains("autodiff::"),
            "{} uses mla_runtime::autodiff",
            f.display()
        );
    }
}
