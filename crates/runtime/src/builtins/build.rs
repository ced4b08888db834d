//! Builders: zeros, ones, eye, fill, rand, randn, randi, randperm, seed,
//! linspace, diag, reshape, repmat, magic, true, false.

use super::{count, mat, scalar, size_args, Builtin, CallContext};
use crate::autodiff::rules as ad;
use crate::error::{Result, RuntimeError};
use crate::value::{check_alloc, from_column_major, Value};
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("build"; "zeros", 0, 2, 1, "zeros(m, n)", "an m×n matrix of zeros (zeros(n) is n×n)", zeros; constant),
    entry!("build"; "ones", 0, 2, 1, "ones(m, n)", "an m×n matrix of ones (ones(n) is n×n)", ones; constant),
    entry!("build"; "eye", 0, 2, 1, "eye(n)", "the n×n identity (eye(m, n) is m×n)", eye; constant),
    entry!("build"; "fill", 1, 3, 1, "fill(v, m, n)", "an m×n matrix with every element v", fill; constant),
    entry!("build"; "rand", 0, 2, 1, "rand(m, n)", "uniform random numbers in [0, 1)", rand; constant),
    entry!("build"; "randn", 0, 2, 1, "randn(m, n)", "standard normal random numbers", randn; constant),
    entry!("build"; "randi", 1, 3, 1, "randi(imax, m, n)", "uniform random whole numbers in 1..imax (randi([lo hi], m, n): in lo..hi), m×n (one number by default)", randi; constant),
    entry!("build"; "randperm", 1, 2, 1, "randperm(n, k)", "a random permutation of 1..n as a row; randperm(n, k): k distinct values of 1..n", randperm; constant),
    entry!("build"; "seed", 1, 1, 1, "seed(s)", "reseeds the generator behind rand and randn", seed; constant),
    entry!("build"; "linspace", 2, 3, 1, "linspace(a, b, n)", "n evenly spaced points from a to b as a row (n = 100 by default)", linspace; constant),
    entry!("build"; "diag", 1, 1, 1, "diag(v or M)", "a diagonal matrix from a vector, or the diagonal of a matrix as a column", diag; rule ad::rearrange),
    entry!("build"; "reshape", 2, 3, 1, "reshape(X, m, n)", "the elements of X in column-major order, laid out m×n", reshape; rule ad::reshape),
    entry!("build"; "repmat", 2, 3, 1, "repmat(X, m, n)", "X tiled m times down and n times across", repmat; rule ad::rearrange),
    entry!("build"; "magic", 1, 1, 1, "magic(n)", "an n×n magic square (MATLAB's construction: equal row, column and diagonal sums)", magic; constant),
    entry!("build"; "true", 0, 2, 1, "true(m, n)", "an m×n logical matrix of true (true(n) is n×n)", true_; constant),
    entry!("build"; "false", 0, 2, 1, "false(m, n)", "an m×n logical matrix of false (false(n) is n×n)", false_; constant),
];

fn zeros(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::matrix(Array2::zeros(size_args(args, 0)?)))
}

fn ones(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::matrix(Array2::ones(size_args(args, 0)?)))
}

fn eye(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (m, n) = size_args(args, 0)?;
    Ok(Value::matrix(Array2::from_shape_fn((m, n), |(i, j)| {
        f64::from(u8::from(i == j))
    })))
}

fn fill(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let v = scalar(args, 0)?;
    Ok(Value::matrix(Array2::from_elem(size_args(args, 1)?, v)))
}

fn random(cx: &mut CallContext<'_>, args: &[Value], normal: bool) -> Result<Value> {
    let (m, n) = size_args(args, 0)?;
    let rng = cx.rng();
    // Column-major fill, so rand(3, 1) and the first column of rand(3, 2) agree.
    let data: Vec<f64> = (0..m * n)
        .map(|_| if normal { rng.normal() } else { rng.uniform() })
        .collect();
    Ok(Value::matrix(from_column_major(m, n, data)))
}

fn rand(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    random(cx, args, false)
}

fn randn(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    random(cx, args, true)
}

fn seed(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let s = scalar(args, 0)?;
    if !(s.is_finite() && s.fract() == 0.0 && s >= 0.0) {
        return Err(RuntimeError::Domain(format!(
            "seed must be a non-negative whole number, got {}",
            crate::display::format_scalar(s)
        ))
        .at_arg(0));
    }
    *cx.rng() = crate::rng::Rng::new(s as u64);
    Ok(Value::Num(s))
}

