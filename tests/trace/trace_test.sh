#!/bin/bash
# Runs a program with a trace and checks the trace (tests/trace/CMakeLists.txt).
# usage: trace_test.sh FOLDER [check_paraver.py options...] -- COMMAND...
# FOLDER is emptied first; COMMAND is run with COMPSS_TRACE=FOLDER (compss-run's --trace
# sets the same for its master); its output must end well, then every check must pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
folder=$1
shift
checks=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do checks+=("$1"); shift; done
shift
rm -rf "$folder"
mkdir -p "$folder"
if ! COMPSS_TRACE="$folder" timeout 100 "$@" > "$folder/run.out" 2> "$folder/run.err"; then
  echo "FAIL: the run failed:"; cat "$folder/run.out" "$folder/run.err"; exit 1
fi
cat "$folder/run.out"
grep -q "compss: trace written to $folder" "$folder/run.err" || { echo "FAIL: no 'trace written' line:"; cat "$folder/run.err"; exit 1; }
/usr/bin/python3 "$here/check_paraver.py" "$folder" "${checks[@]}"
