#!/usr/bin/env bash
# remake_fits.sh <compss-run> <sequential-binary> <compss-binary>
# Lost data is made again only on a worker that fits its producer's constraints
# (programs/remake_fits.cpp: `produce` asks for a GPU; main kills the worker that ran it,
# then waits for its output):
# - workers CPU, GPU, GPU (remake_fits_3.xml, --master-cores 0), the other GPU worker
#   busy: produce runs again there (a remake by load alone went to the idle CPU worker,
#   where produce fails), and the output is the sequential build's;
# - workers CPU, GPU (remake_fits_2.xml, master cores without a GPU): no live node can
#   run produce: the run fails at once naming the task and the key, never on the CPU
#   worker, never a hang.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work/seq" "$work/three" "$work/two"
run_sequential "$work" "$work/seq"
status=0
fail() { echo "FAIL: $*"; status=1; }

run_to_end 60 "$work/three.out" "$work/three.err" "$launcher" --no-progress --log-level info \
  --resources "$here/remake_fits_3.xml" --master-cores 0 -- "$compss_bin" "$work/three"
same_as_sequential "the run on workers CPU, GPU, GPU" "$rc" "$work/three.out" || status=1
log="$work/three/produce.log"
[[ $(grep -c '^produce' "$log" 2>/dev/null) -eq 2 ]] || fail "produce ran $(grep -c '^produce' "$log" 2>/dev/null) times (expected 2: once, then one remake)"
grep -q 'gpus=0' "$log" && fail "produce was made again on a worker without a GPU"
first=$(sed -n 1p "$log" | awk '{print $2}') second=$(sed -n 2p "$log" | awk '{print $2}')
[[ -n $second && $first != "$second" ]] || fail "produce was not made again on the other GPU worker ($first, then $second)"
grep -qE 'making data [0-9]+ version [0-9.]+ again' "$work/three.err" || fail "no remake was logged"

run_to_end 60 "$work/two.out" "$work/two.err" "$launcher" --no-progress \
  --resources "$here/remake_fits_2.xml" -- "$compss_bin" "$work/two"
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "the run with no GPU worker left exited with $rc (expected a failure, not 0 or a time-out)"
grep -q "cannot be made again: no live worker can run the task that made it: task 'produce' can never run" "$work/two.err" ||
  fail "no message naming the task that cannot be made again"
grep -q 'GPU units' "$work/two.err" || fail "the message does not name what produce asks (GPU units)"
grep -q 'gpus=0' "$work/two/produce.log" && fail "produce was made again on the CPU worker"
end_runs_checked "a lost GPU task's output was made again on the other GPU worker; with none left, a clear error" \
  produce.log three two
