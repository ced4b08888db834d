//! The figure model: a figure holds a grid of axes (subplots), each axes
//! its series and decorations. Builtins change it; the terminal and file
//! renderers only read it.

use ndarray::Array2;

/// An RGB colour.
pub type Rgb = [u8; 3];

/// Matplotlib's "tab10" colours, the cycle series take their colour from.
pub const PALETTE: [Rgb; 10] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];

/// How a line is drawn between points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStyle {
    /// `-`
    Solid,
    /// `--`
    Dashed,
    /// `:`
    Dotted,
    /// `-.`
    DashDot,
    /// No line: markers only.
    None,
}

/// The mark drawn at each point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// `o`
    Circle,
    /// `.`
    Point,
    /// `+`
    Plus,
    /// `x`
    Cross,
    /// `*`
    Star,
    /// `s`
    Square,
    /// `d`
    Diamond,
    /// `^`
    TriangleUp,
    /// `v`
    TriangleDown,
}

/// How a series looks. `color: None` takes the next colour of the cycle
/// when the series is added.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// The colour, or the cycle's next.
    pub color: Option<Rgb>,
    /// The line between points.
    pub line: LineStyle,
    /// The mark at each point, if any.
    pub marker: Option<Marker>,
    /// Line width in pixels (at 640×480).
    pub width: f64,
    /// Opacity, 0 (invisible) to 1.
    pub alpha: f64,
    /// Marker radius in pixels.
    pub size: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: None,
            line: LineStyle::Solid,
            marker: None,
            width: 2.0,
            alpha: 1.0,
            size: 3.5,
        }
    }
}

/// What a series draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// Points (x, y), joined by a line and/or marked, as the style says.
    Xy {
        /// x coordinates.
        x: Vec<f64>,
        /// y coordinates.
        y: Vec<f64>,
    },
    /// Bars centred at `x`, from 0 to `h`.
    Bars {
        /// Bar centres.
        x: Vec<f64>,
        /// Bar heights.
        h: Vec<f64>,
        /// Bar width in x units.
        width: f64,
    },
    /// A matrix drawn as coloured cells (viridis), row 1 at the top.
    Image {
        /// The values.
        m: Array2<f64>,
        /// Whether a colour bar shows the scale.
        colorbar: bool,
    },
    /// Points with vertical error bars of half-length `err`.
    ErrorBars {
        /// x coordinates.
        x: Vec<f64>,
        /// y coordinates.
        y: Vec<f64>,
        /// Half-length of each bar.
        err: Vec<f64>,
    },
}

/// One thing drawn on an axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its data.
    pub data: Data,
    /// How it looks (the colour is resolved when it is added).
    pub style: Style,
    /// Its name in the legend.
    pub name: Option<String>,
}

/// One plot area: series, labels and scales.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axes {
    /// What is drawn, in order.
    pub series: Vec<Series>,
    /// The title above.
    pub title: Option<String>,
    /// The x axis label.
    pub xlabel: Option<String>,
    /// The y axis label.
    pub ylabel: Option<String>,
    /// Grid lines at the ticks.
    pub grid: bool,
    /// Fixed x limits.
    pub xlim: Option<(f64, f64)>,
    /// Fixed y limits.
    pub ylim: Option<(f64, f64)>,
    /// Logarithmic x axis.
    pub xlog: bool,
    /// Logarithmic y axis.
    pub ylog: bool,
    /// Whether the legend shows (named series only).
    pub legend: bool,
}

impl Axes {
    /// Whether nothing has been drawn or set here.
    pub fn is_empty(&self) -> bool {
        *self == Axes::default()
    }

    /// The series that have a name, for the legend.
    pub fn named(&self) -> impl Iterator<Item = (&Series, &str)> {
        self.series
            .iter()
            .filter_map(|s| s.name.as_deref().map(|n| (s, n)))
    }

    /// Whether a legend is drawn.
    pub fn shows_legend(&self) -> bool {
        self.legend && self.named().next().is_some()
    }

    /// The colour a series is drawn in.
    pub fn color_of(s: &Series) -> Rgb {
        s.style.color.unwrap_or(PALETTE[0])
    }

    fn next_color(&self) -> Rgb {
        let used = self
            .series
            .iter()
            .filter(|s| !matches!(s.data, Data::Image { .. }))
            .count();
        PALETTE[used % PALETTE.len()]
    }
}

/// A figure: `rows`×`cols` axes (one unless `subplot` split it), the one
/// that plotting calls draw on, and whether they add to it (`hold on`).
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Rows of the subplot grid.
    pub rows: usize,
    /// Columns of the subplot grid.
    pub cols: usize,
    /// The axes, row by row.
    pub axes: Vec<Axes>,
    /// Index of the current axes.
    pub current: usize,
    /// Whether new series add to the current axes instead of replacing.
    pub hold: bool,
}

impl Default for Figure {
    fn default() -> Self {
        Figure {
            rows: 1,
            cols: 1,
            axes: vec![Axes::default()],
            current: 0,
            hold: false,
        }
    }
}

