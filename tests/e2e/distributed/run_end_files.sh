#!/usr/bin/env bash
# run_end_files.sh <compss-run> <program> [compss-run options...]
# A run that ends while bodies the master gave up on (time_out) still run on workers
# sharing its files: once compss-run returns and the bodies' time (4 s from their start)
# has passed (each body's end marker, or its process gone), no attempt-private file
# (*.compss-attempt-*) is left in the run's directory and no late append reached a file (docs/distributed.md, "Data", its "Files" item).
# Before, the private copy of each inout file stayed. Three tasks, one slot each: the
# layouts place at least two on workers (the program says whether private files existed).
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 <compss-run> <program> [compss-run options...]" >&2
  exit 2
fi
launcher="$(realpath "$1")" program="$(realpath "$2")"
shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
start=$SECONDS
timeout -k 5 25 "$launcher" --no-progress "$@" -- "$program" 3 >out 2>err
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "FAIL: the run exited with $rc"; cat out err; exit 1
fi
if ! grep -qx "attempt files while the bodies ran: yes" out; then
  echo "FAIL: no private file existed while the bodies ran (no task on a worker): nothing tested"
  cat out err; exit 1
fi
# A body left running appends (or writes its private copy) 4 s after it began, then
# marks its end (body.<pid>.<n>.ended beside its .began). Wait until each body that began
# has ended or its process is gone (then it writes nothing more), and at least 7 s from
# the start (a body a loaded worker began late). Bounded: 30 s from the start.
bodies_done() {
  local b pid
  for b in body.*.began; do
    [[ -e $b ]] || continue
    [[ -e ${b%.began}.ended ]] && continue
    pid="${b#body.}"; pid="${pid%%.*}"
    kill -0 "$pid" 2>/dev/null && return 1
  done
  return 0
}
while (( SECONDS - start < 7 )) || ! bodies_done; do
  (( SECONDS - start >= 30 )) && { echo "FAIL: a body still ran 30 s after the start"; ls -A; exit 1; }
  sleep 0.5
done
left="$(ls -A | grep -F '.compss-attempt-')"
if [[ -n $left ]]; then
  echo "FAIL: attempt-private files were left after the run:"; echo "$left"; cat err; exit 1
fi
for f in run_end_files.0.txt run_end_files.1.txt run_end_files.2.txt; do
  if [[ "$(cat "$f")" != "start|" ]]; then
    echo "FAIL: $f holds '$(cat "$f")': a body the master gave up on wrote it"; exit 1
  fi
done
echo "OK: no attempt-private file was left by the bodies the run ended without"
