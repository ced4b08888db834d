//! The matrix product: faer's, on one thread below
//! [`PARALLEL_MATMUL_FLOPS`], and above [`INTERRUPT_BLOCK_FLOPS`] in blocks
//! that Ctrl-C can stop between.

use super::with_view;
use crate::error::Result;
use faer::{Accum, MatMut, MatRef, Par};
use ndarray::{Array2, ArrayView2, ShapeBuilder};

/// Products with fewer multiply-adds than this run on one thread: starting
/// rayon costs more than it saves below it (measured on 2 cores with
/// `cargo bench -p mla-runtime --bench matmul`: the crossover is 160–192).
pub const PARALLEL_MATMUL_FLOPS: usize = 192 * 192 * 192;

fn parallelism(flops: usize) -> Par {
    if flops >= PARALLEL_MATMUL_FLOPS {
        Par::rayon(0)
    } else {
        Par::Seq
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
    product(
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
    match product(a.into(), b.into(), usize::MAX, || Ok(())) {
        Ok(p) => p,
        Err(_) => unreachable!("a product that never checks cannot be interrupted"),
    }
}

/// `a * b` in blocks of about `block` multiply-adds, calling `check`
/// between them.
fn product(
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
    let par = parallelism(flops);
    let blocks = flops.div_ceil(block.max(1));
    let slice = out
        .as_slice_memory_order_mut()
        .expect("fresh matrix is contiguous");
    let mut dst = MatMut::from_column_major_slice_mut(slice, m, n);
    let mul = |dst: MatMut<'_, f64>, accum, lhs: MatRef<'_, f64>, rhs: MatRef<'_, f64>| {
        faer::linalg::matmul::matmul(dst, accum, lhs, rhs, 1.0, par)
    };
    with_view(a, |lhs| {
        with_view(b, |rhs| {
            if blocks <= 1 {
                mul(dst.as_mut(), Accum::Replace, lhs, rhs);
            } else if k / blocks >= MIN_INNER_BLOCK {
                // Blocks of the inner dimension, each added into the result:
                // faer's kernel walks the inner dimension in panels and adds
                // each into the result anyway, so this costs no extra work,
                // where blocks of rows or columns would pack the other
                // operand again for each block.
                let width = k.div_ceil(blocks);
                for (i, p) in (0..k).step_by(width).enumerate() {
                    if i > 0 {
                        check()?;
                    }
                    let w = width.min(k - p);
                    let accum = if i == 0 { Accum::Replace } else { Accum::Add };
                    mul(dst.as_mut(), accum, lhs.subcols(p, w), rhs.subrows(p, w));
                }
            } else if m > n {
                let height = m.div_ceil(blocks);
                for (i, r) in (0..m).step_by(height).enumerate() {
                    if i > 0 {
                        check()?;
                    }
                    let h = height.min(m - r);
                    mul(
                        dst.as_mut().subrows_mut(r, h),
                        Accum::Replace,
                        lhs.subrows(r, h),
                        rhs,
                    );
                }
            } else {
                let width = n.div_ceil(blocks);
                for (i, c) in (0..n).step_by(width).enumerate() {
                    if i > 0 {
                        check()?;
                    }
                    let w = width.min(n - c);
                    mul(
                        dst.as_mut().subcols_mut(c, w),
                        Accum::Replace,
                        lhs,
                        rhs.subcols(c, w),
                    );
                }
            }
            Ok(())
        })
    })?;
    super::clear_upper_simd_state();
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
            let got = product(a.view(), b.view(), m * n * k / 3, count).unwrap();
            assert!(close(&got, &want, 1e-9), "{m}×{k}×{n}");
            assert!(checks.get() >= 2, "{m}×{k}×{n} ran in blocks");
        }
        let a = Array2::<f64>::ones((20, 20));
        let _w = crate::interrupt::watch(Arc::new(AtomicBool::new(true)));
        let stopped = product(a.view(), a.view(), 400, crate::interrupt::check);
        assert_eq!(stopped, Err(RuntimeError::Interrupted { abandoned: None }));
        // One block: nothing to stop between.
        assert!(matmul(&a, &a).is_ok());
    }
}
