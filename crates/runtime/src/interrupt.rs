//! Ctrl-C inside long kernels. The interpreter marks the thread running a
//! program with its interrupt flag ([`watch`]); kernels that can run for
//! seconds look at it between blocks of work and stop with
//! [`RuntimeError::Interrupted`], before anything is assigned, so the
//! workspace is as it was.
//!
//! The flag travels in a thread-local rather than as an argument because
//! the operators (`A * B`, `A .* B`) are plain functions called from many
//! places with no host at hand; a thread nobody watches never stops early,
//! which is what embedders who never set a flag expect.
//!
//! Three ways to stop, by kernel:
//! - products are split into blocks of rows or columns ([`crate::linalg`]);
//! - elementwise kernels over many elements run in chunks ([`map`], [`zip`]);
//! - decompositions (one faer call each, with nothing to hook into) run on
//!   a thread of their own that an interrupt abandons ([`detached`]): the
//!   prompt comes back at once, and the abandoned work finishes in the
//!   background and is dropped.

use crate::error::{Result, RuntimeError};
use ndarray::{Array2, ArrayView2, Axis, ShapeBuilder, Zip};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

thread_local! {
    static WATCHED: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// While alive, kernels on this thread stop when `flag` is set. Dropping it
/// restores what was watched before (watches nest).
#[must_use = "the flag is watched only while the guard lives"]
pub struct Watch {
    previous: Option<Arc<AtomicBool>>,
}

/// Makes kernels on this thread stop when `flag` is set, until the returned
/// guard is dropped.
pub fn watch(flag: Arc<AtomicBool>) -> Watch {
    let previous = WATCHED.with(|w| w.borrow_mut().replace(flag));
    Watch { previous }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let previous = self.previous.take();
        WATCHED.with(|w| *w.borrow_mut() = previous);
    }
}

fn watched() -> Option<Arc<AtomicBool>> {
    WATCHED.with(|w| w.borrow().clone())
}

/// Whether this thread's program was asked to stop.
pub fn requested() -> bool {
    WATCHED.with(|w| {
        w.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

/// An [`RuntimeError::Interrupted`] when this thread's program was asked
/// to stop.
pub fn check() -> Result<()> {
    if requested() {
        Err(RuntimeError::Interrupted { abandoned: None })
    } else {
        Ok(())
    }
}

/// How often a thread waiting for a detached job looks at the flag.
const POLL: Duration = Duration::from_millis(20);

/// Stack for detached jobs: faer's decompositions recurse only a little,
/// but the main thread's default would be a needless limit.
const JOB_STACK: usize = 16 << 20;

/// Runs `job` on a thread of its own while this one watches the flag. On
/// an interrupt this returns at once, naming `what` as the abandoned work;
/// the job runs on to its end and its result is dropped. With no flag
/// watched, `job` simply runs here. The job's thread has this thread's
/// memory budget, so what it allocates is checked as if it ran here.
pub fn detached<R: Send + 'static>(
    what: &'static str,
    job: impl FnOnce() -> R + Send + 'static,
) -> Result<R> {
    let Some(flag) = watched() else {
        return Ok(job());
    };
    check()?;
    let budget = crate::memory::budget();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("mla {what}"))
        .stack_size(JOB_STACK)
        .spawn(move || {
            let _budget = crate::memory::MemoryBudget::set(Some(budget));
            // The receiver is gone when the job was abandoned.
            let _ = tx.send(job());
        });
    let worker = match worker {
        Ok(w) => w,
        Err(e) => {
            return Err(RuntimeError::Domain(format!(
                "cannot start a thread for the {what}: {e}"
            )))
        }
    };
    loop {
        match rx.recv_timeout(POLL) {
            Ok(r) => return Ok(r),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if flag.load(Ordering::Relaxed) {
                    return Err(RuntimeError::Interrupted {
                        abandoned: Some(what),
                    });
                }
            }
            // The job panicked: let the panic go on here, as if it had run here.
            Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("a job that returns has sent its result"),
            },
        }
    }
}

/// Elementwise kernels over at most this many elements run in one piece;
/// larger ones look at the flag between chunks of about this size (a few
/// milliseconds of work each).
pub const CHUNK: usize = 1 << 22;

/// The axis to cut `a` along so that each chunk is contiguous in memory,
/// and whether the result should be column-major.
fn layout(a: &ArrayView2<'_, f64>) -> (Axis, bool) {
    let column_major = a.ncols() > 1 && a.t().is_standard_layout();
    if column_major {
        (Axis(1), true)
    } else {
        (Axis(0), false)
    }
}

/// Lines (rows or columns along `axis`) per chunk of about [`CHUNK`] elements.
fn lines_per_chunk(a: &ArrayView2<'_, f64>, axis: Axis) -> usize {
    let line = a.len() / a.len_of(axis).max(1);
    (CHUNK / line.max(1)).max(1)
}

fn output<T: Clone + Default>(shape: (usize, usize), column_major: bool) -> Result<Array2<T>> {
    // Large results are checked against the memory budget first: an error,
    // not an abort, when memory runs out. A zero default then makes this a
    // zeroed allocation, which the system hands over without writing it.
    crate::memory::reserve_elements(shape.0 * shape.1, std::mem::size_of::<T>())?;
    Ok(if column_major {
        Array2::from_elem(shape.f(), T::default())
    } else {
        Array2::from_elem(shape, T::default())
    })
}

/// `f` of each element of `a`, stopping on an interrupt between chunks.
pub fn map<T: Clone + Default>(a: &Array2<f64>, f: impl Fn(f64) -> T) -> Result<Array2<T>> {
    if a.len() <= CHUNK {
        return Ok(a.map(|x| f(*x)));
    }
    in_chunks(a, |o, x| Zip::from(o).and(x).for_each(|o, x| *o = f(*x)))
}

