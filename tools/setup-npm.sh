#!/usr/bin/env bash
# Installs the npm packages the tests use (never the product): tests/trace/package.json,
# Chrome DevTools' trace engine, which loads the JSON traces of --trace in
# tests/trace/trace_engine_check.mjs. From the lock file (npm ci), into
# tests/trace/node_modules. Needs node and npm (tools/setup-debian.sh installs them when
# missing). Safe to run twice (npm ci installs the lock's versions again).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/trace"
if ! command -v npm > /dev/null; then
  echo "setup-npm: npm not found: tests/trace's parser tests will be skipped" >&2
  exit 0
fi
# A registry that cannot be reached must not stop the build: the parser tests then say
# SKIP (exit 77) instead of passing.
if ! (cd "$dir" && npm ci --no-audit --no-fund); then
  echo "setup-npm: npm ci failed in tests/trace: the trace.json.* tests will be skipped" >&2
fi
