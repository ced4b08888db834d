//! CSV and other delimited text. The rules (docs/language.md, "Data"):
//! - the separator is the first of comma, tab and semicolon found in the
//!   first line; with none, fields are separated by runs of blanks;
//! - a header is a first row with no numeric field; a first row with some
//!   numeric and some other fields is an error, like any other row with a
//!   field that is not a number (the error names line and column);
//!   `load(path, "header", true|false)` says instead whether there is one;
//! - empty fields, `NaN` and `NA` are NaN; `Inf`/`-Inf` are infinite;
//! - every row has as many fields as the first.

use crate::error::{Result, RuntimeError};
use crate::memory::check_alloc;
use ndarray::Array2;

/// Whether the first row is a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    /// A first row with no numeric field is a header.
    Detect,
    /// The first row is a header, skipped whatever it holds.
    Yes,
    /// The first row is data.
    No,
}

/// A field as a number, or `None` when it is not one.
fn number(field: &str) -> Option<f64> {
    let t = field.trim();
    match t {
        "" | "NaN" | "nan" | "NA" => Some(f64::NAN),
        "Inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        _ => t.parse().ok(),
    }
}

fn csv_err(path: &str, line: usize, column: usize, reason: String) -> RuntimeError {
    RuntimeError::Csv {
        path: path.into(),
        line,
        column,
        reason,
    }
}

/// Parses CSV text with the header detected; `path` names the source in
/// errors.
pub fn parse_csv(text: &str, path: &str) -> Result<Array2<f64>> {
    parse_csv_with(text, path, Header::Detect)
}

/// Parses CSV text with the header rule given.
pub fn parse_csv_with(text: &str, path: &str, header: Header) -> Result<Array2<f64>> {
    // Spreadsheet exports often start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let rows = match [b',', b'\t', b';']
        .into_iter()
        .find(|&c| first.as_bytes().contains(&c))
    {
        Some(sep) => delimited(text, sep, path)?,
        None => blank_separated(text),
    };
    build(rows, path, header)
}

/// One row as read: its 1-based line and its fields.
type Row = (usize, Vec<String>);

fn delimited(text: &str, sep: u8, path: &str) -> Result<Vec<Row>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line() as usize);
                // A line of blanks is no row (the csv crate skips only
                // empty lines).
                if record.len() == 1 && record[0].is_empty() {
                    continue;
                }
                rows.push((line, record.iter().map(str::to_string).collect()));
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                return Err(csv_err(path, line, 1, e.to_string()));
            }
        }
        if rows.len() % super::BLOCK == 0 {
            crate::interrupt::check()?;
        }
    }
    Ok(rows)
}

fn blank_separated(text: &str) -> Vec<Row> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split_whitespace().map(str::to_string).collect()))
        .collect()
}

fn build(rows: Vec<Row>, path: &str, header: Header) -> Result<Array2<f64>> {
    let mut rows = rows.into_iter().peekable();
    let skip = match (header, rows.peek()) {
        (_, None) => false,
        (Header::Yes, _) => true,
        (Header::No, _) => false,
        (Header::Detect, Some((_, fields))) => fields.iter().all(|f| number(f).is_none()),
    };
    let named = if skip {
        rows.next().map(|(_, fields)| fields.len())
    } else {
        None
    };
    let mut width = named;
    let mut data = Vec::new();
    let mut height = 0;
    for (i, (line, fields)) in rows.enumerate() {
        let w = *width.get_or_insert(fields.len());
        if fields.len() != w {
            let earlier = if named.is_some() && i == 0 {
                "the header has".to_string()
            } else {
                "earlier rows have".to_string()
            };
            return Err(csv_err(
                path,
                line,
                fields.len().min(w) + 1,
                format!("this row has {} fields, {earlier} {w}", fields.len()),
            ));
        }
        for (col, field) in fields.iter().enumerate() {
            let x = number(field).ok_or_else(|| {
                let hint = if i == 0 && !skip && header == Header::Detect {
                    " (a header row has no numbers at all; load(path, \"header\", true) skips the first row whatever it holds)"
                } else {
                    ""
                };
                csv_err(
                    path,
                    line,
                    col + 1,
                    format!("`{}` is not a number{hint}", field.trim()),
                )
            })?;
            data.push(x);
        }
        height += 1;
        if height % super::BLOCK == 0 {
            crate::interrupt::check()?;
        }
    }
    let width = width.unwrap_or(0);
    check_alloc(height, width)?;
    Array2::from_shape_vec((height, width), data)
        .map_err(|e| csv_err(path, 1, 1, format!("cannot shape the rows: {e}")))
}

