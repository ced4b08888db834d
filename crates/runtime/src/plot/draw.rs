//! A figure drawn with plotters on any of its backends (SVG, bitmap):
//! one chart per subplot with the figure's own ticks, labels, grid,
//! legend and colour bar.

use super::coord::Ticked;
use super::figure::{Axes, Data, Figure, LineStyle, Marker, Series};
use super::layout::{self, runs, value_range, viridis};
use super::mark::Mark;
use super::ticks::Scale;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The family name the shipped font is registered under.
pub(crate) const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(38, 38, 38);
const GRID: RGBColor = RGBColor(222, 222, 222);

type Fail = String;

fn fail<E: std::fmt::Display>(e: E) -> Fail {
    e.to_string()
}

/// Draws `fig` on `root`, subplot by subplot.
pub(crate) fn figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
) -> Result<(), Fail> {
    root.fill(&WHITE).map_err(fail)?;
    let cells = root.split_evenly((fig.rows.max(1), fig.cols.max(1)));
    for (ax, area) in fig.axes.iter().zip(cells.iter()) {
        if !ax.series.is_empty() || ax.title.is_some() {
            axes(area, ax)?;
        }
    }
    root.present().map_err(fail)
}

fn rgba(s: &Series) -> RGBAColor {
    let [r, g, b] = Axes::color_of(s);
    RGBColor(r, g, b).mix(s.style.alpha.clamp(0.0, 1.0))
}

fn axes<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, ax: &Axes) -> Result<(), Fail> {
    let (sx, sy, flip) = layout::scales(ax);
    let colorbar = ax.series.iter().find_map(|s| match &s.data {
        Data::Image { m, colorbar: true } => Some(value_range(m)),
        _ => None,
    });
    let (w, _) = area.dim_in_pixel();
    let (main, bar) = match colorbar {
        Some(_) if w > 200 => {
            let (a, b) = area.split_horizontally(w as i32 - 90);
            (a, Some(b))
        }
        _ => (area.clone(), None),
    };
    let widest = sy
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1) as u32;
    let mut builder = ChartBuilder::on(&main);
    builder
        .margin(14)
        .margin_right(if bar.is_some() { 4 } else { 22 })
        .x_label_area_size(if ax.xlabel.is_some() { 52 } else { 32 })
        .y_label_area_size(widest * 9 + if ax.ylabel.is_some() { 36 } else { 14 });
    if let Some(t) = &ax.title {
        builder.caption(t, (FONT, 20).into_font().color(&INK));
    }
    let y_range = if flip { sy.hi..sy.lo } else { sy.lo..sy.hi };
    let mut chart = builder
        .build_cartesian_2d(Ticked::new(&sx, false), Ticked::new(&sy, flip))
        .map_err(fail)?;
    let mut mesh = chart.configure_mesh();
    mesh.label_style((FONT, 14).into_font().color(&INK))
        .axis_desc_style((FONT, 16).into_font().color(&INK))
        .axis_style(INK)
        .bold_line_style(GRID)
        .set_all_tick_mark_size(5);
    if !ax.grid {
        mesh.disable_mesh();
    }
    if let Some(l) = &ax.xlabel {
        mesh.x_desc(l);
    }
    if let Some(l) = &ax.ylabel {
        mesh.y_desc(l);
    }
    mesh.draw().map_err(fail)?;
    for s in &ax.series {
        series(&mut chart, s, &sx, &sy)?;
    }
    // A full frame, as matplotlib draws it.
    let (y0, y1) = (y_range.start, y_range.end);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(sx.lo, y0), (sx.hi, y1)],
            INK.stroke_width(1),
        )))
        .map_err(fail)?;
    if ax.shows_legend() {
        chart
            .configure_series_labels()
            .position(legend_corner(ax, &sx, &sy))
            .margin(10)
            .legend_area_size(26)
            .label_font((FONT, 14).into_font().color(&INK))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .draw()
            .map_err(fail)?;
    }
    if let (Some(bar), Some(range)) = (bar, colorbar) {
        color_bar(&bar, range)?;
    }
    Ok(())
}

