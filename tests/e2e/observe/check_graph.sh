#!/usr/bin/env bash
# check_graph.sh <expected.dot> <program> [<compss-run> <layout options...>]
# Runs <program> with the task graph on (COMPSS_GRAPH=1 alone, or compss-run --graph with
# the layout options) and checks that complete_graph.dot in the log folder is exactly
# <expected.dot>, that the run says where it is, and that complete_graph.svg is an SVG
# when Graphviz's dot is installed.
set -u
expected="$(realpath "$1")"
shift
source "$(dirname "$0")/common.sh"
observed_run --graph COMPSS_GRAPH "$@"
dot_file="$COMPSS_LOG_DIR/complete_graph.dot"
[[ -f "$dot_file" ]] || { echo "FAIL: no $dot_file"; cat err.txt; exit 1; }
if ! diff -u "$expected" "$dot_file"; then
  echo "FAIL: the task graph differs from $expected"; exit 1
fi
grep -q "^compss: task graph: $dot_file" err.txt || { echo "FAIL: the run does not say where the graph is"; cat err.txt; exit 1; }
if command -v dot >/dev/null; then
  grep -q "<svg" "$COMPSS_LOG_DIR/complete_graph.svg" 2>/dev/null ||
    { echo "FAIL: Graphviz is installed but complete_graph.svg is not an SVG"; cat err.txt; exit 1; }
fi
echo "task graph checked: OK"
