//! Pure ndarray kernels: no values, no tape, no builtin table (only the
//! error type, the memory check and the interrupt flag below them). The
//! operators, the builtins and the gradient rules all call these, so each
//! computation is written once.

use crate::error::{Result, RuntimeError, Shape};
use crate::interrupt;
use crate::memory::check_alloc;
use ndarray::{Array2, Axis};

/// A matrix built from column-major data.
pub fn from_column_major(rows: usize, cols: usize, data: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec((cols, rows), data)
        .expect("column-major data of the right length")
        .reversed_axes()
        .as_standard_layout()
        .into_owned()
}

/// A dimension argument for reductions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dim {
    /// Down each column (dim 1): one result per column. Named for the
    /// direction, not "rows", which `Lines::Rows` uses for "each row".
    Down,
    /// Across each row (dim 2): one result per row.
    Across,
    /// Every element.
    All,
}

/// MATLAB's rule: the first dimension whose size is not 1.
pub(crate) fn default_dim(m: &Array2<f64>) -> Dim {
    if m.nrows() != 1 {
        Dim::Down
    } else {
        Dim::Across
    }
}

/// Applies `f` to each line along `dim`.
pub(crate) fn reduce(m: &Array2<f64>, dim: Dim, f: impl Fn(&[f64]) -> f64) -> Array2<f64> {
    match dim {
        Dim::All => {
            let v: Vec<f64> = m.t().iter().copied().collect();
            Array2::from_elem((1, 1), f(&v))
        }
        Dim::Down => {
            let out: Vec<f64> = m.axis_iter(Axis(1)).map(|c| f(&c.to_vec())).collect();
            Array2::from_shape_vec((1, m.ncols()), out).expect("1×n")
        }
        Dim::Across => {
            let out: Vec<f64> = m.axis_iter(Axis(0)).map(|r| f(&r.to_vec())).collect();
            Array2::from_shape_vec((m.nrows(), 1), out).expect("n×1")
        }
    }
}

/// Which lines softmax and logsumexp work along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lines {
    /// The matrix as one vector.
    Whole,
    /// Each row (samples are rows: the default for a matrix).
    Rows,
    /// Each column.
    Cols,
}

/// One element of `relu`: NaN stays NaN (as NumPy's maximum(x, 0)).
pub(crate) fn relu_one(x: f64) -> f64 {
    if x > 0.0 || x.is_nan() {
        x
    } else {
        0.0
    }
}

fn lse(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = v.clone().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + v.map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// log(sum(exp(.))) of each line: 1×1, n×1 (rows) or 1×n (columns).
pub(crate) fn logsumexp_of(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    let per =
        |axis: Axis| -> Vec<f64> { m.axis_iter(axis).map(|l| lse(l.iter().copied())).collect() };
    match lines {
        Lines::Whole => Array2::from_elem((1, 1), lse(m.iter().copied())),
        Lines::Rows => Array2::from_shape_vec((m.nrows(), 1), per(Axis(0))).expect("n×1"),
        Lines::Cols => Array2::from_shape_vec((1, m.ncols()), per(Axis(1))).expect("1×n"),
    }
}

/// exp(z - logsumexp(z)) along each line, so nothing overflows.
pub(crate) fn softmax_of(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    let l = logsumexp_of(m, lines);
    let full = l.broadcast(m.dim()).expect("one value per line broadcasts");
    ndarray::Zip::from(m)
        .and(&full)
        .map_collect(|x, l| (x - l).exp())
}

/// `ln x` clamped at -100, as PyTorch's losses do.
pub(crate) fn clamped_ln(x: f64) -> f64 {
    x.ln().max(-100.0)
}

/// One element of `clamp`: NaN stays NaN.
pub(crate) fn clamp_one(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.clamp(lo, hi)
    }
}

/// The shape two operands broadcast to, or a broadcasting error.
pub fn broadcast_shape(op: &'static str, a: Shape, b: Shape) -> Result<Shape> {
    let dim = |x: usize, y: usize| {
        if x == y || y == 1 {
            Some(x)
        } else if x == 1 {
            Some(y)
        } else {
            None
        }
    };
    match (dim(a.0, b.0), dim(a.1, b.1)) {
        (Some(r), Some(c)) => {
            check_alloc(r, c)?;
            Ok((r, c))
        }
        _ => Err(RuntimeError::Broadcast {
            op,
            left: a,
            right: b,
        }),
    }
}

/// Applies `f` elementwise with broadcasting; `T` is f64 or bool output.
/// Large operands are worked through in chunks that Ctrl-C can stop.
pub(crate) fn zip_with<T: Clone + Default>(
    op: &'static str,
    a: &Array2<f64>,
    b: &Array2<f64>,
    f: impl Fn(f64, f64) -> T,
) -> Result<Array2<T>> {
    if a.dim() == b.dim() {
        return interrupt::zip(a.view(), b.view(), f);
    }
    let shape = broadcast_shape(op, a.dim(), b.dim())?;
    let av = a.broadcast(shape).expect("checked broadcast");
    let bv = b.broadcast(shape).expect("checked broadcast");
    interrupt::zip(av, bv, f)
}
