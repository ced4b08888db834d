//! MLA embedded in a Rust program: hand data in, run MLA code, read typed
//! results, call an MLA function from Rust.
//!
//! Run with `cargo run --example embed`.

use mla::ndarray::{array, Array2};
use mla::{Interpreter, SharedBuffer};

fn main() -> Result<(), mla::Error> {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(out.clone());

    // Data from the host program: three samples of two features.
    mla.set("X", array![[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]]);
    let script = "
        Xc = X - mean(X);
        C = Xc' * Xc / (rows(X) - 1);
        (vals, vecs) = eig(C);
        direction = vecs[:, 1]
    ";
    if let Err(e) = mla.run_named("<embedded>", script) {
        eprint!("{}", e.render());
        std::process::exit(1);
    }
    print!("MLA printed:\n{}", out.take());
    let vals: Vec<f64> = mla.get("vals")?;
    let c: Array2<f64> = mla.get("C")?;
    println!("eigenvalues seen from Rust: {vals:?}");
    println!("covariance seen from Rust:\n{c:.3}");

    // Call an MLA function from Rust.
    mla.run("score(v) = sum(v .^ 2);")?;
    let s: f64 = mla.call("score", (vec![3.0, 4.0],))?;
    println!("score([3 4]) = {s}");

    // Errors come back as diagnostics, and the workspace survives them.
    if let Err(e) = mla.run_named("<embedded>", "bad = X * X") {
        eprint!("{}", e.render());
    }
    assert!(mla.get::<Vec<f64>>("direction").is_ok());
    Ok(())
}
