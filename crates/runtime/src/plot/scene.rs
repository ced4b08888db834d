//! A figure laid out as shapes in pixel coordinates, for the SVG and PNG
//! writers to draw the same picture.

use super::text::group_ids;
use super::{label, range, Figure};
use ndarray::Array2;

/// An RGB colour.
pub(crate) type Rgb = [u8; 3];

/// Matplotlib's "tab10" colours, for lines and groups.
pub(crate) const PALETTE: [Rgb; 10] = [
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
pub(crate) const INK: Rgb = [40, 40, 40];

/// Where a text's x coordinate sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Debug)]
pub(crate) enum Shape {
    Line {
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        color: Rgb,
        width: f64,
    },
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
        color: Rgb,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        color: Rgb,
    },
    Text {
        x: f64,
        y: f64,
        text: String,
        anchor: Anchor,
    },
}

pub(crate) struct Scene {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
}

const W: f64 = 640.0;
const H: f64 = 480.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

struct Axes {
    x: (f64, f64),
    y: (f64, f64),
}

impl Axes {
    fn px(&self, v: f64) -> f64 {
        LEFT + (v - self.x.0) / (self.x.1 - self.x.0) * (W - LEFT - RIGHT)
    }

    fn py(&self, v: f64) -> f64 {
        H - BOTTOM - (v - self.y.0) / (self.y.1 - self.y.0) * (H - TOP - BOTTOM)
    }

    fn frame(&self, shapes: &mut Vec<Shape>) {
        let (x0, x1, y0, y1) = (LEFT, W - RIGHT, TOP, H - BOTTOM);
        for (a, b, c, d) in [(x0, y1, x1, y1), (x0, y0, x0, y1)] {
            shapes.push(Shape::Line {
                x1: a,
                y1: b,
                x2: c,
                y2: d,
                color: INK,
                width: 1.0,
            });
        }
        for i in 0..=4 {
            let t = i as f64 / 4.0;
            let xv = self.x.0 + (self.x.1 - self.x.0) * t;
            let yv = self.y.0 + (self.y.1 - self.y.0) * t;
            let (px, py) = (self.px(xv), self.py(yv));
            shapes.push(Shape::Line {
                x1: px,
                y1,
                x2: px,
                y2: y1 + 5.0,
                color: INK,
                width: 1.0,
            });
            shapes.push(Shape::Text {
                x: px,
                y: y1 + 20.0,
                text: label(xv),
                anchor: Anchor::Middle,
            });
            shapes.push(Shape::Line {
                x1: x0 - 5.0,
                y1: py,
                x2: x0,
                y2: py,
                color: INK,
                width: 1.0,
            });
            shapes.push(Shape::Text {
                x: x0 - 8.0,
                y: py + 4.0,
                text: label(yv),
                anchor: Anchor::End,
            });
        }
    }
}

