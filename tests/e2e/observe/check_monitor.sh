#!/usr/bin/env bash
# check_monitor.sh <monitor_program> <screenshot.png> [<compss-run> <layout options...>]
# Runs monitor_program with the monitor on (COMPSS_MONITOR=0 alone, or compss-run
# --monitor) and checks, with Debian's headless chromium loading the page while it runs:
# the 13 tasks appear (0 done) with the nodes and their resources (cores, declared memory,
# the memory the running steps reserve: 0.01 GB each; locally, the 2 GPUs COMPSS_GPUS declares), and the one that failed at once
# with its error in the failures; once they are let go, the page shows 12 done, no memory
# reserved and the graph drawn, and is saved as <screenshot.png>. The charts (Chart.js,
# embedded at build time) are read from the page, loaded offline (other hosts do not
# resolve): every asset from the monitor, the load chart and the timeline drawn, the
# timeline with the failed attempt and the waiting ones open (running, or sent to a
# worker), then 12 done attempts. A build without Chart.js: the page must say the charts
# are unavailable, and the test ends with SKIP (exit 77) after its other checks. The
# browser dumps the page loaded with ?feed=poll (its virtual time waits for the network to
# be idle, which an open event stream never is); page_text.py loads it as it is, in real
# time, and checks that it shows "live (events)" and the counts the events bring; the stream (/api/events) is read by a
# client of its own from before the steps are let go until the run's end: events of 13
# tasks, of 12 done, and a last one with "ended":true, then its end. Also: a
# missing or wrong token gets 403, and a port in use is a clear error at start.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
program="$(realpath "$1")" screenshot="$2"
shift 2
launcher=""
if [[ $# -gt 0 ]]; then launcher="$(realpath "$1")"; shift; fi
layout=("$@")
browser="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$browser" ]] || { echo "SKIP: no chromium"; exit 77; }
work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
export COMPSS_LOG_DIR="$work/logs"

# start <port> <dir>: the program in the background with the monitor on that port.
start() {
  if [[ -n "$launcher" ]]; then
    timeout 120 "$launcher" --no-progress --monitor="$1" "${layout[@]}" -- "$program" "$2" >"$2.out" 2>"$2.err" &
  else
    # (A local run declares 2 GPUs, which its node must show.)
    COMPSS_GPUS=2 COMPSS_MONITOR="$1" timeout 120 "$program" "$2" >"$2.out" 2>"$2.err" &
  fi
  pid=$!
}

mkdir run
start 0 run
url=""
for _ in $(seq 300); do
  url="$(sed -n 's/^compss: monitor: \(http[^ ]*\)$/\1/p' run.err)"
  [[ -n "$url" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "FAIL: no 'compss: monitor: http://...' line"; cat run.err; exit 1; }

# get <url> -> "<status> <body>" (python: no curl needed)
get() {
  /usr/bin/python3 - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
}
base="${url%%\?*}"
state="${base}api/state?${url#*\?}"
for bad in "${base}" "${base}?token=0123" "${base}api/state?token=${url##*=}x"; do
  answer="$(get "$bad")"
  [[ "$answer" == 403* ]] || { echo "FAIL: $bad answered '${answer:0:80}', expected 403"; exit 1; }
done

# wait_state <python condition on s> <what>: polls /api/state (at most 60 s).
wait_state() {
  for _ in $(seq 600); do
    answer="$(get "$state")"
    if [[ "$answer" == 200* ]] && /usr/bin/python3 -c "import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if ($1) else 1)" "${answer#200 }"; then
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL: the monitor never showed $2; last answer: ${answer:0:300}"; cat run.err; exit 1
}
# live_page <wanted>: the page as it is (event stream) shows "<feed> <total> <done>".
live_page() {
  /usr/bin/python3 "$here/page_text.py" "$browser" "$url" \
    '["feed", "total", "done"].map((id) => document.getElementById(id).textContent).join(" ")' "$1" ||
    { echo "FAIL: the page on the event stream does not show '$1'"; exit 1; }
}
offline="--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"  # (the page needs no other host)
page() {  # the DOM after the page's script ran (bounded: a stuck browser fails the test)
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=4000 "$offline" --dump-dom "$url&feed=poll" 2>browser.err ||
    { echo "FAIL: chromium did not load $url (exit $?)"; cat browser.err; exit 1; }
}
# (Each live node declares its cores and memory; the waiting steps reserve 0.01 GB = 11 MB each.)
gpus="True"
[[ -n "$launcher" ]] || gpus="s['nodes'][0].get('gpus') == 2 and s['nodes'][0].get('gpus_used') == 0"
wait_state "$gpus and s['counts']['total'] == 13 and s['counts']['running'] >= 1 and s['failures_total'] == 1 and \
  all(n.get('cores', 0) >= 1 and n.get('memory_mb', 0) > 0 for n in s['nodes'] if n['alive']) and \
  sum(n.get('memory_used_mb', 0) for n in s['nodes']) >= 11 and sum(n.get('cores_used', 0) for n in s['nodes']) >= 1" \
  "13 tasks, some running with their memory reserved, one failed"
dom="$(page)" || exit 1
for want in 'id="total">13<' 'id="done">0<' 'class="node"' 'class="failure"><td>1</td><td>explode</td>' \
            'std::runtime_error: monitor test failure: bad input 42' '1 failed attempt(s), 0 worker(s) lost' \
            'id="feed">live (polling)<' 'memory reserved / declared'; do
  grep -q "$want" <<<"$dom" || { echo "FAIL: the page lacks $want while tasks wait"; echo "$dom" | head -c 3000; exit 1; }
done
grep -Eq '<td>[0-9.]+ / [0-9.]+ GB</td>' <<<"$dom" ||
  { echo "FAIL: the nodes show no memory reserved / declared"; echo "$dom" | head -c 3000; exit 1; }
# The charts: bundled (else the page says so, and the test is skipped at its end).
charts=1
if grep -q 'id="chartnote" class="missing">charts unavailable' <<<"$dom"; then
  charts=0
else
  grep -q 'id="chartnote">charts drawn by Chart.js' <<<"$dom" ||
    { echo "FAIL: the page says neither that its charts are drawn nor that they are unavailable"; echo "$dom" | head -c 3000; exit 1; }
fi
chart_state="$(cat "$here/chart_state.js")"
# chart_page <wanted>: the charts of the page as it is show <wanted> (chart_state.js).
chart_page() {
  [[ $charts == 1 ]] || return 0
  /usr/bin/python3 "$here/page_text.py" "$browser" "$url" "$chart_state" "$1" ||
    { echo "FAIL: the page's charts do not show '$1'"; exit 1; }
}
# The timeline: the failed attempt, and the steps that wait open (running here, or sent to
# a worker that answers only at their end); the load drawn from several samples.
if [[ $charts == 1 ]]; then
  value="$(/usr/bin/python3 "$here/page_text.py" "$browser" "$url" "$chart_state" "timeline inked failed 1 open")"
  [[ "$value" =~ ^assets\ local\ load\ inked\ ([0-9]+)\ points\;\ timeline\ inked\ failed\ 1\ open\ ([0-9]+)\ done\ 0$ ]] &&
    (( BASH_REMATCH[1] >= 2 && BASH_REMATCH[2] >= 1 )) ||
    { echo "FAIL: while the steps wait, the charts show '$value' (expected local assets, both drawn, the failed attempt and open ones)"; exit 1; }
fi

# The event stream, read until the server ends it (bounded).
events="${base}api/events?${url#*\?}"
timeout 100 /usr/bin/python3 - "$events" >events.txt 2>events.err <<'PY' &
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=90) as r:
    print("Content-Type:", r.headers["Content-Type"], flush=True)
    for line in r:
        sys.stdout.write(line.decode()); sys.stdout.flush()
