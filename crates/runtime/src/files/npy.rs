//! NumPy's `.npy` through `npyz`, which parses the header as the Python
//! literal it is (a key inside a string is not taken for a field).

use crate::error::{Result, RuntimeError};
use crate::memory::check_alloc;
use ndarray::Array2;
use npyz::{DType, NpyFile, NpyHeader, Order, TypeChar};

fn npy_err(path: &str, reason: impl Into<String>) -> RuntimeError {
    RuntimeError::Io {
        path: path.into(),
        reason: reason.into(),
    }
}

/// Reads a `.npy` array of floats (f8, f4), integers (i1–i8, u1–u8) or
/// bools, in either byte order and either layout; a 0-D array is a number
/// and a 1-D array a column.
pub fn parse_npy(bytes: &[u8], path: &str) -> Result<Array2<f64>> {
    // The Python-literal parser takes exponential time on nested brackets
    // left open (fuzzing found 54 deep, then 22 deep, each over 10 s, then
    // 8 deep, 31 s); a header NumPy writes for a matrix nests two deep.
    if nesting(header_bytes(bytes)) > MAX_HEADER_NESTING {
        return Err(npy_err(
            path,
            "not a .npy file NumPy wrote: its header nests brackets too deep",
        ));
    }
    if shape_overflows(bytes) {
        return Err(npy_err(
            path,
            "the array's shape has more elements than a computer can hold",
        ));
    }
    let mut body = bytes;
    let header = NpyHeader::from_reader(&mut body)
        .map_err(|e| npy_err(path, format!("not a .npy file NumPy wrote: {e}")))?;
    let shape = header.shape().to_vec();
    let shown = || {
        shape
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (rows, cols) = match shape.as_slice() {
        [] => (1, 1),
        [n] => (*n, 1),
        [r, c] => (*r, *c),
        _ => {
            return Err(npy_err(
                path,
                format!(
                    "only 1-D and 2-D arrays load, this one has shape ({})",
                    shown()
                ),
            ))
        }
    };
    let too_large = || {
        npy_err(
            path,
            format!("the array's shape ({}) is too large", shown()),
        )
    };
    let rows = usize::try_from(rows).map_err(|_| too_large())?;
    let cols = usize::try_from(cols).map_err(|_| too_large())?;
    check_alloc(rows, cols)?;
    let n = rows * cols;
    let DType::Plain(ty) = header.dtype() else {
        return Err(npy_err(
            path,
            "structured arrays do not load (a matrix of numbers does)",
        ));
    };
    let size = ty.size_field();
    let bytes_needed = (n as u64).checked_mul(size).ok_or_else(too_large)?;
    if (body.len() as u64) < bytes_needed {
        return Err(npy_err(
            path,
            format!(
                "the data is shorter than its shape says: {} bytes for {n} values of {size} bytes",
                body.len()
            ),
        ));
    }
    let fortran = header.order() == Order::Fortran;
    let file = NpyFile::with_header(header, body);
    let data = match (ty.type_char(), size) {
        (TypeChar::Float, 8) => read::<f64>(file, n, path, |x| x),
        (TypeChar::Float, 4) => read::<f32>(file, n, path, f64::from),
        (TypeChar::Int, 8) => read::<i64>(file, n, path, |x| x as f64),
        (TypeChar::Int, 4) => read::<i32>(file, n, path, f64::from),
        (TypeChar::Int, 2) => read::<i16>(file, n, path, f64::from),
        (TypeChar::Int, 1) => read::<i8>(file, n, path, f64::from),
        (TypeChar::Uint, 8) => read::<u64>(file, n, path, |x| x as f64),
        (TypeChar::Uint, 4) => read::<u32>(file, n, path, f64::from),
        (TypeChar::Uint, 2) => read::<u16>(file, n, path, f64::from),
        (TypeChar::Uint, 1) => read::<u8>(file, n, path, f64::from),
        (TypeChar::Bool, 1) => read::<bool>(file, n, path, |b| f64::from(u8::from(b))),
        _ => Err(npy_err(
            path,
            format!("the dtype `{ty}` does not load (floats, integers and bools do)"),
        )),
    }?;
    Ok(if fortran {
        crate::kernels::from_column_major(rows, cols, data)
    } else {
        Array2::from_shape_vec((rows, cols), data)
            .map_err(|e| npy_err(path, format!("cannot shape the data: {e}")))?
    })
}

/// Deepest nesting of brackets read in a header: `{'shape': (3, 4)}` is
/// two; a structured dtype (`[('a', '<f8')]` inside the dict), which does
/// not load anyway, three. The parser's time grows steeply with depth
/// (8 levels left open took 31 s); at 3, 11 minutes of fuzzing (2.2 million
/// headers) found none slower than libFuzzer's 10 s report threshold.
const MAX_HEADER_NESTING: usize = 3;

/// The header of a `.npy` file as its length field gives it (2 bytes
/// from version 1, 4 from versions 2 and 3), or everything when the file
/// is too short or of no known version.
fn header_bytes(bytes: &[u8]) -> &[u8] {
    let len = match (bytes.get(6), bytes.get(8..12)) {
        (Some(1), Some(l)) => usize::from(u16::from_le_bytes([l[0], l[1]])) + 10,
        (Some(2 | 3), Some(l)) => u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize + 12,
        _ => bytes.len(),
    };
    bytes.get(..len).unwrap_or(bytes)
}

/// The deepest nesting of brackets in `bytes`.
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for b in bytes {
        match b {
            b'[' | b'(' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Whether the header's shape multiplies out past `u64` (npyz multiplies
/// it unchecked). The header is read as the Python literal it is, with the
/// parser npyz uses; anything unreadable is left for npyz to report.
fn shape_overflows(bytes: &[u8]) -> bool {
    let framed = match bytes.get(6) {
        Some(1) => bytes
            .get(8..10)
            .map(|l| (10usize, usize::from(u16::from_le_bytes([l[0], l[1]])))),
        Some(2 | 3) => bytes.get(8..12).map(|l| {
            (
                12usize,
                u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize,
            )
        }),
        _ => None,
    };
    let Some(text) = framed
        .and_then(|(start, len)| bytes.get(start..start.checked_add(len)?))
        .and_then(|h| std::str::from_utf8(h).ok())
    else {
        return false;
    };
    let Ok(py_literal::Value::Dict(dict)) = text.trim().parse::<py_literal::Value>() else {
        return false;
    };
    let shape = dict.iter().find_map(|(k, v)| match (k, v) {
        (py_literal::Value::String(k), py_literal::Value::Tuple(dims)) if k == "shape" => {
            Some(dims)
        }
        _ => None,
    });
    let Some(dims) = shape else { return false };
    dims.iter()
        .try_fold(1u64, |n, d| match d {
            py_literal::Value::Integer(d) => n.checked_mul(u64::try_from(d).ok()?),
            _ => Some(n),
        })
        .is_none()
}

/// The first `n` values of the file as f64, read in blocks that Ctrl-C
/// can stop.
fn read<T: npyz::Deserialize>(
    file: NpyFile<&[u8]>,
    n: usize,
    path: &str,
    to_f64: impl Fn(T) -> f64,
) -> Result<Vec<f64>> {
    let reader = file
        .data::<T>()
        .map_err(|e| npy_err(path, format!("cannot read its values: {e}")))?;
    let mut out = Vec::new();
    out.try_reserve_exact(n)
        .map_err(|_| npy_err(path, format!("no memory for {n} values")))?;
    for (i, x) in reader.take(n).enumerate() {
        let x = x.map_err(|e| npy_err(path, format!("cannot read value {}: {e}", i + 1)))?;
        out.push(to_f64(x));
        if i % super::BLOCK == 0 {
            crate::interrupt::check()?;
        }
    }
    Ok(out)
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

    fn npy(dict: &str, data: &[u8]) -> Vec<u8> {
        let unpadded = 10 + dict.len() + 1;
        let pad = (64 - unpadded % 64) % 64;
        let header = format!("{dict}{}\n", " ".repeat(pad));
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn fuzz_npy_nested_brackets_is_an_error_at_once() {
        let bytes = include_bytes!("fuzz-npy-nested-brackets.bin");
        let t = std::time::Instant::now();
        assert!(parse_npy(bytes, "n.npy").is_err());
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn fuzz_npy_timeout_22_brackets_left_open_is_an_error_at_once() {
        // The second fuzzing finding: `({[[[…` 22 deep under the old
        // limit of 32 took over 10 seconds.
        let bytes = include_bytes!("fuzz-npy-timeout-22-brackets.bin");
        let t = std::time::Instant::now();
        let e = parse_npy(bytes, "n.npy").unwrap_err();
        assert!(e.to_string().contains("too deep"), "{e}");
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn fuzz_npy_slow_unit_8_deep_is_an_error_at_once() {
        // The third finding: dicts and a list left open 8 deep, 31 s (limit 8).
        let bytes = include_bytes!("fuzz-npy-slow-unit-8-deep.bin");
        let t = std::time::Instant::now();
        let e = parse_npy(bytes, "n.npy").unwrap_err();
        assert!(e.to_string().contains("too deep"), "{e}");
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn npy_round_trip() {
        let m = ndarray::array![[1.5, -2.0, 3.0], [4.0, 5.0, 6.25]];
        assert_eq!(parse_npy(&to_npy(&m), "x.npy").unwrap(), m);
    }

    #[test]
    fn npy_dtypes_orders_and_ranks() {
        let ints: Vec<u8> = [1i32, 2, 3, 4]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let m = parse_npy(
            &npy(
                "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }",
                &ints,
            ),
            "i.npy",
        )
        .unwrap();
        assert_eq!(m, ndarray::array![[1.0, 3.0], [2.0, 4.0]]);
        let big: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|x| x.to_be_bytes())
            .collect();
        let m = parse_npy(
            &npy(
                "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
                &big,
            ),
            "b.npy",
        )
        .unwrap();
        assert_eq!(m, ndarray::array![[1.5], [-2.0]]);
        let e = parse_npy(
            &npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }",
                &[0; 8],
            ),
            "3.npy",
        )
        .unwrap_err();
        assert!(e.to_string().contains("shape (1, 1, 1)"), "{e}");
    }

    #[test]
    fn load_npy_descr_inside_a_string_is_not_the_dtype() {
        // A crafted header: the first `'descr'` is inside another key's
        // string. The real dtype is f8.
        let data: Vec<u8> = [2.5f64].iter().flat_map(|x| x.to_le_bytes()).collect();
        let bytes = npy(
            "{'shape': (1,), 'fortran_order': False, 'descr': '<f8', }",
            &data,
        );
        assert_eq!(parse_npy(&bytes, "c.npy").unwrap()[[0, 0]], 2.5);
        let crafted = npy(
            "{'note': \"'descr': '<i4'\", 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
            &data,
        );
        // An unknown key is refused rather than misread.
        match parse_npy(&crafted, "c.npy") {
            Ok(m) => assert_eq!(m[[0, 0]], 2.5),
            Err(e) => assert!(e.to_string().contains("c.npy"), "{e}"),
        }
    }

    #[test]
    fn npy_that_cannot_be_read_is_an_error_never_empty() {
        for bad in [
            b"".to_vec(),
            b"\x93NUMPY".to_vec(),
            npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                &[0; 8],
            ),
            npy(
                "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
                &[0; 16],
            ),
            npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551615, 2), }",
                &[],
            ),
        ] {
            assert!(parse_npy(&bad, "bad.npy").is_err());
        }
    }
}
