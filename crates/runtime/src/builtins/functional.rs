//! Calling a function value on each element: map and arrayfun.

use super::{mat, Builtin, CallContext};
use crate::error::{Result, RuntimeError};
use crate::value::{from_column_major, Value};

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("function values"; "map", 2, 2, 1, "map(f, X)", "f called on each element of X in column-major order; each call must give a number; the results take X's shape", map; none),
    entry!("function values"; "arrayfun", 2, 2, 1, "arrayfun(f, X)", "the same as map(f, X), for MATLAB scripts", map; none),
];

fn map(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let f = match &args[0] {
        Value::Func(f) => f.clone(),
        other => return Err(RuntimeError::ty("a function", other.describe()).at_arg(0)),
    };
    let x = mat(args, 1)?;
    let (r, c) = x.dim();
    let mut out = Vec::with_capacity(r * c);
    for (k, v) in x.t().iter().enumerate() {
        let y = cx.call_back(&f, vec![Value::Num(*v)])?;
        match y.as_scalar() {
            Some(y) => out.push(y),
            None => {
                return Err(RuntimeError::Domain(format!(
                "map needs `{}` to give a number for each element, but for element {} it gave {}",
                f.name(),
                k + 1,
                y.describe()
            ))
                .at_arg(0))
            }
        }
    }
    Ok(Value::matrix(from_column_major(r, c, out)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, mx, run};
    use super::*;
    use crate::builtins::Registry;
    use ndarray::Array2;

    fn f(name: &str) -> Value {
        Value::Func(Registry::standard().func(name).expect("a builtin"))
    }

    #[test]
    fn map_calls_back_on_each_element() {
        close(
            &run("map", &[f("sqrt"), m(&[&[1., 4.], &[9., 16.]])]).unwrap(),
            &m(&[&[1., 2.], &[3., 4.]]),
            0.0,
        );
        close(
            &run("arrayfun", &[f("abs"), Value::row(vec![-1., 2., -3.])]).unwrap(),
            &Value::row(vec![1., 2., 3.]),
            0.0,
        );
        assert!(matches!(
            run("map", &[f("isnan"), Value::Num(f64::NAN)]).unwrap(),
            Value::Num(1.0)
        ));
        assert_eq!(
            mx(&run("map", &[f("sqrt"), Value::matrix(Array2::zeros((0, 3)))]).unwrap()).dim(),
            (0, 3)
        );
        // randperm(2) is not a number.
        assert_eq!(
            arg_err(run("map", &[f("randperm"), Value::row(vec![1., 2.])])),
            Some(0)
        );
        // An error inside the callback comes back.
        assert!(run("map", &[f("randperm"), Value::row(vec![-1.])]).is_err());
        assert_eq!(
            arg_err(run("map", &[Value::Num(1.0), Value::Num(2.0)])),
            Some(0)
        );
        assert_eq!(arg_err(run("map", &[f("sqrt"), Value::str("ab")])), Some(1));
    }
}
