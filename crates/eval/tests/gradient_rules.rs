//! `grad` through max/min, norms, solves, matrix powers, decompositions,
//! rearrangements and indexed assignment, against central finite
//! differences; ties, kinks and refusals by exact values.

mod gradcheck;

use gradcheck::{check, interp};
use mla_eval::Interpreter;

/// The elements of `grad(…)` written in MLA.
fn grad_of(mla: &mut Interpreter, code: &str) -> Vec<f64> {
    mla.run("<g>", code)
        .unwrap_or_else(|e| panic!("{code}: {e}"))
        .elements()
        .unwrap()
}

fn grad_err(mla: &mut Interpreter, code: &str) -> String {
    match mla.run("<g>", code) {
        Err(e) => e.message.clone(),
        Ok(v) => panic!("{code} gave {v:?}"),
    }
}

#[test]
fn max_and_min_send_the_gradient_to_the_chosen_element() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(X) = sum(max(X)) + sum(min(X, [], 2)) + 2 * max(X, [], \"all\") + sum(max(X, [], 2));",
        &["A"],
    );
    check(
        &mut mla,
        "f(a, b) = sum(max(a, b) .* [1; 2; 3]) + sum(min(a, 0.1)) + sum(max(b', a), \"all\");",
        &["v", "[0.5; -0.3; 2]"],
    );
    check(&mut mla, "f(X, c) = sum(min(X, c), \"all\");", &["A", "r"]);
    check(
        &mut mla,
        "function s = f(X)\n (m, i) = max(X, [], 2);\n (n, j) = min(X);\n s = sum(m .* i) + sum(n .^ 2 .* j);\nend",
        &["A"],
    );
    // Ties go to the first, NaN is skipped, and elementwise ties go to the
    // first argument.
    assert_eq!(
        grad_of(&mut mla, "grad(x -> max(x), [1 3 3])"),
        [0., 1., 0.]
    );
    assert_eq!(
        grad_of(&mut mla, "grad(x -> min(x), [2 1 1])"),
        [0., 1., 0.]
    );
    assert_eq!(
        grad_of(&mut mla, "grad(x -> max(x), [NaN 1 2])"),
        [0., 0., 1.]
    );
    assert_eq!(
        grad_of(
            &mut mla,
            "(ga, gb) = grad((a, b) -> max(a, b), 2, 2); [ga, gb]"
        ),
        [1., 0.]
    );
    assert_eq!(
        grad_of(&mut mla, "grad(x -> sum(max(x, [NaN 0 0])), [1 -1 NaN])"),
        [1., 0., 0.]
    );
}

#[test]
fn every_norm() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(x) = norm(x, 1) + norm(x, Inf) + norm(x, 3) + norm(x, 0.5) + norm(x) + norm(x', 2);",
        &["v"],
    );
    check(
        &mut mla,
        "f(X) = norm(X, 1) + norm(X, Inf) + norm(X, \"fro\") + norm(X) + norm(X', 2) + norm(X, \"nuc\");",
        &["A"],
    );
    // The spectral norm's gradient is u1 v1', the nuclear norm's U V'.
    mla.run(
        "<n>",
        "(U, s, Vt) = svd(A); g2 = grad(X -> norm(X), A); gn = grad(X -> norm(X, \"nuc\"), A);
         e2 = norm(g2 - U[:, 1] * Vt[1, :], \"fro\"); en = norm(gn - U * Vt, \"fro\");",
    )
    .unwrap();
    for e in ["e2", "en"] {
        assert!(mla.get(e).unwrap().to_scalar().unwrap() < 1e-12, "{e}");
    }
    assert_eq!(
        grad_of(&mut mla, "grad(x -> norm(x, 1), [0 2 -3])"),
        [0., 1., -1.]
    );
    assert_eq!(grad_of(&mut mla, "grad(x -> norm(x), [0; 0])"), [0., 0.]);
}

#[test]
fn dot_of_matrices_goes_column_by_column() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(X, Y) = sum(dot(X, Y) .* [1 2 3 4]) + dot(X[:, 1], Y[:, 2]');",
        &["A", "randn(3, 4)"],
    );
}

