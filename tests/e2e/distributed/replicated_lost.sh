#!/usr/bin/env bash
# replicated_lost.sh <compss-run> <sequential-binary> <compss-binary>
# A replicated call pinned only to workers that are lost before it starts on them
# (programs/replicated_lost.cpp) ends: its attempt fails with compss::WorkerLost and its
# default policy (retry) runs it again on the master, so the output is the sequential
# build's. On 1 worker, and on 2 workers that both die. Before the fix the run hung (the
# bound below turns that into a failure). No process of the run is left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
status=0
run_sequential "$work"

for workers in 1 2; do
  out="$work/w$workers.out" err="$work/w$workers.err"
  run_to_end 60 "$out" "$err" "$launcher" --no-progress --workers "$workers" --master-cores 0 \
    --worker-cores 1 --log-level info -- "$compss_bin"
  fail() { echo "FAIL ($workers workers): $*"; status=1; }
  [[ $rc -eq 124 ]] && fail "the run did not end within 60 s (the replicated call never finished)"
  lost=$(grep -c 'compss: worker [0-9]* (.*) lost' "$err")
  [[ $lost -eq $workers ]] || fail "expected $workers workers lost, saw $lost"
  [[ $rc -eq 0 ]] || fail "exit code $rc"
  diff <(grep -v '^occupiers' "$work/sequential.out") <(grep -v '^occupiers' "$out") >/dev/null ||
    fail "the replicated call's result differs from the sequential build's"
  grep -qx "occupiers: 3" "$out" || fail "an occupying task's result is wrong"
  assert_nothing_left 10 || status=1
  [[ $status -eq 0 ]] || { echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; break; }
done
[[ $status -eq 0 ]] && echo "OK: a replicated call whose every node was lost before it started there ends"
exit $status
