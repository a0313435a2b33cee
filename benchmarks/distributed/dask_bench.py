"""The Dask peer of the distributed benchmarks: the task graphs of benchmarks/overhead
(stencil_1d and independent tasks, empty bodies) built with client.submit on a
LocalCluster of 2 worker processes with one thread each.

usage: python3 dask_bench.py <independent|stencil> <tasks> [repetitions (3)] [workers (2)]

Prints the overhead benchmark's line format, one line per measured repetition (after one
unmeasured warm-up run):
  impl graph body tasks seconds us_per_task tasks_per_s
Needs Debian's python3-distributed (tools/setup-benchmarks.sh); run it with /usr/bin/python3.
"""
import os
import sys
import time


def stencil_width() -> int:
    # As benchmarks/overhead/common.hpp: two cells per hardware thread, at least 3.
    return max(3, 2 * (os.cpu_count() or 1))


def touch(c):  # independent: one task per cell, nothing else
    return c


def step(l, c, r):  # stencil: reads three cells of row t, makes one of row t + 1
    return c


def independent(client, tasks):
    return [client.submit(touch, i, pure=False) for i in range(tasks)]


def stencil(client, tasks):
    w = stencil_width()
    row = [1.0] * w
    futures = []
    for _ in range(max(1, tasks // w)):
        row = [client.submit(step, row[(i - 1) % w], row[i], row[(i + 1) % w], pure=False)
               for i in range(w)]
        futures.extend(row)
    return futures


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("independent", "stencil"):
        print(__doc__, file=sys.stderr)
        return 2
    graph, tasks = sys.argv[1], int(sys.argv[2])
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    try:
        from distributed import Client, LocalCluster, wait
    except ImportError:
        print("dask_bench: python3-distributed is missing (run tools/setup-benchmarks.sh)",
              file=sys.stderr)
        return 1
    build = independent if graph == "independent" else stencil
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        for rep in range(reps + 1):  # rep 0 is the warm-up
            t0 = time.perf_counter()
            futures = build(client, tasks)
            wait(futures)  # as a barrier: every task done, results stay on the workers
            seconds = time.perf_counter() - t0
            n = len(futures)
            del futures
            if rep > 0:
                print(f"dask {graph} empty {n} {seconds:.6f} {seconds * 1e6 / n:.4f} "
                      f"{n / seconds:.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
