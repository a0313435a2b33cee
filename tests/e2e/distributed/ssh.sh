#!/usr/bin/env bash
# ssh.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# compss-run --hosts over real OpenSSH: the test starts its own sshd (a fresh host key, a
# fresh client key in its authorized keys, loopback only, a free port) and puts first on
# PATH an `ssh` that runs the real /usr/bin/ssh with a config naming that port and key.
# Two workers are started over ssh (root@127.0.0.1 and root@localhost: with a user name
# compss-run uses ssh even for this machine; no master cores) and
# the output must equal the sequential build's. Exits 77 (skipped) with the reason when
# sshd is missing or the test is not root (sshd must run as root to log a user in).
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
PATH="$work/bin:$PATH" timeout -k 5 120 "$launcher" --no-progress --hosts root@127.0.0.1,root@localhost \
  --master-cores 0 --log-level info -- "$compss_bin" "$@" >"$work/dist.out" 2>"$work/dist.err"
if ! same_as_sequential "compss-run over ssh" $? "$work/dist.out"; then
  cat "$work/dist.err"; tail -5 "$work/sshd.log"; exit 1
fi
logins=$(grep -c 'Accepted publickey' "$work/sshd.log")
connected=$(grep -c 'compss: worker [0-9]* .* connected' "$work/dist.err")
if ((logins < 2 || connected != 2)); then
  echo "FAIL: expected 2 workers started over ssh (sshd logins: $logins, workers connected: $connected)"
  cat "$work/dist.err"; exit 1
fi
echo "OK: 2 workers over real ssh (sshd on 127.0.0.1:$port), output identical to the sequential build"
