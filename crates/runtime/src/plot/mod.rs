//! Plots: `plot`, `scatter`, `hist` and `heatmap` draw a [`Figure`] in the
//! terminal; `savefig` writes the last one as SVG or PNG.

mod png;
mod scene;
mod svg;
mod text;

use crate::error::{Result, RuntimeError};
use ndarray::Array2;

pub use text::render as render_text;

/// What was last plotted, kept by the host for `savefig`.
#[derive(Clone, Debug)]
pub enum Figure {
    /// Lines through (x, y) points; one series per column of y.
    Lines {
        /// Shared x coordinates.
        x: Vec<f64>,
        /// One y series per line.
        ys: Vec<Vec<f64>>,
    },
    /// Points, optionally coloured by a group id per point.
    Scatter {
        /// x coordinates.
        x: Vec<f64>,
        /// y coordinates.
        y: Vec<f64>,
        /// Group of each point.
        groups: Option<Vec<f64>>,
    },
    /// A histogram: bin edges (one more than counts) and counts.
    Hist {
        /// Bin edges, ascending.
        edges: Vec<f64>,
        /// Count per bin.
        counts: Vec<usize>,
    },
    /// A matrix as a grid of shades.
    Heatmap {
        /// The values.
        m: Array2<f64>,
    },
}

/// The smallest and largest finite values, widened when they are equal.
pub(crate) fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.5 };
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

/// `m` shrunk to at most `rows`×`cols` by averaging blocks of cells (the
/// finite ones; NaN where a block has none).
pub(crate) fn downsample(m: &Array2<f64>, rows: usize, cols: usize) -> Array2<f64> {
    let (r_in, c_in) = m.dim();
    let (r_out, c_out) = (r_in.min(rows), c_in.min(cols));
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

/// Short axis label: `12.5`, `0.001`, `1.2e+06`.
pub(crate) fn label(v: f64) -> String {
    crate::display::format_g(v, 4)
}

/// A histogram of `data` with `bins` equal bins over its finite range.
pub fn histogram(data: &[f64], bins: usize) -> Figure {
    let (lo, hi) = range(data.iter().copied());
    let width = (hi - lo) / bins as f64;
    let edges: Vec<f64> = (0..=bins).map(|i| lo + width * i as f64).collect();
    let mut counts = vec![0usize; bins];
    for &v in data.iter().filter(|v| v.is_finite()) {
        let k = (((v - lo) / width) as usize).min(bins - 1);
        counts[k] += 1;
    }
    Figure::Hist { edges, counts }
}

/// `fig` as an SVG document.
pub fn svg(fig: &Figure) -> String {
    svg::render(&scene::build(fig))
}

/// `fig` as a PNG image.
pub fn png(fig: &Figure) -> Result<Vec<u8>> {
    png::render(&scene::build(fig)).ok_or_else(|| RuntimeError::Io {
        path: "<png>".into(),
        reason: "the PNG encoder failed".into(),
    })
}

/// The bytes of `fig` as `path` asks for them: SVG or PNG, by the extension.
pub fn encode_for(fig: &Figure, path: &str) -> Result<Vec<u8>> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".svg") {
        Ok(svg(fig).into_bytes())
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
mod tests {
    use super::*;

    fn figure() -> Figure {
        Figure::Scatter {
            x: vec![1.0, 2.0, 3.0, 4.0],
            y: vec![1.0, 4.0, 9.0, 16.0],
            groups: Some(vec![0.0, 0.0, 1.0, 1.0]),
        }
    }

    #[test]
    fn svg_holds_every_point_and_the_axes() {
        let svg = svg::render(&scene::build(&figure()));
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        // four points and two legend markers
        assert_eq!(svg.matches("<circle").count(), 6);
        assert!(svg.contains(">16</text>") && svg.contains(">1</text>"));
    }

    #[test]
    fn png_decodes_at_the_canvas_size_with_coloured_points() {
        let bytes = png::render(&scene::build(&figure())).expect("encodes");
        let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a valid PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("one frame");
        assert_eq!((info.width, info.height), (640, 480));
        let colours: std::collections::HashSet<&[u8]> = buf.chunks(3).collect();
        assert!(
            colours.contains(&scene::PALETTE[0][..]) && colours.contains(&scene::PALETTE[1][..])
        );
    }

    #[test]
    fn histogram_counts_every_finite_value() {
        let Figure::Hist { edges, counts } = histogram(&[1.0, 2.0, 2.0, 3.0, f64::NAN, 10.0], 3)
        else {
            panic!("a histogram")
        };
        assert_eq!(counts, vec![4, 0, 1]);
        assert_eq!(edges.len(), 4);
        assert_eq!((edges[0], edges[3]), (1.0, 10.0));
    }

    #[test]
    fn save_refuses_unknown_extensions() {
        assert!(encode_for(&figure(), "plot.jpg").is_err());
        assert!(encode_for(&figure(), "plot.SVG").is_ok());
    }
}
