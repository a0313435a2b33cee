#!/usr/bin/env bash
# Compares the per-task cost of two builds of libcompss in one run (e.g. main's and a
# branch's): the overhead benchmark's graphs alternately on each, and, when valgrind is
# installed, the instructions per task (deterministic enough to show a few instructions
# that wall times on a shared machine hide).
#
# usage: benchmarks/overhead/compare_builds.sh <before> <after> [tasks (50000)] [rounds (9)]
# <before>/<after>: a build directory (bin/overhead_compss, lib/libcompss.so*) or a folder
# holding a copy of both. Wall: the median over rounds of each run's second-best of 3
# repetitions, us per task. Instructions: (Ir of 30000 tasks - Ir of 10000) / 20000, with
# COMPSS_THREADS=1, empty bodies (callgrind counts the whole process; the difference
# removes start-up).
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 <before build or folder> <after build or folder> [tasks] [rounds]" >&2
  exit 2
fi
tasks=${3:-50000}
rounds=${4:-9}
bin_of() { [[ -x $1/bin/overhead_compss ]] && echo "$1/bin/overhead_compss" || echo "$1/overhead_compss"; }
libs_of() { echo "$1/lib:$1"; }
run() {  # run <which: 1 or 2> <args...>
  local dir=$1; shift
  LD_LIBRARY_PATH=$(libs_of "$dir") "$(bin_of "$dir")" "$@"
}
for d in "$1" "$2"; do
  [[ -x $(bin_of "$d") ]] || { echo "error: no overhead_compss under $d" >&2; exit 1; }
done

raw=$(mktemp)
for ((r = 0; r < rounds; ++r)); do
  for graph in independent chain stencil; do
    for body in empty busy; do
      for which in before after; do
        dir=$1; [[ $which == after ]] && dir=$2
        line=$(run "$dir" "$graph" "$tasks" "$body" 3 | sort -k6 -g | sed -n 2p)
        echo "$which $line" >>"$raw"
      done
    done
  done
done
echo "# wall: us per task, median of $rounds rounds (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf "%-12s %-6s %10s %10s %8s\n" graph body before after change
for graph in independent chain stencil; do
  for body in empty busy; do
    b=$(awk -v g=$graph -v y=$body '$1=="before" && $3==g && $4==y {print $7}' "$raw" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    a=$(awk -v g=$graph -v y=$body '$1=="after" && $3==g && $4==y {print $7}' "$raw" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    printf "%-12s %-6s %10.3f %10.3f %+7.1f%%\n" "$graph" "$body" "$b" "$a" "$(echo "($a - $b) * 100 / $b" | bc -l)"
  done
done
rm -f "$raw"

if ! command -v valgrind >/dev/null; then
  echo "# (no valgrind: instruction counts skipped)"
  exit 0
fi
ir() {  # ir <dir> <graph> <tasks>
  LD_LIBRARY_PATH=$(libs_of "$1") COMPSS_THREADS=1 valgrind --tool=callgrind \
    --callgrind-out-file=/dev/null "$(bin_of "$1")" "$2" "$3" empty 1 2>&1 |
    awk '/Collected/ {print $4}'
}
echo "# instructions per task (callgrind, COMPSS_THREADS=1, empty bodies)"
printf "%-12s %10s %10s %8s\n" graph before after change
for graph in independent chain stencil; do
  b=$(( ($(ir "$1" $graph 30000) - $(ir "$1" $graph 10000)) / 20000 ))
  a=$(( ($(ir "$2" $graph 30000) - $(ir "$2" $graph 10000)) / 20000 ))
  printf "%-12s %10d %10d %+7.1f%%\n" "$graph" "$b" "$a" "$(echo "($a - $b) * 100 / $b" | bc -l)"
done
