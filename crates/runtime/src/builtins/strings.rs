//! Strings: num2str, mat2str, strcat, upper, lower.

use super::{count, mat, string, Builtin, CallContext, VARIADIC};
use crate::error::{Result, RuntimeError};
use crate::printf::format_g_c;
use crate::value::Value;
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("strings"; "num2str", 1, 2, 1, "num2str(x, precision)", "x as text, as MATLAB: whole numbers without decimals, others with 4 decimals of significance (%.5g for pi: 3.1416); num2str(x, p) uses %.pg, num2str(x, fmt) a printf format; rows of a matrix on separate lines", num2str; constant),
    entry!("strings"; "mat2str", 1, 2, 1, "mat2str(A, precision)", "A as a matrix literal, as MATLAB: [1 2;3 4] (15 significant digits, or precision)", mat2str; constant),
    entry!("strings"; "strcat", 1, VARIADIC, 1, "strcat(a, b, …)", "the strings joined end to end", strcat; constant),
    entry!("strings"; "upper", 1, 1, 1, "upper(s)", "s in upper case", upper; constant),
    entry!("strings"; "lower", 1, 1, 1, "lower(s)", "s in lower case", lower; constant),
];

/// One number as `%.{p}g` would print it, with MATLAB's NaN and Inf.
fn g(x: f64, p: usize) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Inf" } else { "-Inf" }.into()
    } else {
        format_g_c(x, p, false, false)
    }
}

/// Right-aligns each element to MATLAB's column width, then drops the
/// blank columns on the left and the blanks on the right of each row.
fn layout(m: &Array2<f64>, width: usize, cell: impl Fn(f64) -> String) -> String {
    let rows: Vec<String> = m
        .rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .map(|x| {
                    let s = cell(*x);
                    format!("{s:>w$}", w = width.max(s.chars().count() + 2))
                })
                .collect::<String>()
        })
        .collect();
    let lead = rows
        .iter()
        .map(|r| r.len() - r.trim_start().len())
        .min()
        .unwrap_or(0);
    rows.iter()
        .map(|r| r[lead..].trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

fn num2str(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    if let Value::Str(s) = &args[0] {
        return Ok(Value::Str(s.clone()));
    }
    let m = mat(args, 0)?;
    let neg = usize::from(m.iter().any(|x| *x < 0.0));
    let max = m
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f64, |a, x| a.max(x.abs()));
    let text = match args.get(1) {
        Some(Value::Str(fmt)) => {
            let rows: Result<Vec<String>> = m
                .rows()
                .into_iter()
                .map(|r| crate::printf::sprintf(fmt, &[Value::row(r.to_vec())]))
                .collect();
            rows.map_err(|e| e.at_arg(1))?.join("\n")
        }
        Some(_) => {
            let p = count(args, 1, "the precision")?;
            if p == 0 || p > 100 {
                return Err(RuntimeError::Domain(format!(
                    "the precision must be between 1 and 100, got {p}"
                ))
                .at_arg(1));
            }
            layout(&m, p + 7 + neg, |x| g(x, p))
        }
        None if m.iter().all(|x| !x.is_finite() || x.fract() == 0.0) => {
            let digits = if max == 0.0 {
                1
            } else {
                max.log10().floor() as usize + 1
            };
            layout(&m, digits + 2 + neg, |x| {
                if x.is_finite() {
                    format!("{x:.0}")
                } else {
                    g(x, 1)
                }
            })
        }
        None => {
            let e = if max == 0.0 {
                0
            } else {
                max.log10().floor() as i64
            };
            let p = (e + 5).clamp(5, 16) as usize;
            layout(&m, p + 7 + neg, |x| g(x, p))
        }
    };
    Ok(Value::str(text))
}

fn mat2str(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let p = match args.get(1) {
        None => 15,
        Some(_) => match count(args, 1, "the precision")? {
            p @ 1..=100 => p,
            p => {
                return Err(RuntimeError::Domain(format!(
                    "the precision must be between 1 and 100, got {p}"
                ))
                .at_arg(1))
            }
        },
    };
    let (cell, m): (Box<dyn Fn(f64) -> String>, _) = match &args[0] {
        Value::Str(s) => return Ok(Value::str(format!("\"{s}\""))),
        Value::Bool(_) | Value::Logical(_) => (
            Box::new(|x: f64| if x != 0.0 { "true" } else { "false" }.to_string()),
            mat(args, 0)?,
        ),
        _ => (Box::new(move |x: f64| g(x, p)), mat(args, 0)?),
    };
    let (r, c) = m.dim();
    let text = if r == 0 || c == 0 {
        format!("zeros({r},{c})")
    } else if (r, c) == (1, 1) {
        cell(m[[0, 0]])
    } else {
        let rows: Vec<String> = m
            .rows()
            .into_iter()
            .map(|row| row.iter().map(|x| cell(*x)).collect::<Vec<_>>().join(" "))
            .collect();
        format!("[{}]", rows.join(";"))
    };
    Ok(Value::str(text))
}

