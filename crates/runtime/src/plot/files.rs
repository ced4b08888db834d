//! A figure as SVG or PNG bytes through plotters, with the shipped DejaVu
//! Sans registered for its text (no system fonts are looked up).

use super::draw;
use super::figure::Figure;
use crate::error::{Result, RuntimeError};
use plotters::prelude::*;
use std::sync::Once;

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts`), matplotlib's
/// default face.
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType file shipped with the crate; a
        // failure would show as missing text, which the tests look for.
        let _ = plotters::style::register_font(draw::FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// The picture's size in pixels: 640×480 for one plot, more for a grid
/// of subplots.
pub fn size(fig: &Figure) -> (u32, u32) {
    let (r, c) = (fig.rows.max(1) as u32, fig.cols.max(1) as u32);
    ((420 * c).clamp(640, 2400), (340 * r).clamp(480, 2400))
}

fn failed(format: &str, reason: String) -> RuntimeError {
    RuntimeError::Io {
        path: format!("<{format}>"),
        reason: format!("drawing the figure failed: {reason}"),
    }
}

/// `fig` as an SVG document.
pub fn svg(fig: &Figure) -> Result<String> {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size(fig)).into_drawing_area();
        draw::figure(&root, fig).map_err(|e| failed("svg", e))?;
    }
    Ok(out)
}

/// `fig` as a PNG image (RGB, 8 bits).
pub fn png(fig: &Figure) -> Result<Vec<u8>> {
    register_font();
    let (w, h) = size(fig);
    let mut pixels = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw::figure(&root, fig).map_err(|e| failed("png", e))?;
    }
    let mut out = Vec::new();
    let mut enc = ::png::Encoder::new(&mut out, w, h);
    enc.set_color(::png::ColorType::Rgb);
    enc.set_depth(::png::BitDepth::Eight);
    let encoded = enc.write_header().and_then(|mut writer| {
        writer.write_image_data(&pixels)?;
        writer.finish()
    });
    encoded.map_err(|e| failed("png", e.to_string()))?;
    Ok(out)
}
