//! The one boundary behind which the linear algebra backend (faer) lives.
//! Everything here takes and returns ndarray matrices; no faer type leaks out,
//! so a second backend can sit beside this module.

use crate::error::{Result, RuntimeError};
use faer::linalg::solvers::{DenseSolveCore, Solve, SolveLstsq};
use faer::{Mat, MatRef, Par, Side};
use ndarray::{Array2, ArrayView2};

mod product;
mod truncated;
pub(crate) use product::matmul_whole;
pub use product::{matmul, INTERRUPT_BLOCK_FLOPS, PARALLEL_MATMUL_FLOPS};
pub use truncated::svd_top;

/// Decompositions with less work than this (m·n·min(m, n)) run on one
/// thread. Measured on 2 cores: symmetric eig of 500×500 takes 13 ms alone
/// and 19 ms on rayon, thin SVD of 800×200 5.6 ms against 10.2 ms, while
/// the SVD of 4000×1000 gains from both cores (489 ms against 633 ms).
pub const PARALLEL_DECOMPOSITION_WORK: usize = 500_000_000;

/// Runs a faer decomposition of `a` with the parallelism its size
/// deserves. A large one runs detached (see [`crate::interrupt`]) on a copy
/// of `a`, so that Ctrl-C gets the prompt back without waiting for it; the
/// copy costs O(mn) against the decomposition's O(mn·min(m, n)).
///
/// faer reads the parallelism globally; another thread changing it
/// meanwhile would only change how fast a decomposition runs, never its
/// result.
fn sized<R: Send + 'static>(
    what: &'static str,
    a: &Array2<f64>,
    f: impl FnOnce(MatRef<'_, f64>) -> R + Send + 'static,
) -> Result<R> {
    if work(a) < PARALLEL_DECOMPOSITION_WORK {
        let previous = faer::get_global_parallelism();
        faer::set_global_parallelism(Par::Seq);
        let out = with_view(a.view(), f);
        faer::set_global_parallelism(previous);
        clear_upper_simd_state();
        return Ok(out);
    }
    let owned = to_faer(a);
    heavy(what, move || f(owned.as_ref()))
}

/// Runs a long faer computation on all cores, detached so that Ctrl-C
/// does not wait for it (see [`crate::interrupt::detached`]).
fn heavy<R: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R> {
    crate::interrupt::detached(what, move || {
        let previous = faer::get_global_parallelism();
        faer::set_global_parallelism(Par::rayon(0));
        let out = f();
        faer::set_global_parallelism(previous);
        out
    })
}

/// Runs `f` (a step after a decomposition: an inverse, a solve) here when
/// `work` is small, else as [`heavy`] work.
fn step<R: Send + 'static>(
    what: &'static str,
    work: usize,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R> {
    if work < PARALLEL_DECOMPOSITION_WORK {
        let out = f();
        clear_upper_simd_state();
        Ok(out)
    } else {
        heavy(what, f)
    }
}

fn work(a: &Array2<f64>) -> usize {
    let (m, n) = a.dim();
    m.saturating_mul(n).saturating_mul(m.min(n))
}

