//! Machine-learning helpers: activations, softmax, logsumexp, one_hot and
//! the usual losses. Rows are samples.

use super::{mat, Builtin, CallContext};
use crate::args::lines;
use crate::autodiff::rules as ad;
use crate::error::{Result, RuntimeError};
use crate::kernels::{clamped_ln, cross_entropy_sum, logsumexp_of, relu_one, softmax_of};
use crate::value::Value;
use ndarray::Array2;

pub(crate) const ENTRIES: &[Builtin] = &[
    entry!("machine learning"; "sigmoid", 1, 1, 1, "sigmoid(X)", "1 / (1 + exp(-x)) for each element, computed without overflow", sigmoid; rule ad::sigmoid, pure),
    entry!("machine learning"; "relu", 1, 1, 1, "relu(X)", "max(x, 0) for each element", relu; rule ad::relu, pure),
    entry!("machine learning"; "softmax", 1, 2, 1, "softmax(Z, dim)", "exp(z) / sum(exp(z)): a vector as a whole, a matrix row by row (dim 1: by column)", softmax; rule ad::softmax),
    entry!("machine learning"; "logsumexp", 1, 2, 1, "logsumexp(Z, dim)", "log(sum(exp(z))) without overflow: a vector as a whole, a matrix row by row", logsumexp; rule ad::logsumexp),
    entry!("machine learning"; "one_hot", 2, 2, 1, "one_hot(y, classes)", "n×k matrix whose column j is y == classes[j]; a number k means the classes 1:k; a label not among the classes is an error", one_hot; constant),
    entry!("machine learning"; "mse", 2, 2, 1, "mse(pred, y)", "mean squared error over all elements", mse; rule ad::mse),
    entry!("machine learning"; "bce", 2, 2, 1, "bce(p, y)", "binary cross-entropy -mean(y log p + (1-y) log(1-p)), logs clamped at -100", bce; rule ad::bce),
    entry!("machine learning"; "cross_entropy", 2, 2, 1, "cross_entropy(P, Y)", "-sum(Y .* log(P)) / rows(P): mean cross-entropy of probabilities P against one-hot Y", cross_entropy; rule ad::cross_entropy),
];

fn sigmoid(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    super::elementwise::map_slices(
        args,
        (crate::vecmath::sigmoid, crate::vecmath::sigmoid_into),
    )
}

fn relu(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    super::elementwise::map(args, relu_one)
}

fn softmax(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    Ok(Value::matrix(softmax_of(&m, lines(args, &m)?)))
}

fn logsumexp(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let m = mat(args, 0)?;
    Ok(Value::matrix(logsumexp_of(&m, lines(args, &m)?)))
}

fn one_hot(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    let y = args[0].elements().map_err(|e| e.at_arg(0))?;
    // A number k means the classes 1:k (labels as MATLAB numbers them);
    // a vector lists the classes.
    let classes = match args[1].as_scalar() {
        Some(_) => {
            let k = args[1]
                .to_count("the number of classes")
                .map_err(|e| e.at_arg(1))?;
            crate::value::check_alloc(1, k).map_err(|e| e.at_arg(1))?;
            if k == 0 {
                return Err(
                    RuntimeError::Domain("one_hot needs at least one class, got 0".into())
                        .at_arg(1),
                );
            }
            if let Some(bad) = y
                .iter()
                .find(|&&l| !(l >= 1.0 && l <= k as f64 && l.fract() == 0.0))
            {
                let lo = y.iter().copied().fold(f64::INFINITY, f64::min);
                let hint = if lo == 0.0 {
                    format!("; for labels 0…{} write one_hot(y, 0:{})", k - 1, k - 1)
                } else {
                    String::new()
                };
                return Err(RuntimeError::Domain(format!(
                    "label {} is not one of the classes 1:{k}{hint}",
                    crate::display::format_scalar(*bad)
                ))
                .at_arg(0));
            }
            (1..=k).map(|c| c as f64).collect()
        }
        None => {
            let classes = args[1].elements().map_err(|e| e.at_arg(1))?;
            // A label outside the classes would be a row of zeros, which
            // no loss notices: refuse it (the robustness issue).
            if let Some(bad) = y.iter().find(|l| !classes.contains(l)) {
                return Err(RuntimeError::Domain(format!(
                    "label {} is not one of the classes {}",
                    crate::display::format_scalar(*bad),
                    crate::display::inline(&args[1])
                ))
                .at_arg(0));
            }
            classes
        }
    };
    crate::value::check_alloc(y.len(), classes.len())?;
    Ok(Value::matrix(Array2::from_shape_fn(
        (y.len(), classes.len()),
        |(i, j)| f64::from(u8::from(y[i] == classes[j])),
    )))
}

fn same_shape(name: &str, args: &[Value]) -> Result<()> {
    let (a, b) = (args[0].shape(), args[1].shape());
    if a != b {
        return Err(RuntimeError::Shape(format!(
            "{name} needs its two arguments the same shape, got {}×{} and {}×{}",
            a.0, a.1, b.0, b.1
        )));
    }
    Ok(())
}

fn mse(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    same_shape("mse", args)?;
    let (p, y) = (mat(args, 0)?, mat(args, 1)?);
    let n = p.len() as f64;
    Ok(Value::Num(
        p.iter()
            .zip(y.iter())
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            / n,
    ))
}

fn bce(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    same_shape("bce", args)?;
    let (p, y) = (mat(args, 0)?, mat(args, 1)?);
    let n = p.len() as f64;
    let total: f64 = p
        .iter()
        .zip(y.iter())
        .map(|(p, y)| -(y * clamped_ln(*p) + (1.0 - y) * clamped_ln(1.0 - p)))
        .sum();
    Ok(Value::Num(total / n))
}

fn cross_entropy(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
    same_shape("cross_entropy", args)?;
    let (p, y) = (mat(args, 0)?, mat(args, 1)?);
    let n = p.nrows() as f64;
    Ok(Value::Num(cross_entropy_sum(p.view(), y.view()) / n))
}
