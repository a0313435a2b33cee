#!/usr/bin/env python3
"""Asks a run's monitor for its data as the page does, until the run ends.

usage: monitor_poller.py <the run's stderr file> <the run's pid>

Waits for the line "compss: monitor: http://...?token=..." in the run's stderr, then, once
a second, GETs /api/state and, when its graph_changes moved, /api/graph.svg (as the page's
script does). Prints how many answers it got. Used by benchmarks/trace/run.sh for "the
monitor open"."""
import json
import os
import re
import sys
import time
import urllib.request

err_file, pid = sys.argv[1], int(sys.argv[2])


def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


url = None
while url is None and alive():
    try:
        with open(err_file) as f:
            m = re.search(r"^compss: monitor: (http\S+)$", f.read(), re.M)
            url = m.group(1) if m else None
    except FileNotFoundError:
        pass
    if url is None:
        time.sleep(0.01)
answers = 0
if url:
    base, query = url.split("?", 1)
    shown = None
    while alive():
        try:
            with urllib.request.urlopen(base + "api/state?" + query, timeout=5) as r:
                state = json.loads(r.read())
            answers += 1
            if state["graph_changes"] != shown:
                with urllib.request.urlopen(base + "api/graph.svg?" + query, timeout=5) as r:
                    r.read()
                shown = state["graph_changes"]
                answers += 1
        except OSError:
            break  # the run ended between the check and the request
        time.sleep(1)
print(answers, file=sys.stderr)
