//! Sorting and searching: sort, find, unique. NaN sorts last, as in MATLAB
//! and NumPy.

use super::{default_dim, dim_arg, mat, Builtin, CallContext, Dim};
use crate::error::{Result, RuntimeError};
use crate::value::Value;
use ndarray::{Array2, Axis};

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("search and sort"; "sort", 1, 3, 2, "sort(X, dim, \"descend\")", "sorts along the first non-singleton dimension; (s, i) = sort(x) also gives the 1-based order", sort),
    entry!("search and sort"; "find", 1, 1, 1, "find(X)", "1-based linear indices of the non-zero elements (a row for a row vector, else a column)", find),
    entry!("search and sort"; "unique", 1, 1, 1, "unique(X)", "the distinct values, ascending (a row for a row vector, else a column)", unique),
];

fn ascending(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => a.total_cmp(&b),
    }
}

fn sort(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    let mut descend = false;
    let mut dim = default_dim(&m);
    for (i, a) in args.iter().enumerate().skip(1) {
        match a {
            Value::Str(s) if &**s == "descend" => descend = true,
            Value::Str(s) if &**s == "ascend" => descend = false,
            Value::Str(s) => {
                return Err(RuntimeError::Domain(format!(
                    "sort takes \"ascend\" or \"descend\", got \"{s}\""
                ))
                .at_arg(i))
            }
            _ => dim = dim_arg(args, i, &m)?,
        }
    }
    if dim == Dim::All {
        return Err(RuntimeError::Domain("sort takes dimension 1 or 2".into()).at_arg(1));
    }
    let axis = if dim == Dim::Rows { Axis(0) } else { Axis(1) };
    let mut sorted = m.clone().into_owned();
    let mut order = Array2::<f64>::zeros(m.dim());
    for (lane_no, lane) in m.lanes(axis).into_iter().enumerate() {
        let mut idx: Vec<usize> = (0..lane.len()).collect();
        // Stable, so equal elements keep their order (MATLAB and NumPy's "stable").
        idx.sort_by(|&a, &b| {
            let o = ascending(lane[a], lane[b]);
            if descend && !(lane[a].is_nan() || lane[b].is_nan()) {
                o.reverse()
            } else {
                o
            }
        });
        for (pos, &k) in idx.iter().enumerate() {
            let at = if dim == Dim::Rows {
                [pos, lane_no]
            } else {
                [lane_no, pos]
            };
            sorted[at] = lane[k];
            order[at] = (k + 1) as f64;
        }
    }
    let s = Value::matrix(sorted);
    if cx.nout >= 2 {
        Ok(Value::tuple(vec![s, Value::matrix(order)]))
    } else {
        Ok(s)
    }
}

fn find(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    let idx: Vec<f64> = m
        .t()
        .iter()
        .enumerate()
        .filter(|(_, x)| **x != 0.0)
        .map(|(i, _)| (i + 1) as f64)
        .collect();
    Ok(if m.nrows() == 1 && m.ncols() != 1 {
        Value::row(idx)
    } else {
        Value::column(idx)
    })
}

fn unique(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    let mut v: Vec<f64> = m.iter().copied().collect();
    v.sort_by(|a, b| ascending(*a, *b));
    v.dedup_by(|a, b| a == b);
    Ok(if m.nrows() == 1 && m.ncols() != 1 {
        Value::row(v)
    } else {
        Value::column(v)
    })
}
