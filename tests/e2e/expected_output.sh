#!/usr/bin/env bash
# expected_output.sh [args...]: prints $EXPECTED_OUTPUT, ignoring its arguments. Stands for
# the "sequential build" of programs that have none (binary and MPI tasks have no body),
# so compare.sh and distributed/compare_distributed.sh check them against a fixed text.
exec cat "${EXPECTED_OUTPUT:?EXPECTED_OUTPUT names the expected output file}"
