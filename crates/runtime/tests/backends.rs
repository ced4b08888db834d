//! The two linear algebra backends give the same answers through the
//! facade: `cargo test -p mla-runtime --features lapack --test backends`
//! (needs `libopenblas-dev`). Each decomposition is compared on a random
//! matrix, on one with condition number 1e12 and on a rank-deficient one,
//! with the tolerance stated at each check: results that are well
//! determined agree to a small multiple of rounding; results whose
//! sensitivity grows with the condition number are compared through what
//! determines them (the reconstruction), as LAPACK's own tests do.
#![cfg(feature = "lapack")]

use mla_runtime::error::RuntimeError;
use mla_runtime::linalg::{self, Faer, Lapack};
use ndarray::{Array2, Axis};

/// A deterministic pseudo-random matrix with entries in [-1, 1).
fn random(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    Array2::from_shape_fn((m, n), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    })
}

fn orthonormal(n: usize, seed: u64) -> Array2<f64> {
    linalg::qr_in::<Faer>(&random(n, n, seed)).unwrap().0
}

/// `U diag(s) V'` with singular values from 1 down to `1 / cond`, spaced
/// evenly in log scale.
fn conditioned(m: usize, n: usize, cond: f64, seed: u64) -> Array2<f64> {
    let k = m.min(n);
    let u = orthonormal(m, seed).slice(ndarray::s![.., ..k]).to_owned();
    let v = orthonormal(n, seed + 1)
        .slice(ndarray::s![.., ..k])
        .to_owned();
    let s = Array2::from_diag(&ndarray::Array1::from_shape_fn(k, |i| {
        cond.powf(-(i as f64) / (k - 1).max(1) as f64)
    }));
    u.dot(&s).dot(&v.t())
}

/// A product of an m×r and an r×n factor: rank r.
fn deficient(m: usize, n: usize, r: usize, seed: u64) -> Array2<f64> {
    random(m, r, seed).dot(&random(r, n, seed + 7))
}

fn norm(a: &Array2<f64>) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// ‖a − b‖ / max(‖b‖, 1), the relative difference the checks state.
fn rel(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    norm(&(a - b)) / norm(b).max(1.0)
}

fn rel_vec(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let d: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let n: f64 = b.iter().map(|y| y * y).sum();
    d.sqrt() / n.sqrt().max(1.0)
}

fn cases() -> Vec<(&'static str, Array2<f64>)> {
    vec![
        ("random 60×40", random(60, 40, 1)),
        ("random 40×60", random(40, 60, 2)),
        ("cond 1e12 50×50", conditioned(50, 50, 1e12, 3)),
        ("cond 1e12 70×30", conditioned(70, 30, 1e12, 4)),
        ("rank 5 of 40×30", deficient(40, 30, 5, 5)),
    ]
}

#[test]
fn products_agree() {
    for (name, a) in cases() {
        let b = random(a.ncols(), 17, 9);
        // A product is backward stable in both: rounding of the sums.
        let (f, l) = (
            linalg::matmul_in::<Faer>(&a, &b),
            linalg::matmul_in::<Lapack>(&a, &b),
        );
        assert!(rel(&f.unwrap(), &l.unwrap()) < 1e-13, "{name}");
        let t = linalg::matmul_in::<Lapack>(a.t(), &a).unwrap();
        assert!(rel(&t, &a.t().dot(&a)) < 1e-13, "{name}: A' * A");
    }
}

