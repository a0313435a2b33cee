#!/usr/bin/env bash
# A layer's include path (refuses_include.sh) cannot refuse a quoted include that climbs
# out of its own folder: `#include "../net/errors.hpp"` in runtime/core/ is found next to
# the including file, before any -I directory, and builds. So no source of a layered
# folder may name a path starting with "..": every include goes through the layer's path.
#
# usage: no_parent_includes.sh <runtime source dir> <layer folder>...
set -uo pipefail
runtime=$1
shift
status=0
for layer in "$@"; do
  if [[ ! -d "$runtime/$layer" ]]; then
    echo "FAIL: no folder $runtime/$layer" >&2
    status=1
    continue
  fi
  if hits=$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' \
              '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]\.\.' "$runtime/$layer"); then
    echo "FAIL: includes leaving runtime/$layer/ (they bypass its layer's include path;" \
         "include \"<folder>/<header>\" through the path, or move the header):" >&2
    echo "$hits" >&2
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "ok: no include in runtime/{$(IFS=,; echo "$*")} starts with .."
exit $status
