#!/usr/bin/env bash
# Installs the npm packages, each from its lock file (npm ci), into its folder's node_modules:
#   runtime/observe/web  the product's: Chart.js, which the monitor page draws its charts with;
#                        embedded into libcompss when cmake configures (observe/web/
#                        embed_chart_library.cmake), so run this before cmake.
#   tests/trace          the tests': Chrome DevTools' trace engine, which loads the JSON
#                        traces of --trace in tests/trace/trace_engine_check.mjs.
# Needs node and npm (tools/setup-debian.sh installs them when missing). Safe to run twice
# (npm ci installs the lock's versions again).
# A registry that cannot be reached must not stop the build: the monitor page is then built
# without its charts (it says so; e2e.observe.monitor_* end with SKIP, exit 77) and the
# trace parser tests say SKIP (exit 77) instead of passing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v npm > /dev/null; then
  echo "setup-npm: npm not found: the monitor page will have no charts, tests/trace's parser tests will be skipped" >&2
  exit 0
fi
install() {  # install <folder> <what is missing without it>
  if ! (cd "$root/$1" && npm ci --no-audit --no-fund); then
    echo "setup-npm: npm ci failed in $1: $2" >&2
  fi
}
install runtime/observe/web "the monitor page will be built without its charts (it says so)"
install tests/trace "the trace.json.* tests will be skipped"
