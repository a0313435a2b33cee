#!/usr/bin/env bash
# compare.sh <sequential-binary> <compss-binary> [args...]
# Runs the plain sequential build once and the compss-cc build with 1, 2 and 4 threads
# (COMPSS_COMPARE_THREADS, e.g. "2 4", for a program whose tasks need 2 cores);
# every run must succeed and print exactly what the sequential run printed.
set -uo pipefail
seq_bin="$1"; compss_bin="$2"; shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Arguments may name @WORK@, a fresh directory per run (for programs that write files).
run() {  # run <label> <binary> ; env already set by the caller
  local label="$1" bin="$2"
  local dir="$work/$label"
  mkdir -p "$dir"
  local args=()
  for a in "${ARGS[@]}"; do args+=("${a//@WORK@/$dir}"); done
  (cd "$dir" && timeout 300 "$bin" "${args[@]}") >"$work/$label.out" 2>"$work/$label.err"
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: $label exited with $rc"; cat "$work/$label.err"; return 1
  fi
  # Paths of the per-run directory differ between runs: normalise them.
  sed -i "s|$dir|@WORK@|g" "$work/$label.out"
}

ARGS=("$@")
run sequential "$seq_bin" || exit 1
status=0
read -r -a thread_counts <<<"${COMPSS_COMPARE_THREADS:-1 2 4}"
for threads in "${thread_counts[@]}"; do
  COMPSS_THREADS=$threads run "compss-$threads" "$compss_bin" || { status=1; continue; }
  if ! diff -u "$work/sequential.out" "$work/compss-$threads.out"; then
    echo "FAIL: output with COMPSS_THREADS=$threads differs from the sequential build"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "OK: $(wc -l <"$work/sequential.out") lines identical to the sequential build (${thread_counts[*]} threads)"
exit $status
