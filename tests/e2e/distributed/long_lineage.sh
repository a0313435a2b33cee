#!/usr/bin/env bash
# long_lineage.sh <compss-run> <sequential-binary> <compss-binary> [chain length]
# Two workers with one slot each and no master cores: a chain of tasks runs on one worker,
# then a task kills that worker. The chain's result, held only there, must be made again
# on the other worker from its lineage (every task of the chain: the master logs each
# "making data ... again"), and the run must print what the sequential build prints,
# leave no process behind and leave the user's files in its working directory intact.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
length=${1:-2500}
start_work
mkdir -p "$work/seq" "$work/dist"
run_sequential "$work" "$work/seq" "$length"
mkdir -p "$work/user"
cp "$work/sequential.out" "$work/user/notes.txt"
snapshot_user_files "$work/user"
cd "$work/user" || exit 1

run_to_end 120 "$work/dist.out" "$work/dist.err" "$launcher" --no-progress --workers 2 \
  --worker-cores 1 --master-cores 0 --log-level info -- "$compss_bin" "$work/dist" "$length"
same_as_sequential "the distributed run" $rc "$work/dist.out" || { tail -20 "$work/dist.err"; exit 1; }
assert_nothing_left 10 || exit 1
check_user_files || exit 1
if [[ ! -e $work/dist/crashed.marker ]]; then
  echo "FAIL: no worker was killed (crash_once did not run on a worker)"; exit 1
fi
remade=$(grep -c 'making data .* again' "$work/dist.err")
if ((remade < length)); then
  echo "FAIL: only $remade versions were made again (expected the whole chain, $length)"
  tail -20 "$work/dist.err"; exit 1
fi
echo "OK: a worker died holding the end of a $length-task chain; $remade versions were made again; identical output"