#[test]
fn solves_inverse_and_matrix_power() {
    let mut mla = interp();
    let square = "randn(3, 3) + 3 * eye(3)";
    check(
        &mut mla,
        "f(M, b) = sum((M \\ b) .* [1; -2; 3]) + sum(solve(M, b .^ 2));",
        &[square, "v"],
    );
    check(
        &mut mla,
        "f(M, b) = sum(b / M, \"all\") + sum((b / M) .^ 2, \"all\");",
        &[square, "randn(2, 3)"],
    );
    // Least squares (tall) and minimum norm (wide), both sides.
    check(
        &mut mla,
        "f(M, b) = sum((M \\ b) .^ 2, \"all\") + sum((b' / M') .* [1 2 3; 4 5 6], \"all\");",
        &["randn(5, 3)", "randn(5, 2)"],
    );
    check(
        &mut mla,
        "f(M, b) = sum((M \\ b) .* [1; 2; 3; 4; 5]);",
        &["randn(3, 5)", "randn(3, 1)"],
    );
    check(
        &mut mla,
        "f(M) = sum(inv(M) * [1; 2; 3]) + trace(inv(M' * M));",
        &[square],
    );
    check(
        &mut mla,
        "f(M) = sum(M ^ 3, \"all\") + sum(M ^ 0, \"all\") + trace(M ^ -2) + sum(M ^ 5 * [1; 2; 3]) + sum(M ^ 1 * [1; 1; 1]) + sum(M ^ -1, \"all\");",
        &["randn(3, 3) / 2 + eye(3)"],
    );
    // grad of sum(M \ b) by b is M' \ ones, and by a scalar divisor too.
    mla.run(
        "<s>",
        "M = [4 1 0; 1 3 1; 0 2 5]; b = [1; 2; 3]; (gM, gb) = grad((M, b) -> sum(M \\ b), M, b);
         e = norm(gb - M' \\ ones(3, 1)) + norm(gM + (M' \\ ones(3, 1)) * (M \\ b)', \"fro\");",
    )
    .unwrap();
    assert!(mla.get("e").unwrap().to_scalar().unwrap() < 1e-14);
    check(
        &mut mla,
        "f(s, x) = sum(x / s) + sum(s \\ x');",
        &["1.7", "r"],
    );
}

#[test]
fn det_std_var_prod_cumsum_logs() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(M) = det(M) + det(M' * M) + det(M[1, 1]);",
        &["randn(3, 3)"],
    );
    // A singular matrix still has its cofactors as the gradient.
    let g = grad_of(&mut mla, "grad(M -> det(M), [1 2; 2 4])");
    let want = [4., -2., -2., 1.];
    assert!(
        g.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12),
        "{g:?}"
    );
    check(
        &mut mla,
        "f(X) = sum(std(X)) + sum(var(X, 1, 2)) + std(X, 0, \"all\") + sum(var(X, [], 2)) + var(X[1, :]);",
        &["A"],
    );
    // Layer normalisation.
    check(
        &mut mla,
        "f(X) = sum(((X - mean(X, 2)) ./ sqrt(var(X, 1, 2) + 1e-5)) .* [1 2 3 4], \"all\");",
        &["A"],
    );
    assert_eq!(
        grad_of(&mut mla, "grad(x -> std(x), [2 2 2])"),
        [0., 0., 0.]
    );
    check(
        &mut mla,
        "f(X) = sum(prod(X)) + sum(prod(X, 2)) + prod([X[1:2, 1]; 0; 2]) + prod(X, \"all\");",
        &["A"],
    );
    check(
        &mut mla,
        "f(X) = sum(cumsum(X) .* X, \"all\") + sum(cumsum(X, 2) .^ 2, \"all\") + sum(cumsum(X[1, :]));",
        &["A"],
    );
    check(
        &mut mla,
        "f(x) = sum(log2(x) + log10(x) .^ 2);",
        &["abs(v) + 0.5"],
    );
}

