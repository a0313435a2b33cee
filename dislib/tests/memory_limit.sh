#!/usr/bin/env bash
# memory_limit.sh <compss-run> <dislib_memory_limit> <layout>: a KMeans fit whose processes
# are at their memory limit (dislib_memory_limit.cpp) must end, non-zero, with dislib's
# error naming the limit and OpenBLAS's buffer, not spin in OpenBLAS's allocator until the
# time-out; and no process of the run may be left. <layout>: local, workers2 (compss-run
# --workers 2) or workers3 (--workers 3 --master-cores 0).
source "$(dirname "$0")/../../tests/e2e/distributed/common.sh"
take_programs "$0" "$1" "$2" "$2"
layout="$3"
start_work
out="$work/run.out" err="$work/run.err"
export COMPSS_LOG_DIR="$work/logs"
# An OpenBLAS thread pool of 2 threads at load, even on one core: dislib must stop it
# before the processes limit their memory (src/blas_threads.hpp; the program checks). Its
# pool thread, when it had not mapped its buffer yet, spun at the limit and the exit hung
# joining it (seen once in ~50 runs).
export OPENBLAS_NUM_THREADS=2
case "$layout" in
  local) cmd=("$compss_bin") ;;
  workers2) cmd=("$launcher" --no-progress --log-level info --workers 2 -- "$compss_bin") ;;
  workers3) cmd=("$launcher" --no-progress --log-level info --workers 3 --master-cores 0 --
                 "$compss_bin") ;;
  *) echo "usage: $0 <compss-run> <dislib_memory_limit> local|workers2|workers3" >&2; exit 2 ;;
esac
cd "$work" || exit 1
run_to_end 90 "$out" "$err" "${cmd[@]}"
status=0
if [[ $rc -eq 0 || $rc -eq 124 ]]; then
  echo "FAIL ($layout): exited with $rc$([[ $rc -eq 124 ]] && echo ' (timed out: spinning in OpenBLAS?)'), expected the memory error"
  status=1
elif grep -q "OpenBLAS's thread pool is running" "$out" "$err"; then
  echo "FAIL ($layout): $(grep -h "OpenBLAS's thread pool is running" "$out" "$err" | head -1)"
  status=1
elif ! grep -q "is at its memory limit (RLIMIT_DATA .*OpenBLAS needs another" "$out" "$err"; then
  echo "FAIL ($layout): exited with $rc but without dislib's memory-limit error"
  status=1
fi
end_checked_run "the fit at the memory limit failed with dislib's error ($layout)"
