//! Truncated SVD: the top k singular triplets, fast when k ≪ min(m, n).

use super::{flip_column_positive, matmul, qr, require_finite, svd_thin};
use crate::error::{Result, RuntimeError};
use ndarray::Array2;

/// The top `k` singular triplets, signs as in [`svd_thin`].
///
/// For `k` much smaller than `min(m, n)` this runs randomized subspace
/// iteration (Halko, Martinsson and Tropp, 2011) with a fixed-seed sketch, and
/// accepts the result only when every kept triplet satisfies `A v = s u` and
/// `A' u = s v` to 1e-10 of the largest singular value (and 1e-8 of its own);
/// when a few iterations do not get there (a flat spectrum) it falls back to
/// the full thin SVD.
/// Either way the result is accurate, and deterministic.
pub fn svd_top(a: &Array2<f64>, k: usize) -> Result<(Array2<f64>, Vec<f64>, Array2<f64>)> {
    require_finite("svd", a)?;
    let (m, n) = a.dim();
    let r = m.min(n);
    let truncate = |(u, mut s, vt): (Array2<f64>, Vec<f64>, Array2<f64>)| {
        s.truncate(k);
        (
            u.slice(ndarray::s![.., ..k]).to_owned(),
            s,
            vt.slice(ndarray::s![..k, ..]).to_owned(),
        )
    };
    if k == 0 || 4 * k >= r || r <= 64 {
        return Ok(truncate(svd_thin(a)?));
    }
    match randomized_svd(a, k)? {
        Some(out) => Ok(out),
        None => Ok(truncate(svd_thin(a)?)),
    }
}

/// An orthonormal basis of the columns of `y` (thin QR's Q), or none when
/// the QR fails; an interruption goes on up.
fn orth(y: &Array2<f64>) -> Result<Option<Array2<f64>>> {
    match qr(y) {
        Ok((q, _)) => Ok(Some(q)),
        Err(e @ RuntimeError::Interrupted { .. }) => Err(e),
        Err(_) => Ok(None),
    }
}

/// The top `k` triplets, or none when the iteration does not converge fast
/// enough (the caller then runs the full SVD).
#[allow(clippy::type_complexity)]
fn randomized_svd(
    a: &Array2<f64>,
    k: usize,
) -> Result<Option<(Array2<f64>, Vec<f64>, Array2<f64>)>> {
    // Enough for the spectra where a truncated SVD pays (a clear decay); a
    // flat spectrum fails the check quickly and goes to the full SVD, so the
    // worst case costs a few products more than `svd(X)`.
    const MAX_ITERATIONS: usize = 6;
    let (m, n) = a.dim();
    let l = (2 * k).max(k + 10).min(m.min(n));
    let at = a.t().as_standard_layout().into_owned();
    let mut rng = crate::rng::Rng::new(0x5EED);
    let omega = Array2::from_shape_fn((n, l), |_| rng.normal());
    let Some(mut q) = orth(&matmul(a, &omega)?)? else {
        return Ok(None);
    };
    let mut previous: Option<f64> = None;
    for iteration in 1..=MAX_ITERATIONS {
        // One step of subspace iteration, re-orthonormalised both ways.
        let Some(qn) = orth(&matmul(&at, &q)?)? else {
            return Ok(None);
        };
        let Some(next) = orth(&matmul(a, &qn)?)? else {
            return Ok(None);
        };
        q = next;
        let b = matmul(q.t(), a)?;
        let (ub, s, vt) = match svd_thin(&b) {
            Ok(f) => f,
            Err(e @ RuntimeError::Interrupted { .. }) => return Err(e),
            Err(_) => return Ok(None),
        };
        let u = matmul(&q, &ub.slice(ndarray::s![.., ..k]).to_owned())?;
        let vt = vt.slice(ndarray::s![..k, ..]).to_owned();
        let s: Vec<f64> = s[..k].to_vec();
        if iteration % 2 != 0 {
            continue;
        }
        let excess = residual_excess(a, &at, &u, &s, &vt)?;
        if excess > 1.0 {
            // Give up early when the residual is not shrinking fast enough to
            // reach the tolerance within the remaining iterations.
            let checks_left = ((MAX_ITERATIONS - iteration) / 2) as i32;
            if let Some(prev) = previous {
                let rate = excess / prev;
                if rate >= 1.0 || excess * rate.powi(checks_left) > 1.0 {
                    return Ok(None);
                }
            }
            previous = Some(excess);
        } else {
            let mut u = u;
            let mut vt = vt;
            for j in 0..k {
                if flip_column_positive(&mut u, j) {
                    vt.row_mut(j).mapv_inplace(|x| -x);
                }
            }
            return Ok(Some((u, s, vt)));
        }
    }
    Ok(None)
}

/// How far the worst kept triplet's residual is above its tolerance
/// (at most 1 means every triplet has converged).
fn residual_excess(
    a: &Array2<f64>,
    at: &Array2<f64>,
    u: &Array2<f64>,
    s: &[f64],
    vt: &Array2<f64>,
) -> Result<f64> {
    let s1 = s.first().copied().unwrap_or(0.0);
    if s1 == 0.0 {
        return Ok(0.0);
    }
    let av = matmul(a, vt.t())?;
    let atu = matmul(at, u)?;
    Ok(s.iter()
        .enumerate()
        .map(|(j, &sj)| {
            let r1: f64 = av
                .column(j)
                .iter()
                .zip(u.column(j))
                .map(|(x, y)| (x - sj * y).powi(2))
                .sum();
            let r2: f64 = atu
                .column(j)
                .iter()
                .zip(vt.row(j))
                .map(|(x, y)| (x - sj * y).powi(2))
                .sum();
            let r = r1.max(r2).sqrt();
            let allowed = (1e-10 * s1).min(1e-8 * sj).max(f64::MIN_POSITIVE);
            r / allowed
        })
        .fold(0.0, f64::max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_matches_the_full_svd() {
        let mut rng = crate::rng::Rng::new(11);
        // a decaying spectrum (the usual case) and a flat one (the hard case)
        for decay in [0.7f64, 1.0] {
            let (m, n, r) = (400, 300, 300);
            let u = qr(&Array2::from_shape_fn((m, r), |_| rng.normal()))
                .unwrap()
                .0;
            let v = qr(&Array2::from_shape_fn((n, r), |_| rng.normal()))
                .unwrap()
                .0;
            let d = Array2::from_diag(&ndarray::Array1::from_iter(
                (0..r).map(|i| 100.0 * decay.powi(i as i32) + 1e-3 * (r - i) as f64),
            ));
            let a = matmul(&matmul(&u, &d).unwrap(), &v.t().to_owned()).unwrap();
            let (uf, sf, vtf) = svd_thin(&a).unwrap();
            let k = 5;
            let (uk, sk, vtk) = svd_top(&a, k).unwrap();
            for j in 0..k {
                assert!(
                    (sk[j] - sf[j]).abs() <= 1e-8 * sf[j],
                    "s[{j}]: {} vs {}",
                    sk[j],
                    sf[j]
                );
                for i in 0..m {
                    assert!((uk[[i, j]] - uf[[i, j]]).abs() < 1e-6, "U[{i},{j}]");
                }
                for i in 0..n {
                    assert!((vtk[[j, i]] - vtf[[j, i]]).abs() < 1e-6, "Vt[{j},{i}]");
                }
            }
        }
    }
}