PY
reader=$!
for _ in $(seq 200); do grep -q '^data: ' events.txt && break; sleep 0.1; done
live_page "live (events) 13 0"
touch run/go
wait_state "s['counts']['done'] == 12 and sum(n.get('memory_used_mb', -1) for n in s['nodes']) == 0" \
  "12 tasks done, no memory reserved"
live_page "live (events) 13 12"
dom="$(page)" || exit 1
for want in 'id="done">12<' 'id="total">13<' '<svg' '<title>12</title>' 'fill="#32cd32"'; do
  grep -q "$want" <<<"$dom" || { echo "FAIL: the page lacks $want once the tasks ended"; echo "$dom" | head -c 3000; exit 1; }
done
chart_page "timeline inked failed 1 open 0 done 12"
mkdir -p "$(dirname "$screenshot")"
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=4000 --window-size=1100,1600 "$offline" \
  --screenshot="$screenshot" "$url&feed=poll" >/dev/null 2>&1
[[ -s "$screenshot" ]] || { echo "FAIL: no screenshot $screenshot"; exit 1; }

touch run/end
wait "$pid"
rc=$?
pid=""
[[ $rc -eq 0 ]] || { echo "FAIL: the run exited with $rc"; cat run.err; exit 1; }
wait "$reader" || { echo "FAIL: the event stream did not end with the run"; cat events.err; exit 1; }
grep -q '^Content-Type: text/event-stream' events.txt || { echo "FAIL: /api/events is no event stream"; head -c 500 events.txt; exit 1; }
for want in '"total":13,' '"done":12,'; do
  grep -q "^data: {.*$want" events.txt || { echo "FAIL: no event with $want"; head -c 3000 events.txt; exit 1; }
done
grep '^data: ' events.txt | tail -1 | grep -q '^data: {"ended":true,' ||
  { echo "FAIL: the last event does not say the run ended"; tail -c 3000 events.txt; exit 1; }

# A port in use: a clear error at start, non-zero exit, nothing left running.
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
/usr/bin/python3 -c "
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(); time.sleep(40)" &
holder=$!
sleep 0.3
mkdir busy
start "$port" busy
wait "$pid"
rc=$?
pid=""
kill "$holder" 2>/dev/null
grep -q "the monitor cannot listen on 127.0.0.1:$port.*in use" busy.err ||
  { echo "FAIL: a port in use did not give a clear error"; cat busy.err; exit 1; }
[[ $rc -ne 0 ]] || { echo "FAIL: a port in use exited 0"; exit 1; }
if [[ $charts == 0 ]]; then
  echo "SKIP: everything but the charts checked: the page says they are unavailable (this build has no Chart.js: tools/setup-npm.sh, then cmake again)"
  exit 77
fi
echo "monitor checked: OK ($screenshot)"
