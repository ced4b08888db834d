//! Statistics: median, quantile, histcounts, accumarray (NumPy's and
//! MATLAB's semantics, named in each doc line).

use super::reduce::reduction;
use super::{dim_arg, mat, Builtin, CallContext, Dim};
use crate::error::{Result, RuntimeError};
use crate::value::{check_alloc, Value};
use ndarray::{Array2, Axis};

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("statistics"; "median", 1, 2, 1, "median(X, dim)", "the median along the first non-singleton dimension (NaN if a line holds NaN, as NumPy)", median; none),
    entry!("statistics"; "quantile", 2, 3, 1, "quantile(X, p, dim)", "quantiles p in [0, 1] along the first non-singleton dimension, by linear interpolation (NumPy's default); one per p", quantile; none),
    entry!("statistics"; "histcounts", 2, 2, 2, "histcounts(x, nbins or edges)", "(counts, edges): counts in nbins equal bins over [min, max] or between given edges, the last bin closed (NumPy's histogram); NaN is not counted", histcounts; constant),
    entry!("statistics"; "accumarray", 2, 2, 1, "accumarray(subs, vals)", "sums of vals grouped by the positive whole numbers in subs: a column of length max(subs) (an n×2 subs gives a matrix)", accumarray; none),
];

/// NumPy's `_lerp`: exact at both ends.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// The `p` quantile of `v` (sorted ascending, no NaN) by linear interpolation.
fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    lerp(v[lo], v[hi], h - lo as f64)
}

/// `v` sorted, or None when it holds NaN.
fn sorted(v: &[f64]) -> Option<Vec<f64>> {
    if v.iter().any(|x| x.is_nan()) {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    Some(s)
}

fn median(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    reduction(args, 1, |v| match sorted(v) {
        Some(s) => quantile_sorted(&s, 0.5),
        None => f64::NAN,
    })
}

fn quantile(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = mat(args, 0)?;
    let pm = mat(args, 1)?;
    let ps: Vec<f64> = pm.t().iter().copied().collect();
    if let Some(p) = ps.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(RuntimeError::Domain(format!(
            "quantile needs p in [0, 1], got {}",
            crate::display::format_scalar(*p)
        ))
        .at_arg(1));
    }
    let dim = if x.dim() == (0, 0) && args.len() < 3 {
        Dim::All
    } else {
        dim_arg(args, 2, &x)?
    };
    let q = |v: &[f64]| -> Vec<f64> {
        match sorted(v) {
            Some(s) => ps.iter().map(|p| quantile_sorted(&s, *p)).collect(),
            None => vec![f64::NAN; ps.len()],
        }
    };
    let np = ps.len();
    let out = match dim {
        Dim::All => {
            let v: Vec<f64> = x.t().iter().copied().collect();
            let shape = if pm.nrows() == 1 { (1, np) } else { (np, 1) };
            Array2::from_shape_vec(shape, q(&v)).expect("one per p")
        }
        Dim::Down => {
            let mut out = Array2::zeros((np, x.ncols()));
            for (j, c) in x.axis_iter(Axis(1)).enumerate() {
                for (i, y) in q(&c.to_vec()).into_iter().enumerate() {
                    out[[i, j]] = y;
                }
            }
            out
        }
        Dim::Across => {
            let mut out = Array2::zeros((x.nrows(), np));
            for (i, r) in x.axis_iter(Axis(0)).enumerate() {
                for (j, y) in q(&r.to_vec()).into_iter().enumerate() {
                    out[[i, j]] = y;
                }
            }
            out
        }
    };
    Ok(Value::matrix(out))
}

/// NumPy's equal-width bins: `n` bins over the finite values' range.
fn equal_bins(data: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let finite: Vec<f64> = data.iter().copied().filter(|x| x.is_finite()).collect();
    let (mut first, mut last) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(*x), hi.max(*x))
        });
    if finite.is_empty() {
        (first, last) = (0.0, 1.0);
    } else if first == last {
        (first, last) = (first - 0.5, last + 0.5);
    }
    let edges: Vec<f64> = (0..=n)
        .map(|i| {
            if i == n {
                last
            } else {
                first + (last - first) * i as f64 / n as f64
            }
        })
        .collect();
    let mut counts = vec![0.0; n];
    let norm = n as f64 / (last - first);
    for &x in &finite {
        let mut k = (((x - first) * norm) as usize).min(n - 1);
        if x < edges[k] {
            k = k.saturating_sub(1);
        } else if k + 1 < n && x >= edges[k + 1] {
            k += 1;
        }
        counts[k] += 1.0;
    }
    (counts, edges)
}