/// Lays out a figure on a 640×480 canvas.
pub(crate) fn build(fig: &Figure) -> Scene {
    let mut shapes = Vec::new();
    match fig {
        Figure::Lines { x, ys } => {
            let axes = Axes {
                x: range(x.iter().copied()),
                y: range(ys.iter().flatten().copied()),
            };
            axes.frame(&mut shapes);
            for (k, y) in ys.iter().enumerate() {
                let color = PALETTE[k % PALETTE.len()];
                let pts: Vec<(f64, f64)> = x
                    .iter()
                    .zip(y)
                    .filter(|(a, b)| a.is_finite() && b.is_finite())
                    .map(|(a, b)| (axes.px(*a), axes.py(*b)))
                    .collect();
                for w in pts.windows(2) {
                    shapes.push(Shape::Line {
                        x1: w[0].0,
                        y1: w[0].1,
                        x2: w[1].0,
                        y2: w[1].1,
                        color,
                        width: 2.0,
                    });
                }
                if let [(cx, cy)] = pts.as_slice() {
                    shapes.push(Shape::Circle {
                        cx: *cx,
                        cy: *cy,
                        r: 3.0,
                        color,
                    });
                }
            }
        }
        Figure::Scatter { x, y, groups } => {
            let axes = Axes {
                x: range(x.iter().copied()),
                y: range(y.iter().copied()),
            };
            axes.frame(&mut shapes);
            let ids = groups.as_deref().map(group_ids).unwrap_or_default();
            for (i, (a, b)) in x.iter().zip(y).enumerate() {
                if !(a.is_finite() && b.is_finite()) {
                    continue;
                }
                let k = groups
                    .as_ref()
                    .and_then(|g| ids.iter().position(|id| *id == g[i]))
                    .unwrap_or(0);
                shapes.push(Shape::Circle {
                    cx: axes.px(*a),
                    cy: axes.py(*b),
                    r: 3.5,
                    color: PALETTE[k % PALETTE.len()],
                });
            }
            if ids.len() > 1 {
                for (k, id) in ids.iter().enumerate() {
                    let y = TOP + 12.0 + 18.0 * k as f64;
                    shapes.push(Shape::Circle {
                        cx: W - RIGHT - 60.0,
                        cy: y - 4.0,
                        r: 4.0,
                        color: PALETTE[k % PALETTE.len()],
                    });
                    shapes.push(Shape::Text {
                        x: W - RIGHT - 50.0,
                        y,
                        text: label(*id),
                        anchor: Anchor::Start,
                    });
                }
            }
        }
        Figure::Hist { edges, counts } => {
            let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
            let axes = Axes {
                x: (
                    edges.first().copied().unwrap_or(0.0),
                    edges.last().copied().unwrap_or(1.0),
                ),
                y: (0.0, max),
            };
            axes.frame(&mut shapes);
            for (b, &c) in counts.iter().enumerate() {
                let (xa, xb) = (axes.px(edges[b]), axes.px(edges[b + 1]));
                let top = axes.py(c as f64);
                shapes.push(Shape::Rect {
                    x: xa + 0.5,
                    y: top,
                    w: (xb - xa - 1.0).max(0.5),
                    h: axes.py(0.0) - top,
                    color: PALETTE[0],
                });
            }
        }
        Figure::Heatmap { m } => heatmap(m, &mut shapes),
    }
    Scene {
        width: W as u32,
        height: H as u32,
        shapes,
    }
}

/// A colour on a viridis-like scale, t in [0, 1].
pub(crate) fn shade(t: f64) -> Rgb {
    const STOPS: [Rgb; 5] = [
        [68, 1, 84],
        [59, 82, 139],
        [33, 145, 140],
        [94, 201, 98],
        [253, 231, 37],
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    [
        mix(STOPS[i][0], STOPS[i + 1][0]),
        mix(STOPS[i][1], STOPS[i + 1][1]),
        mix(STOPS[i][2], STOPS[i + 1][2]),
    ]
}

fn heatmap(m: &Array2<f64>, shapes: &mut Vec<Shape>) {
    let (rows, cols) = m.dim();
    if rows == 0 || cols == 0 {
        return;
    }
    let (lo, hi) = range(m.iter().copied());
    let small = super::downsample(m, 200, 200);
    let (r_out, c_out) = small.dim();
    let (cw, ch) = (
        (W - LEFT - RIGHT) / c_out as f64,
        (H - TOP - BOTTOM) / r_out as f64,
    );
    for ((r, c), &mean) in small.indexed_iter() {
        let color = if mean.is_nan() {
            [255, 255, 255]
        } else {
            shade((mean - lo) / (hi - lo))
        };
        shapes.push(Shape::Rect {
            x: LEFT + c as f64 * cw,
            y: TOP + r as f64 * ch,
            w: cw,
            h: ch,
            color,
        });
    }
    shapes.push(Shape::Text {
        x: LEFT,
        y: H - BOTTOM + 20.0,
        text: label(lo),
        anchor: Anchor::Start,
    });
    shapes.push(Shape::Text {
        x: W - RIGHT,
        y: H - BOTTOM + 20.0,
        text: label(hi),
        anchor: Anchor::End,
    });
    for i in 0..=20 {
        let t = i as f64 / 20.0;
        shapes.push(Shape::Rect {
            x: LEFT + 60.0 + t * (W - LEFT - RIGHT - 120.0),
            y: H - BOTTOM + 10.0,
            w: (W - LEFT - RIGHT - 120.0) / 20.0 + 0.5,
            h: 12.0,
            color: shade(t),
        });
    }
}
