//! The arguments plotting builtins share: data vectors, MATLAB style
//! strings and name–value options (`"linewidth", 2`, `"alpha", 0.5`).

use super::{mat, scalar, string};
use crate::error::{Result, RuntimeError};
use crate::plot::{self, Data, Series, Style};
use crate::value::Value;

/// The option names every plotting call takes, lower case.
const OPTIONS: [&str; 6] = [
    "linewidth",
    "alpha",
    "markersize",
    "color",
    "label",
    "displayname",
];

/// Whether `v` is a string naming an option (so not a style string).
pub(crate) fn is_option(v: &Value) -> bool {
    matches!(v, Value::Str(s) if OPTIONS.contains(&s.to_ascii_lowercase().as_str()))
}

/// The options given from argument `start` on, applied to `base`; the name
/// of the series when a `label` is given.
pub(crate) fn options(
    args: &[Value],
    start: usize,
    base: &Style,
) -> Result<(Style, Option<String>)> {
    let mut style = base.clone();
    let mut name = None;
    let mut i = start;
    while i < args.len() {
        let key = match &args[i] {
            Value::Str(s) => s.to_ascii_lowercase(),
            v => {
                return Err(RuntimeError::Domain(format!(
                    "expected an option name ({}) here, got {}",
                    OPTIONS.join(", "),
                    v.describe()
                ))
                .at_arg(i))
            }
        };
        if !OPTIONS.contains(&key.as_str()) {
            return Err(RuntimeError::Domain(format!(
                "there is no plot option \"{key}\": the options are {}",
                OPTIONS.join(", ")
            ))
            .at_arg(i));
        }
        if i + 1 >= args.len() {
            return Err(RuntimeError::Domain(format!(
                "the option \"{key}\" needs a value after it"
            ))
            .at_arg(i));
        }
        let v = i + 1;
        match key.as_str() {
            "linewidth" => style.width = positive(args, v, "the line width", 50.0)?,
            "markersize" => style.size = positive(args, v, "the marker size", 50.0)?,
            "alpha" => {
                let a = scalar(args, v)?;
                if !(0.0..=1.0).contains(&a) {
                    return Err(RuntimeError::Domain(format!(
                        "alpha must be between 0 and 1, got {a}"
                    ))
                    .at_arg(v));
                }
                style.alpha = a;
            }
            "color" => style.color = Some(color(args, v)?),
            _ => name = Some(string(args, v)?.to_string()),
        }
        i += 2;
    }
    Ok((style, name))
}

fn positive(args: &[Value], i: usize, what: &str, max: f64) -> Result<f64> {
    let x = scalar(args, i)?;
    if !(x > 0.0 && x <= max) {
        return Err(RuntimeError::Domain(format!(
            "{what} must be above 0 and at most {max}, got {x}"
        ))
        .at_arg(i));
    }
    Ok(x)
}

/// A colour: a letter or name (`"r"`, `"orange"`), `#rrggbb`, or `[r g b]`
/// with parts from 0 to 1.
fn color(args: &[Value], i: usize) -> Result<plot::Rgb> {
    if let Value::Str(s) = &args[i] {
        return plot::color_named(s).ok_or_else(|| {
            RuntimeError::Domain(format!(
                "\"{s}\" is no colour: use a letter (b g r c m y k w), a name such as \"orange\", \"#rrggbb\" or [r g b]"
            ))
            .at_arg(i)
        });
    }
    let v = args[i].elements().map_err(|e| e.at_arg(i))?;
    match v.as_slice() {
        [r, g, b] if v.iter().all(|c| (0.0..=1.0).contains(c)) => {
            let byte = |c: f64| (c * 255.0).round() as u8;
            Ok([byte(*r), byte(*g), byte(*b)])
        }
        _ => Err(RuntimeError::Domain(format!(
            "a colour as numbers is [r g b] with each part from 0 to 1, got {}",
            args[i].describe()
        ))
        .at_arg(i)),
    }
}

