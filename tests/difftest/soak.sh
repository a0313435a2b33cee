#!/usr/bin/env bash
# soak.sh <bin-dir> [minutes] [features] [graphs per seed]
# The differential tester for longer: new seeds (from the clock) one after the other, each
# <graphs per seed> graphs (default 2000) in the four modes, until <minutes> (default 30)
# have passed. Each failure is reduced (difftest.py --reduce) and logged; the totals and
# the failing seeds are printed at the end. Exit 1 if anything failed.
#   tests/difftest/soak.sh build/bin 60 all
set -uo pipefail
bin="${1:?usage: soak.sh <bin-dir> [minutes] [features] [graphs per seed]}"
minutes="${2:-30}" features="${3:-default}" graphs="${4:-2000}"
here="$(dirname "$(realpath "$0")")"
log="$(mktemp -t difftest-soak.XXXXXX.log)"
end=$(( $(date +%s) + minutes * 60 ))
seeds=0 failed=()
while [[ $(date +%s) -lt $end ]]; do
  seed=$(( $(date +%s%N) % 1000000000 ))
  seeds=$((seeds + 1))
  if ! "$here/difftest.py" --bin "$bin" --seed "$seed" --graphs "$graphs" --features "$features" \
       --reduce >>"$log" 2>&1; then
    failed+=("$seed")
    echo "soak: seed $seed failed (see $log)"
  fi
  grep "^difftest: seed $seed," "$log" | tail -1
done
echo "soak: $seeds seeds of $graphs graphs per mode, features $features; failed seeds:" \
     "${failed[*]:-none}; log $log"
[[ ${#failed[@]} -eq 0 ]]
