#!/usr/bin/env bash
# gang_lost_node.sh <compss-run> <compss-binary>
# A node of a running gang that is not its first is lost (docs/external_programs.md, "A
# lost node of a gang"): programs/gang_lost_node.cpp runs an MPI task of 2 processes, one
# per node, on 2 workers of one core and no master core, its ranks waiting to be released
# (programs/external/mpi_ranks.cpp, "hold"). The test kills (SIGKILL) the worker that is
# not the one running mpirun, and checks:
#   - the master says the task lost a node of its gang and stops its program on the first
#     node (before the test releases the ranks: without it the ranks would wait on);
#   - the first attempt's ranks are gone (its program killed, no orphan);
#   - the run then ends by itself, bounded: either the task ran again and its output is
#     the program's ("ranks=2 sum=3 tag=held"), or it failed with an error naming it;
#   - no process of the run is left behind (common.sh).
set -uo pipefail
source "$(dirname "$0")/common.sh"
if [[ $# -ne 2 ]]; then
  echo "usage: $0 <compss-run> <compss-binary>" >&2
  exit 2
fi
launcher="$(realpath "$1")" compss_bin="$(realpath "$2")"
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # (a container may refuse CMA's ptrace)

out="$work/run.out" err="$work/run.err"
start_run 90 "$out" "$err" "$launcher" --no-progress --workers 2 --master-cores 0 \
  --worker-cores 1 --log-level info -- "$compss_bin" "$work"

# The first attempt's rank 0 says it started (and its pid).
wait_for_line "$work/marker" '^started [0-9]+$' 60 || fail "the MPI task did not start"
rank0="$(grep -oE '[0-9]+$' "$work/marker" 2>/dev/null | head -1)"
# The worker running mpirun is an ancestor of rank 0; the other one is the gang's second.
read -r -a workers <<<"$(worker_pids "$err" | tr '\n' ' ')"
first=""
p=${rank0:-0}
while [[ $p -gt 1 && -z $first ]]; do
  for w in "${workers[@]}"; do [[ $w == "$p" ]] && first=$w; done
  p="$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null || echo 0)"
done
second=""
for w in "${workers[@]}"; do [[ $w != "$first" ]] && second=$w; done
if [[ -z $first || -z $second || ${#workers[@]} -ne 2 ]]; then
  fail "could not tell the gang's nodes (workers: ${workers[*]:-none}, rank 0: ${rank0:-none})"
else
  echo "rank 0 (pid $rank0) under worker pid $first; killing the other worker, pid $second"
  kill -9 "$second"
  wait_for_line "$err" "^compss: worker [0-9]+ \(localhost-[0-9]+\): task 'hold_ranks' \(id [0-9]+\) lost worker [0-9]+ \(localhost-[0-9]+\) of its gang" 30 ||
    fail "the master did not say the task lost a node of its gang"
  deadline=$((SECONDS + 30))
  while process_alive "$rank0" && ((SECONDS < deadline)); do sleep 0.1; done
  process_alive "$rank0" && fail "the first attempt's rank 0 (pid $rank0) still runs"
fi
touch "$work/marker.release"  # (a new attempt, if any, may now finish)
wait_run
if [[ $rc -eq 0 ]]; then
  grep -qx 'hold_ranks: rc=0 ranks=2 sum=3 tag=held' "$out" || fail "the run's output is wrong: $(cat "$out")"
  [[ $(grep -c '^started ' "$work/marker") -ge 2 ]] || fail "the run succeeded without running the task again"
elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
  fail "the run did not end (timed out)"
else
  grep -q "task 'hold_ranks'" "$err" || fail "the run failed (exit $rc) without naming the task"
fi
assert_nothing_left 10 || status=1
if [[ $status -ne 0 ]]; then
  echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
else
  cat "$err"
  echo "OK: the lost node of the gang was noticed, the program stopped, the run ended (exit $rc)"
fi
exit $status
