#!/usr/bin/env bash
# Installs every Debian package the project needs to build and test, plus any package
# named as an argument (tools/setup-benchmarks.sh adds the benchmarks' peers).
# Safe to run twice: nothing is installed when every package is there already.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3 git libclang-rt-19-dev
  clang-19 libclang-19-dev llvm-19-dev llvm-19-tools libomp-19-dev
  libtbb-dev libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev graphviz ccache
  libopenblas-dev liblapacke-dev libsvm-dev python3-numpy python3-sklearn  # dislib and its tests
  openssh-client openssh-server  # e2e.distributed.ssh starts its own sshd on loopback
  chromium  # trace.html and the monitor (e2e.observe.monitor_*) drawn headless
  openmpi-bin libopenmpi-dev  # MPI tasks (e2e.mpi_tasks): mpirun, mpicxx
  "$@"
)
# node and npm for tools/setup-npm.sh (the monitor page's Chart.js, tests/trace); a machine that has them from elsewhere
# (another node distribution) keeps its own.
command -v npm > /dev/null || packages+=(nodejs npm)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
