#!/usr/bin/env bash
# The cost of --trace (docs/traces.md, "Cost"): the overhead benchmark's graphs (stencil,
# chain, independent; busy bodies of ~1 us and empty ones) and the matmul example, each
# without a trace and with COMPSS_TRACE, in the same session, alternating. Prints the
# median per-task time of each and the difference; the per-task times are measured inside
# the program (recording only); the whole process's wall time (writing the files too) is
# printed beside it for matmul.
#
# usage: benchmarks/trace/run.sh <build dir> [tasks per graph (50000)] [repetitions (5)]
# Needs overhead_compss (benchmarks/overhead) and matmul (examples) built in <build dir>.
set -uo pipefail
build=${1:-}
[[ -d $build ]] || { echo "usage: $0 <build dir> [tasks per graph] [repetitions]" >&2; exit 2; }
tasks=${2:-50000}
reps=${3:-5}
# The first executable named $1 under the build's usual output folders.
find_bin() {
  local path
  for path in "$build"/{bin,benchmarks/overhead,examples/matmul,.}/"$1"; do
    if [[ -x $path ]]; then echo "$path"; return 0; fi
  done
  return 1
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b - a) / a * 100 }'; }

echo "# $(nproc) cores; $tasks tasks per graph; median of $reps runs; trace = COMPSS_TRACE set"
printf "%-22s %12s %12s %9s\n" "run" "off us/task" "trace us/task" "cost"
if bench=$(find_bin overhead_compss); then
  for run in "stencil busy" "chain busy" "independent busy" "stencil empty"; do
    read -r graph body <<< "$run"
    off=() on=()
    for ((r = 0; r < reps; ++r)); do  # alternating, so both see the same machine
      off+=("$(env -u COMPSS_TRACE "$bench" "$graph" "$tasks" "$body" 1 | awk '{ print $6 }')")
      on+=("$(COMPSS_TRACE="$scratch/t" "$bench" "$graph" "$tasks" "$body" 1 2>/dev/null | awk '{ print $6 }')")
    done
    a=$(printf "%s\n" "${off[@]}" | median)
    b=$(printf "%s\n" "${on[@]}" | median)
    printf "%-22s %12s %12s %9s\n" "$graph $body" "$a" "$b" "$(percent "$a" "$b")"
  done
else
  echo "note: overhead_compss not found under $build (build benchmarks/overhead): skipped" >&2
fi
if mm=$(find_bin matmul); then
  off=() on=()
  for ((r = 0; r < reps; ++r)); do
    s=$(date +%s%N); env -u COMPSS_TRACE "$mm" 8 64 > /dev/null; e=$(date +%s%N); off+=("$(( (e - s) / 1000 ))")
    s=$(date +%s%N); COMPSS_TRACE="$scratch/m" "$mm" 8 64 > /dev/null 2>&1; e=$(date +%s%N); on+=("$(( (e - s) / 1000 ))")
  done
  a=$(printf "%s\n" "${off[@]}" | median)
  b=$(printf "%s\n" "${on[@]}" | median)
  printf "%-22s %12s %12s %9s   (whole process in us, files written included)\n" "matmul 8x8 of 64" "$a" "$b" \
    "$(percent "$a" "$b")"
else
  echo "note: matmul not found under $build (build examples): skipped" >&2
fi
