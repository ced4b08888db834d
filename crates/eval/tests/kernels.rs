//! Kernels that take a shorter way than the operators they stand for must
//! give what the long way gives: products that read a transposed operand in
//! place, powers computed without `pow`, maps split across cores.

use mla_eval::{render_plain, Interpreter, SharedBuffer};

fn interp() -> (Interpreter, SharedBuffer) {
    let out = SharedBuffer::new();
    (Interpreter::with_output(Box::new(out.clone())), out)
}

fn ok(mla: &mut Interpreter, code: &str) {
    if let Err(e) = mla.run("<t>", code) {
        panic!("{code}\n{}", render_plain(&e));
    }
}

fn error(code: &str) -> String {
    let (mut mla, _) = interp();
    render_plain(&mla.run("t.mla", code).expect_err("fails"))
}

#[test]
fn transposed_products_equal_products_of_transposes() {
    let (mut mla, _) = interp();
    ok(
        &mut mla,
        "seed(3); A = randn(300, 200); B = randn(300, 150); C = randn(150, 200);
         At = A'; Ct = C'; Bt = B';
         assert(isequal(A' * B, At * B));
         assert(isequal(A * C', A * Ct));
         assert(isequal(C' * B', Ct * Bt));
         assert(isequal(A' * A, At * A));
         v = randn(300, 1); assert(isequal(v' * v, sum(v .* v)) || abs(v' * v - sum(v .* v)) < 1e-12);
         assert(typeof(v' * v) == \"number\");
         L = A > 0; assert(isequal(L' * B, (1.0 * L)' * B));
         s = 2; assert(isequal(s' * A, 2 * A));",
    );
}

#[test]
fn transposed_product_errors_name_the_transposed_shapes() {
    let e = error("A = ones(3, 2); B = ones(4, 5); C = A' * B");
    assert!(
        e.contains("cannot multiply 2×3 by 4×5"),
        "the message shows A' as 2×3:\n{e}"
    );
    // Each operand is labelled with the shape the product saw.
    assert!(
        e.contains("a 2×3 matrix") && e.contains("a 4×5 matrix"),
        "{e}"
    );
    let e = error("C = \"text\"' * ones(2)");
    assert!(e.contains("transpose"), "{e}");
}

#[test]
fn gradients_flow_through_transposed_products() {
    let (mut mla, out) = interp();
    ok(
        &mut mla,
        "seed(1); X = randn(50, 4); r = randn(50, 1); w = randn(4, 1);
         f(w) = sum((X' * (X * w - r)) .^ 2);
         g = grad(f, w);
         h = 1e-6; fd = zeros(4, 1);
         for k = 1:4
             e = zeros(4, 1); e[k] = h;
             fd[k] = (f(w + e) - f(w - e)) / (2 * h);
         end
         printf(\"%d\", max(abs(g - fd)) < 1e-4 * max(abs(fd)));",
    );
    assert_eq!(out.take(), "1");
}

#[test]
fn powers_without_pow_are_numpys() {
    let (mut mla, out) = interp();
    // NumPy: x ** 2 is square, x ** 0.5 sqrt (sqrt(-0) = -0, sqrt(-inf)
    // = nan), x ** -1 reciprocal, x ** 0 ones (also of NaN).
    ok(
        &mut mla,
        "seed(2); x = randn(40, 40) * 1e3;
         assert(isequal(x .^ 2, x .* x));
         assert(isequal(x .^ -1, 1 ./ x));
         assert(isequal(x .^ 1, x));
         y = abs(x); assert(isequal(y .^ 0.5, sqrt(y)));
         z = [-0 -Inf NaN 4] .^ 0.5;
         printf(\"%g %g %g %g|\", 1 ./ z[1], z[2], z[3], z[4]);
         printf(\"%g %g\", [NaN 2] .^ 0);",
    );
    assert_eq!(out.take(), "-Inf NaN NaN 2|1 1");
}

#[test]
fn maps_over_large_matrices_give_every_element() {
    let (mut mla, out) = interp();
    // The scalar function applied one element at a time is the reference.
    ok(
        &mut mla,
        "seed(4); X = randn(300, 300);
         T = tanh(X); E = exp(X); S = sigmoid(X);
         bad = 0;
         for k = 1:3000:numel(X)
             bad += T[k] != tanh(X[k]) || E[k] != exp(X[k]) || S[k] != sigmoid(X[k]);
         end
         printf(\"%d %d %d\", bad, isequal(size(T), [300 300]), isequal(tanh(X'), T'));",
    );
    assert_eq!(out.take(), "0 1 1");
}

#[test]
fn updates_in_place_never_touch_a_shared_matrix() {
    let (mut mla, out) = interp();
    ok(
        &mut mla,
        "A = ones(2, 3); B = A; B -= 1; B += [1 2 3]; B *= 2;
         function W = step(W, G)
             W -= 0.5 * G;
         end
         C = step(A, A);
         D = A - (A * 2);
         E = (A * 2) - A;
         F = zeros(3, 4) + [1 2 3 4];
         printf(\"%g \", A, B, C, D, E, F[3, :]);",
    );
    assert_eq!(
        out.take(),
        "1 1 1 1 1 1 2 2 4 4 6 6 0.5 0.5 0.5 0.5 0.5 0.5 -1 -1 -1 -1 -1 -1 1 1 1 1 1 1 1 2 3 4 "
    );
}

#[test]
fn a_failed_update_leaves_the_variable() {
    let (mut mla, out) = interp();
    let e = mla
        .run("t.mla", "W = ones(2, 3); W -= ones(3, 2);")
        .expect_err("shapes differ");
    assert!(render_plain(&e).contains("2×3"), "{}", render_plain(&e));
    ok(
        &mut mla,
        "printf(\"%g\", size(W)); W -= [1 1 1]; printf(\" %g\", sum(W, \"all\"));",
    );
    assert_eq!(out.take(), "23 0");
}
