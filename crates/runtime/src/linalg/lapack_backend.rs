//! The `lapack` feature's backend: LAPACK through ndarray-linalg and lax
//! on the system's OpenBLAS. The drivers are the fast ones: `dsyevd`
//! (divide and conquer; the plain `dsyev` that ndarray-linalg's `eigh`
//! calls is 7× slower at 1000 on this machine) and `dgesdd` for the SVD.
//! OpenBLAS chooses its own threads (`OPENBLAS_NUM_THREADS`), so the
//! facade's [`Threads`] is not passed on.

use super::backend::{Backend, Failure, LuFactors, Threads};
use crate::error::Result as RuntimeResult;
use lax::layout::MatrixLayout;
use lax::{Lapack as _, Transpose};
use ndarray::{Array2, ArrayView2, ArrayViewMut2, ShapeBuilder};
use ndarray_linalg::{Cholesky, Eig, EigVals, JobSvd, LeastSquaresSvd, QR, SVDDC, UPLO};
use std::os::raw::{c_char, c_int};

/// LAPACK and OpenBLAS, the `lapack` feature's backend.
pub struct Lapack;

/// A column-major copy of `a`, which is what LAPACK works in.
fn fortran(a: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut f = Array2::zeros(a.dim().f());
    f.assign(&a);
    f
}

fn layout(a: &Array2<f64>) -> MatrixLayout {
    let (m, n) = a.dim();
    MatrixLayout::F {
        col: n as i32,
        lda: m as i32,
    }
}

fn slice_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_memory_order_mut()
        .expect("a fresh column-major matrix is contiguous")
}

extern "C" {
    fn openblas_get_config() -> *const c_char;
    fn openblas_get_num_threads() -> c_int;
}

/// OpenBLAS's LU factors (from `dgetrf`).
pub struct LapackLu {
    lu: Array2<f64>,
    pivots: Vec<i32>,
}

impl LuFactors for LapackLu {
    fn u_diagonal(&self) -> Vec<f64> {
        self.lu.diag().to_vec()
    }

    fn inverse(&self, _: Threads) -> RuntimeResult<Array2<f64>> {
        let mut inv = self.lu.clone();
        let l = layout(&inv);
        // The facade asks only when no pivot is zero, so `dgetri` succeeds.
        let _ = f64::inv(l, slice_mut(&mut inv), &self.pivots);
        Ok(inv)
    }

    fn solve(&self, b: ArrayView2<'_, f64>, _: Threads) -> RuntimeResult<Array2<f64>> {
        let mut x = fortran(b);
        let l = layout(&self.lu);
        let lu = self
            .lu
            .as_slice_memory_order()
            .expect("the factors are contiguous");
        // lax solves one right-hand side at a time (`dgetrs` with nrhs 1).
        for mut col in x.columns_mut() {
            let col = col
                .as_slice_mut()
                .expect("a column of a column-major matrix is contiguous");
            let _ = f64::solve(l, Transpose::No, lu, &self.pivots, col);
        }
        Ok(x)
    }
}

/// `dsyevd`: eigenvalues ascending, and the vectors in `a` when asked.
fn syevd(a: &mut Array2<f64>, vectors: bool) -> Result<Vec<f64>, Failure> {
    let n = a.nrows() as c_int;
    let jobz = if vectors { b'V' } else { b'N' } as c_char;
    let uplo = b'L' as c_char;
    let mut w = vec![0.0; a.nrows()];
    let mut info: c_int = 0;
    let mut work_size = 0.0f64;
    let mut iwork_size: c_int = 0;
    let query: c_int = -1;
    let data = slice_mut(a).as_mut_ptr();
    #[allow(unsafe_code)]
    // SAFETY: `a` is a contiguous column-major n×n matrix (lda = n), `w`
    // holds n values; a workspace query (lwork = liwork = -1) writes only
    // the two sizes.
    unsafe {
        lapack_sys::dsyevd_(
            &jobz,
            &uplo,
            &n,
            data,
            &n,
            w.as_mut_ptr(),
            &mut work_size,
            &query,
            &mut iwork_size,
            &query,
            &mut info,
        );
    }
    if info != 0 {
        return Err(Failure::NotConverged);
    }
    let lwork = work_size as c_int;
    let liwork = iwork_size;
    let mut work = vec![0.0f64; lwork.max(1) as usize];
    let mut iwork = vec![0 as c_int; liwork.max(1) as usize];
    #[allow(unsafe_code)]
    // SAFETY: as above, with workspaces of the sizes LAPACK asked for.
    unsafe {
        lapack_sys::dsyevd_(
            &jobz,
            &uplo,
            &n,
            data,
            &n,
            w.as_mut_ptr(),
            work.as_mut_ptr(),
            &lwork,
            iwork.as_mut_ptr(),
            &liwork,
            &mut info,
        );
    }
    if info != 0 {
        return Err(Failure::NotConverged);
    }
    Ok(w)
}

impl Backend for Lapack {
    type Lu = LapackLu;

