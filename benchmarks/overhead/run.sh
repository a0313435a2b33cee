#!/usr/bin/env bash
# Runs the overhead benchmark for every implementation, graph and body, and prints a table
# of the median microseconds per task and tasks per second of each.
#
# usage: benchmarks/overhead/run.sh <build dir> [tasks per graph (50000)] [repetitions (7)]
# The binaries are looked up in <build dir>/bin, <build dir>/benchmarks/overhead and
# <build dir>; a missing one is skipped with a note. The raw lines go to
# <build dir>/overhead-results.txt.
set -uo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 <build dir> [tasks per graph] [repetitions]" >&2
  exit 2
fi
build=$1
tasks=${2:-50000}
reps=${3:-7}
raw=$build/overhead-results.txt
: >"$raw"

find_bin() {
  local d
  for d in "$build/bin" "$build/benchmarks/overhead" "$build"; do
    [[ -x $d/$1 ]] && { echo "$d/$1"; return 0; }
  done
  return 1
}

impls=()
for impl in seq compss openmp tbb; do
  if ! bin=$(find_bin "overhead_$impl"); then
    echo "note: overhead_$impl not found under $build: skipped" >&2
    continue
  fi
  impls+=("$impl")
  for graph in independent chain stencil; do
    for body in empty busy; do
      if ! timeout 120 "$bin" "$graph" "$tasks" "$body" "$reps" >>"$raw"; then
        echo "warning: overhead_$impl $graph $tasks $body failed or timed out" >&2
      fi
    done
  done
done

if [[ ${#impls[@]} -eq 0 ]]; then
  echo "error: no overhead_* binary under $build (build the benchmarks first)" >&2
  exit 1
fi

echo "# $(nproc) cores; $tasks tasks per graph (stencil width $((2 * $(nproc) < 3 ? 3 : 2 * $(nproc)))); median of $reps runs"
echo "# us/task = wall time / tasks (lower is better), Mtasks/s = millions of tasks per second;"
echo "# seq = the bodies called one after the other, no runtime (empty bodies compile to nothing)"
# Sort each (impl, graph, body) group by us_per_task, then take the middle line of each.
sort -k1,1 -k2,2 -k3,3 -k6,6g "$raw" | awk -v impls="${impls[*]}" '
  { key = $1 " " $2 " " $3; n[key]++; v[key, n[key]] = $6; r[key, n[key]] = $7 }
  END {
    ni = split(impls, im, " ")
    printf "%-12s %-6s", "", ""
    for (i = 1; i <= ni; i++) printf " | %-18s", im[i]
    printf "\n%-12s %-6s", "graph", "body"
    for (i = 1; i <= ni; i++) printf " | %8s %9s", "us/task", "Mtasks/s"
    printf "\n"
    split("independent chain stencil", gs, " "); split("empty busy", bs, " ")
    for (g = 1; g <= 3; g++) for (b = 1; b <= 2; b++) {
      printf "%-12s %-6s", gs[g], bs[b]
      for (i = 1; i <= ni; i++) {
        key = im[i] " " gs[g] " " bs[b]
        if (n[key] > 0) { m = int((n[key] + 1) / 2); printf " | %8.3f %9.3g", v[key, m], r[key, m] / 1e6 }
        else printf " | %8s %9s", "-", "-"
      }
      printf "\n"
    }
  }'
echo "# raw lines (impl graph body tasks seconds us_per_task tasks_per_s): $raw"
