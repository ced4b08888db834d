//! Elementwise maps of costly functions (`exp`, `tanh`, `sigmoid`, …) split
//! across the cores: each element costs libm 5–20 ns, so a map of a
//! 1000×1000 matrix is milliseconds of one core while the other waits.

use crate::error::Result;
use crate::interrupt::{self, CHUNK};
use crate::simd_state::clear_upper_simd_state;
use ndarray::{Array2, ShapeBuilder};
use std::sync::OnceLock;

/// Maps over fewer elements than this run on the calling thread: starting
/// a thread and waiting for it costs about as much as `tanh` of this many
/// elements on one core (measured on this 2-core machine, `tanh` of n×32
/// matrices: 8192 elements 135 µs on one thread against 140–175 µs on two,
/// 16384 elements 307 µs against 258 µs, 131072 elements 2.7 ms against
/// 1.5 ms).
pub const PARALLEL_MAP_ELEMENTS: usize = 1 << 14;

/// `f` of each element of `a`, split across the cores when `a` is
/// large and laid out in one piece; otherwise [`interrupt::map`]. Stops on
/// an interrupt between chunks of [`CHUNK`] elements, as that does. The
/// result is the same bits on any number of threads: each element is `f`
/// of that element alone.
pub fn map_costly(a: &Array2<f64>, f: impl Fn(f64) -> f64 + Sync) -> Result<Array2<f64>> {
    let threads = threads();
    let column_major = !a.is_standard_layout() && a.t().is_standard_layout();
    let src = match a.as_slice_memory_order() {
        Some(s) if a.is_standard_layout() || column_major => s,
        _ => return interrupt::map(a, f),
    };
    if a.len() < PARALLEL_MAP_ELEMENTS || threads < 2 {
        return interrupt::map(a, f);
    }
    crate::memory::reserve_elements(a.len(), std::mem::size_of::<f64>())?;
    // Zeroed, so the system hands over fresh pages without writing them.
    let mut out = vec![0.0; a.len()];
    for (o, x) in out.chunks_mut(CHUNK).zip(src.chunks(CHUNK)) {
        interrupt::check()?;
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
                let f = &f;
                let started =
                    std::thread::Builder::new().spawn_scoped(scope, move || fill(o, x, f));
                all_started &= started.is_ok();
            }
            if let Some((o, x)) = here {
                fill(o, x, &f);
            }
            all_started
        });
        if !all_started {
            // The system refused a thread (a process limit): do it all here.
            fill(o, x, &f);
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
fn fill(o: &mut [f64], x: &[f64], f: &impl Fn(f64) -> f64) {
    // This thread may have run faer's kernels last.
    clear_upper_simd_state();
    for (o, x) in o.iter_mut().zip(x) {
        *o = f(*x);
    }
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
        // A matrix not in one piece falls back to the serial map.
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
