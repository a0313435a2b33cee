#!/usr/bin/env bash
# examples/streaming_sims timed (its streaming and batch versions, the times it prints):
# RUNS rounds, each one run in one process then one under compss-run --workers 2, with the
# load average before each run. Every run's results must equal the sequential build's
# (else it stops with an error); the times are figures, not checked.
#
# usage: benchmarks/streaming_sims/run.sh <build dir> [runs (3)] [example arguments...]
#        (default arguments: the example's, 2 8 1000000 300 20000000)
# Run it at high priority on a shared machine: nice -n -5 benchmarks/streaming_sims/run.sh build
set -uo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 <build dir> [runs] [simulations steps work-per-step wait-ms work-per-output]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
runs=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
args=("$@")
example=$build/bin/streaming_sims
for need in "$example" "${example}_seq" "$build/bin/compss-run"; do
  [[ -x $need ]] || { echo "$0: $need not found (build streaming_sims streaming_sims_seq compss-run)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"${example}_seq" "${args[@]}" >"$work/expected" 2>/dev/null || { echo "$0: the sequential build failed" >&2; exit 1; }
echo "arguments: ${args[*]:-(defaults)}"
printf '%-4s %-10s %-22s %12s %12s %8s\n' run layout "load (1/5/15 min)" streaming batch ratio
for ((r = 1; r <= runs; ++r)); do
  for layout in local workers2; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    case $layout in
      local) "$example" "${args[@]}" >"$work/out" 2>"$work/err" ;;
      workers2) "$build/bin/compss-run" --workers 2 -- "$example" "${args[@]}" >"$work/out" 2>"$work/err" ;;
    esac
    rc=$?
    if [[ $rc -ne 0 ]] || ! diff -q "$work/expected" "$work/out" >/dev/null; then
      echo "$0: run $r ($layout) failed (exit $rc) or its results differ from the sequential build:" >&2
      diff "$work/expected" "$work/out" >&2; tail -20 "$work/err" >&2
      exit 1
    fi
    s=$(sed -n 's/^streaming: \([0-9.]*\) s$/\1/p' "$work/err")
    b=$(sed -n 's/^batch: \([0-9.]*\) s$/\1/p' "$work/err")
    printf '%-4s %-10s %-22s %10s s %10s s %8s\n' "$r" "$layout" "$load" "$s" "$b" \
      "$(awk -v s="$s" -v b="$b" 'BEGIN { printf "%.2f", b / s }')"
  done
done
echo "results identical to the sequential build in every run (ratio: batch / streaming)"
