#!/usr/bin/env bash
# make_build.sh <example-dir> <compss-cc> <name> [args...]
# Builds an example the way a Make user does, in a copy of its folder: `make` (sequential)
# and `make CXX=<compss-cc>` (tasks); both programs must print the same.
set -euo pipefail
src="$1"; compss_cc="$2"; name="$3"; shift 3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
make -s -C "$work" clean >/dev/null
make -s -C "$work"
make -s -C "$work" CXX="$compss_cc"
test -x "$work/${name}_seq" && test -x "$work/$name"
mkdir "$work/run_seq" "$work/run_compss"
(cd "$work/run_seq" && "$work/${name}_seq" "$@" >"$work/seq.out")
(cd "$work/run_compss" && "$work/$name" "$@" >"$work/compss.out")
diff -u "$work/seq.out" "$work/compss.out"
echo "OK: make and make CXX=compss-cc give the same output ($(wc -l <"$work/seq.out") lines)"
