//! What the terminal and file renderers share: the scales of an axes from
//! its data and limits, the runs of points a line joins, and the colour
//! map.

use super::figure::{Axes, Data};
use super::ticks::Scale;
use ndarray::Array2;
use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};

/// The x and y scales of `ax`, and whether y runs downwards (an image:
/// row 1 at the top).
pub fn scales(ax: &Axes) -> (Scale, Scale, bool) {
    let image = ax
        .series
        .iter()
        .all(|s| matches!(s.data, Data::Image { .. }))
        && !ax.series.is_empty();
    let mut x = Extent::new(ax.xlog);
    let mut y = Extent::new(ax.ylog);
    // Bars stand on 0: no margin under (or over) it.
    let (mut stick_lo, mut stick_hi) = (false, false);
    for s in &ax.series {
        match &s.data {
            Data::Xy { x: xs, y: ys } => {
                x.extend(xs);
                y.extend(ys);
            }
            Data::ErrorBars { x: xs, y: ys, err } => {
                x.extend(xs);
                for (v, e) in ys.iter().zip(err) {
                    y.add(v - e.abs());
                    y.add(v + e.abs());
                }
            }
            Data::Bars { x: xs, h, width } => {
                for v in xs {
                    x.add(v - width / 2.0);
                    x.add(v + width / 2.0);
                }
                y.extend(h);
                if !ax.ylog {
                    y.add(0.0);
                    stick_lo |= h.iter().all(|v| v.is_nan() || *v >= 0.0);
                    stick_hi |= h.iter().all(|v| v.is_nan() || *v <= 0.0);
                }
            }
            Data::Image { m, .. } => {
                x.add(0.5);
                x.add(m.ncols() as f64 + 0.5);
                y.add(0.5);
                y.add(m.nrows() as f64 + 0.5);
            }
        }
    }
    let make = |e: &Extent, lim: Option<(f64, f64)>, log: bool, pad: (bool, bool)| match (lim, log)
    {
        (Some((a, b)), false) => Scale::fixed(a, b),
        (Some((a, b)), true) => Scale::log(a, b),
        (None, true) => Scale::log(e.lo, e.hi),
        (None, false) if image => integer_ticks(Scale::fixed(e.lo, e.hi)),
        (None, false) => Scale::linear(e.lo, e.hi, pad),
    };
    // Bars at whole numbers (`bar(counts)`) are ticked at whole numbers.
    let whole_bars = ax.series.iter().all(|s| match &s.data {
        Data::Bars { x, .. } => x.iter().all(|v| v.fract() == 0.0),
        _ => false,
    }) && !ax.series.is_empty();
    let mut xs = make(&x, ax.xlim, ax.xlog, (true, true));
    if whole_bars && !ax.xlog {
        xs = integer_ticks(xs);
    }
    let ys = make(&y, ax.ylim, ax.ylog, (!stick_lo, !stick_hi));
    (xs, ys, image)
}

/// Ticks at whole numbers only (matrix rows and columns).
fn integer_ticks(mut s: Scale) -> Scale {
    let keep: Vec<usize> = (0..s.ticks.len())
        .filter(|&i| s.ticks[i].fract() == 0.0)
        .collect();
    if keep.len() >= 2 {
        s.labels = keep.iter().map(|&i| format!("{}", s.ticks[i])).collect();
        s.ticks = keep.iter().map(|&i| s.ticks[i]).collect();
    }
    s
}

/// The finite (and, on a log axis, positive) range of values seen.
struct Extent {
    lo: f64,
    hi: f64,
    log: bool,
}

impl Extent {
    fn new(log: bool) -> Self {
        Extent {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            log,
        }
    }

    fn add(&mut self, v: f64) {
        if v.is_finite() && (!self.log || v > 0.0) {
            self.lo = self.lo.min(v);
            self.hi = self.hi.max(v);
        }
    }

    fn extend(&mut self, vs: &[f64]) {
        for v in vs {
            self.add(*v);
        }
    }
}

/// The points of a line in drawing coordinates, split where a value is
/// missing (NaN, Inf, or not positive on a log axis), as MATLAB breaks a
/// line at NaN.
pub fn runs(x: &[f64], y: &[f64], sx: &Scale, sy: &Scale) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for (a, b) in x.iter().zip(y) {
        match (sx.to_coord(*a), sy.to_coord(*b)) {
            (Some(p), Some(q)) => out.last_mut().map_or((), |r| r.push((p, q))),
            _ => {
                if out.last().is_some_and(|r| !r.is_empty()) {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// The finite range of a matrix, widened when constant.
pub fn value_range(m: &Array2<f64>) -> (f64, f64) {
    let (lo, hi) = m
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

/// Viridis at `t` in 0..1 (matplotlib's default colour map).
pub fn viridis(t: f64) -> [u8; 3] {
    let c = ViridisRGB.get_color_normalized(t.clamp(0.0, 1.0), 0.0, 1.0);
    [c.0, c.1, c.2]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::figure::{Series, Style};

    fn axes(data: Data) -> Axes {
        Axes {
            series: vec![Series {
                data,
                style: Style::default(),
                name: None,
            }],
            ..Axes::default()
        }
    }

    #[test]
    fn bars_stand_on_zero_without_margin_below() {
        let ax = axes(Data::Bars {
            x: vec![1.0, 2.0],
            h: vec![3.0, 5.0],
            width: 0.8,
        });
        let (_, y, _) = scales(&ax);
        assert_eq!(y.lo, 0.0);
        assert!(y.hi > 5.0);
    }

    #[test]
    fn lines_break_at_missing_values_and_log_drops_non_positive() {
        let mut ax = axes(Data::Xy {
            x: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            y: vec![1.0, f64::NAN, 3.0, 4.0, -1.0],
        });
        let (sx, sy, _) = scales(&ax);
        let Data::Xy { x, y } = &ax.series[0].data else {
            unreachable!()
        };
        let lens = |r: Vec<Vec<(f64, f64)>>| r.iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(lens(runs(x, y, &sx, &sy)), vec![1, 3]);
        ax.ylog = true;
        let (sx, sy, _) = scales(&ax);
        assert_eq!(lens(runs(x, y, &sx, &sy)), vec![1, 2]);
    }

    #[test]
    fn an_image_runs_downwards_with_whole_ticks() {
        let (x, _, flip) = scales(&axes(Data::Image {
            m: Array2::zeros((3, 4)),
            colorbar: false,
        }));
        assert!(flip);
        assert_eq!((x.lo, x.hi), (0.5, 4.5));
        assert!(x.ticks.iter().all(|t| t.fract() == 0.0));
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(viridis(0.0), [68, 1, 84]);
        assert_eq!(viridis(2.0), viridis(1.0));
    }
}
