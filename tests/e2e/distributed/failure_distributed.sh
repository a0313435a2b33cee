#!/usr/bin/env bash
# failure_distributed.sh <compss-run> <compss-binary> <expected-text>...
# A program that must fail (a task that throws, one that times out): run on local cores,
# then by compss-run with --workers 2 and with --workers 3 --master-cores 0. Every run must
# end (no hang, no signal) with the exit code of the local run, which is not 0, and its
# stderr must hold every expected text and the local run's `compss: task ... failed: ...`
# line, word for word: a failure on a worker reads as it does locally.
set -uo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 <compss-run> <compss-binary> <expected-text>..." >&2
  exit 2
fi
launcher="$(realpath "$1")" bin="$(realpath "$2")"
shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() {  # run <label> <command...>: sets rc; stderr in $work/<label>.err
  local label="$1"
  shift
  mkdir -p "$work/$label"
  (cd "$work/$label" && timeout -k 5 120 "$@") >/dev/null 2>"$work/$label.err"
  rc=$?
}

status=0
check() {  # check <label> <expected exit code>
  local label="$1" want="$2"
  if [[ $rc -eq 124 ]]; then echo "FAIL: $label timed out (hang)"; status=1; return; fi
  if [[ $rc -ne $want ]]; then
    echo "FAIL: $label exited with $rc, the local run with $want"; cat "$work/$label.err"; status=1
    return
  fi
  for text in "${expected[@]}" "${local_failure_line[@]}"; do
    grep -qF -- "$text" "$work/$label.err" || {
      echo "FAIL: the stderr of $label lacks '$text':"; cat "$work/$label.err"; status=1; return; }
  done
}

expected=("$@")
run local "$bin"
local_rc=$rc
if [[ $local_rc -eq 0 || $local_rc -gt 128 ]]; then
  echo "FAIL: the local run exited with $local_rc (a failure with an exit code was expected)"
  cat "$work/local.err"
  exit 1
fi
local_failure_line=()
check local "$local_rc"
line="$(grep -m1 '^compss: task ' "$work/local.err")"
[[ -n $line ]] && local_failure_line=("$line")
run workers2 "$launcher" --no-progress --workers 2 -- "$bin"
check workers2 "$local_rc"
run workers3-master0 "$launcher" --no-progress --workers 3 --master-cores 0 -- "$bin"
check workers3-master0 "$local_rc"
[[ $status -eq 0 ]] &&
  echo "OK: exit code $local_rc and the same message locally, with --workers 2, and with" \
       "--workers 3 --master-cores 0: $(head -c 200 "$work/local.err")"
exit $status