fn to_faer(a: &Array2<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

fn from_faer(m: MatRef<'_, f64>) -> Array2<f64> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}

/// Clears the upper halves of the vector registers after faer's kernels.
/// faer's AVX-512 kernels can leave them dirty, and then every SSE
/// instruction of libm's scalar `tanh`, `exp` and `log` pays a merge with
/// the dirty state: measured, `tanh` of 1797×32 elements took 14.3 ms after
/// one small product against 1.65 ms before (a training step of a small
/// network was 16× NumPy). `vzeroupper` is what compilers emit at the end
/// of AVX code for exactly this.
pub(crate) fn clear_upper_simd_state() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        #[allow(unsafe_code)]
        // SAFETY: the CPU supports AVX (checked above), which is all
        // `vzeroupper` needs; it changes no memory and no live value (the
        // upper halves are dead between calls).
        unsafe {
            zero_upper();
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[allow(unsafe_code)]
unsafe fn zero_upper() {
    std::arch::x86_64::_mm256_zeroupper();
}

/// Runs `f` on a faer view of `a`, without copying when `a` is contiguous
/// in either order (so a transposed view `x.t()` is not copied).
fn with_view<R>(a: ArrayView2<'_, f64>, f: impl FnOnce(MatRef<'_, f64>) -> R) -> R {
    let (m, n) = a.dim();
    if let Some(s) = a.as_slice() {
        f(MatRef::from_row_major_slice(s, m, n))
    } else if let Some(s) = a.t().as_slice() {
        f(MatRef::from_column_major_slice(s, m, n))
    } else {
        let owned = a.as_standard_layout();
        let s = owned.as_slice().expect("standard layout is contiguous");
        f(MatRef::from_row_major_slice(s, m, n))
    }
}

fn require_square(what: &'static str, a: &Array2<f64>) -> Result<()> {
    if a.nrows() != a.ncols() {
        return Err(RuntimeError::NotSquare {
            what,
            shape: a.dim(),
        });
    }
    Ok(())
}

fn require_finite(what: &str, a: &Array2<f64>) -> Result<()> {
    if a.iter().all(|x| x.is_finite()) {
        Ok(())
    } else {
        Err(RuntimeError::Domain(format!(
            "{what} needs finite values; the matrix holds NaN or Inf"
        )))
    }
}

/// True when `a` is symmetric to a tolerance relative to its largest entry.
pub fn is_symmetric(a: &Array2<f64>) -> bool {
    let scale = a.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1.0);
    let tol = 1e-8 * scale;
    let n = a.nrows();
    (0..n).all(|i| (0..i).all(|j| (a[[i, j]] - a[[j, i]]).abs() <= tol))
}

/// Flips the sign of column `j` of `a` when its largest-magnitude entry is
/// negative; returns whether it flipped.
fn flip_column_positive(a: &mut Array2<f64>, j: usize) -> bool {
    let mut best = 0.0f64;
    for i in 0..a.nrows() {
        let x = a[[i, j]];
        if x.abs() > best.abs() {
            best = x;
        }
    }
    if best < 0.0 {
        a.column_mut(j).mapv_inplace(|x| -x);
        true
    } else {
        false
    }
}

/// Eigenvalues of a symmetric matrix, descending.
pub fn eigvals_sym(a: &Array2<f64>) -> Result<Vec<f64>> {
    check_sym(a)?;
    let mut vals = sized("eigendecomposition", a, |m| {
        m.self_adjoint_eigenvalues(Side::Lower)
    })?
    .map_err(|_| RuntimeError::Domain("eig: the eigenvalue iteration did not converge".into()))?;
    vals.reverse();
    Ok(vals)
}

fn check_sym(a: &Array2<f64>) -> Result<()> {
    require_square("eig", a)?;
    require_finite("eig", a)?;
    if !is_symmetric(a) {
        return Err(RuntimeError::Domain(
            "eig needs a symmetric matrix (this one is not); for a covariance use X' * X / n or cov(X)".into(),
        ));
    }
    Ok(())
}

/// Eigen-decomposition of a symmetric matrix: eigenvalues descending and the
/// eigenvectors as columns, each flipped so its largest component is positive.
pub fn eig_sym(a: &Array2<f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    check_sym(a)?;
    let n = a.nrows();
    if n == 0 {
        // faer's decomposition of a 0×0 matrix underflows an index.
        return Ok((Vec::new(), Array2::zeros((0, 0))));
    }
    let evd = sized("eigendecomposition", a, |m| {
        m.self_adjoint_eigen(Side::Lower)
    })?
    .map_err(|_| RuntimeError::Domain("eig: the eigenvalue iteration did not converge".into()))?;
    let s = evd.S().column_vector();
    let u = evd.U();
    let vals: Vec<f64> = (0..n).rev().map(|i| s[i]).collect();
    let mut vecs = Array2::from_shape_fn((n, n), |(i, j)| u[(i, n - 1 - j)]);
    for j in 0..n {
        flip_column_positive(&mut vecs, j);
    }
    Ok((vals, vecs))
}

/// Eigenvalues (and with `vectors`, unit eigenvectors as columns) of a
/// general square matrix whose spectrum is real: eigenvalues descending,
/// each vector flipped so its largest component is positive. A complex
/// spectrum is an error naming how many eigenvalues are complex.
pub fn eig_general(a: &Array2<f64>, vectors: bool) -> Result<(Vec<f64>, Option<Array2<f64>>)> {
    require_square("eig", a)?;
    require_finite("eig", a)?;
    let n = a.nrows();
    if n == 0 {
        return Ok((Vec::new(), vectors.then(|| Array2::zeros((0, 0)))));
    }
    let failed = |_| RuntimeError::Domain("eig: the eigenvalue iteration did not converge".into());
    let (vals, u) = if vectors {
        let evd = sized("eigendecomposition", a, |m| m.eigen())?.map_err(failed)?;
        let s = evd.S().column_vector();
        let vals: Vec<(f64, f64)> = (0..n).map(|i| (s[i].re, s[i].im)).collect();
        let u = evd.U();
        let re = Array2::from_shape_fn((n, n), |(i, j)| u[(i, j)].re);
        (vals, Some(re))
    } else {
        let vals = sized("eigendecomposition", a, |m| m.eigenvalues())?.map_err(failed)?;
        (vals.iter().map(|z| (z.re, z.im)).collect(), None)
    };
    let complex = vals.iter().filter(|(_, im)| *im != 0.0).count();
    if complex > 0 {
        return Err(RuntimeError::Domain(format!(
            "eig: {complex} of the {n} eigenvalues are complex (the matrix is not symmetric), and MLA has no complex numbers"
        )));
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| vals[j].0.total_cmp(&vals[i].0));
    let sorted: Vec<f64> = order.iter().map(|&i| vals[i].0).collect();
    let vecs = u.map(|u| {
        let mut v = Array2::from_shape_fn((n, n), |(i, j)| u[[i, order[j]]]);
        for j in 0..n {
            let norm = v.column(j).iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                v.column_mut(j).mapv_inplace(|x| x / norm);
            }
            flip_column_positive(&mut v, j);
        }
        v
    });
    Ok((sorted, vecs))
}

