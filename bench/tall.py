#!/usr/bin/env python3
"""Tall matrices: a Gram matrix and 10 epochs of logistic regression over
Parquet files, MLA (DataFusion) against NumPy reading the same rows from a
memory-mapped .npy in chunks (and Dask, where installed).

    python3 bench/tall.py [--rows 10000000] [--dir /tmp/mla-tall-bench] [--mla target/release/mla]

Writes the data first (gen_data: Parquet in 8 files plus data.npy) unless
DIR already holds it. Each job runs in its own process, timed inside it;
peak memory is the process's maximum resident set (ru_maxrss of the child).
Build MLA with the feature first:
    cargo build --release -p mla-repl --features tall
    cargo build --release --features tall --example tall_gen_data
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MLA_JOB = r"""
D = tall("{dir}/*.parquet");
X = D[:, 1:20]; y = D[:, 21];
tic; n = rows(X); G = gather(X' * X); tg = toc;
tic;
w = zeros(20, 1); b = 0; lr = 0.1;
for epoch = 1:10
    p = sigmoid(X * w + b);
    (gw, gb) = gather(X' * (p - y), sum(p - y));
    w = w - lr * gw / n; b = b - lr * gb / n;
end
tl = toc;
printf("gram %.3f logistic %.3f trace %.10e w1 %.10e\n", tg, tl, trace(G), w[1]);
"""

NUMPY_JOB = r"""
import numpy as np, time, sys
A = np.load(sys.argv[1], mmap_mode="r")
n = A.shape[0]; CH = 1 << 17
t0 = time.perf_counter()
G = np.zeros((20, 20))
for s in range(0, n, CH):
    X = np.asarray(A[s:s + CH, :20]); G += X.T @ X
tg = time.perf_counter() - t0
t0 = time.perf_counter()
w = np.zeros(20); b = 0.0; lr = 0.1
for epoch in range(10):
    gw = np.zeros(20); gb = 0.0
    for s in range(0, n, CH):
        C = np.asarray(A[s:s + CH]); X = C[:, :20]; y = C[:, 20]
        r = 1 / (1 + np.exp(-(X @ w + b))) - y
        gw += X.T @ r; gb += r.sum()
    w = w - lr * gw / n; b = b - lr * gb / n
tl = time.perf_counter() - t0
print("gram %.3f logistic %.3f trace %.10e w1 %.10e" % (tg, tl, np.trace(G), w[0]))
"""

DASK_JOB = r"""
import numpy as np, dask.array as da, time, sys
A = da.from_array(np.load(sys.argv[1], mmap_mode="r"), chunks=(1 << 17, 22))
n = A.shape[0]; X = A[:, :20]; y = A[:, 20]
t0 = time.perf_counter(); G = (X.T @ X).compute(); tg = time.perf_counter() - t0
t0 = time.perf_counter()
w = np.zeros(20); b = 0.0; lr = 0.1
for epoch in range(10):
    r = 1 / (1 + da.exp(-(X @ w + b))) - y
    gw, gb = da.compute(X.T @ r, r.sum())
    w = w - lr * gw / n; b = b - lr * gb / n
tl = time.perf_counter() - t0
print("gram %.3f logistic %.3f trace %.10e w1 %.10e" % (tg, tl, np.trace(G), w[0]))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/mla-tall-bench")
    ap.add_argument("--mla", default=os.path.join(ROOT, "target/release/mla"))
    ap.add_argument("--gen", default=os.path.join(ROOT, "target/release/examples/tall_gen_data"))
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.dir, "data.npy")):
        subprocess.run([args.gen, args.dir, str(args.rows), "8", "npy"], check=True)
    size = sum(os.path.getsize(os.path.join(args.dir, f)) for f in os.listdir(args.dir)
               if f.endswith(".parquet"))
    print(f"{args.rows} rows × 22 columns: Parquet {size / 2**20:.0f} MiB, "
          f"as float64 {args.rows * 22 * 8 / 2**20:.0f} MiB")
    with tempfile.NamedTemporaryFile("w", suffix=".mla", delete=False) as f:
        f.write(MLA_JOB.format(dir=args.dir))
        script = f.name
    jobs = [("MLA (DataFusion, Parquet)", [args.mla, script])]
    npy = os.path.join(args.dir, "data.npy")
    jobs.append(("NumPy (mmap .npy, chunks)", [sys.executable, "-c", NUMPY_JOB, npy]))
    try:
        import dask  # noqa: F401
        jobs.append(("Dask (mmap .npy)", [sys.executable, "-c", DASK_JOB, npy]))
    except ImportError:
        print("(Dask is not installed: skipped)")
    print("| job | Gram s | 10 epochs s | peak RSS MiB | check |")
    print("|---|---|---|---|---|")
    for name, cmd in jobs:
        # Each job in a fresh interpreter so ru_maxrss of children is its own.
        wrapper = [sys.executable, "-c",
                   "import resource, subprocess, sys;"
                   "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
                   "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr);"
                   "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
                   "sys.exit(p.returncode)"] + cmd
        p = subprocess.run(wrapper, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"{name} failed:\n{p.stdout}{p.stderr}")
        lines = p.stdout.strip().splitlines()
        peak = int(lines[-1].split()[1]) / 1024
        fields = lines[-2].split()
        print(f"| {name} | {fields[1]} | {fields[3]} | {peak:.0f} | trace {fields[5]}, w1 {fields[7]} |")
    os.unlink(script)


if __name__ == "__main__":
    main()
