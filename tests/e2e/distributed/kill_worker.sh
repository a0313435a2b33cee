#!/usr/bin/env bash
# kill_worker.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# A worker killed with SIGKILL must not lose the run: the compss-cc build runs under
# `compss-run --workers 3 --master-cores 0 --worker-cores 1 --log-level info`, and one
# worker, chosen at random, is killed at a random delay after the workers started. Each of
# KILL_RUNS (10) runs is seeded (seed = run number + KILL_SEED, printed; the delay is
# below KILL_MAX_DELAY_MS, 700) and must exit 0 with exactly the output of the
# sequential build, leave no process behind and leave the user's files in its working
# directory as they were. A kill that comes after the master has finished proves
# nothing, so at least one kill must land while the run is in progress.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
runs=${KILL_RUNS:-10}
base_seed=${KILL_SEED:-0}
max_delay_ms=${KILL_MAX_DELAY_MS:-700}  # within one distributed run (about 1 s)
start_work

run_sequential "$work" "$@"
mkdir -p "$work/user"
cp "$work/sequential.out" "$work/user/notes.txt"
snapshot_user_files "$work/user"
cd "$work/user" || exit 1

status=0
landed=0
for ((run = 1; run <= runs; run++)); do
  seed=$((base_seed + run))
  # awk's generator: bash's RANDOM gives nearly equal first values for nearby seeds.
  read -r delay_ms victim_index < <(awk -v s="$seed" -v max="$max_delay_ms" \
    'BEGIN { srand(s); print int(rand() * max), int(rand() * 3) }')
  out="$work/run$seed.out" err="$work/run$seed.err"
  start_run 20 "$out" "$err" "$launcher" --no-progress --workers 3 --master-cores 0 \
    --worker-cores 1 --log-level info -- "$compss_bin" "$@"

  # Wait (bounded, 20 s) until the three workers exist.
  pids=()
  for ((i = 0; i < 200; i++)); do
    read -r -a pids <<<"$(worker_pids "$err" | tr '\n' ' ')"
    [[ ${#pids[@]} -ge 3 ]] && break
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ${#pids[@]} -lt 3 ]]; then
    echo "FAIL: seed $seed: did not find 3 worker pids (found: ${pids[*]:-none})"
    cat "$err"
    wait_run
    exit 1
  fi

  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  victim=${pids[$victim_index]}
  in_progress=no
  # The master prints its results when it ends: an empty output means it is still running.
  [[ ! -s $out ]] && kill -0 "$run_pid" 2>/dev/null && in_progress=yes
  if kill -9 "$victim" 2>/dev/null; then
    [[ $in_progress == yes ]] && landed=$((landed + 1))
    echo "seed $seed: killed worker $((victim_index + 1)) (pid $victim) ${delay_ms} ms after start" \
         "(run in progress: $in_progress)"
  else
    echo "seed $seed: worker $((victim_index + 1)) (pid $victim) had already exited at ${delay_ms} ms"
  fi

  wait_run
  if ! same_as_sequential "seed $seed: compss-run" "$rc" "$out"; then
    cat "$err"
    status=1
  fi
  assert_nothing_left 10 || status=1
  check_user_files || status=1
  # One failure says enough; the remaining runs would only make a failing test slower.
  [[ $status -ne 0 ]] && { echo "(runs after seed $seed skipped)"; break; }
done

if [[ $status -eq 0 && $landed -eq 0 ]]; then
  echo "FAIL: no kill landed while a run was in progress (the program is too short)"
  status=1
fi
[[ $status -eq 0 ]] &&
  echo "OK: $runs runs (seeds $((base_seed + 1))..$((base_seed + runs))), $landed kills during the run," \
       "every output identical to the sequential build, no process left, the user's files intact"
exit $status
