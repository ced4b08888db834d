//! Gradient rules of the builtins that move elements: `sort` (through its
//! permutation) and the rearrangements `repmat`, `diag`, `tril`, `triu`,
//! `fliplr`, `flipud`, whose gradient sends each output element's gradient
//! back to the element it came from.

use super::{input, record, Forward};
use crate::args::sort_options;
use crate::error::Result;
use crate::kernels::Dim;
use crate::value::Value;
use ndarray::Array2;

/// `sort(X, dim, "descend")`, and `(s, i) = sort(…)` with the order as a
/// constant.
pub(crate) fn sort(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let (sorted, order) = match fw.run(2)? {
        Value::Tuple(items) if items.len() == 2 => (items[0].clone(), items[1].clone()),
        single => (single, Value::matrix(Array2::zeros((0, 0)))),
    };
    let x = input(&args[0]).map_err(|e| e.at_arg(0))?;
    let shape = x.value().dim();
    let (dim, _) = sort_options(fw.args(), x.value())?;
    let at = order.to_matrix()?.into_owned();
    let traced = record(
        &[&x],
        sorted.to_matrix()?.into_owned(),
        Box::new(move |g| {
            let mut out = Array2::zeros(shape);
            for ((i, j), k) in at.indexed_iter() {
                let k = (*k as usize).saturating_sub(1);
                let from = if dim == Dim::Down { [k, j] } else { [i, k] };
                if let Some(o) = out.get_mut(from) {
                    *o += g[[i, j]];
                }
            }
            vec![out]
        }),
    );
    Ok(if fw.nout() >= 2 {
        Value::tuple(vec![traced, order])
    } else {
        traced
    })
}

/// 1-based column-major positions of a matrix of `shape` (0 is free to mean
/// "no element": the zeros `diag` or `tril` fill in).
pub(super) fn codes(shape: (usize, usize), sign: f64) -> Value {
    Value::matrix(Array2::from_shape_fn(shape, |(i, j)| {
        sign * (j * shape.0 + i + 1) as f64
    }))
}

/// A builtin that only copies elements of its first argument to new
/// places (or fills zeros): running it on the elements' positions tells
/// where each result element came from.
pub(crate) fn rearrange(fw: &mut Forward<'_, '_>, args: &[Value]) -> Result<Value> {
    let out = fw.run(1)?.to_matrix()?.into_owned();
    let x = input(&args[0]).map_err(|e| e.at_arg(0))?;
    let shape = x.value().dim();
    let from = fw.run_on(codes(shape, 1.0))?.to_matrix()?.into_owned();
    Ok(record(
        &[&x],
        out,
        Box::new(move |g| {
            let mut out = Array2::zeros(shape);
            let rows = shape.0.max(1);
            for (k, gv) in from.iter().zip(g.iter()) {
                if *k >= 1.0 {
                    let k = *k as usize - 1;
                    out[[k % rows, k / rows]] += gv;
                }
            }
            vec![out]
        }),
    ))
}
