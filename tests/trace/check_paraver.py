#!/usr/bin/python3
"""Checks a Paraver trace (.prv/.pcf/.row) and its Chrome/Perfetto JSON written by --trace.

usage: check_paraver.py FOLDER [--tasks TYPE=N ...] [--nodes N] [--nodes-with-tasks N]
                        [--min-nodes-with-tasks N] [--min-transfers N]
                        [--max-clock-error-ns NS [--same-clock]] [--min-clock-probes N]
                        [--worker-threads] [--requested TYPE=CPUS:GPUS:MB ...]
                        [--min-placements N] [--placed-where-ran] [--transfer-bytes B[,B...]]

Paraver files: every line well formed (record 1 state, 2 events, 3 communication, with
their fields in range); records in time order; per thread, states ordered and never
overlapping; each communication's two ends on existing threads, the receive not before the
send, a size; every state, event type and (where the .pcf lists values) value declared in
the .pcf; the .row's CPU, node, task and thread counts equal to the header's. Then what the run
should show: task begin/end pairs per thread, the count of each task type, the number of
nodes (and of nodes that ran tasks), transfers with bytes, and the same task counts, flows
and clock metadata in trace.json (with --min-clock-probes, each worker's clock probed that
often). With --worker-threads, the workers told their own events: every task on a worker
is on one of the task threads it named (named "<node> thread N" in the .row, none on a
fallback lane), and their own work (taking inputs, answering) is there as runtime events.
With --requested, every task of TYPE carries those requested resources (8000008-8000010)
at its begin; with --min-placements, the scheduler's decisions (8001012) are there; with
--placed-where-ran, each task ran on a node it was placed on (the right node); with
--transfer-bytes, each communication's size is one of the program's data sizes. The .pcf's
numbers fit Paraver's reader (an int), and every Paraver task of the header has threads.
Prints "trace checked: OK" or every problem and exits 1.
"""
import argparse
import collections
import json
import os
import re
import sys

HEADER = re.compile(r"^#Paraver \((\d\d/\d\d/\d\d at \d\d:\d\d)\):(\d+)(_ns)?:(\d+)\(([\d,]+)\):(\d+):(.*)$")
TASK_TYPE, TASK_ID, TRANSFER, RUNTIME_EVENT = 8000000, 8000002, 8000003, 8001002
CPUS, GPUS, MEMORY, PLACED_NODE, PLACED_TASK, SCHEDULER_WAIT = 8000008, 8000009, 8000010, 8001012, 8001013, 8001014
WORKER_WORK = (2, 3)  # 8001002 values of a worker's own work: taking inputs, answering


class Problems(list):
    def add(self, where, what):
        if len(self) < 50:
            self.append(f"{where}: {what}")


def parse_header(line, problems):
    m = HEADER.match(line)
    if not m:
        problems.add("trace.prv:1", f"not a Paraver header: {line!r}")
        return None
    end, nodes, cpus, apps, rest = int(m.group(2)), int(m.group(4)), m.group(5), int(m.group(6)), m.group(7)
    cpus = [int(c) for c in cpus.split(",")]
    if len(cpus) != nodes:
        problems.add("trace.prv:1", f"{nodes} nodes but {len(cpus)} CPU counts")
    am = re.match(r"^(\d+)\(([\d:,]+)\)$", rest)
    if apps != 1 or not am:
        problems.add("trace.prv:1", f"expected one application 'N(threads:node,...)', got {rest!r}")
        return None
    tasks = [tuple(int(x) for x in t.split(":")) for t in am.group(2).split(",")]
    if len(tasks) != int(am.group(1)):
        problems.add("trace.prv:1", f"{am.group(1)} tasks but {len(tasks)} listed")
    for i, (threads, node) in enumerate(tasks, 1):
        if not 1 <= node <= nodes:
            problems.add("trace.prv:1", f"task {i} on node {node}: no such node")
        if threads == 0:  # (Paraver refuses such a header: "invalid thread number")
            problems.add("trace.prv:1", f"task {i} has no thread")
    return {"end": end, "cpus": cpus, "threads": [t for t, _ in tasks]}


# Paraver's .pcf reader parses state, type and value numbers with std::stoi: a line whose
# number does not fit in an int is dropped (its value then shows unnamed).
PCF_INT_MAX = 2**31 - 1


