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

# run_pids <stderr file>: the pids of the master and the workers of a compss-run started
# with --log-level info (its "master started, pid P" and "worker N ... started, pid P").
run_pids() {
  grep -E '^compss-run: (master|worker [0-9]+ .*) started, pid [0-9]+' "$1" 2>/dev/null |
    grep -oE '[0-9]+$'
}

# process_alive <pid>: true while the process exists and is not a zombie (a zombie has
# ended; its parent, maybe init, has not reaped it yet).
process_alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z ]]
}

# all_gone_within <seconds> <pid>...: polls until none of the processes is alive; true
# when they all ended in time. Otherwise names those left, kills them (SIGKILL: the test
# must leave nothing behind) and fails.
all_gone_within() {
  local limit="$1" pid left=()
  shift
  local deadline=$((SECONDS + limit))
  while :; do
    left=()
    for pid in "$@"; do process_alive "$pid" && left+=("$pid"); done
    [[ ${#left[@]} -eq 0 ]] && return 0
    ((SECONDS >= deadline)) && break
    sleep 0.1
  done
  echo "FAIL: still running after ${limit} s: ${left[*]} ($(ps -o pid=,ppid=,args= -p "$(IFS=,; echo "${left[*]}")" 2>/dev/null | tr '\n' ';'))"
  kill -9 "${left[@]}" 2>/dev/null
  return 1
}

# wait_for_line <file> <regex> <seconds>: true once a line of <file> matches (bounded).
wait_for_line() {
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.05
  done
}