/// Writes CSV with enough digits to read every value back exactly.
pub fn to_csv(m: &Array2<f64>) -> String {
    let mut out = String::new();
    for row in m.rows() {
        let cells: Vec<String> = row.iter().map(|x| format!("{x:?}")).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn err(text: &str, header: Header) -> String {
        parse_csv_with(text, "d.csv", header)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn header_and_separators() {
        let m = parse_csv("a,b\n1,2\n3,4\n", "t.csv").unwrap();
        assert_eq!(m, array![[1.0, 2.0], [3.0, 4.0]]);
        let m = parse_csv("1\t2\n3\t4\n", "t.tsv").unwrap();
        assert_eq!(m.dim(), (2, 2));
        let m = parse_csv("1 2  3\n4 5 6\n", "t.txt").unwrap();
        assert_eq!(m.dim(), (2, 3));
        let m = parse_csv("\u{feff}1;2\r\n3;4\r\n", "bom.csv").unwrap();
        assert_eq!(m, array![[1.0, 2.0], [3.0, 4.0]]);
        let m = parse_csv("x,y\n1,\n,4\n", "gaps.csv").unwrap();
        assert!(m[[0, 1]].is_nan() && m[[1, 0]].is_nan() && m[[1, 1]] == 4.0);
        let m = parse_csv("\"a\",\"b, c\"\n\"1\",2\n\n  \n3,4\n", "q.csv").unwrap();
        assert_eq!(m, array![[1.0, 2.0], [3.0, 4.0]]);
    }

    #[test]
    fn bad_cell_names_line_and_column() {
        assert_eq!(
            err("x,y\n1,2\n3,oops\n", Header::Detect),
            "d.csv: line 3, column 2: `oops` is not a number"
        );
    }

    #[test]
    fn load_1_2_x_is_an_error_not_a_header() {
        let e = err("1,2,x\n3,4,5\n6,7,8\n", Header::Detect);
        assert!(
            e.starts_with("d.csv: line 1, column 3: `x` is not a number"),
            "{e}"
        );
        // Said to be a header, it is skipped.
        let m = parse_csv_with("1,2,x\n3,4,5\n6,7,8\n", "d.csv", Header::Yes).unwrap();
        assert_eq!(m, array![[3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]);
    }

    #[test]
    fn load_decimal_commas_hex_and_underscores_are_errors_not_empty() {
        assert!(err("1,5;2,5", Header::Detect).contains("line 1, column 2: `5;2`"));
        assert!(err("0x10,1", Header::Detect).contains("line 1, column 1: `0x10`"));
        assert!(err("1_000,1", Header::Detect).contains("line 1, column 1: `1_000`"));
    }

    #[test]
    fn header_false_reads_the_first_row_as_data() {
        let e = err("a,b\n1,2\n", Header::No);
        assert!(e.contains("line 1, column 1: `a` is not a number"), "{e}");
        let m = parse_csv_with("1,2\n3,4\n", "d.csv", Header::No).unwrap();
        assert_eq!(m.dim(), (2, 2));
    }

    #[test]
    fn ragged_rows_and_header_widths() {
        assert_eq!(
            err("1,2\n3\n", Header::Detect),
            "d.csv: line 2, column 2: this row has 1 fields, earlier rows have 2"
        );
        assert!(err("a,b,c\n1,2\n", Header::Detect).contains("the header has 3"));
    }

    #[test]
    fn empty_files_and_header_only_files() {
        assert_eq!(parse_csv("", "e.csv").unwrap().dim(), (0, 0));
        assert_eq!(parse_csv("a,b,c\n", "h.csv").unwrap().dim(), (0, 3));
    }

    #[test]
    fn round_trip() {
        let m = array![[0.1, -2.5e-300], [f64::INFINITY, 1.0 / 3.0]];
        assert_eq!(parse_csv(&to_csv(&m), "r.csv").unwrap(), m);
    }
}
