#!/bin/sh
# Stands in for a compss-cc program in the compss-run tests: records the environment
# compss-run gave it in $FAKE_OUT_DIR (master / worker.<pid>), then behaves as FAKE_* say.
out="${FAKE_OUT_DIR:?FAKE_OUT_DIR must be set}"
sockets=0
pipes=  # the pipes it holds besides stdin/stdout/stderr ("pipe:[inode]" each)
for f in /proc/$$/fd/*; do
  link="$(readlink "$f" 2>/dev/null)"
  case "$link" in
    socket:*) sockets=$((sockets + 1)) ;;
    pipe:*) case "${f##*/}" in 0|1|2) ;; *) pipes="$pipes $link" ;; esac ;;
  esac
done

if [ -n "$COMPSS_WORKER" ]; then
  {
    echo "worker=$COMPSS_WORKER"
    echo "secret=$COMPSS_SECRET"
    echo "name=$COMPSS_WORKER_NAME"
    echo "cores=$COMPSS_WORKER_CORES"
    echo "workdir=$COMPSS_WORKING_DIR"
    echo "log_level=$COMPSS_LOG_LEVEL"
    echo "listen_fd=$COMPSS_LISTEN_FD"
    echo "exits_fd=$COMPSS_WORKER_EXITS_FD"
    echo "pipes=$pipes"
    echo "sockets=$sockets"
    echo "args=$*"
  } > "$out/worker.$$.tmp"
  mv "$out/worker.$$.tmp" "$out/worker.$$"
  [ -n "$FAKE_WORKER_SLEEP" ] && exec sleep "$FAKE_WORKER_SLEEP"
  exit "${FAKE_WORKER_EXIT:-0}"
fi

# The master: is COMPSS_LISTEN_FD a listening TCP socket, and on which port?
listen_port=
link="$(readlink "/proc/$$/fd/$COMPSS_LISTEN_FD" 2>/dev/null)"
case "$link" in
  socket:*)
    inode="${link#socket:[}"
    inode="${inode%]}"
    hex="$(awk -v ino="$inode" '$10 == ino && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp)"
    [ -n "$hex" ] && listen_port="$(printf '%d' "0x$hex")"
    ;;
esac
{
  echo "secret=$COMPSS_SECRET"
  echo "listen_fd=$COMPSS_LISTEN_FD"
  echo "listen_port=$listen_port"
  echo "workers_expected=$COMPSS_WORKERS_EXPECTED"
  echo "master_cores=$COMPSS_MASTER_CORES"
  echo "scheduler=$COMPSS_SCHEDULER"
  echo "connect_timeout=$COMPSS_CONNECT_TIMEOUT"
  echo "log_level=$COMPSS_LOG_LEVEL"
  echo "progress=$COMPSS_PROGRESS"
  echo "worker_var=$COMPSS_WORKER"
  echo "require_workers=$COMPSS_REQUIRE_WORKERS"
  echo "exits_fd=$COMPSS_WORKER_EXITS_FD"
  echo "exits_pipe=$(readlink "/proc/$$/fd/$COMPSS_WORKER_EXITS_FD" 2>/dev/null)"
  echo "args=$*"
} > "$out/master.tmp"
mv "$out/master.tmp" "$out/master"

# With FAKE_READ_EXITS=N: the first N reports of workers that ended (bounded, 20 s).
if [ -n "$FAKE_READ_EXITS" ]; then
  timeout 20 head -n "$FAKE_READ_EXITS" <&"$COMPSS_WORKER_EXITS_FD" > "$out/exits.tmp"
  mv "$out/exits.tmp" "$out/exits"
fi

if [ -n "$FAKE_TRAP" ]; then
  trap 'echo term > "$out/master.term"; exit 143' TERM
  touch "$out/master.trapping"
  i=0
  while [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  exit 99
fi
# With FAKE_ADD_WORKERS="name...": asks compss-run for new workers, as request_resources
# does ("add <name>" on COMPSS_WORKER_RESTART_FD), then waits (bounded, 20 s) until
# compss-run said something of it on its stderr ($out/../stderr in the tests).
if [ -n "$FAKE_ADD_WORKERS" ]; then
  for name in $FAKE_ADD_WORKERS; do printf 'add %s\n' "$name" >&"$COMPSS_WORKER_RESTART_FD"; done
  i=0
  while ! grep -q 'request' "$out/../stderr" 2>/dev/null && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
  done
fi
# Wait (bounded, 20 s) until FAKE_WAIT_WORKERS workers wrote their file ...
i=0
while [ "$(ls "$out" | grep -c '^worker\.[0-9]*$')" -lt "${FAKE_WAIT_WORKERS:-0}" ] && [ $i -lt 200 ]; do
  sleep 0.1
  i=$((i + 1))
done
# ... and, with FAKE_WAIT_WORKERS_GONE, until compss-run has reaped them.
if [ -n "$FAKE_WAIT_WORKERS_GONE" ]; then
  for f in "$out"/worker.*; do
    pid="${f##*.}"
    i=0
    while [ -e "/proc/$pid" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  done
fi
exit "${FAKE_MASTER_EXIT:-0}"
