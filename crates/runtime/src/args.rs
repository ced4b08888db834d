//! Reading a builtin's arguments: matrices, numbers, counts, sizes,
//! dimensions and options, each checked with an error that names the
//! argument. The builtins and their gradient rules read arguments through
//! the same functions, so `grad` refuses exactly what the plain call
//! refuses.

use crate::error::{Result, RuntimeError};
use crate::kernels::{default_dim, Dim, Lines};
use crate::value::Value;
use ndarray::Array2;
use std::borrow::Cow;

pub(crate) fn mat(args: &[Value], i: usize) -> Result<Cow<'_, Array2<f64>>> {
    args[i].to_matrix().map_err(|e| e.at_arg(i))
}

pub(crate) fn scalar(args: &[Value], i: usize) -> Result<f64> {
    args[i].to_scalar().map_err(|e| e.at_arg(i))
}

pub(crate) fn count(args: &[Value], i: usize, what: &str) -> Result<usize> {
    args[i].to_count(what).map_err(|e| e.at_arg(i))
}

pub(crate) fn string(args: &[Value], i: usize) -> Result<&str> {
    args[i].to_str().map_err(|e| e.at_arg(i))
}

pub(crate) fn dim_arg(args: &[Value], i: usize, m: &Array2<f64>) -> Result<Dim> {
    match args.get(i) {
        None => Ok(default_dim(m)),
        Some(Value::Str(s)) if &**s == "all" => Ok(Dim::All),
        Some(v) => match v.as_scalar() {
            Some(1.0) => Ok(Dim::Down),
            Some(2.0) => Ok(Dim::Across),
            _ => Err(RuntimeError::Domain(format!(
                "the dimension must be 1, 2 or \"all\", got {}",
                crate::display::inline(v)
            ))
            .at_arg(i)),
        },
    }
}

/// `f(m)` or `f(m, n)` or `f([m n])`: the size arguments of builders.
pub(crate) fn size_args(args: &[Value], start: usize) -> Result<(usize, usize)> {
    let rest = &args[start..];
    let (m, n) = match rest.len() {
        0 => (1, 1),
        1 => match &rest[0] {
            Value::Matrix(v) if v.len() == 2 => {
                let d: Vec<f64> = v.iter().copied().collect();
                let m = Value::Num(d[0])
                    .to_count("the number of rows")
                    .map_err(|e| e.at_arg(start))?;
                let n = Value::Num(d[1])
                    .to_count("the number of columns")
                    .map_err(|e| e.at_arg(start))?;
                (m, n)
            }
            _ => {
                let n = count(args, start, "the size")?;
                (n, n)
            }
        },
        _ => (
            count(args, start, "the number of rows")?,
            count(args, start + 1, "the number of columns")?,
        ),
    };
    crate::value::check_alloc(m, n).map_err(|e| e.at_arg(start))?;
    Ok((m, n))
}

/// The dimension a reduction of `m` runs along, given at `args[dim_at]`
/// (an empty `[]` with none given reduces everything).
pub(crate) fn line_dim(args: &[Value], dim_at: usize, m: &Array2<f64>) -> Result<Dim> {
    if m.dim() == (0, 0) && args.len() <= dim_at {
        Ok(Dim::All)
    } else {
        dim_arg(args, dim_at, m)
    }
}

/// The dimension of `max(X)` or `max(X, [], dim)`.
pub(crate) fn extreme_dim(args: &[Value], m: &Array2<f64>, name: &str) -> Result<Dim> {
    if args.len() == 3 {
        if args[1].numel() != 0 {
            return Err(RuntimeError::Domain(format!(
                "{name}(X, [], dim) takes [] as its second argument"
            ))
            .at_arg(1));
        }
        dim_arg(args, 2, m)
    } else {
        Ok(default_dim(m))
    }
}