/// Argument `i` as a vector of numbers.
pub(crate) fn vector(args: &[Value], i: usize, what: &str) -> Result<Vec<f64>> {
    let (r, c) = args[i].shape();
    if r != 1 && c != 1 && r * c != 0 {
        return Err(RuntimeError::Shape(format!(
            "{what} must be a vector, got {}",
            args[i].describe()
        ))
        .at_arg(i));
    }
    args[i].elements().map_err(|e| e.at_arg(i))
}

/// One `x, Y` (or `Y`) group of `plot`: a series per column of `Y` (or per
/// row, when the rows match `x`'s length and the columns do not).
fn xy_group(
    args: &[Value],
    x_at: Option<usize>,
    y_at: usize,
    style: &Style,
) -> Result<Vec<Series>> {
    let y = mat(args, y_at)?;
    let vector_y = y.nrows() == 1 || y.ncols() == 1;
    let columns: Vec<Vec<f64>> = if vector_y {
        vec![y.iter().copied().collect()]
    } else {
        y.columns().into_iter().map(|c| c.to_vec()).collect()
    };
    let n = columns.first().map_or(0, Vec::len);
    let (x, columns) = match x_at {
        None => ((1..=n).map(|i| i as f64).collect(), columns),
        Some(xi) => {
            let x = vector(args, xi, "x")?;
            if x.len() == n {
                (x, columns)
            } else if !vector_y && x.len() == y.ncols() {
                (x, y.rows().into_iter().map(|r| r.to_vec()).collect())
            } else if vector_y {
                return Err(RuntimeError::Shape(format!(
                    "plot needs x and y of the same length, got {} and {n}",
                    x.len()
                ))
                .at_arg(y_at));
            } else {
                return Err(RuntimeError::Shape(format!(
                    "plot needs as many x values as y has rows (or columns), got {} x values and y of {}",
                    x.len(),
                    args[y_at].describe()
                ))
                .at_arg(y_at));
            }
        }
    };
    Ok(columns
        .into_iter()
        .map(|y| Series {
            data: Data::Xy { x: x.clone(), y },
            style: style.clone(),
            name: None,
        })
        .collect())
}

/// `plot`'s arguments: groups of `x, Y, style` (each part but `Y`
/// optional), then options. Every series gets the options.
pub(crate) fn xy_series(args: &[Value]) -> Result<Vec<Series>> {
    let mut series = Vec::new();
    let mut i = 0;
    while i < args.len() && !is_option(&args[i]) {
        if let Value::Str(s) = &args[i] {
            return Err(RuntimeError::Domain(format!(
                "the style \"{s}\" needs data before it, as in plot(x, y, \"{s}\")"
            ))
            .at_arg(i));
        }
        let numeric = |k: usize| k < args.len() && !matches!(args[k], Value::Str(_));
        let (x_at, y_at) = if numeric(i + 1) {
            (Some(i), i + 1)
        } else {
            (None, i)
        };
        i = y_at + 1;
        let mut style = Style::default();
        if i < args.len() && !is_option(&args[i]) {
            if let Value::Str(s) = &args[i] {
                style =
                    plot::parse_style(s, &style).map_err(|e| RuntimeError::Domain(e).at_arg(i))?;
                i += 1;
            }
        }
        series.extend(xy_group(args, x_at, y_at, &style)?);
    }
    apply_options(args, i, series)
}

/// Applies the options from argument `start` on to every series: their own
/// style keeps what the options do not set.
pub(crate) fn apply_options(
    args: &[Value],
    start: usize,
    series: Vec<Series>,
) -> Result<Vec<Series>> {
    if start >= args.len() {
        return Ok(series);
    }
    series
        .into_iter()
        .map(|mut s| {
            let (style, name) = options(args, start, &s.style)?;
            s.style = style;
            s.name = name.or(s.name);
            Ok(s)
        })
        .collect()
}

/// The style string at `i` if there is one there (not an option name).
pub(crate) fn style_at(args: &[Value], i: usize, base: &Style) -> Result<Option<Style>> {
    match args.get(i) {
        Some(Value::Str(s)) if !is_option(&args[i]) => plot::parse_style(s, base)
            .map(Some)
            .map_err(|e| RuntimeError::Domain(e).at_arg(i)),
        _ => Ok(None),
    }
}
