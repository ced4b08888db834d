//! Linear algebra against values computed with NumPy 2 (`numpy.linalg`), with
//! eigen- and singular vectors sign-normalised the way MLA does (largest
//! component positive). The NumPy session that produced them is in the
//! comments; the numbers are pasted, not computed here.

use mla_runtime::linalg;
use ndarray::{array, Array2};

fn a() -> Array2<f64> {
    array![
        [2., -1., 0., 3.],
        [1., 4., 2., -2.],
        [0., 1., 5., 1.],
        [3., -2., 1., 6.],
        [1., 1., 1., 1.]
    ]
}

/// S = A' A, symmetric positive definite.
fn s() -> Array2<f64> {
    array![
        [15., -3., 6., 23.],
        [-3., 23., 12., -21.],
        [6., 12., 31., 8.],
        [23., -21., 8., 51.]
    ]
}

fn assert_close(got: &Array2<f64>, want: &Array2<f64>, tol: f64) {
    assert_eq!(got.dim(), want.dim());
    for (g, w) in got.iter().zip(want.iter()) {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "got\n{got}\nwant\n{want}"
        );
    }
}

#[test]
fn eig_matches_numpy_eigh() {
    // w, V = np.linalg.eigh(S); reversed to descending; columns flipped
    let (vals, vecs) = linalg::eig_sym(&s()).unwrap();
    let want_vals = [
        71.3372269817214,
        39.989717461445444,
        8.591618703777002,
        0.08143685305616505,
    ];
    for (v, w) in vals.iter().zip(want_vals) {
        assert!((v - w).abs() < 1e-10 * w.max(1.0), "{v} vs {w}");
    }
    let want_vecs = array![
        [
            0.37656881267523007,
            0.1685540204986204,
            0.6576237248506845,
            0.6303304752331349
        ],
        [
            -0.36166076954393267,
            0.5204584482001547,
            0.572388264876222,
            -0.5202846967785669
        ],
        [
            0.11599926732738981,
            0.8364421384283036,
            -0.4894258953929381,
            0.21764882715010406
        ],
        [
            0.844950641796766,
            0.03281912449051516,
            0.019105069073942126,
            -0.5334944370193463
        ]
    ];
    assert_close(&vecs, &want_vecs, 1e-9);
}

#[test]
fn svd_matches_numpy() {
    // U, s, Vt = np.linalg.svd(A, full_matrices=False); signs decided on U
    let (u, s, vt) = linalg::svd_thin(&a()).unwrap();
    let want_s = [
        8.446136808134323,
        6.323742362038908,
        2.9311463122432144,
        0.28537142999283965,
    ];
    for (x, w) in s.iter().zip(want_s) {
        assert!((x - w).abs() < 1e-12 * w.max(1.0), "{x} vs {w}");
    }
    let want_u = array![
        [
            0.43210883309038717,
            -0.013424492787843079,
            0.2729902593755538,
            -0.632377025938879
        ],
        [
            -0.2993057147741919,
            0.6100238783180016,
            0.6584846506501033,
            -0.18039022497472323
        ],
        [
            0.125890242254394,
            0.7488426937281744,
            -0.6330752358773937,
            -0.12077243315307962
        ],
        [
            0.8333669291791089,
            0.07876697404009132,
            0.15464910842455154,
            0.18136705454619023
        ],
        [
            0.11553897058778655,
            0.2464163848565096,
            0.25917886126486683,
            0.7211648041285647
        ]
    ];
    let want_vt = array![
        [
            0.3765688126752298,
            -0.3616607695439329,
            0.1159992673273901,
            0.844950641796766
        ],
        [
            0.16855402049862003,
            0.5204584482001549,
            0.8364421384283034,
            0.03281912449051496
        ],
        [
            0.6576237248506848,
            0.5723882648762217,
            -0.4894258953929381,
            0.019105069073941962
        ],
        [
            -0.6303304752331345,
            0.5202846967785671,
            -0.21764882715010464,
            0.5334944370193463
        ]
    ];
    assert_close(&u, &want_u, 1e-9);
    assert_close(&vt, &want_vt, 1e-9);
}

