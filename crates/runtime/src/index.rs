//! Indexing `X[i, j]`, linear indexing `X[k]` (column-major) and indexed
//! assignment. Indices are 1-based at the surface and 0-based here.

use crate::display::format_scalar;
use crate::error::{shape_str, Result, RuntimeError, Shape};
use crate::value::Value;
use ndarray::Array2;
use std::sync::Arc;

pub use crate::value::external::IndexArg;

/// Resolves an index to 0-based positions (`None` means all).
fn resolve(arg: &IndexArg, size: usize, dim: u8, shape: Shape) -> Result<Option<Vec<usize>>> {
    let v = match arg {
        IndexArg::All => return Ok(None),
        IndexArg::Val(v) => v,
    };
    let one = |x: f64| -> Result<usize> {
        if x.fract() != 0.0 || x < 1.0 || !x.is_finite() {
            return Err(RuntimeError::BadIndex(format!(
                "index {} is not a positive whole number (indices start at 1)",
                format_scalar(x)
            )));
        }
        if x > size as f64 {
            return Err(RuntimeError::IndexOutOfRange {
                index: x,
                dim,
                size: shape,
            });
        }
        Ok(x as usize - 1)
    };
    match v {
        Value::Num(x) => Ok(Some(vec![one(*x)?])),
        Value::Matrix(m) => m
            .t()
            .iter()
            .map(|x| one(*x))
            .collect::<Result<_>>()
            .map(Some),
        Value::Bool(b) => mask(std::iter::once(*b), size, dim, shape),
        Value::Logical(m) => mask(m.t().iter().copied(), size, dim, shape),
        other => Err(RuntimeError::ty(
            "a number, range, index vector, `:` or logical mask as an index",
            other.describe(),
        )),
    }
}

fn mask(
    bits: impl Iterator<Item = bool>,
    size: usize,
    dim: u8,
    shape: Shape,
) -> Result<Option<Vec<usize>>> {
    let mut out = Vec::new();
    for (i, b) in bits.enumerate() {
        if b {
            if i >= size {
                return Err(RuntimeError::IndexOutOfRange {
                    index: (i + 1) as f64,
                    dim,
                    size: shape,
                });
            }
            out.push(i);
        }
    }
    Ok(Some(out))
}

fn all(n: usize) -> Vec<usize> {
    (0..n).collect()
}

fn gather2<T: Copy>(a: &Array2<T>, rows: &[usize], cols: &[usize]) -> Array2<T> {
    Array2::from_shape_fn((rows.len(), cols.len()), |(i, j)| a[[rows[i], cols[j]]])
}

fn gather_linear<T: Copy>(a: &Array2<T>, idx: &[usize], shape: Shape) -> Array2<T> {
    let r = a.nrows().max(1);
    let data: Vec<T> = idx.iter().map(|&k| a[[k % r, k / r]]).collect();
    // column-major fill of `shape`
    Array2::from_shape_vec((shape.1, shape.0), data)
        .expect("index count matches shape")
        .reversed_axes()
}

/// A whole-number index within `size`, as a 0-based position.
fn scalar_pos(arg: &IndexArg, size: usize) -> Option<usize> {
    match arg {
        IndexArg::Val(Value::Num(x)) if *x >= 1.0 && *x <= size as f64 && x.fract() == 0.0 => {
            Some(*x as usize - 1)
        }
        _ => None,
    }
}

/// `t[k]` of a tuple: its k-th item.
fn tuple_item(items: &[Value], k: &IndexArg) -> Result<Value> {
    let n = items.len();
    match k {
        IndexArg::Val(Value::Num(x)) if *x >= 1.0 && *x <= n as f64 && x.fract() == 0.0 => {
            Ok(items[*x as usize - 1].clone())
        }
        IndexArg::Val(Value::Num(x)) if x.fract() == 0.0 && *x >= 1.0 => {
            Err(RuntimeError::BadIndex(format!(
                "item {} is out of range: the tuple has {}",
                format_scalar(*x),
                crate::error::plural(n, "item")
            )))
        }
        _ => Err(RuntimeError::BadIndex(format!(
            "a tuple is indexed by one whole number from 1 to {n}"
        ))),
    }
}

