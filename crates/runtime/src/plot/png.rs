//! The scene rasterised and encoded as PNG, with a small bitmap font for
//! the numbers on the axes.

use super::scene::{Anchor, Scene, Shape, INK};

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.w && (y as usize) < self.h {
            let i = (y as usize * self.w + x as usize) * 3;
            self.px[i..i + 3].copy_from_slice(&c);
        }
    }

    fn disc(&mut self, cx: f64, cy: f64, r: f64, c: [u8; 3]) {
        let (x0, x1) = ((cx - r).floor() as i64, (cx + r).ceil() as i64);
        let (y0, y1) = ((cy - r).floor() as i64, (cy + r).ceil() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                if dx * dx + dy * dy <= r * r {
                    self.set(x, y, c);
                }
            }
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: [u8; 3]) {
        for yy in y.round() as i64..(y + h).round() as i64 {
            for xx in x.round() as i64..(x + w).round() as i64 {
                self.set(xx, yy, c);
            }
        }
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), width: f64, c: [u8; 3]) {
        let steps = ((x2 - x1).abs().max((y2 - y1).abs()).ceil() as usize).max(1);
        for s in 0..=steps {
            let t = s as f64 / steps as f64;
            let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
            if width <= 1.0 {
                self.set(x.round() as i64, y.round() as i64, c);
            } else {
                self.disc(x, y, width / 2.0, c);
            }
        }
    }

    fn text(&mut self, x: f64, y: f64, s: &str, anchor: Anchor) {
        let width = s.chars().count() as f64 * 6.0;
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        };
        for (k, ch) in s.chars().enumerate() {
            let Some(rows) = glyph(ch) else { continue };
            for (r, bits) in rows.iter().enumerate() {
                for col in 0..5 {
                    if bits & (0b10000 >> col) != 0 {
                        self.set(
                            (left + k as f64 * 6.0) as i64 + col,
                            (y - 8.0) as i64 + r as i64,
                            INK,
                        );
                    }
                }
            }
        }
    }
}

/// 5×7 glyphs for what axis labels use.
fn glyph(c: char) -> Option<[u8; 7]> {
    Some(match c {
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        '+' => [0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        'e' => [0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E],
        _ => return None,
    })
}

/// The scene as PNG bytes; `None` only if the encoder fails.
pub(crate) fn render(scene: &Scene) -> Option<Vec<u8>> {
    let (w, h) = (scene.width as usize, scene.height as usize);
    let mut canvas = Canvas {
        w,
        h,
        px: vec![255; w * h * 3],
    };
    for s in &scene.shapes {
        match s {
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
            } => canvas.line((*x1, *y1), (*x2, *y2), *width, *color),
            Shape::Circle { cx, cy, r, color } => canvas.disc(*cx, *cy, *r, *color),
            Shape::Rect { x, y, w, h, color } => canvas.rect(*x, *y, *w, *h, *color),
            Shape::Text { x, y, text, anchor } => canvas.text(*x, *y, text, *anchor),
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = ::png::Encoder::new(&mut out, scene.width, scene.height);
        enc.set_color(::png::ColorType::Rgb);
        enc.set_depth(::png::BitDepth::Eight);
        let mut writer = enc.write_header().ok()?;
        writer.write_image_data(&canvas.px).ok()?;
        writer.finish().ok()?;
    }
    Some(out)
}
