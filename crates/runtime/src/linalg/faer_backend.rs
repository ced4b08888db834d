//! The default backend: faer, pure Rust (measured on this machine as fast
//! as OpenBLAS for products and SVD, and faster for QR). Only faer calls
//! live here; no faer type leaves this file.
//!
//! Every decomposition goes through faer's lower-level entry points
//! (`faer::linalg::*`), which take the parallelism and the work space as
//! arguments: faer's high-level solvers (`a.qr()`, `a.thin_svd()`, …) read
//! a process-wide setting instead, which two threads decomposing at once
//! would fight over. Each call below does what faer's own solver does
//! (`faer::linalg::solvers`), step for step, so the results are the same
//! bits.

use super::backend::{Backend, Failure, LuFactors, Threads};
use super::faer_memory::{mat_from_fn, owned, scratch, to_array, view, view_mut, zeros};
use crate::error::Result;
use crate::simd_state::clear_upper_simd_state;
use faer::diag::Diag;
use faer::dyn_stack::MemStack;
use faer::linalg::evd::{self, ComputeEigenvectors};
use faer::linalg::qr::{col_pivoting, no_pivoting};
use faer::linalg::svd::{self, ComputeSvdVectors};
use faer::linalg::{cholesky, householder, lu};
use faer::perm::PermRef;
use faer::{Accum, Conj, Mat, MatRef, Par};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// faer, the default backend.
pub struct Faer;

fn par(threads: Threads) -> Par {
    match threads {
        Threads::One => Par::Seq,
        Threads::All => Par::rayon(0),
        Threads::Two => Par::rayon(2),
    }
}

/// Runs `f` with the parallelism of `threads` and clears the vector
/// registers after it (see [`clear_upper_simd_state`]).
fn run<R>(threads: Threads, f: impl FnOnce(Par) -> R) -> R {
    let out = f(par(threads));
    clear_upper_simd_state();
    out
}

fn not_converged<E>(_: E) -> Failure {
    Failure::NotConverged
}

/// Splits factors stored in place (`LU` or `QR` of an `m × n` matrix with
/// `m >= n`) into the unit lower part, with ones on its diagonal and zeros
/// above, and the `n × n` upper part: faer's solvers keep them apart so.
fn split_lower_upper(mut lu: Mat<f64>) -> Result<(Mat<f64>, Mat<f64>)> {
    let n = lu.ncols();
    let u = mat_from_fn(n, n, |i, j| if i <= j { lu[(i, j)] } else { 0.0 })?;
    for j in 0..n {
        for i in 0..j {
            lu[(i, j)] = 0.0;
        }
        lu[(j, j)] = 1.0;
    }
    Ok((lu, u))
}

/// An LU factorization with partial pivoting, as faer leaves it in place.
struct Factored {
    /// L below the diagonal (unit diagonal implied), U on and above it.
    factors: Mat<f64>,
    /// The row permutation and its inverse.
    fwd: Vec<usize>,
    bwd: Vec<usize>,
    /// Row swaps made (the determinant's sign).
    swaps: usize,
}

/// LU with partial pivoting of a square `a`, on a copy.
fn lu_factor(a: MatRef<'_, f64>, par: Par) -> Result<Factored> {
    let n = a.nrows();
    let mut factors = owned(a)?;
    let mut fwd = crate::memory::try_filled(n, 0usize)?;
    let mut bwd = crate::memory::try_filled(n, 0usize)?;
    let mut mem = scratch(lu::partial_pivoting::factor::lu_in_place_scratch::<
        usize,
        f64,
    >(n, n, par, Default::default()))?;
    let (info, _) = lu::partial_pivoting::factor::lu_in_place(
        factors.as_mut(),
        &mut fwd,
        &mut bwd,
        par,
        MemStack::new(&mut mem),
        Default::default(),
    );
    Ok(Factored {
        factors,
        fwd,
        bwd,
        swaps: info.transposition_count,
    })
}

/// faer's LU factors in place: `L` below the diagonal, `U` on and above.
/// faer's `PartialPivLu` copies them apart, but its triangular solves and
/// inverses read only their own triangle, so the one matrix serves as both
/// and the results are the same bits; the split cost two passes over n²
/// (5% of a `solve` of 1000²).
pub struct FaerLu {
    factors: Mat<f64>,
    fwd: Vec<usize>,
    bwd: Vec<usize>,
}

impl FaerLu {
    fn perm(&self) -> PermRef<'_, usize> {
        PermRef::new_checked(&self.fwd, &self.bwd, self.fwd.len())
    }
}

