#!/usr/bin/env python3
"""Runs the same jobs in NumPy and in MLA and prints the time ratios.

Usage (from the repository root):
    pip install numpy
    cargo build --release -p mla-repl
    python3 bench/compare_numpy.py [path/to/mla] [--rounds N]

Each job is timed inside its own runtime (MLA with tic/toc, NumPy with
perf_counter), best of several repetitions, so process start-up is not counted.
NumPy and MLA then run again, one after the other, for --rounds rounds
(default 3), and each side keeps its best time of all rounds: on a virtual
machine whose speed drifts for seconds at a time, one slow stretch over one
side's process would otherwise decide the ratio.
"""
import os
import subprocess
import sys
import time

import numpy as np

REPS = 5
ARGS = sys.argv[1:]
ROUNDS = 3
if "--rounds" in ARGS:
    i = ARGS.index("--rounds")
    if i + 1 >= len(ARGS) or not ARGS[i + 1].isdigit() or int(ARGS[i + 1]) < 1:
        sys.exit("usage: compare_numpy.py [path/to/mla] [--rounds N], N ≥ 1")
    ROUNDS = int(ARGS[i + 1])
    del ARGS[i : i + 2]
MLA = ARGS[0] if ARGS else "target/release/mla"
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
# One result of `eig` or `svd` is the values alone: the jobs with vectors
# ask for every result, as NumPy's `eigh` and `svd` compute them.
function n = eig_vectors(S)
    (vals, vecs) = eig(S); n = 0;
end
function n = thin_svd(T)
    (U, s, Vt) = svd(T); n = 0;
end
bench("eig symmetric 500x500", () -> eig(S));
bench("eig with vectors 500x500", () -> eig_vectors(S));
bench("thin svd 2000x500", () -> thin_svd(T));
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
Xl = randn(20000, 100); yl = 1.0 * (Xl * randn(100, 1) > 0); rl = randn(20000, 1); wl = randn(100, 1);
function s = tr_loop(X, r)
    for k = 1:100
        s = X' * r;
    end
end
function s = t_loop(X)
    for k = 1:100
        s = X';
    end
end
function s = mv_loop(X, w)
    for k = 1:100
        s = X * w;
    end