/// `x[rows, cols]`.
pub fn index2(x: &Value, r: &IndexArg, c: &IndexArg) -> Result<Value> {
    if let Value::External(e) = x {
        return e.index(&[r.clone(), c.clone()]);
    }
    if let Value::Traced(_) = x {
        return crate::autodiff::index(x, |v| index2(v, r, c));
    }
    // The common case in loops, `A[i, j]`, without building index lists.
    if let Value::Matrix(m) = x {
        if let (Some(i), Some(j)) = (scalar_pos(r, m.nrows()), scalar_pos(c, m.ncols())) {
            return Ok(Value::Num(m[[i, j]]));
        }
    }
    let shape = x.shape();
    let rows = resolve(r, shape.0, 1, shape)?.unwrap_or_else(|| all(shape.0));
    let cols = resolve(c, shape.1, 2, shape)?.unwrap_or_else(|| all(shape.1));
    match x {
        Value::Logical(m) => Ok(Value::logical(gather2(m, &rows, &cols))),
        Value::Bool(b) => Ok(Value::logical(Array2::from_elem(
            (rows.len(), cols.len()),
            *b,
        ))),
        other => {
            let m = indexable(other)?;
            Ok(Value::matrix(gather2(&m, &rows, &cols)))
        }
    }
}

fn indexable(x: &Value) -> Result<std::borrow::Cow<'_, Array2<f64>>> {
    match x {
        Value::Num(_) | Value::Matrix(_) => x.to_matrix(),
        other => Err(RuntimeError::ty("a matrix to index", other.describe())),
    }
}

/// `x[k]`: linear (column-major) indexing.
pub fn index1(x: &Value, k: &IndexArg) -> Result<Value> {
    if let Value::External(e) = x {
        return e.index(std::slice::from_ref(k));
    }
    if let Value::Traced(_) = x {
        return crate::autodiff::index(x, |v| index1(v, k));
    }
    if let Value::Tuple(items) = x {
        return tuple_item(items, k);
    }
    if let Value::Matrix(m) = x {
        if let Some(p) = scalar_pos(k, m.len()) {
            let r = m.nrows();
            return Ok(Value::Num(m[[p % r, p / r]]));
        }
    }
    let shape = x.shape();
    let n = shape.0 * shape.1;
    let idx = resolve(k, n, 0, shape)?;
    let out_shape = match (&idx, k) {
        (None, _) => (n, 1),
        (Some(ix), IndexArg::Val(Value::Logical(_) | Value::Bool(_))) => {
            if shape.0 == 1 {
                (1, ix.len())
            } else {
                (ix.len(), 1)
            }
        }
        (Some(ix), IndexArg::Val(v)) => {
            let is = v.shape();
            let x_vec = shape.0 == 1 || shape.1 == 1;
            let i_vec = is.0 == 1 || is.1 == 1;
            if x_vec && i_vec {
                if shape.0 == 1 && shape.1 != 1 {
                    (1, ix.len())
                } else if shape.1 == 1 && shape.0 != 1 {
                    (ix.len(), 1)
                } else {
                    is
                }
            } else {
                is
            }
        }
        (Some(ix), IndexArg::All) => (ix.len(), 1),
    };
    let idx = idx.unwrap_or_else(|| all(n));
    match x {
        Value::Logical(m) => Ok(Value::logical(gather_linear(m, &idx, out_shape))),
        Value::Bool(b) => Ok(Value::logical(Array2::from_elem(out_shape, *b))),
        other => {
            let m = indexable(other)?;
            Ok(Value::matrix(gather_linear(&m, &idx, out_shape)))
        }
    }
}

fn traced(target: &Value, rhs: &Value) -> bool {
    matches!(target, Value::Traced(_)) || matches!(rhs, Value::Traced(_))
}

