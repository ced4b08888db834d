#!/usr/bin/env python3
"""Runs the same jobs in NumPy and in MLA and prints the time ratios.

Usage (from the repository root):
    pip install numpy
    cargo build --release -p mla-repl
    python3 bench/compare_numpy.py [path/to/mla]

Each job is timed inside its own runtime (MLA with tic/toc, NumPy with
perf_counter), best of several repetitions, so process start-up is not counted.
"""
import os
import subprocess
import sys
import time

import numpy as np

REPS = 5
MLA = sys.argv[1] if len(sys.argv) > 1 else "target/release/mla"
IRIS = os.path.join(os.path.dirname(__file__), "..", "crates", "runtime", "data", "iris.csv")

MLA_SCRIPT = r"""
seed(1);
A = rand(1000, 1000); B = rand(1000, 1000);
S = rand(500, 500); S = S + S';
T = rand(2000, 500);
M = rand(1000, 1000) + 1000 * eye(1000); b = rand(1000, 1);
W = rand(1000, 1000); Xb = rand(1000, 1000); bias = rand(1000, 1);
(X, y) = dataset("iris");
function best = bench(name, job)
    best = Inf;
    for r = 1:REPS
        tic(); job(); t = toc();
        best = min(best, t);
    end
    printf("%s %.9f\n", name, best);
end
bench("matmul 1000x1000", () -> A * B);
bench("eig symmetric 500x500", () -> eig(S));
bench("eig with vectors 500x500", () -> size(eig(S)));
bench("thin svd 2000x500", () -> svd(T));
bench("solve 1000x1000", () -> M \ b);
bench("layer sigmoid(W*X + b) 1000^2", () -> sigmoid(W * Xb + bias));
function pca_loop(X)
    for k = 1:1000
        Xc = X - mean(X);
        C = Xc' * Xc / rows(X);
        (vals, vecs) = eig(C);
    end
end
bench("PCA of iris x1000", () -> pca_loop(X));
function s = count_loop()
    s = 0;
    for i = 1:1000000
        s += i;
    end
end
bench("scalar loop 1e6", () -> count_loop());
""".replace("REPS", str(REPS))


def best_of(job):
    best = float("inf")
    for _ in range(REPS):
        t = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - t)
    return best


def numpy_times():
    rng = np.random.default_rng(1)
    A, B = rng.random((1000, 1000)), rng.random((1000, 1000))
    S = rng.random((500, 500)); S = S + S.T
    T = rng.random((2000, 500))
    M = rng.random((1000, 1000)) + 1000 * np.eye(1000); b = rng.random((1000, 1))
    W, Xb, bias = rng.random((1000, 1000)), rng.random((1000, 1000)), rng.random((1000, 1))
    X = np.loadtxt(IRIS, delimiter=",", skiprows=1)[:, :4]

    def pca_loop():
        for _ in range(1000):
            Xc = X - X.mean(axis=0)
            C = Xc.T @ Xc / X.shape[0]
            np.linalg.eigh(C)

    def count_loop():
        s = 0.0
        for i in range(1, 1000001):
            s += i
        return s

    return {
        "matmul 1000x1000": best_of(lambda: A @ B),
        "eig symmetric 500x500": best_of(lambda: np.linalg.eigvalsh(S)),
        "eig with vectors 500x500": best_of(lambda: np.linalg.eigh(S)),
        "thin svd 2000x500": best_of(lambda: np.linalg.svd(T, full_matrices=False)),
        "solve 1000x1000": best_of(lambda: np.linalg.solve(M, b)),
        "layer sigmoid(W*X + b) 1000^2": best_of(lambda: 1 / (1 + np.exp(-(W @ Xb + bias)))),
        "PCA of iris x1000": best_of(pca_loop),
        "scalar loop 1e6": best_of(count_loop),
    }


def mla_times():
    out = subprocess.run([MLA, "-"], input=MLA_SCRIPT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"mla failed:\n{out.stderr}")
    times = {}
    for line in out.stdout.splitlines():
        name, secs = line.rsplit(" ", 1)
        times[name] = float(secs)
    return times


def main():
    np_t = numpy_times()
    mla_t = mla_times()
    print(f"{'job':34} {'NumPy (ms)':>11} {'MLA (ms)':>10} {'MLA/NumPy':>10}")
    for name, t in np_t.items():
        m = mla_t[name]
        print(f"{name:34} {t * 1e3:11.2f} {m * 1e3:10.2f} {m / t:10.2f}")


if __name__ == "__main__":
    main()
