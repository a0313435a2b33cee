#!/usr/bin/env bash
# evict_copies.sh <compss-run> <sequential-binary> <compss-binary>
# Workers whose data memory budget (COMPSS_WORKER_DATA_MEMORY) is smaller than the data
# of the run read blocks in pairs, so they fetch copies of blocks other nodes made. Under
# `--workers 2` and `--workers 3 --master-cores 0` the output must equal the sequential
# build's, some worker must have dropped copies over its budget, and no worker may have
# held more than max(budget, what it made itself) plus two blocks (the inputs of its one
# running task, one of them being stored): without eviction every worker ends up holding
# nearly every block.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
blocks=16 rounds=5 length=32768
block_bytes=$((length * 8 + 8))
start_work
run_sequential "$work" $blocks $rounds $length
# 0.00125 GB = 1.34 MB: about five blocks of the sixteen (4.2 MB).
export COMPSS_WORKER_DATA_MEMORY=0.00125

check_layout() {
  local name="$1"; shift
  timeout -k 5 120 "$launcher" --no-progress "$@" --worker-cores 1 --log-level info -- \
    "$compss_bin" $blocks $rounds $length >"$work/$name.out" 2>"$work/$name.err"
  same_as_sequential "the run with $*" $? "$work/$name.out" || { tail -30 "$work/$name.err"; exit 1; }
  local lines dropped=0
  lines=$(sed -n 's/^compss: worker .* data: held at most \([0-9]*\) bytes (budget \([0-9]*\)), of which at most \([0-9]*\) made here; dropped \([0-9]*\) copies.*/\1 \2 \3 \4/p' "$work/$name.err")
  if [[ -z $lines ]]; then
    echo "FAIL ($*): no worker said what data it held:"; cat "$work/$name.err"; exit 1
  fi
  while read -r peak budget made evicted; do
    local bound=$(( (budget > made ? budget : made) + 2 * block_bytes ))
    if ((peak > bound)); then
      echo "FAIL ($*): a worker held $peak bytes of data, over max(budget $budget, made there $made) + 2 blocks = $bound: copies were not dropped"
      grep '^compss: worker' "$work/$name.err"; exit 1
    fi
    dropped=$((dropped + evicted))
  done <<<"$lines"
  all_dropped=$((all_dropped + dropped))
  echo "OK ($*): sequential output; workers dropped $dropped copies; $(grep -c ' data: held at most' "$work/$name.err") workers within budget"
}

all_dropped=0
check_layout workers2 --workers 2
check_layout workers3 --workers 3 --master-cores 0
# (With --workers 2 the master's cores may run most reads of the blocks main made: its
# workers need not exceed their budget. Over both layouts some worker must have.)
if ((all_dropped == 0)); then
  echo "FAIL: no worker dropped a copy: the runs did not exceed a worker's budget"; exit 1
fi
