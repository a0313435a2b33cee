#!/usr/bin/env bash
# long_task_alive.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# Liveness is the worker's link answering, not its tasks finishing: with
# `--worker-timeout 3`, tasks that each run longer than that (the arguments choose them)
# must not get their workers declared lost. The run must give the sequential build's
# output, no "lost" line, and leave no process behind. Under both layouts.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
start_work
run_sequential "$work" "$@"
status=0
for layout in "--workers 2 --master-cores 0" "--workers 3 --master-cores 0"; do
  read -r -a layout_args <<<"$layout"
  out="$work/${layout_args[1]}w.out" err="$work/${layout_args[1]}w.err"
  run_to_end 60 "$out" "$err" "$launcher" --no-progress "${layout_args[@]}" --worker-cores 1 \
    --worker-timeout 3 --log-level info -- "$compss_bin" "$@"
  same_as_sequential "compss-run $layout" "$rc" "$out" || status=1
  if grep -q 'lost' "$err"; then
    echo "FAIL ($layout): a worker running a long task was declared lost"; status=1
  fi
  assert_nothing_left || status=1
  [[ $status -eq 0 ]] || { echo "--- stderr"; cat "$err"; break; }
done
[[ $status -eq 0 ]] && echo "OK: tasks longer than the worker time-out ran; no worker was declared lost"
exit $status
