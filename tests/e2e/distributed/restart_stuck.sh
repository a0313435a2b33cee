#!/usr/bin/env bash
# restart_stuck.sh <compss-run> <sequential-binary> <compss-binary> <workers> <tasks> [by-hand|remake]
# A task that never returns times out on a worker (programs/restart_stuck.cpp: time_out(1),
# on_failure(ignore)); with --timeout-grace 1 the master has compss-run kill that worker
# and start it again (docs/failures.md, "Restarting a worker"). Checks, on <workers>
# workers of one core and no master core:
#   - the master says it restarts the worker, compss-run that it did, the new process
#     joins again as a new node and runs tasks (their lines name its pid);
#   - the output is the sequential build's and the exit code 0 (the stuck task's failure
#     is ignored; no "timed-out task(s) still running" at the end: its process is gone);
#   - no process of the run is left behind (common.sh).
# by-hand: the master and the workers are started without compss-run (COMPSS_LISTEN_FD,
# COMPSS_WORKER): nobody can start the stuck worker again, so the master drops it and the
# run ends on the others, with the same output.
# remake (one worker): a value only the stuck worker held is read while no worker is live;
# it is made again once the restarted worker joins (the master says it waits for it),
# never "every worker is lost".
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
workers="${4:?workers}" tasks="${5:?tasks}" mode="${6:-compss-run}"
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }

program_args=("$tasks")
[[ $mode == remake ]] && program_args+=(remake)
run_sequential "$work" "${program_args[@]}"
out="$work/run.out" err="$work/run.err"
if [[ $mode == by-hand ]]; then
  secret="restart-stuck-$$-$RANDOM"
  # The master inherits a listening socket on a free port (COMPSS_LISTEN_FD, as compss-run
  # gives it; no port is assumed), whose number goes to $work/port.
  start_run 120 "$out" "$err" /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
os.set_inheritable(s.fileno(), True)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
os.environ["COMPSS_LISTEN_FD"] = str(s.fileno())
os.execv(sys.argv[2], sys.argv[2:])' "$work/port" /usr/bin/env COMPSS_SECRET="$secret" \
    COMPSS_WORKERS_EXPECTED="$workers" COMPSS_MASTER_CORES=0 COMPSS_TIMEOUT_GRACE=1 \
    COMPSS_LOG_LEVEL=info "$compss_bin" "$tasks"
  master_run=$run_pid
  for ((i = 0; i < 300; i++)); do [[ -s $work/port ]] && break; sleep 0.1; done
  port="$(cat "$work/port" 2>/dev/null)"
  [[ -n $port ]] || fail "the master's socket was not made"
  worker_runs=()
  for ((i = 1; i <= workers; i++)); do
    start_run 120 "$work/worker$i.out" "$work/worker$i.err" env COMPSS_WORKER="127.0.0.1:${port:-1}" \
      COMPSS_SECRET="$secret" COMPSS_WORKER_NAME="hand-$i" COMPSS_WORKER_CORES=1 "$compss_bin"
    worker_runs+=("$run_pid")
  done
  wait "$master_run"
  rc=$?
  for pid in "${worker_runs[@]}"; do wait "$pid"; done
  run_pid=""
  same_as_sequential "the master" "$rc" "$out" || status=1
  grep -qE "^compss: worker [0-9]+ \(hand-[0-9]+\): task 'stuck' \(id [0-9]+\) timed out and had not returned 1 s later .*: dropping the worker \(it was not started by compss-run, which alone could start it again\); the run goes on without it\$" "$err" ||
    fail "the master did not say it drops the stuck worker"
  grep -qE "^compss: worker [0-9]+ \(hand-[0-9]+\) lost: task 'stuck' \(id [0-9]+\) timed out there and did not return; its tasks run again elsewhere" "$err" ||
    fail "the stuck worker was not declared lost"
  if grep -q 'timed-out task(s) still running' "$err"; then
    fail "the master still counted the stuck task as running at the end"
  fi
  assert_nothing_left 10 || status=1
  if [[ $status -ne 0 ]]; then
    echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err" "$work"/worker*.err
  else
    echo "OK: the stuck worker (started by hand) was dropped; the run ended on the others"
  fi
  exit $status
fi
run_to_end 120 "$out" "$err" "$launcher" --no-progress --workers "$workers" --master-cores 0 \
  --worker-cores 1 --timeout-grace 1 --log-level info -- "$compss_bin" "${program_args[@]}"
same_as_sequential "the run" "$rc" "$out" || status=1
if [[ $mode == remake ]]; then
  grep -q "^compss: every worker is lost: lost data waits for a restarted worker to join again\$" "$err" ||
    fail "no remake waited for the restarted worker"
fi

grep -qE "^compss: worker [0-9]+ \(localhost-[0-9]+\): task 'stuck(_after)?' \(id [0-9]+\) timed out and had not returned 1 s later .*: restarting the worker" "$err" ||
  fail "the master did not say it restarts the stuck task's worker"
name="$(grep -oE "^compss-run: worker [0-9]+ \(localhost-[0-9]+, host localhost\) restarted at the master's request" "$err" |
  head -1 | grep -oE 'localhost-[0-9]+')"
[[ -n $name ]] || fail "compss-run did not restart a worker"
grep -qE "^compss: worker $name restarted: it joined again as worker $((workers + 1))\$" "$err" ||
  fail "the restarted worker did not join again as worker $((workers + 1))"
# The pids compss-run started for that worker: the first is the stuck one, the last the new.
new_pid="$(grep -E "^compss-run: worker [0-9]+ \($name, host localhost\) started, pid [0-9]+\$" "$err" |
  tail -1 | grep -oE '[0-9]+$')"
ran="$(grep -cE "^slow_square\([0-9]+\) ran on $name pid ${new_pid:-none}\$" "$err")"
# (remake: the squares ran before the stuck task, sent ahead to the only worker)
[[ $ran -gt 0 || $mode == remake ]] || fail "the restarted worker ($name, pid ${new_pid:-?}) ran no task"
if grep -q 'timed-out task(s) still running' "$err"; then
  fail "the master still counted the stuck task as running at the end"
fi
end_checked_run "worker $name restarted after the stuck task's time-out; its new process ran $ran task(s)"
