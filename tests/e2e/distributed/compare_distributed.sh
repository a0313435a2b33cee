#!/usr/bin/env bash
# compare_distributed.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# Runs the plain sequential build once, then the compss-cc build distributed by compss-run
# in two layouts:
#   --workers 2                    master cores and 2 local worker processes
#   --workers 3 --master-cores 0   every task that can travel runs on one of 3 workers
# Every run must exit 0 and print exactly what the sequential run printed. Arguments may
# name @WORK@, a fresh directory per run (for programs that write files).
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
ARGS=("$@")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() {  # run <label> <command...>: the command gets the program's arguments appended
  local label="$1"
  shift
  local dir="$work/$label"
  mkdir -p "$dir"
  local args=()
  for a in "${ARGS[@]}"; do args+=("${a//@WORK@/$dir}"); done
  # Bounded: a lost task or a worker that never connects must fail, not hang.
  (cd "$dir" && timeout -k 5 120 "$@" "${args[@]}") >"$work/$label.out" 2>"$work/$label.err"
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: $label exited with $rc$([[ $rc -eq 124 ]] && echo ' (timed out)')"
    cat "$work/$label.err"
    return 1
  fi
  sed -i "s|$dir|@WORK@|g" "$work/$label.out"
}

run sequential "$seq_bin" || exit 1
status=0
check() {  # check <label> <compss-run options...>
  local label="$1"
  shift
  run "$label" "$launcher" --no-progress "$@" -- "$compss_bin" || { status=1; return; }
  if ! diff -u "$work/sequential.out" "$work/$label.out"; then
    echo "FAIL: output of compss-run $* differs from the sequential build"
    echo "--- stderr of compss-run $*:"
    cat "$work/$label.err"
    status=1
  fi
}
check workers2 --workers 2
# (COMPARE_MASTER0=0: a program whose property holds only with the master's cores.)
[[ "${COMPARE_MASTER0:-1}" == 0 ]] || check workers3-master0 --workers 3 --master-cores 0
[[ $status -eq 0 ]] &&
  echo "OK: $(wc -l <"$work/sequential.out") lines identical to the sequential build" \
       "(--workers 2$([[ "${COMPARE_MASTER0:-1}" == 0 ]] || echo '; --workers 3 --master-cores 0'))"
exit $status
