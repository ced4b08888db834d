//! Plots: builtins build a [`Figure`] (series, labels, subplots); it is
//! drawn in the terminal with characters ([`render_text`]) and as SVG or
//! PNG through plotters ([`svg`], [`png`]).

mod coord;
mod draw;
mod figure;
mod files;
mod layout;
mod mark;
mod style;
mod text;
mod ticks;

use crate::error::{Result, RuntimeError};
use ndarray::Array2;

pub use figure::{Axes, Data, Figure, LineStyle, Marker, Plots, Rgb, Series, Style, PALETTE};
pub use files::{png, size, svg};
pub use style::{color_named, parse as parse_style};
pub use text::render as render_text;
pub use ticks::Scale;

/// `m` shrunk to at most `rows`×`cols` by averaging blocks of cells (the
/// finite ones; NaN where a block has none).
pub(crate) fn downsample(m: &Array2<f64>, rows: usize, cols: usize) -> Array2<f64> {
    let (r_in, c_in) = m.dim();
    let (r_out, c_out) = (r_in.min(rows.max(1)), c_in.min(cols.max(1)));
    if r_out == 0 || c_out == 0 {
        return Array2::zeros((r_out, c_out));
    }
    Array2::from_shape_fn((r_out, c_out), |(r, c)| {
        let (r0, r1) = (
            r * r_in / r_out,
            ((r + 1) * r_in / r_out).max(r * r_in / r_out + 1),
        );
        let (c0, c1) = (
            c * c_in / c_out,
            ((c + 1) * c_in / c_out).max(c * c_in / c_out + 1),
        );
        let block = m.slice(ndarray::s![r0..r1, c0..c1]);
        let finite: Vec<f64> = block.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            f64::NAN
        } else {
            finite.iter().sum::<f64>() / finite.len() as f64
        }
    })
}

/// A histogram of the finite values of `data` in `bins` equal bins: the
/// bin edges (one more than the bins) and the counts.
pub fn histogram(data: &[f64], bins: usize) -> (Vec<f64>, Vec<usize>) {
    let bins = bins.max(1);
    let (lo, hi) = data
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let (lo, hi) = if !lo.is_finite() {
        (0.0, 1.0)
    } else if lo == hi || !(hi - lo).is_finite() {
        (lo - 0.5, lo + 0.5)
    } else {
        (lo, hi)
    };
    let width = (hi - lo) / bins as f64;
    let edges: Vec<f64> = (0..=bins).map(|i| lo + width * i as f64).collect();
    let mut counts = vec![0usize; bins];
    for &v in data.iter().filter(|v| v.is_finite()) {
        let k = (((v - lo) / width) as usize).min(bins - 1);
        counts[k] += 1;
    }
    (edges, counts)
}

/// The figures waiting to be shown, drawn as text (and counted as shown).
pub fn show_pending(plots: &mut Plots, width: usize, color: bool) -> String {
    plots
        .take_to_show()
        .iter()
        .map(|f| render_text(f, width, color))
        .collect()
}

/// The bytes of `fig` as `path` asks for them: SVG or PNG, by the extension.
pub fn encode_for(fig: &Figure, path: &str) -> Result<Vec<u8>> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".svg") {
        Ok(svg(fig)?.into_bytes())
    } else if lower.ends_with(".png") {
        png(fig)
    } else {
        Err(RuntimeError::Io {
            path: path.into(),
            reason: "savefig writes .svg or .png files, and this name ends in neither".into(),
        }
        .at_arg(0))
    }
}

#[cfg(test)]
mod tests;