/// Takes the target as an owned-or-shared f64 matrix ready for writing.
fn writable(target: &mut Value) -> Result<&mut Array2<f64>> {
    let m = match target {
        Value::Matrix(_) => None,
        Value::Num(_) | Value::Bool(_) | Value::Logical(_) => {
            Some(target.to_matrix()?.into_owned())
        }
        other => {
            return Err(RuntimeError::ty(
                "a matrix to assign into",
                other.describe(),
            ))
        }
    };
    if let Some(m) = m {
        *target = Value::Matrix(Arc::new(m));
    }
    match target {
        Value::Matrix(m) => Ok(Arc::make_mut(m)),
        _ => unreachable!("just made a matrix"),
    }
}

fn source(rhs: &Value, count: Shape) -> Result<Vec<f64>> {
    let n = count.0 * count.1;
    if let Some(x) = rhs.as_scalar() {
        return Ok(vec![x; n]);
    }
    let rs = rhs.shape();
    let same = rs == count
        || (rs.0 * rs.1 == n && (count.0 == 1 || count.1 == 1) && (rs.0 == 1 || rs.1 == 1));
    if !same {
        return Err(RuntimeError::Shape(format!(
            "cannot assign {} to a {} selection",
            rhs.describe(),
            shape_str(count)
        )));
    }
    rhs.elements()
}

fn is_empty_matrix(v: &Value) -> bool {
    matches!(v, Value::Matrix(m) if m.is_empty())
}

/// The largest position a numeric index names (1-based), if it is a list
/// of positive whole numbers; anything else is left for `resolve` to judge.
fn largest(arg: &IndexArg) -> Option<usize> {
    let whole = |x: f64| (x >= 1.0 && x.fract() == 0.0 && x.is_finite()).then_some(x);
    let top = match arg {
        IndexArg::Val(Value::Num(x)) => whole(*x)?,
        IndexArg::Val(Value::Matrix(m)) => m
            .iter()
            .try_fold(0.0f64, |acc, &x| whole(x).map(|x| acc.max(x)))?,
        _ => return None,
    };
    // Beyond `MAX_ELEMENTS` the allocation check refuses it; saturating
    // keeps the count an integer.
    Some(top.min(usize::MAX as f64) as usize)
}

/// Pads `target` with zeros (or `false`) to `rows × cols`, as MATLAB grows
/// an array assigned past its end.
fn grow(target: &mut Value, rows: usize, cols: usize) -> Result<()> {
    crate::value::check_alloc(rows, cols)?;
    let shape = target.shape();
    if (rows, cols) == shape {
        return Ok(());
    }
    *target = match target {
        Value::Bool(_) | Value::Logical(_) => {
            let bits = target.elements()?;
            let (r0, c0) = shape;
            let old = |i: usize, j: usize| i < r0 && j < c0 && bits[j * r0 + i] != 0.0;
            Value::Logical(Arc::new(Array2::from_shape_fn((rows, cols), |(i, j)| {
                old(i, j)
            })))
        }
        Value::Num(_) | Value::Matrix(_) => {
            let m = target.to_matrix()?;
            let (r0, c0) = m.dim();
            Value::Matrix(Arc::new(Array2::from_shape_fn((rows, cols), |(i, j)| {
                if i < r0 && j < c0 {
                    m[[i, j]]
                } else {
                    0.0
                }
            })))
        }
        other => {
            return Err(RuntimeError::ty(
                "a matrix to assign into",
                other.describe(),
            ))
        }
    };
    Ok(())
}

/// The size `x[k] = …` past the end grows a vector to: a row (or a scalar
/// or `[]`) grows along its row, a column down its column. A matrix has no
/// single direction to grow in, so that stays an index error.
fn grown_linear(shape: Shape, top: usize) -> Option<Shape> {
    match shape {
        (r, c) if top <= r * c => None,
        (0, 0) | (1, _) => Some((1, top)),
        (_, 1) => Some((top, 1)),
        _ => None,
    }
}

/// A 1×1 result is a number (or a logical scalar), whatever wrote it.
fn settle(target: &mut Value, result: Result<()>) -> Result<()> {
    match target {
        Value::Matrix(m) if m.dim() == (1, 1) => *target = Value::Num(m[[0, 0]]),
        Value::Logical(m) if m.dim() == (1, 1) => *target = Value::Bool(m[[0, 0]]),
        _ => {}
    }
    result
}

