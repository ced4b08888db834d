//! Tall matrices (the `tall` feature): every operation on a tall read from
//! Parquet (split over several files), from CSV and from memory gives what
//! the same operation gives on the in-memory matrix, to 1e-10 relative.
//! Run with `cargo test -p mla --features tall --test tall`.
#![cfg(feature = "tall")]

use mla::Interpreter;
use mla_tall::write::{default_names, write_csv, write_parquet};
use ndarray::{s, Array2};
use std::path::PathBuf;

const ROWS: usize = 2000;
const COLS: usize = 4;

/// Deterministic data with both signs, varied scales and no ties.
fn data() -> Array2<f64> {
    Array2::from_shape_fn((ROWS, COLS), |(i, j)| {
        let t = i as f64 * 0.0137 + j as f64 * 1.91;
        (t.sin() * (j + 1) as f64 + 0.3 * (3.0 * t).cos()) + 0.01 * j as f64 * (i % 7) as f64
    })
}

/// A fresh directory for one test's files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mla-tall-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The data as 3 Parquet files and one CSV file; the sources to test.
fn sources(name: &str, x: &Array2<f64>) -> Vec<String> {
    let d = dir(name);
    let names = default_names(COLS);
    let cuts = [0, 700, 1400, ROWS];
    for k in 0..3 {
        let path = d.join(format!("part-{k}.parquet"));
        write_parquet(
            path.to_str().unwrap(),
            x.slice(s![cuts[k]..cuts[k + 1], ..]),
            &names,
        )
        .expect("parquet written");
    }
    let csv = d.join("data.csv");
    write_csv(csv.to_str().unwrap(), x.view(), &names).expect("csv written");
    vec![
        format!("tall({:?})", d.join("*.parquet").to_str().unwrap()),
        format!("tall({:?})", csv.to_str().unwrap()),
        "tall(X)".to_string(),
    ]
}

fn relative_error(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim(), "shapes differ");
    let diff = (a - b).mapv(|x| x * x).sum().sqrt();
    let scale = b.mapv(|x| x * x).sum().sqrt().max(f64::MIN_POSITIVE);
    diff / scale
}

/// `expr` with `A` a tall (gathered) and with `A` the matrix agree.
fn agree(mla: &mut Interpreter, source: &str, expr: &str) {
    mla.run(&format!(
        "A = {source}; got = gather({expr}); A = X; want = {expr};"
    ))
    .unwrap_or_else(|e| panic!("{expr} on {source}: {}", e.render()));
    let got: Array2<f64> = mla.get("got").unwrap();
    let want: Array2<f64> = mla.get("want").unwrap();
    let err = relative_error(&got, &want);
    assert!(err <= 1e-10, "{expr} on {source}: relative error {err:e}");
}

const EXPRESSIONS: &[&str] = &[
    "size(A)",
    "A' * A",
    "A[:, 2]' * A",
    "A' * (A[:, 1] .* 2 - 1)",
    "sum(A)",
    "mean(A)",
    "std(A)",
    "var(A)",
    "std(A, 1)",
    "var(A, 1)",
    "min(A)",
    "max(A)",
    "sum(A, 2)",
    "mean(A, 2)",
    "A * [1 2; 3 4; 5 6; 7 8]",
    "A * 2 - 1",
    "3 - A / 4",
    "exp(A / 10) + 1",
    "sigmoid(A * [0.5; -1; 0.25; 2] + 0.1)",
    "A .^ 2",
    "A .* A - A ./ 3",
    "abs(A - [1 2 3 4])",
    "sqrt(abs(A))",
    "log(abs(A) + 1)",
    "tanh(A) + sin(A) .* cos(A)",
    "(A > 0) .* A",
    "(A >= 0.5) | (A < -1)",
    "-A",
    "A[:, [1 3]]",
    "A[:, 2:3]",
    "A[:, end]",
    "A[:, 2:end] * [1; 2; 3]",
    "A[A[:, 1] > 0, :]",
    "mean(A[A[:, 1] > 0, :])",
    "A[A[:, 1] > 0, :]' * A[A[:, 1] > 0, :]",
    "sum(A[(A[:, 2] < 0) & (A[:, 3] > 0), [2 4]])",
    "rows(A)",
    "numel(A)",
    "cols(A)",
];

#[test]
fn every_operation_matches_the_in_memory_result() {
    let x = data();
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.set("X", x.clone());
    for source in sources("ops", &x) {
        for expr in EXPRESSIONS {
            agree(&mut mla, &source, expr);
        }
    }
}

