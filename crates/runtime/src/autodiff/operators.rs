//! Derivatives of the operators: `+ - .* ./ .^ * / \\ ^`, unary minus and
//! transpose, and the elementwise-function helper the builtins use.

use super::{input, only_if, record, record_shared, Input};
use std::sync::Arc;

/// An operand or result that a backward closure holds without a copy.
type Shared = Arc<Array2<f64>>;
use crate::error::{Result, RuntimeError};
use crate::linalg;
use crate::operator::Op;
use crate::value::Value;
use ndarray::{Array2, Axis, Zip};

/// Sums a broadcast gradient back down to the operand's shape.
pub(super) fn unbroadcast(g: &Array2<f64>, shape: (usize, usize)) -> Array2<f64> {
    let mut out = g.clone();
    if shape.0 == 1 && out.nrows() != 1 {
        out = out.sum_axis(Axis(0)).insert_axis(Axis(0));
    }
    if shape.1 == 1 && out.ncols() != 1 {
        out = out.sum_axis(Axis(1)).insert_axis(Axis(1));
    }
    out
}

pub(super) fn zip(
    op: &'static str,
    a: &Array2<f64>,
    b: &Array2<f64>,
    f: impl Fn(f64, f64) -> f64,
) -> Result<Array2<f64>> {
    crate::kernels::zip_with(op, a, b, f)
}

pub(super) fn unsupported(what: &str) -> RuntimeError {
    RuntimeError::Domain(format!(
        "{what} does not carry gradients yet, so grad cannot differentiate through it"
    ))
}

/// An infix operator with at least one traced operand.
pub fn binary(op: Op, a: &Value, b: &Value) -> Result<Value> {
    let (x, y) = (input(a)?, input(b)?);
    let (va, vb) = (x.shared(), y.shared());
    let (sa, sb) = (va.dim(), vb.dim());
    // Gradients only for traced operands: in `X * W1 + b1` the product by
    // the data `X` cost as much as the forward product, for nothing.
    let (ta, tb) = (x.traced(), y.traced());
    let scalar = |m: &Array2<f64>| m.dim() == (1, 1);
    match op {
        Op::Add => {
            let out = zip(op.symbol(), &va, &vb, |p, q| p + q)?;
            Ok(record(
                &[&x, &y],
                out,
                Box::new(move |g| {
                    vec![
                        only_if(ta, || unbroadcast(g, sa)),
                        only_if(tb, || unbroadcast(g, sb)),
                    ]
                }),
            ))
        }
        Op::Sub => {
            let out = zip(op.symbol(), &va, &vb, |p, q| p - q)?;
            Ok(record(
                &[&x, &y],
                out,
                Box::new(move |g| {
                    vec![
                        only_if(ta, || unbroadcast(g, sa)),
                        only_if(tb, || -unbroadcast(g, sb)),
                    ]
                }),
            ))
        }
        Op::ElemMul => elem_mul(&x, &y, va, vb),
        Op::MatMul if scalar(&va) || scalar(&vb) => elem_mul(&x, &y, va, vb),
        Op::MatMul => {
            if sa.1 != sb.0 {
                return Err(RuntimeError::InnerDim {
                    left: sa,
                    right: sb,
                });
            }
            let out = linalg::matmul(&*va, &*vb)?;
            Ok(record(
                &[&x, &y],
                out,
                // The backward pass looks at the interrupt flag between
                // nodes; its products run whole.
                Box::new(move |g| {
                    vec![
                        only_if(ta, || linalg::matmul_whole(g, vb.t())),
                        only_if(tb, || linalg::matmul_whole(va.t(), g)),
                    ]
                }),
            ))
        }
        Op::ElemDiv => elem_div(&x, &y, va, vb),
        Op::RightDiv if scalar(&vb) => elem_div(&x, &y, va, vb),
        Op::LeftDiv if scalar(&va) => elem_div(&y, &x, vb, va),
        Op::ElemPow | Op::Pow if op == Op::ElemPow || (scalar(&va) && scalar(&vb)) => {
            let out = zip(".^", &va, &vb, f64::powf)?;
            Ok(pow_record(&x, &y, out))
        }
        other => Err(unsupported(&format!("`{other}` between these operands"))),
    }
}

