//! `printf`/`sprintf` with C formats, cycling through the arguments'
//! elements (matrices column-major) as MATLAB's fprintf does.

use crate::display::format_scalar;
use crate::error::{Result, RuntimeError};
use crate::value::Value;

#[derive(Debug)]
enum Piece {
    Text(String),
    Spec(Spec),
}

#[derive(Debug, Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    prec: Option<usize>,
    conv: char,
}

enum Arg {
    Num(f64),
    Str(String),
}

fn parse(fmt: &str) -> Result<Vec<Piece>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            text.push('%');
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => spec.alt = true,
                _ => break,
            }
            chars.next();
        }
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            spec.width = spec
                .width
                .saturating_mul(10)
                .saturating_add(d as usize)
                .min(1000);
            chars.next();
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = 0usize;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                p = p.saturating_mul(10).saturating_add(d as usize).min(1000);
                chars.next();
            }
            spec.prec = Some(p);
        }
        // C length modifiers carry no meaning here.
        while matches!(chars.peek(), Some('l' | 'h')) {
            chars.next();
        }
        match chars.next() {
            Some(
                conv @ ('d' | 'i' | 'u' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X' | 'o' | 'c'
                | 's'),
            ) => {
                spec.conv = conv;
            }
            Some(other) => {
                return Err(RuntimeError::Domain(format!(
                    "printf: `%{other}` is not a format (use %d %f %e %g %s %x %c or %%)"
                )))
            }
            None => {
                return Err(RuntimeError::Domain(
                    "printf: the format ends with a lone `%` (write %% for a percent sign)".into(),
                ))
            }
        }
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Spec(spec));
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn flatten(args: &[Value]) -> Result<Vec<Arg>> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::Str(s) => out.push(Arg::Str(s.to_string())),
            Value::Num(_) | Value::Bool(_) | Value::Matrix(_) | Value::Logical(_) => {
                out.extend(a.elements()?.into_iter().map(Arg::Num));
            }
            other => {
                return Err(
                    RuntimeError::ty("numbers, matrices or strings", other.describe())
                        .at_arg(i + 1),
                )
            }
        }
    }
    Ok(out)
}

/// Formats like C's sprintf, repeating the format while arguments remain.
pub fn sprintf(fmt: &str, args: &[Value]) -> Result<String> {
    let pieces = parse(fmt)?;
    let args = flatten(args)?;
    let n_specs = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Spec(_)))
        .count();
    // A width or precision is as many characters: one too large for the
    // memory budget is an error before anything is formatted.
    for piece in &pieces {
        if let Piece::Spec(spec) = piece {
            crate::memory::reserve(spec.width.max(spec.prec.unwrap_or(0)))?;
        }
    }
    let mut out = String::new();
    let mut next = 0usize;
    loop {
        for piece in &pieces {
            match piece {
                Piece::Text(t) => grow(&mut out, t)?,
                Piece::Spec(spec) => {
                    if next >= args.len() {
                        if args.is_empty() {
                            continue;
                        }
                        return Ok(out);
                    }
                    grow(&mut out, &format_one(spec, &args[next]))?;
                    next += 1;
                }
            }
        }
        if n_specs == 0 || next >= args.len() {
            return Ok(out);
        }
    }
}

/// Appends `piece`, doubling the output's room within the memory budget
/// (an error rather than an abort when it runs out).
fn grow(out: &mut String, piece: &str) -> Result<()> {
    if out.capacity() - out.len() < piece.len() {
        let want = out
            .len()
            .saturating_add(piece.len())
            .max(2 * out.capacity());
        crate::memory::reserve(want)?;
        out.try_reserve(want - out.len())
            .map_err(|_| RuntimeError::OutOfMemory {
                bytes: want as f64,
                held: crate::memory::held() as f64,
                budget: crate::memory::budget() as f64,
            })?;
    }
    out.push_str(piece);
    Ok(())
}

