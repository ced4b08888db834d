//! Figures drawn with characters: braille dots for lines, markers for
//! points, block elements for bars and shades for heatmaps.

use super::{label, range, Figure};
use ndarray::Array2;

/// Plot area height in character cells.
const HEIGHT: usize = 15;
/// Characters of a line left to the y labels and frame: the plot area is
/// the rest (60 cells at 80 characters).
const MARGIN: usize = 20;
/// The plot area's width bounds, in cells.
const MIN_WIDTH: usize = 20;
const MAX_WIDTH: usize = 200;
const MARKERS: [char; 6] = ['●', '+', '×', '○', '■', '◆'];
const SHADES: [char; 4] = ['░', '▒', '▓', '█'];
const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The figure as lines of text for a `width`-character terminal, ending
/// in a new line.
pub fn render(fig: &Figure, width: usize) -> String {
    let w = width.saturating_sub(MARGIN).clamp(MIN_WIDTH, MAX_WIDTH);
    match fig {
        Figure::Lines { x, ys } => lines(x, ys, w),
        Figure::Scatter { x, y, groups } => scatter(x, y, groups.as_deref(), w),
        Figure::Hist { edges, counts } => hist(edges, counts, w),
        Figure::Heatmap { m } => heatmap(m, w),
    }
}

/// Frames a grid of cells with y labels on the left and x labels below.
fn frame(grid: &[Vec<char>], y: (f64, f64), x: (f64, f64), footer: &str) -> String {
    let (ylo, yhi) = (label(y.0), label(y.1));
    let w = ylo.chars().count().max(yhi.chars().count());
    let mut out = String::new();
    for (i, row) in grid.iter().enumerate() {
        let tag = if i == 0 {
            format!("{yhi:>w$} ┤")
        } else if i + 1 == grid.len() {
            format!("{ylo:>w$} ┤")
        } else {
            format!("{:>w$} │", "")
        };
        out.push_str(&tag);
        out.extend(row.iter());
        out.push('\n');
    }
    let cols = grid.first().map_or(0, Vec::len);
    out.push_str(&format!("{:>w$} └{}\n", "", "─".repeat(cols)));
    let (xlo, xhi) = (label(x.0), label(x.1));
    let gap = cols.saturating_sub(xlo.chars().count() + xhi.chars().count());
    out.push_str(&format!("{:>w$}  {xlo}{}{xhi}\n", "", " ".repeat(gap)));
    if !footer.is_empty() {
        out.push_str(&format!("{:>w$}  {footer}\n", ""));
    }
    out
}

fn scale(v: f64, (lo, hi): (f64, f64), n: usize) -> Option<usize> {
    if !v.is_finite() {
        return None;
    }
    let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    Some(((t * (n - 1) as f64).round() as usize).min(n - 1))
}

fn lines(x: &[f64], ys: &[Vec<f64>], width: usize) -> String {
    let xr = range(x.iter().copied());
    let yr = range(ys.iter().flatten().copied());
    // Braille: each cell holds 2×4 dots.
    let (dw, dh) = (width * 2, HEIGHT * 4);
    let mut dots = vec![vec![false; dw]; dh];
    for y in ys {
        let pts: Vec<Option<(usize, usize)>> = x
            .iter()
            .zip(y)
            .map(|(a, b)| Some((scale(*a, xr, dw)?, dh - 1 - scale(*b, yr, dh)?)))
            .collect();
        for w in pts.windows(2) {
            if let [Some(p), Some(q)] = w {
                segment(&mut dots, *p, *q);
            }
        }
        if let [Some(p)] = pts.as_slice() {
            dots[p.1][p.0] = true;
        }
    }
    let grid: Vec<Vec<char>> = (0..HEIGHT)
        .map(|r| (0..width).map(|c| braille(&dots, r, c)).collect())
        .collect();
    let footer = if ys.len() > 1 {
        format!("{} lines", ys.len())
    } else {
        String::new()
    };
    frame(&grid, yr, xr, &footer)
}

fn segment(dots: &mut [Vec<bool>], (x0, y0): (usize, usize), (x1, y1): (usize, usize)) {
    let steps = x0.abs_diff(x1).max(y0.abs_diff(y1)).max(1);
    for s in 0..=steps {
        let t = s as f64 / steps as f64;
        let x = (x0 as f64 + (x1 as f64 - x0 as f64) * t).round() as usize;
        let y = (y0 as f64 + (y1 as f64 - y0 as f64) * t).round() as usize;
        dots[y][x] = true;
    }
}