/// Counts between given increasing edges, the last bin closed.
fn edge_bins(data: &[f64], edges: &[f64]) -> Vec<f64> {
    let n = edges.len() - 1;
    let mut counts = vec![0.0; n];
    let (lo, hi) = (edges[0], edges[n]);
    for &x in data {
        if !(x >= lo && x <= hi) {
            continue;
        }
        // The last edge <= x, as searchsorted(edges, x, "right") - 1.
        let k = edges
            .partition_point(|e| *e <= x)
            .saturating_sub(1)
            .min(n - 1);
        counts[k] += 1.0;
    }
    counts
}

fn histcounts(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = mat(args, 0)?;
    let data: Vec<f64> = x.t().iter().copied().collect();
    let (counts, edges) = match &args[1] {
        Value::Num(_) | Value::Bool(_) => {
            let n = super::count(args, 1, "the number of bins")?;
            if n == 0 {
                return Err(
                    RuntimeError::Domain("histcounts needs at least one bin".into()).at_arg(1),
                );
            }
            check_alloc(1, n + 1).map_err(|e| e.at_arg(1))?;
            equal_bins(&data, n)
        }
        _ => {
            let e = mat(args, 1)?;
            let edges: Vec<f64> = e.t().iter().copied().collect();
            if edges.len() < 2
                || edges.iter().any(|x| x.is_nan())
                || edges.windows(2).any(|w| w[0] > w[1])
            {
                return Err(RuntimeError::Domain(
                    "histcounts needs at least two edges, increasing and not NaN".into(),
                )
                .at_arg(1));
            }
            (edge_bins(&data, &edges), edges)
        }
    };
    let counts = Value::row(counts);
    if cx.nout < 2 {
        return Ok(counts);
    }
    Ok(Value::tuple(vec![counts, Value::row(edges)]))
}

