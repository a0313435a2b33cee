#!/usr/bin/env bash
# many_workers.sh <compss-run> <sequential-binary> <compss-binary> <workers> [args...]
# A run with <workers> local worker processes of one task slot each and no master cores
# (issue 12: no cap on workers; programs/many_workers.cpp moves values between them):
# every worker connects, the tasks run in many of them, the output is the sequential
# build's, and no process of the run is left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
workers="$1"
shift
start_work
run_sequential "$work" "$@"
began=$SECONDS
run_to_end 140 "$work/dist.out" "$work/dist.err" "$launcher" --no-progress --workers "$workers" \
  --worker-cores 1 --master-cores 0 --log-level info -- "$compss_bin" "$@"
took=$((SECONDS - began))
status=0
fail() { echo "FAIL: $*"; status=1; }
same_as_sequential "the run on $workers workers" "$rc" "$work/dist.out" || status=1
connected=$(grep -cE '^compss: worker [0-9]+ \(.*\) connected from ' "$work/dist.err")
[[ $connected -eq $workers ]] || fail "$connected of the $workers workers connected"
processes=$(grep -oE '^mixed in [0-9]+ processes' "$work/dist.err" | grep -oE '[0-9]+')
# (Placement spreads tasks over free slots: far more than half the workers mix.)
[[ ${processes:-0} -ge $((workers / 2)) ]] ||
  fail "the tasks ran in ${processes:-no} processes of $workers workers"
assert_nothing_left 20 || status=1
if [[ $status -ne 0 ]]; then
  echo "--- stderr (last 40 lines)"
  tail -40 "$work/dist.err"
  exit 1
fi
echo "OK: $workers workers, ${processes} of them mixing, output identical to the sequential build (${took} s)"
