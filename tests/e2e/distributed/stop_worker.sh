#!/usr/bin/env bash
# stop_worker.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# Issue 11, item 1: a worker stopped with SIGSTOP (as a frozen VM or a debugger would) must
# not hang the run. Under `--workers 2` and under `--workers 3 --master-cores 0`, with
# `--worker-timeout 3`, worker 1 is stopped while the run is in progress: the master must
# declare it lost (a log line naming it) within a bounded time and finish with the
# sequential build's output. The worker is then continued (SIGCONT): it must notice it
# was stopped past the time-out, refuse to go on (it says so) and exit by itself; no
# process of the run may be left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
start_work
run_sequential "$work" "$@"
victim=""
trap '[[ -n $victim ]] && kill -CONT "$victim" 2>/dev/null; stop_run_and_clean' EXIT

status=0
for layout in "--workers 2" "--workers 3 --master-cores 0"; do
  read -r -a layout_args <<<"$layout"
  workers=${layout_args[1]}
  tag=${workers}w
  out="$work/$tag.out" err="$work/$tag.err"
  fail() { echo "FAIL ($layout): $*"; status=1; }
  : >"$err"  # (polled below before the run writes to it)
  start_run 60 "$out" "$err" "$launcher" --no-progress "${layout_args[@]}" --worker-cores 1 \
    --worker-timeout 3 --log-level info -- "$compss_bin" "$@"

  # Wait (bounded, 20 s) until every worker has connected to the master.
  for ((i = 0; i < 200; i++)); do
    [[ $(grep -c '^compss: worker [0-9]* (.*) connected' "$err") -ge $workers ]] && break
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  victim=$(grep -E '^compss-run: worker 1 .*started, pid' "$err" | grep -oE '[0-9]+$')
  if [[ -z $victim || -s $out ]] || ! kill -0 "$run_pid" 2>/dev/null; then
    fail "the run did not start, or ended before worker 1 could be stopped"
    cat "$err"; wait "$run_pid"; break
  fi
  sleep 0.3  # some tasks under way
  kill -STOP "$victim"
  stopped_at=$SECONDS

  # The master must declare it lost: 3 s of silence, then a line naming it.
  lost=""
  for ((i = 0; i < 300 && SECONDS - stopped_at < 30; i++)); do
    lost=$(grep -m1 -E '^compss: worker [0-9]+ \(localhost-1\) lost: no word from it' "$err")
    [[ -n $lost ]] && break
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  detected_in=$((SECONDS - stopped_at))
  kill -CONT "$victim"
  [[ -n $lost ]] || fail "no line declares the stopped worker (localhost-1) lost"
  wait_run
  same_as_sequential "compss-run $layout" "$rc" "$out" || status=1
  # Continued, it must have refused to go on and exited by itself (not killed at the end).
  grep -q 'compss: worker localhost-1 did not run for .* exiting without answering' "$err" ||
    fail "the continued worker did not say it was fenced"
  grep -qE '^compss-run: worker 1 \(localhost-1, host .*\) exited with code' "$err" ||
    fail "the continued worker did not exit by itself"
  assert_nothing_left || status=1
  victim=""
  if [[ $status -ne 0 ]]; then
    echo "--- stderr"; cat "$err"
    break
  fi
  echo "$layout: worker 1 stopped, declared lost after ~${detected_in} s: ${lost#compss: }"
done
[[ $status -eq 0 ]] &&
  echo "OK: a stopped worker was declared lost, its work done elsewhere, and it left once continued"
exit $status
