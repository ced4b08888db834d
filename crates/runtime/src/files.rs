//! Reading and writing matrices: CSV (header detected, comma, tab or blank
//! separated) and NumPy's `.npy`.

use crate::error::{Result, RuntimeError};
use crate::value::check_alloc;
use ndarray::Array2;

fn parse_cell(cell: &str) -> Option<f64> {
    let t = cell.trim().trim_matches('"');
    match t {
        "" | "NaN" | "nan" | "NA" => Some(f64::NAN),
        "Inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        _ => t.parse().ok(),
    }
}

fn split(line: &str, sep: Option<char>) -> Vec<&str> {
    match sep {
        Some(c) => line.split(c).collect(),
        None => line.split_whitespace().collect(),
    }
}

/// Parses CSV text; `path` names the source in errors. Empty cells are NaN.
pub fn parse_csv(text: &str, path: &str) -> Result<Array2<f64>> {
    // Spreadsheet exports often start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(_, first)) = lines.first() else {
        return Ok(Array2::zeros((0, 0)));
    };
    let sep = if first.contains(',') {
        Some(',')
    } else if first.contains('\t') {
        Some('\t')
    } else if first.contains(';') {
        Some(';')
    } else {
        None
    };
    let header = split(first, sep)
        .iter()
        .any(|c| !c.trim().is_empty() && parse_cell(c).is_none());
    let body = if header { &lines[1..] } else { &lines[..] };
    let mut data = Vec::new();
    let mut width = None;
    for &(line_no, line) in body {
        let cells = split(line, sep);
        match width {
            None => width = Some(cells.len()),
            Some(w) if w != cells.len() => {
                return Err(RuntimeError::Csv {
                    path: path.into(),
                    line: line_no,
                    column: cells.len().min(w) + 1,
                    reason: format!("this row has {} fields, earlier rows have {w}", cells.len()),
                })
            }
            _ => {}
        }
        for (col, cell) in cells.iter().enumerate() {
            let x = parse_cell(cell).ok_or_else(|| RuntimeError::Csv {
                path: path.into(),
                line: line_no,
                column: col + 1,
                reason: format!("`{}` is not a number", cell.trim()),
            })?;
            data.push(x);
        }
    }
    let w = width.unwrap_or(0);
    let rows = data.len().checked_div(w).unwrap_or(0);
    Ok(Array2::from_shape_vec((rows, w), data).expect("rows × width cells"))
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

fn npy_err(path: &str, reason: impl Into<String>) -> RuntimeError {
    RuntimeError::Io {
        path: path.into(),
        reason: reason.into(),
    }
}

/// Reads a `.npy` array of f8, f4, i8, i4 or bool; 1-D arrays become columns.
pub fn parse_npy(bytes: &[u8], path: &str) -> Result<Array2<f64>> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(npy_err(path, "not a .npy file (bad magic)"));
    }
    let (hlen, start): (usize, usize) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(npy_err(path, format!("unsupported .npy version {v}"))),
    };
    let header = bytes
        .get(start..start.saturating_add(hlen))
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| npy_err(path, "truncated .npy header"))?;
    let field = |key: &str| -> Option<&str> {
        let at = header.find(key)? + key.len();
        let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
        Some(rest)
    };
    let descr = field("'descr'")
        .and_then(|r| r.strip_prefix('\'')?.split('\'').next())
        .ok_or_else(|| npy_err(path, "no dtype in the .npy header"))?;
    let fortran = field("'fortran_order'").is_some_and(|r| r.starts_with("True"));
    let shape_txt = field("'shape'")
        .and_then(|r| r.strip_prefix('(')?.split(')').next())
        .ok_or_else(|| npy_err(path, "no shape in the .npy header"))?;
    let dims: Vec<usize> = shape_txt
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_end_matches('L')
                .parse()
                .map_err(|_| npy_err(path, "bad shape"))
        })
        .collect::<Result<_>>()?;
    let (rows, cols) = match dims.as_slice() {
        [] => (1, 1),
        [n] => (*n, 1),
        [r, c] => (*r, *c),
        _ => {
            return Err(npy_err(
                path,
                format!("only 1-D and 2-D arrays load, this one has shape ({shape_txt})"),
            ))
        }
    };
    check_alloc(rows, cols)?;
    let n = rows * cols;
    let body = &bytes[start + hlen..];
    let (size, read): (usize, fn(&[u8]) -> f64) = match descr {
        "<f8" => (8, |b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
        "<f4" => (4, |b| {
            f64::from(f32::from_le_bytes(b.try_into().expect("4 bytes")))
        }),
        "<i8" => (8, |b| {
            i64::from_le_bytes(b.try_into().expect("8 bytes")) as f64
        }),
        "<i4" => (4, |b| {
            f64::from(i32::from_le_bytes(b.try_into().expect("4 bytes")))
        }),
        "|b1" => (1, |b| f64::from(b[0])),
        other => {
            return Err(npy_err(
                path,
                format!("unsupported dtype `{other}` (f8, f4, i8, i4 or bool)"),
            ))
        }
    };
    if body.len() < n * size {
        return Err(npy_err(
            path,
            "the .npy data is shorter than its shape says",
        ));
    }
    let data: Vec<f64> = body[..n * size].chunks_exact(size).map(read).collect();
    Ok(if fortran {
        crate::value::from_column_major(rows, cols, data)
    } else {
        Array2::from_shape_vec((rows, cols), data).expect("rows × cols values")
    })
}

/// Encodes a matrix as a 2-D little-endian f8 `.npy` file.
pub fn to_npy(m: &Array2<f64>) -> Vec<u8> {
    let dict = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
        m.nrows(),
        m.ncols()
    );
    let unpadded = 10 + dict.len() + 1;
    let pad = (64 - unpadded % 64) % 64;
    let header = format!("{dict}{}\n", " ".repeat(pad));
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for x in m.iter() {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_separators() {
        let m = parse_csv("a,b\n1,2\n3,4\n", "t.csv").unwrap();
        assert_eq!(m, ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
        let m = parse_csv("1\t2\n3\t4\n", "t.tsv").unwrap();
        assert_eq!(m.dim(), (2, 2));
        let m = parse_csv("1 2  3\n4 5 6\n", "t.txt").unwrap();
        assert_eq!(m.dim(), (2, 3));
        let m = parse_csv("\u{feff}1;2\r\n3;4\r\n", "bom.csv").unwrap();
        assert_eq!(m, ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
        let m = parse_csv("x,y\n1,\n,4\n", "gaps.csv").unwrap();
        assert!(m[[0, 1]].is_nan() && m[[1, 0]].is_nan() && m[[1, 1]] == 4.0);
    }

    #[test]
    fn bad_cell_names_line_and_column() {
        let e = parse_csv("x,y\n1,2\n3,oops\n", "d.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv: line 3, column 2: `oops` is not a number"
        );
    }

    #[test]
    fn npy_round_trip() {
        let m = ndarray::array![[1.5, -2.0, 3.0], [4.0, 5.0, 6.25]];
        assert_eq!(parse_npy(&to_npy(&m), "x.npy").unwrap(), m);
    }
}
