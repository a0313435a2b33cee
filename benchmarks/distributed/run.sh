#!/usr/bin/env bash
# Runs the distributed benchmarks, each next to its peer in the same run, and prints one
# table (benchmarks/distributed/README.md):
#   stencil_1d, empty tasks   compss-run --workers 2 --master-cores 0  vs  Dask LocalCluster(2)
#   independent empty tasks   the same two
#   a large object moved from one worker to another  vs  a raw loopback TCP copy
#
# usage: benchmarks/distributed/run.sh <build dir> [stencil tasks (4000)]
#          [independent tasks, compss (20000)] [independent tasks, Dask (4000)]
#          [MiB moved (256)] [repetitions (3)]
# Binaries come from <build dir>/bin; Dask from /usr/bin/python3 (tools/setup-benchmarks.sh).
# Raw lines go to <build dir>/distributed-results.txt.
set -uo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 <build dir> [stencil tasks] [independent tasks compss] [independent tasks dask] [MiB] [reps]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
stencil_tasks=${2:-4000}
independent_compss=${3:-20000}
independent_dask=${4:-4000}
mib=${5:-256}
reps=${6:-3}
here="$(cd "$(dirname "$0")" && pwd)"
raw=$build/distributed-results.txt
: >"$raw"
python=${DASK_PYTHON:-/usr/bin/python3}

bin() {  # bin <name>: the binary's path, or a note and failure
  [[ -x $build/bin/$1 ]] && { echo "$build/bin/$1"; return 0; }
  echo "note: $build/bin/$1 not found (build it first): skipped" >&2
  return 1
}
have_dask=yes
if ! "$python" -c 'import distributed' 2>/dev/null; then
  echo "note: $python cannot import distributed (run tools/setup-benchmarks.sh): Dask skipped" >&2
  have_dask=no
fi

run_bounded() {  # run_bounded <label> <seconds> <command...>: raw lines to $raw
  local label="$1" limit="$2"
  shift 2
  if ! timeout -k 5 "$limit" "$@" >>"$raw" 2>"$build/distributed-$label.err"; then
    echo "warning: $label failed or timed out; see $build/distributed-$label.err" >&2
  fi
}

if launcher=$(bin compss-run) && overhead=$(bin overhead_compss); then
  for graph in stencil independent; do
    tasks=$stencil_tasks
    [[ $graph == independent ]] && tasks=$independent_compss
    run_bounded "compss-$graph" 300 "$launcher" --no-progress --workers 2 --master-cores 0 -- \
      "$overhead" "$graph" "$tasks" empty "$reps"
  done
fi
if [[ $have_dask == yes ]]; then
  run_bounded dask-stencil 600 "$python" "$here/dask_bench.py" stencil "$stencil_tasks" "$reps"
  run_bounded dask-independent 600 "$python" "$here/dask_bench.py" independent \
    "$independent_dask" "$reps"
fi
if launcher=$(bin compss-run) && transfer=$(bin transfer_compss); then
  run_bounded compss-transfer 600 "$launcher" --no-progress --workers 2 --master-cores 0 \
    --worker-cores 1 -- "$transfer" "$mib" "$reps"
fi
if tcp=$(bin tcp_copy); then
  run_bounded tcp-copy 300 "$tcp" "$mib" "$reps"
fi

echo "# $(nproc) cores; 2 workers (compss-run --workers 2 --master-cores 0; Dask LocalCluster"
echo "# n_workers=2 threads_per_worker=1 processes=True); empty task bodies; median of $reps runs"
# Overhead lines: impl graph body tasks seconds us_per_task tasks_per_s (6 or 7 fields,
# impl compss|dask); transfer lines: impl MiB seconds MB_per_s (impl compss|tcp, 4 fields).
awk '
  function median(key,   n, i, j, t, a) {
    n = cnt[key]; if (n == 0) return -1
    for (i = 1; i <= n; i++) a[i] = val[key, i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)]
  }
  function add(key, v) { cnt[key]++; val[key, cnt[key]] = v }
  NF == 7 { add($1 " " $2 " us", $6); add($1 " " $2 " rate", $7); tasks[$1 " " $2] = $4 }
  NF == 4 && $1 != "#" { add($1 " transfer", $4); add($1 " transfer s", $3); size = $2 }
  END {
    printf "%-24s | %12s | %12s | %10s | %s\n", "benchmark", "compss", "peer", "ratio", "target"
    cs = median("compss stencil us"); ds = median("dask stencil us")
    printf "%-24s | %12s | %12s | %10s | %s\n", "stencil us/task (" tasks["compss stencil"] ")",
      cs < 0 ? "-" : sprintf("%.1f", cs), ds < 0 ? "-" : sprintf("%.1f", ds) " dask",
      (cs > 0 && ds > 0) ? sprintf("%.3gx", ds / cs) : "-", "<= 50 us/task"
    ci = median("compss independent rate"); di = median("dask independent rate")
    printf "%-24s | %12s | %12s | %10s | %s\n", "independent tasks/s",
      ci < 0 ? "-" : sprintf("%.0f", ci), di < 0 ? "-" : sprintf("%.0f", di) " dask",
      (ci > 0 && di > 0) ? sprintf("%.3gx", ci / di) : "-", ">= 20000 tasks/s"
    ct = median("compss transfer"); tt = median("tcp transfer")
    printf "%-24s | %12s | %12s | %10s | %s\n", "transfer MB/s (" size " MiB)",
      ct < 0 ? "-" : sprintf("%.0f", ct), tt < 0 ? "-" : sprintf("%.0f", tt) " tcp",
      (ct > 0 && tt > 0) ? sprintf("%.0f%%", 100 * ct / tt) : "-", ">= 70% of tcp"
  }' "$raw"
echo "# independent: compss ran $independent_compss tasks, Dask $independent_dask (a rate)"
grep '^#' "$raw" | sed 's/^/# transfer_compss: /'
echo "# raw lines: $raw"
