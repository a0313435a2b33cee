#!/usr/bin/env bash
# The main job: set up, build, then compile the blocked matrix multiplication example with
# compss-cc and run it in parallel on all cores, next to its plain sequential build, then
# the same binary distributed over two local worker processes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COMPSS_BUILD_DIR:-$root/build}"
bash "$root/tools/build.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="$root/examples/matmul/matmul.cpp"
echo "== compss-cc -O2 $src -o matmul            (tasks, all cores)"
"$build/bin/compss-cc" -O2 -std=c++20 "$src" -o "$work/matmul_compss"
echo "== c++ -O2 $src -o matmul_seq              (pragmas ignored, sequential)"
c++ -O2 -std=c++20 -Wno-unknown-pragmas "$src" -o "$work/matmul_seq"
echo "== sequential run"
"$work/matmul_seq" "$@"
echo "== compss run on $(nproc) cores"
"$work/matmul_compss" "$@"
echo "== the same binary as a master with 2 local worker processes (compss-run --workers 2)"
"$build/bin/compss-run" --no-progress --workers 2 -- "$work/matmul_compss" "$@"
