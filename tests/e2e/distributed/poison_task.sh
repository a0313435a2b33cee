#!/usr/bin/env bash
# poison_task.sh <compss-run> <sequential-binary> <compss-binary>
# A task that SIGKILLs the worker running it (programs/poison_task.cpp), on 4 workers of
# one core: it must kill exactly 2 workers (the bound), then fail through its policy
# with a failure report naming the task, its parameter and both workers; the slow tasks
# queued behind it on those workers are not blamed and run elsewhere.
#   on_failure(ignore, returns=-1): exit 0, the sequential sum, the result -1;
#   the default policy (retry): exit 1 and the same report.
# Either way no process of the run is left behind and the user's files in its working
# directory are intact.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
status=0

run_sequential "$work" ignore
expected_sum="$(grep '^sum of squares' "$work/sequential.out")"
mkdir -p "$work/user"
cp "$work/sequential.out" "$work/user/notes.txt"
snapshot_user_files "$work/user"
cd "$work/user" || exit 1

for mode in ignore retry; do
  out="$work/$mode.out" err="$work/$mode.err"
  run_to_end 60 "$out" "$err" "$launcher" --no-progress --workers 4 --master-cores 0 \
    --worker-cores 1 --log-level info -- "$compss_bin" "$mode"
  fail() { echo "FAIL ($mode): $*"; status=1; }
  lost=$(grep -c 'compss: worker [0-9]* (.*) lost' "$err")
  [[ $lost -eq 2 ]] || fail "expected 2 workers lost, saw $lost"
  grep -q "task 'poison_$([[ $mode == ignore ]] && echo ignored || echo retried)' (id [0-9]*) failed" "$err" ||
    fail "no failure report names the poison task"
  grep -q 'parameters: in x' "$err" || fail "the report does not give the task's parameters"
  grep -q 'compss::WorkerLost: its worker died while running it, 2 times (worker [0-9] .*; worker [0-9] ' "$err" ||
    fail "the report does not name the 2 workers it killed"
  if [[ $mode == ignore ]]; then
    [[ $rc -eq 0 ]] || fail "exit code $rc, expected 0 (the failure is ignored)"
    grep -qx "$expected_sum" "$out" || fail "wrong or missing sum (expected '$expected_sum')"
    grep -qx 'poison task result: -1' "$out" || fail "the poison task's result is not its default -1"
  else
    [[ $rc -eq 1 ]] || fail "exit code $rc, expected 1 (the application stops)"
  fi
  assert_nothing_left 10 || status=1
  check_user_files || status=1
  [[ $status -eq 0 ]] || { echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; break; }
done
[[ $status -eq 0 ]] && echo "OK: the poison task killed 2 workers, then failed through its policy"
exit $status
