#!/usr/bin/env bash
# transfer_kill.sh <compss-run> <sequential-binary> <compss-binary> <mode> [runs (1)]
# A node killed with SIGKILL in the middle of a large transfer. programs/big_transfer.cpp
# moves blocks from worker to worker and from a worker to the master under
# `compss-run --workers 2 --master-cores 0 --worker-cores 1`, with
# COMPSS_TEST_PAUSE_IN_TRANSFER: every node pauses after the first MiB of the first large
# value it fetches and says so on stderr (runtime/net/test_pause.hpp). The blocks are
# larger than the TCP buffers hold (common.sh: transfer_block_mib), so the sender is still
# writing while the receiver pauses. On that line the test kills, by mode:
#   sender            the worker sending a block to the other worker
#   receiver          the worker receiving it (the one that paused)
#   master_receiving  the worker sending a block to the master
# Each run must still exit 0 with the sequential build's output (what died with the
# worker is made again from its lineage), the kill must land during the transfer (a
# receiver whose sender died logs the frame it got half of), no process of the run may be
# left behind, and the user's seeds file must be intact.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
mode="${1:?mode: sender, receiver or master_receiving}"
runs="${2:-1}"
pause_ms=3000
start_work

user="$work/user"
mkdir -p "$user"
printf '17 4242\n' >"$user/seeds.txt"
snapshot_user_files "$user"
mib="$(transfer_block_mib)"
args=("$user/seeds.txt" "$mib")
run_sequential "$work" "${args[@]}"
cd "$user" || exit 1  # the runs' working directory: nothing in it may be lost

# pid_listening_on <port> <pids...>: the one of <pids> with a socket listening on <port>.
pid_listening_on() {
  local port="$1" hex inode pid fd link
  shift
  local -A inodes=()
  hex=$(printf ':%04X' "$port")
  for inode in $(awk -v p="$hex" '$2 ~ p"$" && $4 == "0A" {print $10}' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    inodes[$inode]=1
  done
  for pid in "$@"; do
    for fd in /proc/"$pid"/fd/*; do
      link="$(readlink "$fd" 2>/dev/null)" || continue
      if [[ $link =~ ^socket:\[([0-9]+)\]$ && -n ${inodes[${BASH_REMATCH[1]}]:-} ]]; then
        echo "$pid"
        return 0
      fi
    done
  done
  return 1
}

status=0
for ((run = 1; run <= runs; run++)); do
  out="$work/run$run.out" err="$work/run$run.err"
  start_run 90 "$out" "$err" env COMPSS_TEST_PAUSE_IN_TRANSFER=$pause_ms "$launcher" --no-progress \
    --workers 2 --master-cores 0 --worker-cores 1 --log-level info -- "$compss_bin" "${args[@]}"
  fail() { echo "FAIL: run $run ($mode): $*"; status=1; }

  # Wait (bounded: 60 s) for the pause of the receiver this mode is about.
  victim="" line=""
  for ((i = 0; i < 1200; i++)); do
    master="$(master_pid "$err")"
    read -r -a workers <<<"$(worker_pids "$err" | tr '\n' ' ')"
    while read -r line; do
      [[ -z $line ]] && continue
      receiver=$(awk '{print $4}' <<<"$line")
      port=${line#* from *:}
      port=${port%% *}
      if [[ $mode == master_receiving ]]; then
        [[ $receiver == "$master" ]] || continue
      else
        [[ $receiver != "$master" ]] || continue
      fi
      sender="$(pid_listening_on "$port" "${workers[@]}")" || {
        fail "no worker listens on port $port, which the paused node fetches from"; break 2; }
      [[ $mode == receiver ]] && victim=$receiver || victim=$sender
      break 2
    done < <(pause_lines "$err")
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -z $victim ]]; then
    [[ $status -eq 0 ]] && fail "no node paused in a transfer (the $mode case never came)"
    kill "$run_pid" 2>/dev/null
    wait_run
    cat "$err"
    break
  fi
  kill -9 "$victim" 2>/dev/null || fail "pid $victim had ended before the kill"
  echo "run $run: killed the $mode side's worker (pid $victim) on: $line"

  wait_run
  same_as_sequential "run $run: compss-run" "$rc" "$out" || status=1
  # Proof that the kill hit the transfer: a receiver whose sender died got part of a
  # frame; a receiver killed never ran the task it was fetching for.
  if [[ $mode != receiver ]] && ! grep -q 'closing connection from .*in the middle of a frame' "$err"; then
    fail "no receiver saw its transfer cut (the kill did not land during the transfer)"
  fi
  if [[ $mode == receiver ]] && grep -q "^big_transfer: product made by pid $victim\$" "$err"; then
    fail "the receiver finished its task before the kill (the kill did not land during the transfer)"
  fi
  grep -qE "worker [0-9]+ .*lost" "$err" || fail "the master did not report the killed worker lost"
  assert_nothing_left 10 || status=1
  check_user_files || status=1
  [[ $status -eq 0 ]] || { echo "--- stderr"; cat "$err"; break; }
done
[[ $status -eq 0 ]] && echo "OK: $runs run(s) with the $mode side of a $mib MiB transfer killed mid-transfer:" \
  "output identical to the sequential build, no process left, the user's files intact"
exit $status