/// Thin SVD `a = u * diag(s) * vt`, `s` descending, signs made deterministic.
pub fn svd_thin(a: &Array2<f64>) -> Result<(Array2<f64>, Vec<f64>, Array2<f64>)> {
    require_finite("svd", a)?;
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok((Array2::zeros((m, 0)), Vec::new(), Array2::zeros((0, n))));
    }
    let svd = sized("SVD", a, |v| v.thin_svd())?
        .map_err(|_| RuntimeError::Domain("svd: the iteration did not converge".into()))?;
    let s_diag = svd.S().column_vector();
    let s: Vec<f64> = (0..k).map(|i| s_diag[i]).collect();
    let mut u = from_faer(svd.U());
    let v = svd.V();
    let mut vt = Array2::from_shape_fn((k, n), |(i, j)| v[(j, i)]);
    for j in 0..k {
        if flip_column_positive(&mut u, j) {
            vt.row_mut(j).mapv_inplace(|x| -x);
        }
    }
    Ok((u, s, vt))
}

/// Singular values, descending.
pub fn singular_values(a: &Array2<f64>) -> Result<Vec<f64>> {
    require_finite("svd", a)?;
    if a.is_empty() {
        return Ok(Vec::new());
    }
    sized("SVD", a, |v| v.singular_values())?
        .map_err(|_| RuntimeError::Domain("svd: the iteration did not converge".into()))
}

/// Thin QR: `q` is m×k with orthonormal columns, `r` is k×n upper triangular
/// with a non-negative diagonal (k = min(m, n)).
pub fn qr(a: &Array2<f64>) -> Result<(Array2<f64>, Array2<f64>)> {
    require_finite("qr", a)?;
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok((Array2::zeros((m, 0)), Array2::zeros((0, n))));
    }
    let f = sized("QR decomposition", a, |v| v.qr())?;
    let mut q = from_faer(f.compute_thin_Q().as_ref());
    let mut r = from_faer(f.thin_R());
    for i in 0..k {
        if r[[i, i]] < 0.0 {
            r.row_mut(i).mapv_inplace(|x| -x);
            q.column_mut(i).mapv_inplace(|x| -x);
        }
    }
    Ok((q, r))
}

/// Upper Cholesky factor `r` with `r' * r = a`.
pub fn chol(a: &Array2<f64>) -> Result<Array2<f64>> {
    require_square("chol", a)?;
    require_finite("chol", a)?;
    if !is_symmetric(a) {
        return Err(RuntimeError::Domain("chol needs a symmetric matrix".into()));
    }
    let llt = sized("Cholesky decomposition", a, |v| v.llt(Side::Lower))?
        .map_err(|_| RuntimeError::Domain("chol needs a positive definite matrix".into()))?;
    let l = llt.L();
    let n = a.nrows();
    Ok(Array2::from_shape_fn((n, n), |(i, j)| {
        if i <= j {
            l[(j, i)]
        } else {
            0.0
        }
    }))
}

