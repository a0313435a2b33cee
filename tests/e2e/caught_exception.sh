#!/usr/bin/env bash
# caught_exception.sh <cancellation-binary>
# The cancellation example (examples/cancellation) catches the compss::Exception its task
# group raises: that is the program's control flow, not a failure. The run must exit 0
# with nothing on stderr (no failure report), and the exception and the tasks it cancelled
# must be in the log folder's failures.txt. LAUNCH (optional) is a command prefix, e.g.
# "compss-run --workers 2 --".
set -uo pipefail
bin="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
read -r -a launch <<<"${LAUNCH:-}"
COMPSS_LOG_DIR="$work/logs" timeout 120 "${launch[@]}" "$bin" "$work" >"$work/out" 2>"$work/err"
rc=$?
status=0
fail() { echo "FAIL: $*"; status=1; }
[[ $rc -eq 0 ]] || fail "exit code $rc, expected 0"
grep -q '^compss::Exception caught: exception raised in failedGroup$' "$work/out" ||
  fail "the program did not catch the exception"
[[ -s $work/err ]] && fail "stderr is not empty (a caught compss::Exception is not a failure to print)"
grep -q "task 'throw_exception' (id [0-9]*) threw compss::Exception (group 'failedGroup' cancelled)" \
  "$work/logs/failures.txt" 2>/dev/null || fail "the exception is not logged in failures.txt"
grep -q "task 'never_runs' (id [0-9]*) cancelled" "$work/logs/failures.txt" 2>/dev/null ||
  fail "the task the group's cancellation skipped is not logged"
if [[ $status -ne 0 ]]; then
  echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
  echo "--- failures.txt"; cat "$work/logs/failures.txt" 2>/dev/null
  exit 1
fi
echo "OK: the caught compss::Exception is logged in failures.txt, not printed"