def parse_pcf(path, problems):
    states, types = set(), {}
    section, current = None, None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                continue
            if line in ("DEFAULT_OPTIONS", "DEFAULT_SEMANTIC", "STATES", "STATES_COLOR", "EVENT_TYPE", "VALUES"):
                section = line
                if line == "EVENT_TYPE":
                    current = []
                continue
            parts = line.split(None, 2)
            if section == "STATES":
                states.add(int(parts[0]))
            elif section == "EVENT_TYPE":
                if len(parts) < 3 or not parts[1].isdigit():
                    problems.add(f"trace.pcf:{n}", f"malformed event type line {line!r}")
                    continue
                if int(parts[1]) > PCF_INT_MAX:
                    problems.add(f"trace.pcf:{n}", f"event type {parts[1]} beyond {PCF_INT_MAX}: Paraver reads .pcf "
                                                   "numbers as int and drops the line")
                types[int(parts[1])] = {"label": parts[2], "values": None}
                current.append(int(parts[1]))
            elif section == "VALUES":
                if len(parts) < 2 or not parts[0].isdigit():
                    problems.add(f"trace.pcf:{n}", f"malformed value line {line!r}")
                    continue
                if int(parts[0]) > PCF_INT_MAX:
                    problems.add(f"trace.pcf:{n}", f"value {parts[0]} beyond {PCF_INT_MAX}: Paraver reads .pcf "
                                                   "numbers as int and drops the line")
                for t in current:
                    if types[t]["values"] is None:
                        types[t]["values"] = {}
                    types[t]["values"][int(parts[0])] = line.split(None, 1)[1]
    return states, types


def check_row(path, header, problems):
    sizes, counts, level = {}, collections.Counter(), None
    names = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^LEVEL (\w+) SIZE (\d+)$", line)
            if m:
                level = m.group(1)
                sizes[level] = int(m.group(2))
            elif line and level:
                counts[level] += 1
                names[level].append(line)
    # (TASK: the Paraver tasks, our nodes, named so that a window at Task level names its rows.)
    expected = {"CPU": sum(header["cpus"]), "NODE": len(header["cpus"]), "TASK": len(header["threads"]),
                "THREAD": sum(header["threads"])}
    for level, want in expected.items():
        if sizes.get(level) != want:
            problems.add("trace.row", f"LEVEL {level} SIZE {sizes.get(level)} but the header says {want}")
        if counts[level] != sizes.get(level):
            problems.add("trace.row", f"LEVEL {level}: {counts[level]} names for SIZE {sizes.get(level)}")
    # The thread names of each Paraver task (node), by thread number from 1; the nodes' names.
    by_task, at = [], 0
    for threads in header["threads"]:
        by_task.append(names["THREAD"][at:at + threads])
        at += threads
    return by_task, names["NODE"]