#[test]
fn singular_values_and_vectors_agree() {
    for (name, a) in cases() {
        let sf = linalg::singular_values_in::<Faer>(&a).unwrap();
        let sl = linalg::singular_values_in::<Lapack>(&a).unwrap();
        // Singular values are perfectly conditioned: eps · s_max.
        assert!(rel_vec(&sf, &sl) < 1e-13, "{name}: values");
        let (uf, s1, vf) = linalg::svd_thin_in::<Faer>(&a).unwrap();
        let (ul, s2, vl) = linalg::svd_thin_in::<Lapack>(&a).unwrap();
        assert!(rel_vec(&s1, &s2) < 1e-13, "{name}: values with vectors");
        for (u, s, vt) in [(&uf, &s1, &vf), (&ul, &s2, &vl)] {
            let back = u
                .dot(&Array2::from_diag(&ndarray::Array1::from(s.clone())))
                .dot(vt);
            assert!(rel(&back, &a) < 1e-13, "{name}: reconstruction");
        }
        // A singular vector moves by eps / (relative gap): compare those
        // whose neighbours are at least 10% away, after the facade's sign
        // rule, to 1e-10.
        let top = s1[0];
        for j in 0..s1.len() {
            let gap = [j.wrapping_sub(1), j + 1]
                .iter()
                .filter_map(|&i| s1.get(i))
                .map(|&x| (x - s1[j]).abs())
                .fold(f64::INFINITY, f64::min);
            if s1[j] > 1e-6 * top && gap > 0.1 * top {
                let du = norm(
                    &(&uf.column(j) - &ul.column(j))
                        .insert_axis(Axis(1))
                        .to_owned(),
                );
                let dv = norm(&(&vf.row(j) - &vl.row(j)).insert_axis(Axis(0)).to_owned());
                assert!(
                    du < 1e-10 && dv < 1e-10,
                    "{name}: vector {j}: {du:e} {dv:e}"
                );
            }
        }
        assert_eq!(
            linalg::rank_in::<Faer>(&a).unwrap(),
            linalg::rank_in::<Lapack>(&a).unwrap(),
            "{name}: rank"
        );
    }
}

#[test]
fn symmetric_eigen_agrees() {
    for (name, a) in cases() {
        let c = a.t().dot(&a);
        let c = (&c + &c.t()) / 2.0;
        let (vf, ef) = linalg::eig_sym_in::<Faer>(&c).unwrap();
        let (vl, el) = linalg::eig_sym_in::<Lapack>(&c).unwrap();
        // Eigenvalues of a symmetric matrix: eps · ‖C‖.
        assert!(rel_vec(&vf, &vl) < 1e-12, "{name}: values");
        assert!(
            rel_vec(&linalg::eigvals_sym_in::<Lapack>(&c).unwrap(), &vl) < 1e-12,
            "{name}: values alone"
        );
        // Vectors of well-separated eigenvalues (gap ≥ 10% of the largest):
        // eps / gap, so 1e-10 after the sign rule.
        let top = vf[0].abs();
        for j in 0..vf.len() {
            let gap = [j.wrapping_sub(1), j + 1]
                .iter()
                .filter_map(|&i| vf.get(i))
                .map(|&x| (x - vf[j]).abs())
                .fold(f64::INFINITY, f64::min);
            if gap > 0.1 * top {
                let d = norm(
                    &(&ef.column(j) - &el.column(j))
                        .insert_axis(Axis(1))
                        .to_owned(),
                );
                assert!(d < 1e-10, "{name}: vector {j}: {d:e}");
            }
        }
        let back = el
            .dot(&Array2::from_diag(&ndarray::Array1::from(vl.clone())))
            .dot(&el.t());
        assert!(rel(&back, &c) < 1e-12, "{name}: reconstruction");
    }
}

#[test]
fn general_eigen_agrees() {
    // A real spectrum with distinct eigenvalues: S diag(d) S⁻¹.
    let s = random(30, 30, 11) + Array2::<f64>::eye(30) * 3.0;
    let d = Array2::from_diag(&ndarray::Array1::from_shape_fn(30, |i| i as f64 - 10.5));
    let a = s.dot(&d).dot(&linalg::inv_in::<Faer>(&s).unwrap().0);
    let (vf, ef) = linalg::eig_general_in::<Faer>(&a, true).unwrap();
    let (vl, el) = linalg::eig_general_in::<Lapack>(&a, true).unwrap();
    // Nonsymmetric eigenvalues move by eps · cond(S): 1e-9 here.
    assert!(rel_vec(&vf, &vl) < 1e-9, "values {vf:?} {vl:?}");
    assert!(rel(&ef.unwrap(), &el.unwrap()) < 1e-8, "vectors");
    // A complex spectrum is the same error in both.
    let rot = ndarray::array![[0.0, -1.0], [1.0, 0.0]];
    assert_eq!(
        linalg::eig_general_in::<Faer>(&rot, false),
        linalg::eig_general_in::<Lapack>(&rot, false)
    );
}

