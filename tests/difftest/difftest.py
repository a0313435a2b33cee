#!/usr/bin/env python3
"""Differential testing of COMPSs runs against the sequential build (docs/testing.md).

Runs the difftest program (tests/difftest/main.cpp) built with the plain compiler (the
oracle) and with compss-cc, in four modes: 1 and 4 local threads, compss-run with 2
workers, and with 3 workers and no master cores. Each process runs a chunk of graphs
(random programs drawn from --seed at run time); every graph's digest must equal the
sequential build's. The first mismatch is printed with its replay command, and with
--reduce shrunk to a small trace (operations dropped while it still fails).

  difftest.py --bin DIR --graphs 1000                       (CI: 1000 graphs per mode)
  difftest.py --bin DIR --seed 7 --graph 12 --mode workers2 --reduce   (one graph)
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MODES = {
    "threads1": ("env", {"COMPSS_THREADS": "1"}, []),
    "threads4": ("env", {"COMPSS_THREADS": "4"}, []),
    # DIFFTEST_KILLS: the feature kills' budget of killed workers per run; one stays.
    "workers2": ("run", {"DIFFTEST_KILLS": "1"}, ["--workers", "2"]),
    "workers3m0": ("run", {"DIFFTEST_KILLS": "2"}, ["--workers", "3", "--master-cores", "0"]),
    # Not run unless asked (--mode): files travel with their bytes (compss-run --shared-fs no).
    "workers2nofs": ("run", {"DIFFTEST_KILLS": "1"}, ["--workers", "2", "--shared-fs", "no"]),
    "workers3m0nofs": ("run", {"DIFFTEST_KILLS": "2"}, ["--workers", "3", "--master-cores", "0", "--shared-fs", "no"]),
}
DEFAULT_MODES = ["threads1", "threads4", "workers2", "workers3m0"]
GRAPH_LINE = re.compile(r"^graph (\d+): ")
# The clear errors docs/distributed.md promises where no answer can be given (not wrong
# answers): a version lost with its worker whose producer read a file changed in place
# since, or written in place by a task on the master while it was made again (feature
# kills with files; docs/distributed.md, "Files a remake reads"). A run that stops with
# one is counted apart.
DOCUMENTED_ERRORS = re.compile(r"was lost with its worker and cannot be made again: the task that made it "
                               r".* read the file .*, which (was changed since it ran"
                               r"|a task on the master wrote in place while it was made again)")


class Runner:
    def __init__(self, args):
        self.args = args
        self.seq = os.path.join(args.bin, "difftest_seq")
        self.compss = os.path.join(args.bin, "difftest")
        self.compss_run = args.compss_run or os.path.join(args.bin, "compss-run")
        self.work = tempfile.mkdtemp(prefix="difftest-")
        self.runs = 0

    def command(self, mode, program_args):
        """The command line and environment of one run (mode None: the sequential build)."""
        env = dict(os.environ)
        env.pop("COMPSS_THREADS", None)
        env.pop("DIFFTEST_KILLS", None)
        env.pop("COMPSS_WORKER_NAME", None)  # (inherited, it would make the kill calls act here)
        if mode is None:
            return [self.seq] + program_args, env
        how, extra_env, options = MODES[mode]
        env.update(extra_env)
        if how == "env":
            return [self.compss] + program_args, env
        return [self.compss_run, "--no-progress"] + options + ["--", self.compss] + program_args, env

    def run(self, mode, program_args, timeout):
        """(exit code, stdout, stderr) of one run in a fresh file directory."""
        files = tempfile.mkdtemp(dir=self.work)
        cmd, env = self.command(mode, program_args + ["--dir", files])
        self.runs += 1
        try:
            # (In the run's own directory: failure reports go to its compss-logs/.)
            p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=timeout, text=True, cwd=files)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc = "timeout"
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        shutil.rmtree(files, ignore_errors=True)
        return rc, out, err

    def base_args(self, seed):
        a = self.args
        return ["--seed", str(seed), "--features", a.features, "--ops", str(a.ops)]

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


def graph_lines(out):
    return {int(m.group(1)): line for line in out.splitlines() if (m := GRAPH_LINE.match(line))}


def documented_error(err):
    """The master's `compss: ...` line of a run's stderr that gives a documented error (as
    itself, or as the error a task failed with), or ""."""
    return next((line for line in err.splitlines()
                 if line.startswith("compss: ") and DOCUMENTED_ERRORS.search(line)), "")


def documented_stop(rc, out, err, graph):
    """True when the run stopped at `graph` (no line for it) with a documented clear error:
    exit 1, that error in one of the master's `compss:` lines, and a worker killed by the
    feature kills in that run (a worker that died otherwise is not excused; nor a hang or
    a crash)."""
    return (rc == 1 and graph not in graph_lines(out) and "was killed by signal 9" in err
            and documented_error(err) != "")


def first_failure(expected, rc, out, first, count):
    """The first graph of the chunk whose line differs or is missing, or None."""
    got = graph_lines(out)
    for g in range(first, first + count):
        if got.get(g) != expected.get(g):
            return g
    return None if rc == 0 else first + count - 1


def replay_command(args, seed, graph, mode):
    return (f"tests/difftest/difftest.py --bin {args.bin} --seed {seed} --graph {graph} "
            + (f"--compss-run {args.compss_run} " if args.compss_run else "") +
            f"--mode {mode} --features {args.features} --ops {args.ops} --reduce")


def window_args(runner, seed, first, last, keeps):
    program = runner.base_args(seed) + ["--first", str(first), "--graphs", str(last - first + 1)]
    for g, ops in sorted(keeps.items()):
        program += ["--keep", f"{g}:" + ",".join(map(str, ops))]
    return program


def fails(runner, mode, seed, first, last, keeps, tries=1):
    """(failed, expected, got, stderr) for graphs first..last run in one process, each with
    only its `keeps` operations: failed when, in any of `tries` runs, the output differs
    from the sequential build's or the run does not end well."""
    program = window_args(runner, seed, first, last, keeps) + ["--verbose"]
    rc_seq, seq_out, seq_err = runner.run(None, program, runner.args.timeout)
    if rc_seq != 0:
        return False, seq_out, seq_err, ""  # not a valid program for the oracle
    for _ in range(tries):
        rc, out, err = runner.run(mode, program, runner.args.timeout)
        if documented_stop(rc, out, err, last) and seq_out.startswith(out):
            continue  # a clear error, not the failure being reduced
        if rc != 0 or out != seq_out:
            return True, seq_out, out, f"exit {rc}\n{err}"
    return False, seq_out, out, f"exit {rc}\n{err}"


