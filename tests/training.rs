//! Training builtins against their anchors: each optimizer's first three
//! steps equal `torch.optim`'s, `schedule` equals PyTorch's schedulers,
//! `clip_norm` equals `clip_grad_norm_`, and `minimize` reaches the optimum
//! `scipy.optimize.minimize(method="L-BFGS-B")` reaches in a comparable
//! number of iterations. The reference numbers come from
//! `tests/reference/optim_reference.py`.

#[path = "reference/optim_values.rs"]
mod values;

use mla::ndarray::Array2;
use mla::{Interpreter, SharedBuffer};
use values::*;

fn run(code: &str) -> Interpreter {
    let out = SharedBuffer::new();
    let mut mla = Interpreter::with_output(out.clone());
    if let Err(e) = mla.run(code) {
        panic!("{}{}\n---\n{code}", out.take(), e.render());
    }
    mla
}

/// The matrix `name`'s elements, column-major.
fn elements(mla: &Interpreter, name: &str) -> Vec<f64> {
    let m: Array2<f64> = mla.get(name).expect("a matrix");
    m.t().iter().copied().collect()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{what}: element {} is {g}, want {w}\n got {got:?}",
            i + 1
        );
    }
}

#[test]
fn first_three_steps_on_a_quadratic_equal_torch() {
    for (call, want) in OPTIMIZERS.iter().zip(QUADRATIC) {
        let mla = run(&format!(
            "A = [4 1 0; 1 3 -1; 0 -1 2]; b = [1; 0; -1]; x = [1; -2; 0.5];
             f(x) = x' * A * x / 2 - b' * x
             opt = {call};
             xs = zeros(3, 3);
             for t = 1:3
                 (opt, x) = step(opt, x, grad(f, x));
                 xs[:, t] = x;
             end"
        ));
        let got = elements(&mla, "xs");
        assert_close(&got, want.as_flattened(), 1e-13, call);
    }
}

