#!/usr/bin/env bash
# Instructions per task on the task path, plain, traced and with the monitor (callgrind;
# docs/performance.md, "Off the task path"): only what runs inside Runtime::submit and
# Runtime::run_chain (the submission, the body, the events) is counted, and the monitor's
# draining thread (ObserverGroup::drain_loop) in a column of its own; the threads' spinning
# and waiting, which moves with the machine's load, is not. The overhead benchmark with one
# executor thread, the difference between 15,000 and 5,000 tasks (with its warm-up run:
# 20,000 tasks).
#
# usage: benchmarks/trace/task_path.sh <build dir> [graph (stencil)] [body (empty)] [functions]
# (functions: then the traced run against the plain one, function by function:
# callgrind_functions.py; the totals move by ±100 between runs with malloc's work, the
# runtime's own functions do not.)
# (functions: also the monitor's run against the plain one, function by function, the
# drainer's functions included.)
# (LD_LIBRARY_PATH=<folder of another libcompss.so.0> compares another library;
# TASK_PATH_KEEP=<folder> keeps the callgrind files there, to compare two libraries' runs
# with callgrind_functions.py.)
set -uo pipefail
build=${1:-}
graph=${2:-stencil}
body=${3:-empty}
functions=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
bench=$build/bin/overhead_compss
[[ -x $bench ]] || { echo "usage: $0 <build dir with bin/overhead_compss> [graph] [body]" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "$0: valgrind not found" >&2; exit 2; }
scratch=$(mktemp -d)
keep=${TASK_PATH_KEEP:-}
trap '[[ -n $keep ]] && mkdir -p "$keep" && cp "$scratch"/*.[0-9]* "$keep"/; rm -rf "$scratch"' EXIT

# total <callgrind file>: its instruction count
total() { grep -m1 '^totals:' "$1" | awk '{ print $2 }'; }

printf "%-8s %12s %12s   (%s %s, instructions per task)\n" "mode" "task path" "drainer" "$graph" "$body"
for mode in plain trace monitor; do
  for n in 5000 15000; do
    envs=(COMPSS_THREADS=1)
    case $mode in
      trace) envs+=(COMPSS_TRACE="$scratch/trace$n") ;;
      monitor) envs+=(COMPSS_MONITOR=0) ;;
    esac
    env -u COMPSS_TRACE -u COMPSS_MONITOR "${envs[@]}" valgrind --tool=callgrind --separate-threads=yes \
      --collect-atstart=no "--toggle-collect=compss::rt::Runtime::submit(*" \
      "--toggle-collect=compss::rt::Runtime::run_chain(*" "--toggle-collect=*ObserverGroup::drain_loop(*" \
      --callgrind-out-file="$scratch/$mode.$n.%p" "$bench" "$graph" "$n" "$body" 1 > /dev/null 2>&1
  done
  path=0 drainer=0
  for f in "$scratch/$mode".15000.*-*; do
    before=$(ls "$scratch/$mode".5000.*-"${f##*-}" 2>/dev/null | head -1)
    [[ -n $before ]] || continue
    d=$(( ($(total "$f") - $(total "$before")) / 20000 ))
    if grep -q 'drain_loop' "$f"; then drainer=$((drainer + d)); else path=$((path + d)); fi
  done
  printf "%-8s %12s %12s\n" "$mode" "$path" "$drainer"
done
if [[ $functions == functions ]]; then
  echo
  python3 "$here/callgrind_functions.py" "$scratch" 20000 5000 15000 plain trace
  echo
  python3 "$here/callgrind_functions.py" "$scratch" 20000 5000 15000 plain monitor
fi
