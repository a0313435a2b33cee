#!/bin/sh
# Pre-processing of the monarch example (a binary task running a script): writes the
# initial field, one value per line: a few "emission" peaks over a low background, from a
# seed. The generator is Park-Miller's (x = x * 16807 mod 2^31-1): every product is below
# 2^46, exact in awk's doubles, so the field is the same on every machine.
#   monarch_prep.sh <out-file> <cells> <seed>
set -eu
if [ "$#" -ne 3 ]; then
  echo "usage: monarch_prep.sh <out-file> <cells> <seed>" >&2
  exit 2
fi
out=$1 cells=$2 seed=$3
case "$cells$seed" in
  *[!0-9]*) echo "monarch_prep.sh: cells and seed must be whole numbers" >&2; exit 2 ;;
esac
if [ "$cells" -lt 4 ] || [ "$seed" -lt 1 ]; then
  echo "monarch_prep.sh: at least 4 cells and a seed of 1 or more" >&2
  exit 2
fi
awk -v cells="$cells" -v seed="$seed" 'BEGIN {
  x = seed % 2147483647
  for (i = 0; i < cells; ++i) {
    x = (x * 16807) % 2147483647
    r = x % 1000
    printf "%.17g\n", (r < 20 ? 100 + r : 1 + r / 1000)
  }
}' >"$out"