/// The corner whose quarter of the plot holds the fewest points, so the
/// legend hides as little as it can (matplotlib's "best", by corners).
fn legend_corner(ax: &Axes, sx: &Scale, sy: &Scale) -> SeriesLabelPosition {
    let mut counts = [0usize; 4];
    for s in &ax.series {
        let (xs, ys) = match &s.data {
            Data::Xy { x, y } | Data::ErrorBars { x, y, .. } => (x, y),
            Data::Bars { x, h, .. } => (x, h),
            Data::Image { .. } => continue,
        };
        for run in runs(xs, ys, sx, sy) {
            for (a, b) in run {
                let (fx, fy) = (sx.fraction(a), sy.fraction(b));
                let right = fx > 0.55;
                let left = fx < 0.45;
                let top = fy > 0.6;
                let bottom = fy < 0.4;
                for (k, hit) in [top && right, top && left, bottom && right, bottom && left]
                    .into_iter()
                    .enumerate()
                {
                    counts[k] += usize::from(hit);
                }
            }
        }
    }
    let best = (0..4).min_by_key(|&k| counts[k]).unwrap_or(0);
    [
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::LowerRight,
        SeriesLabelPosition::LowerLeft,
    ][best]
        .clone()
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

fn series<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    s: &Series,
    sx: &Scale,
    sy: &Scale,
) -> Result<(), Fail> {
    let color = rgba(s);
    let line = ShapeStyle {
        color,
        filled: false,
        stroke_width: s.style.width.round().clamp(1.0, 20.0) as u32,
    };
    let size = s.style.size.clamp(0.5, 50.0);
    match &s.data {
        Data::Xy { x, y } => {
            for run in runs(x, y, sx, sy) {
                lines(chart, run.clone(), s.style.line, line)?;
                if let Some(m) = s.style.marker {
                    chart
                        .draw_series(run.into_iter().map(|p| marker(p, m, size, color)))
                        .map_err(fail)?;
                }
            }
        }
        Data::ErrorBars { x, y, err } => {
            let mut bars = Vec::new();
            for ((a, b), e) in x.iter().zip(y).zip(err) {
                let top = (
                    sx.to_coord(*a),
                    sy.to_coord(b + e.abs()),
                    sy.to_coord(b - e.abs()),
                );
                if let (Some(px), Some(hi), Some(lo)) = top {
                    bars.push(PathElement::new(vec![(px, lo), (px, hi)], line));
                    let cap = 0.008 * (sx.hi - sx.lo);
                    for end in [lo, hi] {
                        bars.push(PathElement::new(
                            vec![(px - cap, end), (px + cap, end)],
                            line,
                        ));
                    }
                }
            }
            chart.draw_series(bars).map_err(fail)?;
            for run in runs(x, y, sx, sy) {
                lines(chart, run.clone(), s.style.line, line)?;
                let m = s.style.marker.unwrap_or(Marker::Circle);
                chart
                    .draw_series(run.into_iter().map(|p| marker(p, m, size, color)))
                    .map_err(fail)?;
            }
        }
        Data::Bars { x, h, width } => {
            let base = if sy.log { sy.lo } else { 0.0 };
            let rects = x.iter().zip(h).filter_map(|(c, v)| {
                let (a, b) = (sx.to_coord(c - width / 2.0)?, sx.to_coord(c + width / 2.0)?);
                Some([(a, base), (b, sy.to_coord(*v)?)])
            });
            let rects: Vec<_> = rects.collect();
            chart
                .draw_series(rects.iter().map(|r| Rectangle::new(*r, color.filled())))
                .map_err(fail)?;
            chart
                .draw_series(
                    rects
                        .iter()
                        .map(|r| Rectangle::new(*r, WHITE.stroke_width(1))),
                )
                .map_err(fail)?;
        }
        Data::Image { m, .. } => image(chart, m)?,
    }
    if let Some(name) = &s.name {
        let (kind, mark) = (s.style.line, s.style.marker);
        let bar = matches!(s.data, Data::Bars { .. } | Data::Image { .. });
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(fail)?
            .label(name.clone())
            .legend(move |at| Mark {
                at,
                marker: mark,
                line: (kind != LineStyle::None).then_some(line),
                block: bar,
                size: size.min(6.0).round() as i32,
                color: line.color,
            });
    }
    Ok(())
}

