//! Figures drawn with characters for the terminal: braille dots for lines,
//! markers for points, block elements for bars, shades for images, with
//! the same ticks, title, labels and legend as the files, in colour when
//! asked.

use super::figure::{Axes, Data, Figure, LineStyle, Rgb, Series};
use super::layout::{runs, scales, value_range, viridis};
use super::ticks::Scale;
use ndarray::Array2;

/// Plot area height in character cells (one plot; subplots get less).
const HEIGHT: usize = 15;
const SUB_HEIGHT: usize = 9;
/// The plot area's width bounds, in cells.
const MIN_WIDTH: usize = 20;
const MAX_WIDTH: usize = 200;
const MARKERS: [char; 6] = ['●', '+', '×', '○', '■', '◆'];
const SHADES: [char; 4] = ['░', '▒', '▓', '█'];
const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The figure as lines of text for a `width`-character terminal, ending
/// in a new line; `color` adds ANSI colours.
pub fn render(fig: &Figure, width: usize, color: bool) -> String {
    let drawn: Vec<(usize, &Axes)> = fig
        .axes
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.is_empty())
        .collect();
    let height = if drawn.len() > 1 { SUB_HEIGHT } else { HEIGHT };
    let mut out = String::new();
    for (k, ax) in &drawn {
        if fig.axes.len() > 1 {
            out.push_str(&format!("[subplot {} of {}]\n", k + 1, fig.axes.len()));
        }
        out.push_str(&axes(ax, width, height, color));
    }
    if out.is_empty() {
        out.push_str("(empty figure)\n");
    }
    out
}

/// One character cell: a braille pattern (bits) or a character, and the
/// colour of what was drawn there last.
#[derive(Clone, Copy, Default)]
struct Cell {
    bits: u8,
    ch: Option<char>,
    color: Option<Rgb>,
}

struct Canvas {
    w: usize,
    h: usize,
    cells: Vec<Cell>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Self {
        Canvas {
            w,
            h,
            cells: vec![Cell::default(); w * h],
        }
    }

    /// Sets the braille dot at (dx, dy) of the 2w×4h dot grid.
    fn dot(&mut self, dx: usize, dy: usize, color: Rgb) {
        // Dot numbering of the Unicode braille block, (dx, dy) → bit.
        const BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
        if dx >= self.w * 2 || dy >= self.h * 4 {
            return;
        }
        let cell = &mut self.cells[(dy / 4) * self.w + dx / 2];
        cell.bits |= BITS[dx % 2][dy % 4];
        cell.color = Some(color);
    }

    fn put(&mut self, col: usize, row: usize, ch: char, color: Rgb) {
        if col < self.w && row < self.h {
            self.cells[row * self.w + col] = Cell {
                bits: 0,
                ch: Some(ch),
                color: Some(color),
            };
        }
    }

    /// A drawing coordinate pair as a dot position, if inside the axes.
    fn to_dot(&self, (x, y): (f64, f64), sx: &Scale, sy: &Scale) -> Option<(f64, f64)> {
        let (fx, fy) = (sx.fraction(x), sy.fraction(y));
        let inside = (-1e-9..=1.0 + 1e-9).contains(&fx) && (-1e-9..=1.0 + 1e-9).contains(&fy);
        inside.then(|| {
            (
                fx.clamp(0.0, 1.0) * (self.w * 2 - 1) as f64,
                (1.0 - fy.clamp(0.0, 1.0)) * (self.h * 4 - 1) as f64,
            )
        })
    }

