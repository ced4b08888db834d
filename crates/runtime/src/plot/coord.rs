//! A plotters axis coordinate that ticks and labels where our [`Scale`]
//! says (plotters' own float axis picks its own key points and labels).

use super::ticks::Scale;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use std::ops::Range;

/// An f64 axis from `from` to `to` (either way round: an image's y axis
/// runs down) with the scale's ticks and labels.
#[derive(Clone)]
pub(crate) struct Ticked {
    from: f64,
    to: f64,
    ticks: Vec<f64>,
    labels: Vec<String>,
}

impl Ticked {
    /// The axis of `s`, reversed when `flip`.
    pub(crate) fn new(s: &Scale, flip: bool) -> Self {
        let (from, to) = if flip { (s.hi, s.lo) } else { (s.lo, s.hi) };
        Ticked {
            from,
            to,
            ticks: s.ticks.clone(),
            labels: s.labels.clone(),
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.from) / (self.to - self.from);
        // Far outside points still map to pixels near the frame (they are
        // clipped there), never to saturated integers.
        let t = if t.is_finite() {
            t.clamp(-4.0, 5.0)
        } else {
            0.0
        };
        limit.0 + ((limit.1 - limit.0) as f64 * t).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.from..self.to
    }
}

impl ValueFormatter<f64> for Ticked {
    fn format(value: &f64) -> String {
        value.to_string()
    }

    fn format_ext(&self, value: &f64) -> String {
        let span = (self.to - self.from).abs();
        self.ticks
            .iter()
            .position(|t| (t - value).abs() <= 1e-9 * span)
            .and_then(|i| self.labels.get(i).cloned())
            .unwrap_or_default()
    }
}