fn linspace(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let a = scalar(args, 0)?;
    let b = scalar(args, 1)?;
    let n = if args.len() > 2 {
        count(args, 2, "the number of points")?
    } else {
        100
    };
    check_alloc(1, n)?;
    let v: Vec<f64> = match n {
        0 => Vec::new(),
        1 => vec![b],
        _ => (0..n)
            .map(|i| {
                if i == n - 1 {
                    b
                } else {
                    a + (b - a) * i as f64 / (n - 1) as f64
                }
            })
            .collect(),
    };
    Ok(Value::matrix(
        Array2::from_shape_vec((1, n), v).expect("1×n"),
    ))
}

fn diag(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    let (r, c) = m.dim();
    if r == 1 || c == 1 {
        let v: Vec<f64> = m.iter().copied().collect();
        let n = v.len();
        check_alloc(n, n)?;
        let mut out = Array2::zeros((n, n));
        for (i, x) in v.into_iter().enumerate() {
            out[[i, i]] = x;
        }
        Ok(Value::matrix(out))
    } else {
        Ok(Value::column(m.diag().to_vec()))
    }
}

fn reshape(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let data = args[0].elements().map_err(|e| e.at_arg(0))?;
    let (m, n) = size_args(args, 1)?;
    if m * n != data.len() {
        return Err(RuntimeError::Shape(format!(
            "cannot reshape {} elements ({}) into {}×{}",
            data.len(),
            args[0].describe(),
            m,
            n
        )));
    }
    Ok(Value::matrix(from_column_major(m, n, data)))
}

fn repmat(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = mat(args, 0)?;
    let (m, n) = size_args(args, 1)?;
    let (r, c) = x.dim();
    let (rr, cc) = (r.saturating_mul(m), c.saturating_mul(n));
    check_alloc(rr, cc)?;
    Ok(Value::matrix(Array2::from_shape_fn((rr, cc), |(i, j)| {
        x[[i % r, j % c]]
    })))
}

/// A whole number in `0..m` (`m >= 1`) from the generator.
fn below(rng: &mut crate::rng::Rng, m: f64) -> f64 {
    (rng.uniform() * m).floor().min(m - 1.0)
}

/// The limit argument of randi: `imax` or `[lo hi]`, whole numbers.
fn randi_range(args: &[Value]) -> Result<(f64, f64)> {
    let bad = |what: String| Err(RuntimeError::Domain(what).at_arg(0));
    let (lo, hi) = match &args[0] {
        Value::Num(_) | Value::Bool(_) => (1.0, scalar(args, 0)?),
        v if v.numel() == 2 && v.is_numeric() => {
            let e = mat(args, 0)?;
            let d: Vec<f64> = e.iter().copied().collect();
            (d[0], d[1])
        }
        v => return bad(format!("randi takes imax or [lo hi], got {}", v.describe())),
    };
    let whole = |x: f64| x.is_finite() && x.fract() == 0.0 && x.abs() <= 2f64.powi(53);
    if !(whole(lo) && whole(hi)) {
        return bad("randi's limits must be whole numbers".into());
    }
    if lo > hi {
        return bad(format!(
            "randi needs lo <= hi (imax >= 1), got {} and {}",
            crate::display::format_scalar(lo),
            crate::display::format_scalar(hi)
        ));
    }
    Ok((lo, hi))
}

fn randi(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (lo, hi) = randi_range(args)?;
    let (m, n) = size_args(args, 1)?;
    let width = hi - lo + 1.0;
    let rng = cx.rng();
    let data: Vec<f64> = (0..m * n).map(|_| lo + below(rng, width)).collect();
    Ok(Value::matrix(from_column_major(m, n, data)))
}

fn randperm(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let n = count(args, 0, "n")?;
    let k = if args.len() > 1 {
        count(args, 1, "k")?
    } else {
        n
    };
    if k > n {
        return Err(RuntimeError::Domain(format!(
            "randperm(n, k) needs k <= n, got n = {n} and k = {k}"
        ))
        .at_arg(1));
    }
    check_alloc(1, n).map_err(|e| e.at_arg(0))?;
    let mut p: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    let rng = cx.rng();
    // The first k steps of a Fisher–Yates shuffle.
    for i in 0..k {
        let j = i + below(rng, (n - i) as f64) as usize;
        p.swap(i, j);
    }
    p.truncate(k);
    Ok(Value::row(p))
}

