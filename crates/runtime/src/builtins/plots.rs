//! Plotting calls that add data to the current figure: `plot`, `scatter`,
//! `hist`, `bar`, `errorbar`, `imshow`, `heatmap` and the log-scale
//! variants. What they draw is shown when the statement ends without `;`,
//! at `show()`, or at the end of the REPL entry or script.

use super::plot_args::{apply_options, style_at, vector, xy_series};
use super::{count, mat, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::plot::{self, Data, LineStyle, Marker, Series, Style};
use crate::value::Value;

const ANY: usize = super::VARIADIC;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("plots"; "plot", 1, ANY, 1, "plot(x, Y, style, name, value…)", "draws lines of Y against x (or 1:n), one per column of Y; x, Y, style may repeat; style as in MATLAB (\"r--\", \"bo\", \"k:\"); options linewidth, alpha, markersize, color, label", plot_; constant),
    entry!("plots"; "semilogy", 1, ANY, 1, "semilogy(x, Y, style, name, value…)", "plot with a logarithmic y axis (values ≤ 0 are left out)", semilogy; constant),
    entry!("plots"; "semilogx", 1, ANY, 1, "semilogx(x, Y, style, name, value…)", "plot with a logarithmic x axis", semilogx; constant),
    entry!("plots"; "loglog", 1, ANY, 1, "loglog(x, Y, style, name, value…)", "plot with both axes logarithmic", loglog; constant),
    entry!("plots"; "scatter", 2, ANY, 1, "scatter(x, y, groups, style, name, value…)", "draws points; with groups (a vector of ids), one colour and legend entry per group", scatter; constant),
    entry!("plots"; "hist", 1, ANY, 1, "hist(x, bins, name, value…)", "draws a histogram of the elements of x (10 bins by default)", hist; constant),
    entry!("plots"; "bar", 1, ANY, 1, "bar(x, h, name, value…)", "draws bars of heights h at x (or 1:n)", bar; constant),
    entry!("plots"; "errorbar", 3, ANY, 1, "errorbar(x, y, err, style, name, value…)", "draws points y with bars from y - err to y + err", errorbar; constant),
    entry!("plots"; "imshow", 1, 1, 1, "imshow(M)", "draws a matrix (an image, a weight matrix) as coloured cells (viridis), row 1 at the top", imshow; constant),
    entry!("plots"; "heatmap", 1, 1, 1, "heatmap(M)", "imshow with a colour bar giving the scale", heatmap; constant),
];

/// Adds series to the current figure.
pub(crate) fn add(cx: &mut CallContext<'_>, series: Vec<Series>) -> Result<Value> {
    cx.plots().figure_mut().add(series);
    Ok(Value::Tuple(Vec::new().into()))
}

fn plot_(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    add(cx, xy_series(args)?)
}

fn logs(cx: &mut CallContext<'_>, args: &[Value], x: bool, y: bool) -> Result<Value> {
    add(cx, xy_series(args)?)?;
    let ax = cx.plots().figure_mut().axes_mut();
    ax.xlog |= x;
    ax.ylog |= y;
    Ok(Value::Tuple(Vec::new().into()))
}

fn semilogy(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    logs(cx, args, false, true)
}

fn semilogx(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    logs(cx, args, true, false)
}

fn loglog(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    logs(cx, args, true, true)
}

fn same_length(name: &str, lens: &[(usize, usize)]) -> Result<()> {
    let n = lens[0].0;
    match lens.iter().find(|(l, _)| *l != n) {
        Some((l, i)) => Err(RuntimeError::Shape(format!(
            "{name} needs vectors of the same length, got {n} and {l}"
        ))
        .at_arg(*i)),
        None => Ok(()),
    }
}

fn scatter(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = vector(args, 0, "x")?;
    let y = vector(args, 1, "y")?;
    let mut lens = vec![(x.len(), 0), (y.len(), 1)];
    let mut i = 2;
    let groups = match args.get(2) {
        Some(Value::Str(_)) | None => None,
        Some(_) => {
            i = 3;
            let g = vector(args, 2, "groups")?;
            lens.push((g.len(), 2));
            Some(g)
        }
    };
    same_length("scatter", &lens)?;
    let base = Style {
        line: LineStyle::None,
        marker: Some(Marker::Circle),
        alpha: 0.85,
        ..Style::default()
    };
    let style = match style_at(args, i, &base)? {
        Some(s) => {
            i += 1;
            s
        }
        None => base,
    };
    let series = match groups {
        None => vec![Series {
            data: Data::Xy { x, y },
            style,
            name: None,
        }],
        Some(g) => group_ids(&g)
            .into_iter()
            .map(|id| {
                let keep = |k: &usize| g[*k] == id || (id.is_nan() && g[*k].is_nan());
                let idx: Vec<usize> = (0..g.len()).filter(keep).collect();
                Series {
                    data: Data::Xy {
                        x: idx.iter().map(|&k| x[k]).collect(),
                        y: idx.iter().map(|&k| y[k]).collect(),
                    },
                    style: style.clone(),
                    name: Some(crate::display::format_g(id, 6)),
                }
            })
            .collect(),
    };
    add(cx, apply_options(args, i, series)?)
}

/// Distinct group ids in order of first appearance (NaN is one group).
fn group_ids(groups: &[f64]) -> Vec<f64> {
    let mut ids: Vec<f64> = Vec::new();
    for g in groups {
        if !ids.iter().any(|i| i == g || (i.is_nan() && g.is_nan())) {
            ids.push(*g);
        }
    }
    ids
}

fn bars(x: Vec<f64>, h: Vec<f64>, width: f64, style: Style) -> Series {
    Series {
        data: Data::Bars { x, h, width },
        style,
        name: None,
    }
}

