//! Pure ndarray kernels: no values, no tape, no builtin table (only the
//! error type, the memory check and the interrupt flag below them). The
//! operators, the builtins and the gradient rules all call these, so each
//! computation is written once.

use crate::error::{Result, RuntimeError, Shape};
use crate::interrupt;
use crate::memory::check_alloc;
use ndarray::{Array2, ArrayView2, Axis};

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

/// The sum of each line along `dim`, or with `mean` its mean: the same bits
/// as [`reduce`] with a sequential sum, for `sum` and `mean` plain and
/// traced. Down the columns it adds row after row into one accumulator per
/// column, so the additions of neighbouring columns run side by side in
/// vector registers; summing one column at a time waits for each addition
/// to finish (about 1.3 ns an element; `sum(D, 1)` was 5% of a small
/// network's step).
pub(crate) fn sum_along(m: &Array2<f64>, dim: Dim, mean: bool) -> Array2<f64> {
    let finish = move |s: f64, count: usize| if mean { s / count as f64 } else { s };
    match dim {
        Dim::Down => {
            // `Iterator::sum` for f64 starts at -0.0; so do these.
            let mut acc = vec![-0.0f64; m.ncols()];
            let columns: Option<Vec<&[f64]>> =
                m.columns().into_iter().map(|c| c.to_slice()).collect();
            match (m.as_slice(), columns) {
                (Some(all), _) => {
                    for row in all.chunks_exact(m.ncols().max(1)) {
                        acc.iter_mut().zip(row).for_each(|(a, x)| *a += x);
                    }
                }
                // Column-major (a product's result): the columns side by
                // side, a row of each at a time, so the additions still
                // run independently.
                (None, Some(columns)) => {
                    for (acc, columns) in acc.chunks_mut(8).zip(columns.chunks(8)) {
                        sum_columns(acc, columns, m.nrows());
                    }
                }
                (None, None) => {
                    for row in m.rows() {
                        acc.iter_mut().zip(row).for_each(|(a, x)| *a += x);
                    }
                }
            }
            let out = acc.into_iter().map(|s| finish(s, m.nrows())).collect();
            Array2::from_shape_vec((1, m.ncols()), out).expect("1×n")
        }
        _ => reduce(m, dim, |l| finish(l.iter().sum(), l.len())),
    }
}

/// Adds the first `n` entries of each of up to 8 columns into `acc`, each
/// column in order, with the columns' sums in registers side by side: one
/// column at a time waits for each addition, and one accumulator in memory
/// per column stored and reloaded it (3 cycles an element).
fn sum_columns(acc: &mut [f64], columns: &[&[f64]], n: usize) {
    if let (Ok(acc), Ok(c)) = (
        <&mut [f64; 8]>::try_from(&mut *acc),
        <&[&[f64]; 8]>::try_from(columns),
    ) {
        let c = c.map(|c| &c[..n]);
        let mut a = *acc;
        // `i` walks eight columns at once, which no one iterator does.
        #[allow(clippy::needless_range_loop)]
        for i in 0..n {
            for k in 0..8 {
                a[k] += c[k][i];
            }
        }
        *acc = a;
        return;
    }
    for (a, c) in acc.iter_mut().zip(columns) {
        *a = c[..n].iter().fold(*a, |s, x| s + x);
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

/// The largest element of each line, shaped 1×1, n×1 or 1×n by `lines`:
/// NaN when the line has a NaN (as NumPy's `max`), -Inf when it is empty.
fn line_max(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    match lines {
        Lines::Whole => Array2::from_elem((1, 1), max_of(m.iter())),
        Lines::Rows => m
            .map_axis(Axis(1), |l| max_of(l.iter()))
            .insert_axis(Axis(1)),
        Lines::Cols => m
            .map_axis(Axis(0), |l| max_of(l.iter()))
            .insert_axis(Axis(0)),
    }
}

/// The largest of `xs` as [`line_max`] defines it.
fn max_of<'a>(xs: impl Iterator<Item = &'a f64>) -> f64 {
    xs.fold(f64::NEG_INFINITY, |a, &b| {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.max(b)
        }
    })
}

/// The sum of each line, shaped as [`line_max`] shapes.
fn line_sum(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    match lines {
        Lines::Whole => Array2::from_elem((1, 1), m.sum()),
        Lines::Rows => m.sum_axis(Axis(1)).insert_axis(Axis(1)),
        Lines::Cols => m.sum_axis(Axis(0)).insert_axis(Axis(0)),
    }
}

/// e^(x - max) for each element and its line's largest element, and those
/// maxima: the exponentials of a whole matrix in one vectorized pass
/// ([`crate::vecmath`]), not one libm call each (the digits MLP spent 11%
/// of its steps in glibc's `exp` here).
fn shifted_exp(m: &Array2<f64>, lines: Lines) -> (Array2<f64>, Array2<f64>) {
    let max = line_max(m, lines);
    let full = max
        .broadcast(m.dim())
        .expect("one value per line broadcasts");
    let mut e = ndarray::Zip::from(m).and(&full).map_collect(|x, s| x - s);
    match e.as_slice_memory_order_mut() {
        Some(z) => crate::vecmath::exp_in_place(z),
        None => unreachable!("a collected array is in one piece"),
    }
    (e, max)
}