fn lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    run: Vec<(f64, f64)>,
    kind: LineStyle,
    style: ShapeStyle,
) -> Result<(), Fail> {
    let w = style.stroke_width as i32;
    let r = match kind {
        LineStyle::None => return Ok(()),
        LineStyle::Solid => chart.draw_series(LineSeries::new(run, style)).map(|_| ()),
        LineStyle::Dashed => chart
            .draw_series(DashedLineSeries::new(run, 4 * w + 4, 2 * w + 2, style))
            .map(|_| ()),
        LineStyle::Dotted => chart
            .draw_series(DashedLineSeries::new(run, w.max(1), 2 * w + 1, style))
            .map(|_| ()),
        LineStyle::DashDot => chart
            .draw_series(DashedLineSeries::new(run, 6 * w + 2, 3 * w, style))
            .map(|_| ()),
    };
    r.map_err(fail)
}

fn marker(at: (f64, f64), m: Marker, size: f64, color: RGBAColor) -> Mark<(f64, f64)> {
    Mark {
        at,
        marker: Some(m),
        line: None,
        block: false,
        size: size.round() as i32,
        color,
    }
}

/// The matrix as cells coloured by viridis, at most 200×200 of them
/// (blocks averaged), row 1 at the top.
fn image<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    m: &ndarray::Array2<f64>,
) -> Result<(), Fail> {
    let (rows, cols) = m.dim();
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    let (lo, hi) = value_range(m);
    let small = super::downsample(m, 200, 200);
    let (r_out, c_out) = small.dim();
    let edge = |k: usize, n_out: usize, n: usize| (k * n / n_out) as f64 + 0.5;
    let cells = small.indexed_iter().map(|((r, c), &v)| {
        let fill = if v.is_finite() {
            let [a, b, cc] = viridis((v - lo) / (hi - lo));
            RGBColor(a, b, cc)
        } else {
            RGBColor(235, 235, 235)
        };
        Rectangle::new(
            [
                (edge(c, c_out, cols), edge(r, r_out, rows)),
                (edge(c + 1, c_out, cols), edge(r + 1, r_out, rows)),
            ],
            fill.filled(),
        )
    });
    chart.draw_series(cells).map_err(fail)?;
    Ok(())
}

/// A vertical colour bar for values `lo..hi`, ticked like an axis.
fn color_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (lo, hi): (f64, f64),
) -> Result<(), Fail> {
    let s = Scale::fixed(lo, hi);
    let mut chart = ChartBuilder::on(area)
        .margin_top(14 + 20)
        .margin_bottom(14 + 32)
        .margin_right(8)
        .margin_left(6)
        .set_label_area_size(LabelAreaPosition::Right, 56)
        .build_cartesian_2d(
            Ticked::new(&Scale::fixed(0.0, 1.0), false),
            Ticked::new(&s, false),
        )
        .map_err(fail)?;
    let steps = 128;
    chart
        .draw_series((0..steps).map(|i| {
            let (a, b) = (i as f64 / steps as f64, (i + 1) as f64 / steps as f64);
            let [r, g, bl] = viridis((a + b) / 2.0);
            Rectangle::new(
                [
                    (0.0, s.lo + a * (s.hi - s.lo)),
                    (1.0, s.lo + b * (s.hi - s.lo)),
                ],
                RGBColor(r, g, bl).filled(),
            )
        }))
        .map_err(fail)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style((FONT, 13).into_font().color(&INK))
        .axis_style(INK)
        .draw()
        .map_err(fail)?;
    Ok(())
}
