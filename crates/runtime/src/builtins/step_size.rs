//! Step sizes: `schedule`, the learning rate of a step, and `clip_norm`,
//! gradients scaled to a largest joint norm.

use super::optim::{items, matrices, results};
use super::options::{check_range, Options, Range};
use super::{count, scalar, string, Builtin, CallContext, VARIADIC};
use crate::error::{Result, RuntimeError};
use crate::optim::schedule::{Schedule, Shape};
use crate::value::Value;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("training"; "clip_norm", 2, 2, VARIADIC, "clip_norm((g1, …, gk), maxnorm)", "(g1, …, gk, total): the gradients scaled together so that their joint 2-norm is at most maxnorm (torch's clip_grad_norm_), and that norm before clipping", clip_norm; none),
    entry!("training"; "schedule", 4, VARIADIC, 1, "schedule(kind, lr, t, n, options…)", "the learning rate of step t (from 1): \"cosine\" to \"min\" (0) over n steps, \"step\" times \"gamma\" (0.1) every n steps, \"exponential\" times n per step; \"warmup\", w rises linearly over the first w steps", schedule; none),
];

fn clip_norm(cx: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let (values, tupled) = items(&args[0]);
    let grads = matrices(&values, "gradient", 0)?;
    let maxnorm = scalar(args, 1)?;
    check_range("clip_norm", "maxnorm", maxnorm, Range::NonNegative).map_err(|e| e.at_arg(1))?;
    let total = grads
        .iter()
        .flat_map(|g| g.iter())
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt();
    // torch.nn.utils.clip_grad_norm_: the coefficient is clamped at 1,
    // and a NaN norm makes NaN gradients rather than passing them as they are.
    let coef = maxnorm / (total + 1e-6);
    let coef = if coef >= 1.0 { 1.0 } else { coef };
    let clipped: Vec<Value> = grads
        .iter()
        .map(|g| {
            Value::matrix(if coef == 1.0 {
                g.clone().into_owned()
            } else {
                g.mapv(|x| x * coef)
            })
        })
        .collect();
    if cx.nout <= 1 && tupled {
        return Ok(Value::tuple(vec![Value::tuple(clipped)]));
    }
    results(
        "clip_norm",
        cx.nout,
        None,
        clipped,
        Some(("their norm", Value::Num(total))),
        false,
    )
}

