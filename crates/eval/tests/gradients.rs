//! `grad` against central finite differences, for every differentiable
//! operation, with broadcasting, dimensions and indexing.

mod gradcheck;

use gradcheck::{check, interp};
use mla_eval::{Interpreter, SharedBuffer};

#[test]
fn arithmetic_and_broadcasting() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(X, c) = sum(sum((X - mean(X)) .* c + X ./ (2 + c) - 3 * X));",
        &["A", "r"],
    );
    check(
        &mut mla,
        "f(X, s) = sum((X .^ 2 + s .^ X) * ones(4, 1));",
        &["A", "0.7"],
    );
    check(
        &mut mla,
        "f(X, Y) = sum(X * Y, \"all\") + trace(X' * X);",
        &["A", "B"],
    );
    check(
        &mut mla,
        "f(x, y) = x^3 / y - (x \\ y) + -x;",
        &["1.3", "0.4"],
    );
    check(
        &mut mla,
        "f(X) = sum(X', \"all\") + sum(mean(X, 2)) + sum(sum(X, 1));",
        &["A"],
    );
}

#[test]
fn elementwise_functions() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(x) = sum(exp(x) + log(x .^ 2 + 1) + sqrt(abs(x) + 1) + sin(x) .* cos(x) + tan(x / 4) + tanh(x) + log1p(x .^ 2));",
        &["v"],
    );
    check(
        &mut mla,
        "f(x) = sum(sigmoid(3 * x) + relu(x) + clamp(x, -0.5, 0.5));",
        &["v + 0.01"],
    );
}

#[test]
fn ml_losses_and_softmax() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(Z) = cross_entropy(softmax(Z), Y);",
        &["randn(5, 3)"],
    );
    check(
        &mut mla,
        "f(Z) = sum(softmax(Z, 1) .* [1 2 3; 4 5 6; 7 8 9; 1 1 1; 2 2 2], \"all\");",
        &["randn(5, 3)"],
    );
    check(
        &mut mla,
        "f(z) = sum(softmax(z) .* [1 5 2]) + logsumexp(z);",
        &["[0.3 -1 2]"],
    );
    check(
        &mut mla,
        "f(Z) = sum(logsumexp(Z)) + sum(logsumexp(Z, 1));",
        &["randn(4, 3)"],
    );
    check(
        &mut mla,
        "f(w, b) = bce(sigmoid(A' * w + b), [1; 0; 1; 1]);",
        &["v", "0.2"],
    );
    check(&mut mla, "f(p, y) = mse(p, y);", &["v", "v'' * 0 + 1"]);
    check(&mut mla, "f(Q) = cross_entropy(Q, Y) + bce(Q, Y);", &["P"]);
    // By the targets too: their gradient is worked out only when traced.
    check(
        &mut mla,
        "f(Q, T) = cross_entropy(Q, T) + bce(Q, T);",
        &["P", "Y + 0.1"],
    );
}

#[test]
fn vectors_norms_indexing_and_concatenation() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(a, b) = dot(a, b) + norm(a) + norm(b', \"fro\");",
        &["v", "[1; -2; 0.5]"],
    );
    check(
        &mut mla,
        "f(X) = sum(X[2, :]) + X[1, end] * X[3] + sum(X[:, [1 3]], \"all\") + sum(X[X > 0]);",
        &["A"],
    );
    check(
        &mut mla,
        "f(a, b) = sum([a, 2 * a; b', 1 2 3] * ones(6, 1)) + sum(reshape([a'; b], 2, 3), \"all\");",
        &["v'", "v"],
    );
    check(&mut mla, "f(X) = sum(sum(reshape(X, 6, 2) .^ 2));", &["A"]);
}

#[test]
fn control_flow_and_user_functions_inside_grad() {
    let mut mla = interp();
    mla.run("<def>", "function y = poly(x, n)\n y = 0;\n for k = 1:n\n if k > 1\n y = y + x .^ k / k;\n else\n y = y + x;\n end\n end\nend").unwrap();
    check(&mut mla, "f(x) = sum(poly(x, 4)) + (x[1] > 0) * 2;", &["v"]);
    check(&mut mla, "f(x) = sum(((t) -> t .* x)(x));", &["v"]);
    check(
        &mut mla,
        "function s = f(x)\n s = 0;\n for k = 1:x[1]\n s = s + x[2] * k;\n end\nend",
        &["[3.2 0.5]"],
    );
}

#[test]
fn zero_gradient_for_unused_arguments_and_constants() {
    let mut mla = interp();
    mla.run(
        "<1>",
        "f(x, y) = sum(x);\n(gx, gy) = grad(f, [1 2], [3 4 5]);\nc(x) = 4;\ngc = grad(c, [1; 2]);",
    )
    .unwrap();
    assert_eq!(
        mla.get("gy").unwrap().elements().unwrap(),
        vec![0.0, 0.0, 0.0]
    );
    assert_eq!(mla.get("gx").unwrap().elements().unwrap(), vec![1.0, 1.0]);
    assert_eq!(mla.get("gc").unwrap().shape(), (2, 1));
}

#[test]
fn unsupported_operations_refuse_instead_of_dropping_gradients() {
    let mut mla = interp();
    for (def, word) in [
        ("f(X) = sum(pinv(X' * X), \"all\");", "`pinv`"),
        ("f(X) = sum(svd(X));", "`svd`"),
        (
            "function s = f(X)\n (Q, R) = qr(X);\n s = sum(R, \"all\");\nend",
            "`qr`",
        ),
        ("f(X) = sum(cumprod(X), \"all\");", "`cumprod`"),
        ("f(X) = sum(median(X));", "`median`"),
        (
            "f(X) = sum((X * X') ^ (X[1] - X[1] + 2), \"all\");",
            "exponent",
        ),
        ("f(X) = sum(X);", "returns a number"),
    ] {
        mla.run("<def>", def).unwrap();
        let e = mla.run("<use>", "grad(f, A)").unwrap_err();
        assert!(e.message.contains(word), "{def}: {}", e.message);
    }
    let e = mla
        .run(
            "<nested>",
            "g(x) = sum(grad((y) -> sum(y .^ 2), x)); grad(g, v)",
        )
        .unwrap_err();
    assert!(e.message.contains("grad"), "{}", e.message);
}

#[test]
fn errors_inside_the_function_point_into_it() {
    let mut mla = interp();
    mla.run("<def>", "bad(w) = sum(A * w);").unwrap();
    let e = mla.run("<use>", "grad(bad, [1 2])").unwrap_err();
    assert!(
        e.message.contains("cannot multiply 3×4 by 1×2"),
        "{}",
        e.message
    );
    assert_eq!(e.source.name, "<def>");
    assert_eq!(e.trace[0].function, "bad");
    assert_eq!(e.trace[0].source.name, "<use>");
}

/// A traced call computes its value with the plain call's kernel: the two
/// cases where they had drifted apart.
#[test]
fn traced_values_are_the_plain_values() {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(Box::new(out.clone()));
    mla.run(
        "<t>",
        "(v, g) = value_and_grad(x -> sum(relu(x)), [NaN 1]);
         printf(\"%g %g|\", v, sum(relu([NaN 1])));",
    )
    .unwrap();
    assert_eq!(out.take(), "NaN NaN|");
    let plain = mla.run("<t>", "clamp(5, 1, 0)").unwrap_err();
    let traced = mla.run("<t>", "grad(x -> clamp(x, 1, 0), 5)").unwrap_err();
    assert_eq!(plain.message, traced.message);
    assert!(traced.message.contains("lo <= hi"), "{}", traced.message);
}