fn elem_mul(x: &Input<'_>, y: &Input<'_>, va: Shared, vb: Shared) -> Result<Value> {
    let out = zip(".*", &va, &vb, |p, q| p * q)?;
    let (sa, sb) = (va.dim(), vb.dim());
    let (ta, tb) = (x.traced(), y.traced());
    Ok(record(
        &[x, y],
        out,
        Box::new(move |g| {
            let by = |v: &Array2<f64>, shape| {
                unbroadcast(
                    &zip(".*", g, v, |p, q| p * q).expect("shapes broadcast"),
                    shape,
                )
            };
            vec![only_if(ta, || by(&vb, sa)), only_if(tb, || by(&va, sb))]
        }),
    ))
}

fn elem_div(x: &Input<'_>, y: &Input<'_>, va: Shared, vb: Shared) -> Result<Value> {
    let out = Arc::new(zip("./", &va, &vb, |p, q| p / q)?);
    let (sa, sb) = (va.dim(), vb.dim());
    let (ta, tb) = (x.traced(), y.traced());
    Ok(record_shared(
        &[x, y],
        out.clone(),
        Box::new(move |g| {
            let ga = || zip("./", g, &vb, |p, q| p / q).expect("shapes broadcast");
            let gb = || {
                let q = zip("./", &out, &vb, |o, d| o / d).expect("shapes broadcast");
                zip(".*", g, &q, |p, r| -p * r).expect("shapes broadcast")
            };
            vec![
                only_if(ta, || unbroadcast(&ga(), sa)),
                only_if(tb, || unbroadcast(&gb(), sb)),
            ]
        }),
    ))
}

/// `a .^ b` with a traced side; `out` is the plain operator's result (which
/// computes some exponents without `pow`).
pub fn elem_pow(a: &Value, b: &Value, out: Value) -> Result<Value> {
    let (x, y) = (input(a)?, input(b)?);
    Ok(pow_record(&x, &y, out.to_matrix()?.into_owned()))
}

/// Records `out = x .^ y`.
pub(super) fn pow_record(x: &Input<'_>, y: &Input<'_>, out: Array2<f64>) -> Value {
    let (va, vb) = (x.value().clone(), y.value().clone());
    let (sa, sb) = (va.dim(), vb.dim());
    record(
        &[x, y],
        out.clone(),
        Box::new(move |g| {
            let da = zip(".^", &va, &vb, |p, q| {
                if q == 0.0 {
                    0.0
                } else {
                    q * p.powf(q - 1.0)
                }
            })
            .expect("shapes broadcast");
            let ga = zip(".*", g, &da, |p, q| p * q).expect("shapes broadcast");
            let db = zip(
                ".^",
                &out,
                &va,
                |o, p| if o == 0.0 { 0.0 } else { o * p.ln() },
            )
            .expect("shapes broadcast");
            let gb = zip(".*", g, &db, |p, q| p * q).expect("shapes broadcast");
            vec![unbroadcast(&ga, sa), unbroadcast(&gb, sb)]
        }),
    )
}

/// Prefix, postfix and elementwise one-argument operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `x'`
    Transpose,
}

/// A unary operator on a traced operand.
pub fn unary(op: UnaryOp, a: &Value) -> Result<Value> {
    let x = input(a)?;
    let v = x.value().clone();
    match op {
        UnaryOp::Neg => Ok(record(&[&x], -&v, Box::new(|g| vec![-g]))),
        UnaryOp::Transpose => Ok(record(
            &[&x],
            v.t().as_standard_layout().into_owned(),
            Box::new(|g| vec![g.t().as_standard_layout().into_owned()]),
        )),
    }
}

/// The forward kernel of an elementwise rule: the plain builtin's own.
pub(super) enum Kernel {
    /// A function of one element (libm's).
    Each(fn(f64) -> f64),
    /// A slice kernel of [`crate::vecmath`].
    Slices(fn(&[f64], &mut [f64])),
}

/// `f(x)` elementwise with derivative `d(x, f(x))`. `d` is a closure of
/// its own type, not a function pointer: called through a pointer for each
/// element, tanh's `1 - y²` was 4% of a small network's step.
pub(super) fn elementwise(
    x: &Input<'_>,
    f: Kernel,
    d: impl Fn(f64, f64) -> f64 + Send + Sync + 'static,
) -> Result<Value> {
    let v = x.shared();
    let out = Arc::new(match f {
        Kernel::Each(f) => crate::parallel::map_costly(&v, f)?,
        Kernel::Slices(k) => crate::parallel::map_slices(&v, k)?,
    });
    let saved = out.clone();
    Ok(record_shared(
        &[x],
        out,
        Box::new(move |g| {
            vec![Zip::from(&*v)
                .and(&*saved)
                .and(g)
                .map_collect(|a, o, g| d(*a, *o) * g)]
        }),
    ))
}
