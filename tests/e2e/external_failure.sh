#!/usr/bin/env bash
# external_failure.sh <program> <mode> [mode args...] -- <expected text>...
# Runs a binary-task program that must fail (binary_bad.cpp): it must exit non-zero (not
# by a signal, not by hanging) with every expected text on stderr. LAUNCH (optional) is a
# command prefix ("compss-run --workers 2 --"). A mode argument @MARKER@ becomes a marker
# unique to this run: in the `timeout` mode the test also sees the program's three
# processes (`<helper> --hang <marker>`) start, and checks that none is left afterwards.
# Under compss-run --log-level info, the master and workers it started must be gone too.
set -uo pipefail
source "$(dirname "$0")/distributed/common.sh"  # start_run, wait_run, assert_nothing_left
bin="$1"; shift
args=()
marker="compss-hang-$$-$RANDOM"
while [[ $# -gt 0 && $1 != -- ]]; do args+=("${1//@MARKER@/$marker}"); shift; done
shift
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
hung() { pgrep -f -- "--hang $marker" | grep -c .; }
read -r -a launch <<<"${LAUNCH:-}"
compss_bin="$(realpath "$bin")"  # (what assert_nothing_left looks for in reused pids)
run_groups=() run_logs=()
start_run 120 /dev/null "$err" "${launch[@]}" "$bin" "${args[@]}"
run=$run_pid
seen=0
if [[ " ${args[*]} " == *" $marker "* ]]; then
  for _ in $(seq 200); do  # up to 20 s for the program and its two children to start
    [[ $(hung) -ge 3 ]] && { seen=1; break; }
    kill -0 "$run" 2>/dev/null || break
    sleep 0.1
  done
  [[ $seen -eq 1 ]] || { echo "FAIL: the hanging program's 3 processes never ran"; never_ran=1; }
fi
wait_run
status=${never_ran:-0}
if [[ $rc -eq 0 ]]; then echo "FAIL: exited 0"; status=1; fi
if [[ $rc -eq 124 ]]; then echo "FAIL: timed out (hang)"; status=1; fi
if [[ $rc -gt 128 ]]; then echo "FAIL: killed by signal $((rc - 128))"; status=1; fi
for text in "$@"; do
  grep -qF -- "$text" "$err" || { echo "FAIL: stderr lacks '$text'"; status=1; }
done
if [[ $seen -eq 1 ]]; then
  for _ in $(seq 50); do [[ $(hung) -eq 0 ]] && break; sleep 0.1; done
  left="$(pgrep -f -- "--hang $marker")"
  if [[ -n $left ]]; then
    echo "FAIL: processes of the timed-out program outlived the run: $left"
    kill -9 $left 2>/dev/null
    status=1
  fi
fi
assert_nothing_left 10 || status=1
[[ $status -eq 0 ]] || { cat "$err"; exit 1; }
echo "OK: exit code $rc, message: $(head -c 300 "$err")"
