//! Training builtins: optimizers as values (`sgd`, `adam`, `adamw`,
//! `rmsprop`, `adagrad`) and `step` to move several parameters at once.
//! The numerics are in `crate::optim`.

use super::options::{check_range, Options, Range};
use super::{scalar, Builtin, CallContext, VARIADIC};
use crate::error::{plural, Result, RuntimeError};
use crate::optim::rules::{Adagrad, Adam, Method, RmsProp, Sgd};
use crate::optim::Optimizer;
use crate::value::Value;
use ndarray::Array2;
use std::borrow::Cow;
use std::sync::Arc;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("training"; "sgd", 0, VARIADIC, 1, "sgd(lr, options…)", "an SGD optimizer (torch.optim.SGD): lr 0.001; options \"momentum\" 0, \"dampening\" 0, \"nesterov\" false, \"weight_decay\" 0 (added to the gradient)", sgd; constant),
    entry!("training"; "adam", 0, VARIADIC, 1, "adam(lr, options…)", "an Adam optimizer (torch.optim.Adam): lr 0.001; options \"beta1\" 0.9, \"beta2\" 0.999, \"eps\" 1e-8, \"weight_decay\" 0 (decoupled, as AdamW), \"amsgrad\" false", adam; constant),
    entry!("training"; "adamw", 0, VARIADIC, 1, "adamw(lr, options…)", "adam with decoupled weight decay 0.01 by default (torch.optim.AdamW); the same options", adamw; constant),
    entry!("training"; "rmsprop", 0, VARIADIC, 1, "rmsprop(lr, options…)", "an RMSprop optimizer (torch.optim.RMSprop): lr 0.01; options \"alpha\" 0.99, \"eps\" 1e-8, \"momentum\" 0, \"centered\" false, \"weight_decay\" 0", rmsprop; constant),
    entry!("training"; "adagrad", 0, VARIADIC, 1, "adagrad(lr, options…)", "an Adagrad optimizer (torch.optim.Adagrad): lr 0.01; options \"lr_decay\" 0, \"eps\" 1e-10, \"weight_decay\" 0, \"initial_accumulator\" 0", adagrad; constant),
    entry!("training"; "step", 3, 4, VARIADIC, "step(opt, (p1, …, pk), (g1, …, gk), lr)", "(opt, p1, …, pk): one optimizer step on each parameter with its gradient (one parameter needs no tuple); lr, if given, replaces the optimizer's for this step; (opt, params) keeps the parameters as one tuple", step; none),
];

/// The learning rate (if given) and where the options start.
fn lr_and_options(name: &'static str, args: &[Value], default: f64) -> Result<(f64, usize)> {
    match args.first() {
        None | Some(Value::Str(_)) => Ok((default, 0)),
        Some(_) => {
            let lr = scalar(args, 0)?;
            check_range(name, "the learning rate", lr, Range::NonNegative)
                .map_err(|e| e.at_arg(0))?;
            Ok((lr, 1))
        }
    }
}

fn optimizer(name: &'static str, method: Method, lr: f64) -> Value {
    Value::Optimizer(Arc::new(Optimizer::new(name, method, lr)))
}

fn sgd(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (lr, start) = lr_and_options("sgd", args, 1e-3)?;
    let known = ["momentum", "dampening", "nesterov", "weight_decay"];
    let o = Options::parse("sgd", args, start, &known)?;
    let s = Sgd {
        momentum: o.number("momentum", 0.0, Range::NonNegative)?,
        dampening: o.number("dampening", 0.0, Range::NonNegative)?,
        nesterov: o.flag("nesterov", false)?,
        weight_decay: o.number("weight_decay", 0.0, Range::NonNegative)?,
    };
    if s.nesterov && (s.momentum <= 0.0 || s.dampening != 0.0) {
        let at = o.get("nesterov").map_or(0, |(_, i)| i);
        return Err(RuntimeError::Domain(
            "Nesterov momentum needs a \"momentum\" above 0 and no \"dampening\"".into(),
        )
        .at_arg(at));
    }
    Ok(optimizer("sgd", Method::Sgd(s), lr))
}