def check_prv(path, states_declared, types, problems):
    with open(path) as f:
        header = parse_header(f.readline().rstrip("\n"), problems)
        if header is None:
            return None
        total_cpus = sum(header["cpus"])
        last_time = 0
        state_end = {}  # (task, thread) -> end of its last state
        open_task = {}  # (task, thread) -> task id running
        result = {"placed": collections.defaultdict(set), "ran_on": collections.defaultdict(set),
                  "type_counts": collections.Counter(), "task_ids": set(), "nodes_with_tasks": set(),
                  "transfers": 0, "transfer_bytes": 0, "transfer_sizes": set(), "task_threads": collections.defaultdict(set),
                  "worker_work": set(), "requested": collections.defaultdict(set), "placements": 0,
              "scheduler_waits": 0}

        def place(fields, n, at):
            cpu, app, task, thread = fields[at:at + 4]
            if not 0 <= cpu <= total_cpus:
                problems.add(f"trace.prv:{n}", f"CPU {cpu} outside 1..{total_cpus}")
            if app != 1:
                problems.add(f"trace.prv:{n}", f"application {app}: only 1 exists")
            if not 1 <= task <= len(header["threads"]):
                problems.add(f"trace.prv:{n}", f"task {task} does not exist")
                return (task, thread)
            if not 1 <= thread <= header["threads"][task - 1]:
                problems.add(f"trace.prv:{n}", f"thread {thread} of task {task} does not exist")
            return (task, thread)

        for n, raw in enumerate(f, 2):
            line = raw.rstrip("\n")
            if not line or line.startswith("c:") or line.startswith("#"):
                continue
            try:
                fields = [int(x) for x in line.split(":")]
            except ValueError:
                problems.add(f"trace.prv:{n}", f"not a record of whole numbers: {line!r}")
                continue
            kind = fields[0]
            if kind == 1 and len(fields) == 8:
                where = place(fields, n, 1)
                begin, end, state = fields[5:8]
                time = begin
                if not 0 <= begin <= end <= header["end"]:
                    problems.add(f"trace.prv:{n}", f"state from {begin} to {end} outside 0..{header['end']}")
                if state not in states_declared:
                    problems.add(f"trace.prv:{n}", f"state {state} not in the .pcf")
                if begin < state_end.get(where, 0):
                    problems.add(f"trace.prv:{n}", f"state begins at {begin} before the thread's previous one ends "
                                                   f"({state_end[where]})")
                state_end[where] = max(end, state_end.get(where, 0))
            elif kind == 2 and len(fields) >= 8 and len(fields) % 2 == 0:
                where = place(fields, n, 1)
                time = fields[5]
                pairs = list(zip(fields[6::2], fields[7::2]))
                values = dict(pairs)
                if values.get(CPUS, 0) != 0 and where in open_task:
                    label = (types.get(TASK_TYPE, {}).get("values") or {}).get(open_task[where], "?")
                    result["requested"][label].add((values[CPUS], values.get(GPUS), values.get(MEMORY)))
                if PLACED_NODE in values:
                    result["placements"] += 1
                    result["placed"][values.get(PLACED_TASK)].add(values[PLACED_NODE])
                if SCHEDULER_WAIT in values:
                    result["scheduler_waits"] += 1
                for t, v in pairs:
                    if t not in types:
                        problems.add(f"trace.prv:{n}", f"event type {t} not in the .pcf")
                    elif types[t]["values"] is not None and v not in types[t]["values"]:
                        problems.add(f"trace.prv:{n}", f"value {v} of event type {t} not in the .pcf")
                    if t == TASK_TYPE and v != 0:
                        if where in open_task:
                            problems.add(f"trace.prv:{n}", f"a task begins on {where} while another runs there")
                        open_task[where] = v
                        result["task_threads"][where[0]].add(where[1])
                        result["type_counts"][(types.get(t, {}).get("values") or {}).get(v, str(v))] += 1
                        result["nodes_with_tasks"].add(where[0])
                    elif t == TASK_TYPE:
                        if where not in open_task:
                            problems.add(f"trace.prv:{n}", f"a task ends on {where} where none began")
                        open_task.pop(where, None)
                    elif t == TASK_ID and v != 0:
                        result["task_ids"].add(v)
                        result["ran_on"][v].add(where[0])
                    elif t == RUNTIME_EVENT and v in WORKER_WORK and where[0] > 1:
                        result["worker_work"].add(where[0])
            elif kind == 3 and len(fields) == 15:
                send = place(fields, n, 1)
                recv = place(fields, n, 7)
                lsend, psend, lrecv, precv, size = fields[5], fields[6], fields[11], fields[12], fields[13]
                time = lsend
                if not (0 <= lsend <= psend <= header["end"] and 0 <= lrecv <= precv <= header["end"]):
                    problems.add(f"trace.prv:{n}", "communication times out of order or range")
                if precv < psend:
                    problems.add(f"trace.prv:{n}", f"received at {precv} before sent at {psend}")
                if size <= 0:
                    problems.add(f"trace.prv:{n}", f"communication of {size} bytes")
                if send[0] == recv[0]:
                    problems.add(f"trace.prv:{n}", "a communication from a node to itself")
                result["transfers"] += 1
                result["transfer_bytes"] += size
                result["transfer_sizes"].add(size)
            else:
                problems.add(f"trace.prv:{n}", f"malformed record {line!r}")
                continue
            if time < last_time:
                problems.add(f"trace.prv:{n}", f"time {time} after {last_time}: records out of order")
            last_time = max(last_time, time)
        for where in open_task:
            problems.add("trace.prv", f"the task on {where} never ends")
        result["header"] = header
        return result


def check_placed_where_ran(r, types, node_names, problems):
    """Every attempt ran on a node the scheduler placed its task on (8001012 names nodes by
    the .pcf's values, a Paraver task is a node, named in the .row)."""
    placed_names = (types.get(PLACED_NODE, {}).get("values") or {})
    for task_id, nodes in sorted(r["ran_on"].items()):
        placed = {placed_names.get(v, f"?{v}") for v in r["placed"].get(task_id, set())}
        ran = {node_names[n - 1] if n - 1 < len(node_names) else f"?{n}" for n in nodes}
        if not placed:
            problems.add("trace.prv", f"task {task_id} ran on {sorted(ran)} but was never placed (8001012)")
        elif not ran <= placed:
            problems.add("trace.prv", f"task {task_id} ran on {sorted(ran)} but was placed on {sorted(placed)}")


