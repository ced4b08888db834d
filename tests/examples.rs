//! Every bundled example runs, and its output is a snapshot.

#[test]
fn examples() {
    insta::glob!("../examples", "*.mla", |path| {
        let src = std::fs::read_to_string(path).expect("example is readable");
        let name = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
        let out = match mla::run_to_string(&name, &src) {
            Ok(out) => out,
            Err(e) => panic!("{name} failed:\n{e}"),
        };
        insta::assert_snapshot!(out);
    });
}
