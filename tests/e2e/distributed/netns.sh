#!/usr/bin/env bash
# netns.sh <sequential-binary> <compss-binary> [args...]
# Two hosts without compss-run: two network namespaces joined by a veth pair
# (10.77.0.1/24 and 10.77.0.2/24). The master runs in the first, binding 10.77.0.1 with
# COMPSS_LISTEN and running no task itself (COMPSS_MASTER_CORES=0); one worker runs in
# the second with COMPSS_WORKER=10.77.0.1:<port>. The output must equal the sequential
# build's. Without root or network namespaces it prints "SKIP: <reason>" and exits 77.
set -uo pipefail
source "$(dirname "$0")/common.sh"  # (for same_as_sequential; no compss-run here)
if [[ $# -lt 2 ]]; then
  echo "usage: $0 <sequential-binary> <compss-binary> [args...]" >&2
  exit 2
fi
seq_bin="$(realpath "$1")" compss_bin="$(realpath "$2")"
shift 2
skip() { echo "SKIP: $*"; exit 77; }

[[ $(id -u) -eq 0 ]] || skip "not root (network namespaces need CAP_SYS_ADMIN)"
command -v ip >/dev/null || skip "the 'ip' command (iproute2) is not installed"

# Names unique to this run, so parallel runs do not collide (interface names <= 15 chars).
ns1="compss-m-$$" ns2="compss-w-$$" veth1="cpm$$" veth2="cpw$$"
work="$(mktemp -d)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  ip netns del "$ns1" 2>/dev/null
  ip netns del "$ns2" 2>/dev/null  # deleting a namespace also deletes its veth end
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns1" 2>"$work/netns.err" || skip "ip netns add failed: $(cat "$work/netns.err")"
ip netns add "$ns2" 2>"$work/netns.err" || skip "ip netns add failed: $(cat "$work/netns.err")"
setup() {
  ip link add "$veth1" type veth peer name "$veth2" &&
    ip link set "$veth1" netns "$ns1" && ip link set "$veth2" netns "$ns2" &&
    ip -n "$ns1" addr add 10.77.0.1/24 dev "$veth1" &&
    ip -n "$ns2" addr add 10.77.0.2/24 dev "$veth2" &&
    ip -n "$ns1" link set "$veth1" up && ip -n "$ns2" link set "$veth2" up &&
    ip -n "$ns1" link set lo up && ip -n "$ns2" link set lo up
}
setup 2>"$work/veth.err" || skip "cannot create the veth pair: $(cat "$work/veth.err")"

timeout 120 "$seq_bin" "$@" >"$work/sequential.out" 2>"$work/sequential.err" || {
  echo "FAIL: the sequential build failed"; cat "$work/sequential.err"; exit 1
}

# A fresh namespace has every port free.
port=47077
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$work/master" "$work/worker"
(cd "$work/master" &&
  exec timeout -k 5 90 ip netns exec "$ns1" env COMPSS_LISTEN="10.77.0.1:$port" \
    COMPSS_SECRET="$secret" COMPSS_WORKERS_EXPECTED=1 COMPSS_MASTER_CORES=0 \
    COMPSS_LOG_LEVEL=info "$compss_bin" "$@") >"$work/master.out" 2>"$work/master.err" &
master=$!
pids+=("$master")
# The worker starts once the master listens (bounded: 20 s).
for ((i = 0; i < 200; i++)); do
  [[ -n $(ip netns exec "$ns1" ss -Hltn "sport = :$port" 2>/dev/null) ]] && break
  kill -0 "$master" 2>/dev/null || break
  sleep 0.1
done
(cd "$work/worker" &&
  exec timeout -k 5 90 ip netns exec "$ns2" env COMPSS_WORKER="10.77.0.1:$port" \
    COMPSS_SECRET="$secret" COMPSS_WORKER_NAME=ns-worker COMPSS_LOG_LEVEL=info \
    "$compss_bin" "$@") >"$work/worker.out" 2>"$work/worker.err" &
worker=$!
pids+=("$worker")

wait "$master"
master_rc=$?
wait "$worker"
worker_rc=$?
status=0
same_as_sequential "the master" "$master_rc" "$work/master.out" || status=1
# At --log-level info the master names each worker's address as it connects.
if ! grep -q '10\.77\.0\.2' "$work/master.err"; then
  echo "FAIL: the master did not log a worker connecting from 10.77.0.2"
  status=1
fi
if [[ $worker_rc -ne 0 ]]; then
  echo "FAIL: the worker exited with $worker_rc"
  status=1
fi
if [[ $status -ne 0 ]]; then
  echo "--- master stderr:"; cat "$work/master.err"
  echo "--- worker stderr:"; cat "$work/worker.err"
  exit 1
fi
echo "OK: master in $ns1 (10.77.0.1), worker in $ns2 (10.77.0.2): output identical to the sequential build"
