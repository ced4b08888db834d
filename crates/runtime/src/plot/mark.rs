//! The marks plotters draws for us at one point: a data marker, or a
//! legend sample (a short line, its marker, or a block), as one element
//! type so series of any marker go through the same calls.

use super::figure::Marker;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind};

/// A mark at `at`: a marker, and for legends a line through it or a block.
pub(crate) struct Mark<C> {
    /// Where, in the chart's coordinates (pixels for legends).
    pub at: C,
    /// The marker drawn, if any.
    pub marker: Option<Marker>,
    /// A 20-pixel line through the point (a legend's line sample).
    pub line: Option<ShapeStyle>,
    /// A block instead (a legend's bar sample).
    pub block: bool,
    /// Marker radius in pixels.
    pub size: i32,
    /// The colour.
    pub color: RGBAColor,
}

impl<'b, C> PointCollection<'b, C> for &'b Mark<C> {
    type Point = &'b C;
    type IntoIter = std::iter::Once<&'b C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Mark<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        let s = self.size.max(1);
        if self.block {
            return backend.draw_rect((x - 9, y - 6), (x + 9, y + 6), &self.color, true);
        }
        if let Some(style) = &self.line {
            backend.draw_line((x - 10, y), (x + 10, y), style)?;
        }
        let stroke = self.color.stroke_width(2);
        let fill = &self.color;
        match self.marker {
            None => Ok(()),
            Some(Marker::Circle) => backend.draw_circle((x, y), s as u32, fill, true),
            Some(Marker::Point) => backend.draw_circle((x, y), (s / 2).max(1) as u32, fill, true),
            Some(Marker::Square) => backend.draw_rect((x - s, y - s), (x + s, y + s), fill, true),
            Some(Marker::Diamond) => {
                let d = s + 1;
                backend.fill_polygon([(x, y - d), (x + d, y), (x, y + d), (x - d, y)], fill)
            }
            Some(Marker::TriangleUp) => backend.fill_polygon(
                [(x, y - s - 1), (x + s + 1, y + s), (x - s - 1, y + s)],
                fill,
            ),
            Some(Marker::TriangleDown) => backend.fill_polygon(
                [(x, y + s + 1), (x + s + 1, y - s), (x - s - 1, y - s)],
                fill,
            ),
            Some(Marker::Plus) => {
                backend.draw_line((x - s, y), (x + s, y), &stroke)?;
                backend.draw_line((x, y - s), (x, y + s), &stroke)
            }
            Some(Marker::Cross) => {
                backend.draw_line((x - s, y - s), (x + s, y + s), &stroke)?;
                backend.draw_line((x - s, y + s), (x + s, y - s), &stroke)
            }
            Some(Marker::Star) => {
                backend.draw_line((x - s, y), (x + s, y), &stroke)?;
                backend.draw_line((x, y - s), (x, y + s), &stroke)?;
                let d = (s * 7) / 10;
                backend.draw_line((x - d, y - d), (x + d, y + d), &stroke)?;
                backend.draw_line((x - d, y + d), (x + d, y - d), &stroke)
            }
        }
    }
}
