//! The matrix product: the backend's, on one thread below
//! [`PARALLEL_MATMUL_FLOPS`] (matrix-vector products on two from
//! [`PARALLEL_MATVEC_ELEMENTS`]), and above [`INTERRUPT_BLOCK_FLOPS`] in
//! blocks that Ctrl-C can stop between.

use super::{Active, Backend, Threads};
use crate::error::Result;
use ndarray::{s, Array2, ArrayView2, ShapeBuilder};

/// Products with fewer multiply-adds than this run on one thread: starting
/// rayon costs more than it saves below it (measured on 2 cores with
/// `cargo bench -p mla-runtime --bench matmul`: the crossover is 160–192).
pub const PARALLEL_MATMUL_FLOPS: usize = 192 * 192 * 192;

/// Matrix-vector products whose matrix has at least this many elements
/// run on two threads (faer's backend; OpenBLAS chooses its own): they read the matrix once, so the cost is memory
/// traffic, which two cores share better than one. Measured on 2 cores,
/// `X * w` and `X' * r`, µs on one thread / on both: 2000×100 34 / 35 and
/// 36 / 47; 5000×100 133 / 106 and 138 / 107; 20000×100 675 / 440–560
/// (NumPy's OpenBLAS threads its `gemv` too: 650 µs on one, 340 on two).
pub const PARALLEL_MATVEC_ELEMENTS: usize = 1 << 18;

fn threads(m: usize, k: usize, n: usize) -> Threads {
    let flops = m.saturating_mul(n).saturating_mul(k);
    let matvec = m == 1 || n == 1;
    if matvec && flops >= PARALLEL_MATVEC_ELEMENTS {
        // faer sums `X' * r` in one part per thread: two parts on every
        // machine keep the bits the same everywhere.
        Threads::Two
    } else if flops >= PARALLEL_MATMUL_FLOPS {
        Threads::All
    } else {
        Threads::One
    }
}

/// Multiply-adds in one block of a product between two looks at the
/// interrupt flag: about 0.4 s on 2 cores, so Ctrl-C stops a product
/// within half a second. Smaller products run whole, as before (see
/// `cargo bench -p mla-runtime --bench matmul_blocks` for the cost).
pub const INTERRUPT_BLOCK_FLOPS: usize = 1 << 33;

/// The thinnest block of the inner dimension worth a call of its own (a few
/// of faer's panels); a product with a shorter inner dimension is split
/// along its rows or columns instead.
const MIN_INNER_BLOCK: usize = 256;

/// The matrix product `a * b`; shapes must already agree. Either side may
/// be a view (`x.t()`): a transposed operand is read in place, as BLAS
/// reads `A'` with its `trans` flag. Stops with
/// [`RuntimeError::Interrupted`] between blocks when asked to.
pub fn matmul<'a, 'b>(
    a: impl Into<ArrayView2<'a, f64>>,
    b: impl Into<ArrayView2<'b, f64>>,
) -> Result<Array2<f64>> {
    matmul_in::<Active>(a, b)
}

/// [`matmul`] on backend `B`.
pub fn matmul_in<'a, 'b, B: Backend>(
    a: impl Into<ArrayView2<'a, f64>>,
    b: impl Into<ArrayView2<'b, f64>>,
) -> Result<Array2<f64>> {
    product::<B>(
        a.into(),
        b.into(),
        INTERRUPT_BLOCK_FLOPS,
        crate::interrupt::check,
    )
}

/// The matrix product `a * b`, never interrupted (for the backward pass
/// of autodiff, which looks at the flag between its steps).
pub(crate) fn matmul_whole<'a, 'b>(
    a: impl Into<ArrayView2<'a, f64>>,
    b: impl Into<ArrayView2<'b, f64>>,
) -> Array2<f64> {
    match product::<Active>(a.into(), b.into(), usize::MAX, || Ok(())) {
        Ok(p) => p,
        Err(_) => unreachable!("a product that never checks cannot be interrupted"),
    }
}

