#!/usr/bin/env bash
# remake_free.sh <compss-run> <sequential-binary> <compss-binary>
# Lost data is made again through the scheduler like any task: on a node whose free
# resources fit its producer, reserved there, the master's node included when it has cores
# (programs/remake_free.cpp; every node one core, no look-ahead):
# - --workers 2 --master-cores 1: the master is the node that frees first (its hold ends
#   when main says the worker is killed; the other worker's hold waits for the remake):
#   produce runs again on the master, never beside a hold (a remake that took only a
#   worker's totals into account went to the busy worker);
# - --workers 3 --master-cores 0: it runs again on the worker that frees, never beside
#   the hold that waits for it.
# Both give the sequential build's output; no process is left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
mkdir -p "$work/seq" "$work/master" "$work/workers"
run_sequential "$work" "$work/seq"
status=0
fail() { echo "FAIL: $*"; status=1; }
export COMPSS_LOOKAHEAD=0  # (nothing sent ahead to a busy worker: the layout is first fit)

check_layout() {  # <name> <dir> <expected node of the remake, or "not:<node>">
  local dir=$2 log="$2/produce.log"
  [[ $(grep -c '^produce' "$log" 2>/dev/null) -eq 2 ]] ||
    fail "$1: produce ran $(grep -c '^produce' "$log" 2>/dev/null) times (expected 2: once, then one remake)"
  local first second
  first=$(sed -n 1p "$log" | awk '{print $2}') second=$(sed -n 2p "$log" | awk '{print $2}')
  [[ $first != master ]] || fail "$1: produce first ran on the master (the layout expects a worker)"
  grep -q 'during_hold=1' "$log" && fail "$1: produce ran on a node whose only core a running task held"
  case $3 in
    not:*) [[ -n $second && $second != "${3#not:}" && $second != "$first" ]] ||
             fail "$1: produce was made again on '$second' (its lost worker: $first)" ;;
    *) [[ $second == "$3" ]] || fail "$1: produce was made again on '$second' (expected $3)" ;;
  esac
}

run_to_end 90 "$work/master.out" "$work/master.err" "$launcher" --no-progress --log-level info \
  --workers 2 --worker-cores 1 --master-cores 1 -- "$compss_bin" "$work/master"
same_as_sequential "the run with master cores" "$rc" "$work/master.out" || status=1
check_layout "with master cores" "$work/master" master
grep -qE 'making data [0-9]+ version [0-9.]+ again on the master' "$work/master.err" ||
  fail "with master cores: no remake on the master was logged"

run_to_end 90 "$work/workers.out" "$work/workers.err" "$launcher" --no-progress --log-level info \
  --workers 3 --worker-cores 1 --master-cores 0 -- "$compss_bin" "$work/workers"
same_as_sequential "the run on three workers" "$rc" "$work/workers.out" || status=1
check_layout "on three workers" "$work/workers" "not:$(cat "$work/workers/started.remade" 2>/dev/null)"

end_runs_checked "lost data was made again where free resources fit it (the master's node included), never beside a busy task" \
  produce.log master workers
