//! Sorting, searching and sets: sort, find, unique, ismember, setdiff,
//! union, intersect, isequal. NaN sorts last, as in MATLAB and NumPy, and is
//! never equal to anything.

use super::{mat, Builtin, CallContext, Dim, VARIADIC};
use crate::args::sort_options;
use crate::autodiff::rules as ad;
use crate::error::Result;
use crate::value::Value;
use ndarray::{Array2, Axis};

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("search and sort"; "sort", 1, 3, 2, "sort(X, dim, \"descend\")", "sorts along the first non-singleton dimension; (s, i) = sort(x) also gives the 1-based order", sort; rule ad::sort),
    entry!("search and sort"; "find", 1, 1, 1, "find(X)", "1-based linear indices of the non-zero elements (a row for a row vector, else a column)", find; constant),
    entry!("search and sort"; "unique", 1, 1, 1, "unique(X)", "the distinct values, ascending (a row for a row vector, else a column)", unique; none),
    entry!("search and sort"; "ismember", 2, 2, 2, "ismember(a, S)", "logical of a's shape, true where the element is in S; (tf, loc) = ismember(a, S) also gives the lowest 1-based index in S (0 when absent)", ismember; constant),
    entry!("search and sort"; "setdiff", 2, 2, 1, "setdiff(a, b)", "the distinct values of a not in b, ascending (a row, or a column when a is a column, as MATLAB)", setdiff; constant),
    entry!("search and sort"; "union", 2, 2, 1, "union(a, b)", "the distinct values in a or b, ascending (a row, or a column when both are columns)", union; constant),
    entry!("search and sort"; "intersect", 2, 2, 1, "intersect(a, b)", "the distinct values in both a and b, ascending (a row, or a column when both are columns)", intersect; constant),
    entry!("search and sort"; "isequal", 2, VARIADIC, 1, "isequal(a, b, …)", "true when every argument has the same shape and values as the first (NaN is unequal to NaN, as MATLAB; true equals 1)", isequal; constant),
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
    let (dim, descend) = sort_options(args, &m)?;
    let owned = m.into_owned();
    let positions = cx.nout >= 2;
    // A long sort runs detached, so Ctrl-C stops the wait for it.
    let (sorted, order) = if owned.len() >= 1 << 16 {
        crate::interrupt::detached("sort", move || sort_lanes(&owned, dim, descend, positions))?
    } else {
        sort_lanes(&owned, dim, descend, positions)
    };
    let s = Value::matrix(sorted);
    if positions {
        Ok(Value::tuple(vec![s, Value::matrix(order)]))
    } else {
        Ok(s)
    }
}

/// Each lane of `m` sorted, and the 1-based positions its elements came
/// from. The sort is stable (equal elements keep their order, MATLAB and
/// NumPy's "stable") and moves (value, position) pairs, which stay
/// together in memory: sorting positions that point into the lane cost a
/// cache miss per comparison (4× slower at 1e6 elements). Without
/// `positions` only the values are sorted (the order stays zeros).
fn sort_lanes(
    m: &Array2<f64>,
    dim: Dim,
    descend: bool,
    positions: bool,
) -> (Array2<f64>, Array2<f64>) {
    let axis = if dim == Dim::Down { Axis(0) } else { Axis(1) };
    let cmp = |a: f64, b: f64| {
        let o = ascending(a, b);
        if descend && !(a.is_nan() || b.is_nan()) {
            o.reverse()
        } else {
            o
        }
    };
    let mut sorted = m.clone();
    if !positions {
        let mut values: Vec<f64> = Vec::new();
        for mut lane in sorted.lanes_mut(axis) {
            values.clear();
            values.extend(lane.iter().copied());
            values.sort_by(|a, b| cmp(*a, *b));
            lane.iter_mut().zip(&values).for_each(|(o, x)| *o = *x);
        }
        return (sorted, Array2::zeros((0, 0)));
    }
    let mut order = Array2::<f64>::zeros(m.dim());
    let mut pairs: Vec<(f64, usize)> = Vec::new();
    for ((lane, mut out), mut at) in m
        .lanes(axis)
        .into_iter()
        .zip(sorted.lanes_mut(axis))
        .zip(order.lanes_mut(axis))
    {
        pairs.clear();
        pairs.extend(lane.iter().copied().zip(1..));
        pairs.sort_by(|a, b| cmp(a.0, b.0));
        for ((&(x, k), o), a) in pairs.iter().zip(out.iter_mut()).zip(at.iter_mut()) {
            *o = x;
            *a = k as f64;
        }
    }
    (sorted, order)
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

/// Sorted distinct values (NaN last, each NaN kept: NaN equals nothing).
fn distinct(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| ascending(*a, *b));
    v.dedup_by(|a, b| a == b);
    v
}

