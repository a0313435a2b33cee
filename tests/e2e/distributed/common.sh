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

# run_sequential_in_dir [args...]: run_sequential in $work with a fresh "$work/seq" as the
# program's first argument (the directory programs that write files write them in).
run_sequential_in_dir() {
  mkdir -p "$work/seq"
  run_sequential "$work" "$work/seq" "$@"
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
# in $run_pid (if any: timeout passes SIGTERM on), kills whatever is left of the runs
# start_run started, and removes $work.
start_work() {
  work="$(mktemp -d)"
  run_pid=""
  run_groups=()
  run_logs=()
  trap stop_run_and_clean EXIT
}
stop_run_and_clean() {
  [[ -n $run_pid ]] && kill "$run_pid" 2>/dev/null
  local pid
  for pid in $(leftover_processes); do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$work"
}

# run_pids <stderr file>: the pids of the master and the workers (started_pids, below).
run_pids() { started_pids "$@"; }

# process_alive <pid>: true while the process exists and is not a zombie (a zombie has
# ended; its parent, maybe init, has not reaped it yet).
process_alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z ]]
}

# wait_for_line <file> <regex> <seconds>: true once a line of <file> matches (bounded).
wait_for_line() {
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.05
  done
}
# --- Fault tests: nothing of a run is left behind, nothing of the user's is lost --------
# Every run a fault test starts goes through start_run, and every fault test ends with
# assert_nothing_left (each run's process group and the pids compss-run reported are gone)
# and, where the run had files of the user's, check_user_files.

# start_run <seconds> <stdout file> <stderr file> <command...>: starts the command in the
# background under `timeout -k 5 <seconds>`, which puts itself and everything the command
# starts (compss-run, the master, the workers) in a process group of its own, whose id is
# timeout's pid. Sets run_pid to it and remembers the group and the stderr file (where
# compss-run --log-level info writes the pids it started) for assert_nothing_left.
start_run() {
  local seconds="$1" out="$2" err="$3"
  shift 3
  timeout -k 5 "$seconds" "$@" >"$out" 2>"$err" &
  run_pid=$!
  run_groups+=("$run_pid")
  run_logs+=("$err")
}

# wait_run: waits for the run start_run started; sets rc (124: timed out) and clears run_pid.
wait_run() {
  wait "$run_pid"
  rc=$?
  run_pid=""
}

# run_to_end <seconds> <stdout file> <stderr file> <command...>: start_run, then wait_run.
run_to_end() {
  start_run "$@"
  wait_run
}

