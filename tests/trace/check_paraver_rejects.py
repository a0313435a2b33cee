#!/usr/bin/python3
"""The Paraver checker refuses what is wrong (test trace.checker_rejects).

usage: check_paraver_rejects.py FOLDER_OF_A_GOOD_TRACE SCRATCH

Takes a trace that check_paraver.py accepts, breaks one thing at a time in a copy (a
malformed record, two states overlapping on one thread, a communication received before it
was sent, an event value the .pcf does not declare, a .row whose size differs from the
header's, a record out of time order, a header node without threads, a .pcf value beyond
Paraver's int; with --worker-threads, tasks of a worker on threads that are not its own;
with --min-clock-probes 2, a clock probed once; with --placed-where-ran, a task placed on
another node than where it ran; with --transfer-bytes, a transfer of another size) and checks the checker
says FAIL for each, naming the problem. Prints "checker rejects: OK" when it did for every one.
"""
import os
import re
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def run_checker(folder, args=()):
    r = subprocess.run([sys.executable, os.path.join(here, "check_paraver.py"), folder, *args], capture_output=True,
                       text=True)
    return r.returncode, r.stdout


def records(lines, kind):
    return [i for i, l in enumerate(lines) if l.startswith(kind + ":")]


def overlap_states(lines):
    # The second state of a thread that has two begins before the first ends.
    seen = {}
    for i in records(lines, "1"):
        f = lines[i].split(":")
        key = tuple(f[1:5])
        if key in seen:
            j = seen[key]
            g = lines[j].split(":")
            f[5] = str(int(g[6]) - 1)  # begins 1 ns before the previous one ends
            lines[i] = ":".join(f)
            return lines
        seen[key] = i
    raise SystemExit("FAIL: the good trace has no thread with two states")


def reverse_communication(lines):
    i = records(lines, "3")[0]
    f = lines[i].split(":")
    f[11] = f[12] = str(max(0, int(f[5]) - 1))  # received before it was sent
    lines[i] = ":".join(f)
    return lines


def undeclared_value(lines):
    i = next(i for i in records(lines, "2") if ":8001003:" in lines[i])
    lines[i] = re.sub(r":8001003:\d+", ":8001003:99", lines[i])
    return lines


def malformed(lines):
    lines.insert(2, "2:1:1:1:x:0:8000000:1")
    return lines


def out_of_order(lines):
    last = records(lines, "2")[-1]
    lines.insert(2, lines[last])
    return lines


def misplaced(lines):
    # The first placement names another node than the one its task ran on.
    i = next(i for i in records(lines, "2") if ":8001012:" in lines[i])
    lines[i] = re.sub(r":8001012:(\d+)", lambda m: f":8001012:{int(m.group(1)) % 3 + 1}", lines[i])
    return lines


def resized_transfer(lines):
    i = records(lines, "3")[0]
    f = lines[i].split(":")
    f[13] = str(int(f[13]) + 1)
    lines[i] = ":".join(f)
    return lines


def threadless_node(lines):
    lines[0] = re.sub(r"\((\d+):1,", "(0:1,", lines[0])  # the master's Paraver task: no thread
    return lines


def edit_file(folder, name, change):
    path = os.path.join(folder, name)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(change(text))


def row_too_big(folder):
    edit_file(folder, "trace.row",
              lambda row: re.sub(r"LEVEL THREAD SIZE (\d+)", lambda m: f"LEVEL THREAD SIZE {int(m.group(1)) + 1}", row))


def worker_lanes(folder):
    # As before workers told their own events: their tasks on lanes the master laid out.
    edit_file(folder, "trace.row", lambda row: row.replace(" thread ", " lane "))


def pcf_value_too_big(folder):
    # A declared value Paraver's reader (an int) cannot hold.
    edit_file(folder, "trace.pcf", lambda pcf: re.sub(r"\n1(\s+)master\n", r"\n4294967297\1master\n", pcf, count=1))


def probed_once(folder):
    edit_file(folder, "trace.json", lambda text: re.sub(r'"clock_probes":\d+', '"clock_probes":1', text))


def main():
    good, scratch = sys.argv[1], sys.argv[2]
    code, out = run_checker(good)
    if code != 0:
        print("FAIL: the good trace is refused:\n" + out)
        return 1
    # (name, what breaks the .prv's lines, or a folder's files; what the checker must say; its options)
    cases = [("overlapping states", overlap_states, "before the thread's previous one ends", ()),
             ("a reversed communication", reverse_communication, "before sent", ()),
             ("an undeclared value", undeclared_value, "not in the .pcf", ()),
             ("a malformed record", malformed, "not a record of whole numbers", ()),
             ("a record out of order", out_of_order, "records out of order", ()),
             ("a .row of the wrong size", row_too_big, "LEVEL THREAD SIZE", ()),
             ("tasks on a worker's lanes", worker_lanes, "not one of the worker's own task threads",
              ("--worker-threads",)),
             ("a clock probed once", probed_once, "was probed 1 times", ("--min-clock-probes", "2")),
             ("a task on a node it was not placed on", misplaced, "but was placed on", ("--placed-where-ran",)),
             ("a transfer of another size", resized_transfer, "the program's data are of",
              ("--transfer-bytes", "262152,8")),
             ("a node without threads in the header", threadless_node, "has no thread", ()),
             ("a .pcf value beyond an int", pcf_value_too_big, "Paraver reads .pcf numbers as int", ())]
    strict = ("--worker-threads", "--min-clock-probes", "2", "--placed-where-ran", "--transfer-bytes", "262152,8")
    code, out = run_checker(good, strict)
    if code != 0:
        print(f"FAIL: the good trace is refused with {' '.join(strict)}:\n" + out)
        return 1
    failures = 0
    for name, breaker, expected, options in cases:
        folder = os.path.join(scratch, name.replace(" ", "_").replace("'", ""))
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(good, folder)
        if breaker in (row_too_big, worker_lanes, probed_once, pcf_value_too_big):
            breaker(folder)
        else:
            path = os.path.join(folder, "trace.prv")
            with open(path) as f:
                lines = f.read().splitlines()
            with open(path, "w") as f:
                f.write("\n".join(breaker(lines)) + "\n")
        code, out = run_checker(folder, options)
        if code == 0 or expected not in out:
            print(f"FAIL: {name} not refused (exit {code}, expected '{expected}'):\n{out}")
            failures += 1
    if failures:
        return 1
    print(f"checker rejects: OK ({len(cases)} broken traces refused)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
