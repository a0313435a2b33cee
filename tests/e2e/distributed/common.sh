# Sourced by the distributed test scripts, whose first three arguments are always
# <compss-run> <sequential-binary> <compss-binary>.

# take_programs <script> <args...>: sets launcher, seq_bin and compss_bin (absolute paths),
# or prints the usage line and exits 2. The caller then drops them with `shift 3`.
take_programs() {
  local script="$1"
  shift
  if [[ $# -lt 3 ]]; then
    echo "usage: $script <compss-run> <sequential-binary> <compss-binary> [args...]" >&2
    exit 2
  fi
  launcher="$(realpath "$1")" seq_bin="$(realpath "$2")" compss_bin="$(realpath "$3")"
}

# run_sequential <work dir> [args...]: the plain build's output in <work dir>/sequential.out
# (bounded); exits 1 with its stderr when it fails.
run_sequential() {
  local work="$1"
  shift
  timeout 120 "$seq_bin" "$@" >"$work/sequential.out" 2>"$work/sequential.err" || {
    echo "FAIL: the sequential build failed"; cat "$work/sequential.err"; exit 1
  }
}

# same_as_sequential <what> <exit code> <output file>: true when the run exited 0 and
# printed exactly what the sequential build did ($work/sequential.out); otherwise says
# which (a time-out by name) and fails.
same_as_sequential() {
  local what="$1" rc="$2" out="$3"
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: $what exited with $rc$([[ $rc -eq 124 ]] && echo ' (timed out)')"
    return 1
  fi
  if ! diff -u "$work/sequential.out" "$out"; then
    echo "FAIL: the output of $what differs from the sequential build's"
    return 1
  fi
}

# start_work: a fresh directory in $work, and an EXIT trap that stops the run whose pid is
# in $run_pid (if any: timeout passes SIGTERM on) and removes $work.
start_work() {
  work="$(mktemp -d)"
  run_pid=""
  trap stop_run_and_clean EXIT
}
stop_run_and_clean() {
  [[ -n $run_pid ]] && kill "$run_pid" 2>/dev/null
  rm -rf "$work"
}

# no_process_left <text>: true once no process whose command line contains <text> is left
# (polled for up to 10 s: a run's workers may still be exiting); else lists them and fails.
no_process_left() {
  local text="$1" i
  for ((i = 0; i < 100; i++)); do
    pgrep -f -- "$text" >/dev/null || return 0
    sleep 0.1
  done
  echo "FAIL: processes of the run are left behind:"
  pgrep -a -f -- "$text"
  return 1
}
