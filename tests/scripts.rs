//! Script fixtures (numbat's way): every `.mla` file under `tests/scripts/ok`
//! runs and its output is a snapshot; every file under `parse_error` and
//! `runtime_error` fails and its rendered diagnostic is a snapshot.

use mla::{Interpreter, SharedBuffer};
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("fixture is readable")
}

/// The path relative to the repository, so snapshots do not depend on where it is cloned.
fn name_of(path: &Path) -> String {
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path);
    rel.display().to_string()
}

#[test]
fn ok_scripts() {
    let tmp = std::env::temp_dir().join(format!("mla-tests-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temporary folder");
    insta::glob!("scripts/ok/*.mla", |path| {
        let out = SharedBuffer::new();
        let mut mla = Interpreter::with_output(out.clone());
        mla.set("tmpdir", tmp.display().to_string());
        if let Err(e) = mla.run_named(&name_of(path), &read(path)) {
            panic!("{} failed:\n{}{}", path.display(), out.take(), e.render());
        }
        insta::assert_snapshot!(out.take());
    });
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn parse_errors() {
    insta::glob!("scripts/parse_error/*.mla", |path| {
        let src = read(path);
        assert!(
            mla::check_syntax(&src).is_err(),
            "{} parsed",
            path.display()
        );
        let err = mla::run_to_string(&name_of(path), &src).expect_err("a parse error");
        insta::assert_snapshot!(err);
    });
}

#[test]
fn runtime_errors() {
    insta::glob!("scripts/runtime_error/*.mla", |path| {
        let src = read(path);
        assert!(
            mla::check_syntax(&src).is_ok(),
            "{} does not parse",
            path.display()
        );
        let err = mla::run_to_string(&name_of(path), &src).expect_err("a runtime error");
        insta::assert_snapshot!(err);
    });
}