end
bench("100x X' * r (X 20000x100)", () -> tr_loop(Xl, rl));
bench("100x X' alone", () -> t_loop(Xl));
bench("100x X * w", () -> mv_loop(Xl, wl));
function w = logreg(X, y)
    w = zeros(cols(X), 1);
    n = rows(X);
    for k = 1:100
        p = sigmoid(X * w);
        w = w - 0.1 * (X' * (p - y)) / n;
    end
end
bench("logreg 100 steps 20000x100", () -> logreg(Xl, yl));
Xd = rand(1797, 64); Yd = one_hot(randi(10, 1797, 1), 10);
W1i = 0.1 * randn(64, 32); W2i = 0.1 * randn(32, 10);
function W1 = mlp(X, Y, W1, W2)
    b1 = zeros(1, 32); b2 = zeros(1, 10); n = rows(X); lr = 0.5;
    for k = 1:100
        H = tanh(X * W1 + b1);
        P = softmax(H * W2 + b2);
        D2 = (P - Y) / n;
        gW2 = H' * D2; gb2 = sum(D2, 1);
        D1 = (D2 * W2') .* (1 - H .^ 2);
        gW1 = X' * D1; gb1 = sum(D1, 1);
        W1 -= lr * gW1; b1 -= lr * gb1; W2 -= lr * gW2; b2 -= lr * gb2;
    end
end
function W1 = mlp_ad(X, Y, W1, W2)
    b1 = zeros(1, 32); b2 = zeros(1, 10); lr = 0.5;
    loss = (W1, b1, W2, b2) -> cross_entropy(softmax(tanh(X * W1 + b1) * W2 + b2), Y);
    for k = 1:100
        (l, g1, gb1, g2, gb2) = value_and_grad(loss, W1, b1, W2, b2);
        W1 -= lr * g1; b1 -= lr * gb1; W2 -= lr * g2; b2 -= lr * gb2;
    end
end
bench("MLP 100 steps, hand-written", () -> mlp(Xd, Yd, W1i, W2i));
bench("MLP 100 steps, value_and_grad", () -> mlp_ad(Xd, Yd, W1i, W2i));
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

    Xl = rng.standard_normal((20000, 100))
    yl = 1.0 * (Xl @ rng.standard_normal((100, 1)) > 0)
    rl = rng.standard_normal((20000, 1)); wl = rng.standard_normal((100, 1))

    def logreg():
        w = np.zeros((100, 1)); n = Xl.shape[0]
        for _ in range(100):
            p = 1 / (1 + np.exp(-(Xl @ w)))
            w = w - 0.1 * (Xl.T @ (p - yl)) / n
        return w

    Xd = rng.random((1797, 64)); Yd = np.eye(10)[rng.integers(0, 10, 1797)]
    W1i = 0.1 * rng.standard_normal((64, 32)); W2i = 0.1 * rng.standard_normal((32, 10))

    def mlp():
        W1, W2 = W1i.copy(), W2i.copy()
        b1, b2 = np.zeros((1, 32)), np.zeros((1, 10)); n = Xd.shape[0]; lr = 0.5
        for _ in range(100):
            H = np.tanh(Xd @ W1 + b1)
            Z = H @ W2 + b2
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            P = E / E.sum(axis=1, keepdims=True)
            D2 = (P - Yd) / n
            gW2 = H.T @ D2; gb2 = D2.sum(axis=0, keepdims=True)
            D1 = (D2 @ W2.T) * (1 - H ** 2)
            gW1 = Xd.T @ D1; gb1 = D1.sum(axis=0, keepdims=True)
            W1 -= lr * gW1; b1 -= lr * gb1; W2 -= lr * gW2; b2 -= lr * gb2
        return W1

    return {
        "100x X' * r (X 20000x100)": best_of(lambda: [Xl.T @ rl for _ in range(100)]),
        "100x X' alone": best_of(lambda: [Xl.T for _ in range(100)]),
        "100x X * w": best_of(lambda: [Xl @ wl for _ in range(100)]),
        "logreg 100 steps 20000x100": best_of(logreg),
        "MLP 100 steps, hand-written": best_of(mlp),
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


PEAK_MLA = "X = randn(3000, 3000); Y = X; Y[1] = 0; Z = X' * X;"
PEAK_NUMPY = (
    "import numpy as np; X = np.random.default_rng(1).standard_normal((3000, 3000)); "
    "Y = X.copy(); Y[0, 0] = 0; Z = X.T @ X"
)


def peak_of(cmd):
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True)
    return int(out.stdout) / 1024


def row(name, np_ms, mla_ms):
    print(f"| {name} | {np_ms:.2f} | {mla_ms:.2f} | {mla_ms / np_ms:.2f} |")


def best_of_rounds():
    np_t, mla_t = {}, {}
    for _ in range(ROUNDS):
        for best, now in ((np_t, numpy_times()), (mla_t, mla_times())):
            for name, t in now.items():
                best[name] = min(best.get(name, t), t)
    return np_t, mla_t


def main():
    np_t, mla_t = best_of_rounds()
    print(f"rounds: {ROUNDS}, each job best of {REPS} in each round")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| job | NumPy (ms) | MLA (ms) | MLA/NumPy |")
    print("|---|---:|---:|---:|")
    for name, t in np_t.items():
        row(name, t * 1e3, mla_t[name] * 1e3)
    hand, ad = mla_t["MLP 100 steps, hand-written"], mla_t["MLP 100 steps, value_and_grad"]
    print(f"| MLP 100 steps: value_and_grad over hand-written, both MLA | {hand * 1e3:.2f} | {ad * 1e3:.2f} | {ad / hand:.2f} |")
    np_peak = peak_of([sys.executable, "-c", PEAK_NUMPY])
    mla_peak = peak_of([MLA, "-e", PEAK_MLA])
    print(f"| peak RSS (MiB) of `{PEAK_MLA}` | {np_peak:.0f} | {mla_peak:.0f} | {mla_peak / np_peak:.2f} |")


if __name__ == "__main__":
    # OpenBLAS picks its best kernel only when these are unset; they are
    # dropped for this (NumPy) process alone, before NumPy is loaded again.
    if any(v in os.environ for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")):
        env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    main()