    fn describe() -> String {
        #[allow(unsafe_code)]
        // SAFETY: both are plain queries of the linked OpenBLAS; the
        // configuration string is static and NUL-terminated.
        let (config, threads) = unsafe {
            let c = openblas_get_config();
            let config = if c.is_null() {
                "OpenBLAS".to_string()
            } else {
                std::ffi::CStr::from_ptr(c).to_string_lossy().into_owned()
            };
            (config, openblas_get_num_threads())
        };
        format!("LAPACK through ndarray-linalg 0.18 on {config}, {threads} threads")
    }

    fn gemm(
        mut out: ArrayViewMut2<'_, f64>,
        accumulate: bool,
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        _: Threads,
    ) {
        // ndarray's `blas` feature (on with ndarray-linalg) sends this to
        // `cblas_dgemm` when the layouts allow, as they do for the facade's
        // blocks of a fresh column-major result.
        let beta = if accumulate { 1.0 } else { 0.0 };
        ndarray::linalg::general_mat_mul(1.0, &a, &b, beta, &mut out);
    }

    fn eigh(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        _: Threads,
    ) -> Result<(Vec<f64>, Option<Array2<f64>>), Failure> {
        let mut f = fortran(a);
        let vals = syevd(&mut f, vectors)?;
        Ok((vals, vectors.then_some(f)))
    }

    fn eig(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        _: Threads,
    ) -> Result<(Vec<(f64, f64)>, Option<Array2<f64>>), Failure> {
        let f = fortran(a);
        if vectors {
            let (vals, vecs) = f.eig().map_err(|_| Failure::NotConverged)?;
            let vals = vals.iter().map(|z| (z.re, z.im)).collect();
            Ok((vals, Some(vecs.mapv(|z| z.re))))
        } else {
            let vals = f.eigvals().map_err(|_| Failure::NotConverged)?;
            Ok((vals.iter().map(|z| (z.re, z.im)).collect(), None))
        }
    }

    fn svd(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        _: Threads,
    ) -> Result<(Vec<f64>, Option<(Array2<f64>, Array2<f64>)>), Failure> {
        let f = fortran(a);
        let job = if vectors { JobSvd::Some } else { JobSvd::None };
        let (u, s, vt) = f.svddc(job).map_err(|_| Failure::NotConverged)?;
        let factors = match (u, vt) {
            (Some(u), Some(vt)) => Some((u, vt)),
            _ if vectors => return Err(Failure::NotConverged),
            _ => None,
        };
        Ok((s.to_vec(), factors))
    }

    fn qr(a: ArrayView2<'_, f64>, _: Threads) -> RuntimeResult<(Array2<f64>, Array2<f64>)> {
        let (m, n) = a.dim();
        let k = m.min(n);
        Ok(match fortran(a).qr() {
            Ok(qr) => qr,
            // `dgeqrf` fails only on invalid arguments, which the facade
            // rules out; keep the shapes should it ever happen.
            Err(_) => (
                Array2::from_elem((m, k), f64::NAN),
                Array2::from_elem((k, n), f64::NAN),
            ),
        })
    }

    fn cholesky(a: ArrayView2<'_, f64>, _: Threads) -> RuntimeResult<Option<Array2<f64>>> {
        Ok(fortran(a).cholesky(UPLO::Lower).ok())
    }

    fn lu(a: ArrayView2<'_, f64>, _: Threads) -> RuntimeResult<LapackLu> {
        let mut lu = fortran(a);
        let l = layout(&lu);
        Ok(match f64::lu(l, slice_mut(&mut lu)) {
            Ok(pivots) => LapackLu { lu, pivots },
            // `dgetrf` still completes the factors when a pivot is exactly
            // zero; the facade sees the zero on U's diagonal and refuses.
            Err(_) => LapackLu {
                lu,
                pivots: Vec::new(),
            },
        })
    }

    fn det(a: ArrayView2<'_, f64>, threads: Threads) -> RuntimeResult<f64> {
        let f = Self::lu(a, threads)?;
        if f.pivots.is_empty() {
            return Ok(0.0);
        }
        let swaps = f
            .pivots
            .iter()
            .enumerate()
            .filter(|(i, p)| **p as usize != i + 1)
            .count();
        let sign = if swaps % 2 == 0 { 1.0 } else { -1.0 };
        Ok(sign * f.lu.diag().iter().product::<f64>())
    }

    fn lstsq_full_rank(
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        _: Threads,
    ) -> RuntimeResult<Option<Array2<f64>>> {
        let m = a.nrows();
        let n = a.ncols();
        let Ok(result) = fortran(a).least_squares(&fortran(b)) else {
            return Ok(None);
        };
        let s = &result.singular_values;
        let top = s.iter().fold(0.0f64, |t, x| t.max(*x));
        let tol = m as f64 * f64::EPSILON * top;
        Ok((top > 0.0 && s.len() == n && s.iter().all(|x| *x > tol)).then_some(result.solution))
    }
}
