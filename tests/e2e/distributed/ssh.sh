#!/usr/bin/env bash
# ssh.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# compss-run --hosts over real OpenSSH: the test starts its own sshd (a fresh host key, a
# fresh client key in its authorized keys, loopback only, a free port) and puts first on
# PATH an `ssh` that runs the real /usr/bin/ssh with a config naming that port and key.
# Two workers are started over ssh (root@127.0.0.1 and root@localhost: with a user name
# compss-run uses ssh even for this machine; no master cores) and
# the output must equal the sequential build's. Exits 77 (skipped) with the reason when
# sshd is missing or the test is not root (sshd must run as root to log a user in).
# With RESTART_STUCK=1 (programs/restart_stuck.cpp): one core per worker and
# --timeout-grace 1; the worker whose task is stuck past its time-out must be restarted
# over ssh (a new ssh, a new remote process) and run tasks (docs/failures.md,
# "Restarting a worker"), and nothing of the run may be left behind.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3

skip() { echo "SKIP: $*"; exit 77; }
[[ -x /usr/sbin/sshd ]] || skip "no /usr/sbin/sshd (Debian package openssh-server)"
[[ -x /usr/bin/ssh && -x /usr/bin/ssh-keygen ]] || skip "no ssh client (openssh-client)"
[[ $(id -u) -eq 0 ]] || skip "not root: sshd cannot log a user in"

start_work
sshd_pid=""
trap 'stop_run_and_clean; [[ -n $sshd_pid ]] && kill "$sshd_pid" 2>/dev/null' EXIT

ssh-keygen -q -t ed25519 -N '' -f "$work/host_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key" || exit 1
cp "$work/client_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CONF
cat >"$work/ssh_config" <<CONF
Host *
  Port $port
  IdentityFile $work/client_key
  UserKnownHostsFile /dev/null
  StrictHostKeyChecking no
  LogLevel ERROR
CONF
mkdir -p /run/sshd  # sshd's privilege separation directory
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$work/ssh_config" >"$work/bin/ssh"
chmod +x "$work/bin/ssh"
for ((i = 0; i < 50; i++)); do  # until sshd answers (bounded: 5 s)
  PATH="$work/bin:$PATH" ssh -o BatchMode=yes 127.0.0.1 true 2>/dev/null && break
  sleep 0.1
done

run_sequential "$work" "$@"
restart=()
[[ ${RESTART_STUCK:-0} == 1 ]] && restart=(--worker-cores 1 --timeout-grace 1)
PATH="$work/bin:$PATH" run_to_end 120 "$work/dist.out" "$work/dist.err" "$launcher" --no-progress \
  --hosts root@127.0.0.1,root@localhost --master-cores 0 "${restart[@]}" --log-level info -- \
  "$compss_bin" "$@"
if ! same_as_sequential "compss-run over ssh" "$rc" "$work/dist.out"; then
  cat "$work/dist.err"; tail -5 "$work/sshd.log"; exit 1
fi
logins=$(grep -c 'Accepted publickey' "$work/sshd.log")
connected=$(grep -c 'compss: worker [0-9]* .* connected' "$work/dist.err")
expected=2
[[ ${RESTART_STUCK:-0} == 1 ]] && expected=3  # (the restarted one connects again)
if ((logins < expected || connected != expected)); then
  echo "FAIL: expected $expected worker processes started over ssh (sshd logins: $logins, workers connected: $connected)"
  cat "$work/dist.err"; exit 1
fi
if [[ ${RESTART_STUCK:-0} == 1 ]]; then
  # The stuck worker's first process ran only the stuck task (one core, placed first): a
  # task that ran under its name ran in the process started again.
  name="$(grep -oE "^compss-run: worker [0-9]+ \([^,]+, host [^)]+\) restarted at the master's request" "$work/dist.err" |
    head -1 | sed -E 's/^compss-run: worker [0-9]+ \(([^,]+),.*/\1/')"
  ran=$(grep -cE "^slow_square\([0-9]+\) ran on ${name:-none} pid " "$work/dist.err")
  if [[ -z $name ]] || ((ran == 0)) || ! assert_nothing_left 10; then
    echo "FAIL: the stuck worker was not restarted over ssh, or its new process ran no task (${name:-none}: $ran)"
    grep -v '^slow_square' "$work/dist.err"; exit 1
  fi
  echo "OK: worker $name restarted over real ssh; its new process ran $ran task(s)"
  exit 0
fi
echo "OK: 2 workers over real ssh (sshd on 127.0.0.1:$port), output identical to the sequential build"
