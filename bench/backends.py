#!/usr/bin/env python3
"""The decompositions under both linear algebra backends and NumPy, side by side.

Usage (from the repository root; needs libopenblas-dev and `pip install numpy`):
    cargo build --release -p mla-repl
    cargo build --release -p mla-repl --features lapack --target-dir target/lapack
    python3 bench/backends.py [--reps N]

Each job is timed inside its own process (MLA with tic/toc, NumPy with
perf_counter), best of N repetitions. NumPy runs with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, so that its OpenBLAS picks its best kernel. The
system's OpenBLAS may not know a virtual CPU (Debian's 0.3.21 calls this
machine's "Intel Xeon Processor" a Prescott and runs SSE3 kernels):
`--coretype SkylakeX` runs the LAPACK build a second time with
OPENBLAS_CORETYPE set, and prints that column too.
"""
import argparse
import os
import subprocess
import sys
import time

JOBS = [
    # (name, MLA setup, MLA job, NumPy setup, NumPy job)
    ("matmul 1000²", "A = rand(1000, 1000); B = rand(1000, 1000);", "A * B",
     "A = rng.random((1000, 1000)); B = rng.random((1000, 1000))", "A @ B"),
    ("solve 1000", "M = rand(1000, 1000) + 1000 * eye(1000); b = rand(1000, 1);", "M \\ b",
     "M = rng.random((1000, 1000)) + 1000 * np.eye(1000); b = rng.random((1000, 1))",
     "np.linalg.solve(M, b)"),
    ("inv 1000", "", "inv(M)", "", "np.linalg.inv(M)"),
    ("det 1000", "", "det(M)", "", "np.linalg.det(M)"),
    ("eig values 500", "S = rand(500, 500); S = S + S';", "eig(S)",
     "S = rng.random((500, 500)); S = S + S.T", "np.linalg.eigvalsh(S)"),
    # One result of `eig` or `svd` is the values alone: these functions ask
    # for every result, as NumPy's `eigh` and `svd` compute them.
    ("eig vectors 500",
     "function n = eig_vectors(S)\n    (vals, vecs) = eig(S); n = 0;\nend\n"
     "function n = thin_svd(T)\n    (U, s, Vt) = svd(T); n = 0;\nend",
     "eig_vectors(S)", "", "np.linalg.eigh(S)"),
    ("eig vectors 1000", "S2 = rand(1000, 1000); S2 = S2 + S2';", "eig_vectors(S2)",
     "S2 = rng.random((1000, 1000)); S2 = S2 + S2.T", "np.linalg.eigh(S2)"),
    ("thin svd 2000×500", "T = rand(2000, 500);", "thin_svd(T)",
     "T = rng.random((2000, 500))", "np.linalg.svd(T, full_matrices=False)"),
    ("svd values 2000×500", "", "svd(T)", "", "np.linalg.svd(T, compute_uv=False)"),
    ("qr 2000×500", "", "size(qr(T))", "", "np.linalg.qr(T)"),
    ("chol 1000", "P = A' * A + 1000 * eye(1000);", "chol(P)",
     "P = A.T @ A + 1000 * np.eye(1000)", "np.linalg.cholesky(P)"),
    ("lstsq 2000×500", "y = rand(2000, 1);", "T \\ y",
     "y = rng.random((2000, 1))", "np.linalg.lstsq(T, y, rcond=None)"),
    ("pinv 1000×500", "R = rand(1000, 500);", "pinv(R)",
     "R = rng.random((1000, 500))", "np.linalg.pinv(R)"),
]


def mla_script(reps):
    lines = ["seed(1);"]
    for _, setup, _, _, _ in JOBS:
        if setup:
            lines.append(setup)
    lines.append("""function best = bench(job)
    best = Inf;
    for r = 1:%d
        tic(); job(); t = toc();
        best = min(best, t);
    end
end""" % reps)
    for name, _, job, _, _ in JOBS:
        lines.append('printf("%%.9f\\n", bench(() -> %s));' % job)
    return "\n".join(lines)


def numpy_script(reps):
    lines = ["import time", "import numpy as np", "rng = np.random.default_rng(1)"]
    for _, _, _, setup, _ in JOBS:
        if setup:
            lines.append(setup)
    lines.append("""def bench(job):
    best = float("inf")
    for _ in range(%d):
        t = time.perf_counter(); job(); best = min(best, time.perf_counter() - t)
    return best""" % reps)
    for _, _, _, _, job in JOBS:
        lines.append("print('%%.9f' %% bench(lambda: %s))" % job)
    return "\n".join(lines)


def run(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{out.stderr}")
    return [float(x) for x in out.stdout.split()]


def version(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--faer", default="target/release/mla")
    ap.add_argument("--lapack", default="target/lapack/release/mla")
    ap.add_argument("--coretype", help="also run the LAPACK build with OPENBLAS_CORETYPE set")
    args = ap.parse_args()
    for b in (args.faer, args.lapack):
        if not os.path.exists(b):
            sys.exit(f"{b} is missing: build it as the usage above says")
    print("faer:  ", version(args.faer))
    print("lapack:", version(args.lapack))
    script = mla_script(args.reps)
    faer = run([args.faer, "-e", script])
    lapack = run([args.lapack, "-e", script])
    tuned = None
    if args.coretype:
        tuned = run([args.lapack, "-e", script],
                    env=dict(os.environ, OPENBLAS_CORETYPE=args.coretype))
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    numpy = run([sys.executable, "-c", numpy_script(args.reps)], env=env)
    head = f"{'job':<22}{'faer':>10}{'LAPACK':>10}"
    if tuned:
        head += f"{args.coretype:>12}"
    head += f"{'NumPy':>10}{'faer/NumPy':>12}{'LAPACK/NumPy':>14}"
    if tuned:
        head += f"{args.coretype + '/NumPy':>18}"
    print(head)
    for i, ((name, *_), f, l, n) in enumerate(zip(JOBS, faer, lapack, numpy)):
        line = f"{name:<22}{f * 1e3:>8.1f}ms{l * 1e3:>8.1f}ms"
        if tuned:
            line += f"{tuned[i] * 1e3:>10.1f}ms"
        line += f"{n * 1e3:>8.1f}ms{f / n:>12.2f}{l / n:>14.2f}"
        if tuned:
            line += f"{tuned[i] / n:>18.2f}"
        print(line)


if __name__ == "__main__":
    main()
