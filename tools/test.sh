#!/usr/bin/env bash
# Sets up, builds, then runs every test: GoogleTest (runtime), lit (translator), e2e (programs).
# Then the same runtime, unit and e2e tests again under AddressSanitizer + UBSan, in a
# second tree ($COMPSS_ASAN_BUILD_DIR, default ./build-asan; COMPSS_ASAN=0 skips it): it
# uses the first tree's compss-cc (the translator is not built or sanitized twice) and
# builds no benchmarks; the lit (translator) and fuzz tests run only in the first tree.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COMPSS_BUILD_DIR:-$root/build}"
bash "$root/tools/build.sh"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600

[[ ${COMPSS_ASAN:-1} == 0 ]] && exit 0
asan="${COMPSS_ASAN_BUILD_DIR:-$root/build-asan}"
# -O1: half the compile time of -O3 under ASan (cluster.cpp: 37 s instead of 74 s).
export CCACHE_BASEDIR="$root"
cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DCOMPSS_SANITIZE=address -DCOMPSS_BUILD_COMPILER=OFF -DCOMPSS_CC_EXECUTABLE="$build/bin/compss-cc" \
  -DCOMPSS_BUILD_BENCHMARKS=OFF
cmake --build "$asan" -j "$(nproc)"
# (e2e.make.* and e2e.installed_package build with compss-cc's own runtime, not this one;
# the 4,000-graph differential run is left to the first tree for time, its regressions run.)
UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS="suppressions=$root/tools/lsan.supp:print_suppressions=0" \
  ctest --test-dir "$asan" --output-on-failure -j "$(nproc)" --timeout 600 \
  -LE fuzz -E '^(difftest$|e2e\.make\.|e2e\.installed_package\.)'
