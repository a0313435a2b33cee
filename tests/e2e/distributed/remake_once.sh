#!/usr/bin/env bash
# remake_once.sh <compss-run> <sequential-binary> <compss-binary>
# Lost data is made again once, however many tasks wait for it (issue 11, item 5):
# programs/remake_once.cpp kills the only holder of x while six readers of x wait; the
# producer of x must run exactly twice (its first run and one remake; it appends a line
# to produce.log each time), the master must log one "making data ... again" per lost
# version, and the output must be the sequential build's.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
mkdir -p "$work/seq" "$work/dist"
run_sequential "$work" "$work/seq"

# No look-ahead (docs/distributed.md): crash_once must wait for a free slot, which the
# holder of x frees first; sent ahead it could go to the busy worker, which holds no x.
export COMPSS_LOOKAHEAD=0
run_to_end 60 "$work/dist.out" "$work/dist.err" "$launcher" --no-progress --workers 2 \
  --worker-cores 1 --master-cores 0 --log-level info -- "$compss_bin" "$work/dist"
status=0
fail() { echo "FAIL: $*"; status=1; }
same_as_sequential "the distributed run" "$rc" "$work/dist.out" || status=1
[[ -e $work/dist/crashed.marker ]] || fail "no worker was killed (crash_once did not run on a worker)"
runs=$(grep -c '^produce' "$work/dist/produce.log" 2>/dev/null)
[[ $runs -eq 2 ]] || fail "the producer ran $runs times (expected 2: once, then one remake)"
# Each lost version is made again by one "making data D version V again" line at most.
twice=$(grep -oE 'making data [0-9]+ version [0-9.]+ again' "$work/dist.err" | sort | uniq -d)
[[ -z $twice ]] || fail "versions made again more than once: $twice"
assert_nothing_left || status=1
if [[ $status -ne 0 ]]; then
  echo "--- produce.log"; cat "$work/dist/produce.log" 2>/dev/null
  echo "--- stderr"; tail -30 "$work/dist.err"
  exit 1
fi
echo "OK: x was lost with its worker and made again once for its $((6 + 1)) waiting tasks"
