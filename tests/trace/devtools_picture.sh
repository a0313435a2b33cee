#!/bin/bash
# Makes docs/images/devtools_performance.png from a real run: examples/matmul (3 x 3 blocks
# of 300 x 300: 54 tasks) under compss-run --workers 2 --trace, its trace.json loaded in
# Chrome DevTools' Performance panel (tests/trace/devtools_view.py, headless chromium),
# the first multiply_accumulate selected. The viewer's checks apply (every node's track,
# every task a slice); exits non-zero when one fails.
# usage: tests/trace/devtools_picture.sh [BUILD_DIR]   (default build; needs its compss-run and matmul)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && COMPSS_LOG_DIR="$work/logs" "$build/bin/compss-run" --no-progress --workers 2 --trace="$work/trace" \
   -- "$build/bin/matmul" 3 300 > /dev/null)
/usr/bin/python3 "$root/tests/trace/devtools_view.py" --select multiply_accumulate chromium "$work/trace/trace.json" \
  "$root/docs/images/devtools_performance.png" master,localhost-1,localhost-2 \
  fill_block=18 zero_block=9 multiply_accumulate=27
