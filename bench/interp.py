#!/usr/bin/env python3
"""Runs the same scalar interpreter jobs in MLA, CPython and Lua 5.4.

Usage (from the repository root):
    cargo build --release -p mla-repl
    apt-get install -y lua5.4        # optional: the Lua column is skipped without it
    python3 bench/interp.py [path/to/mla] [--reps N] [--startup-reps N] [--lua PATH]

Each job is timed inside its own process (MLA with tic/toc, Python with
time.perf_counter, Lua with os.clock), best of --reps repetitions, so
process start-up is not counted. Every process also prints each job's
result, and the script checks them against the known answers, so an
interpreter that skips work cannot look fast. The start-up row is the
whole-process wall time of a trivial program, best of --startup-reps.
"""
import argparse
import math
import os
import platform
import shutil
import string
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIB_N = 25
LOOP_N = 2_000_000
REC_N = 1_000_000


def sci(n):
    return f"{n:.0e}".replace("e+0", "e")


# key, label, expected result (the last row is extra information)
JOBS = [
    ("fib", f"fib({FIB_N}), recursive user function", 75025),
    ("loop", f"s = s + i * 0.5 for i = 1:{sci(LOOP_N)}, top level", LOOP_N * (LOOP_N + 1) / 4),
    ("rec", f"x[i] = 0.5 * x[i-1] + 1, n = {sci(REC_N)} (sum x)", 2 * REC_N - 4 + 4 * 2.0**-REC_N),
    ("loopfn", "(info) the loop of job 2 inside a function", LOOP_N * (LOOP_N + 1) / 4),
]

# Every program prints one line per job: `key best_seconds result`; $reps,
# $fib_n, $loop_n and $rec_n are filled in before it runs.

MLA_PROGRAM = """
function r = fib(n)
    if n < 2
        r = n;
    else
        r = fib(n - 1) + fib(n - 2);
    end
end
function s = loop_in_function(m)
    s = 0;
    for i = 1:m; s = s + i * 0.5; end
end

best = Inf;
for rep = 1:$reps
    tic(); r = fib($fib_n); t = toc();
    best = min(best, t);
end
printf("fib %.9f %.17g\\n", best, r);

best = Inf;
for rep = 1:$reps
    tic();
    s = 0; for i = 1:$loop_n; s = s + i * 0.5; end
    t = toc();
    best = min(best, t);
end
printf("loop %.9f %.17g\\n", best, s);

best = Inf;
n = $rec_n;
for rep = 1:$reps
    x = zeros(1, n);
    tic();
    for i = 2:n; x[i] = 0.5 * x[i-1] + 1; end
    t = toc();
    best = min(best, t);
end
printf("rec %.9f %.17g\\n", best, sum(x));

best = Inf;
for rep = 1:$reps
    tic(); s = loop_in_function($loop_n); t = toc();
    best = min(best, t);
end
printf("loopfn %.9f %.17g\\n", best, s);
"""

# Module-level code: the loop variables are globals, as in a script.
PYTHON_PROGRAM = """
import time


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def loop_in_function(m):
    s = 0
    for i in range(1, m + 1):
        s = s + i * 0.5
    return s


best = float("inf")
for rep in range($reps):
    t0 = time.perf_counter(); r = fib($fib_n); t = time.perf_counter() - t0
    best = min(best, t)
print("fib %.9f %.17g" % (best, r))

best = float("inf")
for rep in range($reps):
    t0 = time.perf_counter()
    s = 0
    for i in range(1, $loop_n + 1):
        s = s + i * 0.5
    t = time.perf_counter() - t0
    best = min(best, t)
print("loop %.9f %.17g" % (best, s))

best = float("inf")
n = $rec_n
for rep in range($reps):
    x = [0.0] * n
    t0 = time.perf_counter()
    for i in range(1, n):
        x[i] = 0.5 * x[i - 1] + 1
    t = time.perf_counter() - t0
    best = min(best, t)
print("rec %.9f %.17g" % (best, sum(x)))

best = float("inf")
for rep in range($reps):
    t0 = time.perf_counter(); s = loop_in_function($loop_n); t = time.perf_counter() - t0
    best = min(best, t)
print("loopfn %.9f %.17g" % (best, s))
"""

# Chunk-level code with `local` variables, as idiomatic Lua writes a script.
# os.clock is the process's CPU time, which is its wall time for these
# single-threaded, compute-bound loops.
LUA_PROGRAM = """
local REPS, FIB_N, LOOP_N, REC_N = $reps, $fib_n, $loop_n, $rec_n

local function fib(n)
    if n < 2 then return n else return fib(n - 1) + fib(n - 2) end
end

local function loop_in_function(m)
    local s = 0
    for i = 1, m do s = s + i * 0.5 end
    return s
end

local best, r, s, x, t0, t
best = math.huge
for rep = 1, REPS do
    t0 = os.clock(); r = fib(FIB_N); t = os.clock() - t0
    best = math.min(best, t)
end
print(string.format("fib %.9f %.17g", best, r))

best = math.huge
for rep = 1, REPS do
    t0 = os.clock()
    s = 0
    for i = 1, LOOP_N do s = s + i * 0.5 end
    t = os.clock() - t0
    best = math.min(best, t)
end
print(string.format("loop %.9f %.17g", best, s))

best = math.huge
local n = REC_N
for rep = 1, REPS do
    x = {}
    for i = 1, n do x[i] = 0.0 end
    t0 = os.clock()
    for i = 2, n do x[i] = 0.5 * x[i - 1] + 1 end
    t = os.clock() - t0
    best = math.min(best, t)
end
local total = 0.0
for i = 1, n do total = total + x[i] end
print(string.format("rec %.9f %.17g", best, total))

best = math.huge
for rep = 1, REPS do
    t0 = os.clock(); s = loop_in_function(LOOP_N); t = os.clock() - t0
    best = math.min(best, t)
end
print(string.format("loopfn %.9f %.17g", best, s))
"""