/// `x[rows, cols] = rhs` (or deletion with `= []` when one index is `:`).
pub fn assign2(target: &mut Value, r: &IndexArg, c: &IndexArg, rhs: &Value) -> Result<()> {
    let result = assign2_any(target, r, c, rhs);
    settle(target, result)
}

fn assign2_any(target: &mut Value, r: &IndexArg, c: &IndexArg, rhs: &Value) -> Result<()> {
    if traced(target, rhs) {
        return crate::autodiff::assign(target, rhs, |t, v| assign2_any(t, r, c, v));
    }
    if let (Value::Matrix(m), Value::Num(v)) = (&mut *target, rhs) {
        if let (Some(i), Some(j)) = (scalar_pos(r, m.nrows()), scalar_pos(c, m.ncols())) {
            Arc::make_mut(m)[[i, j]] = *v;
            return Ok(());
        }
    }
    let mut shape = target.shape();
    if is_empty_matrix(rhs) {
        return delete2(target, r, c, shape);
    }
    // Past the end grows the matrix (`A[rows(A) + 1, :] = row`); a `:` over
    // an empty dimension takes its size from the right-hand side.
    let rs = rhs.shape();
    let want = |arg: &IndexArg, have: usize, from_rhs: usize| match arg {
        IndexArg::All if have == 0 => from_rhs,
        _ => largest(arg).unwrap_or(0).max(have),
    };
    let (need_r, need_c) = (want(r, shape.0, rs.0), want(c, shape.1, rs.1));
    if (need_r, need_c) != shape {
        grow(target, need_r, need_c)?;
        shape = (need_r, need_c);
    }
    let rows = resolve(r, shape.0, 1, shape)?.unwrap_or_else(|| all(shape.0));
    let cols = resolve(c, shape.1, 2, shape)?.unwrap_or_else(|| all(shape.1));
    let src = source(rhs, (rows.len(), cols.len()))?;
    if let (Value::Logical(_), Value::Bool(_) | Value::Logical(_)) = (&*target, rhs) {
        let bits = rhs.elements()?;
        if let Value::Logical(m) = target {
            let m = Arc::make_mut(m);
            for (j, &cj) in cols.iter().enumerate() {
                for (i, &ri) in rows.iter().enumerate() {
                    let k = if bits.len() == 1 {
                        0
                    } else {
                        j * rows.len() + i
                    };
                    m[[ri, cj]] = bits[k] != 0.0;
                }
            }
        }
        return Ok(());
    }
    let m = writable(target)?;
    for (j, &cj) in cols.iter().enumerate() {
        for (i, &ri) in rows.iter().enumerate() {
            m[[ri, cj]] = src[j * rows.len() + i];
        }
    }
    Ok(())
}

fn delete2(target: &mut Value, r: &IndexArg, c: &IndexArg, shape: Shape) -> Result<()> {
    let (drop_rows, set) = match (r, c) {
        (_, IndexArg::All) => (true, resolve(r, shape.0, 1, shape)?),
        (IndexArg::All, _) => (false, resolve(c, shape.1, 2, shape)?),
        _ => {
            return Err(RuntimeError::Shape(
                "deleting with `= []` needs `:` for one of the two indices, e.g. X[2, :] = []"
                    .into(),
            ))
        }
    };
    let m = target.to_matrix()?.into_owned();
    let n = if drop_rows { shape.0 } else { shape.1 };
    let gone = set.unwrap_or_else(|| all(n));
    let keep: Vec<usize> = (0..n).filter(|i| !gone.contains(i)).collect();
    let out = if drop_rows {
        gather2(&m, &keep, &all(shape.1))
    } else {
        gather2(&m, &all(shape.0), &keep)
    };
    *target = Value::Matrix(Arc::new(out));
    Ok(())
}

/// `x[k] = rhs` with linear indexing.
pub fn assign1(target: &mut Value, k: &IndexArg, rhs: &Value) -> Result<()> {
    let result = assign1_any(target, k, rhs);
    settle(target, result)
}

