//! Where faer's matrices and work space come from: views of ndarray
//! storage, and allocations that ask the memory budget first and fail with
//! an error instead of aborting (faer's own `Mat::zeros` and `MemBuffer::new`
//! abort when the system refuses).

use crate::error::{Result, RuntimeError};
use crate::memory;
use faer::dyn_stack::{MemBuffer, StackReq};
use faer::{Mat, MatMut, MatRef};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// A faer view of an ndarray view: the same memory and strides, so a
/// transposed view (`x.t()`) or a block is read in place.
pub(super) fn view<'a>(a: ArrayView2<'a, f64>) -> MatRef<'a, f64> {
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
pub(super) fn view_mut<'a>(mut a: ArrayViewMut2<'a, f64>) -> MatMut<'a, f64> {
    let (m, n) = a.dim();
    let (s0, s1) = (a.strides()[0], a.strides()[1]);
    #[allow(unsafe_code)]
    // SAFETY: as in `view`; the ndarray view is a unique borrow for 'a and
    // is moved in here, so the faer view is the only access to the memory.
    unsafe {
        MatMut::from_raw_parts_mut(a.as_mut_ptr(), m, n, s0, s1)
    }
}

fn refused(bytes: f64) -> RuntimeError {
    RuntimeError::OutOfMemory {
        bytes,
        held: memory::held() as f64,
        budget: memory::budget() as f64,
    }
}

/// An `m × n` faer matrix whose entry `(i, j)` is `f(i, j)`, checked
/// against the budget and allocated fallibly. The layout is `Mat::zeros`'s
/// (column-major, columns padded alike), so faer's kernels take the same
/// paths, and give the same bits, as in its own solvers.
pub(super) fn mat_from_fn(
    m: usize,
    n: usize,
    f: impl FnMut(usize, usize) -> f64,
) -> Result<Mat<f64>> {
    memory::reserve_elements(m.saturating_mul(n), std::mem::size_of::<f64>())?;
    let mut out = Mat::new();
    out.try_reserve(m, n)
        .map_err(|_| refused(m as f64 * n as f64 * 8.0))?;
    out.resize_with(m, n, f);
    Ok(out)
}

/// An `m × n` faer matrix of zeros (see [`mat_from_fn`]).
pub(super) fn zeros(m: usize, n: usize) -> Result<Mat<f64>> {
    mat_from_fn(m, n, |_, _| 0.0)
}

/// An owned column-major copy of `a`, as faer's solvers make before
/// factoring in place.
pub(super) fn owned(a: MatRef<'_, f64>) -> Result<Mat<f64>> {
    let (m, n) = (a.nrows(), a.ncols());
    if a.row_stride() == 1 || m.saturating_mul(n) < TILED_COPY_ELEMENTS {
        return mat_from_fn(m, n, |i, j| a[(i, j)]);
    }
    // A row-major source read column by column touches a new cache line
    // (and for large rows a new page) at every element: 1000² took 3 ms
    // so, against 0.9 ms in tiles that stay in L1.
    let mut out = zeros(m, n)?;
    for_tiles(m, n, |i, j| out[(i, j)] = a[(i, j)]);
    Ok(out)
}

/// Below this many elements a matrix fits in L2 and the plain copy is as
/// fast as the tiled one.
const TILED_COPY_ELEMENTS: usize = 1 << 15;

/// Visits every `(i, j)` of an `m × n` matrix in 32 × 32 tiles, `i` fastest
/// within a tile, so both a row-major and a column-major operand stay in
/// cache while a tile is copied between them.
fn for_tiles(m: usize, n: usize, mut f: impl FnMut(usize, usize)) {
    const TILE: usize = 32;
    for j0 in (0..n).step_by(TILE) {
        for i0 in (0..m).step_by(TILE) {
            for j in j0..(j0 + TILE).min(n) {
                for i in i0..(i0 + TILE).min(m) {
                    f(i, j);
                }
            }
        }
    }
}

/// Work space for one faer call, checked against the budget and allocated
/// fallibly: a request that cannot be had is an error, not an abort.
pub(super) fn scratch(req: StackReq) -> Result<MemBuffer> {
    // `usize::MAX` when the size computation overflowed.
    let bytes = req.unaligned_bytes_required();
    memory::reserve(bytes)?;
    MemBuffer::try_new(req).map_err(|_| refused(bytes as f64))
}

/// An ndarray copy of a faer matrix, allocated through the budget.
pub(super) fn to_array(a: MatRef<'_, f64>) -> Result<Array2<f64>> {
    let (m, n) = (a.nrows(), a.ncols());
    let mut data = memory::try_vec(m.saturating_mul(n))?;
    if a.col_stride() == 1 || m.saturating_mul(n) < TILED_COPY_ELEMENTS {
        for i in 0..m {
            data.extend((0..n).map(|j| a[(i, j)]));
        }
    } else {
        // faer's column-major result into row-major storage: in tiles, as
        // in `owned`.
        data.resize(m * n, 0.0);
        for_tiles(m, n, |i, j| data[i * n + j] = a[(i, j)]);
    }
    Ok(Array2::from_shape_vec((m, n), data).expect("m·n entries in row-major order"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryBudget;

    #[test]
    fn work_space_beyond_the_budget_is_an_error() {
        let _b = MemoryBudget::set(Some(memory::held() + (16 << 20)));
        let Err(e) = scratch(StackReq::new::<f64>(1 << 30)) else {
            panic!("1 GiB of work space over a 16 MiB budget was allocated")
        };
        assert!(matches!(e, RuntimeError::OutOfMemory { .. }), "{e}");
        assert!(scratch(StackReq::OVERFLOW).is_err());
        assert!(zeros(1 << 16, 1 << 16).is_err());
        assert!(zeros(usize::MAX, 2).is_err());
        assert!(scratch(StackReq::new::<f64>(1000)).is_ok());
    }

    #[test]
    fn copies_keep_every_entry_in_place() {
        let a = ndarray::array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let m = owned(view(a.t())).unwrap();
        assert_eq!((m.nrows(), m.ncols()), (3, 2));
        assert_eq!(to_array(m.as_ref()).unwrap(), a.t());
        assert_eq!(m.as_ref(), Mat::<f64>::from_fn(3, 2, |i, j| a[[j, i]]));
    }

    #[test]
    fn tiled_copies_keep_every_entry_in_place() {
        // Sizes over the tiling threshold and not multiples of the tile.
        for (m, n) in [(300, 117), (33, 1000), (1000, 40)] {
            let a = Array2::from_shape_fn((m, n), |(i, j)| (i * 7919 + j) as f64);
            let f = owned(view(a.view())).unwrap();
            assert_eq!(f.as_ref(), Mat::<f64>::from_fn(m, n, |i, j| a[[i, j]]));
            assert_eq!(to_array(f.as_ref()).unwrap(), a);
            let t = owned(view(a.t())).unwrap();
            assert_eq!(to_array(t.as_ref()).unwrap(), a.t());
        }
    }
}