def operation_counts(runner, seed, first, last):
    _, out, _ = runner.run(None, window_args(runner, seed, first, last, {}) + ["--print"], 60)
    counts = {int(m.group(1)): int(m.group(2))
              for m in re.finditer(r"--graph (\d+) .*: (\d+) operations", out)}
    return {g: list(range(counts.get(g, 0))) for g in range(first, last + 1)}


def shrink(items, still_fails, budget):
    """The items without the chunks (halves, quarters, ... single items) whose removal
    still fails; stops early when budget() says so."""
    chunk = max(1, len(items) // 2)
    while chunk >= 1:
        i = 0
        while i < len(items) and budget():
            trial = items[:i] + items[i + chunk:]
            if still_fails(trial):
                items = trial
            else:
                i += chunk
        chunk //= 2
    return items


def reduce(runner, mode, seed, graph, max_context=8, max_runs=600):
    """Finds the graphs before `graph` the failure needs (a process runs graphs one after
    the other, so an earlier graph can leave state behind: the last few, else all of the
    process's chunk), empties the graphs it does not need, then drops operations of each
    while it still fails. A failure that does not come every time gets 5 tries per
    candidate; at most `max_runs` runs in all."""
    chunk_start = graph - graph % runner.args.per_process
    starts = list(range(graph, max(chunk_start, graph - max_context) - 1, -1))
    if chunk_start < starts[-1]:
        starts.append(chunk_start)
    first = next((f for f in starts if fails(runner, mode, seed, f, graph, {}, tries=3)[0]), None)
    if first is None:
        print(f"reduce: graphs {starts[-1]}..{graph} do not fail again in {mode} (flaky?); not reduced")
        return None
    keeps = operation_counts(runner, seed, first, graph)
    # A failure that does not come every time (a race) is tried a few times per candidate.
    tries = 1 if all(fails(runner, mode, seed, first, graph, keeps)[0] for _ in range(3)) else 5
    if tries > 1:
        print(f"reduce: the failure does not come every time; {tries} tries per candidate")
    limit = runner.runs + max_runs
    budget = lambda: runner.runs < limit

    def without_graphs(graphs):
        return {g: (ops if g in graphs or g == graph else []) for g, ops in keeps.items()}
    needed = shrink(list(range(first, graph)),
                    lambda gs: fails(runner, mode, seed, first, graph, without_graphs(gs), tries)[0], budget)
    keeps = without_graphs(needed)
    for g in [graph] + needed[::-1]:
        keeps[g] = shrink(keeps[g], lambda ops, g=g: fails(runner, mode, seed, first, graph,
                                                             {**keeps, g: ops}, tries)[0], budget)
    if not budget():
        print(f"reduce: stopped after {max_runs} runs; the program below is not minimal")
    program = window_args(runner, seed, first, graph, keeps)
    print("reduced: difftest " + " ".join(program) + " --print --verbose")
    print("\n".join(line for line in runner.run(None, program + ["--print"], 60)[1].splitlines()
                    if not line.startswith("graph ") and not line.startswith("difftest ")))
    repeats = [fails(runner, mode, seed, first, graph, keeps) for _ in range(10)]
    print(f"the reduced program fails {sum(r[0] for r in repeats)} of 10 times in {mode}")
    for failed, expected, got, err in repeats:
        if failed:
            print(f"what main observed, sequential build (-) and {mode} (+):")
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), n=0))
            print(err)
            break
    return keeps


