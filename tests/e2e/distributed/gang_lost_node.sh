#!/usr/bin/env bash
# gang_lost_node.sh <compss-run> <compss-binary> <workers | master>
# A node of a running gang that is not its first is lost (docs/external_programs.md, "A
# lost node of a gang"): programs/gang_lost_node.cpp runs an MPI task of 2 processes, one
# per node, on <workers> workers of one core and no master core, its ranks waiting to be
# released (programs/external/mpi_ranks.cpp, "hold"). The test reads the gang's nodes from
# the master's log (--log-level info: "task 'hold_ranks' (id N) runs over worker A (...) x
# 1, worker B (...) x 1"), kills (SIGKILL) the second one, and checks:
#   - the master says the task lost a node of its gang and stops its program on the first
#     node (before the test releases the ranks: without it the ranks would wait on);
#   - the first attempt's rank 0 is gone (its program killed, no orphan);
#   - with 2 workers, one is left: the task fails at once, `can never run`, naming it;
#     with 4, two are left: the task runs again over them (a second start) and the run
#     ends with the program's output;
#   - no process of the run is left behind (common.sh).
# With <workers> = master the gang runs from the master's node (--workers 1 --master-cores
# 1 --worker-cores 1: "runs over master x 1, worker 1 (...) x 1"): the worker is killed, the
# master kills its own rank 0's process group (exec::kill_groups_of) and says so, and the
# run fails naming the task and the lost node (a gang run from the master is not placed
# again).
set -uo pipefail
source "$(dirname "$0")/common.sh"
if [[ $# -ne 3 ]]; then
  echo "usage: $0 <compss-run> <compss-binary> <workers | master>" >&2
  exit 2
fi
launcher="$(realpath "$1")" compss_bin="$(realpath "$2")" workers="$3"
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # (a container may refuse CMA's ptrace)

out="$work/run.out" err="$work/run.err"
first="worker [0-9]+ \([^)]+\)"
lost="^compss: worker [0-9]+ \(localhost-[0-9]+\): task 'hold_ranks' \(id [0-9]+\) lost worker [0-9]+"
if [[ $workers == master ]]; then
  workers=1 master_cores=1 first=master
  lost="^compss: task 'hold_ranks' \(id [0-9]+\) lost worker [0-9]+"
  lost_tail="of its gang; it runs from the master's node: its program there is stopped \\(its process group killed\\) and the run fails"
else
  master_cores=0 lost_tail="of its gang"
fi
start_run 90 "$out" "$err" "$launcher" --no-progress --workers "$workers" --master-cores "$master_cores" \
  --worker-cores 1 --log-level info -- "$compss_bin" "$work"

gang="^compss: task 'hold_ranks' \(id [0-9]+\) runs over $first x 1, worker [0-9]+ \(([^)]+)\) x 1$"
wait_for_line "$work/marker" '^started [0-9]+$' 60 || fail "the MPI task did not start"
wait_for_line "$err" "$gang" 10 || fail "the master did not log the gang's nodes"
rank0="$(grep -oE '[0-9]+$' "$work/marker" 2>/dev/null | head -1)"
second_name="$(grep -E "$gang" "$err" | head -1 | sed -E "s/$gang/\1/")"
second="$(grep -E "^compss-run: worker [0-9]+ \($second_name, host [^)]+\) started, pid [0-9]+$" "$err" |
  head -1 | grep -oE '[0-9]+$')"
if [[ -z $second || -z $rank0 ]]; then
  fail "could not find the gang's second node (${second_name:-?}) or rank 0"
else
  echo "rank 0 (pid $rank0) started; killing the gang's second node, $second_name (pid $second)"
  kill -9 "$second"
  wait_for_line "$err" "$lost \($second_name\) $lost_tail" 30 ||
    fail "the master did not say the task lost a node of its gang"
  deadline=$((SECONDS + 30))
  while process_alive "$rank0" && ((SECONDS < deadline)); do sleep 0.1; done
  process_alive "$rank0" && fail "the first attempt's rank 0 (pid $rank0) still runs"
fi
touch "$work/marker.release"  # (a new attempt, if any, may now finish)
wait_run
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
  fail "the run did not end (timed out)"
elif [[ $first == master ]]; then
  [[ $rc -ne 0 ]] || fail "the run succeeded although the gang lost a node (its ranks were released)"
  grep -qE "task 'hold_ranks' \(id [0-9]+\) lost worker [0-9]+ \($second_name\) of its gang while it ran from the master's node" "$err" ||
    fail "the run failed (exit $rc) without saying why"
elif [[ $workers -le 2 ]]; then
  [[ $rc -ne 0 ]] || fail "the run succeeded with one worker left for a 2-node gang"
  grep -q "task 'hold_ranks' can never run" "$err" || fail "the run failed (exit $rc) without naming the task"
else
  [[ $rc -eq 0 ]] || fail "the run failed (exit $rc) although $((workers - 2)) workers were left"
  grep -qx 'hold_ranks: rc=0 ranks=2 sum=3 tag=held' "$out" || fail "the run's output is wrong: $(cat "$out")"
  [[ $(grep -c '^started ' "$work/marker") -eq 2 ]] || fail "the task did not run again exactly once"
fi
end_checked_run "the lost node of the gang was noticed, its program stopped, the run ended (exit $rc)"
