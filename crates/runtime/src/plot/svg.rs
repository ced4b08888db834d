//! The scene as an SVG document.

use super::scene::{Anchor, Scene, Shape};
use std::fmt::Write;

fn rgb(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(crate) fn render(scene: &Scene) -> String {
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = scene.width,
        h = scene.height
    );
    for s in &scene.shapes {
        let _ = match s {
            Shape::Line { x1, y1, x2, y2, color, width } => writeln!(
                out,
                "<line x1=\"{x1:.2}\" y1=\"{y1:.2}\" x2=\"{x2:.2}\" y2=\"{y2:.2}\" stroke=\"{}\" stroke-width=\"{width}\" stroke-linecap=\"round\"/>",
                rgb(*color)
            ),
            Shape::Circle { cx, cy, r, color } => {
                writeln!(out, "<circle cx=\"{cx:.2}\" cy=\"{cy:.2}\" r=\"{r}\" fill=\"{}\"/>", rgb(*color))
            }
            Shape::Rect { x, y, w, h, color } => writeln!(
                out,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"{}\"/>",
                rgb(*color)
            ),
            Shape::Text { x, y, text, anchor } => {
                let a = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                writeln!(out, "<text x=\"{x:.2}\" y=\"{y:.2}\" text-anchor=\"{a}\" fill=\"#282828\">{}</text>", escape(text))
            }
        };
    }
    out.push_str("</svg>\n");
    out
}
