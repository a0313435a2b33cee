#!/usr/bin/env bash
# Checks a layer's include path (runtime/CMakeLists.txt): `accepted` (a header of the layer)
# compiles with it, and `refused` (a header of a layer it must not use) fails to build
# because the path does not have it.
#
# usage: refuses_include.sh <c++ compiler> <refused header> <accepted header> <include dir>...
set -uo pipefail
cxx=$1 refused=$2 accepted=$3
shift 3
flags=(-std=c++20 -fsyntax-only -D__COMPSS__ -x c++)
for dir in "$@"; do flags+=(-I "$dir"); done

if ! out=$(printf '#include "%s"\n' "$accepted" | "$cxx" "${flags[@]}" - 2>&1); then
  echo "FAIL: the layer's own header $accepted does not compile with its include path:" >&2
  echo "$out" >&2
  exit 1
fi
if out=$(printf '#include "%s"\n' "$refused" | "$cxx" "${flags[@]}" - 2>&1); then
  echo "FAIL: #include \"$refused\" builds with this layer's include path ($*)" >&2
  exit 1
fi
# (GCC: "error: net/cluster.hpp: No such file", Clang: "'net/cluster.hpp' file not found";
# an error about another header that one includes does not count.)
if ! grep -qF -e "error: $refused: No such file" -e "'$refused' file not found" <<<"$out"; then
  echo "FAIL: #include \"$refused\" failed, but not because the path lacks it:" >&2
  echo "$out" >&2
  exit 1
fi
echo "ok: $accepted builds, #include \"$refused\" is refused"
