//! What a linear algebra backend provides: raw products and
//! decompositions, nothing else. Argument checks, ordering, sign
//! normalisation, thresholds and threads are the facade's (`linalg`), so
//! that every backend gives the same values and the same errors.

use crate::error::{Result, RuntimeError};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// How many threads one call may use; the facade decides from the size of
/// the work (see [`super::PARALLEL_DECOMPOSITION_WORK`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    /// The calling thread only.
    One,
    /// Every core.
    All,
    /// Two threads, on any machine: a split whose parts are summed gives
    /// the same bits everywhere only if the number of parts is fixed.
    Two,
}

/// Why an iterative decomposition gave no result.
#[derive(Debug)]
pub enum Failure {
    /// The iteration did not converge.
    NotConverged,
    /// Memory for its work or its result was refused (the budget's error).
    Memory(RuntimeError),
}

impl From<RuntimeError> for Failure {
    fn from(e: RuntimeError) -> Self {
        Failure::Memory(e)
    }
}

/// The factors of an LU decomposition with partial pivoting.
pub trait LuFactors: Send + 'static {
    /// The diagonal of `U`, in order (an exact zero: the matrix is singular).
    fn u_diagonal(&self) -> Vec<f64>;
    /// The inverse of the factored matrix (only asked when no pivot is 0).
    fn inverse(&self, threads: Threads) -> Result<Array2<f64>>;
    /// The solution `x` of `a x = b` (only asked when no pivot is 0).
    fn solve(&self, b: ArrayView2<'_, f64>, threads: Threads) -> Result<Array2<f64>>;
}

/// A linear algebra library behind the facade. Inputs are never empty
/// (the facade answers empty cases itself) and hold finite values where the
/// facade requires them. Each call runs on the [`Threads`] it is given and
/// sets nothing process-wide; memory it cannot have is an error.
pub trait Backend: 'static {
    /// The LU factors this backend produces.
    type Lu: LuFactors;

    /// One line for `mla --version`: the library, and its BLAS and threads
    /// where known.
    fn describe() -> String;

    /// `out = a * b`, or `out += a * b` when `accumulate`; shapes agree.
    fn gemm(
        out: ArrayViewMut2<'_, f64>,
        accumulate: bool,
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        threads: Threads,
    );

    /// Eigenvalues of a symmetric matrix in ascending order and, with
    /// `vectors`, its unit eigenvectors as columns in the same order.
    fn eigh(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> std::result::Result<(Vec<f64>, Option<Array2<f64>>), Failure>;

    /// Eigenvalues `(re, im)` of a general square matrix in any order and,
    /// with `vectors`, the real parts of its eigenvectors in the same order.
    #[allow(clippy::type_complexity)]
    fn eig(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> std::result::Result<(Vec<(f64, f64)>, Option<Array2<f64>>), Failure>;

    /// Singular values in descending order and, with `vectors`, the thin
    /// factors `u` (m×k) and `vt` (k×n).
    #[allow(clippy::type_complexity)]
    fn svd(
        a: ArrayView2<'_, f64>,
        vectors: bool,
        threads: Threads,
    ) -> std::result::Result<(Vec<f64>, Option<(Array2<f64>, Array2<f64>)>), Failure>;

    /// Thin QR: `q` m×k with orthonormal columns, `r` k×n upper triangular.
    fn qr(a: ArrayView2<'_, f64>, threads: Threads) -> Result<(Array2<f64>, Array2<f64>)>;

    /// The lower Cholesky factor read from the lower triangle of `a`, or
    /// `None` when `a` is not positive definite.
    fn cholesky(a: ArrayView2<'_, f64>, threads: Threads) -> Result<Option<Array2<f64>>>;

    /// LU with partial pivoting of a square matrix.
    fn lu(a: ArrayView2<'_, f64>, threads: Threads) -> Result<Self::Lu>;

    /// The determinant of a square matrix.
    fn det(a: ArrayView2<'_, f64>, threads: Threads) -> Result<f64>;

    /// The least-squares solution of a tall system whose rank is full to a
    /// tolerance of `m · eps` relative to its largest singular value (or
    /// largest pivot); `None` when it is not, so that the facade falls back
    /// to the minimum-norm solution.
    fn lstsq_full_rank(
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        threads: Threads,
    ) -> Result<Option<Array2<f64>>>;
}
