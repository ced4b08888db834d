//! What does splitting a product into blocks, to look at the interrupt
//! flag between them, cost? Times faer's product whole, in blocks of the
//! inner dimension (what `linalg::matmul` does above
//! `linalg::INTERRUPT_BLOCK_FLOPS`) and in blocks of columns, on one thread,
//! as CPU time.
//!
//! Run with `cargo bench -p mla-runtime --bench matmul_blocks`.

use faer::{Accum, Mat, Par};

/// The process's CPU time (user + system) in seconds, from /proc: on a
/// machine shared with other work, wall time says more about the others.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn best_secs(mut f: impl FnMut(), reps: usize) -> f64 {
    f(); // warm up
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let c = cpu_secs();
            f();
            cpu_secs() - c
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[0]
}

fn main() {
    println!(
        "{:>6} {:>7} {:>10} {:>10} {:>10}",
        "n", "blocks", "whole (s)", "inner dim", "columns"
    );
    for (n, reps) in [(2000usize, 5), (3000, 3)] {
        let a = Mat::<f64>::from_fn(n, n, |i, j| ((i * 7 + j * 3) % 11) as f64);
        let b = Mat::<f64>::from_fn(n, n, |i, j| ((i + j * 5) % 13) as f64);
        let mut c = Mat::<f64>::zeros(n, n);
        for blocks in [2usize, 4, 8] {
            let width = n.div_ceil(blocks);
            let whole = best_secs(
                || faer::linalg::matmul::matmul(&mut c, Accum::Replace, &a, &b, 1.0, Par::Seq),
                reps,
            );
            let inner = best_secs(
                || {
                    let mut p = 0;
                    while p < n {
                        let w = width.min(n - p);
                        let accum = if p == 0 { Accum::Replace } else { Accum::Add };
                        faer::linalg::matmul::matmul(
                            c.as_mut(),
                            accum,
                            a.as_ref().subcols(p, w),
                            b.as_ref().subrows(p, w),
                            1.0,
                            Par::Seq,
                        );
                        p += w;
                    }
                },
                reps,
            );
            let cols = best_secs(
                || {
                    let mut j = 0;
                    while j < n {
                        let w = width.min(n - j);
                        faer::linalg::matmul::matmul(
                            c.as_mut().subcols_mut(j, w),
                            Accum::Replace,
                            &a,
                            b.as_ref().subcols(j, w),
                            1.0,
                            Par::Seq,
                        );
                        j += w;
                    }
                },
                reps,
            );
            println!("{n:>6} {blocks:>7} {whole:>10.2} {inner:>10.2} {cols:>10.2}");
        }
    }
}
