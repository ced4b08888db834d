//! Values as HTML, for notebooks: a matrix is a table under its name and
//! shape, with the same rows, columns, number format and elisions as the
//! terminal grid of [`display`](crate::display) at the same width.

use crate::display::{inline, layout, matrix_format, Layout};
use crate::value::Value;
use ndarray::Array2;
use std::fmt::Write;

/// The CSS of the tables: numbers right-aligned in a fixed-width font,
/// indices dimmed. Inline, since a notebook output carries no stylesheet.
const TABLE_STYLE: &str = "border-collapse:collapse;font-family:monospace;font-size:0.9em";
const CELL_STYLE: &str = "text-align:right;padding:1px 8px";
const INDEX_STYLE: &str = "text-align:right;padding:1px 8px;color:#888;font-weight:normal";

/// The value shown as `name = …` in HTML, when a table says more than the
/// text: matrices, logical matrices and tuples holding them. `None` for
/// values whose text form is all there is (numbers, strings, functions).
///
/// ```
/// use mla_runtime::{display_html::html_named, Value};
/// let m = Value::matrix(ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
/// let html = html_named("A", &m, 80).unwrap();
/// assert!(html.contains("2×2 Matrix") && html.contains("<td"));
/// assert!(html_named("x", &Value::Num(1.0), 80).is_none());
/// ```
pub fn html_named(name: &str, v: &Value, width: usize) -> Option<String> {
    match v {
        Value::Matrix(m) => {
            let f = matrix_format(m, width);
            Some(table(
                name,
                m.nrows(),
                m.ncols(),
                |i, j| f(m[[i, j]]),
                "Matrix",
                width,
            ))
        }
        Value::Logical(m) => Some(logical_table(name, m, width)),
        Value::Traced(t) => html_named(name, &Value::shared_matrix(t.value.clone()), width),
        Value::Tuple(items)
            if items
                .iter()
                .any(|i| matches!(i, Value::Matrix(_) | Value::Logical(_))) =>
        {
            let mut out = format!(
                "<div class=\"mla-tuple\"><div><code>{}</code> = {}-tuple</div>\
                 <div style=\"margin-left:1.5em\">",
                escape(name),
                items.len()
            );
            for (i, item) in items.iter().enumerate() {
                let label = format!("[{}]", i + 1);
                match html_named(&label, item, width) {
                    Some(h) => out.push_str(&h),
                    None => {
                        let _ = write!(
                            out,
                            "<div><code>{}</code> = {}</div>",
                            escape(&label),
                            escape(&inline(item))
                        );
                    }
                }
            }
            out.push_str("</div></div>");
            Some(out)
        }
        _ => None,
    }
}

fn logical_table(name: &str, m: &Array2<bool>, width: usize) -> String {
    table(
        name,
        m.nrows(),
        m.ncols(),
        |i, j| if m[[i, j]] { "1" } else { "0" }.to_string(),
        "Logical",
        width,
    )
}

/// A header `name = r×c Kind` and a table with 1-based row and column
/// indices; `⋮`, `…` and `⋱` stand where rows or columns are elided.
fn table(
    name: &str,
    rows: usize,
    cols: usize,
    cell: impl Fn(usize, usize) -> String,
    kind: &str,
    width: usize,
) -> String {
    let mut out = format!(
        "<div class=\"mla-matrix\"><div><code>{}</code> = {rows}×{cols} {kind}</div>",
        escape(name)
    );
    if rows == 0 || cols == 0 {
        out.push_str("</div>");
        return out;
    }
    let Layout {
        rows: rk,
        cols: ck,
        cells,
        ..
    } = layout(rows, cols, cell, width);
    let _ = write!(out, "<table style=\"{TABLE_STYLE}\"><thead><tr><th></th>");
    for c in &ck {
        let label = c.map_or("…".to_string(), |j| (j + 1).to_string());
        let _ = write!(out, "<th style=\"{INDEX_STYLE}\">{label}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for (r, row) in rk.iter().zip(&cells) {
        let label = r.map_or("⋮".to_string(), |i| (i + 1).to_string());
        let _ = write!(out, "<tr><th style=\"{INDEX_STYLE}\">{label}</th>");
        for (c, text) in ck.iter().zip(row) {
            let shown = match (r, c, text) {
                (_, _, Some(s)) => escape(s),
                (None, None, None) => "⋱".to_string(),
                (_, None, None) => "…".to_string(),
                // Only the elided row has no text in a kept column.
                (_, Some(_), None) => "⋮".to_string(),
            };
            let _ = write!(out, "<td style=\"{CELL_STYLE}\">{shown}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// Text made safe inside HTML elements and attributes.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::{display_named, MAX_ROWS};

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn a_small_matrix_is_a_whole_table() {
        let m = Value::matrix(ndarray::array![[1.0, -2.5], [3.25, 4.0]]);
        let html = html_named("A", &m, 80).unwrap();
        assert!(html.contains("<code>A</code> = 2×2 Matrix"), "{html}");
        assert_eq!(count(&html, "<td"), 4);
        // The terminal's number format.
        assert!(
            html.contains(">-2.5000<") && html.contains(">3.2500<"),
            "{html}"
        );
    }

    #[test]
    fn a_large_matrix_is_elided_as_in_the_terminal() {
        let big = Value::matrix(Array2::from_shape_fn((100, 30), |(i, j)| {
            (i * 30 + j) as f64
        }));
        let html = html_named("B", &big, 80).unwrap();
        let text = display_named("B", &big, 80);
        assert!(html.contains("100×30 Matrix"));
        // As many body rows as the terminal shows lines under the header.
        assert_eq!(count(&html, "<tr>") - 1, text.lines().count() - 1);
        assert!(count(&html, "<tr>") <= MAX_ROWS + 2);
        // The same columns: the terminal's first line, cell by cell.
        let first: Vec<&str> = text.lines().nth(1).unwrap().split_whitespace().collect();
        let row = html.split("<tr>").nth(2).unwrap();
        let cells: Vec<&str> = row
            .split("<td")
            .skip(1)
            .map(|c| c.split('>').nth(1).unwrap().trim_end_matches("</td"))
            .collect();
        assert_eq!(cells, first);
        assert!(html.contains("⋱") && html.contains(">100<") && html.contains(">30<"));
    }

    #[test]
    fn tuples_logicals_and_plain_values() {
        let pair = Value::tuple(vec![
            Value::Num(2.0),
            Value::logical(Array2::from_elem((2, 2), true)),
        ]);
        let html = html_named("r", &pair, 80).unwrap();
        assert!(
            html.contains("2-tuple") && html.contains("2×2 Logical"),
            "{html}"
        );
        assert!(html.contains("<code>[1]</code> = 2"), "{html}");
        assert!(html_named("s", &Value::Str("<b>".into()), 80).is_none());
        let empty = Value::matrix(Array2::zeros((0, 3)));
        assert!(html_named("E", &empty, 80).unwrap().contains("0×3 Matrix"));
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