fn adam_like(name: &'static str, args: &[Value], decay: f64) -> Result<Value> {
    let (lr, start) = lr_and_options(name, args, 1e-3)?;
    let known = ["beta1", "beta2", "eps", "weight_decay", "amsgrad"];
    let o = Options::parse(name, args, start, &known)?;
    let a = Adam {
        beta1: o.number("beta1", 0.9, Range::Fraction)?,
        beta2: o.number("beta2", 0.999, Range::Fraction)?,
        eps: o.number("eps", 1e-8, Range::NonNegative)?,
        weight_decay: o.number("weight_decay", decay, Range::NonNegative)?,
        amsgrad: o.flag("amsgrad", false)?,
    };
    Ok(optimizer(name, Method::Adam(a), lr))
}

fn adam(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    adam_like("adam", args, 0.0)
}

fn adamw(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    adam_like("adamw", args, 1e-2)
}

fn rmsprop(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (lr, start) = lr_and_options("rmsprop", args, 1e-2)?;
    let known = ["alpha", "eps", "momentum", "centered", "weight_decay"];
    let o = Options::parse("rmsprop", args, start, &known)?;
    let r = RmsProp {
        alpha: o.number("alpha", 0.99, Range::NonNegative)?,
        eps: o.number("eps", 1e-8, Range::NonNegative)?,
        momentum: o.number("momentum", 0.0, Range::NonNegative)?,
        centered: o.flag("centered", false)?,
        weight_decay: o.number("weight_decay", 0.0, Range::NonNegative)?,
    };
    Ok(optimizer("rmsprop", Method::RmsProp(r), lr))
}

fn adagrad(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (lr, start) = lr_and_options("adagrad", args, 1e-2)?;
    let known = ["lr_decay", "eps", "weight_decay", "initial_accumulator"];
    let o = Options::parse("adagrad", args, start, &known)?;
    let a = Adagrad {
        lr_decay: o.number("lr_decay", 0.0, Range::NonNegative)?,
        eps: o.number("eps", 1e-10, Range::NonNegative)?,
        weight_decay: o.number("weight_decay", 0.0, Range::NonNegative)?,
        initial_accumulator: o.number("initial_accumulator", 0.0, Range::NonNegative)?,
    };
    Ok(optimizer("adagrad", Method::Adagrad(a), lr))
}

/// The values of a tuple argument, or the argument itself as the only
/// one; true when it was a tuple.
pub(crate) fn items(v: &Value) -> (Vec<&Value>, bool) {
    match v {
        Value::Tuple(items) => (items.iter().collect(), true),
        other => (vec![other], false),
    }
}

/// Each item as a matrix; `what` names them in errors (`parameter`).
pub(crate) fn matrices<'a>(
    values: &[&'a Value],
    what: &str,
    at: usize,
) -> Result<Vec<Cow<'a, Array2<f64>>>> {
    if values.is_empty() {
        return Err(
            RuntimeError::Domain(format!("an empty tuple: no {what}s to work on")).at_arg(at),
        );
    }
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Num(_) | Value::Bool(_) | Value::Matrix(_) | Value::Logical(_) => {
                v.to_matrix().map_err(|e| e.at_arg(at))
            }
            other => Err(RuntimeError::ty(
                format!("{what} {} to be a number or matrix", i + 1),
                other.describe(),
            )
            .at_arg(at)),
        })
        .collect()
}

/// The results of a call that returns k updated values, after `lead`
/// (the optimizer) and before `extra` (named, as "their norm"): `nout`
/// must be 1 or the count of all of them, with or without `extra`; with
/// `nested`, one more than `lead` also works and gives the k values as
/// one tuple.
pub(crate) fn results(
    name: &str,
    nout: usize,
    lead: Option<Value>,
    values: Vec<Value>,
    extra: Option<(&str, Value)>,
    nested: bool,
) -> Result<Value> {
    let k = values.len();
    let fixed = usize::from(lead.is_some());
    let (extra_name, extra) = match extra {
        Some((what, v)) => (Some(what), Some(v)),
        None => (None, None),
    };
    let mut out: Vec<Value> = lead.into_iter().collect();
    if nested && nout == fixed + 1 {
        out.push(Value::tuple(values));
        out.extend(extra);
        return Ok(Value::tuple(out));
    }
    let full = fixed + k + usize::from(extra.is_some());
    if nout > 1 && nout != fixed + k && nout != full {
        let and = extra_name.map_or(String::new(), |what| format!(" (and {what})"));
        return Err(RuntimeError::Domain(format!(
            "{name} gives {}{and}, but {nout} results are asked for",
            if fixed == 1 {
                format!("the optimizer and {}", plural(k, "parameter"))
            } else {
                plural(k, "value")
            }
        )));
    }
    out.extend(values);
    out.extend(extra);
    Ok(Value::tuple(out))
}

