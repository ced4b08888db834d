//! Derivatives of the operations that move elements: indexing, indexed
//! assignment and block concatenation.

use super::arrange::codes;
use super::{input, record, strip, Input};
use crate::error::Result;
use crate::value::Value;
use ndarray::Array2;

/// The column-major position of every element, to find where an indexing
/// result's elements came from.
fn positions(shape: (usize, usize)) -> Value {
    Value::matrix(Array2::from_shape_fn(shape, |(i, j)| {
        (j * shape.0 + i) as f64
    }))
}

fn scatter(shape: (usize, usize), pos: &Value, g: &Array2<f64>) -> Array2<f64> {
    let mut out = Array2::zeros(shape);
    let rows = shape.0.max(1);
    let pos = pos
        .to_matrix()
        .map(|p| p.into_owned())
        .unwrap_or_else(|_| Array2::zeros((0, 0)));
    for (p, gv) in pos.iter().zip(g.iter()) {
        let k = *p as usize;
        out[[k % rows, k / rows]] += gv;
    }
    out
}

fn gather(x: &Input<'_>, pick: impl Fn(&Value) -> Result<Value>) -> Result<Value> {
    let v = x.value().clone();
    let shape = v.dim();
    let out = pick(&Value::matrix(v))?.to_matrix()?.into_owned();
    let pos = pick(&positions(shape))?;
    Ok(record(
        &[x],
        out,
        Box::new(move |g| vec![scatter(shape, &pos, g)]),
    ))
}

/// Indexing a traced `x`: `pick` is the plain indexing (`x[k]` or
/// `x[i, j]`), run on the values and then on the elements' positions to
/// learn where each element of the result came from.
pub fn index(x: &Value, pick: impl Fn(&Value) -> Result<Value>) -> Result<Value> {
    let t = input(x)?;
    gather(&t, pick)
}

/// Block concatenation with traced blocks: `blocks` are placed at their
/// (row, column) offsets in a matrix of `shape`.
pub fn concat(blocks: &[(Value, usize, usize)], shape: (usize, usize)) -> Result<Value> {
    let inputs: Vec<Input<'_>> = blocks
        .iter()
        .map(|(v, _, _)| input(v))
        .collect::<Result<_>>()?;
    let mut out = Array2::zeros(shape);
    let mut places = Vec::with_capacity(blocks.len());
    for (inp, (_, r0, c0)) in inputs.iter().zip(blocks) {
        let v = inp.value();
        let (h, w) = v.dim();
        out.slice_mut(ndarray::s![*r0..r0 + h, *c0..c0 + w])
            .assign(v);
        places.push((*r0, *c0, h, w));
    }
    let refs: Vec<&Input<'_>> = inputs.iter().collect();
    Ok(record(
        &refs,
        out,
        Box::new(move |g| {
            places
                .iter()
                .map(|(r0, c0, h, w)| g.slice(ndarray::s![*r0..r0 + h, *c0..c0 + w]).to_owned())
                .collect()
        }),
    ))
}

/// `target[…] = rhs` where either side is traced; `write` is the plain
/// assignment. It runs on the plain values (growth, deletion, checks and
/// errors as without `grad`), then on the elements' positions (the
/// target's as 1, 2, …, the right side's as -1, -2, …) to learn where each
/// element of the result came from: the gradient goes back there, and
/// nowhere for an overwritten element or a zero that growth filled in.
pub fn assign(
    target: &mut Value,
    rhs: &Value,
    write: impl Fn(&mut Value, &Value) -> Result<()>,
) -> Result<()> {
    let mut value = strip(target);
    write(&mut value, &strip(rhs))?;
    let (ts, rs) = (target.shape(), rhs.shape());
    let mut from = codes(ts, 1.0);
    write(&mut from, &codes(rs, -1.0))?;
    let from = from.to_matrix()?.into_owned();
    let out = {
        let (x, y) = (input(target)?, input(rhs)?);
        record(
            &[&x, &y],
            value.to_matrix()?.into_owned(),
            Box::new(move |g| {
                let mut gt = Array2::zeros(ts);
                let mut gr = Array2::zeros(rs);
                for (k, gv) in from.iter().zip(g.iter()) {
                    let (to, shape, k) = if *k > 0.0 {
                        (&mut gt, ts, *k as usize - 1)
                    } else if *k < 0.0 {
                        (&mut gr, rs, (-*k) as usize - 1)
                    } else {
                        continue;
                    };
                    let rows = shape.0.max(1);
                    if let Some(e) = to.get_mut([k % rows, k / rows]) {
                        *e += gv;
                    }
                }
                vec![gt, gr]
            }),
        )
    };
    *target = out;
    Ok(())
}