fn strcat(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let mut out = String::new();
    for i in 0..args.len() {
        out.push_str(string(args, i)?);
    }
    Ok(Value::str(out))
}

fn upper(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::str(string(args, 0)?.to_uppercase()))
}

fn lower(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::str(string(args, 0)?.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, m, run};
    use super::*;

    fn text(name: &str, args: &[Value]) -> String {
        match run(name, args).unwrap() {
            Value::Str(s) => s.to_string(),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn num2str_as_matlab() {
        assert_eq!(
            text("num2str", &[Value::Num(std::f64::consts::PI)]),
            "3.1416"
        );
        assert_eq!(text("num2str", &[Value::Num(42.0)]), "42");
        assert_eq!(text("num2str", &[Value::Num(-7.0)]), "-7");
        assert_eq!(text("num2str", &[Value::Num(123.456)]), "123.456");
        assert_eq!(text("num2str", &[Value::Num(-0.5)]), "-0.5");
        assert_eq!(text("num2str", &[Value::Num(1e-5)]), "1e-05");
        assert_eq!(text("num2str", &[Value::Num(f64::NAN)]), "NaN");
        assert_eq!(text("num2str", &[Value::Num(f64::NEG_INFINITY)]), "-Inf");
        assert_eq!(text("num2str", &[Value::Bool(true)]), "1");
        assert_eq!(
            text(
                "num2str",
                &[Value::Num(std::f64::consts::PI), Value::Num(8.0)]
            ),
            "3.1415927"
        );
        assert_eq!(
            text("num2str", &[Value::row(vec![1., 10., 100.])]),
            "1   10  100"
        );
        assert_eq!(
            text("num2str", &[Value::row(vec![std::f64::consts::PI, 2.5])]),
            "3.1416         2.5"
        );
        assert_eq!(text("num2str", &[m(&[&[1., 2.], &[3., 4.]])]), "1  2\n3  4");
        assert_eq!(
            text("num2str", &[Value::Num(2.5), Value::str("%6.2f")]),
            "  2.50"
        );
        assert_eq!(text("num2str", &[Value::str("hi")]), "hi");
        assert_eq!(text("num2str", &[Value::matrix(Array2::zeros((0, 0)))]), "");
        assert_eq!(
            arg_err(run("num2str", &[Value::Num(1.0), Value::Num(0.0)])),
            Some(1)
        );
        assert_eq!(
            arg_err(run("num2str", &[Value::Num(1.0), Value::Num(-1.0)])),
            Some(1)
        );
    }

    #[test]
    fn mat2str_as_matlab() {
        assert_eq!(text("mat2str", &[m(&[&[1., 2.], &[3., 4.]])]), "[1 2;3 4]");
        assert_eq!(
            text(
                "mat2str",
                &[Value::row(vec![0.1, -2.5, f64::NAN, f64::INFINITY])]
            ),
            "[0.1 -2.5 NaN Inf]"
        );
        assert_eq!(
            text("mat2str", &[Value::Num(std::f64::consts::PI)]),
            "3.14159265358979"
        );
        assert_eq!(
            text(
                "mat2str",
                &[Value::Num(std::f64::consts::PI), Value::Num(4.0)]
            ),
            "3.142"
        );
        assert_eq!(
            text("mat2str", &[Value::matrix(Array2::zeros((0, 3)))]),
            "zeros(0,3)"
        );
        assert_eq!(
            text("mat2str", &[Value::logical(ndarray::array![[true, false]])]),
            "[true false]"
        );
        assert_eq!(text("mat2str", &[Value::str("ab")]), "\"ab\"");
        assert_eq!(
            arg_err(run("mat2str", &[Value::Num(1.0), Value::Num(0.0)])),
            Some(1)
        );
    }

    #[test]
    fn string_case_and_joining() {
        assert_eq!(
            text(
                "strcat",
                &[Value::str("ab"), Value::str(" c"), Value::str("d")]
            ),
            "ab cd"
        );
        assert_eq!(text("upper", &[Value::str("aBc1")]), "ABC1");
        assert_eq!(text("lower", &[Value::str("aBc1")]), "abc1");
        assert_eq!(
            arg_err(run("strcat", &[Value::str("a"), Value::Num(1.0)])),
            Some(1)
        );
        assert_eq!(arg_err(run("upper", &[Value::Num(1.0)])), Some(0));
    }
}
