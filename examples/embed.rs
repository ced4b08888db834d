//! MLA embedded in a Rust program: hand data in, run MLA code, read results.
//!
//! Run with `cargo run --example embed`.

use mla::{render_plain, Interpreter, SharedBuffer, Value};

fn main() {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));

    // Data from the host program: three samples of two features.
    mla.set(
        "X",
        Value::matrix(mla::ndarray::array![[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]]),
    );
    let script = "
        Xc = X - mean(X);
        C = Xc' * Xc / (rows(X) - 1);
        (vals, vecs) = eig(C);
        direction = vecs[:, 1]
    ";
    match mla.run("<embedded>", script) {
        Ok(_) => print!("MLA printed:\n{}", out.take()),
        Err(e) => {
            eprint!("{}", render_plain(&e));
            std::process::exit(1);
        }
    }
    let vals = mla
        .get("vals")
        .expect("vals is set")
        .elements()
        .expect("numeric");
    println!("eigenvalues seen from Rust: {vals:?}");

    // Call an MLA function from Rust.
    mla.run("<embedded>", "score(v) = sum(v .^ 2);")
        .expect("defines score");
    let s = mla
        .call("score", vec![Value::row(vec![3.0, 4.0])])
        .expect("score runs");
    println!("score([3 4]) = {}", s.to_scalar().expect("a number"));

    // Errors come back as diagnostics, and the workspace survives them.
    if let Err(e) = mla.run("<embedded>", "bad = X * X") {
        eprint!("{}", render_plain(&e));
    }
    assert!(mla.get("direction").is_some());
}
