#!/usr/bin/env bash
# kill_master.sh <compss-run> <long-task-binary> <big-transfer-binary> <mode>
# The master killed with SIGKILL in the middle of a run, by mode:
#   mid_task      while both workers run a long task (programs/long_task.cpp: each task
#                 leaves a marker file when it starts; the test waits for both);
#   mid_transfer  while the master is in the middle of fetching a block from a worker
#                 (programs/big_transfer.cpp, COMPSS_TEST_PAUSE_IN_TRANSFER);
#   with_launcher compss-run killed first, then the master, while both workers run a long
#                 task: nothing is left to stop the workers, they must notice the master
#                 is gone and exit by themselves (issue 11, item 4). Not registered in
#                 CMakeLists.txt yet: today the workers wait for their task (60 s)
#                 with parent 1 and the test fails; register it with that fix.
# compss-run --workers 2 --master-cores 0 --worker-cores 1. Every process of the run must
# be gone within 10 s of the kill; where compss-run survives, it must exit 137 and say
# the master was killed; the user's files must be intact.
set -uo pipefail
source "$(dirname "$0")/common.sh"
if [[ $# -lt 4 ]]; then
  echo "usage: $0 <compss-run> <long-task-binary> <big-transfer-binary> <mode>" >&2
  exit 2
fi
launcher="$(realpath "$1")" long_bin="$(realpath "$2")" transfer_bin="$(realpath "$3")"
mode="$4"
start_work
user="$work/user" markers="$work/markers"
mkdir -p "$user" "$markers"
printf '17 4242\n' >"$user/seeds.txt"
snapshot_user_files "$user"
cd "$user" || exit 1  # the run's working directory: nothing in it may be lost
out="$work/run.out" err="$work/run.err"
status=0
fail() { echo "FAIL ($mode): $*"; status=1; }

# wait_for <what> <command...>: polls the command (bounded: 60 s) while the run lives.
wait_for() {
  local what="$1" i
  shift
  for ((i = 0; i < 1200; i++)); do
    "$@" && return 0
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "FAIL ($mode): $what never came"
  cat "$err"
  exit 1
}
two_tasks_started() { [[ $(find "$markers" -name 'started-*' | wc -l) -ge 2 ]]; }
master_paused() {
  local m
  m="$(master_pid "$err")"
  [[ -n $m ]] && pause_lines "$err" | grep -q "^compss: test: pid $m paused"
}

case $mode in
  mid_task|with_launcher)
    compss_bin="$long_bin"  # (leftover_processes recognises the run's pids by it)
    start_run 90 "$out" "$err" "$launcher" --no-progress --workers 2 --master-cores 0 \
      --worker-cores 1 --log-level info -- "$long_bin" "$markers" 60
    wait_for "both long tasks starting on workers" two_tasks_started ;;
  mid_transfer)
    compss_bin="$transfer_bin"
    start_run 90 "$out" "$err" env COMPSS_TEST_PAUSE_IN_TRANSFER=3000 "$launcher" --no-progress \
      --workers 2 --master-cores 0 --worker-cores 1 --log-level info -- "$transfer_bin" \
      "$user/seeds.txt" "$(transfer_block_mib)"
    wait_for "the master pausing in a transfer" master_paused ;;
  *) echo "unknown mode '$mode' (mid_task, mid_transfer, with_launcher)" >&2; exit 2 ;;
esac

master="$(master_pid "$err")"
killed_at=$SECONDS
if [[ $mode == with_launcher ]]; then
  # compss-run is the child of timeout (whose pid is run_pid).
  run_tool="$(pgrep -P "$run_pid" -x compss-run)" || fail "compss-run not found under pid $run_pid"
  kill -9 "$run_tool" "$master"
  echo "killed compss-run (pid $run_tool) and the master (pid $master)"
else
  kill -9 "$master"
  echo "killed the master (pid $master)"
fi
wait_run
echo "compss-run ended with $rc after $((SECONDS - killed_at)) s"
if [[ $mode != with_launcher ]]; then
  [[ $rc -eq 137 ]] || fail "compss-run exited with $rc, expected 137 (the master's SIGKILL)"
  grep -q 'compss-run: the master was killed by signal 9' "$err" ||
    fail "compss-run did not say the master was killed"
fi
# Counted from the kill: compss-run may have waited for the workers already.
left=$((10 - (SECONDS - killed_at)))
assert_nothing_left $((left > 0 ? left : 0)) || status=1
check_user_files || status=1
if [[ $status -ne 0 ]]; then
  echo "--- stderr"; cat "$err"
else
  echo "OK: the master killed $mode; every process of the run gone within 10 s; the user's files intact"
fi
exit $status
