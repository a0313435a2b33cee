#!/usr/bin/env bash
# stranger.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# While a distributed run is in progress, strangers connect to the master's port: one
# sends a well-formed Hello with a wrong secret, one sends random bytes, one sends a
# valid frame header announcing a 1 TiB payload. The run must still exit 0 with the output
# of the sequential build, the master must log each rejected connection on stderr, no
# process of the run may be left behind and the user's files must be intact.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
start_work

run_sequential "$work" "$@"
mkdir -p "$work/user"
cp "$work/sequential.out" "$work/user/notes.txt"
snapshot_user_files "$work/user"
cd "$work/user" || exit 1

start_run 60 "$work/run.out" "$work/run.err" "$launcher" --no-progress --workers 2 \
  --log-level info -- "$compss_bin" "$@"

# compss-run prints "compss-run: master listening on <addr>:<port>" at --log-level info.
address=""
for ((i = 0; i < 200; i++)); do
  address=$(grep -oE 'master listening on [^ ]+:[0-9]+' "$work/run.err" | head -n1 | awk '{print $4}')
  [[ -n $address ]] && break
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $address ]]; then
  echo "FAIL: no 'master listening on' line from compss-run --log-level info"
  cat "$work/run.err"
  exit 1
fi
echo "master at $address"

strangers_rc=0
timeout 30 python3 "$here/stranger.py" "${address%:*}" "${address##*:}" || strangers_rc=$?

wait_run
status=0
if [[ $strangers_rc -ne 0 ]]; then
  echo "FAIL: the strangers could not connect to $address (exit $strangers_rc)"
  status=1
fi
same_as_sequential compss-run "$rc" "$work/run.out" || status=1
assert_nothing_left 10 || status=1
check_user_files || status=1
# One log line per rejected stranger, with the reason (runtime/net/errors.cpp).
for reason in 'wrong or missing run secret' 'bad magic number' 'larger than the limit'; do
  if ! grep 'closing connection from' "$work/run.err" | grep -q "$reason"; then
    echo "FAIL: the master did not log a connection closed for: $reason"
    status=1
  fi
done
if [[ $status -ne 0 ]]; then
  echo "--- stderr of compss-run:"
  cat "$work/run.err"
  exit 1
fi
echo "OK: 3 strangers rejected and logged; output identical to the sequential build; no process left"
