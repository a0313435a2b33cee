#!/usr/bin/env bash
# expect_failure.sh <binary> <expected-text>...
# The program must exit non-zero (not by a signal, not by hanging) and its stderr must hold
# every expected text. LAUNCH (optional) is a command prefix, e.g. "compss-run --workers 1 --".
set -uo pipefail
bin="$1"; shift
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
read -r -a launch <<<"${LAUNCH:-}"
timeout 120 "${launch[@]}" "$bin" >/dev/null 2>"$err"
rc=$?
if [ "$rc" -eq 0 ]; then echo "FAIL: exited 0"; exit 1; fi
if [ "$rc" -eq 124 ]; then echo "FAIL: timed out (hang)"; exit 1; fi
if [ "$rc" -gt 128 ]; then echo "FAIL: killed by signal $((rc - 128))"; cat "$err"; exit 1; fi
for text in "$@"; do
  grep -qF -- "$text" "$err" || { echo "FAIL: stderr lacks '$text':"; cat "$err"; exit 1; }
done
echo "OK: exit code $rc, message: $(head -c 300 "$err")"
