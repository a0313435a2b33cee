#!/usr/bin/env bash
# monarch_spans.sh <compss-run> <monarch_seq> <monarch>
# examples/monarch under `compss-run --workers 2 --master-cores 0` with workers of one core:
# its 2-process MPI simulation can only run spanning both workers. Checks that the output
# is the sequential build's and that the simulation ran once, with 2 ranks over 2 nodes
# (monarch_sim appends "ranks=P nodes=N" to MONARCH_SIM_LOG).
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
status=0
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # (a container may refuse CMA's ptrace)
mkdir -p "$work/seq" "$work/run"
run_sequential "$work" "$work/seq"
sed -i "s|$work/seq|@WORK@|g" "$work/sequential.out"
out="$work/run.out" err="$work/run.err"
(cd "$work/run" && MONARCH_SIM_LOG="$work/sim.log" run_to_end 100 "$out" "$err" "$launcher" \
   --no-progress --workers 2 --master-cores 0 --worker-cores 1 -- "$compss_bin" "$work/run"
 exit "$rc")
rc=$?
sed -i "s|$work/run|@WORK@|g" "$out"
same_as_sequential "compss-run --workers 2 --master-cores 0" "$rc" "$out" || status=1
if [[ "$(cat "$work/sim.log" 2>/dev/null)" != "ranks=2 nodes=2" ]]; then
  echo "FAIL: the simulation did not run once over 2 ranks on 2 nodes: $(cat "$work/sim.log" 2>/dev/null)"
  status=1
fi
[[ $status -ne 0 ]] && { echo "--- stderr"; cat "$err"; }
[[ $status -eq 0 ]] && echo "OK: the MPI simulation spanned both workers; output identical to the sequential build"
exit $status
