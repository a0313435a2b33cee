#!/usr/bin/env bash
# Installs the Debian packages the benchmarks compare against (benchmarks/distributed:
# Dask's python3-distributed; benchmarks/streams: Redis Streams through redis-server and
# libhiredis-dev) with the rest of the project's packages. Not part of
# tools/setup-debian.sh's own list, so CI does not pay for them. Safe to run twice.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/setup-debian.sh" python3-distributed redis-server libhiredis-dev
# Debian's Dask is importable by the system interpreter, which may not be first in PATH.
/usr/bin/python3 -c 'import distributed; print("setup-benchmarks: dask.distributed", distributed.__version__)'
