#!/usr/bin/python3
"""KMeans fit: dislib (C++, tasks) against scikit-learn, same data, same cores, same run.

usage: run_kmeans.py <build-dir> [--n N] [--d D] [--k K ...] [--iterations I]
                     [--cores C] [--workers W] [--block-rows R] [--repeat R]
                     [--openblas-coretype NAME]

For each k: generates an n x d float64 data set (numpy, seed 0) into a .npy file, takes its
first k rows as the initial centres, and times
  - dislib's fit (bench_kmeans, COMPSS_THREADS=C, OpenBLAS one thread per task),
  - scikit-learn's KMeans(init=centres, n_init=1, max_iter=I, tol=0, algorithm="lloyd")
    with its thread pools limited to C (OMP_NUM_THREADS/OPENBLAS_NUM_THREADS set before
    numpy loads, and threadpoolctl),
  - with --workers W > 0, dislib's fit under compss-run --workers W --summary (time and
    bytes moved between nodes, from the run's summary.json),
and prints both times (wall, and CPU time: on a machine shared with other jobs the wall
time mostly says how much of the cores the run got; --repeat R alternates the two R
times and prints the medians), the inertias' relative difference, dislib's GFLOP/s against the
machine's dgemm rate measured in the same run, and the rate per core beside the seed
paper's dislib run (~1.5 GFLOP/s per core: 3e8 x 100, k=500, 5 iterations, 110 s on 896
cores). Defaults are small (n=200,000, d=100, k=10 and 500); the issue's figures use
--n 2000000. --openblas-coretype sets OPENBLAS_CORETYPE for both (Debian's OpenBLAS
0.3.21 does not recognise some recent CPUs and falls back to its SSE3 "Prescott" kernels;
threadpoolctl's "architecture" names the kernel in use).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--d", type=int, default=100)
    p.add_argument("--k", type=int, nargs="+", default=[10, 500])
    p.add_argument("--iterations", type=int, default=5)
    p.add_argument("--cores", type=int, default=os.cpu_count())
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--block-rows", type=int, default=0,
                   help="rows per block (default: n / (4 x cores), at least 1000)")
    p.add_argument("--repeat", type=int, default=1,
                   help="runs of each, alternating (medians printed)")
    p.add_argument("--openblas-coretype", default=None,
                   help="OPENBLAS_CORETYPE for dislib and scikit-learn alike")
    return p.parse_args()


def sklearn_fit(x_path, init_path, iterations, cores, env):
    """Runs scikit-learn in a child process whose thread pools start limited to `cores`.
    Returns wall and CPU seconds of the fit, inertia, n_iter and OpenBLAS's kernel name."""
    code = f"""
import time, numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
from sklearn.cluster import KMeans
x = np.load({x_path!r}); init = np.loadtxt({init_path!r}, delimiter=",", ndmin=2)
with threadpool_limits(limits={cores}):
    t, cpu = time.perf_counter(), time.process_time()
    km = KMeans(n_clusters=len(init), init=init, n_init=1, max_iter={iterations}, tol=0,
                algorithm="lloyd").fit(x)
    print(time.perf_counter() - t, time.process_time() - cpu, repr(km.inertia_), km.n_iter_,
          next(i["architecture"] for i in threadpool_info() if "architecture" in i))
"""
    env = dict(env, OMP_NUM_THREADS=str(cores), OPENBLAS_NUM_THREADS=str(cores))
    out = subprocess.run(["/usr/bin/python3", "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), int(out[3]), out[4]


def bytes_moved(log_dir):
    """Bytes that went between nodes in a compss-run --summary run (its summary.json)."""
    with open(os.path.join(log_dir, "summary.json")) as f:
        s = json.load(f)
    return s["bytes_from_main"] + sum(t["bytes_moved"] for t in s["task_types"])


def dislib_fit(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    values = dict(line.split(" ", 1) for line in p.stdout.strip().splitlines())
    values["wall_s"] = f"{wall:.3f}"
    return values


def main():
    a = parse()
    import numpy as np
    bench = os.path.join(a.build, "bin", "bench_kmeans")
    launcher = os.path.join(a.build, "bin", "compss-run")
    block_rows = a.block_rows or max(1000, -(-a.n // (4 * a.cores)))
    print(f"KMeans fit, n={a.n} d={a.d}, {a.iterations} iterations, tol 0, same initial "
          f"centres; {a.cores} cores for both; dislib blocks of {block_rows} rows; load average "
          f"{os.getloadavg()[0]:.1f} (the machine's other jobs)")
    with tempfile.TemporaryDirectory() as work:
        x_path = os.path.join(work, "x.npy")
        x = np.random.default_rng(0).random((a.n, a.d))
        np.save(x_path, x)
        for k in a.k:
            init_path = os.path.join(work, f"init{k}.csv")
            np.savetxt(init_path, x[:k], delimiter=",", fmt="%.17g")
            env = dict(os.environ, COMPSS_THREADS=str(a.cores))
            if a.openblas_coretype:
                env["OPENBLAS_CORETYPE"] = a.openblas_coretype
            runs, sk_runs = [], []
            for _ in range(a.repeat):  # alternating, so both meet the same moments of load
                runs.append(dislib_fit([bench, x_path, init_path, str(a.iterations),
                                        str(block_rows), str(a.cores)], env))
                sk_runs.append(sklearn_fit(x_path, init_path, a.iterations, a.cores, env))
            ours = runs[-1]
            fit_s = statistics.median(float(r["fit_s"]) for r in runs)
            cpu_s = statistics.median(float(r["fit_cpu_s"]) for r in runs)
            sk_time = statistics.median(r[0] for r in sk_runs)
            sk_cpu = statistics.median(r[1] for r in sk_runs)
            _, _, sk_inertia, sk_iter, sk_arch = sk_runs[-1]
            rel = abs(float(ours["inertia"]) - sk_inertia) / sk_inertia
            gflops = 2.0 * a.n * a.d * k * (int(ours["n_iter"]) + 1) / fit_s / 1e9
            dgemm = statistics.median(float(r["dgemm_gflops"]) for r in runs)
            each = "" if a.repeat == 1 else " (median of %d; each: %s)"
            print(f"\nk={k}:")
            print(f"  dislib       fit {fit_s:8.3f} s, CPU {cpu_s:8.3f} s  ({ours['n_iter']} "
                  f"iterations, {ours['blocks']} blocks; loading the .npy {ours['load_s']} s not "
                  f"counted)" + (each % (a.repeat, ", ".join(r["fit_s"] for r in runs)) if each else ""))
            print(f"  scikit-learn fit {sk_time:8.3f} s, CPU {sk_cpu:8.3f} s  ({sk_iter} iterations; "
                  f"OpenBLAS kernels {sk_arch})" +
                  (each % (a.repeat, ", ".join(f"{r[0]:.3f}" for r in sk_runs)) if each else ""))
            print(f"  dislib / scikit-learn time: {fit_s / sk_time:.2f}, CPU time: "
                  f"{cpu_s / sk_cpu:.2f}  (inertia relative difference {rel:.1e})")
            print(f"  dislib {gflops:.2f} GFLOP/s = {100 * gflops / dgemm:.0f}% of this machine's "
                  f"dgemm {dgemm:.2f} GFLOP/s on {a.cores} cores; {gflops / a.cores:.2f} GFLOP/s "
                  f"per core (seed paper's dislib: ~1.5 per core)")
            cpu_rate = 2.0 * a.n * a.d * k * (int(ours["n_iter"]) + 1) / cpu_s / 1e9
            dgemm_cpu = statistics.median(float(r["dgemm_gflops_per_cpu_s"]) for r in runs)
            print(f"  per CPU-second (independent of the other jobs' share of the cores): dislib "
                  f"{cpu_rate:.2f} GFLOP = {100 * cpu_rate / dgemm_cpu:.0f}% of dgemm's "
                  f"{dgemm_cpu:.2f}")
            if a.workers > 0:
                print(f"  load average before the compss-run fit {os.getloadavg()[0]:.1f}")
                log_dir = os.path.join(work, f"logs{k}")
                dist = dislib_fit([launcher, "--no-progress", "--summary", "--workers",
                                   str(a.workers), "--", bench, x_path, init_path,
                                   str(a.iterations), str(block_rows), str(a.cores)],
                                  dict(env, COMPSS_LOG_DIR=log_dir))
                moved = bytes_moved(log_dir)
                print(f"  dislib under compss-run --workers {a.workers}: fit {dist['fit_s']} s "
                      f"(inertia {'equal' if dist['inertia'] == ours['inertia'] else 'DIFFERS'}); "
                      f"{moved / 1e6:.1f} MB moved between nodes ({moved / (a.n * a.d * 8):.2f} x "
                      f"the data's {a.n * a.d * 8 / 1e6:.1f} MB); "
                      f"{2.0 * a.n * a.d * k * (int(dist['n_iter']) + 1) / float(dist['fit_s']) / 1e9:.2f} "
                      f"GFLOP/s of wall time, {float(dist['fit_s']) / fit_s:.2f} x the local fit")
            print(f"  load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