#[test]
fn sort_and_rearrangements() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(x) = sum(sort(x) .* [1; 2; 3]) + sum(sort(x, \"descend\") .* [3; 1; 2]);",
        &["v"],
    );
    check(
        &mut mla,
        "f(X) = sum(sort(X, 2) .* [1 2 3 4], \"all\") + sum(sort(X, 1, \"descend\") .* [1; 5; 2], \"all\");",
        &["A"],
    );
    check(
        &mut mla,
        "function s = f(x)\n (y, i) = sort(x);\n s = sum(y .* i .^ 2);\nend",
        &["v"],
    );
    check(
        &mut mla,
        "f(X, d) = sum(repmat(X, 2, 3) .^ 2 .* (1:12), \"all\") + sum(diag(X * X') .* [1; 2; 3]) + sum(diag(d) * [1; 2; 3]) + sum(diag(d') .^ 3, \"all\");",
        &["A", "v"],
    );
    check(
        &mut mla,
        "f(X) = sum(tril(X) .^ 2, \"all\") + sum(triu(X, 1) .* (1:4), \"all\") + sum(fliplr(X) .* (1:4), \"all\") + sum(flipud(X) .* [1; 2; 3], \"all\");",
        &["A"],
    );
}

#[test]
fn cholesky_and_symmetric_eig() {
    let mut mla = interp();
    check(
        &mut mla,
        "f(B) = sum(chol(B * B' + eye(3)) .* [1 2 3; 4 5 6; 7 8 9], \"all\");",
        &["randn(3, 3)"],
    );
    check(
        &mut mla,
        "f(B) = sum(eig(B + B') .* [1; 2; 3]) + max(eig(B' * B));",
        &["randn(3, 3)"],
    );
    check(
        &mut mla,
        "function s = f(B)\n (l, V) = eig(B + B');\n s = sum(V .* [1 2 3; 4 5 6; 7 8 9], \"all\") + sum(l .^ 2);\nend",
        &["randn(3, 3)"],
    );
    // Values alone at a repeated eigenvalue: trace's gradient, I.
    assert_eq!(
        grad_of(&mut mla, "grad(M -> sum(eig(M)), eye(2))"),
        [1., 0., 0., 1.]
    );
    let e = grad_err(
        &mut mla,
        "function s = h(M)\n (l, V) = eig(M);\n s = sum(V, \"all\");\nend\ngrad(h, eye(3))",
    );
    assert!(e.contains("eigenvalues 1 and 2 are equal"), "{e}");
    let e = grad_err(&mut mla, "grad(M -> sum(eig(M)), [4 1; 2 3])");
    assert!(e.contains("symmetric"), "{e}");
}

#[test]
fn indexed_assignment_inside_grad() {
    let mut mla = interp();
    check(
        &mut mla,
        "function s = f(W, x)\n W[2, :] = x' .* 2;\n W[1, 1] = W[3, 2] * 3;\n s = sum(W .^ 2, \"all\");\nend",
        &["A", "randn(4, 1)"],
    );
    // Growing, `end`, and a traced right side into a plain matrix.
    check(
        &mut mla,
        "function s = f(x)\n y = zeros(5, 1);\n y[2:4] = x .^ 2;\n y[end + 1] = x[1];\n Y = A;\n Y[:, 1] = x;\n s = sum(y .* [1; 2; 3; 4; 5; 6]) + sum(Y .^ 2, \"all\");\nend",
        &["v"],
    );
    check(
        &mut mla,
        "function s = f(W)\n W[:, 2] += 1;\n W[1, :] *= 3;\n W[W > 1] = 0;\n W[2, :] = [];\n s = sum(W .^ 2, \"all\");\nend",
        &["A"],
    );
    check(
        &mut mla,
        "function s = f(x)\n for k = 2:numel(x)\n x[k] = x[k - 1] * x[k];\n end\n s = x[end];\nend",
        &["[1.1 0.7 1.3 0.9]"],
    );
}

#[test]
fn loops_over_a_traced_matrix_take_its_columns() {
    let mut mla = interp();
    check(
        &mut mla,
        "function s = f(X, x)\n s = 0;\n for c = X\n s = s + sum(c .^ 2) * c[1];\n end\n for e = x\n s = s + e ^ 3;\n end\nend",
        &["A", "r"],
    );
}