#[test]
fn head_gives_the_first_rows_in_file_order() {
    let x = data();
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.set("X", x.clone());
    for source in sources("head", &x) {
        mla.run(&format!("T = {source}; h = head(T, 5); h8 = head(T * 2);"))
            .unwrap();
        let h: Array2<f64> = mla.get("h").unwrap();
        assert_eq!(h, x.slice(s![..5, ..]).to_owned(), "{source}");
        let h8: Array2<f64> = mla.get("h8").unwrap();
        assert_eq!(h8, x.slice(s![..8, ..]).mapv(|v| v * 2.0), "{source}");
    }
}

#[test]
fn several_results_gather_in_one_pass_and_small_results_settle_on_use() {
    let x = data();
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.set("X", x.clone());
    let parquet = &sources("gather", &x)[0];
    mla.run(&format!(
        "T = {parquet}; (G, m, s) = gather(T' * T, mean(T), std(T));
         n = rows(T); C = (G - n * m' * m) / (n - 1);
         C2 = cov(X); e = norm(C - C2) / norm(C2);
         v = eig(T' * T); v2 = eig(X' * X); ev = norm(v - v2) / norm(v2);
         d = (T' * T) / n; d2 = X' * X / rows(X); ed = norm(d - d2) / norm(d2);"
    ))
    .unwrap_or_else(|e| panic!("{}", e.render()));
    for name in ["e", "ev", "ed"] {
        let err: f64 = mla.get(name).unwrap();
        assert!(err < 1e-10, "{name} = {err:e}");
    }
}

#[test]
fn svd_of_a_tall_matches_the_in_memory_one() {
    let x = data();
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.set("X", x.clone());
    let parquet = &sources("svd", &x)[0];
    mla.run(&format!(
        "T = {parquet}; (U, s, Vt) = svd(T, 3); s2 = svd(X, 3);
         es = norm(s - s2) / norm(s2);
         Ug = gather(U); er = norm(Ug * diag(s) * Vt - X * Vt' * Vt) / norm(X);
         eo = norm(Ug' * Ug - eye(3));"
    ))
    .unwrap_or_else(|e| panic!("{}", e.render()));
    for name in ["es", "er", "eo"] {
        let err: f64 = mla.get(name).unwrap();
        assert!(err < 1e-8, "{name} = {err:e}");
    }
}

#[test]
fn talls_display_their_plan_not_their_values() {
    let x = data();
    let out = mla::SharedBuffer::new();
    let mut mla = Interpreter::with_output(out.clone());
    mla.set("X", x);
    mla.run("T = tall(X)\nG = T' * T\nm = mean(T); gather(m); m\ntypeof(T)")
        .unwrap();
    let text = out.take();
    assert!(text.contains("T = tall 2000×4 matrix"), "{text}");
    assert!(text.contains("  source: in-memory matrix"), "{text}");
    assert!(
        text.contains("G = tall result 4×4, not yet computed"),
        "{text}"
    );
    assert!(text.contains("m = tall result 1×4, computed:"), "{text}");
    assert!(text.contains("\"tall\""), "{text}");
}

#[test]
fn misuse_says_what_went_wrong() {
    let x = data();
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.set("X", x);
    let cases = [
        ("T = tall(X); T + X", "cannot line up with a tall's rows"),
        ("T = tall(X); U = tall(X); T + U", "different sources"),
        ("T = tall(X); T[1, :]", "rows of a tall are chosen by"),
        ("T = tall(X); T[:, 7]", "column 7 of a tall with 4 columns"),
        ("T = tall(X); inv(T)", "`inv` does not take a tall matrix"),
        ("T = tall(X); T * ones(3, 1)", "inner sizes differ"),
        ("T = tall(X); T'", ""),
        ("T = tall(X); sum(T')", "transposed tall only multiplies"),
        ("tall(\"nowhere.txt\")", "cannot tell the format"),
        ("tall(\"/nonexistent/dir/*.parquet\")", "tall engine"),
        ("tall_engine(\"spark://x\")", "unknown tall engine"),
    ];
    for (code, message) in cases {
        match mla.run(code) {
            Ok(_) if message.is_empty() => {}
            Ok(v) => panic!("{code}: expected an error, got {v:?}"),
            Err(e) => {
                let text = e.render();
                assert!(
                    !message.is_empty() && text.contains(message),
                    "{code}: {text}"
                );
            }
        }
    }
}

/// Runs `examples/tall/<name>.mla` on a small synthetic data set, then
/// `check` (in-memory answers from the same rows) in the same workspace.
fn run_example(name: &str, check: &str, errors: &[&str]) {
    let d = dir(&format!("example-{name}"));
    mla_tall::write::synthetic(d.to_str().unwrap(), 20_000, 3, 11, false).expect("data written");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("examples/tall/{name}.mla"));
    let example = std::fs::read_to_string(path).unwrap();
    let script = example.replace(
        "/tmp/mla-tall/*.parquet",
        &format!("{}/*.parquet", d.display()),
    );
    assert_ne!(script, example, "{name} names its data path");
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.run(&script)
        .unwrap_or_else(|e| panic!("{name}: {}", e.render()));
    mla.run(check)
        .unwrap_or_else(|e| panic!("{name} check: {}", e.render()));
    for e in errors {
        let err: f64 = mla.get(e).unwrap();
        assert!(err < 1e-10, "{name}: {e} = {err:e}");
    }
}

#[test]
fn pca_example_matches_in_memory_pca() {
    run_example(
        "pca",
        "Xm = gather(X); C2 = cov(Xm); e = norm(C - C2) / norm(C2);
         (v2, V2) = eig(C2); ev = norm(vals - v2) / norm(v2);
         Z2 = (Xm[1:3, :] - mean(Xm)) * vecs[:, 1:3]; ez = norm(z1 - Z2) / norm(Z2);",
        &["e", "ev", "ez"],
    );
}

#[test]
fn least_squares_example_matches_the_in_memory_solution() {
    run_example(
        "least_squares",
        "Xm = gather(X); tm = gather(t); w2 = Xm \\ tm; e = norm(w - w2) / norm(w2);
         r2 = sqrt(sum((Xm * w2 - tm) .^ 2) / rows(Xm)); er = abs(rmse - r2) / r2;",
        &["e", "er"],
    );
}

#[test]
fn logistic_example_matches_in_memory_gradient_descent() {
    run_example(
        "logistic",
        "Xm = gather(X); ym = gather(y); Xsm = (Xm - mean(Xm)) ./ std(Xm);
         w2 = zeros(20, 1); b2 = 0;
         for epoch = 1:10
             p2 = sigmoid(Xsm * w2 + b2);
             w2 = w2 - lr * Xsm' * (p2 - ym) / n;
             b2 = b2 - lr * sum(p2 - ym) / n;
         end
         e = norm([w; b] - [w2; b2]) / norm([w2; b2]);
         ea = abs(acc - mean((sigmoid(Xsm * w2 + b2) > 0.5) == ym));",
        &["e", "ea"],
    );
}

#[test]
fn a_file_policy_other_than_allow_refuses_tall_files_but_not_memory() {
    use mla::{FilePolicy, Limits};
    let d = dir("policy");
    let x = data();
    let names = default_names(COLS);
    let path = d.join("data.parquet");
    write_parquet(path.to_str().unwrap(), x.view(), &names).expect("parquet written");
    for files in [
        FilePolicy::Deny,
        FilePolicy::ReadOnly(d.clone()),
        FilePolicy::Root(d.clone()),
    ] {
        let mut mla = Interpreter::with_output(std::io::sink());
        mla.set_limits(Limits {
            files,
            ..Limits::default()
        });
        let err = mla
            .run(&format!("T = tall({:?});", path.to_str().unwrap()))
            .expect_err("a jailed program cannot open a tall over files");
        assert!(
            err.render().contains("file policy cannot check"),
            "{}",
            err.render()
        );
        mla.set("X", x.clone());
        mla.run("T = tall(X); s = gather(sum(T));")
            .unwrap_or_else(|e| panic!("in memory: {}", e.render()));
    }
}

#[test]
fn end_counts_a_deferred_results_shape() {
    let x = data();
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.set("X", x);
    mla.run("T = tall(X); G = T' * T; g = G[end, end - 1]; m = mean(T); e = m[end]; want = X' * X; w = want[4, 3]; wm = mean(X); we = wm[4];")
        .unwrap_or_else(|e| panic!("{}", e.render()));
    for (got, want) in [("g", "w"), ("e", "we")] {
        let a: f64 = mla.get(got).unwrap();
        let b: f64 = mla.get(want).unwrap();
        assert!(
            (a - b).abs() <= 1e-10 * b.abs(),
            "{got} = {a}, {want} = {b}"
        );
    }
}
