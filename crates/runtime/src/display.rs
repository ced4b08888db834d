//! How values print: scalars with up to 10 significant digits, matrices with
//! a shape header, right-aligned columns of one common format, and large
//! matrices elided NumPy/Julia style: as many columns as fit the width
//! (the terminal's at the REPL, [`DEFAULT_WIDTH`] elsewhere).

pub use crate::format::{format_g, format_scalar, DEFAULT_WIDTH};
use crate::value::Value;
use ndarray::Array2;
use std::fmt::Write;

/// Rows shown in full up to this many; beyond it the first and last
/// `EDGE_ROWS` are shown around a `⋮`.
pub const MAX_ROWS: usize = 20;
const EDGE_ROWS: usize = 6;
/// Every column, the `…` one included, is two blanks and its cells.
const GAP: usize = 2;

/// A short one-line form, used inside tuples, string concatenation and `print`.
pub fn inline(v: &Value) -> String {
    let mut out = String::new();
    inline_into(v, &mut out);
    out
}

/// [`inline`] appended to `out`: nested tuples write into one buffer, so
/// showing a tuple nested n deep takes time linear in n (a string per
/// level, copied into the next, took quadratic time).
fn inline_into(v: &Value, out: &mut String) {
    match v {
        Value::Num(x) => out.push_str(&format_scalar(*x)),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Str(s) => out.push_str(s),
        Value::Matrix(m) if m.len() <= 10 && (m.nrows() == 1 || m.ncols() == 1) => {
            let items: Vec<String> = m.iter().map(|x| format_scalar(*x)).collect();
            let sep = if m.nrows() == 1 { " " } else { "; " };
            out.push('[');
            out.push_str(&items.join(sep));
            out.push(']');
        }
        Value::Matrix(m) => out.push_str(&format!("{}×{} Matrix", m.nrows(), m.ncols())),
        Value::Logical(m) => out.push_str(&format!("{}×{} Logical", m.nrows(), m.ncols())),
        Value::Func(f) => match f {
            crate::Func::Builtin(b) => out.push_str(&format!("builtin {}", b.signature)),
            crate::Func::User(u) => out.push_str(&u.describe()),
        },
        Value::Traced(t) => inline_into(&Value::shared_matrix(t.value.clone()), out),
        Value::Optimizer(o) => out.push_str(&o.to_string()),
        Value::External(x) => out.push_str(&x.describe()),
        Value::Tuple(items) => {
            out.push('(');
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                match item {
                    Value::Str(s) => out.push_str(&format!("{s:?}")),
                    other => inline_into(other, out),
                }
            }
            out.push(')');
        }
    }
}

/// How a displayed name and value print: `x = 3` or a header and a grid
/// whose lines fit `width` characters (eliding columns) where they can.
pub fn display_named(name: &str, v: &Value, width: usize) -> String {
    match v {
        Value::Str(s) => format!("{name} = {s:?}\n"),
        Value::Matrix(m) => format!("{name} = {}", grid(m, width)),
        Value::Logical(m) => format!("{name} = {}", logical_grid(m, width)),
        Value::External(x) => format!("{name} = {}\n", x.display()),
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
                let shown = display_named(&format!("[{}]", i + 1), item, width.saturating_sub(2));
                out.push_str(&indent(&shown));
            }
            out
        }
        other => format!("{name} = {}\n", inline(other)),
    }
}