    fn segment(&mut self, a: (f64, f64), b: (f64, f64), color: Rgb, pattern: LineStyle) {
        let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil() as usize).clamp(1, 4096);
        for s in 0..=steps {
            let on = match pattern {
                LineStyle::Dashed => s % 6 < 4,
                LineStyle::Dotted => s % 3 == 0,
                LineStyle::DashDot => !matches!(s % 8, 5 | 7),
                _ => true,
            };
            if on {
                let t = s as f64 / steps as f64;
                let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                self.dot(x.round() as usize, y.round() as usize, color);
            }
        }
    }

    fn rows(&self, color: bool) -> Vec<String> {
        (0..self.h)
            .map(|r| {
                let mut line = String::new();
                for cell in &self.cells[r * self.w..(r + 1) * self.w] {
                    let ch = match (cell.ch, cell.bits) {
                        (Some(c), _) => c,
                        (None, 0) => ' ',
                        (None, bits) => char::from_u32(0x2800 + bits as u32).unwrap_or(' '),
                    };
                    paint(&mut line, ch, cell.color.filter(|_| color && ch != ' '));
                }
                line
            })
            .collect()
    }
}

/// Appends `ch` in `color` (the nearest of the terminal's basic colours).
fn paint(out: &mut String, ch: char, color: Option<Rgb>) {
    match color.and_then(ansi) {
        Some(code) => out.push_str(&format!("\x1b[{code}m{ch}\x1b[0m")),
        None => out.push(ch),
    }
}

/// The basic ANSI colour nearest to `rgb` (none for black and white: the
/// terminal's own text colour).
fn ansi(rgb: Rgb) -> Option<u8> {
    const BASIC: [(u8, Rgb); 8] = [
        (31, [214, 39, 40]),
        (32, [44, 160, 44]),
        (33, [255, 127, 14]),
        (34, [31, 119, 180]),
        (35, [180, 100, 200]),
        (36, [23, 190, 207]),
        (90, [127, 127, 127]),
        (0, [0, 0, 0]),
    ];
    let d = |a: Rgb, b: Rgb| {
        (0..3)
            .map(|i| (a[i] as i32 - b[i] as i32).pow(2))
            .sum::<i32>()
    };
    let (code, _) = BASIC.iter().min_by_key(|(_, c)| d(*c, rgb))?;
    (*code != 0 && d(rgb, [255, 255, 255]) > 3000).then_some(*code)
}

fn axes(ax: &Axes, width: usize, height: usize, color: bool) -> String {
    if let Some(Series {
        data: Data::Image { m, .. },
        ..
    }) = ax.series.first()
    {
        return image(ax, m, width, color);
    }
    let (sx, sy, _) = scales(ax);
    let label_w = sy
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1);
    let w = width
        .saturating_sub(label_w + 3)
        .clamp(MIN_WIDTH, MAX_WIDTH);
    let mut canvas = Canvas::new(w, height);
    for s in &ax.series {
        draw(&mut canvas, s, marker_of(ax, s), &sx, &sy);
    }
    let mut out = header(ax, label_w, w);
    // Every other tick (or fewer) when they would crowd the rows.
    let stride = sy.ticks.len().div_ceil(height / 2 + 1).max(1);
    let tick_rows: Vec<(usize, &str)> = sy
        .ticks
        .iter()
        .zip(&sy.labels)
        .step_by(stride)
        .map(|(t, l)| {
            (
                ((1.0 - sy.fraction(*t)) * (height - 1) as f64).round() as usize,
                l.as_str(),
            )
        })
        .collect();
    for (r, line) in canvas.rows(color).into_iter().enumerate() {
        match tick_rows.iter().find(|(row, _)| *row == r) {
            Some((_, l)) => out.push_str(&format!("{l:>label_w$} ┤{line}\n")),
            None => out.push_str(&format!("{:>label_w$} │{line}\n", "")),
        }
    }
    // The x axis: tick marks, then labels where they fit without touching.
    let mut axis: Vec<char> = vec!['─'; w];
    let mut labels: Vec<char> = vec![' '; w + 12];
    let mut free_from = 0;
    for (t, l) in sx.ticks.iter().zip(&sx.labels) {
        let col = (sx.fraction(*t) * (w - 1) as f64).round() as usize;
        axis[col.min(w - 1)] = '┬';
        let n = l.chars().count();
        let start = col.saturating_sub(n / 2);
        if start >= free_from && start + n <= labels.len() {
            for (i, c) in l.chars().enumerate() {
                labels[start + i] = c;
            }
            free_from = start + n + 1;
        }
    }
    out.push_str(&format!(
        "{:>label_w$} └{}\n",
        "",
        axis.iter().collect::<String>()
    ));
    let labels: String = labels.iter().collect();
    out.push_str(&format!("{:>label_w$}  {}\n", "", labels.trim_end()));
    if let Some(l) = &ax.xlabel {
        out.push_str(&format!("{:>label_w$}  {}\n", "", centred(l, w)));
    }
    out.push_str(&legend(ax, label_w, color));
    out
}