fn braille(dots: &[Vec<bool>], row: usize, col: usize) -> char {
    // Dot numbering of the Unicode braille block, (dx, dy) → bit.
    const BITS: [(usize, usize, u32); 8] = [
        (0, 0, 0x01),
        (0, 1, 0x02),
        (0, 2, 0x04),
        (1, 0, 0x08),
        (1, 1, 0x10),
        (1, 2, 0x20),
        (0, 3, 0x40),
        (1, 3, 0x80),
    ];
    let mut code = 0u32;
    for (dx, dy, bit) in BITS {
        if dots[row * 4 + dy][col * 2 + dx] {
            code |= bit;
        }
    }
    if code == 0 {
        ' '
    } else {
        char::from_u32(0x2800 + code).unwrap_or(' ')
    }
}

/// Distinct group ids in order of first appearance.
pub(crate) fn group_ids(groups: &[f64]) -> Vec<f64> {
    let mut ids: Vec<f64> = Vec::new();
    for g in groups {
        if !ids.iter().any(|i| i == g || (i.is_nan() && g.is_nan())) {
            ids.push(*g);
        }
    }
    ids
}

fn scatter(x: &[f64], y: &[f64], groups: Option<&[f64]>, width: usize) -> String {
    let xr = range(x.iter().copied());
    let yr = range(y.iter().copied());
    let mut grid = vec![vec![' '; width]; HEIGHT];
    let ids = groups.map(group_ids).unwrap_or_default();
    for (i, (a, b)) in x.iter().zip(y).enumerate() {
        let (Some(c), Some(r)) = (scale(*a, xr, width), scale(*b, yr, HEIGHT)) else {
            continue;
        };
        let k = groups
            .and_then(|g| ids.iter().position(|id| *id == g[i]))
            .unwrap_or(0);
        grid[HEIGHT - 1 - r][c] = MARKERS[k % MARKERS.len()];
    }
    let footer = if ids.len() > 1 {
        ids.iter()
            .enumerate()
            .map(|(k, id)| format!("{} {}", MARKERS[k % MARKERS.len()], label(*id)))
            .collect::<Vec<_>>()
            .join("  ")
    } else {
        String::new()
    };
    frame(&grid, yr, xr, &footer)
}

fn hist(edges: &[f64], counts: &[usize], width: usize) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let n = counts.len().max(1);
    let cell = (width / n).max(1);
    let mut grid = vec![vec![' '; cell * n]; HEIGHT];
    for (b, &c) in counts.iter().enumerate() {
        let eighths = (c as f64 / max as f64 * (HEIGHT * 8) as f64).round() as usize;
        for r in 0..HEIGHT {
            let filled = eighths.saturating_sub(r * 8).min(8);
            let ch = BARS[filled];
            for k in 0..cell.saturating_sub(usize::from(cell > 1)) {
                grid[HEIGHT - 1 - r][b * cell + k] = ch;
            }
        }
    }
    let xr = (
        edges.first().copied().unwrap_or(0.0),
        edges.last().copied().unwrap_or(1.0),
    );
    frame(
        &grid,
        (0.0, max as f64),
        xr,
        &format!("{} bins", counts.len()),
    )
}

fn heatmap(m: &Array2<f64>, width: usize) -> String {
    let (rows, cols) = m.dim();
    if rows == 0 || cols == 0 {
        return "(empty matrix)\n".into();
    }
    let small = super::downsample(m, HEIGHT * 2, width / 2);
    let (r_out, c_out) = small.dim();
    // Small matrices get bigger cells, so that a 4×4 is still readable.
    let cell_w = (width / c_out).clamp(2, 8);
    let cell_h = (HEIGHT / r_out).clamp(1, 3);
    let (lo, hi) = range(m.iter().copied());
    let mut out = String::new();
    for row in small.rows() {
        let mut line = String::new();
        for &mean in row {
            let ch = if mean.is_nan() {
                '?'
            } else {
                let t = ((mean - lo) / (hi - lo)).clamp(0.0, 1.0);
                SHADES[((t * (SHADES.len() - 1) as f64).round() as usize).min(SHADES.len() - 1)]
            };
            line.extend(std::iter::repeat_n(ch, cell_w));
        }
        line.push('\n');
        for _ in 0..cell_h {
            out.push_str(&line);
        }
    }
    out.push_str(&format!(
        "{rows}×{cols}: {} = {}  …  {} = {}\n",
        SHADES[0],
        label(lo),
        SHADES[SHADES.len() - 1],
        label(hi)
    ));
    out
}
