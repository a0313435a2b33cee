#!/usr/bin/env bash
# elastic.sh <compss-run> <sequential-binary> <compss-binary>
# request_resources, free_resources and snapshot under compss-run (programs/elastic.cpp),
# with --workers 2 and with --workers 3 --master-cores 0. Each run must print the
# sequential build's output, and:
#  - request_resources(1): compss-run starts worker "added-1", number_of_resources() grows
#    by one (a node) and some of the 16 tasks that follow run on added-1;
#  - free_resources(1): added-1 (the newest) is retired, its process exits with code 0, it
#    is not reported lost, and nothing it held is made again;
#  - snapshot(), then worker localhost-1 killed (SIGKILL): the later tasks get every value
#    from the master: no "making data ... again" (lineage) line;
#  - free_resources(100): a warning, every worker left is retired, tasks go on on the master;
#  - no process of the run is left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
run_sequential "$work"
status=0
fail() { echo "FAIL ($config): $*"; status=1; }

# until_done <file> <seconds>: true once <file> exists; false at the deadline or once the
# run ended without it.
until_done() {
  local deadline=$((SECONDS + $2))
  until [[ -e $1 ]]; do
    ((SECONDS >= deadline)) && return 1
    process_alive "$run_pid" || return 1
    sleep 0.05
  done
}

run_case() {
  local dir="$work/run$1" out err
  shift
  config="$*"
  mkdir -p "$dir/sync"
  out="$dir/out" err="$dir/err"
  ELASTIC_EXPECT_GROWTH=1 ELASTIC_SYNC_DIR="$dir/sync" \
    start_run 120 "$out" "$err" "$launcher" --no-progress --log-level info "$@" -- "$compss_bin"
  if until_done "$dir/sync/snapshot.done" 90; then
    # localhost-1's pid: the first worker compss-run started.
    local victim
    victim="$(worker_pids "$err" | head -n 1)"
    [[ -n $victim ]] && kill -9 "$victim"
    wait_for_line "$err" '^compss: worker [0-9]+ \(localhost-1\) lost' 30 ||
      fail "the master did not report localhost-1 (pid $victim) lost"
    touch "$dir/sync/killed"
  else
    fail "the program never reached its snapshot"
  fi
  wait_run
  same_as_sequential "the run with $config" "$rc" "$out" || status=1
  local grow
  grow="$(grep -E '^elastic: resources [0-9]+ -> [0-9]+; ran on:' "$err")"
  # number_of_resources() counts nodes: added-1 is one more, whatever its cores.
  [[ $grow =~ resources\ ([0-9]+)\ -\>\ ([0-9]+) ]] && ((BASH_REMATCH[2] == BASH_REMATCH[1] + 1)) ||
    fail "number_of_resources() did not grow by one node: '$grow'"
  [[ $grow == *" added-1"* ]] || fail "no task ran on the added worker: '$grow'"
  grep -qE '^compss-run: worker [0-9]+ \(added-1, host [^)]*\) started, pid [0-9]+$' "$err" ||
    fail "compss-run did not start worker added-1"
  grep -qE '^elastic: produce [0-9]+ on added-1$' "$err" ||
    fail "no value of phase 2 was made on added-1 (the worker freed next)"
  grep -qE '^compss: worker [0-9]+ \(added-1\) retired by free_resources' "$err" ||
    fail "free_resources(1) did not retire added-1"
  grep -qE '^compss-run: worker [0-9]+ \(added-1, host [^)]*\) exited with code 0$' "$err" ||
    fail "added-1 did not exit with code 0 after it was retired"
  grep -qE '\(added-1\) lost' "$err" && fail "the retired worker was reported lost"
  grep -qE '^compss: WARNING: free_resources\(100\): only [0-9]+ worker\(s\) are live: freeing' "$err" ||
    fail "free_resources(100) did not warn that fewer workers are live"
  grep -qE '^compss: worker [0-9]+ \(localhost-2\) retired by free_resources' "$err" ||
    fail "free_resources(100) did not retire localhost-2"
  grep -qE 'making data [0-9]+ version [0-9.]+ again' "$err" &&
    fail "data were made again from lineage: $(grep -cE 'making data' "$err") line(s)"
  if [[ $status -ne 0 ]]; then echo "--- stderr ($config)"; tail -40 "$err"; fi
}

run_case 1 --workers 2
run_case 2 --workers 3 --master-cores 0
assert_nothing_left || status=1
[[ $status -eq 0 ]] || exit 1
echo "OK: workers added, used, retired; a worker lost after snapshot() made nothing again"