/// log(sum(exp(.))) of each line: 1×1, n×1 (rows) or 1×n (columns), as
/// max + log(sum(exp(x - max))) so nothing overflows. A line with a NaN
/// gives NaN (as NumPy), one whose largest element is infinite gives it
/// (as SciPy), an empty line -Inf.
pub(crate) fn logsumexp_of(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    let (e, max) = shifted_exp(m, lines);
    lse_of(&max, &line_sum(&e, lines))
}

/// max + log(sum) per line, or the maximum where it is not finite.
fn lse_of(max: &Array2<f64>, sum: &Array2<f64>) -> Array2<f64> {
    ndarray::Zip::from(max)
        .and(sum)
        .map_collect(|&mx, &s| if mx.is_finite() { mx + s.ln() } else { mx })
}

/// exp(x - max) / sum(exp(x - max)) along each line, so nothing
/// overflows. A line with a NaN gives NaN throughout; one whose largest
/// element is infinite gives exp(x - max) unscaled (NaN where x is that
/// element), as exp(x - logsumexp) does.
pub(crate) fn softmax_of(m: &Array2<f64>, lines: Lines) -> Array2<f64> {
    softmax_and_logsumexp(m, lines).0
}

/// [`softmax_of`] and [`logsumexp_of`] from one pass of exponentials (the
/// gradient of logsumexp is softmax).
pub(crate) fn softmax_and_logsumexp(m: &Array2<f64>, lines: Lines) -> (Array2<f64>, Array2<f64>) {
    let (mut e, max) = shifted_exp(m, lines);
    let sum = line_sum(&e, lines);
    let lse = lse_of(&max, &sum);
    let scale =
        ndarray::Zip::from(&max)
            .and(&sum)
            .map_collect(|&mx, &s| if mx.is_finite() { s } else { 1.0 });
    let full = scale
        .broadcast(e.dim())
        .expect("one value per line broadcasts");
    ndarray::Zip::from(&mut e)
        .and(&full)
        .for_each(|x, s| *x /= s);
    (e, lse)
}

/// `ln x` clamped at -100, as PyTorch's losses do.
pub(crate) fn clamped_ln(x: f64) -> f64 {
    x.ln().max(-100.0)
}