fn accumarray(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let subs = mat(args, 0)?;
    let vals = mat(args, 1)?;
    // A vector of subscripts (row or column), or an n×2 matrix of (row, column).
    let two = subs.ncols() == 2 && subs.nrows() != 1;
    let n = if two { subs.nrows() } else { subs.len() };
    if vals.len() != 1 && vals.len() != n {
        return Err(RuntimeError::Shape(format!(
            "accumarray needs one value per subscript or a single value, got {} subscripts and {} values",
            n,
            vals.len()
        ))
        .at_arg(1));
    }
    let pairs: Vec<(f64, f64)> = if two {
        subs.axis_iter(Axis(0)).map(|r| (r[0], r[1])).collect()
    } else {
        subs.t().iter().map(|&s| (s, 1.0)).collect()
    };
    let index = |s: f64| -> Result<usize> {
        if s >= 1.0 && s.fract() == 0.0 && s <= crate::value::MAX_ELEMENTS as f64 {
            Ok(s as usize - 1)
        } else {
            Err(RuntimeError::BadIndex(format!(
                "accumarray's subscripts must be positive whole numbers, got {}",
                crate::display::format_scalar(s)
            ))
            .at_arg(0))
        }
    };
    let mut at = Vec::with_capacity(n);
    let (mut rows, mut cols) = (0, if two { 0 } else { 1 });
    for (r, c) in pairs {
        let (i, j) = (index(r)?, index(c)?);
        rows = rows.max(i + 1);
        cols = cols.max(j + 1);
        at.push((i, j));
    }
    check_alloc(rows, cols).map_err(|e| e.at_arg(0))?;
    let v: Vec<f64> = vals.t().iter().copied().collect();
    let mut out = Array2::zeros((rows, cols));
    for (k, (i, j)) in at.into_iter().enumerate() {
        out[[i, j]] += if v.len() == 1 { v[0] } else { v[k] };
    }
    Ok(Value::matrix(out))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, mx, run, run_n};
    use super::*;

    fn a() -> Value {
        m(&[&[3., 1., 4., 1.], &[5., 9., 2., 6.], &[5., 3., 5., 8.]])
    }

    fn x() -> Value {
        Value::row(vec![3., 1., 4., 1., 5., 9., 2., 6., 5., 3.])
    }

    #[test]
    fn median_matches_numpy() {
        // np.median(A, axis=0), np.median(A, axis=1)
        close(
            &run("median", &[a()]).unwrap(),
            &Value::row(vec![5., 3., 4., 6.]),
            0.0,
        );
        close(
            &run("median", &[a(), Value::Num(2.0)]).unwrap(),
            &Value::column(vec![2., 5.5, 5.]),
            0.0,
        );
        // np.median([4., 1, 3, 2]) = 2.5; np.median([2., nan, 1]) = nan
        close(
            &run("median", &[Value::row(vec![4., 1., 3., 2.])]).unwrap(),
            &Value::Num(2.5),
            0.0,
        );
        assert!(run("median", &[Value::row(vec![2., f64::NAN, 1.])])
            .unwrap()
            .to_scalar()
            .unwrap()
            .is_nan());
        close(
            &run("median", &[a(), Value::str("all")]).unwrap(),
            &Value::Num(4.5),
            0.0,
        );
        assert!(run("median", &[Value::matrix(Array2::zeros((0, 0)))])
            .unwrap()
            .to_scalar()
            .unwrap()
            .is_nan());
        assert_eq!(arg_err(run("median", &[a(), Value::Num(3.0)])), Some(1));
    }

    #[test]
    fn quantile_matches_numpy() {
        // np.quantile(x, [0, 0.1, 0.25, 0.5, 0.9, 1])
        close(
            &run(
                "quantile",
                &[x(), Value::row(vec![0., 0.1, 0.25, 0.5, 0.9, 1.])],
            )
            .unwrap(),
            &Value::row(vec![1., 1., 2.25, 3.5, 6.299999999999999, 9.]),
            1e-15,
        );
        // np.quantile(A, 0.3, axis=0)
        close(
            &run("quantile", &[a(), Value::Num(0.3)]).unwrap(),
            &Value::row(vec![4.2, 2.2, 3.2, 4.]),
            1e-15,
        );
        // np.quantile(A, [0.3, 0.75], axis=1).T
        close(
            &run(
                "quantile",
                &[a(), Value::row(vec![0.3, 0.75]), Value::Num(2.0)],
            )
            .unwrap(),
            &m(&[&[1., 3.25], &[4.699999999999999, 6.75], &[4.8, 5.75]]),
            1e-15,
        );
        assert!(run(
            "quantile",
            &[Value::row(vec![1., f64::NAN]), Value::Num(0.5)]
        )
        .unwrap()
        .to_scalar()
        .unwrap()
        .is_nan());
        assert!(run(
            "quantile",
            &[Value::matrix(Array2::zeros((0, 0))), Value::Num(0.5)]
        )
        .unwrap()
        .to_scalar()
        .unwrap()
        .is_nan());
        assert_eq!(arg_err(run("quantile", &[x(), Value::Num(1.5)])), Some(1));
        assert_eq!(
            arg_err(run("quantile", &[x(), Value::Num(f64::NAN)])),
            Some(1)
        );
        assert_eq!(arg_err(run("quantile", &[x(), Value::str("a")])), Some(1));
    }

    #[test]
    fn histcounts_matches_numpy() {
        // h, e = np.histogram(x, bins=4): [3 3 3 1], [1. 3. 5. 7. 9.]
        let r = run_n("histcounts", 2, &[x(), Value::Num(4.0)]).unwrap();
        close(&r[0], &Value::row(vec![3., 3., 3., 1.]), 0.0);
        close(&r[1], &Value::row(vec![1., 3., 5., 7., 9.]), 0.0);
        // np.histogram([1., 2, 2, 3, 10], bins=[0, 2, 5, 10]): [1 3 1]
        close(
            &run(
                "histcounts",
                &[
                    Value::row(vec![1., 2., 2., 3., 10.]),
                    Value::row(vec![0., 2., 5., 10.]),
                ],
            )
            .unwrap(),
            &Value::row(vec![1., 3., 1.]),
            0.0,
        );
        // np.histogram([2., 2, 2], bins=3): [0 3 0], [1.5 1.8333333333333333 2.1666666666666665 2.5]
        let r = run_n(
            "histcounts",
            2,
            &[Value::row(vec![2., 2., 2.]), Value::Num(3.0)],
        )
        .unwrap();
        close(&r[0], &Value::row(vec![0., 3., 0.]), 0.0);
        close(
            &r[1],
            &Value::row(vec![1.5, 1.8333333333333333, 2.1666666666666665, 2.5]),
            1e-15,
        );
        // np.histogram([0.1, 0.2, 0.3, 0.7, 1.0], bins=3): [3 0 2], [0.1 0.4 0.7 1.]
        let r = run_n(
            "histcounts",
            2,
            &[Value::row(vec![0.1, 0.2, 0.3, 0.7, 1.0]), Value::Num(3.0)],
        )
        .unwrap();
        close(&r[0], &Value::row(vec![3., 0., 2.]), 0.0);
        close(&r[1], &Value::row(vec![0.1, 0.4, 0.7, 1.0]), 1e-15);
        // NaN and empty input.
        close(
            &run(
                "histcounts",
                &[Value::row(vec![f64::NAN, 1., 2.]), Value::Num(2.0)],
            )
            .unwrap(),
            &Value::row(vec![1., 1.]),
            0.0,
        );
        close(
            &run(
                "histcounts",
                &[Value::matrix(Array2::zeros((0, 0))), Value::Num(2.0)],
            )
            .unwrap(),
            &Value::row(vec![0., 0.]),
            0.0,
        );
        assert_eq!(arg_err(run("histcounts", &[x(), Value::Num(0.0)])), Some(1));
        assert_eq!(
            arg_err(run("histcounts", &[x(), Value::row(vec![3., 1.])])),
            Some(1)
        );
        assert_eq!(
            arg_err(run("histcounts", &[x(), Value::Num(-2.0)])),
            Some(1)
        );
    }

    #[test]
    fn accumarray_sums_by_subscript() {
        // accumarray([1; 3; 1; 4], [10; 20; 30; 40]) = [40; 0; 20; 40]
        close(
            &run(
                "accumarray",
                &[
                    Value::column(vec![1., 3., 1., 4.]),
                    Value::column(vec![10., 20., 30., 40.]),
                ],
            )
            .unwrap(),
            &Value::column(vec![40., 0., 20., 40.]),
            0.0,
        );
        // A scalar value counts.
        close(
            &run(
                "accumarray",
                &[Value::column(vec![2., 2., 1.]), Value::Num(1.0)],
            )
            .unwrap(),
            &Value::column(vec![1., 2.]),
            0.0,
        );
        close(
            &run(
                "accumarray",
                &[
                    m(&[&[1., 1.], &[2., 2.], &[1., 1.]]),
                    Value::column(vec![1., 2., 3.]),
                ],
            )
            .unwrap(),
            &m(&[&[4., 0.], &[0., 2.]]),
            0.0,
        );
        assert_eq!(
            mx(&run(
                "accumarray",
                &[
                    Value::matrix(Array2::zeros((0, 1))),
                    Value::matrix(Array2::zeros((0, 1)))
                ]
            )
            .unwrap())
            .dim(),
            (0, 1)
        );
        assert_eq!(
            arg_err(run(
                "accumarray",
                &[Value::column(vec![0., 1.]), Value::Num(1.0)]
            )),
            Some(0)
        );
        assert_eq!(
            arg_err(run(
                "accumarray",
                &[Value::column(vec![1.5, 1.]), Value::Num(1.0)]
            )),
            Some(0)
        );
        assert_eq!(
            arg_err(run(
                "accumarray",
                &[Value::column(vec![f64::NAN]), Value::Num(1.0)]
            )),
            Some(0)
        );
        assert_eq!(
            arg_err(run(
                "accumarray",
                &[Value::column(vec![1., 2.]), Value::column(vec![1., 2., 3.])]
            )),
            Some(1)
        );
        assert!(run("accumarray", &[Value::Num(1e12), Value::Num(1.0)]).is_err());
    }
}