fn step(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let opt = match &args[0] {
        Value::Optimizer(o) => o.clone(),
        other => {
            return Err(RuntimeError::ty(
                "an optimizer (made by sgd, adam, adamw, rmsprop or adagrad)",
                other.describe(),
            )
            .at_arg(0))
        }
    };
    let (params, tupled) = items(&args[1]);
    let (grads, _) = items(&args[2]);
    let params = matrices(&params, "parameter", 1)?;
    let grads = matrices(&grads, "gradient", 2)?;
    let shapes: Vec<_> = params.iter().map(|p| p.dim()).collect();
    if let Some(why) = opt.mismatch(&shapes) {
        return Err(RuntimeError::Shape(why).at_arg(1));
    }
    let lr = match args.get(3) {
        Some(_) => {
            let lr = scalar(args, 3)?;
            check_range("step", "the learning rate", lr, Range::NonNegative)
                .map_err(|e| e.at_arg(3))?;
            lr
        }
        None => opt.lr(),
    };
    let p: Vec<&Array2<f64>> = params.iter().map(|p| &**p).collect();
    let g: Vec<&Array2<f64>> = grads.iter().map(|g| &**g).collect();
    let (next, new) = opt.step(&p, &g, lr).map_err(|e| e.at_arg(2))?;
    let new: Vec<Value> = new.into_iter().map(Value::matrix).collect();
    let lead = Value::Optimizer(Arc::new(next));
    if cx.nout <= 1 {
        return Ok(lead);
    }
    results(
        "step",
        cx.nout,
        Some(lead),
        new,
        None,
        tupled && p.len() > 1,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, run, run_n, TestHost};
    use super::*;

    fn opt(call: &str, args: &[Value]) -> Value {
        let v = run(call, args).unwrap();
        assert!(matches!(v, Value::Optimizer(_)), "{v:?}");
        v
    }

    #[test]
    fn optimizers_take_a_rate_and_options() {
        let o = opt(
            "sgd",
            &[Value::Num(0.1), Value::str("momentum"), Value::Num(0.9)],
        );
        assert_eq!(o.kind(), "optimizer");
        let Value::Optimizer(o) = o else {
            unreachable!()
        };
        assert_eq!((o.name(), o.lr(), o.steps()), ("sgd", 0.1, 0));
        // The rate may be left out: PyTorch's defaults.
        let Value::Optimizer(a) = opt("adam", &[Value::str("beta1"), Value::Num(0.5)]) else {
            unreachable!()
        };
        assert_eq!(a.lr(), 1e-3);
        let Value::Optimizer(w) = opt("adamw", &[]) else {
            unreachable!()
        };
        assert!(w.to_string().contains("\"weight_decay\", 0.01"), "{w}");
        opt(
            "rmsprop",
            &[Value::Num(0.01), Value::str("centered"), Value::Bool(true)],
        );
        opt(
            "adagrad",
            &[Value::Num(0.01), Value::str("lr_decay"), Value::Num(0.1)],
        );
    }

    #[test]
    fn bad_settings_point_at_their_argument() {
        let s = Value::str;
        let n = Value::Num;
        assert_eq!(arg_err(run("adam", &[n(f64::NAN)])), Some(0));
        assert_eq!(arg_err(run("adam", &[n(-1.0)])), Some(0));
        assert_eq!(arg_err(run("adam", &[n(0.1), s("beta")])), Some(1));
        assert_eq!(arg_err(run("adam", &[n(0.1), s("beta1"), n(1.0)])), Some(2));
        assert_eq!(
            arg_err(run("adam", &[n(0.1), s("amsgrad"), n(2.0)])),
            Some(2)
        );
        assert_eq!(arg_err(run("sgd", &[n(0.1), n(0.9)])), Some(1));
        assert_eq!(
            arg_err(run("sgd", &[n(0.1), s("nesterov"), Value::Bool(true)])),
            Some(2)
        );
        assert_eq!(
            arg_err(run("rmsprop", &[n(0.1), s("alpha"), n(-0.5)])),
            Some(2)
        );
        assert_eq!(
            arg_err(run("adagrad", &[n(0.1), s("eps"), s("x")])),
            Some(2)
        );
        assert_eq!(arg_err(run("adagrad", &[Value::tuple(vec![])])), Some(0));
    }

    #[test]
    fn step_checks_what_it_is_given() {
        let o = opt("sgd", &[Value::Num(1.0)]);
        let empty = Value::tuple(vec![]);
        let pair = Value::tuple(vec![m(&[&[1., 2.]]), Value::Num(3.0)]);
        let go = |args: &[Value]| TestHost::new().call("step", 3, args);
        assert_eq!(
            arg_err(go(&[Value::Num(1.0), pair.clone(), pair.clone()])),
            Some(0)
        );
        assert_eq!(
            arg_err(go(&[o.clone(), empty.clone(), empty.clone()])),
            Some(1)
        );
        assert_eq!(
            arg_err(go(&[o.clone(), pair.clone(), m(&[&[1., 2.]])])),
            Some(2)
        );
        let wrong = Value::tuple(vec![m(&[&[1.], &[2.]]), Value::Num(3.0)]);
        assert_eq!(arg_err(go(&[o.clone(), pair.clone(), wrong])), Some(2));
        let strings = Value::tuple(vec![Value::str("a"), Value::Num(3.0)]);
        assert_eq!(arg_err(go(&[o.clone(), strings, pair.clone()])), Some(1));
        let with_lr = [o.clone(), pair.clone(), pair.clone(), Value::Num(f64::NAN)];
        assert_eq!(arg_err(go(&with_lr)), Some(3));
        // A later step with other parameters is refused at the parameters.
        let next = go(&[o.clone(), pair.clone(), pair.clone()]).unwrap();
        let Value::Tuple(items) = next else {
            panic!("a tuple")
        };
        let again = [items[0].clone(), m(&[&[1., 2.]]), m(&[&[1., 2.]])];
        assert_eq!(arg_err(TestHost::new().call("step", 2, &again)), Some(1));
    }

    #[test]
    fn step_gives_the_results_asked_for() {
        let o = opt("sgd", &[Value::Num(1.0)]);
        let three = Value::tuple(vec![Value::Num(1.0), Value::Num(2.0), Value::Num(3.0)]);
        let got = run_n("step", 4, &[o.clone(), three.clone(), three.clone()]).unwrap();
        assert_eq!(got.len(), 4);
        close(&got[3], &Value::Num(0.0), 0.0);
        let nested = run_n("step", 2, &[o.clone(), three.clone(), three.clone()]).unwrap();
        assert!(matches!(&nested[1], Value::Tuple(t) if t.len() == 3));
        assert!(run_n("step", 3, &[o.clone(), three.clone(), three.clone()]).is_err());
        assert!(matches!(
            run("step", &[o.clone(), three.clone(), three]).unwrap(),
            Value::Optimizer(_)
        ));
        // A given rate replaces the optimizer's for this step only.
        let got = run_n(
            "step",
            2,
            &[o, Value::Num(1.0), Value::Num(1.0), Value::Num(0.25)],
        )
        .unwrap();
        close(&got[1], &Value::Num(0.75), 0.0);
    }

    /// Every training builtin with odd values in every place: errors, never
    /// a panic.
    #[test]
    fn odd_arguments_never_panic() {
        let o = opt("adam", &[Value::Num(0.1)]);
        let odd = [
            Value::Num(f64::NAN),
            Value::Num(f64::INFINITY),
            Value::Num(-1.0),
            Value::Num(1e300),
            Value::Bool(true),
            Value::str(""),
            Value::str("warmup"),
            Value::tuple(vec![]),
            Value::tuple(vec![Value::str("x"), Value::Num(1.0)]),
            Value::matrix(Array2::zeros((0, 3))),
            m(&[&[1., f64::NAN]]),
            o.clone(),
            Value::Func(crate::builtins::Registry::standard().func("sum").unwrap()),
        ];
        let names = [
            "sgd",
            "adam",
            "adamw",
            "rmsprop",
            "adagrad",
            "step",
            "clip_norm",
            "schedule",
            "minimize",
        ];
        for name in names {
            for at in 0..4 {
                for v in &odd {
                    let mut args =
                        vec![o.clone(), Value::Num(1.0), Value::Num(2.0), Value::Num(3.0)];
                    if name == "schedule" {
                        args[0] = Value::str("cosine");
                    }
                    if name == "minimize" {
                        args[0] =
                            Value::Func(crate::builtins::Registry::standard().func("sum").unwrap());
                    }
                    args[at] = v.clone();
                    for nout in 1..4 {
                        let _ = TestHost::new().call(name, nout, &args);
                        let _ = TestHost::new().call(name, nout, &args[..2]);
                    }
                }
            }
        }
    }
}