impl LuFactors for FaerLu {
    fn u_diagonal(&self) -> Vec<f64> {
        (0..self.factors.nrows())
            .map(|i| self.factors[(i, i)])
            .collect()
    }

    fn inverse(&self, threads: Threads) -> Result<Array2<f64>> {
        run(threads, |par| {
            let n = self.factors.nrows();
            let mut out = zeros(n, n)?;
            let mut mem =
                scratch(lu::partial_pivoting::inverse::inverse_scratch::<usize, f64>(n, par))?;
            lu::partial_pivoting::inverse::inverse(
                out.as_mut(),
                self.factors.as_ref(),
                self.factors.as_ref(),
                self.perm(),
                par,
                MemStack::new(&mut mem),
            );
            to_array(out.as_ref())
        })
    }

    fn solve(&self, b: ArrayView2<'_, f64>, threads: Threads) -> Result<Array2<f64>> {
        run(threads, |par| {
            let mut x = owned(view(b))?;
            let mut mem = scratch(lu::partial_pivoting::solve::solve_in_place_scratch::<
                usize,
                f64,
            >(self.factors.nrows(), x.ncols(), par))?;
            lu::partial_pivoting::solve::solve_in_place_with_conj(
                self.factors.as_ref(),
                self.factors.as_ref(),
                self.perm(),
                Conj::No,
                x.as_mut(),
                par,
                MemStack::new(&mut mem),
            );
            to_array(x.as_ref())
        })
    }
}

impl Backend for Faer {
    type Lu = FaerLu;

    fn describe() -> String {
        format!(
            "faer 0.24 (pure Rust), {} threads",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        )
    }

    fn gemm(
        out: ArrayViewMut2<'_, f64>,
        accumulate: bool,
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        threads: Threads,
    ) {
        let accum = if accumulate {
            Accum::Add
        } else {
            Accum::Replace
        };
        run(threads, |par| {
            faer::linalg::matmul::matmul(view_mut(out), accum, view(a), view(b), 1.0, par);
        });
    }