#[test]
fn a_solve_under_grad_warns_once() {
    let mut mla = interp();
    let warnings = mla_eval::SharedBuffer::new();
    mla.set_warning_output(Box::new(warnings.clone()));
    mla.run("<w>", "g = grad(b -> sum([1 1; 1 1+2e-16] \\ b), [1; 2]);")
        .unwrap();
    assert_eq!(warnings.take().matches("close to singular").count(), 1);
}

/// A traced call computes exactly the plain call's value, and refuses what
/// the plain call refuses with the same message.
#[test]
fn new_rules_compute_the_plain_values_and_errors() {
    let mut mla = interp();
    mla.run(
        "<m>",
        "S = [4 1 0; 1 3 1; 0 1 5]; M = randn(3, 3) + 3 * eye(3);",
    )
    .unwrap();
    for f in [
        "X -> sum(max(X))",
        "X -> norm(X)",
        "X -> norm(X, \"nuc\")",
        "X -> norm(X, 1)",
        "X -> sum(dot(X, X))",
        "X -> sum(std(X, 1, 2))",
        "X -> sum(prod(X))",
        "X -> sum(sort(X, 2) .^ 2, \"all\")",
        "X -> sum(log2(abs(X)), \"all\")",
        "X -> sum(abs(X) .^ 0.5 + X .^ 2, \"all\")",
        "X -> sum((X * X') \\ X, \"all\")",
        "X -> sum(X' / (X * X'), \"all\")",
        "X -> sum((X * X') ^ -3, \"all\")",
        "X -> det(X * X')",
        "X -> sum(inv(X * X'), \"all\")",
        "X -> sum(chol(X * X'), \"all\")",
        "X -> sum(eig(X * X'))",
    ] {
        mla.run(
            "<v>",
            &format!("f = {f}; (v, g) = value_and_grad(f, A); ok = isequal(v, f(A));"),
        )
        .unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(
            mla.get("ok").unwrap().to_scalar().unwrap(),
            1.0,
            "{f}: value under grad differs from the plain value"
        );
    }
    // `.^ 0.5` is `sqrt` in the plain kernel, which keeps the sign of -0
    // where `pow` would not.
    mla.run(
        "<z>",
        "function s = h(x)\n y = x .^ 0.5;\n s = 1 / y[1];\nend\n(v, g) = value_and_grad(h, [-0 4]); ok = isequal(v, h([-0 4])) && v < 0;",
    )
    .unwrap();
    assert_eq!(mla.get("ok").unwrap().to_scalar().unwrap(), 1.0);
    for (plain, traced) in [
        (
            "inv([1 2; 2 4])",
            "grad(M -> sum(inv(M), \"all\"), [1 2; 2 4])",
        ),
        (
            "chol([1 2; 2 1])",
            "grad(M -> sum(chol(M), \"all\"), [1 2; 2 1])",
        ),
        (
            "[1 2; 3 4] \\ [1 2 3]",
            "grad(b -> sum([1 2; 3 4] \\ b), [1 2 3])",
        ),
        (
            "sort([1 2], \"up\")",
            "grad(x -> sum(sort(x, \"up\")), [1 2])",
        ),
        ("max([1 2], [], 3)", "grad(x -> max(x, [], 3), [1 2])"),
        ("norm([1 2; 3 4], 3)", "grad(x -> norm(x, 3), [1 2; 3 4])"),
        (
            "[1 2; 3 4] ^ 0.5",
            "grad(x -> sum(x ^ 0.5, \"all\"), [1 2; 3 4])",
        ),
        (
            "cumsum([1 2], \"all\")",
            "grad(x -> sum(cumsum(x, \"all\")), [1 2])",
        ),
    ] {
        let p = grad_err(&mut mla, plain);
        let t = grad_err(&mut mla, traced);
        assert_eq!(p, t, "{traced}");
    }
    // Indexed assignment past a matrix's end fails the same way.
    let p = grad_err(&mut mla, "W = A; W[20] = 1;");
    let t = grad_err(
        &mut mla,
        "function s = f(W)\n W[20] = 1;\n s = sum(W, \"all\");\nend\ngrad(f, A)",
    );
    assert_eq!(p, t);
}