/// `-Σ y ln p` over the entries whose target `y` is not 0, `ln` clamped,
/// in the order ndarray's `Zip` takes (memory order when `p` and `y` share
/// a layout): the value of `cross_entropy` before it divides by the rows,
/// for the plain and the traced call alike. The entries are
/// gathered first and their logarithms taken after: in one loop LLVM took
/// `ln` of every entry and kept the ones it needed (83 µs for a one-hot
/// 1797×10, 10 logarithms for each one used).
pub(crate) fn cross_entropy_sum(p: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> f64 {
    const BATCH: usize = 64;
    let mut batch = [(0.0f64, 0.0f64); BATCH];
    let mut used = 0;
    let mut acc = 0.0;
    let mut visit = |p: f64, y: f64| {
        // Written always and kept only when `y` is not 0: a branch on `y`
        // mispredicts at every one of a one-hot row's ones.
        batch[used] = (p, y);
        used += usize::from(y != 0.0);
        if used == BATCH {
            acc = batch
                .iter()
                .fold(acc, |acc, (p, y)| acc - y * clamped_ln(*p));
            used = 0;
        }
    };
    // In memory order when both share a layout (a product's result is
    // column-major), else in the order `Zip` prefers for the pair: ndarray's
    // element iterator over two dimensions cost ~3 ns an element.
    ndarray::Zip::from(p).and(y).for_each(|p, y| visit(*p, *y));
    batch[..used]
        .iter()
        .fold(acc, |acc, (p, y)| acc - y * clamped_ln(*p))
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn sums_down_the_columns_give_the_bits_of_one_column_at_a_time() {
        let m = Array2::from_shape_fn((301, 13), |(i, j)| {
            ((i * 31 + j * 17) % 101) as f64 * 10f64.powi((i % 7) as i32 - 3) - 0.3
        });
        let mut gaps = Array2::from_shape_fn((301, 26), |(i, j)| m[[i, j / 2]]);
        gaps.slice_collapse(ndarray::s![.., ..;2]);
        let column_major = m.t().as_standard_layout().into_owned().reversed_axes();
        assert!(column_major.as_slice().is_none() && column_major == m);
        for a in [
            &m,
            &m.t().as_standard_layout().into_owned(),
            &gaps,
            &column_major,
        ] {
            for mean in [false, true] {
                let want = reduce(a, Dim::Down, |l| {
                    let s: f64 = l.iter().sum();
                    if mean {
                        s / l.len() as f64
                    } else {
                        s
                    }
                });
                assert_eq!(sum_along(a, Dim::Down, mean), want);
            }
        }
        // A column of negative zeros sums to -0, as `Iterator::sum` does.
        let z = sum_along(&Array2::from_elem((3, 2), -0.0), Dim::Down, false);
        assert!(z.iter().all(|x| *x == 0.0 && x.is_sign_negative()));
    }

    #[test]
    fn cross_entropy_sums_every_used_entry_across_batches() {
        // 203 × 3 with targets on 2 of every 3 entries: 406 used, 6 full
        // batches of 64 and 22 left; a zero probability is clamped.
        let p = Array2::from_shape_fn((203, 3), |(i, j)| ((i * 3 + j) % 17) as f64 / 16.0);
        let y = Array2::from_shape_fn((203, 3), |(i, j)| if (i + j) % 3 == 0 { 0.0 } else { 0.5 });
        // One entry at a time in row-major order, the clamp written out.
        let row_by_row = |p: &Array2<f64>, y: &Array2<f64>| {
            p.iter()
                .zip(y.iter())
                .filter(|(_, y)| **y != 0.0)
                .fold(0.0, |acc, (p, y)| acc - y * p.ln().max(-100.0))
        };
        let want = row_by_row(&p, &y);
        assert_eq!(cross_entropy_sum(p.view(), y.view()), want);
        // Transposed views share a (column-major) layout and are read in
        // memory order; a row-major `p` with a column-major `y`, row by row.
        assert_eq!(cross_entropy_sum(p.t(), y.t()), want);
        let (pt, yt) = (
            p.t().as_standard_layout().into_owned(),
            y.t().as_standard_layout().into_owned(),
        );
        assert_eq!(cross_entropy_sum(pt.view(), y.t()), row_by_row(&pt, &yt));
        assert!(want > 100.0);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 4.0 * f64::EPSILON * b.abs()
    }

    #[test]
    fn softmax_and_logsumexp_agree_with_numpy_and_keep_their_edge_cases() {
        // NumPy: e = exp(x - x.max()); e / e.sum(); x.max() + log(e.sum())
        let p = softmax_of(&array![[1.0, 2.0, 3.0]], Lines::Rows);
        let want = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218];
        assert!(p.iter().zip(want).all(|(p, w)| close(*p, w)), "{p}");
        let l = logsumexp_of(&array![[1.0, 2.0, 3.0]], Lines::Whole);
        assert!(close(l[(0, 0)], 3.4076059644443806));
        // Large values do not overflow; each row by itself, or each column.
        let m = array![[1000.0, 1000.0], [-1000.0, 0.0]];
        assert_eq!(softmax_of(&m, Lines::Rows), array![[0.5, 0.5], [0.0, 1.0]]);
        assert_eq!(softmax_of(&m, Lines::Cols), array![[1.0, 1.0], [0.0, 0.0]]);
        // A line with Inf: exp(x - Inf), as exp(x - logsumexp(x)) gives.
        let p = softmax_of(&array![[1.0, f64::INFINITY]], Lines::Rows);
        assert_eq!(p[(0, 0)], 0.0);
        assert!(p[(0, 1)].is_nan());
        let all_minus_inf = array![[f64::NEG_INFINITY, f64::NEG_INFINITY]];
        assert_eq!(
            logsumexp_of(&all_minus_inf, Lines::Rows)[(0, 0)],
            f64::NEG_INFINITY
        );
        assert!(softmax_of(&all_minus_inf, Lines::Rows)
            .iter()
            .all(|x| x.is_nan()));
        assert!(logsumexp_of(&array![[f64::NAN, 1.0]], Lines::Rows)[(0, 0)].is_nan());
        // A line with a NaN is NaN, as NumPy gives, even beside Inf; an
        // empty line -Inf.
        assert!(logsumexp_of(&array![[f64::INFINITY, f64::NAN]], Lines::Rows)[(0, 0)].is_nan());
        let p = softmax_of(&array![[f64::INFINITY, 1.0, f64::NAN]], Lines::Rows);
        assert!(p.iter().all(|x| x.is_nan()), "{p}");
        assert!(logsumexp_of(&array![[f64::NAN]], Lines::Whole)[(0, 0)].is_nan());
        let nan_row = array![[f64::NAN, f64::NAN], [0.0, 0.0]];
        let l = logsumexp_of(&nan_row, Lines::Rows);
        assert!(l[(0, 0)].is_nan());
        assert!(close(l[(1, 0)], std::f64::consts::LN_2));
        assert!(softmax_of(&nan_row, Lines::Rows)
            .row(0)
            .iter()
            .all(|x| x.is_nan()));
        let empty = Array2::<f64>::zeros((2, 0));
        assert_eq!(
            logsumexp_of(&empty, Lines::Rows),
            Array2::from_elem((2, 1), f64::NEG_INFINITY)
        );
    }
}