def check_worker_threads(r, thread_names, problems):
    """Every task on a worker ran on a task thread the worker named; its work is there."""
    for task, threads in sorted(r["task_threads"].items()):
        if task == 1:
            continue  # the master: executor lanes
        names = thread_names[task - 1] if task - 1 < len(thread_names) else []
        for t in sorted(threads):
            name = names[t - 1] if t - 1 < len(names) else "?"
            if " thread " not in name:
                problems.add("trace.row", f"a task ran on thread {t} of node {task}, named {name!r}: not one of "
                                          "the worker's own task threads")
        if task not in r["worker_work"]:
            problems.add("trace.prv", f"node {task} ran tasks but told none of its own work (8001002 values "
                                      f"{WORKER_WORK})")


def check_json(path, args, problems):
    with open(path) as f:
        trace = json.load(f)
    events = trace.get("traceEvents", [])
    counts = collections.Counter(e["name"] for e in events if e.get("ph") == "X" and e.get("cat") == "task")
    for spec in args.tasks:
        name, want = spec.split("=")
        if counts[name] != int(want):
            problems.add("trace.json", f"{counts[name]} '{name}' tasks, expected {want}")
    for e in events:
        if e.get("ph") == "X" and (e.get("dur", -1) < 0 or "ts" not in e):
            problems.add("trace.json", f"complete event without ts or with a negative dur: {e}")
    starts = {e["id"] for e in events if e.get("ph") == "s"}
    finishes = {e["id"] for e in events if e.get("ph") == "f"}
    if starts != finishes:
        problems.add("trace.json", "flow arrows without both ends")
    if not any(e.get("ph") == "s" and e.get("cat") == "task" for e in events):
        problems.add("trace.json", "no dependency arrows")
    if args.min_transfers and not any(e.get("ph") == "s" and e.get("cat") == "transfer" for e in events):
        problems.add("trace.json", "no transfer arrows")
    if args.scheduler_waits is not None:
        waits = [e for e in events if e.get("cat") == "scheduling" and e.get("ph") in ("b", "e")]
        begins = collections.Counter(e["id"] for e in waits if e["ph"] == "b")
        ends = {e["id"]: e["ts"] for e in waits if e["ph"] == "e"}
        if len(begins) != args.scheduler_waits or set(begins) != set(ends):
            problems.add("trace.json", f"{len(begins)} waits for the scheduler ({len(ends)} ends), expected "
                                       f"{args.scheduler_waits} with both ends")
        for e in waits:
            if e["ph"] == "b" and e["id"] in ends and ends[e["id"]] < e["ts"]:
                problems.add("trace.json", f"a wait for the scheduler ends before it begins: {e}")
    for counter in ("ready tasks",) + (("bytes in flight",) if args.min_transfers else ()):
        if not any(e.get("ph") == "C" and e.get("name") == counter for e in events):
            problems.add("trace.json", f"no '{counter}' counter")
    meta = trace.get("metadata", {})
    if meta.get("truncated"):
        problems.add("trace.json", "the trace says it is truncated")
    workers = [n for n in meta.get("nodes", []) if n["node"] != 0]
    for n in workers:
        if args.min_clock_probes and n.get("clock_probes", 0) < args.min_clock_probes:
            problems.add("trace.json", f"the clock of {n['name']} was probed {n.get('clock_probes', 0)} times, "
                                       f"expected at least {args.min_clock_probes} (at its connection and later)")
        if args.worker_threads and n.get("events_dropped", 0) != 0:
            problems.add("trace.json", f"{n['name']} dropped {n['events_dropped']} of its own events")
    if args.max_clock_error_ns is not None:
        for n in workers:
            if "clock_error_ns" not in n:
                problems.add("trace.json", f"no clock error for node {n['name']}")
            elif n["clock_error_ns"] > args.max_clock_error_ns:
                problems.add("trace.json", f"clock error of {n['name']}: {n['clock_error_ns']} ns > "
                                           f"{args.max_clock_error_ns} ns")
            elif args.same_clock and abs(n["clock_offset_ns"]) > n["clock_error_ns"]:
                # Processes of one machine read one steady clock: the true offset is 0,
                # which the estimate's interval must hold.
                problems.add("trace.json", f"clock offset of {n['name']}: {n['clock_offset_ns']} ns, outside "
                                           f"its own error bound {n['clock_error_ns']} ns of the true 0")
    return meta


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--tasks", action="append", default=[], help="TYPE=N: N tasks of TYPE ran")
    p.add_argument("--nodes", type=int)
    p.add_argument("--nodes-with-tasks", type=int)
    p.add_argument("--min-nodes-with-tasks", type=int, default=0)
    p.add_argument("--min-transfers", type=int, default=0)
    p.add_argument("--max-clock-error-ns", type=int)
    p.add_argument("--min-clock-probes", type=int, default=0)
    p.add_argument("--requested", action="append", default=[], help="TYPE=CPUS:GPUS:MB asked by each task of TYPE")
    p.add_argument("--min-placements", type=int, default=0)
    p.add_argument("--scheduler-waits", type=int,
                   help="N: N waits for the scheduler (8001014 in the .prv, async slices in the JSON)")
    p.add_argument("--worker-threads", action="store_true",
                   help="tasks on workers are on the worker's own task threads (their events were told)")
    p.add_argument("--transfer-bytes", type=lambda t: [int(x) for x in t.split(",")],
                   help="B[,B...]: every communication carries one of these sizes (the program's data)")
    p.add_argument("--placed-where-ran", action="store_true",
                   help="every task ran on a node the scheduler placed it on (8001012, master-worker runs)")
    p.add_argument("--same-clock", action="store_true",
                   help="every node runs on this machine: each offset must be 0 within its error bound")
    args = p.parse_args()
    problems = Problems()
    base = os.path.join(args.folder, "trace")
    for ext in (".prv", ".pcf", ".row", ".json", ".html"):
        if not os.path.isfile(base + ext):
            print(f"FAIL: {base + ext} missing")
            return 1
    states, types = parse_pcf(base + ".pcf", problems)
    r = check_prv(base + ".prv", states, types, problems)
    if r is not None:
        thread_names, node_names = check_row(base + ".row", r["header"], problems)
        if args.worker_threads:
            check_worker_threads(r, thread_names, problems)
        if args.placed_where_ran:
            check_placed_where_ran(r, types, node_names, problems)
        for spec in args.tasks:
            name, want = spec.split("=")
            if r["type_counts"][name] != int(want):
                problems.add("trace.prv", f"{r['type_counts'][name]} '{name}' task begins, expected {want}")
        total = sum(int(s.split("=")[1]) for s in args.tasks)
        if args.tasks and len(r["task_ids"]) != total:
            problems.add("trace.prv", f"{len(r['task_ids'])} task ids, expected {total}")
        nodes = len(r["header"]["cpus"])
        if args.nodes is not None and nodes != args.nodes:
            problems.add("trace.prv", f"{nodes} nodes, expected {args.nodes}")
        if args.nodes_with_tasks is not None and len(r["nodes_with_tasks"]) != args.nodes_with_tasks:
            problems.add("trace.prv", f"tasks ran on {len(r['nodes_with_tasks'])} nodes, expected "
                                      f"{args.nodes_with_tasks}")
        if len(r["nodes_with_tasks"]) < args.min_nodes_with_tasks:
            problems.add("trace.prv", f"tasks ran on {len(r['nodes_with_tasks'])} nodes, expected at least "
                                      f"{args.min_nodes_with_tasks}")
        for spec in args.requested:
            name, want = spec.split("=")
            want = tuple(int(x) for x in want.split(":"))
            if r["requested"][name] != {want}:
                problems.add("trace.prv", f"'{name}' tasks requested {sorted(r['requested'][name])} "
                                          f"(CPUs, GPUs, MB), expected {want}")
        if args.scheduler_waits is not None and r["scheduler_waits"] != args.scheduler_waits:
            problems.add("trace.prv", f"{r['scheduler_waits']} waits for the scheduler (8001014), expected "
                                      f"{args.scheduler_waits}")
        if r["placements"] < args.min_placements:
            problems.add("trace.prv", f"{r['placements']} scheduling decisions (8001012), expected at least "
                                      f"{args.min_placements}")
        if args.transfer_bytes and not r["transfer_sizes"] <= set(args.transfer_bytes):
            problems.add("trace.prv", f"communications of {sorted(r['transfer_sizes'])} bytes; the program's data "
                                      f"are of {sorted(args.transfer_bytes)} bytes")
        if r["transfers"] < args.min_transfers:
            problems.add("trace.prv", f"{r['transfers']} communications, expected at least {args.min_transfers}")
    meta = check_json(base + ".json", args, problems)
    with open(base + ".html") as f:
        page = f.read()
    if "http://" in page.replace('xmlns="http://www.w3.org/2000/svg"', "") or "https://" in page or "<script src" in page:
        problems.add("trace.html", "refers to something outside the page")
    if problems:
        for x in problems:
            print("FAIL:", x)
        return 1
    print(f"trace checked: OK ({sum(r['type_counts'].values())} tasks, {r['transfers']} transfers of "
          f"{r['transfer_bytes']} bytes, {len(r['header']['cpus'])} nodes, largest clock error "
          f"{meta.get('max_clock_error_ns')} ns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
