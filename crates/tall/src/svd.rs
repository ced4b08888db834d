//! `svd(T, k)` of a tall by a randomized range finder (Halko, Martinsson
//! and Tropp, 2011) over row passes: the sketch `Y = T Ω` is never held;
//! one pass sums `Z = Y' T`, from which `Y' Y = Z Ω` and, with its
//! Cholesky factor `R`, the small `B = R⁻ᵀ Z = Q' T` whose SVD gives `s`
//! and `V`. `U = T V diag(1/s)` stays a tall, computed by a second pass
//! when gathered.

use crate::ops::cross;
use crate::plan::Tall;
use crate::run;
use crate::value::TallValue;
use mla_runtime::{linalg, CallContext, Result, RuntimeError, Value};
use ndarray::Array2;

/// Columns of the sketch beyond `k`: enough for the top `k` to be accurate
/// when the spectrum decays (Halko et al. suggest 5 to 10).
const OVERSAMPLE: usize = 10;

/// `svd(T, k)`: `s` alone, `(U, s)` or `(U, s, Vt)` as `cx.nout` asks.
pub fn svd(cx: &mut CallContext<'_>, t: &Tall, rest: &[Value]) -> Result<Value> {
    let p = t.ncols();
    let k = match rest {
        [k] => k
            .to_count("the number of singular triplets")
            .map_err(|e| e.at_arg(1))?,
        _ => {
            return Err(RuntimeError::Domain(
                "svd of a tall needs the number of singular triplets: svd(T, k)".into(),
            ))
        }
    };
    if k == 0 || k > p {
        return Err(RuntimeError::Domain(format!(
            "svd(T, k) needs 1 <= k <= columns = {p}, got k = {k}"
        ))
        .at_arg(1));
    }
    let l = (k + OVERSAMPLE).min(p);
    let rng = cx.rng();
    let omega = Array2::from_shape_fn((p, l), |_| rng.normal());
    // Y = T Ω as a tall of l columns; Z = Y' T in one pass.
    let sketch = t.with_cols(t.times(&omega), false, format!("{} * Ω", t.recipe));
    let z = cross(&sketch, t);
    run::compute(&[&z])?;
    let z = z
        .value
        .get()
        .ok_or_else(|| RuntimeError::Domain("svd: the sketch was not computed".into()))?
        .to_matrix()?
        .into_owned();
    let yty = z.dot(&omega);
    let yty = (&yty + &yty.t()) / 2.0;
    let r = linalg::chol(&yty).map_err(|_| {
        RuntimeError::Domain(
            "svd(T, k): the sketch T * Ω is rank deficient (T has fewer than k independent columns?)"
                .into(),
        )
    })?;
    let (b, _) = linalg::solve(&r.t().to_owned(), &z)?;
    let (_, s, vt) = linalg::svd_thin(&b)?;
    let s: Vec<f64> = s.into_iter().take(k).collect();
    let vt = vt.slice(ndarray::s![..k, ..]).to_owned();
    if cx.nout < 2 {
        return Ok(Value::column(s));
    }
    // U = T V diag(1/s): a tall, computed when used.
    let scale = Array2::from_shape_fn((p, k), |(a, j)| vt[[j, a]] / s[j]);
    let u = TallValue::Tall(t.with_cols(
        t.times(&scale),
        false,
        format!("U of svd({}, {k})", t.recipe),
    ))
    .into_value();
    let s = Value::column(s);
    if cx.nout == 2 {
        return Ok(Value::tuple(vec![u, s]));
    }
    Ok(Value::tuple(vec![u, s, Value::matrix(vt)]))
}
