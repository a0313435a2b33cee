#!/usr/bin/env bash
# elastic_cancel.sh <compss-run> <sequential-binary> <compss-binary>
# free_resources(1) right after request_resources(1) (programs/elastic.cpp, ELASTIC_CANCEL)
# with --workers 2 --master-cores 0: the worker asked for has not joined yet, so it is the
# one given up (the master says so), or, if it joined first, the one retired; never one of
# the run's live workers (localhost-N). The tasks that follow run on both localhost
# workers, the run ends with 0 and leaves no process behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }
out="$work/out" err="$work/err"
ELASTIC_CANCEL=1 start_run 60 "$out" "$err" "$launcher" --no-progress --log-level info \
  --workers 2 --master-cores 0 -- "$compss_bin"
wait_run
[[ $rc -eq 0 ]] || fail "the run failed (exit $rc)"
grep -qE '^compss: worker [0-9]+ \(localhost-[0-9]+\) retired by free_resources' "$err" &&
  fail "free_resources(1) retired a live worker instead of the one asked for"
grep -qE '^compss: free_resources: 1 worker\(s\) asked for and not joined yet are not awaited any more$|^compss: worker [0-9]+ \(added-1\) retired by free_resources' "$err" ||
  fail "free_resources(1) neither gave up nor retired added-1"
grep -qx 'cancel: ran on: localhost-1 localhost-2' "$out" ||
  fail "the tasks did not run on both workers: $(cat "$out")"
end_checked_run "free_resources(1) after request_resources(1) kept the live workers"
