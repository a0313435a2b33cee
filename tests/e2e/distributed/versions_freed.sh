#!/usr/bin/env bash
# versions_freed.sh <compss-run> <sequential-binary> <compss-binary> [rounds]
# Two workers with one slot each: every round a new version of one datum is made and read
# on both workers (one of them fetches it from the other). The output must match the
# sequential build, versions must really have moved between workers, and at the end the
# workers together must hold a few values, not one left-over copy per round: each says
# how many at its end (--log-level info).
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
moved=$(sed -n 's/^versions_freed: \([0-9]*\) of .*/\1/p' "$work/dist.err")
if [[ -z $moved ]] || ((moved < rounds / 2)); then
  echo "FAIL: versions moved between workers in only '${moved}' of $rounds rounds"
  cat "$work/dist.err"; exit 1
fi
mapfile -t held < <(sed -n 's/^compss: worker .* ends holding \([0-9]*\) values.*/\1/p' "$work/dist.err")
if ((${#held[@]} != 2)); then
  echo "FAIL: expected both workers to say what they held at their end:"; cat "$work/dist.err"; exit 1
fi
total=$((held[0] + held[1]))
# Whatever the number of rounds: at most the latest version of the datum on both workers
# and the last round's two small results (the end of main releases even those: 0 here).
if ((total > 4)); then
  echo "FAIL: after $rounds rounds the workers still held $total values (${held[*]}): old versions were not released"
  grep '^compss: worker' "$work/dist.err"; exit 1
fi
echo "OK: $moved of $rounds rounds moved a version between workers; the workers ended holding ${held[*]} values"