    fn eigh(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> std::result::Result<(Vec<f64>, Option<Array2<f64>>), Failure> {
        let a = view(a);
        let n = a.nrows();
        run(threads, |par| {
            let compute = if vectors {
                ComputeEigenvectors::Yes
            } else {
                ComputeEigenvectors::No
            };
            let mut u = if vectors { Some(zeros(n, n)?) } else { None };
            let mut s = Diag::<f64>::zeros(n);
            let mut mem = scratch(evd::self_adjoint_evd_scratch::<f64>(
                n,
                compute,
                par,
                Default::default(),
            ))?;
            evd::self_adjoint_evd(
                a,
                s.as_mut(),
                u.as_mut().map(|u| u.as_mut()),
                par,
                MemStack::new(&mut mem),
                Default::default(),
            )
            .map_err(not_converged)?;
            let vals = s.column_vector().iter().copied().collect();
            let u = u.map(|u| to_array(u.as_ref())).transpose()?;
            Ok((vals, u))
        })
    }

    fn eig(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> std::result::Result<(Vec<(f64, f64)>, Option<Array2<f64>>), Failure> {
        let a = view(a);
        let n = a.nrows();
        run(threads, |par| {
            let compute = if vectors {
                ComputeEigenvectors::Yes
            } else {
                ComputeEigenvectors::No
            };
            let mut u = if vectors { Some(zeros(n, n)?) } else { None };
            let mut re = Diag::<f64>::zeros(n);
            let mut im = Diag::<f64>::zeros(n);
            let mut mem = scratch(evd::evd_scratch::<f64>(
                n,
                ComputeEigenvectors::No,
                compute,
                par,
                Default::default(),
            ))?;
            evd::evd_real(
                a,
                re.as_mut(),
                im.as_mut(),
                None,
                u.as_mut().map(|u| u.as_mut()),
                par,
                MemStack::new(&mut mem),
                Default::default(),
            )
            .map_err(not_converged)?;
            let (re, im) = (re.column_vector(), im.column_vector());
            let vals: Vec<(f64, f64)> = (0..n).map(|i| (re[i], im[i])).collect();
            let real_parts = u
                .map(|u| real_parts_of_vectors(u.as_ref(), &vals))
                .transpose()?;
            Ok((vals, real_parts))
        })
    }

    fn svd(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> std::result::Result<(Vec<f64>, Option<(Array2<f64>, Array2<f64>)>), Failure> {
        let a = view(a);
        let (m, n) = (a.nrows(), a.ncols());
        let k = m.min(n);
        run(threads, |par| {
            let compute = if vectors {
                ComputeSvdVectors::Thin
            } else {
                ComputeSvdVectors::No
            };
            let mut uv = if vectors {
                Some((zeros(m, k)?, zeros(n, k)?))
            } else {
                None
            };
            let mut s = Diag::<f64>::zeros(k);
            let mut mem = scratch(svd::svd_scratch::<f64>(
                m,
                n,
                compute,
                compute,
                par,
                Default::default(),
            ))?;
            let (u, v) = match uv.as_mut() {
                Some((u, v)) => (Some(u.as_mut()), Some(v.as_mut())),
                None => (None, None),
            };
            svd::svd(
                a,
                s.as_mut(),
                u,
                v,
                par,
                MemStack::new(&mut mem),
                Default::default(),
            )
            .map_err(not_converged)?;
            let vals = s.column_vector().iter().copied().collect();
            let factors = match uv {
                Some((u, v)) => Some((to_array(u.as_ref())?, to_array(v.transpose())?)),
                None => None,
            };
            Ok((vals, factors))
        })
    }

    fn qr(a: ArrayView2<'_, f64>, threads: Threads) -> Result<(Array2<f64>, Array2<f64>)> {
        run(threads, |par| {
            let mut qr = owned(view(a))?;
            let (m, n) = (qr.nrows(), qr.ncols());
            let k = m.min(n);
            let block = no_pivoting::factor::recommended_block_size::<f64>(m, n);
            let mut coeff = zeros(block, k)?;
            let mut mem = scratch(no_pivoting::factor::qr_in_place_scratch::<f64>(
                m,
                n,
                block,
                par,
                Default::default(),
            ))?;
            no_pivoting::factor::qr_in_place(
                qr.as_mut(),
                coeff.as_mut(),
                par,
                MemStack::new(&mut mem),
                Default::default(),
            );
            // R is the upper triangle of the top k rows; the Householder
            // basis is the part below the diagonal.
            let r = mat_from_fn(k, n, |i, j| if i <= j { qr[(i, j)] } else { 0.0 })?;
            let basis = mat_from_fn(m, k, |i, j| match i.cmp(&j) {
                std::cmp::Ordering::Less => 0.0,
                std::cmp::Ordering::Equal => 1.0,
                std::cmp::Ordering::Greater => qr[(i, j)],
            })?;
            drop(qr);
            let mut q = mat_from_fn(m, k, |i, j| if i == j { 1.0 } else { 0.0 })?;
            let mut mem = scratch(
                householder::apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>(
                    m, block, k,
                ),
            )?;
            householder::apply_block_householder_sequence_on_the_left_in_place_with_conj(
                basis.as_ref(),
                coeff.as_ref(),
                Conj::No,
                q.as_mut(),
                par,
                MemStack::new(&mut mem),
            );
            Ok((to_array(q.as_ref())?, to_array(r.as_ref())?))
        })
    }

    fn cholesky(a: ArrayView2<'_, f64>, threads: Threads) -> Result<Option<Array2<f64>>> {
        let a = view(a);
        let n = a.nrows();
        run(threads, |par| {
            // Only the lower triangle is read, as `a.llt(Side::Lower)` does.
            let mut l = mat_from_fn(n, n, |i, j| if i >= j { a[(i, j)] } else { 0.0 })?;
            let mut mem = scratch(cholesky::llt::factor::cholesky_in_place_scratch::<f64>(
                n,
                par,
                Default::default(),
            ))?;
            let factored = cholesky::llt::factor::cholesky_in_place(
                l.as_mut(),
                Default::default(),
                par,
                MemStack::new(&mut mem),
                Default::default(),
            );
            if factored.is_err() {
                return Ok(None);
            }
            for j in 0..n {
                for i in 0..j {
                    l[(i, j)] = 0.0;
                }
            }
            Ok(Some(to_array(l.as_ref())?))
        })
    }

    fn lu(a: ArrayView2<'_, f64>, threads: Threads) -> Result<FaerLu> {
        run(threads, |par| {
            let Factored {
                factors, fwd, bwd, ..
            } = lu_factor(view(a), par)?;
            Ok(FaerLu { factors, fwd, bwd })
        })
    }

    fn det(a: ArrayView2<'_, f64>, threads: Threads) -> Result<f64> {
        run(threads, |par| {
            // As faer's `determinant`: the product of U's diagonal, its sign
            // flipped by each row swap.
            let Factored { factors, swaps, .. } = lu_factor(view(a), par)?;
            let mut det = 1.0;
            for i in 0..factors.nrows() {
                det *= factors[(i, i)];
            }
            Ok(if swaps % 2 == 0 { det } else { -det })
        })
    }

    fn lstsq_full_rank(
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        threads: Threads,
    ) -> Result<Option<Array2<f64>>> {
        run(threads, |par| {
            let mut qr = owned(view(a))?;
            let (m, n) = (qr.nrows(), qr.ncols());
            let block = no_pivoting::factor::recommended_block_size::<f64>(m, n);
            let mut coeff = zeros(block, n)?;
            let mut fwd = crate::memory::try_filled(n, 0usize)?;
            let mut bwd = crate::memory::try_filled(n, 0usize)?;
            let mut mem = scratch(col_pivoting::factor::qr_in_place_scratch::<usize, f64>(
                m,
                n,
                block,
                par,
                Default::default(),
            ))?;
            col_pivoting::factor::qr_in_place(
                qr.as_mut(),
                coeff.as_mut(),
                &mut fwd,
                &mut bwd,
                par,
                MemStack::new(&mut mem),
                Default::default(),
            );
            // Column-pivoted QR reveals the rank on R's diagonal (descending
            // in magnitude), so a full-rank tall system needs no SVD.
            let top = qr[(0, 0)].abs();
            let tol = m as f64 * f64::EPSILON * top;
            if !(top > 0.0 && (0..n).all(|i| qr[(i, i)].abs() > tol)) {
                return Ok(None);
            }
            let (basis, r) = split_lower_upper(qr)?;
            let mut x = owned(view(b))?;
            let mut mem = scratch(col_pivoting::solve::solve_lstsq_in_place_scratch::<
                usize,
                f64,
            >(m, n, block, x.ncols(), par))?;
            col_pivoting::solve::solve_lstsq_in_place_with_conj(
                basis.as_ref(),
                coeff.as_ref(),
                r.as_ref(),
                PermRef::new_checked(&fwd, &bwd, n),
                Conj::No,
                x.as_mut(),
                par,
                MemStack::new(&mut mem),
            );
            Ok(Some(to_array(x.as_ref().subrows(0, n))?))
        })
    }
}

/// The real parts of the eigenvectors in the order of `vals`, from faer's
/// real Schur vectors `u`: a complex pair `(re ± i·im)` at columns `j` and
/// `j + 1` holds the pair's real part in column `j` (and its imaginary part
/// in `j + 1`), as faer's `Eigen` unpacks them.
fn real_parts_of_vectors(u: MatRef<'_, f64>, vals: &[(f64, f64)]) -> Result<Array2<f64>> {
    let n = vals.len();
    let mut source: Vec<usize> = (0..n).collect();
    let mut j = 0;
    while j < n {
        if vals[j].1 != 0.0 && j + 1 < n {
            source[j + 1] = j;
            j += 2;
        } else {
            j += 1;
        }
    }
    let mut data = crate::memory::try_vec(n * n)?;
    for i in 0..n {
        data.extend(source.iter().map(|&c| u[(i, c)]));
    }
    Ok(Array2::from_shape_vec((n, n), data).expect("n·n entries in row-major order"))
}

#[cfg(test)]
mod tests {
    //! The lower-level calls give exactly the bits faer's own solvers give
    //! (which run with the process-wide setting, never changed here and
    //! `Par::rayon(0)` by default, as `Threads::All` is).
    use super::*;
    use faer::linalg::solvers::{DenseSolveCore, Solve, SolveLstsq};
    use faer::Side;

    fn random(m: usize, n: usize, seed: u64) -> Array2<f64> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Array2::from_shape_fn((m, n), |_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
    }

    fn symmetric(n: usize, seed: u64) -> Array2<f64> {
        let a = random(n, n, seed);
        &a + &a.t()
    }

    fn same(what: &str, a: &Array2<f64>, b: MatRef<'_, f64>) {
        assert_eq!(a.dim(), (b.nrows(), b.ncols()), "{what}");
        for ((i, j), x) in a.indexed_iter() {
            assert_eq!(x.to_bits(), b[(i, j)].to_bits(), "{what} at ({i}, {j})");
        }
    }

    fn same_values(what: &str, a: &[f64], b: &[f64]) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b), "{what}");
    }

