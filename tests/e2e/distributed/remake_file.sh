#!/usr/bin/env bash
# remake_file.sh <compss-run> <sequential-binary> <compss-binary> [compss-run layout options]
# A lost object whose producer read a file that changed since (docs/distributed.md,
# "Files a remake reads"): programs/remake_file.cpp kills the worker that made x after a
# later task ("task") or the program, in place ("program"), rewrote the file the producer
# read, after nobody did ("same"), or after the producer rewrote it itself ("inout"). Made
# again from the later file, x would be wrong, silently (as it was once). A rewrite by a
# task replaces the file by a rename: the version the producer read is kept by a link
# (net/kept_files.hpp) and x is made again from it, the sequential answer ("task" and
# "inout" failed clearly before that). A write in place leaves nothing to read: the run
# must fail naming the task and the file. With COMPSS_SHARED_FS=0 the remake reads the
# bytes the producer read: always the sequential answer. No directory of kept links is
# left after a run, failed or not. `produce` needs 2 cores: workers get 2, the master 1 at
# most (COMPSS_THREADS=1 where it has cores), so x is on a worker.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
start_work
status=0
fail() { echo "FAIL: $*"; status=1; }
for mode in task program same inout; do
  mkdir -p "$work/seq-$mode" "$work/$mode"
  run_sequential "$work" "$work/seq-$mode" "$mode"
  run_to_end 40 "$work/$mode.out" "$work/$mode.err" "$launcher" --no-progress --worker-cores 2 \
    --log-level info "$@" -- "$compss_bin" "$work/$mode" "$mode"
  if [[ ! -s $work/$mode/produced.pid ]]; then
    fail "$mode: x was not made on a worker (produce needs 2 cores: a master of 1 cannot run it)"
  elif [[ $mode != program || ${COMPSS_SHARED_FS:-} == 0 ]]; then
    # (Without the master's files the producer's request carries the bytes it read, or
    # names a version lineage makes again: made again as it was, whatever the file is now.)
    same_as_sequential "the run ($mode)" "$rc" "$work/$mode.out" || status=1
    grep -qE 'making data [0-9]+ version [0-9.]+ again' "$work/$mode.err" ||
      fail "$mode: x was not made again (was its worker killed?)"
  else
    [[ $rc -ne 0 && $rc -ne 124 ]] || fail "$mode: the run exited with $rc, not a failure"
    grep -q '^x = ' "$work/$mode.out" && fail "$mode: printed a value: $(cat "$work/$mode.out")"
    grep -qF "cannot be made again: the task that made it (void produce(" "$work/$mode.err" &&
      grep -qF "read the file $work/$mode/f.txt, which was changed since it ran" "$work/$mode.err" ||
      fail "$mode: no clear error naming the task and the file"
  fi
  # (in the working directory, or beside f.txt before every worker answered it reaches
  # that; named by the master's pid)
  master=$(sed -n 's/^compss-run: master started, pid \([0-9]*\).*/\1/p' "$work/$mode.err")
  left=$(find "$work/$mode" "$PWD" -maxdepth 1 -name ".compss-kept-${master:-none}-*" 2>/dev/null)
  [[ -n $master ]] || fail "$mode: no master pid in the log"
  [[ -z $left ]] || fail "$mode: kept links left after the run: $left"
  if [[ $status -ne 0 ]]; then
    echo "--- stdout ($mode)"; cat "$work/$mode.out"
    echo "--- stderr ($mode)"; tail -30 "$work/$mode.err"
    break
  fi
done
assert_nothing_left || status=1
[[ $status -eq 0 ]] || exit 1
if [[ ${COMPSS_SHARED_FS:-} == 0 ]]; then
  echo "OK: without the master's files x is made again from the bytes its producer read"
else
  echo "OK: a remake reads the version its producer read (kept past a rename); a file changed in place fails clearly"
fi
