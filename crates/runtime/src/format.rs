//! Numbers as text, the way MLA prints them, and the width output is laid
//! out for. A leaf: errors, the linear algebra and the plots format numbers
//! without depending on how values display ([`crate::display`]).

/// The width output is laid out for when no terminal says otherwise
/// (scripts, pipes, tests), so that it never depends on where it runs.
pub const DEFAULT_WIDTH: usize = 80;

/// A number as MLA prints it alone: `3`, `0.3333333333`, `1.5e-12`, `NaN`.
pub fn format_scalar(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    format_g(x, 10)
}

/// C's `%.{prec}g` with trailing zeros removed.
pub fn format_g(x: f64, prec: usize) -> String {
    let prec = prec.max(1);
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    // Rounding can carry into the next decade (9.9999 → 10.000); recheck.
    let sci = format!("{:.*e}", prec - 1, x);
    let exp = sci
        .rsplit('e')
        .next()
        .and_then(|e| e.parse::<i32>().ok())
        .unwrap_or(exp);
    if exp < -5 || exp >= prec as i32 {
        let (mant, e) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mant = trim_zeros(mant);
        let e: i32 = e.parse().unwrap_or(0);
        format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, x)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}