/// For a result computed from a nearly singular matrix, the warning to show
/// with it (the reciprocal condition estimated from the LU pivots).
pub type NearSingular = Option<String>;

fn near_singular(rcond: f64) -> NearSingular {
    Some(format!(
        "the matrix is close to singular or badly scaled (reciprocal condition ≈ {rcond:.1e}, from the LU pivots): the result may be inaccurate"
    ))
}

/// LU with partial pivoting. An exactly zero pivot is an error; pivots
/// that differ by more than `n · eps` give the result with a warning, as
/// MATLAB does (NumPy gives it silently).
fn lu_checked(
    what: &'static str,
    a: &Array2<f64>,
) -> Result<(faer::linalg::solvers::PartialPivLu<f64>, NearSingular)> {
    require_square(what, a)?;
    require_finite(what, a)?;
    let lu = sized("LU decomposition", a, |v| v.partial_piv_lu())?;
    let u = lu.U();
    let n = a.nrows();
    let diag: Vec<f64> = (0..n).map(|i| u[(i, i)].abs()).collect();
    let max = diag.iter().fold(0.0f64, |m, x| m.max(*x));
    let min = diag.iter().fold(f64::INFINITY, |m, x| m.min(*x));
    if n > 0 && (max == 0.0 || min == 0.0) {
        return Err(RuntimeError::Singular { what });
    }
    let warning = if n > 0 && min <= max * f64::EPSILON * n as f64 {
        near_singular(min / max)
    } else {
        None
    };
    Ok((lu, warning))
}

/// The inverse of a square, non-singular matrix (with a warning when it is
/// nearly singular).
pub fn inv(a: &Array2<f64>) -> Result<(Array2<f64>, NearSingular)> {
    if a.is_empty() {
        require_square("inv", a)?;
        return Ok((a.clone(), None));
    }
    let (lu, warning) = lu_checked("inv", a)?;
    let inverse = step("inverse", work(a), move || lu.inverse())?;
    Ok((from_faer(inverse.as_ref()), warning))
}

/// The determinant of a square matrix.
pub fn det(a: &Array2<f64>) -> Result<f64> {
    require_square("det", a)?;
    if a.is_empty() {
        return Ok(1.0);
    }
    sized("determinant", a, |v| v.determinant())
}

/// Solves `a x = b`: LU for square `a`, least squares otherwise (minimum norm
/// when `a` is wide or rank deficient); a warning with the result when a
/// square `a` is nearly singular.
pub fn solve(a: &Array2<f64>, b: &Array2<f64>) -> Result<(Array2<f64>, NearSingular)> {
    if a.nrows() != b.nrows() {
        return Err(RuntimeError::Shape(format!(
            "cannot solve A x = B with A {}×{} and B {}×{}: they need the same number of rows",
            a.nrows(),
            a.ncols(),
            b.nrows(),
            b.ncols()
        )));
    }
    require_finite("solve", b)?;
    let (m, n) = a.dim();
    if m == n {
        if m == 0 {
            return Ok((Array2::zeros((0, b.ncols())), None));
        }
        let (lu, warning) = lu_checked("solve", a)?;
        let rhs = to_faer(b);
        let x = step(
            "solve",
            n.saturating_mul(n).saturating_mul(b.ncols()),
            move || lu.solve(rhs),
        )?;
        return Ok((from_faer(x.as_ref()), warning));
    }
    require_finite("solve", a)?;
    if m == 0 || n == 0 {
        // No unknowns, or no equations: the least-squares solution is n×k
        // zeros (NumPy's lstsq), and faer indexes R[0, 0] of nothing.
        return Ok((Array2::zeros((n, b.ncols())), None));
    }
    if m > n {
        // Column-pivoted QR reveals the rank on R's diagonal (descending in
        // magnitude), so a full-rank tall system is solved without an SVD.
        let f = sized("QR decomposition", a, |v| v.col_piv_qr())?;
        let r = f.thin_R();
        let top = r[(0, 0)].abs();
        let tol = m as f64 * f64::EPSILON * top;
        if top > 0.0 && (0..n).all(|i| r[(i, i)].abs() > tol) {
            let x = f.solve_lstsq(to_faer(b));
            return Ok((from_faer(x.as_ref()), None));
        }
    }
    Ok((matmul(&pinv(a)?, b)?, None))
}

