//! Elementwise maps of costly functions (`exp`, `tanh`, `sigmoid`, …) split
//! across the cores: each element costs libm 5–20 ns, so a map of a
//! 1000×1000 matrix is milliseconds of one core while the other waits.

use crate::error::Result;
use crate::interrupt::{self, CHUNK};
use crate::simd_state::clear_upper_simd_state;
use ndarray::{Array2, ShapeBuilder};
use std::sync::OnceLock;

/// Maps of a libm function (5–20 ns an element) over fewer elements than
/// this run on the calling thread. Starting a thread and waiting for it
/// costs 50–100 µs in this virtual machine, and its two cores behave like
/// two hardware threads of one: measured, µs on one thread / on two,
/// glibc's `exp` of 16384 elements 90–120 / 130–150, of 65536 405–480 /
/// 300–335; glibc's `tanh` of 16384 307 / 258.
pub const PARALLEL_LIBM_ELEMENTS: usize = 1 << 15;

/// The same for [`crate::vecmath`]'s kernels (2–3 ns an element with
/// AVX-512): `tanh` of 65536 elements 211–231 / 175–185 µs, of 131072
/// 349–476 / 354 µs, of 262144 689–953 / 512–667 µs; `sigmoid` gains
/// nothing below 262144.
pub const PARALLEL_VECMATH_ELEMENTS: usize = 1 << 18;

/// `f` (a libm function) of each element of `a`, split across the cores
/// above [`PARALLEL_LIBM_ELEMENTS`]. The result is the same bits on any
/// number of threads: each element is `f` of that element alone.
pub fn map_costly(a: &Array2<f64>, f: impl Fn(f64) -> f64 + Sync) -> Result<Array2<f64>> {
    let kernel = |x: &[f64], o: &mut [f64]| {
        for (o, x) in o.iter_mut().zip(x) {
            *o = f(*x);
        }
    };
    map_split(a, kernel, PARALLEL_LIBM_ELEMENTS)
}

/// `kernel(x, out)`, one of [`crate::vecmath`]'s, over the elements of
/// `a`, split across the cores above [`PARALLEL_VECMATH_ELEMENTS`].
pub fn map_slices(
    a: &Array2<f64>,
    kernel: impl Fn(&[f64], &mut [f64]) + Sync,
) -> Result<Array2<f64>> {
    map_split(a, kernel, PARALLEL_VECMATH_ELEMENTS)
}

/// `kernel(x, out)` over the elements of `a` in memory order, writing a
/// result of `a`'s shape and layout: on this thread below `parallel_from`
/// elements, else in one piece per core. A kernel treats each element
/// alone, so the split never changes a bit. Stops on an interrupt between
/// chunks of [`CHUNK`] elements, as [`interrupt::map`] does.
fn map_split(
    a: &Array2<f64>,
    kernel: impl Fn(&[f64], &mut [f64]) + Sync,
    parallel_from: usize,
) -> Result<Array2<f64>> {
    let column_major = !a.is_standard_layout() && a.t().is_standard_layout();
    let src = match a.as_slice_memory_order() {
        Some(s) if a.is_standard_layout() || column_major => s,
        _ => {
            // Strided or reversed (`fliplr` keeps negative strides): a
            // copy in memory order first, counted against the budget.
            crate::memory::reserve_elements(a.len(), std::mem::size_of::<f64>())?;
            let copy = a.as_standard_layout().into_owned();
            return map_split(&copy, kernel, parallel_from);
        }
    };
    crate::memory::reserve_elements(a.len(), std::mem::size_of::<f64>())?;
    // Zeroed, so the system hands over fresh pages without writing them.
    let mut out = vec![0.0; a.len()];
    let threads = if a.len() < parallel_from {
        1
    } else {
        threads()
    };
    for (o, x) in out.chunks_mut(CHUNK).zip(src.chunks(CHUNK)) {
        if a.len() > CHUNK {
            interrupt::check()?;
        }
        if threads < 2 {
            kernel(x, o);
            continue;
        }
        let piece = x.len().div_ceil(threads);
        // Threads of their own, not rayon's: rayon's idle workers spin
        // before they sleep, and on this machine's two hardware threads
        // that spinning slowed the serial work after each map (the MLP's
        // 100 steps: 250 ms on rayon against 184 ms so and 217 ms serial).
        let all_started = std::thread::scope(|scope| {
            let mut pieces = o.chunks_mut(piece).zip(x.chunks(piece));
            let here = pieces.next();
            let mut all_started = true;
            for (o, x) in pieces {
                let kernel = &kernel;
                let started =
                    std::thread::Builder::new().spawn_scoped(scope, move || fill(x, o, kernel));
                all_started &= started.is_ok();
            }
            if let Some((o, x)) = here {
                fill(x, o, &kernel);
            }
            all_started
        });
        if !all_started {
            // The system refused a thread (a process limit): do it all here.
            kernel(x, o);
        }
    }
    let shape = a.dim();
    let out = if column_major {
        Array2::from_shape_vec(shape.f(), out)
    } else {
        Array2::from_shape_vec(shape, out)
    };
    Ok(out.expect("one element per element of `a`"))
}

/// One piece of a map, on whichever thread runs it.
fn fill(x: &[f64], o: &mut [f64], kernel: &impl Fn(&[f64], &mut [f64])) {
    // The calling thread may have run faer's kernels last.
    clear_upper_simd_state();
    kernel(x, o);
}

/// The cores to split a map across, asked once.
fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_maps_give_the_serial_bits_in_either_layout() {
        let a = Array2::from_shape_fn((300, 200), |(i, j)| {
            (i as f64 - 150.0) / 7.0 + j as f64 / 13.0
        });
        let want = a.mapv(f64::tanh);
        let got = map_costly(&a, f64::tanh).unwrap();
        assert!(got.is_standard_layout());
        assert_eq!(got, want);
        let mut t = Array2::zeros(a.dim().f());
        t.assign(&a);
        assert!(!t.is_standard_layout());
        let got = map_costly(&t, f64::tanh).unwrap();
        assert_eq!(got, want);
        assert!(
            got.t().is_standard_layout(),
            "a column-major input gives a column-major result"
        );
        // A matrix not in one piece is copied in memory order first.
        let strided = a.clone().slice_move(ndarray::s![..;2, ..]);
        assert!(strided.as_slice_memory_order().is_none());
        assert_eq!(
            map_costly(&strided, f64::exp).unwrap(),
            strided.mapv(f64::exp)
        );
    }

    #[test]
    fn a_raised_flag_stops_a_parallel_map() {
        let _w = interrupt::watch(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
            true,
        )));
        assert!(map_costly(&Array2::<f64>::ones((3, 3)), f64::exp).is_ok());
        let big = Array2::<f64>::ones((CHUNK / 100 + 1, 100));
        assert!(map_costly(&big, f64::exp).is_err());
    }
}
