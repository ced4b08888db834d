//! The linear algebra facade. It owns everything that must not depend on
//! the library underneath: argument checks, the order of eigenvalues, the
//! signs of vectors, tolerances, how many threads a call gets and which
//! calls run detached. The library itself is a [`Backend`]: faer by
//! default, LAPACK through ndarray-linalg with the `lapack` feature. Both
//! give the same values (to rounding) and the same errors.
//!
//! Every operation has a generic form (`eig_sym_in::<B>`) and the form the
//! runtime calls (`eig_sym`), which uses the backend chosen at build time.

use crate::error::{Result, RuntimeError};
use ndarray::{Array2, ArrayView2};

mod backend;
mod faer_backend;
mod faer_memory;
#[cfg(feature = "lapack")]
mod lapack_backend;
mod product;
mod truncated;
pub use backend::{Backend, Failure, LuFactors, Threads};
pub use faer_backend::Faer;
#[cfg(feature = "lapack")]
pub use lapack_backend::Lapack;
pub(crate) use product::matmul_whole;
pub use product::{matmul, matmul_in, INTERRUPT_BLOCK_FLOPS, PARALLEL_MATMUL_FLOPS};
pub use truncated::svd_top;

/// The backend chosen at build time.
#[cfg(not(feature = "lapack"))]
pub type Active = Faer;
/// The backend chosen at build time.
#[cfg(feature = "lapack")]
pub type Active = Lapack;

/// One line naming the backend in use (for `mla --version`).
pub fn backend_description() -> String {
    Active::describe()
}

/// Decompositions with less work than this (m·n·min(m, n)) run on one
/// thread. Measured on 2 cores: symmetric eig of 500×500 takes 13 ms alone
/// and 19 ms on rayon, thin SVD of 800×200 5.6 ms against 10.2 ms, while
/// the SVD of 4000×1000 gains from both cores (489 ms against 633 ms).
pub const PARALLEL_DECOMPOSITION_WORK: usize = 500_000_000;

/// Runs a decomposition `f` of `a` with the threads its size deserves. A
/// large one runs detached (see [`crate::interrupt`]) on a copy of `a`, so
/// that Ctrl-C gets the prompt back without waiting for it; the copy costs
/// O(mn) against the decomposition's O(mn·min(m, n)).
fn sized<R: Send + 'static>(
    what: &'static str,
    a: &Array2<f64>,
    f: impl FnOnce(ArrayView2<'_, f64>, Threads) -> R + Send + 'static,
) -> Result<R> {
    if work(a) < PARALLEL_DECOMPOSITION_WORK {
        return Ok(f(a.view(), Threads::One));
    }
    let owned = a.clone();
    crate::interrupt::detached(what, move || f(owned.view(), Threads::All))
}

/// Runs `f` (a step after a decomposition: an inverse, a solve) here on
/// one thread when `work` is small, else detached on all cores.
fn step<R: Send + 'static>(
    what: &'static str,
    work: usize,
    f: impl FnOnce(Threads) -> R + Send + 'static,
) -> Result<R> {
    if work < PARALLEL_DECOMPOSITION_WORK {
        Ok(f(Threads::One))
    } else {
        crate::interrupt::detached(what, move || f(Threads::All))
    }
}

