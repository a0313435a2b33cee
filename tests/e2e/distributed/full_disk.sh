#!/usr/bin/env bash
# full_disk.sh <compss-run> <sequential-binary> <compss-binary>
# wordcount (examples/wordcount) with --shared-fs no, its work directory on a 1 MiB tmpfs
# that its files (about 2 MiB) do not fit: the master writes the files the workers send
# back, and the disk fills up. The run must fail (not exit 0 with empty files), a message
# must name a file on that disk and the system's reason, and no `*.compss-tmp-*` file may
# be left behind. The test mounts the tmpfs and unmounts it; without root it prints
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
(cd "$work" && timeout -k 5 120 "$launcher" --no-progress --workers 2 --shared-fs no \
  -- "$compss_bin" "$disk/wc") >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "exit code $rc; a full disk must fail the run (not 0, not a time-out)"
grep -q "cannot write file '$disk/wc/[^']*' ([a-z ]*): No space left on device" "$work/err" ||
  fail "no message names a file on the full disk and the reason"
leftovers="$(find "$disk" -name '*.compss-tmp-*')"
[[ -z $leftovers ]] || fail "temporary files left behind: $leftovers"
if [[ $status -ne 0 ]]; then
  echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
  ls -la "$disk/wc" 2>/dev/null
else
  echo "OK: exit code $rc; $(grep -m1 -o "cannot write file [^;]*" "$work/err")"
fi
exit $status
