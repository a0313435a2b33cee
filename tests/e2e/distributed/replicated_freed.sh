#!/usr/bin/env bash
# replicated_freed.sh <compss-run> <sequential-binary> <compss-binary> [rounds]
# Two workers with one slot each, no master cores: every round a replicated task rewrites
# one datum on both workers; one worker's output is recorded, the other's must be
# released there. The output must match the sequential build, and at the end the workers
# together must hold a few values, not one left-over value per round: each says how many
# at its end (--log-level info).
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
rounds=${1:-12}
start_work
run_sequential "$work" "$rounds"

run_two_one_slot_workers "$rounds"
# Whatever the number of rounds: at most the latest version and its input on each worker.
workers_end_holding_at_most 4 "after $rounds rounds, unrecorded replicas' outputs were not released"
echo "OK: after $rounds rounds the workers ended holding ${held[*]} values"