#[test]
fn qr_and_cholesky_agree() {
    for (name, a) in cases() {
        let (qf, rf) = linalg::qr_in::<Faer>(&a).unwrap();
        let (ql, rl) = linalg::qr_in::<Lapack>(&a).unwrap();
        assert_eq!((qf.dim(), rf.dim()), (ql.dim(), rl.dim()), "{name}");
        // Backward stable: the product is A to rounding, Q orthonormal.
        assert!(rel(&ql.dot(&rl), &a) < 1e-13, "{name}: QR = A");
        let k = ql.ncols();
        assert!(
            rel(&ql.t().dot(&ql), &Array2::eye(k)) < 1e-13,
            "{name}: Q'Q"
        );
        if name.starts_with("random") {
            // A well-conditioned A determines Q and R (with R's diagonal
            // made non-negative): cond · eps.
            assert!(rel(&qf, &ql) < 1e-11 && rel(&rf, &rl) < 1e-11, "{name}");
        }
        let c = a.t().dot(&a) + Array2::<f64>::eye(a.ncols());
        let c = (&c + &c.t()) / 2.0;
        let (cf, cl) = (
            linalg::chol_in::<Faer>(&c).unwrap(),
            linalg::chol_in::<Lapack>(&c).unwrap(),
        );
        // C has condition ≤ 1 + ‖A‖²: its factor is determined to 1e-12.
        assert!(rel(&cf, &cl) < 1e-12, "{name}: chol");
    }
    let not_pd = ndarray::array![[1.0, 2.0], [2.0, 1.0]];
    assert_eq!(
        linalg::chol_in::<Faer>(&not_pd),
        linalg::chol_in::<Lapack>(&not_pd)
    );
}

