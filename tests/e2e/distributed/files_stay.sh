#!/usr/bin/env bash
# files_stay.sh <compss-run> <sequential-binary> <compss-binary>
# Workers without the master's files (--shared-fs no), one slot each: the two files the
# first tasks write stay on their workers (the master does not have them while the
# program runs), the task that reads both gets one of them from the other worker, and the
# master's copies are written on wait_on_file and at the end of main. The sequential build
# (which has every file at once) is run too, for the sums.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
mkdir -p "$work/seq" "$work/dist"

run_sequential "$work" "$work/seq"
expect_seq="returned 5050
on the master before waiting: yes yes yes
after wait_on_file: sum 5050"
if [[ "$(cat "$work/sequential.out")" != "$expect_seq" ]]; then
  echo "FAIL: the sequential build printed:"; cat "$work/sequential.out"; exit 1
fi

timeout -k 5 120 "$launcher" --no-progress --workers 2 --worker-cores 1 --master-cores 0 \
  --shared-fs no -- "$compss_bin" "$work/dist" >"$work/dist.out" 2>"$work/dist.err"
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "FAIL: the distributed run exited with $rc"; cat "$work/dist.err"; exit 1
fi
expect_dist="returned 5050
on the master before waiting: no no no
after wait_on_file: sum 5050"
if [[ "$(cat "$work/dist.out")" != "$expect_dist" ]]; then
  echo "FAIL: the distributed run printed:"; cat "$work/dist.out"
  echo "expected:"; echo "$expect_dist"; cat "$work/dist.err"; exit 1
fi
low_on=$(cat "$work/dist/low.where" 2>/dev/null) high_on=$(cat "$work/dist/high.where" 2>/dev/null)
if [[ -z $low_on || -z $high_on || $low_on == "$high_on" ]]; then
  echo "FAIL: the two files were not written on two workers ('$low_on', '$high_on'):"
  echo "nothing travelled between workers"; exit 1
fi
for f in low.txt high.txt total.txt; do
  if ! cmp -s "$work/seq/$f" "$work/dist/$f"; then
    echo "FAIL: $f on the master after the run differs from the sequential build's"; exit 1
  fi
done
if ls -A "$work/dist" | grep -q compss-staging; then
  echo "FAIL: a staging directory was left in the master's directory"; exit 1
fi
echo "OK: files stayed on their workers ($low_on, $high_on), one travelled to the other, and both reached the master at the end"
