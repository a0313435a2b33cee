#!/usr/bin/env bash
# versions_freed.sh <compss-run> <sequential-binary> <compss-binary> [rounds]
# Two workers with one slot each: every round a new version of one datum is made and read
# on both workers (one of them fetches it from the other). The output must match the
# sequential build, versions must really have moved between workers, and at the end the
# workers together must hold a few values, not one left-over copy per round: each says
# how many at its end (--log-level info).
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
rounds=${1:-12}
start_work
run_sequential "$work" "$rounds"

run_two_one_slot_workers "$rounds"
moved=$(sed -n 's/^versions_freed: \([0-9]*\) of .*/\1/p' "$work/dist.err")
if [[ -z $moved ]] || ((moved < rounds / 2)); then
  echo "FAIL: versions moved between workers in only '${moved}' of $rounds rounds"
  cat "$work/dist.err"; exit 1
fi
# Whatever the number of rounds: at most the latest version of the datum on both workers
# and the last round's two small results (the end of main releases even those: 0 here).
workers_end_holding_at_most 4 "after $rounds rounds, old versions were not released"
echo "OK: $moved of $rounds rounds moved a version between workers; the workers ended holding ${held[*]} values"
