//! Data in and out: load, save, dataset.

use super::options::Options;
use super::{mat, string, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::files;
use crate::value::Value;
use ndarray::s;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("data"; "load", 1, 3, 1, "load(path, \"header\", h)", "a matrix from a CSV file (comma, tab, semicolon or blank separated; a first row with no number is a header, or say so with \"header\", true or false) or a .npy file", load; constant),
    entry!("data"; "save", 2, 2, 1, "save(path, X)", "writes X as CSV or .npy, chosen by the file's extension", save; constant),
    entry!("data"; "dataset", 1, 1, 2, "dataset(name)", "(X, y) of a built-in data set, rows are samples and y a column of class ids: \"iris\" (150×4, classes 0–2), \"breast_cancer\" (569×30, 0 malignant, 1 benign), \"digits\" (1797×64 pixels 0–16, digits 0–9)", dataset; constant),
];

/// Each built-in data set: its name and its CSV, the class id last.
const DATASETS: &[(&str, &str)] = &[
    ("iris", include_str!("../../data/iris.csv")),
    (
        "breast_cancer",
        include_str!("../../data/breast_cancer.csv"),
    ),
    ("digits", include_str!("../../data/digits.csv")),
];

fn is_npy(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".npy")
}

/// Files are read and written through the host, which decides which paths
/// a script may reach.
fn load(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let path = string(args, 0)?;
    let options = Options::parse("load", args, 1, &["header"])?;
    let header = match options.get("header") {
        None => files::Header::Detect,
        Some(_) if is_npy(path) => {
            return Err(RuntimeError::Domain(
                "the \"header\" option is for CSV files; a .npy file has no header row".into(),
            )
            .at_arg(1))
        }
        Some(_) if options.flag("header", false)? => files::Header::Yes,
        Some(_) => files::Header::No,
    };
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
        files::parse_csv_with(&text, path, header)?
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
    let Some((_, csv)) = DATASETS.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = DATASETS.iter().map(|(n, _)| *n).collect();
        return Err(RuntimeError::Domain(format!(
            "there is no built-in data set `{name}`; the data sets are: {}",
            names.join(", ")
        ))
        .at_arg(0));
    };
    let all = files::parse_csv(csv, name)?;
    let features = all.ncols() - 1;
    let x = Value::matrix(all.slice(s![.., 0..features]).to_owned());
    if cx.nout < 2 {
        return Ok(x);
    }
    let y = Value::matrix(all.slice(s![.., features..]).to_owned());
    Ok(Value::tuple(vec![x, y]))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, mx, run, run_n};
    use super::*;

    #[test]
    fn every_data_set_loads_with_its_labels() {
        for (name, rows, cols, classes) in [
            ("iris", 150, 4, 3.0),
            ("breast_cancer", 569, 30, 2.0),
            ("digits", 1797, 64, 10.0),
        ] {
            let xy = run_n("dataset", 2, &[Value::str(name)]).unwrap();
            let (x, y) = (mx(&xy[0]), mx(&xy[1]));
            assert_eq!((x.dim(), y.dim()), ((rows, cols), (rows, 1)), "{name}");
            let top = y.iter().copied().fold(0.0, f64::max);
            assert_eq!(top + 1.0, classes, "{name}");
            assert!(x.iter().all(|v| v.is_finite()), "{name}");
        }
        // Spot checks against scikit-learn's copies.
        let bc = mx(&run("dataset", &[Value::str("breast_cancer")]).unwrap());
        assert_eq!((bc[[0, 0]], bc[[568, 29]]), (17.99, 0.07039));
        let digits = mx(&run("dataset", &[Value::str("digits")]).unwrap());
        assert_eq!(digits.sum(), 561_718.0);
        assert_eq!(arg_err(run("dataset", &[Value::str("mnist")])), Some(0));
    }
}