/// A result shaped and laid out like `a`, filled by `fill` one chunk of
/// lines at a time, with a look at the interrupt flag between chunks.
fn in_chunks<T: Clone + Default>(
    a: &Array2<f64>,
    mut fill: impl FnMut(ndarray::ArrayViewMut2<'_, T>, ArrayView2<'_, f64>),
) -> Result<Array2<T>> {
    let view = a.view();
    let (axis, column_major) = layout(&view);
    let lines = lines_per_chunk(&view, axis);
    let mut out = output(a.dim(), column_major)?;
    for (o, x) in out
        .axis_chunks_iter_mut(axis, lines)
        .zip(view.axis_chunks_iter(axis, lines))
    {
        check()?;
        fill(o, x);
    }
    Ok(out)
}

/// `f` of each pair of elements of `a` and `b`, views of one shape
/// (broadcast ones included), stopping on an interrupt between chunks.
pub fn zip<T: Clone + Default>(
    a: ArrayView2<'_, f64>,
    b: ArrayView2<'_, f64>,
    f: impl Fn(f64, f64) -> T,
) -> Result<Array2<T>> {
    debug_assert_eq!(a.dim(), b.dim());
    if a.len() <= CHUNK {
        return Ok(Zip::from(&a).and(&b).map_collect(|x, y| f(*x, *y)));
    }
    // Follow the layout of the operand that is not broadcast.
    let (axis, column_major) = if a.is_standard_layout() || a.t().is_standard_layout() {
        layout(&a)
    } else {
        layout(&b)
    };
    let lines = lines_per_chunk(&a, axis);
    let mut out = output(a.dim(), column_major)?;
    for ((mut o, x), y) in out
        .axis_chunks_iter_mut(axis, lines)
        .zip(a.axis_chunks_iter(axis, lines))
        .zip(b.axis_chunks_iter(axis, lines))
    {
        check()?;
        Zip::from(&mut o)
            .and(&x)
            .and(&y)
            .for_each(|o, x, y| *o = f(*x, *y));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raised() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(true))
    }

    #[test]
    fn unwatched_threads_never_stop() {
        assert!(check().is_ok());
        assert_eq!(detached("job", || 7).unwrap(), 7);
        let big = Array2::<f64>::ones((CHUNK / 100 + 1, 100));
        assert!(map(&big, |x| x + 1.0).is_ok());
    }

    #[test]
    fn a_raised_flag_stops_the_kernels() {
        let _w = watch(raised());
        assert_eq!(check(), Err(RuntimeError::Interrupted { abandoned: None }));
        let big = Array2::<f64>::ones((CHUNK / 100 + 1, 100));
        assert!(map(&big, |x| x + 1.0).is_err());
        assert!(zip(big.view(), big.view(), |x, y| x + y).is_err());
        // Small kernels finish: they are too short to be worth a look.
        let small = Array2::<f64>::ones((3, 3));
        assert!(map(&small, |x| x + 1.0).is_ok());
    }

    #[test]
    fn a_detached_job_has_the_callers_memory_budget() {
        let _w = watch(Arc::new(AtomicBool::new(false)));
        let _b = crate::memory::MemoryBudget::set(Some(12_345_678));
        let on_the_job = detached("job", crate::memory::budget).unwrap();
        assert_eq!(on_the_job, 12_345_678);
    }

    #[test]
    fn watches_nest_and_end() {
        {
            let _outer = watch(Arc::new(AtomicBool::new(false)));
            {
                let _inner = watch(raised());
                assert!(requested());
            }
            assert!(!requested());
        }
        assert!(!requested());
    }

    #[test]
    fn an_interrupt_abandons_a_detached_job() {
        let flag = Arc::new(AtomicBool::new(false));
        let _w = watch(flag.clone());
        let (release, wait) = mpsc::channel::<()>();
        let setter = {
            let flag = flag.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                flag.store(true, Ordering::Relaxed);
            })
        };
        let started = std::time::Instant::now();
        // The job would wait forever; the interrupt returns without it.
        let r = detached("wait", move || wait.recv().is_ok());
        assert_eq!(
            r,
            Err(RuntimeError::Interrupted {
                abandoned: Some("wait")
            })
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        setter.join().unwrap();
        drop(release);
    }

    #[test]
    fn chunked_kernels_compute_what_whole_ones_do() {
        let _w = watch(Arc::new(AtomicBool::new(false)));
        let (m, n) = (CHUNK / 500 + 7, 500);
        let a = Array2::from_shape_fn((m, n), |(i, j)| (i * 3 + j) as f64);
        let col = Array2::from_shape_fn((m, n).f(), |(i, j)| (i * 3 + j) as f64);
        assert!(col.t().is_standard_layout());
        for x in [&a, &col] {
            let got = map(x, |v| v * 2.0).unwrap();
            assert_eq!(got, x.mapv(|v| v * 2.0));
            assert_eq!(got.is_standard_layout(), x.is_standard_layout());
        }
        let row = Array2::from_shape_fn((1, n), |(_, j)| j as f64);
        let b = row.broadcast((m, n)).unwrap();
        let got = zip(col.view(), b, |x, y| x - y).unwrap();
        assert_eq!(got, Zip::from(&col).and(&b).map_collect(|x, y| x - y));
        let flags = zip(a.view(), col.view(), |x, y| x == y).unwrap();
        assert!(flags.iter().all(|f| *f));
    }
}
