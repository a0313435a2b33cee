#!/usr/bin/env bash
# worker_stop.sh <compss-run> <sequential-binary> <compss-binary> [compss-run options...]
# A task with time_out(1) whose body polls stop_requested() (programs/worker_stop_requested.cpp)
# returns by itself once stopped, on a worker as on the master (docs/failures.md,
# "time_out"): with --timeout-grace 2 and main waiting 3.5 s after the time-outs, checks
#   - the run prints the default (-1) of its three calls, then "main ends", and exits 0;
#   - each body printed that it was stopped after 1-3 s (not "not stopped"), one at
#     least on a worker;
#   - no worker was restarted or dropped (a body that did not return within the grace
#     restarted its worker before: the worker's body never saw the stop);
#   - no process of the run is left (common.sh).
# The sequential build is not compared: without the runtime nothing stops the body.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }
out="$work/run.out" err="$work/run.err"
run_to_end 120 "$out" "$err" "$launcher" --no-progress --worker-cores 1 --timeout-grace 2 \
  --log-level info "$@" -- "$compss_bin"
[[ $rc -eq 0 ]] || fail "the run exited with $rc"
[[ $(grep -cx 'result -1' "$out") -eq 3 ]] || fail "the run did not print the time-out's default thrice"
grep -qx 'main ends' "$out" || fail "main did not end"
stopped="$(grep -cE '^body stopped after [0-9]+ ms on ' "$out")"
[[ $stopped -eq 3 ]] ||
  fail "$stopped of 3 bodies saw stop_requested() ($(grep -E '^body ' "$out" | tr '\n' ';'))"
for ms in $(grep -oE '^body stopped after [0-9]+ ms' "$out" | grep -oE '[0-9]+'); do
  [[ $ms -ge 900 && $ms -le 3000 ]] || fail "a body was stopped after $ms ms (its time_out is 1 s)"
done
grep -qE '^body stopped after [0-9]+ ms on localhost-[0-9]+$' "$out" ||
  fail "no body ran on a worker"
if grep -qE 'restarting the worker|dropping the worker|restarted at the master' "$err"; then
  fail "a worker was restarted or dropped: its body did not return within the grace"
fi
end_checked_run "$(grep -E '^body stopped' "$out" | tr '\n' ';')"