/// MATLAB's magic square of order `n` (odd, doubly even, singly even).
pub(crate) fn magic_square(n: usize) -> Array2<f64> {
    if n % 2 == 1 {
        let nf = n as f64;
        return Array2::from_shape_fn((n, n), |(i, j)| {
            let (i, j) = ((i + 1) as f64, (j + 1) as f64);
            let a = (i + j - (nf + 3.0) / 2.0).rem_euclid(nf);
            let b = (i + 2.0 * j - 2.0).rem_euclid(nf);
            nf * a + b + 1.0
        });
    }
    if n.is_multiple_of(4) {
        let nn = (n * n) as f64;
        return Array2::from_shape_fn((n, n), |(i, j)| {
            let v = (i * n + j + 1) as f64;
            if ((i + 1) % 4) / 2 == ((j + 1) % 4) / 2 {
                nn + 1.0 - v
            } else {
                v
            }
        });
    }
    let p = n / 2;
    let q = magic_square(p);
    let pp = (p * p) as f64;
    let mut m = Array2::from_shape_fn((n, n), |(i, j)| {
        let base = q[[i % p, j % p]];
        base + match (i < p, j < p) {
            (true, true) => 0.0,
            (true, false) => 2.0 * pp,
            (false, true) => 3.0 * pp,
            (false, false) => pp,
        }
    });
    if n == 2 {
        return m;
    }
    let k = (n - 2) / 4;
    // 0-based columns 0..k and n-k+1..n: swap the top and bottom halves.
    let cols: Vec<usize> = (0..k).chain(n - k + 1..n).collect();
    for &j in &cols {
        for i in 0..p {
            m.swap([i, j], [i + p, j]);
        }
    }
    for j in [0, k] {
        m.swap([k, j], [k + p, j]);
    }
    m
}

fn magic(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let n = count(args, 0, "the order")?;
    check_alloc(n, n).map_err(|e| e.at_arg(0))?;
    Ok(Value::matrix(magic_square(n)))
}

fn true_(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::logical(Array2::from_elem(size_args(args, 0)?, true)))
}

