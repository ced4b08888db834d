//! Where should matrix products switch from one thread to all of them?
//! Times faer's product sequentially and in parallel across sizes and prints
//! the crossover; `linalg::PARALLEL_MATMUL_FLOPS` is set from this.
//!
//! Run with `cargo bench -p mla-runtime --bench matmul`.

use faer::{Accum, Mat, Par};
use std::time::Instant;

fn median_secs(mut f: impl FnMut(), reps: usize) -> f64 {
    f(); // warm up
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[reps / 2]
}

fn main() {
    println!(
        "{:>6} {:>12} {:>12} {:>8}",
        "n", "seq (µs)", "par (µs)", "seq/par"
    );
    for n in [16usize, 32, 48, 64, 96, 128, 160, 192, 256, 384, 512, 1024] {
        let a = Mat::<f64>::from_fn(n, n, |i, j| ((i * 7 + j * 3) % 11) as f64);
        let b = Mat::<f64>::from_fn(n, n, |i, j| ((i + j * 5) % 13) as f64);
        let mut c = Mat::<f64>::zeros(n, n);
        let reps = if n <= 128 {
            201
        } else if n <= 512 {
            21
        } else {
            5
        };
        let seq = median_secs(
            || faer::linalg::matmul::matmul(&mut c, Accum::Replace, &a, &b, 1.0, Par::Seq),
            reps,
        );
        let par = median_secs(
            || faer::linalg::matmul::matmul(&mut c, Accum::Replace, &a, &b, 1.0, Par::rayon(0)),
            reps,
        );
        println!(
            "{n:>6} {:>12.1} {:>12.1} {:>8.2}",
            seq * 1e6,
            par * 1e6,
            seq / par
        );
    }
    let threshold = mla_runtime::linalg::PARALLEL_MATMUL_FLOPS;
    println!(
        "MLA goes parallel at {threshold} multiply-adds (n = {:.0})",
        (threshold as f64).cbrt()
    );
}
