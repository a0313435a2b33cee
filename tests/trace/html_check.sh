#!/bin/bash
# trace.html in a real browser (headless Chromium): the page's script ran without network
# and drew what the trace holds: the summary line with the task count, the graph with one
# node per task, the timeline's canvas, and what the timeline holds (its "drawn:" line):
# locally no worker step and no placement; with "distributed", a placement per task and
# the workers' own steps (taking inputs and storing outputs, one each per remote attempt).
# Exits 77 (skipped) without chromium.
# usage: html_check.sh FOLDER TASKS [distributed]
set -u
folder=$1
tasks=$2
distributed=${3:-}
browser=$(command -v chromium || command -v chromium-browser) || { echo "SKIP: no chromium"; exit 77; }
dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$folder/trace.html" 2>/dev/null)
fail=0
grep -q "<div id=\"meta\">[^<]* $tasks tasks, " <<< "$dom" || { echo "FAIL: no summary line with $tasks tasks"; fail=1; }
grep -q "<div id=\"graphnote\">$tasks tasks, " <<< "$dom" || { echo "FAIL: the graph was not drawn with $tasks tasks"; fail=1; }
circles=$(grep -o "<circle cx=\"[0-9]" <<< "$dom" | wc -l)  # (drawn ones: the script text holds one too)
[ "$circles" -eq "$tasks" ] || { echo "FAIL: $circles graph nodes, expected $tasks"; fail=1; }
grep -q '<canvas id="timeline" width=' <<< "$dom" || { echo "FAIL: the timeline was not sized (its script did not run)"; fail=1; }
drawn=$(grep -o '<div id="drawn">[^<]*' <<< "$dom")
[[ $drawn == *"drawn: "* ]] || { echo "FAIL: the page did not say what its timeline drew"; fail=1; }
count() { sed -n "s/.*[ (]\([0-9]*\) $1.*/\1/p" <<< "$drawn"; }
inputs=$(count "taking inputs") outputs=$(count "storing outputs") placements=$(count "placements")
if [[ $distributed == distributed ]]; then
  [[ $placements == "$tasks" ]] || { echo "FAIL: $placements placements drawn, expected $tasks ($drawn)"; fail=1; }
  [[ ${inputs:-0} -ge 1 && $inputs == "$outputs" ]] ||
    { echo "FAIL: the workers' own steps are not drawn, or not one of each per remote attempt ($drawn)"; fail=1; }
else
  [[ $placements == 0 && $inputs == 0 ]] || { echo "FAIL: a local run drew placements or worker steps ($drawn)"; fail=1; }
fi
[ $fail -eq 0 ] && echo "trace.html checked: OK ($tasks tasks drawn)"
exit $fail
