#!/usr/bin/env bash
# stream_faults.sh <compss-run> <sequential-binary> <compss-binary>
# Streams across workers when a worker is SIGKILLed (docs/streams.md, "Recovery when a
# worker dies"), with programs/streams_faults.cpp under `compss-run --workers 3
# --master-cores 0 --worker-cores 1 --log-level info` (or STREAM_FAULTS_LAYOUT's layout):
#   consumer: the worker running the at_least_once consumer is killed once it has handled
#     50 elements; its task runs again elsewhere and gets again what it had not finished
#     with: its file holds every element (at least once).
#   producer: the worker running the producer is killed after it published everything
#     and before any consumer fetched an element (the elements were held by that worker
#     only); the producer runs again elsewhere, and each consumer still gets every element
#     (at_most_once: each exactly once).
#   at_most_once: the worker running the at_most_once consumer is killed once it has
#     handled 50 elements; its task runs again elsewhere. What its last poll returned and
#     its body had not handled yet is lost by design (received: at most once): its file
#     must hold no element twice, and every element but exactly that tail of the killed
#     attempt's last batch (at_most_once_lost_as_allowed).
# Each run must print the sequential build's output (for a killed consumer: its line of
# the at_least_once stream; the at_most_once one as above) and leave no process behind;
# the master, listening on loopback, must listen on no other address (its stream service
# too).
# The consumer run must also show elements fetched from their producer's worker directly.
# STREAM_FAULTS_LAYOUT: compss-run's layout options (default: --workers 3 --master-cores 0
# --worker-cores 1); STREAM_FAULTS_VICTIMS: the runs, in order (default: consumer at_most_once producer).
# (A consumer's worker may run the other consumer too: it is killed with it.)
# Its elements (8 B) would travel inline through the master (COMPSS_STREAM_INLINE_BYTES,
# 512 by default): 0 keeps them held by the producer's worker, what the kills are about.
set -uo pipefail
export COMPSS_STREAM_INLINE_BYTES=${COMPSS_STREAM_INLINE_BYTES:-0}
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

# at_most_once_lost_as_allowed <elements file>: no element twice; the elements 1..count
# missing, if any, are exactly those of the last "# poll <n>" batch of a killed attempt (an
# "# attempt" followed by another) that it had not written yet: a run right after the last
# element it wrote (or after the batch before when it wrote none of it), n minus what it
# wrote of that batch long.
at_most_once_lost_as_allowed() {
  awk -v count=300 '
    /^# attempt/ { if (attempts++ > 0) { killed_n = batch_n; killed_w = batch_w; killed_last = last } next }
    /^# poll/ { batch_n = $3; batch_w = 0; next }
    { if (seen[$1]++) { print "element " $1 " handled twice"; bad = 1 } ++batch_w; last = $1 }
    END {
      lo = 0; hi = -1; holes = 0
      for (v = 1; v <= count; ++v) if (!(v in seen)) { if (!lo) lo = v; if (hi >= 0 && v != hi + 1) holes = 1; hi = v }
      missing = lo ? hi - lo + 1 : 0
      allowed = attempts > 1 ? killed_n - killed_w : 0
      printf "at_most_once: %d attempts, %d missing (%s), the killed attempt wrote %d of its last batch of %d\n", attempts, missing, lo ? lo "-" hi : "none", killed_w, killed_n
      if (holes) { print "missing elements are not one run"; bad = 1 }
      if (missing > 0 && (missing != allowed || lo != killed_last + 1)) { print "missing elements are not the unwritten tail of the killed attempt'"'"'s last batch"; bad = 1 }
      exit bad
    }' "$1"
}

read -r -a layout <<<"${STREAM_FAULTS_LAYOUT:---workers 3 --master-cores 0 --worker-cores 1}"
status=0
for victim in ${STREAM_FAULTS_VICTIMS:-consumer at_most_once producer}; do
  dir="$work/$victim"
  mkdir -p "$dir"
  out="$work/$victim.out" err="$work/$victim.err"
  env_args=()
  pid_file="$dir/at_least_once.pid"
  [[ $victim == at_most_once ]] && pid_file="$dir/at_most_once.pid"
  if [[ $victim == producer ]]; then
    env_args=(STREAM_FAULTS_WAIT_GO=1)
    pid_file="$dir/producer.pid"
  fi
  start_run 100 "$out" "$err" env "${env_args[@]}" "$launcher" --no-progress "${layout[@]}" \
    --log-level info -- "$compss_bin" "$dir"
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
  if [[ $victim == producer ]]; then
    same_as_sequential "$victim kill: compss-run" "$rc" "$out" || status=1
  elif [[ $rc -ne 0 ]] || ! diff <(grep '^at_least_once' "$work/sequential.out") <(grep '^at_least_once' "$out") ||
       ! grep -q '^at_most_once: .* none twice$' "$out"; then
    echo "FAIL: $victim kill: compss-run exited with $rc or its output is not the sequential build's:"
    cat "$out"
    status=1
  fi
  if [[ $victim != producer ]] && ! at_most_once_lost_as_allowed "$dir/at_most_once.elements"; then
    echo "FAIL: $victim kill: the at_most_once consumer lost more than the killed attempt's last batch"
    status=1
  fi
  [[ $status -ne 0 ]] && cat "$err"
  assert_nothing_left 10 || status=1
  if [[ $victim == consumer ]] && ! grep -qE 'compss: streams: [1-9][0-9]* elements went from their producer' "$err"; then
    echo "FAIL: consumer: no element went from its producer's worker to its consumer directly"
    grep 'compss: streams' "$err"
    status=1
  fi
  # (stream_faults_inline: its elements must have gone inline, not all held as by default.)
  if [[ ${COMPSS_STREAM_INLINE_BYTES} != 0 ]] && ! grep -qE ', [1-9][0-9]* were sent with their bytes' "$err"; then
    echo "FAIL: $victim kill: COMPSS_STREAM_INLINE_BYTES=${COMPSS_STREAM_INLINE_BYTES}, yet no element was sent with its bytes"
    grep 'compss: streams' "$err"
    status=1
  fi
  [[ $status -ne 0 ]] && break
done
[[ $status -eq 0 ]] && echo "OK: ${layout[*]}: the workers of ${STREAM_FAULTS_VICTIMS:-consumer at_most_once producer} killed in turn: every element delivered as the mode says, no process left"
exit $status
