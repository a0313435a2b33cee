#!/usr/bin/env bash
# The cost of watching a run (issue 14, item 7; docs/performance.md, "Traces"): the overhead
# benchmark's graphs (stencil, chain, independent; busy bodies of ~1 us and empty ones) and
# the matmul example, each run three ways in the same session, alternating: plain (no
# observer), with a trace (COMPSS_TRACE), and with the monitor open (COMPSS_MONITOR=0 while
# monitor_poller.py asks for the page's data as the page does: the state every second, the
# graph's SVG when it changed). Prints the median of each and the difference to plain; the
# overhead graphs' times are per task, measured inside the program (recording only: the
# trace's files are written after); matmul's are the whole process's wall time (files
# written included). Beside each, the process's CPU time (user + system, with the children
# it waited for: Graphviz's dot drawing the monitor's graph), which a loaded machine
# disturbs far less than wall times.
#
# usage: benchmarks/trace/run.sh <build dir> [tasks per graph (50000); 0: matmul only] [repetitions (5)] [matmul args ("8 64")]
# Needs overhead_compss (benchmarks/overhead) and matmul (examples) built in <build dir>.
set -uo pipefail
build=${1:-}
[[ -d $build ]] || { echo "usage: $0 <build dir> [tasks per graph] [repetitions] [matmul args]" >&2; exit 2; }
tasks=${2:-50000}
reps=${3:-5}
read -r -a matmul_args <<< "${4:-8 64}"
here=$(cd "$(dirname "$0")" && pwd)
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

# run_as <plain|trace|monitor> <command...>: the command's stdout, run that way; its CPU
# seconds (user + system) are appended to the file $scratch/cpu_<mode>.
run_as() {
  local mode=$1
  shift
  local timed=(/usr/bin/time -f "%U %S" -o "$scratch/cpu")
  case $mode in
    plain) env -u COMPSS_TRACE -u COMPSS_MONITOR "${timed[@]}" "$@" 2>/dev/null ;;
    trace) env -u COMPSS_MONITOR COMPSS_TRACE="$scratch/t" "${timed[@]}" "$@" 2>/dev/null ;;
    monitor)
      env -u COMPSS_TRACE COMPSS_MONITOR=0 "${timed[@]}" "$@" 2>"$scratch/monitor.err" &
      local pid=$!
      /usr/bin/python3 "$here/monitor_poller.py" "$scratch/monitor.err" "$pid" 2>/dev/null &
      local poller=$!
      wait "$pid"
      wait "$poller"
      ;;
  esac
  awk '{ print $1 + $2 }' "$scratch/cpu" >> "$scratch/cpu_$mode"  # (a file: callers may be subshells)
}
modes=(plain trace monitor)

echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $tasks tasks per graph; median of $reps runs"
printf "%-22s %12s %12s %9s %12s %9s\n" "run" "plain" "trace" "cost" "monitor" "cost"
# report <label> <unit note>: prints the medians of the arrays times_* and cpu_* (plain,
# trace, monitor).
report() {
  local a b c
  for kind in times cpu; do
    if [[ $kind == times ]]; then
      a=$(printf "%s\n" "${times_plain[@]}" | median)
      b=$(printf "%s\n" "${times_trace[@]}" | median)
      c=$(printf "%s\n" "${times_monitor[@]}" | median)
    else
      a=$(median < "$scratch/cpu_plain") b=$(median < "$scratch/cpu_trace") c=$(median < "$scratch/cpu_monitor")
    fi
    printf "%-22s %12s %12s %9s %12s %9s   %s\n" "$1" "$a" "$b" "$(percent "$a" "$b")" "$c" "$(percent "$a" "$c")" \
      "$([[ $kind == times ]] && echo "$2" || echo "(process CPU s, user + system)")"
  done
}
if [[ $tasks == 0 ]]; then
  :
elif bench=$(find_bin overhead_compss); then
  for run in "stencil busy" "stencil empty" "chain busy" "independent busy"; do
    read -r graph body <<< "$run"
    times_plain=() times_trace=() times_monitor=()
    rm -f "$scratch"/cpu_*
    for ((r = 0; r < reps; ++r)); do  # alternating, so all see the same machine
      for mode in "${modes[@]}"; do
        declare -n into="times_$mode"
        into+=("$(run_as "$mode" "$bench" "$graph" "$tasks" "$body" 1 | awk '{ print $6 }')")
        unset -n into
      done
    done
    report "$graph $body" "(us per task)"
  done
else
  echo "note: overhead_compss not found under $build (build benchmarks/overhead): skipped" >&2
fi
if mm=$(find_bin matmul); then
  times_plain=() times_trace=() times_monitor=()
  rm -f "$scratch"/cpu_*
  for ((r = 0; r < reps; ++r)); do
    for mode in "${modes[@]}"; do
      declare -n into="times_$mode"
      s=$(date +%s%N)
      run_as "$mode" "$mm" "${matmul_args[@]}" > /dev/null
      e=$(date +%s%N)
      into+=("$(( (e - s) / 1000 ))")
      unset -n into
    done
  done
  report "matmul ${matmul_args[*]}" "(whole process in us, files written included)"
else
  echo "note: matmul not found under $build (build examples): skipped" >&2
fi
