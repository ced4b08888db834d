//! Axis scales: limits padded around the data and ticks at round numbers
//! (steps of 1, 2, 2.5 or 5 times a power of ten), or at powers of ten on
//! a logarithmic axis, with their labels.

/// One axis: its limits and ticks, in drawing coordinates (log10 of the
/// values on a logarithmic axis), and the labels of the ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    /// The lower limit.
    pub lo: f64,
    /// The upper limit.
    pub hi: f64,
    /// Tick positions, ascending, within the limits.
    pub ticks: Vec<f64>,
    /// One label per tick.
    pub labels: Vec<String>,
    /// Whether coordinates are log10 of the values.
    pub log: bool,
}

/// How many ticks an axis aims at.
const TARGET: f64 = 8.0;
/// Matplotlib's default margin: 5% of the data's span on each side.
const MARGIN: f64 = 0.05;

impl Scale {
    /// A linear scale over the finite values `lo..hi`, padded on the sides
    /// where `pad` says so (bars keep their 0 on the axis). A single value
    /// is widened; no finite value gives 0..1.
    pub fn linear(lo: f64, hi: f64, pad: (bool, bool)) -> Scale {
        let (lo, hi) = widen(lo, hi);
        let span = hi - lo;
        let lo = if pad.0 { lo - MARGIN * span } else { lo };
        let hi = if pad.1 { hi + MARGIN * span } else { hi };
        Scale::fixed(lo, hi)
    }

    /// A linear scale with exactly these limits (`xlim`, `ylim`).
    pub fn fixed(lo: f64, hi: f64) -> Scale {
        let (lo, hi) = widen(lo, hi);
        let step = nice_step(lo, hi);
        let mut ticks = Vec::new();
        if step.is_finite() && step > 0.0 {
            let first = (lo / step).ceil();
            // Bounded: the chosen step gives about TARGET ticks.
            for i in 0..64 {
                let t = (first + i as f64) * step;
                if t > hi + step * 1e-9 {
                    break;
                }
                // -0 and rounding noise (0.30000000000000004) away.
                ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
            }
        }
        if ticks.len() < 2 {
            ticks = vec![lo, hi];
        }
        let labels = ticks.iter().map(|&t| format_tick(t, step)).collect();
        Scale {
            lo,
            hi,
            ticks,
            labels,
            log: false,
        }
    }

    /// A logarithmic scale over the positive values `lo..hi`, out to whole
    /// powers of ten, ticked at powers of ten (every other one or wider
    /// when there are many).
    pub fn log(lo: f64, hi: f64) -> Scale {
        let (lo, hi) = if lo > 0.0 && hi >= lo && hi.is_finite() {
            (lo, hi)
        } else {
            (1.0, 10.0)
        };
        let mut a = lo.log10().floor();
        let mut b = hi.log10().ceil();
        if a == b {
            a -= 1.0;
            b += 1.0;
        }
        let every = ((b - a) / 8.0).ceil().max(1.0);
        let mut ticks = Vec::new();
        let mut k = a;
        while k <= b && ticks.len() < 64 {
            ticks.push(k);
            k += every;
        }
        let labels = ticks.iter().map(|&k| power_label(k)).collect();
        Scale {
            lo: a,
            hi: b,
            ticks,
            labels,
            log: true,
        }
    }

    /// A value in drawing coordinates (`None` for a value a log axis
    /// cannot show).
    pub fn to_coord(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            (v > 0.0).then(|| v.log10())
        } else {
            Some(v)
        }
    }

    /// Where `c` (a drawing coordinate) falls between the limits, 0 to 1.
    pub fn fraction(&self, c: f64) -> f64 {
        (c - self.lo) / (self.hi - self.lo)
    }
}