    const ALL: Threads = Threads::All;

    #[test]
    fn symmetric_and_general_eigen_match_faers_solvers_bit_for_bit() {
        for n in [1, 7, 40, 130] {
            let a = symmetric(n, n as u64);
            let f = view(a.view());
            let (vals, u) = Faer::eigh(a.view(), true, ALL).unwrap();
            let evd = f.self_adjoint_eigen(Side::Lower).unwrap();
            let want: Vec<f64> = evd.S().column_vector().iter().copied().collect();
            same_values("eigh values", &vals, &want);
            same("eigh vectors", &u.unwrap(), evd.U());
            let (only, none) = Faer::eigh(a.view(), false, ALL).unwrap();
            assert!(none.is_none());
            same_values(
                "eigvalsh",
                &only,
                &f.self_adjoint_eigenvalues(Side::Lower).unwrap(),
            );

            let g = random(n, n, 100 + n as u64);
            let f = view(g.view());
            let (vals, u) = Faer::eig(g.view(), true, ALL).unwrap();
            let evd = f.eigen().unwrap();
            let s = evd.S().column_vector();
            for (i, (re, im)) in vals.iter().enumerate() {
                assert_eq!(
                    (re.to_bits(), im.to_bits()),
                    (s[i].re.to_bits(), s[i].im.to_bits())
                );
            }
            let want = Mat::from_fn(n, n, |i, j| evd.U()[(i, j)].re);
            same("eig vectors (real parts)", &u.unwrap(), want.as_ref());
            let (only, _) = Faer::eig(g.view(), false, ALL).unwrap();
            let want = f.eigenvalues().unwrap();
            assert_eq!(only.len(), want.len());
            for ((re, im), z) in only.iter().zip(&want) {
                assert_eq!(
                    (re.to_bits(), im.to_bits()),
                    (z.re.to_bits(), z.im.to_bits())
                );
            }
        }
    }

