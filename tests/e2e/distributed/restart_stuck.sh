#!/usr/bin/env bash
# restart_stuck.sh <compss-run> <sequential-binary> <compss-binary> <workers> <tasks>
# A task that never returns times out on a worker (programs/restart_stuck.cpp: time_out(1),
# on_failure(ignore)); with --timeout-grace 1 the master has compss-run kill that worker
# and start it again (docs/failures.md, "Restarting a worker"). Checks, on <workers>
# workers of one core and no master core:
#   - the master says it restarts the worker, compss-run that it did, the new process
#     joins again as a new node and runs tasks (their lines name its pid);
#   - the output is the sequential build's and the exit code 0 (the stuck task's failure
#     is ignored; no "timed-out task(s) still running" at the end: its process is gone);
#   - no process of the run is left behind (common.sh).
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
workers="${4:?workers}" tasks="${5:?tasks}"
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }

run_sequential "$work" "$tasks"
out="$work/run.out" err="$work/run.err"
run_to_end 120 "$out" "$err" "$launcher" --no-progress --workers "$workers" --master-cores 0 \
  --worker-cores 1 --timeout-grace 1 --log-level info -- "$compss_bin" "$tasks"
same_as_sequential "the run" "$rc" "$out" || status=1

grep -qE "^compss: worker [0-9]+ \(localhost-[0-9]+\): task 'stuck' \(id [0-9]+\) timed out and had not returned 1 s later .*: restarting the worker" "$err" ||
  fail "the master did not say it restarts the stuck task's worker"
name="$(grep -oE "^compss-run: worker [0-9]+ \(localhost-[0-9]+, host localhost\) restarted at the master's request" "$err" |
  head -1 | grep -oE 'localhost-[0-9]+')"
[[ -n $name ]] || fail "compss-run did not restart a worker"
grep -qE "^compss: worker $name restarted: it joined again as worker $((workers + 1))\$" "$err" ||
  fail "the restarted worker did not join again as worker $((workers + 1))"
# The pids compss-run started for that worker: the first is the stuck one, the last the new.
new_pid="$(grep -E "^compss-run: worker [0-9]+ \($name, host localhost\) started, pid [0-9]+\$" "$err" |
  tail -1 | grep -oE '[0-9]+$')"
ran="$(grep -cE "^slow_square\([0-9]+\) ran on $name pid ${new_pid:-none}\$" "$err")"
[[ $ran -gt 0 ]] || fail "the restarted worker ($name, pid ${new_pid:-?}) ran no task"
if grep -q 'timed-out task(s) still running' "$err"; then
  fail "the master still counted the stuck task as running at the end"
fi
assert_nothing_left 10 || status=1
if [[ $status -ne 0 ]]; then
  echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
else
  echo "OK: worker $name restarted after the stuck task's time-out; its new process ran $ran task(s)"
fi
exit $status