fn is_column(m: &Array2<f64>) -> bool {
    m.ncols() == 1 && m.nrows() > 1
}

fn set_result(v: Vec<f64>, column: bool) -> Value {
    if column {
        Value::column(v)
    } else {
        Value::row(v)
    }
}

/// The sorted distinct (non-NaN) elements of `s`, for membership tests.
fn members(s: &Array2<f64>) -> Vec<f64> {
    let mut v: Vec<f64> = s.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

fn contains(sorted: &[f64], x: f64) -> bool {
    !x.is_nan()
        && sorted
            .binary_search_by(|y| y.partial_cmp(&x).expect("no NaN"))
            .is_ok()
}

fn ismember(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let s = mat(args, 1)?;
    if cx.nout < 2 {
        let set = members(&s);
        return Ok(Value::logical(a.mapv(|x| contains(&set, x))));
    }
    // The lowest column-major index of each value of S.
    let mut first: Vec<(f64, usize)> = s
        .t()
        .iter()
        .enumerate()
        .filter(|(_, x)| !x.is_nan())
        .map(|(i, x)| (*x, i + 1))
        .collect();
    first.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    first.dedup_by(|a, b| a.0 == b.0);
    let loc = a.mapv(|x| {
        if x.is_nan() {
            return 0.0;
        }
        match first.binary_search_by(|(y, _)| y.partial_cmp(&x).expect("no NaN")) {
            Ok(k) => first[k].1 as f64,
            Err(_) => 0.0,
        }
    });
    let tf = loc.mapv(|i| i != 0.0);
    Ok(Value::tuple(vec![Value::logical(tf), Value::matrix(loc)]))
}

fn setdiff(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let b = mat(args, 1)?;
    let drop = members(&b);
    let v = distinct(a.iter().copied().filter(|x| !contains(&drop, *x)).collect());
    Ok(set_result(v, is_column(&a)))
}

fn union(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let b = mat(args, 1)?;
    let v = distinct(a.iter().chain(b.iter()).copied().collect());
    Ok(set_result(v, is_column(&a) && is_column(&b)))
}

fn intersect(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = mat(args, 0)?;
    let b = mat(args, 1)?;
    let keep = members(&b);
    let v = distinct(a.iter().copied().filter(|x| contains(&keep, *x)).collect());
    Ok(set_result(v, is_column(&a) && is_column(&b)))
}

/// MATLAB's isequal for two values: same shape, equal elements.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Str(_), _) | (_, Value::Str(_)) => false,
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q))
        }
        (Value::Func(f), Value::Func(g)) => match (f.builtin(), g.builtin()) {
            (Some(p), Some(q)) => p.name == q.name,
            _ => false,
        },
        _ => match (a.to_matrix(), b.to_matrix()) {
            (Ok(x), Ok(y)) => x.dim() == y.dim() && x.iter().zip(y.iter()).all(|(p, q)| p == q),
            _ => false,
        },
    }
}

