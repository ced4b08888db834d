//! Data in and out: load, save, dataset.

use super::{mat, string, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::files;
use crate::value::Value;
use ndarray::s;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("data"; "load", 1, 1, 1, "load(path)", "a matrix from a CSV file (header skipped; comma, tab or blank separated) or a .npy file", load; constant),
    entry!("data"; "save", 2, 2, 1, "save(path, X)", "writes X as CSV or .npy, chosen by the file's extension", save; constant),
    entry!("data"; "dataset", 1, 1, 2, "dataset(name)", "(X, y) of a built-in data set: \"iris\" (X 150×4, y 150×1 class ids 0, 1, 2)", dataset; constant),
];

const IRIS_CSV: &str = include_str!("../../data/iris.csv");

fn is_npy(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".npy")
}

/// Files are read and written through the host, which decides which paths
/// a script may reach.
fn load(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let path = string(args, 0)?;
    let bytes = cx.read_file(path).map_err(|e| e.at_arg(0))?;
    let m = if is_npy(path) {
        files::parse_npy(&bytes, path)?
    } else {
        let text = String::from_utf8(bytes).map_err(|_| {
            RuntimeError::Io {
                path: path.into(),
                reason: "the file is not UTF-8 text (a CSV file or a .npy file loads)".into(),
            }
            .at_arg(0)
        })?;
        files::parse_csv(&text, path)?
    };
    Ok(Value::matrix(m))
}

fn save(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let path = string(args, 0)?;
    let m = mat(args, 1)?;
    let lower = path.to_ascii_lowercase();
    let bytes = if is_npy(path) {
        files::to_npy(&m)
    } else if [".csv", ".tsv", ".txt"].iter().any(|e| lower.ends_with(e)) {
        files::to_csv(&m).into_bytes()
    } else {
        return Err(RuntimeError::Io {
            path: path.into(),
            reason:
                "save writes .csv, .tsv, .txt or .npy files, and this name ends in none of them"
                    .into(),
        }
        .at_arg(0));
    };
    cx.write_file(path, &bytes).map_err(|e| e.at_arg(0))?;
    Ok(Value::str(path))
}

fn dataset(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let name = string(args, 0)?;
    match name {
        "iris" => {
            let all = files::parse_csv(IRIS_CSV, "iris")?;
            let x = Value::matrix(all.slice(s![.., 0..4]).to_owned());
            if cx.nout < 2 {
                return Ok(x);
            }
            let y = Value::matrix(all.slice(s![.., 4..5]).to_owned());
            Ok(Value::tuple(vec![x, y]))
        }
        other => Err(RuntimeError::Domain(format!(
            "there is no built-in data set `{other}`; the data sets are: iris"
        ))
        .at_arg(0)),
    }
}