impl Figure {
    /// A figure of one axes holding `series`.
    pub fn single(series: Vec<Series>) -> Figure {
        let mut fig = Figure::default();
        fig.add(series);
        fig
    }

    /// The current axes.
    pub fn axes_mut(&mut self) -> &mut Axes {
        let k = self.current.min(self.axes.len().saturating_sub(1));
        &mut self.axes[k]
    }

    /// Adds series to the current axes: they replace what it drew unless
    /// `hold` is on (titles and labels stay). Series without a colour take
    /// the cycle's next.
    pub fn add(&mut self, series: Vec<Series>) {
        let hold = self.hold;
        let ax = self.axes_mut();
        if !hold {
            ax.series.clear();
            ax.xlim = None;
            ax.ylim = None;
            ax.xlog = false;
            ax.ylog = false;
        }
        for mut s in series {
            if s.style.color.is_none() {
                s.style.color = Some(ax.next_color());
            }
            if s.name.is_some() {
                ax.legend = true;
            }
            ax.series.push(s);
        }
    }

    /// Makes subplot `k` (1-based, row by row) of an `rows`×`cols` grid
    /// current; a different grid starts afresh.
    pub fn subplot(&mut self, rows: usize, cols: usize, k: usize) {
        if (rows, cols) != (self.rows, self.cols) {
            let first = std::mem::take(&mut self.axes).into_iter().next();
            self.axes = vec![Axes::default(); rows * cols];
            // A plot made before the first `subplot` call becomes subplot 1,
            // as a figure is usually started with `subplot(…, 1)` anyway.
            if let Some(a) = first.filter(|_| self.rows * self.cols == 1) {
                self.axes[0] = a;
            }
            self.rows = rows;
            self.cols = cols;
        }
        self.current = k - 1;
    }
}

/// The figures of one interpreter: the current one, figures replaced by
/// `figure()` before they were shown, and whether the current one changed
/// since it was last drawn in the terminal.
#[derive(Clone, Debug, Default)]
pub struct Plots {
    /// The figure plotting calls draw on.
    pub current: Option<Figure>,
    /// Figures left by `figure()` that were never shown.
    pub waiting: Vec<Figure>,
    /// The current figure changed since it was shown.
    pub dirty: bool,
    /// How many figures have been shown so far.
    pub shown: u64,
}

impl Plots {
    /// The current figure, made if there is none; marks it changed.
    pub fn figure_mut(&mut self) -> &mut Figure {
        self.dirty = true;
        self.current.get_or_insert_with(Figure::default)
    }

    /// Starts a new, empty figure; the old one waits to be shown if it
    /// changed since it last was.
    pub fn new_figure(&mut self) {
        if let Some(old) = self.current.take() {
            if self.dirty {
                self.waiting.push(old);
            }
        }
        self.current = Some(Figure::default());
        self.dirty = false;
    }

    /// The figures to show now (waiting ones, then the current one if it
    /// changed), counted as shown.
    pub fn take_to_show(&mut self) -> Vec<Figure> {
        let mut out = std::mem::take(&mut self.waiting);
        if self.dirty {
            if let Some(f) = &self.current {
                out.push(f.clone());
            }
            self.dirty = false;
        }
        self.shown += out.len() as u64;
        out
    }

    /// Whether some figure waits to be shown.
    pub fn pending(&self) -> bool {
        self.dirty || !self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(y: &[f64]) -> Series {
        Series {
            data: Data::Xy {
                x: (1..=y.len()).map(|i| i as f64).collect(),
                y: y.to_vec(),
            },
            style: Style::default(),
            name: None,
        }
    }

    #[test]
    fn hold_adds_and_cycles_colours_otherwise_replaces() {
        let mut f = Figure::default();
        f.add(vec![line(&[1.0, 2.0])]);
        f.add(vec![line(&[3.0])]);
        assert_eq!(f.axes[0].series.len(), 1);
        f.hold = true;
        f.add(vec![line(&[4.0])]);
        let colours: Vec<_> = f.axes[0].series.iter().map(|s| s.style.color).collect();
        assert_eq!(colours, vec![Some(PALETTE[0]), Some(PALETTE[1])]);
    }

    #[test]
    fn subplot_keeps_a_first_plot_and_selects_the_cell() {
        let mut f = Figure::single(vec![line(&[1.0])]);
        f.subplot(2, 2, 3);
        assert_eq!((f.axes.len(), f.current), (4, 2));
        assert_eq!(f.axes[0].series.len(), 1);
        f.add(vec![line(&[2.0])]);
        assert_eq!(f.axes[2].series.len(), 1);
    }

    #[test]
    fn a_new_figure_keeps_the_unshown_one_waiting() {
        let mut p = Plots::default();
        p.figure_mut().add(vec![line(&[1.0])]);
        p.new_figure();
        p.figure_mut().add(vec![line(&[2.0])]);
        assert_eq!(p.take_to_show().len(), 2);
        assert!(p.take_to_show().is_empty());
        assert_eq!(p.shown, 2);
    }
}
