#!/usr/bin/env bash
# replicated_freed.sh <compss-run> <sequential-binary> <compss-binary> [rounds]
# Two workers with one slot each, no master cores: every round a replicated task rewrites
# one datum on both workers; one worker's output is recorded, the other's must be
# released there. The output must match the sequential build, and at the end the workers
# together must hold a few values, not one left-over value per round: each says how many
# at its end (--log-level info).
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
rounds=${1:-12}
start_work
run_sequential "$work" "$rounds"

timeout -k 5 120 "$launcher" --no-progress --workers 2 --worker-cores 1 --master-cores 0 \
  --log-level info -- "$compss_bin" "$rounds" >"$work/dist.out" 2>"$work/dist.err"
same_as_sequential "the distributed run" $? "$work/dist.out" || { tail -20 "$work/dist.err"; exit 1; }
mapfile -t held < <(sed -n 's/^compss: worker .* ends holding \([0-9]*\) values.*/\1/p' "$work/dist.err")
if ((${#held[@]} != 2)); then
  echo "FAIL: expected both workers to say what they held at their end:"; cat "$work/dist.err"; exit 1
fi
total=$((held[0] + held[1]))
# Whatever the number of rounds: at most the latest version and its input on each worker.
if ((total > 4)); then
  echo "FAIL: after $rounds rounds the workers still held $total values (${held[*]}): unrecorded replicas' outputs were not released"
  grep '^compss: worker' "$work/dist.err"; exit 1
fi
echo "OK: after $rounds rounds the workers ended holding ${held[*]} values"