#[test]
fn first_three_steps_on_an_mlp_equal_torch() {
    for (call, want) in OPTIMIZERS.iter().zip(MLP) {
        let mla = run(&format!(
            "X = sin(reshape(1:15, 3, 5)'); Y = cos(reshape(1:10, 2, 5)');
             W1 = 0.5 * cos(reshape(1:12, 4, 3)'); b1 = 0.1 * [1 -1 2 -2];
             W2 = 0.5 * sin(reshape(1:8, 2, 4)'); b2 = [0.05 -0.05];
             function L = loss(W1, b1, W2, b2)
                 P = tanh(X * W1 + b1) * W2 + b2;
                 L = mean((P - Y).^2, \"all\");
             end
             opt = {call};
             for t = 1:3
                 (L, g1, g2, g3, g4) = value_and_grad(loss, W1, b1, W2, b2);
                 (opt, W1, b1, W2, b2) = step(opt, (W1, b1, W2, b2), (g1, g2, g3, g4));
             end"
        ));
        for (name, want) in ["W1", "b1", "W2", "b2"].iter().zip(want) {
            assert_close(
                &elements(&mla, name),
                want,
                1e-12,
                &format!("{call}: {name}"),
            );
        }
    }
}

#[test]
fn the_parameters_can_travel_as_one_tuple() {
    let mla = run("opt = sgd(0.5);
         P = ([1 2], 3);
         (opt, P) = step(opt, P, ([2 2], 4));
         (a, b) = P;");
    assert_eq!(elements(&mla, "a"), [0.0, 1.0]);
    assert_eq!(mla.get::<f64>("b").unwrap(), 1.0);
}

#[test]
fn schedules_equal_torch_schedulers() {
    let rates = |call: &str, n: usize| -> Vec<f64> {
        let mla = run(&format!(
            "r = zeros(1, {n}); for t = 1:{n}; r[t] = {call}; end"
        ));
        elements(&mla, "r")
    };
    // CosineAnnealingLR(T_max = 10, eta_min = 0.01), epochs 0 to 10.
    let cosine = [
        0.1,
        0.09779754323328192,
        0.09140576474687263,
        0.08145033635316129,
        0.06890576474687264,
        0.05500000000000001,
        0.04109423525312737,
        0.028549663646838717,
        0.01859423525312737,
        0.012202456766718092,
        0.01,
    ];
    let got = rates("schedule(\"cosine\", 0.1, t, 10, \"min\", 0.01)", 11);
    assert_close(&got, &cosine, 1e-15, "cosine");
    // StepLR(3, gamma 0.5) and ExponentialLR(0.9).
    let got = rates("schedule(\"step\", 0.1, t, 3, \"gamma\", 0.5)", 8);
    assert_close(
        &got,
        &[0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025],
        1e-15,
        "step",
    );
    let got = rates("schedule(\"exponential\", 0.1, t, 0.9)", 5);
    assert_close(
        &got,
        &[0.1, 0.09, 0.081, 0.0729, 0.06561],
        1e-15,
        "exponential",
    );
    // SequentialLR: LinearLR(1/4, 3 epochs), then CosineAnnealingLR(6) from epoch 4.
    let got = rates("schedule(\"cosine\", 0.1, t, 10, \"warmup\", 4)", 10);
    let want = [
        0.025,
        0.05,
        0.07500000000000001,
        0.1,
        0.1,
        0.09330127018922195,
        0.07500000000000001,
        0.05,
        0.025000000000000012,
        0.006698729810778065,
    ];
    assert_close(&got, &want, 1e-15, "warm-up and cosine");
}

#[test]
fn clip_norm_equals_clip_grad_norm() {
    let mla = run("(a, b, n) = clip_norm(([3 4], 12), 1); same = clip_norm([0.1 0.2], 1);");
    assert_close(
        &elements(&mla, "a"),
        &[0.23076921301775288, 0.3076922840236705],
        1e-15,
        "a",
    );
    assert_close(
        &[mla.get::<f64>("b").unwrap()],
        &[0.9230768520710115],
        1e-15,
        "b",
    );
    assert_eq!(mla.get::<f64>("n").unwrap(), 13.0);
    assert_eq!(elements(&mla, "same"), [0.1, 0.2]);
}

#[test]
fn minimize_reaches_scipys_rosenbrock_optimum() {
    let mla = run("rosen(x) = (1 - x[1])^2 + 100 * (x[2] - x[1]^2)^2
         (x, info) = minimize(rosen, [-1.2; 1], \"gtol\", 1e-8, \"ftol\", 0);
         (iters, gnorm, why, fx, evals) = info;");
    assert_close(&elements(&mla, "x"), &ROSENBROCK_X, 1e-6, "x");
    let iters: usize = mla.get("iters").unwrap();
    let why: String = mla.get("why").unwrap();
    assert_eq!(why, "the gradient is below gtol");
    assert!(mla.get::<f64>("gnorm").unwrap() <= 1e-8);
    // Comparable: within a quarter of SciPy's count either way.
    assert!(
        iters * 4 <= ROSENBROCK_ITERATIONS * 5 && iters * 4 >= ROSENBROCK_ITERATIONS * 3,
        "{iters} iterations against SciPy's {ROSENBROCK_ITERATIONS}"
    );
}

const CANCER: &str = "(X, y) = dataset(\"breast_cancer\");
     Xs = (X - mean(X)) ./ std(X);
     lambda = 0.01;
     function L = logistic(w, b)
         z = Xs * w + b;
         L = mean(log1p(exp(z)) - y .* z) + lambda / 2 * sum(w.^2);
     end
     w0 = zeros(30, 1);";

#[test]
fn minimize_reaches_scipys_logistic_regression_optimum() {
    let mla = run(&format!(
        "{CANCER}
         (w, b, info) = minimize(logistic, w0, 0, \"gtol\", 1e-8, \"ftol\", 0);
         (iters, gnorm, why, fx) = info;"
    ));
    let mut x = elements(&mla, "w");
    x.push(mla.get::<f64>("b").unwrap());
    assert_close(&x, &CANCER_X, 1e-6, "(w; b)");
    assert_close(&[mla.get::<f64>("fx").unwrap()], &[CANCER_F], 1e-12, "f");
    let iters: usize = mla.get("iters").unwrap();
    assert!(
        iters * 4 <= CANCER_ITERATIONS * 5,
        "{iters} iterations against SciPy's {CANCER_ITERATIONS}"
    );
}

#[test]
fn gd_and_newton_reach_the_same_optimum() {
    for (method, most) in [("newton", 15.0), ("gd", 2000.0)] {
        let mla = run(&format!(
            "{CANCER}
             (w, b, info) = minimize(logistic, w0, 0, \"method\", \"{method}\", \"gtol\", 1e-8, \"ftol\", 0, \"maxiter\", 5000);
             iters = info[1];"
        ));
        let mut x = elements(&mla, "w");
        x.push(mla.get::<f64>("b").unwrap());
        assert_close(&x, &CANCER_X, 1e-6, method);
        let iters: f64 = mla.get("iters").unwrap();
        assert!(iters <= most, "{method}: {iters} iterations");
    }
}

#[test]
fn a_given_gradient_replaces_grad() {
    let mla = run("f(a, b) = sum((a - 3).^2) + (b + 1)^2
         function (ga, gb) = df(a, b)
             ga = 2 * (a - 3);
             gb = 2 * (b + 1);
         end
         calls = 0;
         (a, b, info) = minimize(f, [0 0], 5, \"grad\", df);
         (a2, b2) = minimize(f, [0 0], 5);");
    assert_close(&elements(&mla, "a"), &[3.0, 3.0], 1e-9, "a");
    assert_close(&[mla.get::<f64>("b").unwrap()], &[-1.0], 1e-9, "b");
    assert_eq!(elements(&mla, "a"), elements(&mla, "a2"));
}
