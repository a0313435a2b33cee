#!/usr/bin/env bash
# resources.sh <compss-run> <sequential-binary> <compss-binary>
# number_of_resources() counts the run's nodes (programs/resources.cpp prints it on stderr,
# before any task and after the tasks): 1 in the sequential build and in a local run (with
# COMPSS_THREADS=2: threads are not nodes); 3 under compss-run --workers 2 (the master has
# cores: 2 workers + the master) and 3 under --workers 3 --master-cores 0 (the master runs
# no task: not counted), with 2 cores per worker (cores are not nodes either). Every run
# prints the sequential build's stdout; no process of a run is left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
status=0

# expect <label> <nodes> <stderr file>: the program's resources line says <nodes> twice.
expect() {
  local line
  line="$(grep -E '^resources: ' "$3")"
  if [[ $line != "resources: $2 at start, $2 after the tasks" ]]; then
    echo "FAIL ($1): expected $2 node(s) before and after the tasks, got '$line'"
    cat "$3"
    status=1
  fi
}

run_sequential "$work"
expect sequential 1 "$work/sequential.err"

COMPSS_THREADS=2 run_to_end 60 "$work/local.out" "$work/local.err" "$compss_bin"
same_as_sequential "the local run" "$rc" "$work/local.out" || status=1
expect local 1 "$work/local.err"

layout() {  # layout <label> <nodes> <compss-run options...>
  local label="$1" nodes="$2"
  shift 2
  run_to_end 120 "$work/$label.out" "$work/$label.err" \
    "$launcher" --no-progress --log-level info --worker-cores 2 "$@" -- "$compss_bin"
  same_as_sequential "compss-run $*" "$rc" "$work/$label.out" || { status=1; cat "$work/$label.err"; }
  expect "compss-run $*" "$nodes" "$work/$label.err"
}
layout workers2 3 --workers 2
layout workers3-master0 3 --workers 3 --master-cores 0

assert_nothing_left 10 || status=1
[[ $status -eq 0 ]] && echo "OK: 1 node sequential and local, 3 under --workers 2 and --workers 3 --master-cores 0"
exit $status