/// The Moore–Penrose pseudo-inverse, via SVD with MATLAB's tolerance
/// `max(m, n) * eps * s_max`.
pub fn pinv(a: &Array2<f64>) -> Result<Array2<f64>> {
    let (m, n) = a.dim();
    let (u, s, vt) = svd_thin(a)?;
    let tol = m.max(n) as f64 * f64::EPSILON * s.first().copied().unwrap_or(0.0);
    let mut out = Array2::zeros((n, m));
    for (k, &sk) in s.iter().enumerate() {
        crate::interrupt::check()?;
        if sk <= tol {
            break;
        }
        for i in 0..n {
            let vik = vt[[k, i]] / sk;
            for j in 0..m {
                out[[i, j]] += vik * u[[j, k]];
            }
        }
    }
    Ok(out)
}

/// The numerical rank: singular values above `max(m, n) * eps * s_max`.
pub fn rank(a: &Array2<f64>) -> Result<usize> {
    let s = singular_values(a)?;
    let tol = a.nrows().max(a.ncols()) as f64 * f64::EPSILON * s.first().copied().unwrap_or(0.0);
    Ok(s.iter().filter(|x| **x > tol).count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn close(a: &Array2<f64>, b: &Array2<f64>, tol: f64) -> bool {
        a.dim() == b.dim() && a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() <= tol)
    }

    #[test]
    fn eig_reconstructs_and_is_descending() {
        let a = array![[4.0, 1.0, 2.0], [1.0, 3.0, 0.5], [2.0, 0.5, 5.0]];
        let (vals, vecs) = eig_sym(&a).unwrap();
        assert!(vals.windows(2).all(|w| w[0] >= w[1]));
        let d = Array2::from_diag(&ndarray::Array1::from(vals.clone()));
        assert!(close(&a.dot(&vecs), &vecs.dot(&d), 1e-10));
        // numpy.linalg.eigvalsh(a)[::-1]
        let want = [
            6.831_254_430_698_204,
            3.072_223_952_005_075_4,
            2.096_521_617_296_718,
        ];
        for (v, w) in vals.iter().zip(want) {
            assert!((v - w).abs() < 1e-9, "{v} vs {w}");
        }
    }

    #[test]
    fn svd_reconstructs() {
        let a = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let (u, s, vt) = svd_thin(&a).unwrap();
        let d = Array2::from_diag(&ndarray::Array1::from(s.clone()));
        assert!(close(&u.dot(&d).dot(&vt), &a, 1e-12));
        // numpy.linalg.svd(a, compute_uv=False)
        assert!((s[0] - 9.525_518_091_565_107).abs() < 1e-12);
        assert!((s[1] - 0.514_300_580_658_644_2).abs() < 1e-12);
    }

    #[test]
    fn singular_is_refused_and_nearly_singular_warned() {
        let a = array![[1.0, 2.0], [2.0, 4.0]];
        assert!(matches!(inv(&a), Err(RuntimeError::Singular { .. })));
        // cond ≈ 4e16: NumPy solves it; MLA solves it and warns.
        let b = array![[1.0, 1.0], [1.0, 1.0 + 1e-16 * 2.0]];
        let (x, warning) = solve(&b, &array![[2.0], [2.0]]).unwrap();
        assert!(x.iter().all(|v| v.is_finite()));
        assert!(warning.unwrap().contains("close to singular"));
        let (_, none) = solve(&array![[2.0, 0.0], [0.0, 1.0]], &array![[1.0], [1.0]]).unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn least_squares_and_min_norm() {
        let a = array![[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]];
        let b = array![[1.0], [2.0], [2.0]];
        let (x, _) = solve(&a, &b).unwrap();
        // numpy.linalg.lstsq(a, b)[0]
        assert!(close(&x, &array![[0.666_666_666_666_666_7], [0.5]], 1e-12));
        // rank deficient and tall: the minimum-norm solution, as numpy.linalg.lstsq
        let d = array![[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
        let (x, _) = solve(&d, &array![[1.0], [2.0], [3.0]]).unwrap();
        assert!(close(&x, &array![[0.2], [0.4]], 1e-12), "{x}");
        let w = array![[1.0, 1.0]];
        let (x, _) = solve(&w, &array![[2.0]]).unwrap();
        assert!(close(&x, &array![[1.0], [1.0]], 1e-12));
    }
}
