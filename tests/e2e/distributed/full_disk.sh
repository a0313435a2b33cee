#!/usr/bin/env bash
# full_disk.sh <compss-run> <sequential-binary> <compss-binary>
# wordcount (examples/wordcount) with --shared-fs no, its work directory on a 1 MiB tmpfs
# that its files (about 2 MiB) do not fit: the master writes the files the workers send
# back, and the disk fills up. The run must fail (not exit 0 with empty files), a message
# must name a file on that disk and the system's reason, no `*.compss-tmp-*` file may be
# left behind, and no process of the run either. The user had older versions of the
# files the program writes (small ones): each must be, after the run, either the user's
# version or the complete new one (the sequential build's), never a partial or empty
# file. The test mounts the tmpfs and unmounts it; without root it prints
# "SKIP: <reason>" and exits 77.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
skip() { echo "SKIP: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "not root (mounting a tmpfs needs CAP_SYS_ADMIN)"
start_work
disk="$work/disk"
mkdir -p "$disk"
mount -t tmpfs -o size=1m tmpfs "$disk" 2>"$work/mount.err" ||
  skip "cannot mount a tmpfs: $(cat "$work/mount.err")"
trap 'umount -l "$disk"; stop_run_and_clean' EXIT

status=0
fail() { echo "FAIL: $*"; status=1; }
# The complete new files, from the sequential build (not on the small disk).
run_sequential "$work" "$work/new"
mkdir -p "$disk/wc"
for f in "$work"/new/*; do
  echo "the user's own $(basename "$f"), from before the run" >"$disk/wc/$(basename "$f")"
done
cp -r "$disk/wc" "$work/old"

cd "$work" || exit 1
run_to_end 120 "$work/out" "$work/err" "$launcher" --no-progress --workers 2 --shared-fs no \
  --log-level info -- "$compss_bin" "$disk/wc"
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "exit code $rc; a full disk must fail the run (not 0, not a time-out)"
grep -q "cannot write file '$disk/wc/[^']*' ([a-z ]*): No space left on device" "$work/err" ||
  fail "no message names a file on the full disk and the reason"
leftovers="$(find "$disk" -name '*.compss-tmp-*')"
[[ -z $leftovers ]] || fail "temporary files left behind: $leftovers"
for f in "$work"/old/*; do
  name="$(basename "$f")"
  cmp -s "$f" "$disk/wc/$name" || cmp -s "$work/new/$name" "$disk/wc/$name" ||
    fail "$name is neither the user's version nor the complete new one ($(stat -c %s "$disk/wc/$name" 2>/dev/null || echo no) bytes)"
done
assert_nothing_left 10 || status=1
if [[ $status -ne 0 ]]; then
  echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
  ls -la "$disk/wc" 2>/dev/null
else
  echo "OK: exit code $rc; $(grep -m1 -o "cannot write file [^;]*" "$work/err"); every file the user's or complete"
fi
exit $status
