#!/usr/bin/env bash
# file_stream_unshared.sh <compss-run> <sequential-binary> <compss-binary>
# A file stream whose producers and consumers run on workers that do not share their
# files (--shared-fs no; programs/file_stream_unshared.cpp): every file reaches a consumer
# complete (none bad, same bytes and checksum as the sequential build), files go from one
# worker to another, and the producers' files were written on their workers, not in the
# master's directory. Run locally (the compss-cc build alone), then under
# --workers 2 and --workers 3 --master-cores 0.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
start_work

mkdir -p "$work/seq"
run_sequential "$work" "$work/seq"
head -1 "$work/sequential.out" > "$work/consumed.expected"
if [[ "$(cat "$work/sequential.out")" != "files 7, bytes 1474070, bad 0, checksum 245026950
files in the stream's directory on the master: 7" ]]; then
  echo "FAIL: the sequential build printed:"; cat "$work/sequential.out"; exit 1
fi

run_layout() {  # run_layout <label> <expected files on the master> [compss-run options...]
  local label="$1" expect_on_master="$2"
  shift 2
  local dir="$work/$label"
  run_layout_in_dir "$label" "$@"
  if ! diff <(head -1 "$work/$label.out") "$work/consumed.expected"; then
    echo "FAIL ($label): the consumers did not get every file complete:"
    cat "$work/$label.out" "$work/$label.err"; exit 1
  fi
  local on_master
  on_master=$(sed -n 2p "$work/$label.out")
  if [[ $on_master != "files in the stream's directory on the master: $expect_on_master" ]]; then
    echo "FAIL ($label): '$on_master', expected $expect_on_master (the producers' files must be"
    echo "written on their workers' disks, not in the master's directory)"
    cat "$dir/nodes.txt"; exit 1
  fi
  if [[ -e "$dir/.compss-streams" ]]; then
    echo "FAIL ($label): a worker left its .compss-streams directory behind"; exit 1
  fi
}

run_layout local 7
# Whether a consumer takes a file from a producer on another worker depends on where the
# tasks land and which consumer polls first: every run's files are checked, and at least
# one of three runs per layout must show a file that travelled.
for layout in "2 --workers 2" "3 --workers 3 --master-cores 0"; do
  travelled=no
  for try in 1 2 3; do
    label="workers${layout%% *}-run$try"
    # shellcheck disable=SC2086
    run_layout "$label" 1 --shared-fs no ${layout#* }
    # A consumer got a file from a producer that ran on another worker.
    while read -r consumer node rest; do
      [[ $consumer == consumer* ]] || continue
      for p in $rest; do
        producer_node=$(awk -v p="$p" '$1 == p {print $2}' "$work/$label/nodes.txt")
        [[ -n $producer_node && $producer_node != "$node" ]] && travelled=yes
      done
    done < "$work/$label/nodes.txt"
    [[ $travelled == yes ]] && break
  done
  if [[ $travelled != yes ]]; then
    echo "FAIL ($label): in 3 runs no file went from one worker to another; the last run's:"
    cat "$work/$label/nodes.txt"; exit 1
  fi
done
echo "OK: every file reached its consumer complete, from worker to worker, without a shared file system"
