#!/usr/bin/env bash
# Sets up, builds, then runs every test: GoogleTest (runtime), lit (translator), e2e (programs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COMPSS_BUILD_DIR:-$root/build}"
bash "$root/tools/build.sh"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
