#!/usr/bin/env bash
# net/'s include path has no net/master/ nor net/cluster.hpp (runtime/CMakeLists.txt), but a
# quoted include is first looked for beside the including file: `#include "master/x.hpp"`
# or `#include "cluster.hpp"` in runtime/net/ would build. So no file there names them so.
#
# usage: net_names_no_master.sh <runtime/net source dir>
set -uo pipefail
net=$1
if [[ ! -d "$net/master" ]]; then
  echo "FAIL: no folder $net/master" >&2
  exit 1
fi
if hits=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(master/|cluster\.hpp")' \
            "$net"/*.cpp "$net"/*.hpp); then
  echo "FAIL: runtime/net/ includes the master's side beside it (its layer may not):" >&2
  echo "$hits" >&2
  exit 1
fi
echo "ok: no file of runtime/net/ includes master/ or cluster.hpp beside it"