/// `a * b` in blocks of about `block` multiply-adds, calling `check`
/// between them.
fn product<B: Backend>(
    a: ArrayView2<'_, f64>,
    b: ArrayView2<'_, f64>,
    block: usize,
    check: impl Fn() -> Result<()>,
) -> Result<Array2<f64>> {
    let (m, k) = a.dim();
    let n = b.ncols();
    let mut out = Array2::<f64>::zeros((m, n).f());
    if m == 0 || n == 0 || k == 0 {
        return Ok(out);
    }
    let flops = m.saturating_mul(n).saturating_mul(k);
    let threads = threads(m, k, n);
    let blocks = flops.div_ceil(block.max(1));
    if blocks <= 1 {
        B::gemm(out.view_mut(), false, a, b, threads);
    } else if k / blocks >= MIN_INNER_BLOCK {
        // Blocks of the inner dimension, each added into the result: the
        // kernels walk the inner dimension in panels and add each into the
        // result anyway, so this costs no extra work, where blocks of rows
        // or columns would pack the other operand again for each block.
        let width = k.div_ceil(blocks);
        for (i, p) in (0..k).step_by(width).enumerate() {
            if i > 0 {
                check()?;
            }
            let w = width.min(k - p);
            B::gemm(
                out.view_mut(),
                i > 0,
                a.slice(s![.., p..p + w]),
                b.slice(s![p..p + w, ..]),
                threads,
            );
        }
    } else if m > n {
        let height = m.div_ceil(blocks);
        for (i, r) in (0..m).step_by(height).enumerate() {
            if i > 0 {
                check()?;
            }
            let h = height.min(m - r);
            B::gemm(
                out.slice_mut(s![r..r + h, ..]),
                false,
                a.slice(s![r..r + h, ..]),
                b,
                threads,
            );
        }
    } else {
        let width = n.div_ceil(blocks);
        for (i, c) in (0..n).step_by(width).enumerate() {
            if i > 0 {
                check()?;
            }
            let w = width.min(n - c);
            B::gemm(
                out.slice_mut(s![.., c..c + w]),
                false,
                a,
                b.slice(s![.., c..c + w]),
                threads,
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RuntimeError;

    fn close(a: &Array2<f64>, b: &Array2<f64>, tol: f64) -> bool {
        a.dim() == b.dim() && a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() <= tol)
    }

    #[test]
    fn matmul_matches_naive_in_both_regimes() {
        for n in [3usize, 150] {
            let a = Array2::from_shape_fn((n, n + 1), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
            let b = Array2::from_shape_fn((n + 1, n), |(i, j)| ((i * 5 + j) % 13) as f64 / 3.0);
            let want = a.dot(&b);
            assert!(close(&matmul(&a, &b).unwrap(), &want, 1e-9));
            // transposed (column-major) operands take the other view path
            let at = a.t().to_owned().reversed_axes();
            assert!(close(&matmul(&at, &b).unwrap(), &want, 1e-9));
        }
    }

    #[test]
    fn products_in_blocks_match_and_stop_between_blocks() {
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        // Wide and tall results split along their longer side.
        // Inner-dimension blocks, then rows or columns when it is short.
        for (m, k, n) in [(9, 1200, 11), (7, 5, 40), (40, 5, 7), (9, 9, 9)] {
            let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
            let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 5 + j) % 13) as f64 / 3.0);
            let want = a.dot(&b);
            let checks = std::cell::Cell::new(0);
            let count = || {
                checks.set(checks.get() + 1);
                Ok(())
            };
            let got = product::<Active>(a.view(), b.view(), m * n * k / 3, count).unwrap();
            assert!(close(&got, &want, 1e-9), "{m}×{k}×{n}");
            assert!(checks.get() >= 2, "{m}×{k}×{n} ran in blocks");
        }
        let a = Array2::<f64>::ones((20, 20));
        let _w = crate::interrupt::watch(Arc::new(AtomicBool::new(true)));
        let stopped = product::<Active>(a.view(), a.view(), 400, crate::interrupt::check);
        assert_eq!(stopped, Err(RuntimeError::Interrupted { abandoned: None }));
        // One block: nothing to stop between.
        assert!(matmul(&a, &a).is_ok());
    }
}
