#!/usr/bin/env bash
# stream_result_discarded.sh <compss-run> <sequential-binary> <compss-binary>
# A stream task's result the program discarded, lost with its worker, is not made again
# and does not fail the run (docs/streams.md): programs/stream_result_discarded.cpp under
# `compss-run --workers 2` and `--workers 3 --master-cores 0` (one slot per worker). Once
# the producer has ended (the program waited for another of its outputs), the worker that
# ran it is SIGKILLed while its discarded result lives only there; the run must print the
# sequential build's output, make nothing again (an ordinary task's discarded result lost
# with it neither) and leave no process behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
run_sequential_in_dir

status=0
for layout in "--workers 2" "--workers 3 --master-cores 0"; do
  read -r -a options <<<"$layout"
  label="workers${options[1]}"
  dir="$work/$label"
  mkdir -p "$dir"
  out="$work/$label.out" err="$work/$label.err"
  start_run 100 "$out" "$err" env STREAM_RESULT_WAIT_GO=1 "$launcher" --no-progress \
    "${options[@]}" --worker-cores 1 --log-level info -- "$compss_bin" "$dir"
  deadline=$((SECONDS + 60))
  until [[ -e $dir/ended ]] || ((SECONDS >= deadline)) || ! kill -0 "$run_pid" 2>/dev/null; do
    sleep 0.05
  done
  pid="$(head -n1 "$dir/producer.pid" 2>/dev/null)"
  if [[ ! -e $dir/ended || -z $pid ]] || ! worker_pids "$err" | grep -qx "$pid"; then
    echo "FAIL: $layout: the producer did not end on a worker (pid '${pid:-none}'; workers: $(worker_pids "$err" | tr '\n' ' '))"
    cat "$err"
    wait_run
    status=1
    break
  fi
  kill -9 "$pid"
  echo "$layout: killed the producer's worker, pid $pid, after the producer ended"
  touch "$dir/go"
  wait_run
  if ! same_as_sequential "$layout: compss-run" "$rc" "$out"; then
    status=1
  elif ! grep -qE "compss: worker [0-9]+ .*lost" "$err"; then
    echo "FAIL: $layout: the master did not report the worker lost"
    status=1
  elif grep -qE "cannot be made again|making data [0-9]+ version [0-9.]+ again" "$err"; then
    # (Nothing the run still reads was lost: the discarded results alone, the stream
    # task's and `checksum`'s when it ran there.)
    echo "FAIL: $layout: the master made, or tried to make, a discarded result again"
    status=1
  fi
  [[ $status -ne 0 ]] && cat "$err"
  assert_nothing_left 10 || status=1
  [[ $status -ne 0 ]] && break
done
[[ $status -eq 0 ]] && echo "OK: a stream task's discarded result lost with its worker: the run ends with the sequential output, in both layouts"
exit $status
