#!/usr/bin/env bash
# Streams against Redis Streams (benchmarks/streams/README.md): starts its own
# redis-server on a free loopback port (no disk persistence), runs stream_bench in one
# process, then under compss-run --workers 2 (stream tasks and Redis clients on the two
# workers), prints both tables, and stops the server.
#
# usage: benchmarks/streams/run.sh <build dir> [elements per producer, 64 B (200000)]
#          [elements per producer, 1 MiB (300)]
# Needs redis-server and stream_bench (built when libhiredis-dev is installed:
# tools/setup-benchmarks.sh installs both).
set -uo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 <build dir> [elements of 64 B per producer] [elements of 1 MiB per producer]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
small=${2:-200000}
big=${3:-300}
bench=$build/bin/stream_bench
launcher=$build/bin/compss-run
for need in "$bench" "$launcher"; do
  [[ -x $need ]] || { echo "$0: $need not found (build it; stream_bench needs libhiredis-dev)" >&2; exit 2; }
done
command -v redis-server >/dev/null || { echo "$0: redis-server not found (tools/setup-benchmarks.sh)" >&2; exit 2; }

work=$(mktemp -d)
redis_pid=""
stop() {
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap stop EXIT

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
redis_pid=$!
deadline=$((SECONDS + 20))
until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
  if ((SECONDS >= deadline)) || ! kill -0 "$redis_pid" 2>/dev/null; then
    echo "$0: redis-server did not start on port $port:" >&2; cat "$work/redis.log" >&2; exit 1
  fi
  sleep 0.1
done
echo "redis-server $(redis-server --version | grep -oE 'v=[0-9.]+') on port $port; load: $(cut -d' ' -f1-3 /proc/loadavg)"

status=0
(cd "$work" && "$bench" "$port" "1 process" "$small" "$big") || status=1
echo
(cd "$work" && timeout 1800 "$launcher" --no-progress --workers 2 -- "$bench" "$port" "2 workers" "$small" "$big") || status=1
exit $status
