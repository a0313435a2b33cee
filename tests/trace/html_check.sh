#!/bin/bash
# trace.html in a real browser (headless Chromium): the page's script ran without network
# and drew what the trace holds: the summary line with the task count, the graph with one
# node per task, the timeline's canvas. Exits 77 (skipped) without chromium.
# usage: html_check.sh FOLDER TASKS
set -u
folder=$1
tasks=$2
browser=$(command -v chromium || command -v chromium-browser) || { echo "SKIP: no chromium"; exit 77; }
dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$folder/trace.html" 2>/dev/null)
fail=0
grep -q "<div id=\"meta\">[^<]* $tasks tasks, " <<< "$dom" || { echo "FAIL: no summary line with $tasks tasks"; fail=1; }
grep -q "<div id=\"graphnote\">$tasks tasks, " <<< "$dom" || { echo "FAIL: the graph was not drawn with $tasks tasks"; fail=1; }
circles=$(grep -o "<circle cx=\"[0-9]" <<< "$dom" | wc -l)  # (drawn ones: the script text holds one too)
[ "$circles" -eq "$tasks" ] || { echo "FAIL: $circles graph nodes, expected $tasks"; fail=1; }
grep -q '<canvas id="timeline" width=' <<< "$dom" || { echo "FAIL: the timeline was not sized (its script did not run)"; fail=1; }
[ $fail -eq 0 ] && echo "trace.html checked: OK ($tasks tasks drawn)"
exit $fail
