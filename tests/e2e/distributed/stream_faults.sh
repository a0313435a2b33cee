#!/usr/bin/env bash
# stream_faults.sh <compss-run> <sequential-binary> <compss-binary>
# Streams across workers when a worker is SIGKILLed (docs/streams.md, "Recovery when a
# worker dies"), with programs/streams_faults.cpp under `compss-run --workers 3
# --master-cores 0 --worker-cores 1 --log-level info`:
#   consumer: the worker running the at_least_once consumer is killed once it has handled
#     50 elements; its task runs again elsewhere and gets again what it had not finished
#     with: its file holds every element (at least once).
#   producer: the worker running the producer is killed after it published everything
#     and before any consumer fetched an element (the elements were held by that worker
#     only); the producer runs again elsewhere, and each consumer still gets every element
#     (at_most_once: each exactly once).
# Each run must print exactly the sequential build's output and leave no process behind;
# the master, listening on loopback, must listen on no other address (its stream service
# too).
# The consumer run must also show elements fetched from their producer's worker directly.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
start_work
mkdir -p "$work/seq"
run_sequential "$work" "$work/seq"

# listening_everywhere <pid>: the local addresses on which process <pid> listens on every
# interface (0.0.0.0 or ::), one per line (/proc/net/tcp*, state 0A: listen).
listening_everywhere() {
  local inodes
  inodes="$(ls -l "/proc/$1/fd" 2>/dev/null | grep -oE 'socket:\[[0-9]+\]' | grep -oE '[0-9]+' | tr '\n' ' ')"
  [[ -z $inodes ]] && return 0
  awk -v list="$inodes" 'BEGIN { n = split(list, a, " "); for (i = 1; i <= n; i++) mine[a[i]] = 1 }
    FNR > 1 && $4 == "0A" && ($10 in mine) && ($2 ~ /^0+:/) { print $2 }' /proc/net/tcp /proc/net/tcp6
}

status=0
for victim in consumer producer; do
  dir="$work/$victim"
  mkdir -p "$dir"
  out="$work/$victim.out" err="$work/$victim.err"
  env_args=()
  pid_file="$dir/at_least_once.pid"
  if [[ $victim == producer ]]; then
    env_args=(STREAM_FAULTS_WAIT_GO=1)
    pid_file="$dir/producer.pid"
  fi
  start_run 100 "$out" "$err" env "${env_args[@]}" "$launcher" --no-progress --workers 3 \
    --master-cores 0 --worker-cores 1 --log-level info -- "$compss_bin" "$dir"
  deadline=$((SECONDS + 60))
  until [[ -s $pid_file ]] || ((SECONDS >= deadline)) || ! kill -0 "$run_pid" 2>/dev/null; do
    sleep 0.05
  done
  pid="$(head -n1 "$pid_file" 2>/dev/null)"
  if [[ -z $pid ]] || ! worker_pids "$err" | grep -qx "$pid"; then
    echo "FAIL: $victim: no worker pid in $pid_file (got '${pid:-nothing}'; workers: $(worker_pids "$err" | tr '\n' ' '))"
    cat "$err"
    wait_run
    status=1
    break
  fi
  # The master listens on loopback here: so must its stream service (it listened on all
  # addresses).
  everywhere="$(listening_everywhere "$(master_pid "$err")")"
  if [[ -n $everywhere ]]; then
    echo "FAIL: the master listens on every address (not only where its workers reach it): $everywhere"
    status=1
  fi
  kill -9 "$pid"
  echo "$victim: killed worker pid $pid (run in progress: $([[ -s $out ]] && echo no || echo yes))"
  touch "$dir/go"
  wait_run
  if ! same_as_sequential "$victim kill: compss-run" "$rc" "$out"; then
    cat "$err"
    status=1
  fi
  assert_nothing_left 10 || status=1
  if [[ $victim == consumer ]] && ! grep -qE 'compss: streams: [1-9][0-9]* elements went from their producer' "$err"; then
    echo "FAIL: consumer: no element went from its producer's worker to its consumer directly"
    grep 'compss: streams' "$err"
    status=1
  fi
  [[ $status -ne 0 ]] && break
done
[[ $status -eq 0 ]] && echo "OK: a consumer's and a producer's worker killed: every element delivered as the mode says, no process left"
exit $status
