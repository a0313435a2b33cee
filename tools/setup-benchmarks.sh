#!/usr/bin/env bash
# Installs the Debian packages the benchmarks compare against (benchmarks/distributed:
# Dask's python3-distributed). Not part of tools/setup-debian.sh, so CI does not pay for
# them. Safe to run twice: nothing is installed when every package is there already.
set -euo pipefail

packages=(python3-distributed)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-benchmarks: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup-benchmarks: installing ${missing[*]}"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian's Dask is importable by the system interpreter, which may not be first in PATH.
/usr/bin/python3 -c 'import distributed; print("setup-benchmarks: dask.distributed", distributed.__version__)'