fn isequal(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[1..].iter().all(|b| equal(&args[0], b))))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, mx, run, run_n};
    use super::*;

    fn logical(v: &Value) -> Vec<bool> {
        mx(v).iter().map(|x| *x != 0.0).collect()
    }

    #[test]
    fn ismember_and_locations() {
        // np.isin([[5, 1], [2, 7]], [1, 2, 3, 1]) -> [[False, True], [True, False]]
        let a = m(&[&[5., 1.], &[2., 7.]]);
        let s = Value::row(vec![1., 2., 3., 1.]);
        let tf = run("ismember", &[a.clone(), s.clone()]).unwrap();
        assert!(matches!(tf, Value::Logical(_)));
        assert_eq!(logical(&tf), vec![false, true, true, false]);
        let r = run_n("ismember", 2, &[a, s]).unwrap();
        assert_eq!(logical(&r[0]), vec![false, true, true, false]);
        // MATLAB: the lowest index.
        close(&r[1], &m(&[&[0., 1.], &[2., 0.]]), 0.0);
        assert!(matches!(
            run("ismember", &[Value::Num(f64::NAN), Value::Num(f64::NAN)]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run(
                "ismember",
                &[Value::Num(3.0), Value::matrix(Array2::zeros((0, 0)))]
            )
            .unwrap(),
            Value::Bool(false)
        ));
        assert_eq!(
            arg_err(run("ismember", &[Value::Num(1.0), Value::str("a")])),
            Some(1)
        );
    }

    #[test]
    fn sets_match_numpy() {
        let a = Value::row(vec![5., 1., 3., 3., 7.]);
        let b = Value::row(vec![3., 4., 1., 1.]);
        // np.setdiff1d(a, b) = [5 7]; np.union1d(a, b) = [1 3 4 5 7]; np.intersect1d(a, b) = [1 3]
        close(
            &run("setdiff", &[a.clone(), b.clone()]).unwrap(),
            &Value::row(vec![5., 7.]),
            0.0,
        );
        close(
            &run("union", &[a.clone(), b.clone()]).unwrap(),
            &Value::row(vec![1., 3., 4., 5., 7.]),
            0.0,
        );
        close(
            &run("intersect", &[a.clone(), b.clone()]).unwrap(),
            &Value::row(vec![1., 3.]),
            0.0,
        );
        // Columns stay columns; a row and a column give a row.
        let ac = Value::column(vec![2., 1., 2.]);
        let bc = Value::column(vec![3., 2.]);
        close(
            &run("union", &[ac.clone(), bc.clone()]).unwrap(),
            &Value::column(vec![1., 2., 3.]),
            0.0,
        );
        close(
            &run("setdiff", &[ac.clone(), b.clone()]).unwrap(),
            &Value::column(vec![2.]),
            0.0,
        );
        close(
            &run("union", &[ac, b.clone()]).unwrap(),
            &Value::row(vec![1., 2., 3., 4.]),
            0.0,
        );
        // Empty results are 1×0; NaN is never shared.
        assert_eq!(
            mx(&run(
                "intersect",
                &[
                    Value::row(vec![1., f64::NAN]),
                    Value::row(vec![2., f64::NAN])
                ]
            )
            .unwrap())
            .dim(),
            (1, 0)
        );
        let u = mx(&run(
            "union",
            &[Value::row(vec![f64::NAN, 1.]), Value::Num(f64::NAN)],
        )
        .unwrap());
        assert_eq!(u.dim(), (1, 3));
        assert_eq!(arg_err(run("setdiff", &[Value::str("a"), b])), Some(0));
    }

    #[test]
    fn isequal_compares_shape_and_values() {
        let a = m(&[&[1., 2.], &[3., 4.]]);
        assert!(matches!(
            run("isequal", &[a.clone(), a.clone(), a.clone()]).unwrap(),
            Value::Bool(true)
        ));
        assert!(matches!(
            run("isequal", &[a.clone(), Value::row(vec![1., 2., 3., 4.])]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run("isequal", &[Value::Num(f64::NAN), Value::Num(f64::NAN)]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run("isequal", &[Value::Bool(true), Value::Num(1.0)]).unwrap(),
            Value::Bool(true)
        ));
        assert!(matches!(
            run("isequal", &[Value::str("ab"), Value::str("ab")]).unwrap(),
            Value::Bool(true)
        ));
        assert!(matches!(
            run("isequal", &[Value::str("ab"), Value::Num(1.0)]).unwrap(),
            Value::Bool(false)
        ));
        assert!(matches!(
            run("isequal", &[a.clone(), a, Value::Num(1.0)]).unwrap(),
            Value::Bool(false)
        ));
        let e = Value::matrix(Array2::zeros((0, 0)));
        assert!(matches!(
            run("isequal", &[e.clone(), e]).unwrap(),
            Value::Bool(true)
        ));
    }
}