fn work(a: &Array2<f64>) -> usize {
    let (m, n) = a.dim();
    m.saturating_mul(n).saturating_mul(m.min(n))
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

/// The largest magnitude in `a` (NaN ignored, as `f64::max` does) and
/// whether every entry is finite. It runs in lanes of 8 without an early
/// exit, so it vectorizes: the element-by-element `try_fold` it replaced
/// took 1.9 ms of a 25 ms `solve` of 1000².
fn magnitude(a: &Array2<f64>) -> (f64, bool) {
    const LANES: usize = 8;
    let mut largest = [0.0f64; LANES];
    // `x * 0` is ±0 for a finite `x` and NaN for Inf and NaN.
    let mut poison = [0.0f64; LANES];
    let mut visit = |xs: &[f64]| {
        let mut chunks = xs.chunks_exact(LANES);
        for c in &mut chunks {
            for k in 0..LANES {
                let m = c[k].abs();
                largest[k] = if m > largest[k] { m } else { largest[k] };
                poison[k] += c[k] * 0.0;
            }
        }
        for (k, x) in chunks.remainder().iter().enumerate() {
            largest[k] = if x.abs() > largest[k] {
                x.abs()
            } else {
                largest[k]
            };
            poison[k] += x * 0.0;
        }
    };
    match a.as_slice_memory_order() {
        Some(xs) => visit(xs),
        None => a.rows().into_iter().for_each(|r| visit(&r.to_vec())),
    }
    let m = largest.iter().fold(0.0f64, |m, x| m.max(*x));
    (m, poison.iter().all(|p| !p.is_nan()))
}

/// True when no entry of `a` is NaN or infinite.
pub fn all_finite(a: &Array2<f64>) -> bool {
    magnitude(a).1
}

/// Whether `a` is symmetric (as [`is_symmetric`]), or `None` when it holds
/// NaN or Inf: `eig` decides between its solvers with one pass over `a`.
pub fn symmetry(a: &Array2<f64>) -> Option<bool> {
    let (largest, finite) = magnitude(a);
    finite.then(|| symmetric_within(a, largest))
}

/// Checks that every entry is finite and small enough for a norm; returns
/// the largest magnitude, which the symmetry check scales by.
fn require_finite(what: &str, a: &Array2<f64>) -> Result<f64> {
    let (largest, finite) = magnitude(a);
    if !finite {
        return Err(RuntimeError::Domain(format!(
            "{what} needs finite values; the matrix holds NaN or Inf"
        )));
    }
    // The iterations work with the matrix's norm: entries this large
    // overflow it to Inf, and the iteration then never converges.
    if largest * (a.len() as f64).sqrt() > f64::MAX / 4.0 {
        return Err(RuntimeError::Domain(format!(
            "{what}: the entries are too large (up to {}): the matrix's norm overflows; scale it first (for svd, svd(A / s) * s)",
            crate::format::format_scalar(largest)
        )));
    }
    Ok(largest)
}

/// True when `a` is symmetric to a tolerance relative to its largest entry.
pub fn is_symmetric(a: &Array2<f64>) -> bool {
    symmetric_within(a, magnitude(a).0)
}

/// [`is_symmetric`] given `a`'s largest magnitude.
fn symmetric_within(a: &Array2<f64>, largest: f64) -> bool {
    let tol = 1e-8 * largest.max(1.0);
    let n = a.nrows();
    // In tiles, so `a[[j, i]]` down a column stays in cache: 500² took
    // 0.5 ms row by row, twice in every `eig`.
    const TILE: usize = 32;
    (0..n).step_by(TILE).all(|i0| {
        (0..=i0).step_by(TILE).all(|j0| {
            (i0..(i0 + TILE).min(n))
                .all(|i| (j0..(j0 + TILE).min(i)).all(|j| (a[[i, j]] - a[[j, i]]).abs() <= tol))
        })
    })
}

/// Flips the sign of column `j` of `a` when its largest-magnitude entry is
/// negative; returns whether it flipped. Ties go to the first such entry,
/// so the choice does not depend on the backend.
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

fn eig_failed(f: Failure) -> RuntimeError {
    match f {
        Failure::NotConverged => {
            RuntimeError::Domain("eig: the eigenvalue iteration did not converge".into())
        }
        Failure::Memory(e) => e,
    }
}

fn svd_failed(f: Failure) -> RuntimeError {
    match f {
        Failure::NotConverged => RuntimeError::Domain("svd: the iteration did not converge".into()),
        Failure::Memory(e) => e,
    }
}

/// Eigenvalues of a symmetric matrix, descending.
pub fn eigvals_sym(a: &Array2<f64>) -> Result<Vec<f64>> {
    eigvals_sym_in::<Active>(a)
}

/// [`eigvals_sym`] on backend `B`.
pub fn eigvals_sym_in<B: Backend>(a: &Array2<f64>) -> Result<Vec<f64>> {
    check_sym(a)?;
    if a.is_empty() {
        return Ok(Vec::new());
    }
    let (mut vals, _) =
        sized("eigendecomposition", a, |v, t| B::eigh(v, false, t))?.map_err(eig_failed)?;
    vals.reverse();
    Ok(vals)
}

fn check_sym(a: &Array2<f64>) -> Result<()> {
    require_square("eig", a)?;
    let largest = require_finite("eig", a)?;
    if !symmetric_within(a, largest) {
        return Err(RuntimeError::Domain(
            "eig needs a symmetric matrix (this one is not); for a covariance use X' * X / n or cov(X)".into(),
        ));
    }
    Ok(())
}

/// Eigen-decomposition of a symmetric matrix: eigenvalues descending and the
/// eigenvectors as columns, each flipped so its largest component is positive.
pub fn eig_sym(a: &Array2<f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    eig_sym_in::<Active>(a)
}

/// [`eig_sym`] on backend `B`.
pub fn eig_sym_in<B: Backend>(a: &Array2<f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    check_sym(a)?;
    let n = a.nrows();
    if n == 0 {
        return Ok((Vec::new(), Array2::zeros((0, 0))));
    }
    let (vals, u) =
        sized("eigendecomposition", a, |v, t| B::eigh(v, true, t))?.map_err(eig_failed)?;
    let Some(u) = u else {
        return Err(eig_failed(Failure::NotConverged));
    };
    let vals: Vec<f64> = vals.into_iter().rev().collect();
    let mut vecs = Array2::from_shape_fn((n, n), |(i, j)| u[[i, n - 1 - j]]);
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
    eig_general_in::<Active>(a, vectors)
}

/// [`eig_general`] on backend `B`.
pub fn eig_general_in<B: Backend>(
    a: &Array2<f64>,
    vectors: bool,
) -> Result<(Vec<f64>, Option<Array2<f64>>)> {
    require_square("eig", a)?;
    require_finite("eig", a)?;
    let n = a.nrows();
    if n == 0 {
        return Ok((Vec::new(), vectors.then(|| Array2::zeros((0, 0)))));
    }
    let (vals, u) =
        sized("eigendecomposition", a, move |v, t| B::eig(v, vectors, t))?.map_err(eig_failed)?;
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
    svd_thin_in::<Active>(a)
}

/// [`svd_thin`] on backend `B`.
pub fn svd_thin_in<B: Backend>(a: &Array2<f64>) -> Result<(Array2<f64>, Vec<f64>, Array2<f64>)> {
    require_finite("svd", a)?;
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok((Array2::zeros((m, 0)), Vec::new(), Array2::zeros((0, n))));
    }
    let (s, factors) = sized("SVD", a, |v, t| B::svd(v, true, t))?.map_err(svd_failed)?;
    let Some((mut u, mut vt)) = factors else {
        return Err(svd_failed(Failure::NotConverged));
    };
    for j in 0..k {
        if flip_column_positive(&mut u, j) {
            vt.row_mut(j).mapv_inplace(|x| -x);
        }
    }
    Ok((u, s, vt))
}