fn hist(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let data = args[0].elements().map_err(|e| e.at_arg(0))?;
    let numeric = |k: usize| args.get(k).is_some_and(|v| !matches!(v, Value::Str(_)));
    let bins = if numeric(1) {
        count(args, 1, "the number of bins")?
    } else {
        10
    };
    if bins == 0 || bins > 1000 {
        return Err(
            RuntimeError::Domain(format!("hist takes 1 to 1000 bins, got {bins}")).at_arg(1),
        );
    }
    let (edges, counts) = plot::histogram(&data, bins);
    let width = edges[1] - edges[0];
    let mids = edges.windows(2).map(|e| (e[0] + e[1]) / 2.0).collect();
    let heights = counts.iter().map(|&c| c as f64).collect();
    let s = bars(mids, heights, width, Style::default());
    add(
        cx,
        apply_options(args, 1 + usize::from(numeric(1)), vec![s])?,
    )
}

fn bar(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let numeric = |k: usize| args.get(k).is_some_and(|v| !matches!(v, Value::Str(_)));
    let (x, h, rest) = if numeric(1) {
        let (x, h) = (vector(args, 0, "x")?, vector(args, 1, "the heights")?);
        same_length("bar", &[(x.len(), 0), (h.len(), 1)])?;
        (x, h, 2)
    } else {
        let h = vector(args, 0, "the heights")?;
        ((1..=h.len()).map(|i| i as f64).collect(), h, 1)
    };
    let mut sorted: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let gap = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    let width = if gap.is_finite() { 0.8 * gap } else { 0.8 };
    let style = style_at(args, rest, &Style::default())?;
    let rest = rest + usize::from(style.is_some());
    let s = bars(x, h, width, style.unwrap_or_default());
    add(cx, apply_options(args, rest, vec![s])?)
}

fn errorbar(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let x = vector(args, 0, "x")?;
    let y = vector(args, 1, "y")?;
    let err = vector(args, 2, "the error")?;
    same_length("errorbar", &[(x.len(), 0), (y.len(), 1), (err.len(), 2)])?;
    let base = Style {
        line: LineStyle::None,
        marker: Some(Marker::Circle),
        width: 1.5,
        ..Style::default()
    };
    let style = style_at(args, 3, &base)?;
    let rest = 3 + usize::from(style.is_some());
    let s = Series {
        data: Data::ErrorBars { x, y, err },
        style: style.unwrap_or(base),
        name: None,
    };
    add(cx, apply_options(args, rest, vec![s])?)
}

fn image(cx: &mut CallContext<'_>, args: &[Value], colorbar: bool) -> Result<Value> {
    let m = mat(args, 0)?.into_owned();
    add(
        cx,
        vec![Series {
            data: Data::Image { m, colorbar },
            style: Style::default(),
            name: None,
        }],
    )
}

fn imshow(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    image(cx, args, false)
}

fn heatmap(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    image(cx, args, true)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, m, TestHost};
    use super::super::Host;
    use crate::plot::Data;
    use crate::value::Value;

    fn s(t: &str) -> Value {
        Value::Str(t.into())
    }

    #[test]
    fn plot_draws_one_series_per_column_with_the_style_and_options() {
        let mut h = TestHost::new();
        let x = m(&[&[1.0, 2.0, 3.0]]);
        let y = m(&[&[1.0, 2.0], &[3.0, 4.0], &[5.0, 6.0]]);
        h.call("plot", 1, &[x, y, s("k:"), s("linewidth"), Value::Num(3.0)])
            .unwrap();
        let fig = h.plots().current.clone().unwrap();
        let series = &fig.axes[0].series;
        assert_eq!(series.len(), 2);
        assert!(series
            .iter()
            .all(|s| s.style.width == 3.0 && s.style.color == Some([0, 0, 0])));
        assert!(matches!(&series[1].data, Data::Xy { y, .. } if *y == vec![2.0, 4.0, 6.0]));
    }

    #[test]
    fn scatter_groups_become_named_series_and_semilogy_sets_the_scale() {
        let mut h = TestHost::new();
        let v = m(&[&[1.0, 2.0, 3.0, 4.0]]);
        let g = m(&[&[0.0, 1.0, 0.0, 1.0]]);
        h.call("scatter", 1, &[v.clone(), v.clone(), g]).unwrap();
        let names: Vec<_> = h.plots().current.as_ref().unwrap().axes[0]
            .named()
            .map(|(_, n)| n.to_string())
            .collect();
        assert_eq!(names, vec!["0", "1"]);
        h.call("semilogy", 1, &[v]).unwrap();
        assert!(h.plots().current.as_ref().unwrap().axes[0].ylog);
    }

    #[test]
    fn errors_point_at_the_argument() {
        let mut h = TestHost::new();
        let v = m(&[&[1.0, 2.0]]);
        assert_eq!(arg_err(h.call("plot", 1, &[v.clone(), s("q")])), Some(1));
        assert_eq!(
            arg_err(h.call("plot", 1, &[v.clone(), s("alpha"), Value::Num(-1.0)])),
            Some(2)
        );
        assert_eq!(
            arg_err(h.call("hist", 1, &[v.clone(), Value::Num(0.0)])),
            Some(1)
        );
        assert_eq!(
            arg_err(h.call(
                "subplot",
                1,
                &[Value::Num(2.0), Value::Num(2.0), Value::Num(9.0)]
            )),
            Some(2)
        );
        assert_eq!(
            arg_err(h.call("errorbar", 1, &[v.clone(), v, m(&[&[1.0]])])),
            Some(2)
        );
    }
}
