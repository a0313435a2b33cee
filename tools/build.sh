#!/usr/bin/env bash
# Installs the Debian packages (tools/setup-debian.sh), then configures and builds the
# whole project into ./build (or $COMPSS_BUILD_DIR). Safe to run again: it rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COMPSS_BUILD_DIR:-$root/build}"

bash "$root/tools/setup-debian.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$(nproc)"
