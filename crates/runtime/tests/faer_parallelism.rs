//! Decompositions choose their threads per call and leave faer's
//! process-wide parallelism alone. The test switches that setting off
//! (`faer::disable_global_parallelism`: any faer function that reads it
//! then panics) and runs a large decomposition, which gets every core,
//! beside a stream of small ones on one thread each. Each result must be
//! right, nothing may panic, and the setting must still be off at the end
//! (no call set it). This file is its own test process, so switching the
//! setting off reaches no other test.

use mla_runtime::linalg::{self, Faer};
use ndarray::Array2;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn random(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array2::from_shape_fn((m, n), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    })
}

fn norm(a: &Array2<f64>) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// ‖got − want‖ / max(‖want‖, 1) must be under `tol`.
fn close(what: &str, n: usize, got: &Array2<f64>, want: &Array2<f64>, tol: f64) {
    assert_eq!(got.dim(), want.dim(), "{what} of size {n}");
    let rel = norm(&(got - want)) / norm(want).max(1.0);
    assert!(rel < tol, "{what} of size {n}: relative error {rel:e}");
}

fn diag(v: &[f64]) -> Array2<f64> {
    Array2::from_diag(&ndarray::Array1::from(v.to_vec()))
}

/// Every decomposition of the facade on `n`-sized inputs, each checked
/// through what defines it.
fn decompose_and_check(n: usize, seed: u64) {
    let a = random(n, n, seed);
    let sym = &a + &a.t();
    let (vals, vecs) = linalg::eig_sym_in::<Faer>(&sym).unwrap();
    close("eig", n, &sym.dot(&vecs), &vecs.dot(&diag(&vals)), 1e-10);
    let prod: f64 = vals.iter().product();
    let det = linalg::det_in::<Faer>(&sym).unwrap();
    assert!(
        (det - prod).abs() <= 1e-9 * prod.abs().max(1e-300),
        "det of size {n}: {det} vs {prod}"
    );

    let upper = Array2::from_shape_fn((n, n), |(i, j)| if i <= j { a[[i, j]] } else { 0.0 });
    let nonsym = &upper + &Array2::<f64>::eye(n) * 2.0;
    let (vals, vecs) = linalg::eig_general_in::<Faer>(&nonsym, true).unwrap();
    let vecs = vecs.unwrap();
    close(
        "eig (general)",
        n,
        &nonsym.dot(&vecs),
        &vecs.dot(&diag(&vals)),
        1e-8,
    );

    let tall = random(2 * n, n, seed + 1);
    let (u, s, vt) = linalg::svd_thin_in::<Faer>(&tall).unwrap();
    close("svd", n, &u.dot(&diag(&s)).dot(&vt), &tall, 1e-12);
    let (q, r) = linalg::qr_in::<Faer>(&tall).unwrap();
    close("qr", n, &q.dot(&r), &tall, 1e-12);

    let spd = a.t().dot(&a) + Array2::<f64>::eye(n);
    let r = linalg::chol_in::<Faer>(&spd).unwrap();
    close("chol", n, &r.t().dot(&r), &spd, 1e-12);

    let shifted = &a + &Array2::<f64>::eye(n) * (n as f64);
    let (inv, _) = linalg::inv_in::<Faer>(&shifted).unwrap();
    close("inv", n, &shifted.dot(&inv), &Array2::eye(n), 1e-10);
    let b = random(n, 2, seed + 2);
    let (x, _) = linalg::solve_in::<Faer>(&shifted, &b).unwrap();
    close("solve", n, &shifted.dot(&x), &b, 1e-10);

    let rhs = random(2 * n, 1, seed + 3);
    let (x, _) = linalg::solve_in::<Faer>(&tall, &rhs).unwrap();
    let normal = tall.t().dot(&(tall.dot(&x) - &rhs));
    close(
        "least squares (normal equations)",
        n,
        &normal,
        &Array2::zeros((n, 1)),
        1e-10,
    );
}

#[test]
fn concurrent_decompositions_of_different_sizes_never_touch_the_global_parallelism() {
    let big = 800;
    assert!(
        big * big * big >= linalg::PARALLEL_DECOMPOSITION_WORK,
        "the large case must be one that runs on every core"
    );
    faer::disable_global_parallelism();

    let done = Arc::new(AtomicBool::new(false));
    let large = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let a = random(big, big, 1);
            let sym = &a + &a.t();
            let (vals, vecs) = linalg::eig_sym_in::<Faer>(&sym).unwrap();
            close("eig", big, &sym.dot(&vecs), &vecs.dot(&diag(&vals)), 1e-10);
            let shifted = &a + &Array2::<f64>::eye(big) * (big as f64);
            let b = random(big, 3, 2);
            let (x, _) = linalg::solve_in::<Faer>(&shifted, &b).unwrap();
            close("solve", big, &shifted.dot(&x), &b, 1e-10);
            done.store(true, Ordering::Relaxed);
        })
    };
    let small = std::thread::spawn(move || {
        let mut rounds = 0u64;
        while !done.load(Ordering::Relaxed) || rounds < 3 {
            decompose_and_check(5 + (rounds % 40) as usize, rounds);
            rounds += 1;
        }
        rounds
    });
    large.join().expect("the large decompositions");
    let rounds = small.join().expect("the small decompositions");
    assert!(rounds >= 3);

    let still_off = std::panic::catch_unwind(faer::get_global_parallelism).is_err();
    assert!(still_off, "a decomposition set faer's global parallelism");
}