/// The weight of `std(X, w, dim)` and `var(X, w, dim)`: true to divide by
/// N, false for N - 1.
pub(crate) fn divides_by_n(args: &[Value]) -> Result<bool> {
    Ok(match args.get(1) {
        None => false,
        Some(v) if v.numel() == 0 => false,
        Some(v) => match v.as_scalar() {
            Some(0.0) => false,
            Some(1.0) => true,
            _ => {
                return Err(RuntimeError::Domain(
                    "the weight must be 0 (divide by N-1) or 1 (divide by N)".into(),
                )
                .at_arg(1))
            }
        },
    })
}

/// The norm `norm(m, p)` asks for, checked.
pub(crate) fn norm_kind(args: &[Value], m: &Array2<f64>) -> Result<Norm> {
    let is_vec = m.nrows() == 1 || m.ncols() == 1;
    Ok(match args.get(1) {
        None => Norm::Two,
        Some(Value::Str(s)) if &**s == "fro" => Norm::Fro,
        Some(Value::Str(s)) if &**s == "nuc" => Norm::Nuc,
        Some(v) => match v.as_scalar() {
            Some(2.0) => Norm::Two,
            Some(1.0) => Norm::One,
            Some(x) if x == f64::INFINITY => Norm::Inf,
            Some(x) if is_vec && x > 0.0 => Norm::P(x),
            _ => {
                return Err(RuntimeError::Domain(format!(
                    "norm takes p = 1, 2, Inf, \"fro\" or \"nuc\"{}, got {}",
                    if is_vec {
                        " (or any p > 0 for a vector)"
                    } else {
                        ""
                    },
                    crate::display::inline(v)
                ))
                .at_arg(1))
            }
        },
    })
}

/// Which norm: the 2-norm (spectral for a matrix), 1 (largest column sum
/// for a matrix), Inf (largest row sum), Frobenius, nuclear (the sum of the
/// singular values) or a vector's p-norm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Norm {
    Two,
    One,
    Inf,
    Fro,
    Nuc,
    P(f64),
}

/// A vector as a whole, a matrix row by row, or the dimension in `args[1]`.
pub(crate) fn lines(args: &[Value], m: &Array2<f64>) -> Result<Lines> {
    match args.get(1) {
        None if m.nrows() == 1 || m.ncols() == 1 => Ok(Lines::Whole),
        None => Ok(Lines::Rows),
        Some(v) => match v.as_scalar() {
            Some(1.0) => Ok(Lines::Cols),
            Some(2.0) => Ok(Lines::Rows),
            _ => Err(RuntimeError::Domain("the dimension must be 1 or 2".into()).at_arg(1)),
        },
    }
}

/// The bounds of `clamp(X, lo, hi)`, checked (the gradient rule uses the
/// same check, so `grad` refuses what the plain call refuses).
pub(crate) fn clamp_bounds(args: &[Value]) -> Result<(f64, f64)> {
    let lo = scalar(args, 1)?;
    let hi = scalar(args, 2)?;
    for (i, b) in [(1, lo), (2, hi)] {
        if b.is_nan() {
            return Err(RuntimeError::Domain(
                "clamp needs bounds that are numbers, got NaN".into(),
            )
            .at_arg(i));
        }
    }
    if lo > hi {
        return Err(RuntimeError::Domain(format!(
            "clamp needs lo <= hi, got lo = {lo} and hi = {hi}"
        )));
    }
    Ok((lo, hi))
}

/// The dimension `sort(m, …)` sorts along and whether it sorts descending.
pub(crate) fn sort_options(args: &[Value], m: &Array2<f64>) -> Result<(Dim, bool)> {
    let mut descend = false;
    let mut dim = default_dim(m);
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
            _ => dim = dim_arg(args, i, m)?,
        }
    }
    if dim == Dim::All {
        return Err(RuntimeError::Domain("sort takes dimension 1 or 2".into()).at_arg(1));
    }
    Ok((dim, descend))
}