fn assign1_any(target: &mut Value, k: &IndexArg, rhs: &Value) -> Result<()> {
    if traced(target, rhs) {
        return crate::autodiff::assign(target, rhs, |t, v| assign1_any(t, k, v));
    }
    if let (Value::Matrix(m), Value::Num(v)) = (&mut *target, rhs) {
        if let Some(p) = scalar_pos(k, m.len()) {
            let r = m.nrows();
            Arc::make_mut(m)[[p % r, p / r]] = *v;
            return Ok(());
        }
    }
    let mut shape = target.shape();
    if !is_empty_matrix(rhs) {
        if let Some(grown) = largest(k).and_then(|top| grown_linear(shape, top)) {
            grow(target, grown.0, grown.1)?;
            shape = grown;
        }
    }
    let n = shape.0 * shape.1;
    let idx = resolve(k, n, 0, shape)?.unwrap_or_else(|| all(n));
    if is_empty_matrix(rhs) {
        if shape.0 != 1 && shape.1 != 1 {
            return Err(RuntimeError::Shape(format!(
                "deleting elements with X[k] = [] needs a vector, got a {} matrix",
                shape_str(shape)
            )));
        }
        let data = target.elements()?;
        let kept: Vec<f64> = data
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !idx.contains(i))
            .map(|(_, x)| x)
            .collect();
        *target = if shape.0 == 1 {
            Value::row(kept)
        } else {
            Value::column(kept)
        };
        return Ok(());
    }
    let src = source(rhs, (idx.len(), 1))?;
    let rows = shape.0.max(1);
    let m = writable(target)?;
    for (i, &k) in idx.iter().enumerate() {
        m[[k % rows, k / rows]] = src[i];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn mat() -> Value {
        Value::matrix(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    }

    #[test]
    fn linear_is_column_major() {
        let v = index1(&mat(), &IndexArg::Val(Value::Num(2.0))).unwrap();
        assert!(matches!(v, Value::Num(x) if x == 4.0));
    }

    #[test]
    fn out_of_range_names_index_and_size() {
        let e = index2(&mat(), &IndexArg::Val(Value::Num(3.0)), &IndexArg::All).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row index 3 is out of range: the matrix has 2 rows (2×3)"
        );
    }

    #[test]
    fn assignment_copies_on_write() {
        let a = mat();
        let mut b = a.clone();
        assign2(
            &mut b,
            &IndexArg::Val(Value::Num(1.0)),
            &IndexArg::Val(Value::Num(1.0)),
            &Value::Num(0.0),
        )
        .unwrap();
        assert!(
            matches!(index1(&a, &IndexArg::Val(Value::Num(1.0))).unwrap(), Value::Num(x) if x == 1.0)
        );
        assert!(
            matches!(index1(&b, &IndexArg::Val(Value::Num(1.0))).unwrap(), Value::Num(x) if x == 0.0)
        );
    }

    #[test]
    fn delete_row() {
        let mut a = mat();
        assign2(
            &mut a,
            &IndexArg::Val(Value::Num(1.0)),
            &IndexArg::All,
            &Value::matrix(Array2::zeros((0, 0))),
        )
        .unwrap();
        assert_eq!(a.shape(), (1, 3));
    }

    fn num(v: f64) -> IndexArg {
        IndexArg::Val(Value::Num(v))
    }

    #[test]
    fn assignment_past_the_end_grows_vectors_with_zeros() {
        let mut row = Value::row(vec![1.0, 2.0]);
        assign1(&mut row, &num(4.0), &Value::Num(9.0)).unwrap();
        assert_eq!(row.elements().unwrap(), [1.0, 2.0, 0.0, 9.0]);
        assert_eq!(row.shape(), (1, 4));
        let mut col = Value::column(vec![1.0, 2.0]);
        assign1(&mut col, &num(3.0), &Value::Num(5.0)).unwrap();
        assert_eq!(col.shape(), (3, 1));
        let mut empty = Value::matrix(Array2::zeros((0, 0)));
        assign1(&mut empty, &num(2.0), &Value::Num(7.0)).unwrap();
        assert_eq!(empty.elements().unwrap(), [0.0, 7.0]);
        let mut scalar = Value::Num(5.0);
        assign1(&mut scalar, &num(3.0), &Value::Num(1.0)).unwrap();
        assert_eq!(scalar.elements().unwrap(), [5.0, 0.0, 1.0]);
        // a matrix has no single direction to grow in
        let mut m = mat();
        assert!(matches!(
            assign1(&mut m, &num(7.0), &Value::Num(1.0)),
            Err(RuntimeError::IndexOutOfRange { .. })
        ));
        // deleting never grows
        let mut v = Value::row(vec![1.0, 2.0]);
        assert!(assign1(&mut v, &num(5.0), &Value::matrix(Array2::zeros((0, 0)))).is_err());
        // an absurd size is refused, not attempted
        let mut v = Value::row(vec![1.0]);
        assert!(matches!(
            assign1(&mut v, &num(1e15), &Value::Num(1.0)),
            Err(RuntimeError::TooLarge { .. })
        ));
    }

    #[test]
    fn assignment_past_the_end_grows_matrices_by_rows_and_columns() {
        let mut m = mat();
        assign2(
            &mut m,
            &num(3.0),
            &IndexArg::All,
            &Value::row(vec![7.0, 8.0, 9.0]),
        )
        .unwrap();
        assert_eq!(m.shape(), (3, 3));
        assert_eq!(index1(&m, &num(3.0)).unwrap().to_scalar().unwrap(), 7.0);
        assign2(&mut m, &num(1.0), &num(5.0), &Value::Num(1.0)).unwrap();
        assert_eq!(m.shape(), (3, 5));
        // the gap is zeros
        assert_eq!(
            index2(&m, &num(2.0), &num(4.0))
                .unwrap()
                .to_scalar()
                .unwrap(),
            0.0
        );
        let mut empty = Value::matrix(Array2::zeros((0, 0)));
        assign2(
            &mut empty,
            &num(1.0),
            &IndexArg::All,
            &Value::row(vec![1.0, 2.0, 3.0]),
        )
        .unwrap();
        assert_eq!(empty.shape(), (1, 3));
        let mut mask = Value::logical(ndarray::array![[true, false]]);
        assign2(&mut mask, &num(1.0), &num(3.0), &Value::Bool(true)).unwrap();
        assert!(matches!(mask, Value::Logical(_)));
        assert_eq!(mask.elements().unwrap(), [1.0, 0.0, 1.0]);
    }

    #[test]
    fn tuples_are_indexed_by_item() {
        let t = Value::tuple(vec![Value::Num(1.0), Value::row(vec![2.0, 3.0])]);
        assert_eq!(index1(&t, &num(2.0)).unwrap().shape(), (1, 2));
        assert_eq!(
            index1(&t, &num(3.0)).unwrap_err().to_string(),
            "item 3 is out of range: the tuple has 2 items"
        );
        assert!(index1(&t, &IndexArg::All).is_err());
    }

    #[test]
    fn a_one_by_one_result_stays_a_number() {
        let mut x = Value::Num(5.0);
        assign1(&mut x, &num(1.0), &Value::Num(6.0)).unwrap();
        assert!(matches!(x, Value::Num(v) if v == 6.0));
        let mut e = Value::matrix(Array2::zeros((0, 0)));
        assign1(&mut e, &num(1.0), &Value::Num(5.0)).unwrap();
        assert!(matches!(e, Value::Num(v) if v == 5.0));
        let mut m = mat();
        assign2(
            &mut m,
            &num(1.0),
            &IndexArg::All,
            &Value::matrix(Array2::zeros((0, 0))),
        )
        .unwrap();
        assign2(
            &mut m,
            &IndexArg::All,
            &num(1.0),
            &Value::matrix(Array2::zeros((0, 0))),
        )
        .unwrap();
        assign2(
            &mut m,
            &IndexArg::All,
            &num(1.0),
            &Value::matrix(Array2::zeros((0, 0))),
        )
        .unwrap();
        assert!(matches!(m, Value::Num(v) if v == 6.0), "{m:?}");
    }
}
