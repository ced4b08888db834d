//! The default backend: faer, pure Rust (measured on this machine as fast
//! as OpenBLAS for products and SVD, and faster for QR). Only faer calls
//! live here; no faer type leaves this file.

use super::backend::{Backend, LuFactors, NotConverged, Threads};
use faer::linalg::solvers::{DenseSolveCore, PartialPivLu, Solve, SolveLstsq};
use faer::{Accum, Mat, MatMut, MatRef, Par, Side};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// faer, the default backend.
pub struct Faer;

fn par(threads: Threads) -> Par {
    match threads {
        Threads::One => Par::Seq,
        Threads::All => Par::rayon(0),
    }
}

/// Runs `f` with faer's parallelism set to `threads`. faer's solvers read
/// the parallelism from a global setting rather than an argument; another
/// thread changing it meanwhile would only change how fast a
/// decomposition runs, never its result.
fn with_threads<R>(threads: Threads, f: impl FnOnce() -> R) -> R {
    let previous = faer::get_global_parallelism();
    faer::set_global_parallelism(par(threads));
    let out = f();
    faer::set_global_parallelism(previous);
    clear_upper_simd_state();
    out
}

/// A faer view of an ndarray view: the same memory and strides, so a
/// transposed view (`x.t()`) or a block is read in place.
fn view<'a>(a: ArrayView2<'a, f64>) -> MatRef<'a, f64> {
    let (m, n) = a.dim();
    let s = a.strides();
    #[allow(unsafe_code)]
    // SAFETY: the pointer, shape and strides come from a live ndarray view
    // of `m × n` elements borrowed for 'a, which is exactly what faer's view
    // describes; ndarray's pointer is never null, even when empty.
    unsafe {
        MatRef::from_raw_parts(a.as_ptr(), m, n, s[0], s[1])
    }
}

/// A faer mutable view of an ndarray mutable view (see [`view`]).
fn view_mut<'a>(mut a: ArrayViewMut2<'a, f64>) -> MatMut<'a, f64> {
    let (m, n) = a.dim();
    let (s0, s1) = (a.strides()[0], a.strides()[1]);
    #[allow(unsafe_code)]
    // SAFETY: as in `view`; the ndarray view is a unique borrow for 'a and
    // is moved in here, so the faer view is the only access to the memory.
    unsafe {
        MatMut::from_raw_parts_mut(a.as_mut_ptr(), m, n, s0, s1)
    }
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

/// faer's LU factors.
pub struct FaerLu(PartialPivLu<f64>);

impl LuFactors for FaerLu {
    fn u_diagonal(&self) -> Vec<f64> {
        let u = self.0.U();
        (0..u.nrows().min(u.ncols())).map(|i| u[(i, i)]).collect()
    }

    fn inverse(&self, threads: Threads) -> Array2<f64> {
        with_threads(threads, || from_faer(self.0.inverse().as_ref()))
    }

    fn solve(&self, b: ArrayView2<'_, f64>, threads: Threads) -> Array2<f64> {
        with_threads(threads, || {
            let x = self.0.solve(view(b).to_owned());
            from_faer(x.as_ref())
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
        faer::linalg::matmul::matmul(view_mut(out), accum, view(a), view(b), 1.0, par(threads));
        clear_upper_simd_state();
    }

    fn eigh(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> Result<(Vec<f64>, Option<Array2<f64>>), NotConverged> {
        let a = view(a);
        with_threads(threads, || {
            if vectors {
                let evd = a
                    .self_adjoint_eigen(Side::Lower)
                    .map_err(|_| NotConverged)?;
                let s = evd.S().column_vector();
                let vals = (0..s.nrows()).map(|i| s[i]).collect();
                Ok((vals, Some(from_faer(evd.U()))))
            } else {
                let vals = a
                    .self_adjoint_eigenvalues(Side::Lower)
                    .map_err(|_| NotConverged)?;
                Ok((vals, None))
            }
        })
    }

    fn eig(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> Result<(Vec<(f64, f64)>, Option<Array2<f64>>), NotConverged> {
        let a = view(a);
        with_threads(threads, || {
            if vectors {
                let evd = a.eigen().map_err(|_| NotConverged)?;
                let s = evd.S().column_vector();
                let vals = (0..s.nrows()).map(|i| (s[i].re, s[i].im)).collect();
                let u = evd.U();
                let re = Array2::from_shape_fn((u.nrows(), u.ncols()), |(i, j)| u[(i, j)].re);
                Ok((vals, Some(re)))
            } else {
                let vals = a.eigenvalues().map_err(|_| NotConverged)?;
                Ok((vals.iter().map(|z| (z.re, z.im)).collect(), None))
            }
        })
    }

    fn svd(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> Result<(Vec<f64>, Option<(Array2<f64>, Array2<f64>)>), NotConverged> {
        let a = view(a);
        with_threads(threads, || {
            if vectors {
                let svd = a.thin_svd().map_err(|_| NotConverged)?;
                let s = svd.S().column_vector();
                let vals = (0..s.nrows()).map(|i| s[i]).collect();
                let v = svd.V();
                let vt = Array2::from_shape_fn((v.ncols(), v.nrows()), |(i, j)| v[(j, i)]);
                Ok((vals, Some((from_faer(svd.U()), vt))))
            } else {
                let vals = a.singular_values().map_err(|_| NotConverged)?;
                Ok((vals, None))
            }
        })
    }

    fn qr(a: ArrayView2<'_, f64>, threads: Threads) -> (Array2<f64>, Array2<f64>) {
        let a = view(a);
        with_threads(threads, || {
            let f = a.qr();
            (
                from_faer(f.compute_thin_Q().as_ref()),
                from_faer(f.thin_R()),
            )
        })
    }

    fn cholesky(a: ArrayView2<'_, f64>, threads: Threads) -> Option<Array2<f64>> {
        let a = view(a);
        with_threads(threads, || {
            a.llt(Side::Lower).ok().map(|f| from_faer(f.L()))
        })
    }

    fn lu(a: ArrayView2<'_, f64>, threads: Threads) -> FaerLu {
        let a = view(a);
        with_threads(threads, || FaerLu(a.partial_piv_lu()))
    }

    fn det(a: ArrayView2<'_, f64>, threads: Threads) -> f64 {
        let a = view(a);
        with_threads(threads, || a.determinant())
    }

    fn lstsq_full_rank(
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        threads: Threads,
    ) -> Option<Array2<f64>> {
        let m = a.nrows();
        let n = a.ncols();
        let a = view(a);
        let b: Mat<f64> = view(b).to_owned();
        with_threads(threads, || {
            // Column-pivoted QR reveals the rank on R's diagonal (descending
            // in magnitude), so a full-rank tall system needs no SVD.
            let f = a.col_piv_qr();
            let r = f.thin_R();
            let top = r[(0, 0)].abs();
            let tol = m as f64 * f64::EPSILON * top;
            if top > 0.0 && (0..n).all(|i| r[(i, i)].abs() > tol) {
                Some(from_faer(f.solve_lstsq(b).as_ref()))
            } else {
                None
            }
        })
    }
}