fn false_(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::logical(Array2::from_elem(
        size_args(args, 0)?,
        false,
    )))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, mx, run, TestHost};
    use super::*;

    #[test]
    fn magic_matches_matlab() {
        close(
            &run("magic", &[Value::Num(3.0)]).unwrap(),
            &m(&[&[8., 1., 6.], &[3., 5., 7.], &[4., 9., 2.]]),
            0.0,
        );
        close(
            &run("magic", &[Value::Num(4.0)]).unwrap(),
            &m(&[
                &[16., 2., 3., 13.],
                &[5., 11., 10., 8.],
                &[9., 7., 6., 12.],
                &[4., 14., 15., 1.],
            ]),
            0.0,
        );
        // MATLAB's magic(6).
        close(
            &run("magic", &[Value::Num(6.0)]).unwrap(),
            &m(&[
                &[35., 1., 6., 26., 19., 24.],
                &[3., 32., 7., 21., 23., 25.],
                &[31., 9., 2., 22., 27., 20.],
                &[8., 28., 33., 17., 10., 15.],
                &[30., 5., 34., 12., 14., 16.],
                &[4., 36., 29., 13., 18., 11.],
            ]),
            0.0,
        );
        close(
            &run("magic", &[Value::Num(2.0)]).unwrap(),
            &m(&[&[1., 3.], &[4., 2.]]),
            0.0,
        );
        assert!(matches!(
            run("magic", &[Value::Num(1.0)]).unwrap(),
            Value::Num(1.0)
        ));
        assert_eq!(mx(&run("magic", &[Value::Num(0.0)]).unwrap()).dim(), (0, 0));
        assert_eq!(arg_err(run("magic", &[Value::Num(-1.0)])), Some(0));
        assert_eq!(arg_err(run("magic", &[Value::Num(f64::NAN)])), Some(0));
    }

    #[test]
    fn magic_squares_are_magic() {
        for n in 3..=14 {
            let a = magic_square(n);
            let want = (n * (n * n + 1) / 2) as f64;
            let mut seen: Vec<f64> = a.iter().copied().collect();
            seen.sort_by(f64::total_cmp);
            assert_eq!(
                seen,
                (1..=n * n).map(|x| x as f64).collect::<Vec<_>>(),
                "n = {n}"
            );
            for i in 0..n {
                assert_eq!(a.row(i).sum(), want, "row {i} of magic({n})");
                assert_eq!(a.column(i).sum(), want, "column {i} of magic({n})");
            }
            assert_eq!(a.diag().sum(), want);
            assert_eq!((0..n).map(|i| a[[i, n - 1 - i]]).sum::<f64>(), want);
        }
    }

    #[test]
    fn randperm_is_a_permutation() {
        let mut h = TestHost::new();
        let p = mx(&h.call("randperm", 1, &[Value::Num(10.0)]).unwrap());
        assert_eq!(p.dim(), (1, 10));
        let mut v: Vec<f64> = p.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        assert_eq!(v, (1..=10).map(f64::from).collect::<Vec<_>>());
        let q = mx(&h
            .call("randperm", 1, &[Value::Num(10.0), Value::Num(4.0)])
            .unwrap());
        assert_eq!(q.dim(), (1, 4));
        let mut v: Vec<f64> = q.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        assert_eq!(v.len(), 4);
        assert!(v.iter().all(|x| (1.0..=10.0).contains(x)));
        assert_eq!(
            mx(&h.call("randperm", 1, &[Value::Num(0.0)]).unwrap()).dim(),
            (1, 0)
        );
        assert_eq!(
            arg_err(h.call("randperm", 1, &[Value::Num(3.0), Value::Num(4.0)])),
            Some(1)
        );
        assert_eq!(arg_err(h.call("randperm", 1, &[Value::Num(-3.0)])), Some(0));
        assert_eq!(arg_err(h.call("randperm", 1, &[Value::Num(2.5)])), Some(0));
    }

    #[test]
    fn randi_stays_in_range() {
        let mut h = TestHost::new();
        let a = mx(&h
            .call(
                "randi",
                1,
                &[Value::Num(6.0), Value::Num(50.0), Value::Num(40.0)],
            )
            .unwrap());
        assert_eq!(a.dim(), (50, 40));
        assert!(a
            .iter()
            .all(|x| x.fract() == 0.0 && (1.0..=6.0).contains(x)));
        for k in 1..=6 {
            assert!(a.iter().any(|x| *x == k as f64), "{k} never drawn");
        }
        let b = mx(&h
            .call("randi", 1, &[Value::row(vec![-2.0, 2.0]), Value::Num(30.0)])
            .unwrap());
        assert_eq!(b.dim(), (30, 30));
        assert!(b.iter().all(|x| (-2.0..=2.0).contains(x)));
        assert!(b.iter().any(|x| *x == -2.0) && b.iter().any(|x| *x == 2.0));
        let one = h.call("randi", 1, &[Value::Num(1.0)]).unwrap();
        assert!(matches!(one, Value::Num(1.0)));
        assert_eq!(arg_err(h.call("randi", 1, &[Value::Num(0.0)])), Some(0));
        assert_eq!(arg_err(h.call("randi", 1, &[Value::Num(2.5)])), Some(0));
        assert_eq!(
            arg_err(h.call("randi", 1, &[Value::row(vec![3.0, 1.0])])),
            Some(0)
        );
        assert_eq!(
            arg_err(h.call("randi", 1, &[Value::Num(f64::NAN)])),
            Some(0)
        );
        assert_eq!(arg_err(h.call("randi", 1, &[Value::str("x")])), Some(0));
        assert_eq!(
            arg_err(h.call("randi", 1, &[Value::Num(3.0), Value::Num(-1.0)])),
            Some(1)
        );
    }

    #[test]
    fn true_and_false_build_logicals() {
        match run("true", &[Value::Num(2.0), Value::Num(3.0)]).unwrap() {
            Value::Logical(l) => assert!(l.dim() == (2, 3) && l.iter().all(|b| *b)),
            v => panic!("{v:?}"),
        }
        match run("false", &[Value::Num(2.0)]).unwrap() {
            Value::Logical(l) => assert!(l.dim() == (2, 2) && l.iter().all(|b| !*b)),
            v => panic!("{v:?}"),
        }
        assert!(matches!(run("true", &[]).unwrap(), Value::Bool(true)));
        assert_eq!(arg_err(run("false", &[Value::Num(-1.0)])), Some(0));
    }
}