def fill(program, reps):
    return string.Template(program).substitute(reps=reps, fib_n=FIB_N, loop_n=LOOP_N, rec_n=REC_N)


def run_jobs(name, argv, source):
    """Runs a program read from standard input; returns {key: (seconds, result)}."""
    out = subprocess.run(argv, input=source, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{name} failed (exit {out.returncode}):\n{out.stderr}")
    results = {}
    for line in out.stdout.splitlines():
        key, secs, value = line.split()
        results[key] = (float(secs), float(value))
    missing = [key for key, *_ in JOBS if key not in results]
    if missing:
        sys.exit(f"{name} printed no result for {missing}:\n{out.stdout}")
    return results


def startup(argv, reps):
    """Best whole-process wall time of argv, in seconds."""
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def version(argv):
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip().splitlines()[0]


def ms(seconds):
    return "—" if seconds is None else f"{seconds * 1e3:.1f}"


def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mla", nargs="?", default=os.path.join(ROOT, "target", "release", "mla"),
                        help="the mla binary (default: target/release/mla in the repository)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per job, best kept (default 3)")
    parser.add_argument("--startup-reps", type=int, default=20,
                        help="runs of each start-up command, best kept (default 20)")
    parser.add_argument("--lua", default="lua5.4", help="the Lua 5.4 interpreter (default lua5.4)")
    args = parser.parse_args()
    if args.reps < 1 or args.startup_reps < 1:
        parser.error("--reps and --startup-reps must be at least 1")

    if not os.path.exists(args.mla):
        sys.exit(f"no mla binary at {args.mla}: build it with `cargo build --release -p mla-repl`")
    if platform.python_implementation() != "CPython":
        print(f"warning: this is {platform.python_implementation()}, not CPython", file=sys.stderr)
    python = sys.executable  # the real binary, not a wrapper such as a pyenv shim
    lua = shutil.which(args.lua)

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; load average before: {load()}")
    print(f"MLA: {args.mla} ({version([args.mla, '--version'])})")
    print(f"CPython: {python} ({platform.python_version()})")
    print(f"Lua: {version([lua, '-v']) if lua else f'{args.lua} not found, column skipped'}")
    print(f"jobs: best of {args.reps} inside each process; start-up: best of {args.startup_reps} whole processes")
    print()

    times = {
        "MLA": run_jobs("mla", [args.mla, "-"], fill(MLA_PROGRAM, args.reps)),
        "CPython": run_jobs("python", [python, "-"], fill(PYTHON_PROGRAM, args.reps)),
    }
    if lua:
        times["Lua"] = run_jobs("lua", [lua, "-"], fill(LUA_PROGRAM, args.reps))

    wrong = []
    for key, label, expected in JOBS:
        for name, results in times.items():
            got = results[key][1]
            if not math.isclose(got, expected, rel_tol=1e-9):
                wrong.append(f"{name} {label}: got {got!r}, expected {expected!r}")

    start = {
        "MLA": startup([args.mla, "-e", "1"], args.startup_reps),
        "CPython": startup([python, "-c", "1"], args.startup_reps),
        "Lua": startup([lua, "-e", ""], args.startup_reps) if lua else None,
    }
    # Python's start-up is mostly the site module and the .pth files of its
    # site-packages, which differ between installations; -S skips them.
    bare = dict(start, CPython=startup([python, "-S", "-c", "1"], args.startup_reps))

    rows = []
    for key, label, expected in JOBS:
        t = {name: times[name][key][0] if name in times else None for name in ("MLA", "CPython", "Lua")}
        rows.append((label, t, f"{expected:.17g}"))
    rows.append(('start-up: `mla -e "1"`, `python3 -c 1`, `lua5.4 -e ""`', start, ""))
    rows.append(("(info) start-up against `python3 -S -c 1` (no site module)", bare, ""))

    print("| job | MLA (ms) | CPython (ms) | Lua 5.4 (ms) | MLA/CPython | Lua/CPython | result |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, t, result in rows:
        print(f"| {label} | {ms(t['MLA'])} | {ms(t['CPython'])} | {ms(t['Lua'])} "
              f"| {ratio(t['MLA'], t['CPython'])} | {ratio(t['Lua'], t['CPython'])} | {result} |")
    print()
    print(f"load average after: {load()}")
    if start["MLA"] >= 0.010:
        print(f"note: MLA start-up {start['MLA'] * 1e3:.1f} ms is not under 10 ms")
    if wrong:
        print("WRONG RESULTS:\n  " + "\n  ".join(wrong))
        sys.exit(1)
    print("results agree: " + ", ".join(times) + " computed the expected value of every job")


if __name__ == "__main__":
    main()
