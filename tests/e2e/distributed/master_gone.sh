#!/usr/bin/env bash
# master_gone.sh <compss-run> <e2e_slow_stencil> <e2e_stuck_task> <case>
# How a run ends when its master does not end it normally; in every case each process of
# the run is gone within a few seconds and the workers' last lines say what happened (a
# wrong COMPSS_SECRET is never blamed: the secret was right).
#   orphan:    the master and compss-run are SIGKILLed while the only worker slot runs a
#              task of 10 minutes: the worker, an orphan now, leaves it and exits.
#   interrupt: compss-run gets SIGINT (Ctrl-C) in the middle of a run: it says so, passes
#              it to the master, and the workers say their master went without a shutdown.
#   time_out:  a task that never returns times out on a worker: the report names that
#              worker (localhost-1 or localhost-2, not "localhost"), the master says how
#              many tasks it leaves running, and the worker leaves it and exits.
set -uo pipefail
source "$(dirname "$0")/common.sh"
if [[ $# -ne 4 ]]; then
  echo "usage: $0 <compss-run> <e2e_slow_stencil> <e2e_stuck_task> orphan|interrupt|time_out" >&2
  exit 2
fi
launcher="$(realpath "$1")" stencil="$(realpath "$2")" stuck="$(realpath "$3")" case="$4"
# (common.sh's leftover_processes also counts the reported pids running this program.)
compss_bin="$stencil"
[[ $case == time_out ]] && compss_bin="$stuck"
start_work
out="$work/run.out" err="$work/run.err"
export COMPSS_LOG_DIR="$work/logs"
status=0
fail() { echo "FAIL: $*"; status=1; }

# start_compss_run <compss-run args...>: compss-run in the background (bounded; common.sh
# start_run, so the EXIT trap and assert_nothing_left know its processes).
start_compss_run() {
  start_run 100 "$out" "$err" "$launcher" --no-progress --log-level info "$@"
}
# pids_when_connected <workers>: the run's pids once its <workers> workers connected.
pids_when_connected() {
  wait_for_line "$err" "compss: worker $1 \(.*connected" 30 || {
    echo "FAIL: the workers did not connect"; cat "$err"; exit 1
  }
  read -r -a pids <<<"$(run_pids "$err" | tr '\n' ' ')"
}
# run_ends_with <exit code> <why>: waits for compss-run, which must exit with that code,
# and then (bounded) for every process of the run.
run_ends_with() {
  wait_run
  [[ $rc -eq $1 ]] || fail "compss-run exited with $rc, not $1 ($2)"
  assert_nothing_left 10 || fail "processes of the run were left behind"
}
no_secret_blamed() {
  if grep -q 'COMPSS_SECRET' "$err"; then fail "a wrong COMPSS_SECRET is blamed"; fi
}

case "$case" in
  orphan)
    # One slot, three tasks of 600 s: the slot is busy, no thread of the worker reads.
    start_compss_run --workers 1 --master-cores 0 --worker-cores 1 -- "$stencil" 3 1 600000
    pids_when_connected 1
    sleep 1  # (the first task reaches the worker)
    master=${pids[0]}
    # compss-run itself (not its parent, timeout), which would stop the workers after the
    # master, and the master: as when their node fails.
    launcher_pid="$(pgrep -P "$run_pid")"
    echo "killing compss-run (pid ${launcher_pid:-none}) and the master (pid $master)"
    kill -9 "$launcher_pid" "$master"
    wait_run 2>/dev/null
    assert_nothing_left 10 || fail "the worker outlived its master (an orphan)"
    grep -q "compss: worker localhost-1: the connection to the master at .* ended without a shutdown (the master was interrupted, killed or crashed, or it declared this worker lost) while 1 task(s) ran here: exiting without them" "$err" ||
      fail "the worker did not say why it ended"
    no_secret_blamed
    ;;
  interrupt)
    start_compss_run --workers 2 --master-cores 0 -- "$stencil" 6 200 50
    pids_when_connected 2
    sleep 0.5
    # To compss-run itself (its parent, timeout, would pass it to the whole group).
    kill -INT "$(pgrep -P "$run_pid")"
    run_ends_with 130 "128 + SIGINT"
    grep -q "compss-run: SIGINT (interrupt) received: passed on to the master" "$err" ||
      fail "compss-run did not say it was interrupted"
    n=$(grep -c "compss: worker localhost-[12]: the connection to the master at .* ended without a shutdown (the master was interrupted, killed or crashed, or it declared this worker lost)" "$err")
    [[ $n -eq 2 ]] || fail "$n of the 2 workers said their master went without a shutdown"
    no_secret_blamed
    ;;
  time_out)
    start_compss_run --workers 2 --master-cores 0 --worker-cores 1 -- "$stuck"
    pids_when_connected 2
    run_ends_with 1 "the task failed"
    grep -qE "^task 'stuck' \(id 1\) timed out, the application stops \[on_failure fail, 1 attempt, localhost-[12]\]" "$err" ||
      fail "the failure report does not name the worker the task ran on"
    grep -q "compss: 1 timed-out task(s) still running: exiting without them" "$err" ||
      fail "the master did not say it leaves 1 task running"
    grep -qE "compss: worker localhost-[12]: the run ended while 1 task\(s\) the master had stopped waiting for \(time_out\) still ran here: exiting without them" "$err" ||
      fail "the worker did not say it leaves the timed-out task"
    if grep -qE "compss-run: worker .* (exited with code [1-9]|was killed)" "$err"; then
      fail "a worker ended with an error"
    fi
    no_secret_blamed
    ;;
  *)
    echo "unknown case '$case'" >&2
    exit 2
    ;;
esac
if [[ $status -ne 0 ]]; then
  echo "--- stderr of the run:"
  cat "$err"
else
  echo "OK: $case"
fi
exit $status