def campaign(runner, args):
    """args.graphs graphs per mode, args.per_process per run; returns the failures."""
    failures = []
    passed = {m: 0 for m in args.modes}
    stopped = {m: 0 for m in args.modes}  # runs that stopped with a documented error
    killed = {m: 0 for m in args.modes}  # workers killed (feature kills)
    start = time.time()
    for first in range(args.first, args.first + args.graphs, args.per_process):
        count = min(args.per_process, args.first + args.graphs - first)
        program = runner.base_args(args.seed) + ["--first", str(first), "--graphs", str(count)]
        rc, seq_out, err = runner.run(None, program, args.timeout)
        if rc != 0:
            print(f"FAIL: the sequential build failed (exit {rc}):\n{err}")
            return [("sequential", first)]
        expected = graph_lines(seq_out)
        for mode in args.modes:
            rc, out, err = runner.run(mode, program, args.timeout)
            killed[mode] += err.count("was killed by signal 9")
            g = first_failure(expected, rc, out, first, count)
            if g is None:
                passed[mode] += count
                continue
            passed[mode] += g - first
            if documented_stop(rc, out, err, g):
                stopped[mode] += 1
                print(f"stopped: {mode}: seed {args.seed} graph {g}, a documented error (not counted): "
                      + documented_error(err)[:160])
                continue
            failures.append((mode, g))
            print(f"FAIL: {mode}: seed {args.seed} graph {g} (exit {rc})")
            print("  replay: " + replay_command(args, args.seed, g, mode))
            print("  " + "\n  ".join(err.strip().splitlines()[-5:]))
    took = time.time() - start
    print(f"difftest: seed {args.seed}, features {args.features}: "
          + ", ".join(f"{m} {n} graphs passed" + (f" ({stopped[m]} runs stopped with a documented error)"
                                                     if stopped[m] else "")
                    + (f" ({killed[m]} workers killed)" if killed[m] else "") for m, n in passed.items())
          + f"; {runner.runs} runs in {took:.0f} s")
    # Documented stops excuse a few runs, not a campaign: in one of 10 runs or more per
    # mode, past a tenth of the runs or with fewer than half the graphs compared, the mode
    # fails. (A replay of one chunk, e.g. second_kill_terminate, may stop in it.)
    runs_per_mode = -(-args.graphs // args.per_process)
    for m in args.modes:
        if stopped[m] and runs_per_mode >= 10 and (stopped[m] > runs_per_mode // 10
                                                   or passed[m] < args.graphs / 2):
            print(f"FAIL: {m}: {stopped[m]} of {runs_per_mode} runs stopped with a documented error, "
                  f"{passed[m]} of {args.graphs} graphs compared: too few to count as a pass")
            failures.append((f"{m} mostly stopped", args.first))
    if args.expect_kills:
        for m in args.modes:
            if killed[m] == 0:
                print(f"FAIL: {m}: no worker was killed (--expect-kills): the feature kills did not act")
                failures.append((f"{m} without kills", args.first))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="directory with difftest and difftest_seq")
    ap.add_argument("--compss-run", help="the compss-run program (default: in --bin)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first", type=int, default=0, help="first graph number")
    ap.add_argument("--graphs", type=int, default=1000, help="graphs per mode")
    ap.add_argument("--graph", type=int, help="only this graph (replay)")
    ap.add_argument("--per-process", type=int, default=250, help="graphs per process run")
    ap.add_argument("--mode", action="append", dest="modes", choices=sorted(MODES),
                    help="a mode (repeatable; default the first four)")
    ap.add_argument("--features", default="default",
                    help="comma-separated: all, default, a name, -name (see docs/testing.md)")
    ap.add_argument("--ops", type=int, default=30, help="at most this many operations per graph")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per process run")
    ap.add_argument("--runs", type=int, default=1,
                    help="run the whole campaign this many times, stopping at the first failure "
                         "(regression tests of bugs that show in some runs only)")
    ap.add_argument("--reduce", action="store_true", help="shrink the first failure of each mode")
    ap.add_argument("--expect-kills", action="store_true",
                    help="fail a mode in which no worker was killed (checks that the feature kills acts)")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    if args.compss_run:
        args.compss_run = os.path.abspath(args.compss_run)
    args.modes = args.modes or DEFAULT_MODES
    if args.graph is not None:
        args.first, args.graphs = args.graph, 1
    runner = Runner(args)
    try:
        if args.graph is not None and args.reduce:
            # A replay: the graph may fail only after the graphs before it (reduce finds them).
            ok = True
            for mode in args.modes:
                print(f"--- reducing seed {args.seed} graph {args.graph} in {mode}")
                ok = reduce(runner, mode, args.seed, args.graph) is None and ok
            return 0 if ok else 1
        for _ in range(args.runs):
            failures = campaign(runner, args)
            if failures:
                break
        if args.reduce:
            done = set()
            for mode, g in failures:
                if mode in MODES and mode not in done:
                    done.add(mode)
                    print(f"--- reducing seed {args.seed} graph {g} in {mode}")
                    reduce(runner, mode, args.seed, g)
    finally:
        runner.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
