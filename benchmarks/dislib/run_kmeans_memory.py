#!/usr/bin/python3
"""KMeans on data larger than one worker's memory limit, over several workers.

usage: run_kmeans_memory.py <build-dir> [--rows N] [--cols D] [--k K] [--iterations I]
                            [--block-rows R] [--workers W] [--worker-memory-mb M]
                            [--worker-data-mb B]

Every worker process limits its own memory to M MB at start (bench_kmeans sets
RLIMIT_DATA, heap and private mappings, when BENCH_WORKER_MEMORY_MB is set and it runs as a
worker). The data is dislib::random_array: one task per block, made on the workers
(--master-cores 0), so the master never holds it. The script runs
  1. the fit with ONE such worker: it must fail (the data does not fit one worker);
  2. the fit with W such workers: it completes (each holds about 1/W of the blocks);
  3. the same fit in one process without a limit (the reference inertia),
and prints the sizes, the times, the bytes moved (compss-run --summary), the data each
worker held at most and the copies it dropped (its last line at --log-level info), and
whether the inertias are equal. Each worker's data memory budget (COMPSS_WORKER_DATA_MEMORY)
is B MB (default: 60% of M): over it, a worker drops copies of blocks other workers hold. Defaults: 1,500,000 x 100 doubles (1.2 GB), k 10, blocks of 25,000
rows (20 MB), 3 workers of 800 MB each.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--rows", type=int, default=1_500_000)
    p.add_argument("--cols", type=int, default=100)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--iterations", type=int, default=5)
    p.add_argument("--block-rows", type=int, default=25_000)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--worker-memory-mb", type=int, default=800)
    p.add_argument("--worker-data-mb", type=int, default=None,
                   help="each worker's data memory budget (default: 60%% of --worker-memory-mb)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per run at most")
    return p.parse_args()


def run(cmd, env, timeout):
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t, f"timed out after {timeout} s"
    wall = time.perf_counter() - t
    if p.returncode != 0:
        reasons = [l for l in p.stderr.splitlines() if "bad_alloc" in l or "error" in l.lower()]
        return None, wall, f"exit {p.returncode}: {(reasons or p.stderr.splitlines() or [''])[0][:300]}"
    return dict(line.split(" ", 1) for line in p.stdout.strip().splitlines()), wall, p.stderr


def worker_data(stderr):
    """The workers' last lines about their data (compss-run --log-level info)."""
    return [l.split(" data: ", 1)[1] for l in stderr.splitlines()
            if l.startswith("compss: worker ") and " data: held at most" in l]


def moved(log_dir):
    with open(os.path.join(log_dir, "summary.json")) as f:
        s = json.load(f)
    return s["bytes_from_main"] + sum(t["bytes_moved"] for t in s["task_types"])


def main():
    a = parse()
    bench = os.path.join(a.build, "bin", "bench_kmeans")
    launcher = os.path.join(a.build, "bin", "compss-run")
    data_mb = a.rows * a.cols * 8 / 2**20
    block_mb = a.block_rows * a.cols * 8 / 2**20
    args = ["--random", str(a.rows), str(a.cols), str(a.k), str(a.iterations), str(a.block_rows), "1"]
    print(f"KMeans over workers with a memory limit: data {a.rows} x {a.cols} doubles = "
          f"{data_mb:.0f} MB in {-(-a.rows // a.block_rows)} blocks of {block_mb:.1f} MB; "
          f"each worker limited to {a.worker_memory_mb} MB (RLIMIT_DATA); k={a.k}, "
          f"{a.iterations} iterations; load average {os.getloadavg()[0]:.1f}")
    if data_mb <= a.worker_memory_mb:
        sys.exit("the data must exceed one worker's limit: raise --rows or lower --worker-memory-mb")
    # One OpenBLAS thread, two malloc arenas and blocks always mmap-ed (a freed block goes
    # back to the system at once, not into a heap that keeps it): less memory per process
    # (an idle worker still holds about 225 MB of RLIMIT_DATA: thread stacks, buffers).
    data_budget_mb = a.worker_data_mb if a.worker_data_mb is not None else int(0.6 * a.worker_memory_mb)
    print(f"  each worker's data memory budget: {data_budget_mb} MB (COMPSS_WORKER_DATA_MEMORY)")
    limited = dict(os.environ, BENCH_WORKER_MEMORY_MB=str(a.worker_memory_mb), COMPSS_THREADS="1",
                   COMPSS_WORKER_DATA_MEMORY=str(data_budget_mb / 1024),
                   OPENBLAS_NUM_THREADS="1", MALLOC_ARENA_MAX="2",
                   MALLOC_MMAP_THRESHOLD_=str(1 << 20))  # blocks mmap-ed: freed ones go back
    with tempfile.TemporaryDirectory() as work:
        results = {}
        for workers in (1, a.workers):
            log_dir = os.path.join(work, f"logs{workers}")
            out, wall, err = run([launcher, "--no-progress", "--summary", "--require-workers",
                                  "--log-level", "info",
                                  "--workers", str(workers),
                                  "--master-cores", "0", "--worker-cores", "1",
                                  "--", bench] + args,
                                 dict(limited, COMPSS_LOG_DIR=log_dir), a.timeout)
            results[workers] = out
            if out is None:
                print(f"  {workers} worker(s) of {a.worker_memory_mb} MB: FAILED after {wall:.1f} s "
                      f"({err})")
            else:
                print(f"  {workers} worker(s) of {a.worker_memory_mb} MB: fit {out['fit_s']} s "
                      f"(data made in {out['load_s']} s, run {wall:.1f} s), inertia {out['inertia']}, "
                      f"{moved(log_dir) / 2**20:.1f} MB moved between nodes")
                for line in worker_data(err):
                    print(f"    worker data: {line}")
        out, wall, err = run([bench] + args, dict(os.environ, COMPSS_THREADS="2"), a.timeout)
        if out is None:
            sys.exit(f"the local reference run failed: {err}")
        print(f"  one process, no limit (reference): fit {out['fit_s']} s, inertia {out['inertia']}")
        if results[1] is not None:
            print("  NOTE: one limited worker completed: the limit is not below what the data needs")
        if results[a.workers] is None:
            sys.exit(f"FAIL: the fit over {a.workers} workers did not complete")
        same = results[a.workers]["inertia"] == out["inertia"]
        print(f"  inertia over {a.workers} workers {'equals' if same else 'DIFFERS FROM'} the reference")
        print(f"  load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
