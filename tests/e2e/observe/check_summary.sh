#!/usr/bin/env bash
# check_summary.sh <summary_program> [<compss-run> <layout options...>]
# Runs summary_program with the summary on (COMPSS_SUMMARY=1 alone, or compss-run
# --summary with the layout options) and checks the exact counts in summary.json (6 work,
# 1 flaky retried once, 1 doomed failed) and plausible times (every attempt timed, min <=
# mean <= max, total = mean x attempts), and that the table is printed. With
# EXPECT_MOVED=1 (every task on a worker), the values the barrier fetches count as bytes
# moved by `work` (six longs at least).
set -u
source "$(dirname "$0")/common.sh"
# (The program's argument, its scratch folder, is the run's directory: ".".)
observed_run --summary COMPSS_SUMMARY "$@" -- .
grep -q "^compss: summary: 8 task(s)" err.txt || { echo "FAIL: no summary table on stderr"; cat err.txt; exit 1; }
/usr/bin/python3 - "$COMPSS_LOG_DIR/summary.json" <<'PY' || { cat err.txt; exit 1; }
import json, os, sys
s = json.load(open(sys.argv[1]))
types = {t["name"]: t for t in s["task_types"]}
want = {  # name: (count, succeeded, failed, cancelled, retries, attempts)
    "work": (6, 6, 0, 0, 0, 6),
    "flaky": (1, 1, 0, 0, 1, 2),
    "doomed": (1, 0, 1, 0, 0, 1),
}
ok = sorted(types) == sorted(want)
for name, (count, succeeded, failed, cancelled, retries, attempts) in want.items():
    t = types.get(name)
    got = t and (t["count"], t["succeeded"], t["failed"], t["cancelled"], t["retries"], t["attempts"])
    if got != (count, succeeded, failed, cancelled, retries, attempts):
        print(f"FAIL: {name}: count/succeeded/failed/cancelled/retries/attempts {got}, expected "
              f"{(count, succeeded, failed, cancelled, retries, attempts)}")
        ok = False
        continue
    if not (0 <= t["min_s"] <= t["mean_s"] <= t["max_s"] < 60):
        print(f"FAIL: {name}: implausible times {t}"); ok = False
    if abs(t["total_s"] - t["mean_s"] * t["attempts"]) > 1e-5 * t["attempts"] + 1e-6:
        print(f"FAIL: {name}: total {t['total_s']} is not mean x attempts"); ok = False
if os.environ.get("EXPECT_MOVED") == "1" and types.get("work", {}).get("bytes_moved", 0) < 6 * 8:
    print(f"FAIL: work moved {types.get('work', {}).get('bytes_moved')} bytes, expected >= 48"); ok = False
if not 0 < s["elapsed_s"] < 120:
    print(f"FAIL: elapsed {s['elapsed_s']}"); ok = False
print("summary checked: OK" if ok else "FAIL: see above")
sys.exit(0 if ok else 1)
PY