#[test]
fn solves_inverses_and_determinants_agree() {
    for (name, a) in cases() {
        let b = random(a.nrows(), 3, 21);
        let (xf, wf) = linalg::solve_in::<Faer>(&a, &b).unwrap();
        let (xl, wl) = linalg::solve_in::<Lapack>(&a, &b).unwrap();
        assert_eq!(wf.is_some(), wl.is_some(), "{name}: warning");
        if name.starts_with("cond") && a.nrows() == a.ncols() {
            // The solution of an ill-conditioned system moves by cond · eps
            // (1e-4 here): both are backward stable instead, their residual
            // within n · eps · ‖A‖ · ‖x‖ (1e-12 bounds it with room).
            for x in [&xf, &xl] {
                let r = norm(&(a.dot(x) - &b));
                assert!(r <= 1e-12 * norm(&a) * norm(x), "{name}: residual {r:e}");
            }
        } else if name.starts_with("cond") {
            // An ill-conditioned least-squares solution moves by cond² · eps;
            // the residual it leaves is what is determined, to about
            // cond · eps relative (1e-6 of ‖b‖ with room; measured 3e-7).
            let rf = norm(&(a.dot(&xf) - &b));
            let rl = norm(&(a.dot(&xl) - &b));
            assert!(
                (rf - rl).abs() <= 1e-6 * norm(&b),
                "{name}: residuals {rf:e} {rl:e}"
            );
        } else {
            // Random systems and the minimum-norm solution of a rank-
            // deficient one: 1e-10.
            assert!(rel(&xf, &xl) < 1e-10, "{name}: solve");
        }
        let p = (
            linalg::pinv_in::<Faer>(&a).unwrap(),
            linalg::pinv_in::<Lapack>(&a).unwrap(),
        );
        if !name.starts_with("cond") {
            assert!(rel(&p.0, &p.1) < 1e-10, "{name}: pinv");
        }
        if a.nrows() == a.ncols() {
            let (inf, _) = linalg::inv_in::<Faer>(&a).unwrap();
            let (inl, _) = linalg::inv_in::<Lapack>(&a).unwrap();
            // Both inverses are as accurate as cond · eps allows (1e-3
            // relative at cond 1e12).
            assert!(rel(&inf, &inl) < 1e-3, "{name}: inv");
            let (df, dl) = (
                linalg::det_in::<Faer>(&a).unwrap(),
                linalg::det_in::<Lapack>(&a).unwrap(),
            );
            // The determinant's relative error is that of the smallest
            // pivots: cond · eps (1e-3 with room) when ill-conditioned.
            let tol = if name.starts_with("cond") {
                1e-3
            } else {
                1e-10
            };
            assert!(
                (df - dl).abs() <= tol * df.abs(),
                "{name}: det {df:e} {dl:e}"
            );
        }
    }
    let sq = random(40, 40, 31);
    let b = random(40, 2, 32);
    let (xf, _) = linalg::solve_in::<Faer>(&sq, &b).unwrap();
    let (xl, _) = linalg::solve_in::<Lapack>(&sq, &b).unwrap();
    assert!(rel(&xf, &xl) < 1e-11, "square solve");
    let (if_, _) = linalg::inv_in::<Faer>(&sq).unwrap();
    let (il, _) = linalg::inv_in::<Lapack>(&sq).unwrap();
    assert!(rel(&if_, &il) < 1e-11, "inverse");
    let (df, dl) = (
        linalg::det_in::<Faer>(&sq).unwrap(),
        linalg::det_in::<Lapack>(&sq).unwrap(),
    );
    assert!((df - dl).abs() <= 1e-11 * df.abs(), "det {df:e} {dl:e}");
}

#[test]
fn errors_are_the_same() {
    let singular = ndarray::array![[1.0, 2.0], [2.0, 4.0]];
    for f in [linalg::inv_in::<Faer>, linalg::inv_in::<Lapack>] {
        assert!(matches!(
            f(&singular),
            Err(RuntimeError::Singular { what: "inv" })
        ));
    }
    let b = ndarray::array![[1.0], [1.0]];
    assert_eq!(
        linalg::solve_in::<Faer>(&singular, &b),
        linalg::solve_in::<Lapack>(&singular, &b)
    );
    assert_eq!(linalg::det_in::<Lapack>(&singular).unwrap(), 0.0);
    let nan = ndarray::array![[1.0, f64::NAN], [0.0, 1.0]];
    assert_eq!(
        linalg::svd_thin_in::<Faer>(&nan),
        linalg::svd_thin_in::<Lapack>(&nan)
    );
    assert_eq!(
        linalg::eig_sym_in::<Faer>(&nan),
        linalg::eig_sym_in::<Lapack>(&nan)
    );
    let wide = random(2, 3, 1);
    assert_eq!(
        linalg::det_in::<Faer>(&wide),
        linalg::det_in::<Lapack>(&wide)
    );
    assert_eq!(
        linalg::chol_in::<Faer>(&wide),
        linalg::chol_in::<Lapack>(&wide)
    );
    let empty = Array2::<f64>::zeros((0, 0));
    assert_eq!(
        linalg::eig_sym_in::<Faer>(&empty),
        linalg::eig_sym_in::<Lapack>(&empty)
    );
    assert_eq!(
        linalg::qr_in::<Faer>(&empty),
        linalg::qr_in::<Lapack>(&empty)
    );
    // The named backend is the one `mla --version` reports.
    assert!(linalg::backend_description().starts_with("LAPACK"));
}
