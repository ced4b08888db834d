//! Plots in the terminal, and `savefig` for SVG or PNG files.

use super::{count, mat, string, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::plot::{self, Figure};
use crate::value::Value;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("plots"; "plot", 1, 2, 1, "plot(x, y)", "draws y against x (or against 1:n) in the terminal; a matrix y draws one line per column", plot_; constant),
    entry!("plots"; "scatter", 2, 3, 1, "scatter(x, y, groups)", "draws points in the terminal, one marker per group", scatter; constant),
    entry!("plots"; "hist", 1, 2, 1, "hist(x, bins)", "draws a histogram of the elements of x (10 bins by default)", hist; constant),
    entry!("plots"; "heatmap", 1, 1, 1, "heatmap(M)", "draws a matrix as shades in the terminal", heatmap; constant),
    entry!("plots"; "savefig", 1, 1, 1, "savefig(path)", "writes the last figure as SVG or PNG, chosen by the extension", savefig; constant),
];

fn show(cx: &mut CallContext<'_>, fig: Figure) -> Result<Value> {
    let text = plot::render_text(&fig, cx.width());
    *cx.figure() = Some(fig);
    cx.out()
        .write_all(text.as_bytes())
        .map_err(|e| RuntimeError::output(&e))?;
    Ok(Value::Tuple(Vec::new().into()))
}

fn vector(args: &[Value], i: usize, what: &str) -> Result<Vec<f64>> {
    let (r, c) = args[i].shape();
    if r != 1 && c != 1 {
        return Err(RuntimeError::Shape(format!(
            "{what} must be a vector, got {}",
            args[i].describe()
        ))
        .at_arg(i));
    }
    args[i].elements().map_err(|e| e.at_arg(i))
}

fn plot_(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let yi = args.len() - 1;
    let y = mat(args, yi)?;
    let ys: Vec<Vec<f64>> = if y.nrows() == 1 || y.ncols() == 1 {
        vec![y.iter().copied().collect()]
    } else {
        y.columns().into_iter().map(|c| c.to_vec()).collect()
    };
    let n = ys.first().map_or(0, Vec::len);
    let x = if args.len() == 2 {
        let x = vector(args, 0, "x")?;
        if x.len() != n {
            return Err(RuntimeError::Shape(format!(
                "plot needs x and y of the same length, got {} and {}",
                x.len(),
                n
            )));
        }
        x
    } else {
        (1..=n).map(|i| i as f64).collect()
    };
    show(cx, Figure::Lines { x, ys })
}

fn scatter(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = vector(args, 0, "x")?;
    let y = vector(args, 1, "y")?;
    let groups = if args.len() == 3 {
        Some(vector(args, 2, "groups")?)
    } else {
        None
    };
    if x.len() != y.len() || groups.as_ref().is_some_and(|g| g.len() != x.len()) {
        return Err(RuntimeError::Shape(format!(
            "scatter needs x, y (and groups) of the same length, got {} and {}{}",
            x.len(),
            y.len(),
            groups
                .as_ref()
                .map_or(String::new(), |g| format!(" and {}", g.len()))
        )));
    }
    show(cx, Figure::Scatter { x, y, groups })
}

fn hist(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let data = args[0].elements().map_err(|e| e.at_arg(0))?;
    let bins = if args.len() == 2 {
        count(args, 1, "the number of bins")?
    } else {
        10
    };
    if bins == 0 || bins > 1000 {
        return Err(
            RuntimeError::Domain(format!("hist takes 1 to 1000 bins, got {bins}")).at_arg(1),
        );
    }
    show(cx, plot::histogram(&data, bins))
}

fn heatmap(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?.into_owned();
    show(cx, Figure::Heatmap { m })
}

fn savefig(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let path = string(args, 0)?.to_string();
    let Some(fig) = cx.figure().clone() else {
        return Err(RuntimeError::Domain(
            "there is no figure to save yet: draw one with plot, scatter, hist or heatmap".into(),
        ));
    };
    let bytes = plot::encode_for(&fig, &path)?;
    cx.write_file(&path, &bytes).map_err(|e| e.at_arg(0))?;
    Ok(Value::Tuple(Vec::new().into()))
}