/// The title line and the y label line above a plot.
fn header(ax: &Axes, label_w: usize, w: usize) -> String {
    let mut out = String::new();
    if let Some(t) = &ax.title {
        out.push_str(&format!("{:>label_w$}  {}\n", "", centred(t, w).trim_end()));
    }
    if let Some(l) = &ax.ylabel {
        out.push_str(&format!("{l}\n"));
    }
    out
}

fn centred(s: &str, w: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(w.saturating_sub(n) / 2))
}

/// The legend as one line: a sample of each named series and its name.
fn legend(ax: &Axes, label_w: usize, color: bool) -> String {
    if !ax.shows_legend() {
        return String::new();
    }
    let mut line = format!("{:>label_w$}  ", "");
    for (k, (s, name)) in ax.named().enumerate() {
        if k > 0 {
            line.push_str("   ");
        }
        let sample = match (&s.data, s.style.marker, s.style.line) {
            (Data::Bars { .. }, _, _) => "█".to_string(),
            (_, Some(_), LineStyle::None) => marker_of(ax, s).to_string(),
            (_, _, LineStyle::Dashed | LineStyle::DashDot) => "╌╌".into(),
            (_, _, LineStyle::Dotted) => "┄┄".into(),
            _ => "──".into(),
        };
        for ch in sample.chars() {
            paint(&mut line, ch, Some(Axes::color_of(s)).filter(|_| color));
        }
        line.push(' ');
        line.push_str(name);
    }
    line.push('\n');
    line
}

/// The character marking the points of a markers-only series: one per
/// such series, in order, so groups differ without colour.
fn marker_of(ax: &Axes, s: &Series) -> char {
    let k = ax
        .series
        .iter()
        .filter(|o| o.style.marker.is_some() && o.style.line == LineStyle::None)
        .position(|o| std::ptr::eq(o, s))
        .unwrap_or(0);
    MARKERS[k % MARKERS.len()]
}

