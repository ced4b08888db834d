//! Calls that change the current figure rather than add data to it:
//! labels, legend, grid, limits, `hold`, `figure`, `subplot`, `show`,
//! `savefig`; and `progress`, whose bar the evaluator draws.

use super::{count, scalar, string, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::plot::{self, Axes};
use crate::value::Value;

const ANY: usize = super::VARIADIC;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("plots"; "title", 1, 1, 1, "title(text)", "sets the title of the current plot", title; constant),
    entry!("plots"; "xlabel", 1, 1, 1, "xlabel(text)", "labels the x axis of the current plot", xlabel; constant),
    entry!("plots"; "ylabel", 1, 1, 1, "ylabel(text)", "labels the y axis of the current plot", ylabel; constant),
    entry!("plots"; "legend", 0, ANY, 1, "legend(names…)", "names the series of the current plot in order and shows the legend; legend(\"off\") hides it", legend; constant),
    entry!("plots"; "grid", 0, 1, 1, "grid(\"on\")", "shows (\"on\"), hides (\"off\") or toggles grid lines at the ticks; also `grid on`", grid; constant),
    entry!("plots"; "xlim", 1, 2, 1, "xlim([lo hi])", "fixes the x axis limits (xlim(\"auto\") fits the data again)", xlim; constant),
    entry!("plots"; "ylim", 1, 2, 1, "ylim([lo hi])", "fixes the y axis limits (ylim(\"auto\") fits the data again)", ylim; constant),
    entry!("plots"; "hold", 0, 1, 1, "hold(\"on\")", "with \"on\" plots add to the current plot, with \"off\" they replace it; alone it toggles; also `hold on`", hold; constant),
    entry!("plots"; "figure", 0, 0, 1, "figure()", "starts a new, empty figure (the previous one is shown if it was not)", figure; constant),
    entry!("plots"; "subplot", 3, 3, 1, "subplot(m, n, k)", "splits the figure into m×n plots and draws on the k-th, row by row", subplot; constant),
    entry!("plots"; "show", 0, 0, 1, "show()", "draws the figure now (a statement ending in `;` does not)", show; constant),
    entry!("plots"; "savefig", 1, 1, 1, "savefig(path)", "writes the current figure as SVG or PNG, chosen by the extension", savefig; constant),
    entry!("plots"; "progress", 1, 1, 1, "progress(v)", "v itself; `for i = progress(v)` shows a progress bar with rate and time left on standard error when it is a terminal", progress; none),
];

fn nothing() -> Value {
    Value::Tuple(Vec::new().into())
}

/// Changes the current axes of the current figure.
fn on_axes(cx: &mut CallContext<'_>, f: impl FnOnce(&mut Axes)) -> Result<Value> {
    f(cx.plots().figure_mut().axes_mut());
    Ok(nothing())
}

fn title(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let t = string(args, 0)?.to_string();
    on_axes(cx, |a| a.title = Some(t))
}

fn xlabel(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let t = string(args, 0)?.to_string();
    on_axes(cx, |a| a.xlabel = Some(t))
}

fn ylabel(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let t = string(args, 0)?.to_string();
    on_axes(cx, |a| a.ylabel = Some(t))
}

/// `"on"` → true, `"off"` → false, nothing → the opposite of `now`.
fn switch(args: &[Value], now: bool) -> Result<bool> {
    match args.first() {
        None => Ok(!now),
        Some(_) => match string(args, 0)?.to_ascii_lowercase().as_str() {
            "on" => Ok(true),
            "off" => Ok(false),
            other => Err(RuntimeError::Domain(format!(
                "expected \"on\" or \"off\", got \"{other}\""
            ))
            .at_arg(0)),
        },
    }
}

fn legend(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let names: Vec<String> = (0..args.len())
        .map(|i| string(args, i).map(str::to_string))
        .collect::<Result<_>>()?;
    let ax = cx.plots().figure_mut().axes_mut();
    match names.as_slice() {
        [one] if one.eq_ignore_ascii_case("off") => ax.legend = false,
        [one] if one.eq_ignore_ascii_case("on") => ax.legend = true,
        _ => {
            let drawable: Vec<usize> = (0..ax.series.len())
                .filter(|&k| !matches!(ax.series[k].data, plot::Data::Image { .. }))
                .collect();
            if names.len() > drawable.len() {
                return Err(RuntimeError::Domain(format!(
                    "legend got {} names but the plot has {} series",
                    names.len(),
                    drawable.len()
                ))
                .at_arg(drawable.len()));
            }
            for (k, &s) in drawable.iter().enumerate() {
                match names.get(k) {
                    Some(n) => ax.series[s].name = Some(n.clone()),
                    None if names.is_empty() && ax.series[s].name.is_none() => {
                        ax.series[s].name = Some(format!("data {}", k + 1))
                    }
                    None => {}
                }
            }
            ax.legend = true;
        }
    }
    Ok(nothing())
}

