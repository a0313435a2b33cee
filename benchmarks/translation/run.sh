#!/usr/bin/env bash
# Translation overhead: for each example and e2e program, the median time of
#   (a) compss-cc -O2 -c file.cpp                      (translate + compile)
#   (b) c++ -O2 -c translation.cpp                     (compile the translation alone)
# with the same flags, and the ratio (a)/(b). See README.md.
#
# usage: benchmarks/translation/run.sh <build dir> [repetitions (default 5)]
# COMPSS_CXX picks the real compiler for both (default c++).
set -euo pipefail

if [[ $# -lt 1 || ! -x "$1/bin/compss-cc" ]]; then
  echo "usage: $0 <build dir with bin/compss-cc> [repetitions]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
reps=${2:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
compss_cc="$build/bin/compss-cc"
cxx=${COMPSS_CXX:-c++}
flags=(-std=c++20 -O2)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s%N; }

# Median of the times (ns) on stdin, printed in seconds.
median() {
  sort -n | awk '{ t[NR] = $1 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "%.3f", m / 1e9 }'
}

# Runs "$@" $reps times; prints the median wall time in seconds.
time_median() {
  for ((r = 0; r < reps; ++r)); do
    local start end
    start=$(now)
    "$@" >/dev/null
    end=$(now)
    echo $((end - start))
  done | median
}

sources=("$repo"/examples/*/*.cpp "$repo"/tests/e2e/programs/*.cpp
         "$repo"/tests/e2e/programs/*/*.cpp)

printf '| file | compss-cc -c (s) | c++ -c of the translation (s) | ratio |\n'
printf '|---|---:|---:|---:|\n'
total_a=0
total_b=0
for src in "${sources[@]}"; do
  name=${src#"$repo"/}
  translated="$work/$(basename "${src%.cpp}").compss.cpp"
  if ! "$compss_cc" "${flags[@]}" --emit-source "$src" -o "$translated" 2>/dev/null; then
    printf '| %s | (does not translate: skipped) | | |\n' "$name"
    continue
  fi
  # The flags compss-cc adds for the real compiler (Driver.cpp, compileExtras).
  plain=("$cxx" "${flags[@]}" -D__COMPSS__ -I"$repo/include" -iquote "$(dirname "$src")"
         -Wno-unknown-pragmas -c "$translated" -o "$work/b.o")
  a=$(COMPSS_CXX=$cxx time_median "$compss_cc" "${flags[@]}" -c "$src" -o "$work/a.o")
  b=$(time_median "${plain[@]}")
  total_a=$(awk -v x="$total_a" -v y="$a" 'BEGIN { print x + y }')
  total_b=$(awk -v x="$total_b" -v y="$b" 'BEGIN { print x + y }')
  printf '| %s | %s | %s | %s |\n' "$name" "$a" "$b" \
    "$(awk -v x="$a" -v y="$b" 'BEGIN { printf "%.2f", x / y }')"
done
printf '| **all** | **%.3f** | **%.3f** | **%s** |\n' "$total_a" "$total_b" \
  "$(awk -v x="$total_a" -v y="$total_b" 'BEGIN { printf "%.2f", x / y }')"
printf '\noverall ratio (a)/(b) = %s  (target <= 1.30; median of %d runs each)\n' \
  "$(awk -v x="$total_a" -v y="$total_b" 'BEGIN { printf "%.2f", x / y }')" "$reps"