fn draw(canvas: &mut Canvas, s: &Series, mark: char, sx: &Scale, sy: &Scale) {
    let color = Axes::color_of(s);
    match &s.data {
        Data::Xy { x, y } | Data::ErrorBars { x, y, .. } => {
            for run in runs(x, y, sx, sy) {
                let dots: Vec<Option<(f64, f64)>> =
                    run.iter().map(|p| canvas.to_dot(*p, sx, sy)).collect();
                if s.style.line != LineStyle::None {
                    for pair in dots.windows(2) {
                        if let [Some(a), Some(b)] = pair {
                            canvas.segment(*a, *b, color, s.style.line);
                        }
                    }
                    if let [Some(a)] = dots.as_slice() {
                        canvas.dot(a.0 as usize, a.1 as usize, color);
                    }
                } else {
                    for (cx, cy) in dots.into_iter().flatten() {
                        canvas.put((cx / 2.0) as usize, (cy / 4.0) as usize, mark, color);
                    }
                }
            }
            if let Data::ErrorBars { x, y, err } = &s.data {
                for ((a, b), e) in x.iter().zip(y).zip(err) {
                    let ends = (
                        sx.to_coord(*a),
                        sy.to_coord(b - e.abs()),
                        sy.to_coord(b + e.abs()),
                    );
                    if let (Some(px), Some(lo), Some(hi)) = ends {
                        let clamp = |v: f64| v.clamp(sy.lo.min(sy.hi), sy.hi.max(sy.lo));
                        let (p, q) = (
                            canvas.to_dot((px, clamp(lo)), sx, sy),
                            canvas.to_dot((px, clamp(hi)), sx, sy),
                        );
                        if let (Some(p), Some(q)) = (p, q) {
                            canvas.segment(p, q, color, LineStyle::Solid);
                        }
                    }
                }
            }
        }
        Data::Bars { x, h, width } => {
            let base = if sy.log { sy.lo } else { 0.0 };
            for (c, v) in x.iter().zip(h) {
                let (Some(a), Some(b), Some(top)) = (
                    sx.to_coord(c - width / 2.0),
                    sx.to_coord(c + width / 2.0),
                    sy.to_coord(*v),
                ) else {
                    continue;
                };
                let col =
                    |v: f64| (sx.fraction(v).clamp(0.0, 1.0) * canvas.w as f64).round() as usize;
                let (c0, c1) = (col(a), col(b).max(col(a) + 1).min(canvas.w));
                // Eighths of a cell above the bottom, for the bar's top.
                let eighths = |v: f64| {
                    (sy.fraction(v).clamp(0.0, 1.0) * (canvas.h * 8) as f64).round() as usize
                };
                let (lo, hi) = (eighths(base.min(top)), eighths(base.max(top)));
                for r in 0..canvas.h {
                    let from_bottom = canvas.h - 1 - r;
                    let filled = hi.saturating_sub(from_bottom * 8).min(8);
                    let below = lo > from_bottom * 8;
                    if filled == 0 || below {
                        continue;
                    }
                    for cc in c0..c1.saturating_sub(usize::from(c1 - c0 > 1)) {
                        canvas.put(cc, r, BARS[filled], color);
                    }
                }
            }
        }
        Data::Image { .. } => {}
    }
}

fn image(ax: &Axes, m: &Array2<f64>, width: usize, color: bool) -> String {
    let mut out = header(ax, 0, width);
    let (rows, cols) = m.dim();
    if rows == 0 || cols == 0 {
        out.push_str("(empty matrix)\n");
        return out;
    }
    let small = super::downsample(m, HEIGHT * 2, width / 2);
    let (r_out, c_out) = small.dim();
    // Small matrices get bigger cells, so that a 4×4 is still readable.
    let cell_w = (width / c_out).clamp(2, 8);
    let cell_h = (HEIGHT / r_out).clamp(1, 3);
    let (lo, hi) = value_range(m);
    for row in small.rows() {
        let mut line = String::new();
        for &mean in row {
            let t = ((mean - lo) / (hi - lo)).clamp(0.0, 1.0);
            let ch = if mean.is_nan() {
                '?'
            } else {
                SHADES[((t * (SHADES.len() - 1) as f64).round() as usize).min(SHADES.len() - 1)]
            };
            for _ in 0..cell_w {
                match (color, mean.is_nan()) {
                    (true, false) => {
                        let [r, g, b] = viridis(t);
                        line.push_str(&format!("\x1b[38;2;{r};{g};{b}m█\x1b[0m"));
                    }
                    _ => line.push(ch),
                }
            }
        }
        line.push('\n');
        for _ in 0..cell_h {
            out.push_str(&line);
        }
    }
    out.push_str(&format!(
        "{rows}×{cols}: {} = {}  …  {} = {}\n",
        SHADES[0],
        crate::format::format_g(lo, 4),
        SHADES[SHADES.len() - 1],
        crate::format::format_g(hi, 4)
    ));
    if let Some(l) = &ax.xlabel {
        out.push_str(&format!("{}\n", centred(l, cell_w * c_out)));
    }
    out
}