fn schedule(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let kind = string(args, 0)?;
    let base = scalar(args, 1)?;
    check_range("schedule", "the learning rate", base, Range::NonNegative)
        .map_err(|e| e.at_arg(1))?;
    let t = count(args, 2, "the step number t")?;
    if t == 0 {
        return Err(
            RuntimeError::Domain("the step number t counts from 1, got 0".into()).at_arg(2),
        );
    }
    let (shape, known): (Shape, &[&str]) = match kind {
        "cosine" => {
            let total = count(args, 3, "the number of steps")?;
            (Shape::Cosine { total: total as u64, floor: 0.0 }, &["min", "warmup"])
        }
        "step" => {
            let every = count(args, 3, "the steps between decays")?;
            if every == 0 {
                return Err(RuntimeError::Domain("the steps between decays must be at least 1".into()).at_arg(3));
            }
            (Shape::Step { every: every as u64, gamma: 0.1 }, &["gamma", "warmup"])
        }
        "exponential" => {
            let gamma = scalar(args, 3)?;
            check_range("schedule", "gamma", gamma, Range::Positive).map_err(|e| e.at_arg(3))?;
            (Shape::Exponential { gamma }, &["warmup"])
        }
        other => {
            return Err(RuntimeError::Domain(format!(
                "there is no schedule \"{other}\"; the schedules are \"cosine\", \"step\" and \"exponential\""
            ))
            .at_arg(0))
        }
    };
    let o = Options::parse("schedule", args, 4, known)?;
    let warmup = o.count("warmup", 0, 0)? as u64;
    let shape = match shape {
        Shape::Cosine { total, .. } => {
            if warmup >= total && total > 0 {
                let at = o.get("warmup").map_or(3, |(_, i)| i);
                return Err(RuntimeError::Domain(format!(
                    "the warm-up ({warmup} steps) must be shorter than the schedule ({total} steps)"
                ))
                .at_arg(at));
            }
            if total == 0 {
                return Err(
                    RuntimeError::Domain("a cosine schedule needs at least 1 step".into())
                        .at_arg(3),
                );
            }
            let floor = o.number("min", 0.0, Range::NonNegative)?;
            Shape::Cosine { total, floor }
        }
        Shape::Step { every, .. } => Shape::Step {
            every,
            gamma: o.number("gamma", 0.1, Range::Positive)?,
        },
        other => other,
    };
    Ok(Value::Num(
        Schedule {
            base,
            shape,
            warmup,
        }
        .rate(t as u64),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{arg_err, close, m, run, run_n};
    use super::*;

    #[test]
    fn clip_norm_scales_together_and_reports_the_norm() {
        let g = Value::tuple(vec![m(&[&[3., 4.]]), Value::Num(12.0)]);
        let got = run_n("clip_norm", 3, &[g.clone(), Value::Num(26.0)]).unwrap();
        // Under the limit: unchanged.
        close(&got[0], &m(&[&[3., 4.]]), 0.0);
        close(&got[2], &Value::Num(13.0), 0.0);
        // One result asked of a tuple: the clipped tuple as that result.
        let one = run("clip_norm", &[g.clone(), Value::Num(0.0)]).unwrap();
        assert!(
            matches!(&one, Value::Tuple(t) if matches!(&t[0], Value::Tuple(c) if c.len() == 2))
        );
        let e = Value::tuple(vec![]);
        assert_eq!(arg_err(run("clip_norm", &[e, Value::Num(1.0)])), Some(0));
        assert_eq!(
            arg_err(run("clip_norm", &[g.clone(), Value::Num(-1.0)])),
            Some(1)
        );
        assert!(run_n("clip_norm", 4, &[g, Value::Num(1.0)]).is_err());
    }

    #[test]
    fn schedules_check_their_arguments() {
        let s = Value::str;
        let n = Value::Num;
        let ok = run("schedule", &[s("step"), n(1.0), n(4.0), n(3.0)]).unwrap();
        close(&ok, &n(0.1), 1e-15);
        assert_eq!(
            arg_err(run("schedule", &[s("linear"), n(1.0), n(1.0), n(3.0)])),
            Some(0)
        );
        assert_eq!(
            arg_err(run("schedule", &[s("step"), n(-1.0), n(1.0), n(3.0)])),
            Some(1)
        );
        assert_eq!(
            arg_err(run("schedule", &[s("step"), n(1.0), n(0.0), n(3.0)])),
            Some(2)
        );
        assert_eq!(
            arg_err(run("schedule", &[s("step"), n(1.0), n(1.5), n(3.0)])),
            Some(2)
        );
        assert_eq!(
            arg_err(run("schedule", &[s("step"), n(1.0), n(1.0), n(0.0)])),
            Some(3)
        );
        assert_eq!(
            arg_err(run("schedule", &[s("cosine"), n(1.0), n(1.0), n(0.0)])),
            Some(3)
        );
        assert_eq!(
            arg_err(run(
                "schedule",
                &[s("exponential"), n(1.0), n(1.0), n(f64::NAN)]
            )),
            Some(3)
        );
        let warm = [s("cosine"), n(1.0), n(1.0), n(5.0), s("warmup"), n(5.0)];
        assert_eq!(arg_err(run("schedule", &warm)), Some(5));
        let gamma = [s("exponential"), n(1.0), n(1.0), n(0.5), s("gamma"), n(0.5)];
        assert_eq!(arg_err(run("schedule", &gamma)), Some(4));
    }
}
