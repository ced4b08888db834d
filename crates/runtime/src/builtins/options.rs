//! Name–value options after a builtin's positional arguments, as MATLAB
//! writes them: `adam(0.01, "beta1", 0.9, "eps", 1e-8)`. Every error
//! points at the argument at fault and names the options there are.

use crate::error::{Result, RuntimeError};
use crate::value::{Func, Value};

/// The options given to one call: each name with the position of its value.
pub(crate) struct Options<'a> {
    function: &'static str,
    args: &'a [Value],
    given: Vec<(&'a str, usize)>,
}

impl<'a> Options<'a> {
    /// Reads `args[start..]` as name–value pairs. Each name must be one of
    /// `known` and appear once; every name needs a value.
    pub(crate) fn parse(
        function: &'static str,
        args: &'a [Value],
        start: usize,
        known: &[&str],
    ) -> Result<Self> {
        let mut given: Vec<(&'a str, usize)> = Vec::new();
        let list = || {
            if known.is_empty() {
                format!("{function} takes no options")
            } else {
                format!(
                    "the options of {function} are {}",
                    known
                        .iter()
                        .map(|k| format!("\"{k}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        let mut i = start;
        while i < args.len() {
            let name = match &args[i] {
                Value::Str(s) => &**s,
                other => {
                    return Err(RuntimeError::Domain(format!(
                        "expected an option name (a string) here, got {}; {}",
                        other.describe(),
                        list()
                    ))
                    .at_arg(i))
                }
            };
            if !known.contains(&name) {
                return Err(
                    RuntimeError::Domain(format!("unknown option \"{name}\"; {}", list()))
                        .at_arg(i),
                );
            }
            if given.iter().any(|(n, _)| *n == name) {
                return Err(
                    RuntimeError::Domain(format!("the option \"{name}\" is given twice")).at_arg(i),
                );
            }
            if i + 1 >= args.len() {
                return Err(RuntimeError::Domain(format!(
                    "the option \"{name}\" needs a value after it"
                ))
                .at_arg(i));
            }
            given.push((name, i + 1));
            i += 2;
        }
        Ok(Options {
            function,
            args,
            given,
        })
    }

    /// The value given for `name` and its argument position.
    pub(crate) fn get(&self, name: &str) -> Option<(&'a Value, usize)> {
        self.given
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, i)| (&self.args[i], i))
    }

    /// A number option in `range`, or `default` when not given.
    pub(crate) fn number(&self, name: &str, default: f64, range: Range) -> Result<f64> {
        let Some((v, i)) = self.get(name) else {
            return Ok(default);
        };
        let x = v.to_scalar().map_err(|e| e.at_arg(i))?;
        check_range(self.function, name, x, range).map_err(|e| e.at_arg(i))?;
        Ok(x)
    }

    /// A whole-number option of at least `least`.
    pub(crate) fn count(&self, name: &str, default: usize, least: usize) -> Result<usize> {
        let Some((v, i)) = self.get(name) else {
            return Ok(default);
        };
        let n = v
            .to_count(&format!("the option \"{name}\""))
            .map_err(|e| e.at_arg(i))?;
        if n < least {
            return Err(RuntimeError::Domain(format!(
                "the option \"{name}\" of {} must be at least {least}, got {n}",
                self.function
            ))
            .at_arg(i));
        }
        Ok(n)
    }

    /// A true/false option (a logical, or the number 0 or 1).
    pub(crate) fn flag(&self, name: &str, default: bool) -> Result<bool> {
        let Some((v, i)) = self.get(name) else {
            return Ok(default);
        };
        match v.as_scalar() {
            Some(x) if x == 0.0 || x == 1.0 => Ok(x == 1.0),
            _ => Err(RuntimeError::ty(
                format!("true or false for the option \"{name}\""),
                v.describe(),
            )
            .at_arg(i)),
        }
    }

    /// A string option that must be one of `choices`.
    pub(crate) fn choice(&self, name: &str, default: &'a str, choices: &[&str]) -> Result<&'a str> {
        let Some((v, i)) = self.get(name) else {
            return Ok(default);
        };
        let s = v.to_str().map_err(|e| e.at_arg(i))?;
        if !choices.contains(&s) {
            return Err(RuntimeError::Domain(format!(
                "the option \"{name}\" of {} is one of {}, got \"{s}\"",
                self.function,
                choices
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .at_arg(i));
        }
        Ok(s)
    }

    /// A function option, with its argument position.
    pub(crate) fn function(&self, name: &str) -> Result<Option<(Func, usize)>> {
        let Some((v, i)) = self.get(name) else {
            return Ok(None);
        };
        match v {
            Value::Func(f) => Ok(Some((f.clone(), i))),
            other => Err(RuntimeError::ty(
                format!("a function for the option \"{name}\""),
                other.describe(),
            )
            .at_arg(i)),
        }
    }
}

/// The numbers an option (or a positional number) may take.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Range {
    /// x ≥ 0.
    NonNegative,
    /// x > 0.
    Positive,
    /// 0 ≤ x < 1.
    Fraction,
}

/// Checks that `x`, the value of `name` given to `function`, is in `range`.
pub(crate) fn check_range(function: &str, name: &str, x: f64, range: Range) -> Result<()> {
    let (ok, want) = match range {
        Range::NonNegative => (x >= 0.0 && x.is_finite(), "a finite number ≥ 0"),
        Range::Positive => (x > 0.0 && x.is_finite(), "a finite number > 0"),
        Range::Fraction => ((0.0..1.0).contains(&x), "a number in [0, 1)"),
    };
    if ok {
        return Ok(());
    }
    Err(RuntimeError::Domain(format!(
        "{name} of {function} must be {want}, got {}",
        crate::display::format_scalar(x)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(items: Vec<Value>) -> Vec<Value> {
        items
    }

    #[test]
    fn reads_names_and_values_and_points_at_mistakes() {
        let a = args(vec![
            Value::Num(0.1),
            Value::str("eps"),
            Value::Num(1e-3),
            Value::str("nesterov"),
            Value::Bool(true),
        ]);
        let o = Options::parse("sgd", &a, 1, &["eps", "nesterov", "lr"]).unwrap();
        assert_eq!(o.number("eps", 1.0, Range::Positive).unwrap(), 1e-3);
        assert_eq!(o.number("lr", 2.0, Range::Positive).unwrap(), 2.0);
        assert!(o.flag("nesterov", false).unwrap());
        let err = |r: Result<Options<'_>>| match r {
            Err(RuntimeError::Arg { index, error }) => (index, error.to_string()),
            _ => panic!("expected an argument error"),
        };
        let (i, m) = err(Options::parse("sgd", &a, 1, &["eps"]));
        assert_eq!(i, 3);
        assert!(
            m.contains("unknown option \"nesterov\"; the options of sgd are \"eps\""),
            "{m}"
        );
        let (i, m) = err(Options::parse("sgd", &a, 2, &["eps"]));
        assert_eq!(i, 2);
        assert!(m.contains("expected an option name"), "{m}");
        let (i, m) = err(Options::parse("sgd", &a[..4], 1, &["eps", "nesterov"]));
        assert_eq!(i, 3);
        assert!(m.contains("needs a value"), "{m}");
        let twice = args(vec![
            Value::str("eps"),
            Value::Num(1.0),
            Value::str("eps"),
            Value::Num(2.0),
        ]);
        assert_eq!(err(Options::parse("sgd", &twice, 0, &["eps"])).0, 2);
    }

    #[test]
    fn values_are_checked() {
        let a = args(vec![
            Value::str("eps"),
            Value::Num(f64::NAN),
            Value::str("beta"),
            Value::Num(1.0),
            Value::str("m"),
            Value::Num(1.5),
            Value::str("how"),
            Value::str("up"),
        ]);
        let o = Options::parse("adam", &a, 0, &["eps", "beta", "m", "how"]).unwrap();
        assert!(o.number("eps", 1.0, Range::NonNegative).is_err());
        assert!(o.number("beta", 0.5, Range::Fraction).is_err());
        assert!(o.count("m", 1, 1).is_err());
        assert!(o.flag("m", false).is_err());
        assert!(o.choice("how", "down", &["down", "left"]).is_err());
        assert!(o.function("how").is_err());
        assert!(o.function("nothing").unwrap().is_none());
    }
}