fn grid(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let now = cx.plots().figure_mut().axes_mut().grid;
    let on = switch(args, now)?;
    on_axes(cx, |a| a.grid = on)
}

/// `[lo hi]`, `lo, hi`, or `"auto"` (None).
fn limits(args: &[Value]) -> Result<Option<(f64, f64)>> {
    if let [Value::Str(s)] = args {
        return if s.eq_ignore_ascii_case("auto") {
            Ok(None)
        } else {
            Err(
                RuntimeError::Domain(format!("limits are [lo hi] or \"auto\", got \"{s}\""))
                    .at_arg(0),
            )
        };
    }
    let (lo, hi, at) = if args.len() == 2 {
        (scalar(args, 0)?, scalar(args, 1)?, 1)
    } else {
        match args[0].elements().map_err(|e| e.at_arg(0))?.as_slice() {
            [a, b] => (*a, *b, 0),
            _ => {
                return Err(RuntimeError::Shape(format!(
                    "limits are two numbers [lo hi], got {}",
                    args[0].describe()
                ))
                .at_arg(0))
            }
        }
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(
            RuntimeError::Domain(format!("limits need finite lo < hi, got [{lo} {hi}]")).at_arg(at),
        );
    }
    Ok(Some((lo, hi)))
}

fn log_limits_ok(lim: Option<(f64, f64)>, log: bool) -> Result<()> {
    match lim {
        Some((lo, _)) if log && lo <= 0.0 => Err(RuntimeError::Domain(format!(
            "a logarithmic axis needs limits above 0, got {lo}"
        ))
        .at_arg(0)),
        _ => Ok(()),
    }
}

fn xlim(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let lim = limits(args)?;
    log_limits_ok(lim, cx.plots().figure_mut().axes_mut().xlog)?;
    on_axes(cx, |a| a.xlim = lim)
}

fn ylim(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let lim = limits(args)?;
    log_limits_ok(lim, cx.plots().figure_mut().axes_mut().ylog)?;
    on_axes(cx, |a| a.ylim = lim)
}

fn hold(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let plots = cx.plots();
    // Holding changes nothing drawn: the figure is not marked changed.
    let now = plots.current.as_ref().is_some_and(|f| f.hold);
    let on = switch(args, now)?;
    let dirty = plots.dirty;
    plots.figure_mut().hold = on;
    plots.dirty = dirty;
    Ok(nothing())
}

fn figure(cx: &mut CallContext<'_>, _args: &[Value]) -> Result<Value> {
    cx.plots().new_figure();
    Ok(nothing())
}

fn subplot(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = count(args, 0, "the number of rows")?;
    let n = count(args, 1, "the number of columns")?;
    for (v, i) in [(m, 0), (n, 1)] {
        if !(1..=10).contains(&v) {
            return Err(RuntimeError::Domain(format!(
                "subplot takes 1 to 10 rows and columns, got {v}"
            ))
            .at_arg(i));
        }
    }
    let k = count(args, 2, "the plot number")?;
    if !(1..=m * n).contains(&k) {
        return Err(RuntimeError::Domain(format!(
            "subplot({m}, {n}, k) needs k from 1 to {}, got {k}",
            m * n
        ))
        .at_arg(2));
    }
    cx.plots().figure_mut().subplot(m, n, k);
    Ok(nothing())
}

fn show(cx: &mut CallContext<'_>, _args: &[Value]) -> Result<Value> {
    cx.show_figures()?;
    Ok(nothing())
}

fn savefig(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let path = string(args, 0)?.to_string();
    let Some(fig) = cx.plots().current.clone() else {
        return Err(RuntimeError::Domain(
            "there is no figure to save yet: draw one with plot, scatter, hist, bar or imshow"
                .into(),
        ));
    };
    let bytes = plot::encode_for(&fig, &path)?;
    cx.write_file(&path, &bytes).map_err(|e| e.at_arg(0))?;
    Ok(nothing())
}

fn progress(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    cx.progress_asked();
    Ok(args[0].clone())
}
