#!/usr/bin/env bash
# missing_workers.sh <compss-run> <sequential-binary> <compss-binary> [args...]
# Workers that cannot start or die at start (issue 11, items 6 and 13), with a COMPSs-style
# project.xml (InstallDir: the COMPSs installation; Application/AppDir: the folder of the
# application; WorkingDir: the worker's scratch):
#   good       both workers start: the run uses them, no warning;
#   one_dead   worker 2 exits at once: the master learns it from compss-run and goes on with
#              worker 1 right away (the connect time-out is 100 s; each run is bounded by
#              40 s), with a warning naming it;
#   none       no worker can start: a loud warning, the master alone, the right output, rc 0;
#   required   the same with --require-workers, then COMPSS_REQUIRE_WORKERS=1: a clear error,
#              rc 1, at once.
# After every run no process of it is left.
set -uo pipefail
source "$(dirname "$0")/common.sh"
take_programs "$0" "$@"
shift 3
start_work
status=0
run_sequential "$work" "$@"

# The application in a folder of this test's own, so its processes are found by path.
app="$(basename "$compss_bin")"
mkdir -p "$work/app" "$work/dead" "$work/scratch"
cp "$compss_bin" "$work/app/$app"
printf '#!/bin/sh\nexit 3\n' >"$work/dead/$app"
chmod +x "$work/dead/$app"

# project <file> <AppDir of node localhost> <AppDir of node 127.0.0.1>
project() {
  {
    echo '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
    echo '<Project>'
    echo '  <MasterNode/>'
    local name dir
    for name in localhost 127.0.0.1; do
      [[ $name == localhost ]] && dir="$2" || dir="$3"
      echo "  <ComputeNode Name=\"$name\">"
      echo '    <InstallDir>/opt/COMPSs/</InstallDir>'
      echo "    <WorkingDir>$work/scratch/$name/</WorkingDir>"
      echo "    <Application><AppDir>$dir</AppDir></Application>"
      echo '    <LimitOfTasks>2</LimitOfTasks>'
      echo '  </ComputeNode>'
    done
    echo '</Project>'
  } >"$1"
}
project "$work/good.xml" "$work/app" "$work/app"
project "$work/one_dead.xml" "$work/app" "$work/dead"
project "$work/none.xml" "$work/nowhere" "$work/nowhere"

# run <case> <project.xml> [compss-run options...]: rc in $rc, output in $work/<case>.out/.err
run() {
  local name="$1" xml="$2"
  shift 2
  out="$work/$name.out" err="$work/$name.err"
  run_to_end 40 "$out" "$err" "$launcher" --no-progress --connect-timeout 100 \
    --project "$xml" "$@" -- "$work/app/$app" "${args[@]}"
  assert_nothing_left || status=1
}
fail() { echo "FAIL ($case): $*"; status=1; }
show() { echo "--- $case stdout"; cat "$out"; echo "--- $case stderr"; cat "$err"; }
args=("$@")

case=good
run good "$work/good.xml" --log-level info
same_as_sequential "the COMPSs-style project.xml" "$rc" "$out" || status=1
[[ $(grep -c 'compss: worker [0-9]* (.*) connected' "$err") -eq 2 ]] ||
  fail "the 2 workers of the project did not both connect"
grep -q 'WARNING' "$err" && fail "a warning although every worker connected"
[[ $status -eq 0 ]] || show

case=one_dead
before=$status
run one_dead "$work/one_dead.xml"
same_as_sequential "a run with one worker dead at start" "$rc" "$out" || status=1
grep -q 'compss-run: worker 2 (127.0.0.1, host 127.0.0.1) exited with code 3' "$err" ||
  fail "compss-run did not report the worker that exited"
grep -q 'compss: WARNING: 1 of 2 worker(s) missing (1 ended before connecting: 127.0.0.1): running on the others' "$err" ||
  fail "no warning naming the worker that ended"
[[ $status -eq $before ]] || show

case=none
before=$status
run none "$work/none.xml"
same_as_sequential "a run whose workers cannot start" "$rc" "$out" || status=1
[[ $(grep -c "compss-run: cannot start worker [12] .*$work/nowhere/$app: No such file or directory" "$err") -eq 2 ]] ||
  fail "compss-run did not say why each worker could not start"
grep -q 'compss: WARNING: 2 of 2 worker(s) missing (2 ended before connecting: .*): running on the master alone (to make missing workers an error: compss-run --require-workers, or COMPSS_REQUIRE_WORKERS=1)' "$err" ||
  fail "no loud warning that the run goes on on the master alone"
[[ $status -eq $before ]] || show

for case in required_option required_variable; do
  before=$status
  if [[ $case == required_option ]]; then
    run "$case" "$work/one_dead.xml" --require-workers
  else
    COMPSS_REQUIRE_WORKERS=1 run "$case" "$work/one_dead.xml"
  fi
  [[ $rc -eq 1 ]] || fail "exit code $rc, expected 1$([[ $rc -eq 124 ]] && echo ' (timed out)')"
  grep -q 'compss: [12] of 2 worker(s) missing (1 ended before connecting: 127.0.0.1[;)].*: this run requires every worker' "$err" ||
    fail "no clear error naming the missing worker"
  [[ -s $out ]] && fail "the program ran although a worker was missing"
  [[ $status -eq $before ]] || show
done

[[ $status -eq 0 ]] && echo "OK: COMPSs-style project.xml; missing workers are reported at once, loudly, and are an error on request"
exit $status
