#!/usr/bin/env bash
# Installs the Debian packages (tools/setup-debian.sh), then configures and builds the
# whole project into ./build (or $COMPSS_BUILD_DIR). Safe to run again: it rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COMPSS_BUILD_DIR:-$root/build}"

bash "$root/tools/setup-debian.sh"
bash "$root/tools/setup-npm.sh"  # (before cmake: the monitor's Chart.js is embedded at configure time)
# ccache (installed by the setup): a rebuild, or a build in another clone of the same
# sources, recompiles only what changed (paths below the checkout are hashed relative).
export CCACHE_BASEDIR="$root"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cmake --build "$build" -j "$(nproc)"