#[test]
fn lstsq_det_inv_chol_pinv_match_numpy() {
    // np.linalg.lstsq(A, [1, 2, 3, 4, 5], rcond=None)[0]
    let (x, _) = linalg::solve(&a(), &array![[1.], [2.], [3.], [4.], [5.]]).unwrap();
    let want = array![
        [-5.895791583166339],
        [5.973947895791584],
        [-1.8196392785571145],
        [6.012024048096194]
    ];
    assert_close(&x, &want, 1e-10);
    // np.linalg.det(S)
    assert!((linalg::det(&s()).unwrap() - 1996.00000000002).abs() < 1e-8);
    // np.linalg.inv(S)
    let want_inv = array![
        [
            4.931863727454868,
            -3.9829659318636907,
            1.6513026052104056,
            -4.1232464929859365
        ],
        [
            -3.982965931863692,
            3.3707414829659026,
            -1.4128256513025925,
            3.405811623246463
        ],
        [
            1.6513026052104056,
            -1.4128256513025927,
            0.6272545090180307,
            -1.424849699398785
        ],
        [
            -4.123246492985936,
            3.405811623246463,
            -1.4248496993987847,
            3.5050100200400496
        ]
    ];
    assert_close(&linalg::inv(&s()).unwrap().0, &want_inv, 1e-10);
    // np.linalg.cholesky(S).T
    let want_r = array![
        [
            3.872983346207417,
            -0.7745966692414833,
            1.5491933384829666,
            5.938574464184705
        ],
        [
            0.0,
            4.732863826479693,
            2.7890090406041046,
            -3.4651324443869185
        ],
        [0.0, 0.0, 4.563050358195554, 1.854962152474008],
        [0.0, 0.0, 0.0, 0.5341403271421042]
    ];
    assert_close(&linalg::chol(&s()).unwrap(), &want_r, 1e-12);
    // np.linalg.pinv(A)
    let want_pinv = array![
        [
            1.476953907815632,
            0.5490981963927859,
            0.15030060120240482,
            -0.3266533066132266,
            -1.5230460921843698
        ],
        [
            -1.1192384769539079,
            -0.13727454909819642,
            -0.28757515030060127,
            0.33166332665330667,
            1.3807615230460923
        ],
        [
            0.44088176352705455,
            0.10420841683366737,
            0.29859719438877763,
            -0.14228456913827672,
            -0.5591182364729465
        ],
        [
            -1.1372745490981968,
            -0.3597194388777557,
            -0.21342685370741488,
            0.4238476953907816,
            1.3627254509018043
        ]
    ];
    assert_close(&linalg::pinv(&a()).unwrap(), &want_pinv, 1e-10);
}

#[test]
fn qr_reconstructs_with_orthonormal_q() {
    let (q, r) = linalg::qr(&a()).unwrap();
    assert_close(&q.dot(&r), &a(), 1e-12);
    assert_close(&q.t().dot(&q), &Array2::eye(4), 1e-12);
    for i in 0..4 {
        assert!(r[[i, i]] >= 0.0);
        for j in 0..i {
            assert_eq!(r[[i, j]], 0.0);
        }
    }
}

#[test]
fn large_random_decompositions_hold_their_identities() {
    let mut rng = mla_runtime::Rng::new(3);
    let x = Array2::from_shape_fn((300, 120), |_| rng.normal());
    let (u, s, vt) = linalg::svd_thin(&x).unwrap();
    let d = Array2::from_diag(&ndarray::Array1::from(s));
    assert_close(
        &linalg::matmul(&linalg::matmul(&u, &d).unwrap(), &vt).unwrap(),
        &x,
        1e-10,
    );
    let c = linalg::matmul(&x.t().to_owned(), &x).unwrap();
    let (vals, vecs) = linalg::eig_sym(&c).unwrap();
    let lam = Array2::from_diag(&ndarray::Array1::from(vals));
    let lhs = linalg::matmul(&c, &vecs).unwrap();
    let rhs = linalg::matmul(&vecs, &lam).unwrap();
    let scale = 1e-10 * lhs.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (l, r) in lhs.iter().zip(rhs.iter()) {
        assert!((l - r).abs() <= scale);
    }
}
