#!/usr/bin/env bash
# installed_package.sh <build-dir> <example-dir> <name> [args...]
# Installs COMPSs from the build tree into a fresh prefix, builds an example as a separate
# CMake project with find_package(COMPSs), and runs it against its sequential build.
set -euo pipefail
build="$1"; example="$2"; name="$3"; shift 3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$example" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
# The program must use the installed runtime, not the one in the build tree.
# (ldd's output is captured first: with pipefail, grep -q closing the pipe early would fail it.)
libs="$(ldd "$work/build/$name")"
grep -q "$work/prefix/.*libcompss" <<<"$libs" || { echo "FAIL: not linked to the installed libcompss"; echo "$libs"; exit 1; }
"$work/build/${name}_seq" "$@" >"$work/seq.out"
"$work/build/$name" "$@" >"$work/compss.out"
diff -u "$work/seq.out" "$work/compss.out"
echo "OK: example built against the installed package matches its sequential build"
