#!/usr/bin/env bash
# path_params.sh <compss-run> <sequential-binary> <compss-binary>
# File parameters given as `const char*` and `std::filesystem::path`
# (programs/path_params.cpp) travel like std::string paths:
#   workers2                       --workers 2: the sequential build's output;
#   workers3-master0               --workers 3 --master-cores 0: the same, and every task ran
#                                  on a worker (where.log names no "master");
#   workers3-master0-unshared      the same with --shared-fs no: the tasks were given staged
#                                  copies (never the master's path of a file), so the
#                                  files' bytes travelled to the workers and back.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work
run_sequential_in_dir

# ran_on_workers <label> <staged: yes|no>: where.log of the run names a worker for each of the
# four tasks; with staged=yes, no task was given the master's path of a file.
ran_on_workers() {
  local label="$1" staged="$2" log="$work/$1/where.log"
  if [[ $(grep -c . "$log" 2>/dev/null) -ne 4 ]]; then
    echo "FAIL ($label): expected 4 tasks in where.log:"; cat "$log" 2>/dev/null; exit 1
  fi
  if grep -q '^[a-z_]* master ' "$log"; then
    echo "FAIL ($label): tasks with const char* / std::filesystem::path files ran on the master:"
    cat "$log"; exit 1
  fi
  # (A staged copy is in the worker's .compss-staging, here below the same directory.)
  if [[ $staged == yes ]] && grep -qE " $work/$label/[a-z]+\.txt( |\$)" "$log"; then
    echo "FAIL ($label): without a shared file system a task was given the master's path:"
    cat "$log"; exit 1
  fi
}

run_layout_in_dir workers2 --workers 2
same_as_sequential "--workers 2" 0 "$work/workers2.out" || exit 1
run_layout_in_dir workers3-master0 --workers 3 --master-cores 0
same_as_sequential "--workers 3 --master-cores 0" 0 "$work/workers3-master0.out" || exit 1
ran_on_workers workers3-master0 no
run_layout_in_dir workers3-master0-unshared --workers 3 --master-cores 0 --shared-fs no
same_as_sequential "--workers 3 --master-cores 0 --shared-fs no" 0 \
  "$work/workers3-master0-unshared.out" || exit 1
ran_on_workers workers3-master0-unshared yes
for f in low.txt high.txt total.txt; do
  if ! cmp -s "$work/seq/$f" "$work/workers3-master0-unshared/$f"; then
    echo "FAIL: $f on the master after the --shared-fs no run differs from the sequential build's"
    exit 1
  fi
done
echo "OK: const char* and std::filesystem::path file parameters ran on workers, with shared" \
     "files and with their bytes staged (--shared-fs no), as the sequential build"