    #[test]
    fn svd_qr_and_cholesky_match_faers_solvers_bit_for_bit() {
        for (m, n) in [(1, 1), (9, 4), (4, 9), (150, 60), (60, 150)] {
            let a = random(m, n, (m * 1000 + n) as u64);
            // A transposed view too: faer reads the strides as they are.
            for a in [a.view(), a.t()] {
                let f = view(a);
                let (s, factors) = Faer::svd(a, true, ALL).unwrap();
                let svd = f.thin_svd().unwrap();
                let want: Vec<f64> = svd.S().column_vector().iter().copied().collect();
                same_values("singular values", &s, &want);
                let (u, vt) = factors.unwrap();
                same("svd u", &u, svd.U());
                same("svd vt", &vt, svd.V().transpose());
                same_values(
                    "svd values only",
                    &Faer::svd(a, false, ALL).unwrap().0,
                    &f.singular_values().unwrap(),
                );

                let (q, r) = Faer::qr(a, ALL).unwrap();
                let qr = f.qr();
                same("qr q", &q, qr.compute_thin_Q().as_ref());
                same("qr r", &r, qr.thin_R());
            }
        }
        for n in [1, 5, 80, 200] {
            let b = random(n, n, 7 * n as u64);
            let spd = b.t().dot(&b) + Array2::<f64>::eye(n);
            let l = Faer::cholesky(spd.view(), ALL).unwrap().unwrap();
            same(
                "cholesky",
                &l,
                view(spd.view()).llt(Side::Lower).unwrap().L(),
            );
            let not_pd = -&spd;
            assert!(Faer::cholesky(not_pd.view(), ALL).unwrap().is_none());
        }
    }

    #[test]
    fn lu_inverse_solve_det_and_lstsq_match_faers_solvers_bit_for_bit() {
        for n in [1, 6, 70, 260] {
            let a = random(n, n, 3 * n as u64);
            let b = random(n, 3, 5 * n as u64);
            let f = view(a.view());
            let theirs = f.partial_piv_lu();
            let ours = Faer::lu(a.view(), ALL).unwrap();
            let diag: Vec<f64> = (0..n).map(|i| theirs.U()[(i, i)]).collect();
            same_values("lu pivots", &ours.u_diagonal(), &diag);
            same(
                "inverse",
                &ours.inverse(ALL).unwrap(),
                theirs.inverse().as_ref(),
            );
            let want = theirs.solve(view(b.view()).to_owned());
            same("solve", &ours.solve(b.view(), ALL).unwrap(), want.as_ref());
            let det = Faer::det(a.view(), ALL).unwrap();
            assert_eq!(det.to_bits(), f.determinant().to_bits(), "det of {n}×{n}");
        }
        for (m, n) in [(3, 2), (50, 20), (300, 120)] {
            let a = random(m, n, (m + n) as u64);
            let b = random(m, 2, m as u64);
            let x = Faer::lstsq_full_rank(a.view(), b.view(), ALL)
                .unwrap()
                .unwrap();
            let want = view(a.view())
                .col_piv_qr()
                .solve_lstsq(view(b.view()).to_owned());
            same("lstsq", &x, want.as_ref());
        }
    }
}