/// `lo..hi` with some width: a single value gets ±10% of itself (±1 at 0),
/// limits that are not finite become 0..1.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return (0.0, 1.0);
    }
    if (hi - lo).is_infinite() {
        // The span overflows: halve both ends, still ordered and finite.
        return (lo / 2.0, hi / 2.0);
    }
    if hi - lo <= f64::EPSILON * lo.abs().max(hi.abs()) || hi == lo {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

/// The step among 1, 2, 2.5 and 5 times a power of ten whose ticks over
/// `lo..hi` come nearest to TARGET in number (2.5 only when clearly
/// better: its labels need one more decimal).
fn nice_step(lo: f64, hi: f64) -> f64 {
    let raw = (hi - lo) / TARGET;
    if !(raw.is_finite() && raw > 0.0) {
        return f64::NAN;
    }
    let mag = raw.log10().floor();
    let mut best = (f64::INFINITY, f64::NAN);
    for e in [mag - 1.0, mag, mag + 1.0] {
        for (m, penalty) in [(1.0, 0.0), (2.0, 0.0), (2.5, 1.5), (5.0, 0.0)] {
            let step = m * 10f64.powf(e);
            let n = (hi / step).floor() - (lo / step).ceil() + 1.0;
            let score = (n - TARGET).abs() + penalty;
            if n >= 2.0 && score < best.0 {
                best = (score, step);
            }
        }
    }
    best.1
}

/// A tick label with as many decimals as the step needs: `0.25`, `1500`,
/// `2e-10`.
pub fn format_tick(v: f64, step: f64) -> String {
    let exp = if v == 0.0 {
        0.0
    } else {
        v.abs().log10().floor()
    };
    let step_ok = step.is_finite() && step > 0.0;
    let step_exp = if step_ok {
        step.log10().floor()
    } else {
        exp - 3.0
    };
    // A 2.5 step needs one digit more than its power of ten.
    let extra = if step_ok && (step / 10f64.powf(step_exp)).fract().abs() > 1e-6 {
        1.0
    } else {
        0.0
    };
    if !(-4.0..6.0).contains(&exp) || (step_ok && step < 1e-4) {
        if v == 0.0 {
            return "0".into();
        }
        // Significant digits down to the step's.
        let digits = (exp - step_exp + extra).clamp(0.0, 15.0) as usize;
        return tidy_exponent(&format!("{v:.digits$e}"));
    }
    let decimals = (extra - step_exp).clamp(0.0, 15.0) as usize;
    format!("{v:.decimals$}")
}

/// `2.0e-10` → `2e-10`, `1.50e3` → `1.5e3`.
fn tidy_exponent(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) => {
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
        None => s.to_string(),
    }
}

/// The label of 10^k: plain for 0.01 to 1000, `10⁻⁵` otherwise.
fn power_label(k: f64) -> String {
    if (-2.0..=3.0).contains(&k) {
        return format_tick(10f64.powf(k), 10f64.powf(k));
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if k < 0.0 {
        s.push('⁻');
    }
    for d in format!("{}", k.abs() as i64).chars() {
        s.push(SUP[d.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_range_ticks_are_round_and_labelled_in_scientific_form() {
        let s = Scale::linear(0.0, 1e-9, (false, false));
        assert_eq!(s.ticks.len(), 6);
        assert_eq!(
            s.labels,
            vec!["0", "2e-10", "4e-10", "6e-10", "8e-10", "1e-9"]
        );
    }

    #[test]
    fn awkward_range_gets_padding_and_steps_of_two() {
        let s = Scale::linear(-3.7, 12.2, (true, true));
        assert!(s.lo < -3.7 && s.hi > 12.2);
        assert!((s.lo - (-3.7 - 0.795)).abs() < 1e-12);
        assert_eq!(
            s.labels,
            vec!["-4", "-2", "0", "2", "4", "6", "8", "10", "12"]
        );
        assert!(s.ticks.iter().all(|t| *t >= s.lo && *t <= s.hi));
    }

    #[test]
    fn a_constant_series_is_widened_around_its_value() {
        let s = Scale::linear(5.0, 5.0, (true, true));
        assert!(s.lo < 5.0 && s.hi > 5.0);
        assert!(s.labels.contains(&"5.0".to_string()));
        let z = Scale::linear(0.0, 0.0, (true, true));
        assert!(z.ticks.contains(&0.0) && z.ticks.len() >= 3);
    }

    #[test]
    fn decimals_follow_the_step() {
        let s = Scale::fixed(0.0, 1.0);
        assert_eq!(s.labels, vec!["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let q = Scale::fixed(0.0, 1.5);
        assert_eq!(
            q.labels,
            vec!["0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2", "1.4"]
        );
        // 2.5 only when 2 and 5 give clearly too many or too few ticks.
        let r = Scale::fixed(0.0, 20.0);
        assert_eq!(r.labels[..3], ["0.0", "2.5", "5.0"]);
        assert_eq!(Scale::fixed(0.0, 2e6).labels[1], "250000");
        assert_eq!(Scale::fixed(0.0, 2e7).labels[1], "2.5e6");
    }

    #[test]
    fn no_finite_data_or_huge_spans_stay_finite() {
        let s = Scale::linear(f64::INFINITY, f64::NEG_INFINITY, (true, true));
        assert_eq!((s.lo, s.hi), (-0.05, 1.05));
        let h = Scale::linear(-f64::MAX, f64::MAX, (true, true));
        assert!(h.lo.is_finite() && h.hi.is_finite() && !h.ticks.is_empty());
    }

    #[test]
    fn log_ticks_sit_at_powers_of_ten() {
        let s = Scale::log(0.003, 250.0);
        assert_eq!((s.lo, s.hi), (-3.0, 3.0));
        assert_eq!(
            s.labels,
            vec!["10⁻³", "0.01", "0.1", "1", "10", "100", "1000"]
        );
        let wide = Scale::log(1e-12, 1e12);
        assert!(wide.ticks.len() <= 9);
        assert_eq!(Scale::log(-1.0, 0.0).ticks, vec![0.0, 1.0]);
    }
}
