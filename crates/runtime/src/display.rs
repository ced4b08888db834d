//! How values print: scalars with up to 10 significant digits, matrices with
//! a shape header, right-aligned columns of one common format, and large
//! matrices elided NumPy/Julia style.

use crate::value::Value;
use ndarray::Array2;
use std::fmt::Write;

/// Rows shown in full up to this many; beyond it the first and last
/// `EDGE_ROWS` are shown around a `⋮`.
pub const MAX_ROWS: usize = 20;
const EDGE_ROWS: usize = 6;
/// Columns shown in full up to this many; beyond it the first and last
/// `EDGE_COLS` around a `…`.
pub const MAX_COLS: usize = 12;
const EDGE_COLS: usize = 4;

/// A number as MLA prints it alone: `3`, `0.3333333333`, `1.5e-12`, `NaN`.
pub fn format_scalar(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    format_g(x, 10)
}

/// C's `%.{prec}g` with trailing zeros removed.
pub fn format_g(x: f64, prec: usize) -> String {
    let prec = prec.max(1);
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    // Rounding can carry into the next decade (9.9999 → 10.000); recheck.
    let sci = format!("{:.*e}", prec - 1, x);
    let exp = sci
        .rsplit('e')
        .next()
        .and_then(|e| e.parse::<i32>().ok())
        .unwrap_or(exp);
    if exp < -5 || exp >= prec as i32 {
        let (mant, e) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mant = trim_zeros(mant);
        let e: i32 = e.parse().unwrap_or(0);
        format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, x)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A short one-line form, used inside tuples, string concatenation and `print`.
pub fn inline(v: &Value) -> String {
    match v {
        Value::Num(x) => format_scalar(*x),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.to_string(),
        Value::Matrix(m) if m.len() <= 10 && (m.nrows() == 1 || m.ncols() == 1) => {
            let items: Vec<String> = m.iter().map(|x| format_scalar(*x)).collect();
            let sep = if m.nrows() == 1 { " " } else { "; " };
            format!("[{}]", items.join(sep))
        }
        Value::Matrix(m) => format!("{}×{} Matrix", m.nrows(), m.ncols()),
        Value::Logical(m) => format!("{}×{} Logical", m.nrows(), m.ncols()),
        Value::Func(f) => match f {
            crate::Func::Builtin(b) => format!("builtin {}", b.signature),
            crate::Func::User(u) => u.describe(),
        },
        Value::Traced(t) => inline(&Value::matrix(t.value.clone())),
        Value::Tuple(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::Str(s) => format!("{s:?}"),
                    other => inline(other),
                })
                .collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// How a displayed name and value print: `x = 3` or a header and a grid.
pub fn display_named(name: &str, v: &Value) -> String {
    match v {
        Value::Str(s) => format!("{name} = {s:?}\n"),
        Value::Matrix(m) => format!("{name} = {}", grid(m)),
        Value::Logical(m) => format!("{name} = {}", logical_grid(m)),
        Value::Tuple(items)
            if items
                .iter()
                .all(|i| !matches!(i, Value::Matrix(_) | Value::Logical(_))) =>
        {
            format!("{name} = {}\n", inline(v))
        }
        Value::Tuple(items) => {
            let mut out = format!("{name} = {}-tuple\n", items.len());
            for (i, item) in items.iter().enumerate() {
                out.push_str(&indent(&display_named(&format!("[{}]", i + 1), item)));
            }
            out
        }
        other => format!("{name} = {}\n", inline(other)),
    }
}

/// The value as `print` shows it: no name, no quotes, small vectors inline,
/// larger matrices as a grid without the shape header.
pub fn display_plain(v: &Value) -> String {
    let body = |s: String| {
        s.split_once('\n')
            .map_or(String::new(), |(_, rest)| rest.to_string())
    };
    match v {
        Value::Matrix(m) if m.len() <= 10 && (m.nrows() == 1 || m.ncols() == 1) => inline(v),
        Value::Matrix(m) => body(grid(m)),
        Value::Logical(m) => body(logical_grid(m)),
        other => inline(other),
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// The kept row or column positions, with `None` marking the elision.
fn kept(n: usize, max: usize, edge: usize) -> Vec<Option<usize>> {
    if n <= max {
        (0..n).map(Some).collect()
    } else {
        (0..edge)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((n - edge..n).map(Some))
            .collect()
    }
}

/// A common format for all shown elements of a matrix.
fn element_format(m: &Array2<f64>) -> impl Fn(f64) -> String {
    let finite: Vec<f64> = m.iter().copied().filter(|x| x.is_finite()).collect();
    let all_int = finite.iter().all(|x| x.fract() == 0.0 && x.abs() < 1e10);
    let max = finite.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    let min_nonzero = finite
        .iter()
        .filter(|x| **x != 0.0)
        .fold(f64::INFINITY, |a, x| a.min(x.abs()));
    // As NumPy: fixed point would hide very small or very large entries.
    let sci = !all_int && (max >= 1e5 || min_nonzero < 1e-4);
    move |x: f64| {
        if x.is_nan() {
            "NaN".to_string()
        } else if x.is_infinite() {
            if x > 0.0 { "Inf" } else { "-Inf" }.to_string()
        } else if all_int {
            format!("{}", x as i64)
        } else if sci {
            let s = format!("{x:.4e}");
            let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
            let e: i32 = e.parse().unwrap_or(0);
            format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
        } else {
            let s = format!("{x:.4}");
            if s == "-0.0000" {
                "0.0000".into()
            } else {
                s
            }
        }
    }
}

fn render(rows: usize, cols: usize, cell: impl Fn(usize, usize) -> String, kind: &str) -> String {
    let mut out = format!("{rows}×{cols} {kind}\n");
    if rows == 0 || cols == 0 {
        return out;
    }
    let rk = kept(rows, MAX_ROWS, EDGE_ROWS);
    let ck = kept(cols, MAX_COLS, EDGE_COLS);
    let cells: Vec<Vec<Option<String>>> = rk
        .iter()
        .map(|r| {
            ck.iter()
                .map(|c| match (r, c) {
                    (Some(i), Some(j)) => Some(cell(*i, *j)),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let width = cells
        .iter()
        .flatten()
        .flatten()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(1);
    for (ri, row) in rk.iter().zip(&cells) {
        for (ci, c) in ck.iter().zip(row) {
            out.push_str("  ");
            match (ri, ci, c) {
                (_, _, Some(s)) => {
                    let _ = write!(out, "{s:>width$}");
                }
                (_, Some(_), None) => {
                    let _ = write!(out, "{:>width$}", "⋮");
                }
                (_, None, _) => {
                    let _ = write!(out, "{:>width$}", "…");
                }
            }
        }
        out.push('\n');
    }
    out
}

fn grid(m: &Array2<f64>) -> String {
    let shown: Vec<f64> = kept(m.nrows(), MAX_ROWS, EDGE_ROWS)
        .into_iter()
        .flatten()
        .flat_map(|i| {
            kept(m.ncols(), MAX_COLS, EDGE_COLS)
                .into_iter()
                .flatten()
                .map(move |j| (i, j))
        })
        .map(|(i, j)| m[[i, j]])
        .collect();
    let sample = Array2::from_shape_vec((1, shown.len()), shown).expect("1×n");
    let f = element_format(&sample);
    render(m.nrows(), m.ncols(), |i, j| f(m[[i, j]]), "Matrix")
}

fn logical_grid(m: &Array2<bool>) -> String {
    render(
        m.nrows(),
        m.ncols(),
        |i, j| if m[[i, j]] { "1" } else { "0" }.to_string(),
        "Logical",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn scalars() {
        assert_eq!(format_scalar(3.0), "3");
        assert_eq!(format_scalar(1.0 / 3.0), "0.3333333333");
        assert_eq!(format_scalar(0.1 + 0.2), "0.3");
        assert_eq!(format_scalar(std::f64::consts::PI), "3.141592654");
        assert_eq!(format_scalar(1.5e-12), "1.5e-12");
        assert_eq!(format_scalar(-2.5e20), "-2.5e+20");
        assert_eq!(format_scalar(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_g(9.99999999999, 3), "10");
        assert_eq!(format_g(0.0001234, 6), "0.0001234");
    }

    #[test]
    fn matrices() {
        let m = Value::matrix(array![[1.0, -2.5], [3.25, 4.0]]);
        insta::assert_snapshot!(display_named("A", &m), @r"
        A = 2×2 Matrix
           1.0000  -2.5000
           3.2500   4.0000
        ");
        let big = Value::matrix(Array2::from_shape_fn((100, 30), |(i, j)| {
            (i * 30 + j) as f64
        }));
        let text = display_named("B", &big);
        assert!(text.lines().count() <= MAX_ROWS + 2, "{text}");
        assert!(text.contains('⋮') && text.contains('…'));
    }
}
