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

# run_pids <compss-run stderr file>: the pids of the run's master and workers, from
# compss-run's "master started, pid P" and "worker N (host h) started, pid P" lines
# (printed with --log-level info).
run_pids() {
  grep -E '^compss-run: (master|worker [0-9]+ .*) started, pid [0-9]+' "$1" 2>/dev/null |
    grep -oE 'pid [0-9]+$' | grep -oE '[0-9]+'
}

# no_process_left <compss-run stderr file>: true when none of the run's processes is
# still alive once compss-run has ended (each gets 5 s to go); otherwise names them and
# kills them (SIGCONT first, for a stopped one) so the test leaves nothing behind.
no_process_left() {
  local pids pid i left=()
  read -r -a pids <<<"$(run_pids "$1" | tr '\n' ' ')"
  if [[ ${#pids[@]} -eq 0 ]]; then
    echo "FAIL: no process of the run found in $1 (run compss-run with --log-level info)"
    return 1
  fi
  for ((i = 0; i < 50; i++)); do
    left=()
    for pid in "${pids[@]}"; do
      # A zombie is gone for this purpose (its parent has ended and not reaped it yet).
      [[ -d /proc/$pid && $(sed -E 's/.*\) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) != Z ]] &&
        left+=("$pid")
    done
    [[ ${#left[@]} -eq 0 ]] && return 0
    sleep 0.1
  done
  echo "FAIL: processes of the run left behind: ${left[*]}"
  for pid in "${left[@]}"; do ps -o pid,stat,etime,args -p "$pid" | tail -n +2; kill -CONT "$pid"; kill -9 "$pid"; done 2>/dev/null
  return 1
}
