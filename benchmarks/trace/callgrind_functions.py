#!/usr/bin/env python3
"""Instructions per task, function by function, of two callgrind runs of one mode (the
difference between a run of many tasks and one of fewer, divided by the tasks between
them), for two modes side by side: what a traced task costs over a plain one, per
function (docs/performance.md, "Edges straight into the buffer"). Each run's threads
(--separate-threads=yes: files ending in -NN) are summed; self cost only
(callgrind_annotate --inclusive=no).

usage: callgrind_functions.py <folder> <tasks between the runs> <fewer> <more> <mode a> <mode b>
  (files <folder>/<mode>.<fewer|more>.<pid>-NN, as benchmarks/trace/task_path.sh writes them)
"""
import collections
import glob
import re
import subprocess
import sys

LINE = re.compile(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")
CALLED = re.compile(r"c?fn=\((\d+)\)(?: (.*))?")


def self_costs(files):
    """Function name -> instructions, summed over `files`."""
    total = collections.Counter()
    for f in files:
        out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", f],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            m = LINE.match(line)
            if m and ":" in m.group(2) and "PROGRAM TOTALS" not in line:
                name = re.sub(r"\s*\[.*\]$", "", m.group(2).split(":", 1)[1].strip())
                total[name] += int(m.group(1).replace(",", ""))
    return total


def calls_to(files, needle):
    """Calls made to functions whose name holds `needle`, summed over `files`."""
    count = 0
    for f in files:
        names, callee = {}, None
        with open(f, errors="replace") as text:
            for line in text:
                m = CALLED.match(line)
                if m:
                    if m.group(2):
                        names[m.group(1)] = m.group(2).strip()
                    callee = names.get(m.group(1), "") if line.startswith("cfn=") else None
                elif line.startswith("calls=") and callee is not None:
                    if needle in callee:
                        count += int(line[6:].split()[0])
                    callee = None
    return count


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    folder, between, fewer, more, a, b = sys.argv[1:]
    between = int(between)
    per_task, edges = {}, {}
    for mode in (a, b):
        runs = {n: glob.glob(f"{folder}/{mode}.{n}.*-[0-9]*") for n in (fewer, more)}
        small, large = self_costs(runs[fewer]), self_costs(runs[more])
        per_task[mode] = {k: (large[k] - small[k]) / between for k in set(small) | set(large)}
        # (a recorded edge is added inline, without a call to add_edge or link_recorded: each
        # edge tried locks its predecessor's successors, as each finish does its own once;
        # "rt::" so that unlock_successors, when not inlined, is not counted too)
        tried = {n: calls_to(runs[n], "rt::lock_successors(") for n in (fewer, more)}
        edges[mode] = (tried[more] - tried[fewer]) / between
    print(f"{a}: {sum(per_task[a].values()):.0f} per task, {b}: {sum(per_task[b].values()):.0f} "
          f"(successor locks per task, the edges tried + 1: {edges[a]:.2f}, {edges[b]:.2f}; they must match "
          "for a fair comparison)")
    rows = []
    for name in set(per_task[a]) | set(per_task[b]):
        x, y = per_task[a].get(name, 0.0), per_task[b].get(name, 0.0)
        if abs(y - x) >= 1 or x >= 20:
            rows.append((y - x, x, y, name))
    print(f"{b + ' - ' + a:>10} {a:>9} {b:>9}  function")
    for diff, x, y, name in sorted(rows, key=lambda r: -abs(r[0])):
        print(f"{diff:10.1f} {x:9.1f} {y:9.1f}  {name[:140]}")


if __name__ == "__main__":
    main()
