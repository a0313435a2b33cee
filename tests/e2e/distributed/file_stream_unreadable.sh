#!/usr/bin/env bash
# file_stream_unreadable.sh <compss-run> <sequential-binary> <compss-binary>
# A file stream with a file that cannot be read and a published file deleted at once
# (programs/file_stream_unreadable.cpp). With a shared file system (sequential build, local
# run) every file reaches the consumer as a path. Under --shared-fs no (--workers 2, and
# --workers 3 --master-cores 0) the producer's readable files and all the main program's
# (the deleted one too: its bytes were taken at publish) reach the consumer, and its stream
# ends with an error naming the unreadable file: before the fix the producer's readable
# files were lost with it, in silence, and the deleted file lost its batch.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work

shared="a.dat:ok b.dat:ok c.dat:unreadable m1:ok m2:unreadable m3:ok | closed"
unshared="a.dat:ok b.dat:ok m1:ok m2:ok m3:ok | error naming c.dat"

mkdir -p "$work/seq"
run_sequential "$work" "$work/seq"
if [[ "$(cat "$work/sequential.out")" != "$shared" ]]; then
  echo "FAIL: the sequential build printed:"; cat "$work/sequential.out"; exit 1
fi

run_layout() {  # run_layout <label> <expected> [compss-run options...]
  local label="$1" expected="$2"
  shift 2
  run_layout_in_dir "$label" "$@"
  if [[ "$(cat "$work/$label.out")" != "$expected" ]]; then
    echo "FAIL ($label): the consumer reported"; cat "$work/$label.out"
    echo "expected: $expected"; cat "$work/$label.err"; exit 1
  fi
  if [[ $# -gt 0 ]] && ! grep -q "c.dat.*skipped" "$work/$label.err"; then
    echo "FAIL ($label): no warning naming c.dat on stderr"; cat "$work/$label.err"; exit 1
  fi
}

run_layout local "$shared"
run_layout workers2 "$unshared" --shared-fs no --workers 2
run_layout workers3 "$unshared" --shared-fs no --workers 3 --master-cores 0
echo "OK: readable files delivered, the unreadable one named to the consumer, a deleted published file complete"