fn pad(spec: &Spec, body: String, numeric: bool) -> String {
    let len = body.chars().count();
    if len >= spec.width {
        return body;
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        // Zeros go after a sign or a `0x` prefix, as in C.
        let (sign, digits) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), body[1..].to_string()),
            _ if body.starts_with("0x") || body.starts_with("0X") => {
                (body[..2].to_string(), body[2..].to_string())
            }
            _ => (String::new(), body),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn sign(spec: &Spec, x: f64, body: String) -> String {
    if x.is_sign_negative() && !body.starts_with('-') && x != 0.0 {
        format!("-{body}")
    } else if body.starts_with('-') {
        body
    } else if spec.plus {
        format!("+{body}")
    } else if spec.space {
        format!(" {body}")
    } else {
        body
    }
}

/// `%e` in C's form: mantissa, `e`, sign, at least two exponent digits.
pub fn format_e(x: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, x);
    let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let out = format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

/// `%g` in C's form.
pub fn format_g_c(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    if x == 0.0 {
        return if alt {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
    }
    let e_form = format_e(x, p - 1, false);
    let exp: i32 = e_form
        .rsplit('e')
        .next()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let body = if exp < -4 || exp >= p as i32 {
        if alt {
            e_form
        } else {
            let (m, e) = e_form.split_once('e').unwrap_or((&e_form, ""));
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
    } else {
        let f = format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, x);
        if alt || !f.contains('.') {
            f
        } else {
            f.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    };
    if upper {
        body.to_uppercase()
    } else {
        body
    }
}

fn format_one(spec: &Spec, arg: &Arg) -> String {
    let x = match arg {
        Arg::Str(s) => {
            let body = match (spec.conv, spec.prec) {
                ('s', Some(p)) => s.chars().take(p).collect(),
                _ => s.clone(),
            };
            return pad(spec, body, false);
        }
        Arg::Num(x) => *x,
    };
    if !x.is_finite() {
        let body = if x.is_nan() {
            "NaN".to_string()
        } else if x > 0.0 {
            "Inf".to_string()
        } else {
            "-Inf".to_string()
        };
        // A NaN's sign bit means nothing (sqrt(-Inf) sets it): MATLAB and
        // NumPy print NaN either way.
        let x = if x.is_nan() { x.abs() } else { x };
        return pad(spec, sign(spec, x, body), false);
    }
    // MATLAB prints in %e form what an integer conversion cannot show: a
    // non-integer, a whole number beyond 64 bits (1e300 came out as
    // 18446744073709551615), a %c code that is no character (-1, a
    // surrogate such as 55296).
    let conv = match spec.conv {
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'c' if x.fract() != 0.0 || x.abs() >= 9.2e18 => 'e',
        'c' if x < 0.0 || char::from_u32(x as u32).is_none() => 'e',
        c => c,
    };
    let body = match conv {
        'd' | 'i' | 'u' => sign(spec, x, format!("{}", x.abs() as u64)),
        // `#` adds C's prefixes: 0x / 0X for a non-zero hex, a leading 0 octal.
        'x' if spec.alt && x != 0.0 => format!("{:#x}", x as i64),
        'X' if spec.alt && x != 0.0 => format!("0X{:X}", x as i64),
        'o' if spec.alt && x != 0.0 => format!("0{:o}", x as i64),
        'x' => format!("{:x}", x as i64),
        'X' => format!("{:X}", x as i64),
        'o' => format!("{:o}", x as i64),
        'c' => char::from_u32(x as u32).map_or_else(String::new, |c| c.to_string()),
        'f' | 'F' => {
            let mut body = format!("{:.*}", spec.prec.unwrap_or(6), x.abs());
            // `#` keeps the decimal point even with no digits after it.
            if spec.alt && !body.contains('.') {
                body.push('.');
            }
            sign(spec, x, body)
        }
        'e' | 'E' => sign(
            spec,
            x,
            format_e(x.abs(), spec.prec.unwrap_or(6), conv == 'E'),
        ),
        'g' | 'G' => sign(
            spec,
            x,
            format_g_c(x.abs(), spec.prec.unwrap_or(6), spec.alt, conv == 'G'),
        ),
        _ => format_scalar(x),
    };
    pad(spec, body, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn s(fmt: &str, args: &[Value]) -> String {
        sprintf(fmt, args).unwrap()
    }

    #[test]
    fn values_an_integer_conversion_cannot_show_print_as_e() {
        // MATLAB: sprintf('%d', 1e300) is 1.000000e+300; C would print junk.
        assert_eq!(
            s(
                "%d|%x|%i|%c|%c|%d|%c",
                &[
                    Value::Num(1e300),
                    Value::Num(1e300),
                    Value::Num(-1e300),
                    Value::Num(-1.0),
                    Value::Num(55296.0),
                    Value::Num(9007199254740992.0),
                    Value::Num(65.0),
                ]
            ),
            "1.000000e+300|1.000000e+300|-1.000000e+300|-1.000000e+00|5.529600e+04|9007199254740992|A"
        );
        assert_eq!(
            s("%g %f", &[Value::Num(-f64::NAN), Value::Num(f64::NAN)]),
            "NaN NaN"
        );
    }

    #[test]
    fn c_formats() {
        // Each expectation is what C's printf prints.
        assert_eq!(
            s(
                "%d|%5d|%-5d|%05d",
                &[
                    Value::Num(42.0),
                    Value::Num(-7.0),
                    Value::Num(3.0),
                    Value::Num(-42.0)
                ]
            ),
            "42|   -7|3    |-0042"
        );
        assert_eq!(
            s(
                "%.3f %8.2f %+.1f",
                &[Value::Num(1.23456), Value::Num(2.5), Value::Num(1.0)]
            ),
            "1.235     2.50 +1.0"
        );
        assert_eq!(
            s("%e %.2E", &[Value::Num(12345.678), Value::Num(-0.000123)]),
            "1.234568e+04 -1.23E-04"
        );
        assert_eq!(
            s(
                "%g %g %g %g",
                &[
                    Value::Num(0.0001),
                    Value::Num(123456.0),
                    Value::Num(1234567.0),
                    Value::Num(0.5)
                ]
            ),
            "0.0001 123456 1.23457e+06 0.5"
        );
        assert_eq!(s("%s=%x", &[Value::str("n"), Value::Num(255.0)]), "n=ff");
        assert_eq!(s("100%%", &[]), "100%");
    }

    #[test]
    fn cycles_through_matrix_elements() {
        let m = Value::matrix(array![[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(s("%d,%d\n", &[m]), "1,3\n2,4\n");
        assert_eq!(s("%d %d\n", &[Value::row(vec![1.0, 2.0, 3.0])]), "1 2\n3 ");
        assert_eq!(s("x=%d\n", &[]), "x=\n");
    }

    #[test]
    fn non_integer_d_uses_e() {
        assert_eq!(s("%d", &[Value::Num(1.5)]), "1.500000e+00");
    }

    #[test]
    fn bad_format_is_an_error() {
        assert!(sprintf("%q", &[Value::Num(1.0)]).is_err());
        assert!(sprintf("50%", &[]).is_err());
    }

    #[test]
    fn alternate_forms_follow_c() {
        let n = |x: f64| [Value::Num(x)];
        assert_eq!(s("%#x", &n(255.0)), "0xff");
        assert_eq!(s("%#X", &n(255.0)), "0XFF");
        assert_eq!(s("%#o", &n(8.0)), "010");
        assert_eq!(s("%#x", &n(0.0)), "0");
        assert_eq!(s("%#010x", &n(255.0)), "0x000000ff");
        assert_eq!(s("%#.0f", &n(3.0)), "3.");
        assert_eq!(s("%x", &n(255.0)), "ff");
    }
}