/// Singular values, descending.
pub fn singular_values(a: &Array2<f64>) -> Result<Vec<f64>> {
    singular_values_in::<Active>(a)
}

/// [`singular_values`] on backend `B`.
pub fn singular_values_in<B: Backend>(a: &Array2<f64>) -> Result<Vec<f64>> {
    require_finite("svd", a)?;
    if a.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sized("SVD", a, |v, t| B::svd(v, false, t))?
        .map_err(svd_failed)?
        .0)
}

/// Thin QR: `q` is m×k with orthonormal columns, `r` is k×n upper triangular
/// with a non-negative diagonal (k = min(m, n)).
pub fn qr(a: &Array2<f64>) -> Result<(Array2<f64>, Array2<f64>)> {
    qr_in::<Active>(a)
}

/// [`qr`] on backend `B`.
pub fn qr_in<B: Backend>(a: &Array2<f64>) -> Result<(Array2<f64>, Array2<f64>)> {
    require_finite("qr", a)?;
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok((Array2::zeros((m, 0)), Array2::zeros((0, n))));
    }
    let (mut q, mut r) = sized("QR decomposition", a, |v, t| B::qr(v, t))??;
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
    chol_in::<Active>(a)
}

/// [`chol`] on backend `B`.
pub fn chol_in<B: Backend>(a: &Array2<f64>) -> Result<Array2<f64>> {
    require_square("chol", a)?;
    let largest = require_finite("chol", a)?;
    if !symmetric_within(a, largest) {
        return Err(RuntimeError::Domain("chol needs a symmetric matrix".into()));
    }
    let n = a.nrows();
    if n == 0 {
        return Ok(Array2::zeros((0, 0)));
    }
    let l = sized("Cholesky decomposition", a, |v, t| B::cholesky(v, t))??
        .ok_or_else(|| RuntimeError::Domain("chol needs a positive definite matrix".into()))?;
    Ok(Array2::from_shape_fn((n, n), |(i, j)| {
        if i <= j {
            l[[j, i]]
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
fn lu_checked<B: Backend>(what: &'static str, a: &Array2<f64>) -> Result<(B::Lu, NearSingular)> {
    require_square(what, a)?;
    require_finite(what, a)?;
    let lu = sized("LU decomposition", a, |v, t| B::lu(v, t))??;
    let diag: Vec<f64> = lu.u_diagonal().iter().map(|x| x.abs()).collect();
    let n = a.nrows();
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
    inv_in::<Active>(a)
}

/// [`inv`] on backend `B`.
pub fn inv_in<B: Backend>(a: &Array2<f64>) -> Result<(Array2<f64>, NearSingular)> {
    if a.is_empty() {
        require_square("inv", a)?;
        return Ok((a.clone(), None));
    }
    let (lu, warning) = lu_checked::<B>("inv", a)?;
    let inverse = step("inverse", work(a), move |t| lu.inverse(t))??;
    Ok((inverse, warning))
}

/// The determinant of a square matrix.
pub fn det(a: &Array2<f64>) -> Result<f64> {
    det_in::<Active>(a)
}

/// [`det`] on backend `B`.
pub fn det_in<B: Backend>(a: &Array2<f64>) -> Result<f64> {
    require_square("det", a)?;
    if a.is_empty() {
        return Ok(1.0);
    }
    sized("determinant", a, |v, t| B::det(v, t))?
}

/// Solves `a x = b`: LU for square `a`, least squares otherwise (minimum norm
/// when `a` is wide or rank deficient); a warning with the result when a
/// square `a` is nearly singular.
pub fn solve(a: &Array2<f64>, b: &Array2<f64>) -> Result<(Array2<f64>, NearSingular)> {
    solve_in::<Active>(a, b)
}

/// [`solve`] on backend `B`.
pub fn solve_in<B: Backend>(
    a: &Array2<f64>,
    b: &Array2<f64>,
) -> Result<(Array2<f64>, NearSingular)> {
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
        let (lu, warning) = lu_checked::<B>("solve", a)?;
        let rhs = b.clone();
        let x = step(
            "solve",
            n.saturating_mul(n).saturating_mul(b.ncols()),
            move |t| lu.solve(rhs.view(), t),
        )??;
        return Ok((x, warning));
    }
    require_finite("solve", a)?;
    if m == 0 || n == 0 || b.ncols() == 0 {
        // No unknowns, no equations or no right-hand sides: the
        // least-squares solution is n×k zeros (NumPy's lstsq).
        return Ok((Array2::zeros((n, b.ncols())), None));
    }
    if m > n {
        let rhs = b.clone();
        let full = sized("least squares", a, move |v, t| {
            B::lstsq_full_rank(v, rhs.view(), t)
        })??;
        if let Some(x) = full {
            return Ok((x, None));
        }
    }
    Ok((matmul_in::<B>(&pinv_in::<B>(a)?, b)?, None))
}

/// The Moore–Penrose pseudo-inverse, via SVD with MATLAB's tolerance
/// `max(m, n) * eps * s_max`.
pub fn pinv(a: &Array2<f64>) -> Result<Array2<f64>> {
    pinv_in::<Active>(a)
}

/// [`pinv`] on backend `B`.
pub fn pinv_in<B: Backend>(a: &Array2<f64>) -> Result<Array2<f64>> {
    let (m, n) = a.dim();
    let (u, s, vt) = svd_thin_in::<B>(a)?;
    let tol = m.max(n) as f64 * f64::EPSILON * s.first().copied().unwrap_or(0.0);
    let kept = s.iter().take_while(|&&sk| sk > tol).count();
    // V_r diag(1/s_r) U_r' as one product: a scalar loop over the factors
    // made pinv of 1000×500 4× NumPy (bench/backends.py).
    let mut scaled = vt.slice(ndarray::s![..kept, ..]).to_owned();
    for (mut row, sk) in scaled.rows_mut().into_iter().zip(&s) {
        row.mapv_inplace(|x| x / sk);
    }
    matmul_in::<B>(scaled.t(), u.slice(ndarray::s![.., ..kept]).t())
}

/// The numerical rank: singular values above `max(m, n) * eps * s_max`.
pub fn rank(a: &Array2<f64>) -> Result<usize> {
    rank_in::<Active>(a)
}

/// [`rank`] on backend `B`.
pub fn rank_in<B: Backend>(a: &Array2<f64>) -> Result<usize> {
    let s = singular_values_in::<B>(a)?;
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
    fn svd_of_ones_times_1e308_says_the_entries_are_too_large() {
        let a = Array2::from_elem((3, 3), 1e308);
        let e = singular_values(&a).unwrap_err().to_string();
        assert!(e.contains("too large (up to 1e+308)"), "{e}");
        assert!(svd_thin(&a).is_err());
        // Large but with a finite norm still decomposes.
        let s = singular_values(&Array2::from_elem((3, 3), 1e100)).unwrap();
        assert!((s[0] - 3e100).abs() < 1e88, "{s:?}");
    }

    #[test]
    fn every_entry_counts_in_the_finiteness_and_symmetry_checks() {
        // 77 = 9 lanes of 8 and a remainder of 5; 77 = 2 tiles of 32 and 13.
        let n = 77;
        let sym = Array2::from_shape_fn((n, n), |(i, j)| (i + j) as f64 + 0.5);
        assert!(all_finite(&sym) && is_symmetric(&sym));
        assert_eq!(magnitude(&sym).0, (2 * n - 2) as f64 + 0.5);
        for (i, j) in [(0, 0), (5, 70), (76, 76), (76, 0), (40, 33)] {
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let mut a = sym.clone();
                a[[i, j]] = bad;
                assert!(!all_finite(&a), "{bad} at ({i}, {j})");
                assert!(!all_finite(&a.t().to_owned()), "{bad} at ({j}, {i})");
            }
            if i != j {
                let mut a = sym.clone();
                a[[i, j]] += 1e-3;
                assert!(!is_symmetric(&a), "({i}, {j}) off by 1e-3");
                a[[i, j]] -= 1e-3 - 1e-9;
                assert!(is_symmetric(&a), "({i}, {j}) off by 1e-9");
            }
        }
        // An owned array with gaps between its rows is read row by row.
        let mut gaps = Array2::from_shape_fn((n, 2 * n), |(i, j)| -((i * j) as f64));
        gaps.slice_collapse(ndarray::s![.., ..;2]);
        assert!(gaps.as_slice_memory_order().is_none());
        assert_eq!(magnitude(&gaps), ((76 * 152) as f64, true));
        gaps[[3, 4]] = f64::NAN;
        assert!(!all_finite(&gaps));
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