/// The value as `print` shows it: no name, no quotes, small vectors inline,
/// larger matrices as a grid without the shape header, `width` wide.
pub fn display_plain(v: &Value, width: usize) -> String {
    let body = |s: String| {
        s.split_once('\n')
            .map_or(String::new(), |(_, rest)| rest.to_string())
    };
    match v {
        Value::Matrix(m) if m.len() <= 10 && (m.nrows() == 1 || m.ncols() == 1) => inline(v),
        Value::Matrix(m) => body(grid(m, width)),
        Value::Logical(m) => body(logical_grid(m, width)),
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

/// The columns to show of `cols`, `None` marking the `…`: all when they
/// fit `width` at `cell` characters each, else as many as fit, split
/// between the first and the last.
fn kept_columns(cols: usize, cell: usize, width: usize) -> Vec<Option<usize>> {
    let per = GAP + cell.max(1);
    if cols * per <= width || cols <= 2 {
        return kept(cols, cols, 0);
    }
    // One slot goes to the `…`; at least one column on each side.
    let fit = (width / per).saturating_sub(1).max(2);
    let left = fit.div_ceil(2);
    let right = fit / 2;
    (0..left)
        .map(Some)
        .chain(std::iter::once(None))
        .chain((cols - right..cols).map(Some))
        .collect()
}

/// The most columns any width up to `width` can show: the candidates the
/// common format and cell width are chosen from.
fn candidate_columns(cols: usize, width: usize) -> Vec<Option<usize>> {
    let most = width / (GAP + 1);
    kept(cols, most, most / 2)
}

/// What a grid shows at a width: the kept rows and columns (`None` marks
/// an elision) and the text of each shown cell (`None` where elided), all
/// cells padded to `cell_width` characters. The terminal grid and the HTML
/// table are both drawn from it, so they elide alike.
pub(crate) struct Layout {
    pub rows: Vec<Option<usize>>,
    pub cols: Vec<Option<usize>>,
    pub cells: Vec<Vec<Option<String>>>,
    pub cell_width: usize,
}

pub(crate) fn layout(
    rows: usize,
    cols: usize,
    cell: impl Fn(usize, usize) -> String,
    width: usize,
) -> Layout {
    let rk = kept(rows, MAX_ROWS, EDGE_ROWS);
    let texts = |ck: &[Option<usize>]| -> Vec<Vec<Option<String>>> {
        rk.iter()
            .map(|r| {
                ck.iter()
                    .map(|c| match (r, c) {
                        (Some(i), Some(j)) => Some(cell(*i, *j)),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    };
    let cell_width = |cells: &[Vec<Option<String>>]| {
        cells
            .iter()
            .flatten()
            .flatten()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(1)
    };
    let w = cell_width(&texts(&candidate_columns(cols, width)));
    let ck = kept_columns(cols, w, width);
    let cells = texts(&ck);
    let w = cell_width(&cells);
    Layout {
        rows: rk,
        cols: ck,
        cells,
        cell_width: w,
    }
}

fn render(
    rows: usize,
    cols: usize,
    cell: impl Fn(usize, usize) -> String,
    kind: &str,
    width: usize,
) -> String {
    let mut out = format!("{rows}×{cols} {kind}\n");
    if rows == 0 || cols == 0 {
        return out;
    }
    let Layout {
        rows: rk,
        cols: ck,
        cells,
        cell_width: w,
    } = layout(rows, cols, cell, width);
    for (ri, row) in rk.iter().zip(&cells) {
        for (ci, c) in ck.iter().zip(row) {
            out.push_str("  ");
            match (ri, ci, c) {
                (_, _, Some(s)) => {
                    let _ = write!(out, "{s:>w$}");
                }
                (_, Some(_), None) => {
                    let _ = write!(out, "{:>w$}", "⋮");
                }
                (_, None, _) => {
                    let _ = write!(out, "{:>w$}", "…");
                }
            }
        }
        out.push('\n');
    }
    out
}

fn grid(m: &Array2<f64>, width: usize) -> String {
    let f = matrix_format(m, width);
    render(m.nrows(), m.ncols(), |i, j| f(m[[i, j]]), "Matrix", width)
}

/// The one format of every element of `m` that may be shown at `width`,
/// so that the columns chosen do not change how the others look.
pub(crate) fn matrix_format(m: &Array2<f64>, width: usize) -> impl Fn(f64) -> String {
    let shown: Vec<f64> = kept(m.nrows(), MAX_ROWS, EDGE_ROWS)
        .into_iter()
        .flatten()
        .flat_map(|i| {
            candidate_columns(m.ncols(), width)
                .into_iter()
                .flatten()
                .map(move |j| (i, j))
        })
        .map(|(i, j)| m[[i, j]])
        .collect();
    let sample = Array2::from_shape_vec((1, shown.len()), shown).expect("1×n");
    element_format(&sample)
}

fn logical_grid(m: &Array2<bool>, width: usize) -> String {
    render(
        m.nrows(),
        m.ncols(),
        |i, j| if m[[i, j]] { "1" } else { "0" }.to_string(),
        "Logical",
        width,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn print_of_a_nested_tuple_is_linear_in_its_depth() {
        // Showing and dropping 40 000 nested tuples recurses: a big stack,
        // as the evaluator's thread has.
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(|| {
                let nest = |n: usize| {
                    let mut t = Value::Num(1.0);
                    for _ in 0..n {
                        t = Value::tuple(vec![t, Value::Num(1.0)]);
                    }
                    t
                };
                assert_eq!(inline(&nest(2)), "((1, 1), 1)");
                // Quadratic time showed 4e4 levels in seconds; linear, in ms.
                let deep = nest(40_000);
                let t = std::time::Instant::now();
                let shown = inline(&deep);
                assert_eq!(shown.len(), 40_000 * 5 + 1);
                assert!(
                    t.elapsed() < std::time::Duration::from_secs(1),
                    "{:?}",
                    t.elapsed()
                );
            })
            .unwrap()
            .join()
            .unwrap();
    }

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
        insta::assert_snapshot!(display_named("A", &m, DEFAULT_WIDTH), @r"
        A = 2×2 Matrix
           1.0000  -2.5000
           3.2500   4.0000
        ");
        let big = Value::matrix(Array2::from_shape_fn((100, 30), |(i, j)| {
            (i * 30 + j) as f64
        }));
        let text = display_named("B", &big, DEFAULT_WIDTH);
        assert!(text.lines().count() <= MAX_ROWS + 2, "{text}");
        assert!(text.contains('⋮') && text.contains('…'));
    }

    #[test]
    fn columns_follow_the_width() {
        let m = Value::matrix(Array2::from_shape_fn((3, 40), |(i, j)| {
            (i * 40 + j) as f64 + 0.5
        }));
        for width in [30, 80, 120, 200] {
            let text = display_named("W", &m, width);
            let longest = text
                .lines()
                .skip(1)
                .map(|l| l.chars().count())
                .max()
                .unwrap();
            assert!(longest <= width, "{width}: a line of {longest}\n{text}");
            // Nearly all the width is used: less than two columns are left.
            let columns = text.lines().nth(1).unwrap().split_whitespace().count();
            assert!(longest + 2 * (longest / columns) > width, "{width}\n{text}");
        }
        // All 40 fit in 400 characters; the first and last always show.
        let wide = display_named("W", &m, 400);
        assert!(!wide.contains('…'), "{wide}");
        let narrow = display_named("W", &m, 10);
        assert!(
            narrow.contains("0.5000") && narrow.contains("39.5000"),
            "{narrow}"
        );
        let bits = Value::logical(Array2::from_elem((2, 30), true));
        assert!(!display_named("L", &bits, 100).contains('…'));
        assert!(display_named("L", &bits, 80).contains('…'));
    }
}