# run_layout_in_dir <label> [compss-run options...]: runs "$compss_bin $work/<label>" in
# that directory (made), locally without options, else under compss-run with one slot per
# worker; output in $work/<label>.out and .err; exits with a FAIL line when it fails.
run_layout_in_dir() {
  local label="$1"
  shift
  local dir="$work/$label"
  mkdir -p "$dir"
  cd "$dir" || exit 1
  if [[ $# -eq 0 ]]; then
    run_to_end 120 "$work/$label.out" "$work/$label.err" "$compss_bin" "$dir"
  else
    run_to_end 120 "$work/$label.out" "$work/$label.err" \
      "$launcher" --no-progress --worker-cores 1 "$@" -- "$compss_bin" "$dir"
  fi
  cd "$work" || exit 1
  if [[ $rc -ne 0 ]]; then
    echo "FAIL ($label): exited with $rc$([[ $rc -eq 124 ]] && echo ' (timed out)')"
    cat "$work/$label.err"; exit 1
  fi
}

# started_pids <stderr file>: the pids compss-run --log-level info reported starting
# ("compss-run: master started, pid P", "compss-run: worker N (name, host h) started, pid P").
started_pids() {
  grep -E '^compss-run: (master|worker [0-9]+ .*) started, pid [0-9]+$' "$1" 2>/dev/null |
    grep -oE '[0-9]+$'
}

# worker_pids <stderr file>: the pids of the workers alone, in the order they started.
worker_pids() {
  grep -E '^compss-run: worker [0-9]+ .*started, pid [0-9]+$' "$1" 2>/dev/null | grep -oE '[0-9]+$'
}

# master_pid <stderr file>: the master's pid (empty until compss-run reported it).
master_pid() {
  grep -E '^compss-run: master started, pid [0-9]+$' "$1" 2>/dev/null | grep -oE '[0-9]+$'
}

# leftover_processes: the live processes (not zombies) in the groups of the runs
# start_run started, and the pids compss-run reported starting that still run one of
# this test's programs (a reused pid runs something else). One pid per line.
leftover_processes() {
  local stat rest pid state pgid g p exe
  local -A groups=() found=()
  for g in "${run_groups[@]}"; do groups[$g]=1; done
  [[ ${#groups[@]} -eq 0 ]] && return 0
  for stat in /proc/[0-9]*/stat; do
    { read -r rest <"$stat"; } 2>/dev/null || continue
    pid=${stat#/proc/}
    pid=${pid%/stat}
    rest=${rest##*) }  # after the command name, which may hold spaces
    read -r state _ pgid _ <<<"$rest"
    [[ $state != Z && -n ${groups[$pgid]:-} ]] && found[$pid]=1
  done
  for p in $(for g in "${run_logs[@]}"; do started_pids "$g"; done); do
    [[ -n ${found[$p]:-} ]] && continue
    exe="$(readlink "/proc/$p/exe" 2>/dev/null)" || continue
    [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == Z ]] && continue
    [[ $exe == "${launcher:-}" || $exe == "${compss_bin:-}" ]] && found[$p]=1
  done
  printf '%s\n' "${!found[@]}"
}

# assert_nothing_left [seconds (10)]: after the runs ended, waits (polling, at most that
# long) until no process of theirs is left (leftover_processes). Otherwise prints each
# one, kills it and fails: a worker or master that outlives its run is a bug.
assert_nothing_left() {
  local seconds="${1:-10}" left pid
  local deadline=$((SECONDS + seconds))
  while :; do
    left="$(leftover_processes)"
    [[ -z $left ]] && return 0
    ((SECONDS >= deadline)) && break
    sleep 0.1
  done
  echo "FAIL: processes of the run still alive ${seconds} s after it ended:"
  for pid in $left; do
    echo "  pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" \
         "(state $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null), parent $(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null))"
    kill -9 "$pid" 2>/dev/null
  done
  return 1
}

# end_checked_run <what went right>: the end of a one-run fault script (its globals
# `status`, `out`, `err`): no process of the run left (assert_nothing_left), then the run's
# stdout and stderr when a check failed, else "OK: <what went right>"; exits with `status`.
end_checked_run() {
  assert_nothing_left 10 || status=1
  if [[ $status -ne 0 ]]; then
    echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
  else
    echo "OK: $1"
  fi
  exit "$status"
}

# end_runs_checked <what went right> <file each run's program wrote> <run>...: the end of a
# script whose runs wrote $work/<run>.err and $work/<run>/<file> and whose checks set
# `status`: no process of the runs left (assert_nothing_left), then, when a check failed,
# each run's file and the end of its stderr and exit 1; else "OK: <what went right>".
end_runs_checked() {
  local ok="$1" file="$2" r
  shift 2
  assert_nothing_left || status=1
  if [[ $status -ne 0 ]]; then
    for r in "$@"; do
      echo "--- $r: $file"; cat "$work/$r/$file" 2>/dev/null
      echo "--- $r: stderr"; tail -20 "$work/$r.err"
    done
    exit 1
  fi
  echo "OK: $ok"
}

# snapshot_user_files <dir>: records a checksum of every file under <dir> (the user's
# files the run must not lose or change) for check_user_files.
snapshot_user_files() {
  user_dir="$1"
  (cd "$user_dir" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$work/user-files.sha256"
  [[ -s $work/user-files.sha256 ]] || { echo "FAIL (test): no user file under $user_dir"; exit 1; }
}

# check_user_files: every file snapshot_user_files saw is still there, unchanged, and no
# temporary file of the runtime's (*.compss-tmp-*) is left under the directory.
check_user_files() {
  local bad ok=0
  bad="$(cd "$user_dir" && sha256sum --quiet -c "$work/user-files.sha256" 2>&1)" || ok=1
  if [[ $ok -ne 0 ]]; then
    echo "FAIL: files of the user's under $user_dir were lost or changed:"
    echo "$bad" | sed 's/^/  /'
  fi
  bad="$(find "$user_dir" -name '*.compss-tmp-*')"
  if [[ -n $bad ]]; then
    echo "FAIL: temporary files left behind: $bad"
    ok=1
  fi
  return $ok
}

# --- Transfers held in the middle (COMPSS_TEST_PAUSE_IN_TRANSFER) ------------------------

# transfer_block_mib: MiB per block of programs/big_transfer.cpp such that a node paused
# after the first MiB of a block (COMPSS_TEST_PAUSE_IN_TRANSFER, runtime/net/test_pause.hpp)
# leaves its sender still writing it: more than the largest TCP receive and send buffers
# (their autotuning maxima) hold together, plus 8 MiB.
transfer_block_mib() {
  local rmem wmem
  rmem=$(awk '{print $3}' /proc/sys/net/ipv4/tcp_rmem 2>/dev/null) || rmem=6291456
  wmem=$(awk '{print $3}' /proc/sys/net/ipv4/tcp_wmem 2>/dev/null) || wmem=4194304
  echo $(((${rmem:-6291456} + ${wmem:-4194304}) / 1048576 + 8))
}

# pause_lines <stderr file>: the lines of the nodes that paused in a transfer,
# "compss: test: pid P paused in a N-byte value from HOST:PORT for MS ms (...)".
pause_lines() { grep -E '^compss: test: pid [0-9]+ paused in a [0-9]+-byte value from ' "$1" 2>/dev/null; }

# run_two_one_slot_workers <args...>: runs $compss_bin with <args> under compss-run with two
# workers of one slot each and no master cores, at --log-level info (output in
# $work/dist.out and $work/dist.err); fails the test unless its output matches the
# sequential build's.
run_two_one_slot_workers() {
  timeout -k 5 120 "$launcher" --no-progress --workers 2 --worker-cores 1 --master-cores 0 \
    --log-level info -- "$compss_bin" "$@" >"$work/dist.out" 2>"$work/dist.err"
  same_as_sequential "the distributed run" $? "$work/dist.out" || { tail -20 "$work/dist.err"; exit 1; }
}

# workers_end_holding_at_most <max> <what failed>: both workers' last lines (--log-level
# info) say how many values they held at their end; fails the test with "<what failed>"
# when they held more than <max> together. Sets `held` (each worker's count).
workers_end_holding_at_most() {
  mapfile -t held < <(sed -n 's/^compss: worker .* ends holding \([0-9]*\) values.*/\1/p' "$work/dist.err")
  if ((${#held[@]} != 2)); then
    echo "FAIL: expected both workers to say what they held at their end:"; cat "$work/dist.err"; exit 1
  fi
  local total=$((held[0] + held[1]))
  if ((total > $1)); then
    echo "FAIL: the workers still held $total values (${held[*]}) at their end: $2"
    grep '^compss: worker' "$work/dist.err"; exit 1
  fi
}
