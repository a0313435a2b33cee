# Sourced by check_graph.sh and check_summary.sh.
#
# observed_run <option> <variable> <program> [<compss-run> <layout options...>] [-- args]:
# runs <program> (with args) in a fresh directory $work with the observer on: alone with
# <variable>=1, or under compss-run <option> with the layout options. Output in
# $work/out.txt and $work/err.txt, logs in $COMPSS_LOG_DIR; exits 1 when the run fails.
observed_run() {
  local option="$1" variable="$2" program
  program="$(realpath "$3")"
  shift 3
  local launcher="" layout=() args=()
  if [[ $# -gt 0 && "$1" != "--" ]]; then
    launcher="$(realpath "$1")"
    shift
    while [[ $# -gt 0 && "$1" != "--" ]]; do layout+=("$1"); shift; done
  fi
  [[ "${1:-}" == "--" ]] && shift
  args=("$@")
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cd "$work" || exit 1
  export COMPSS_LOG_DIR="$work/logs"
  local rc
  if [[ -n "$launcher" ]]; then
    timeout 120 "$launcher" --no-progress "$option" "${layout[@]}" -- "$program" "${args[@]}" >out.txt 2>err.txt
  else
    env "$variable=1" timeout 120 "$program" "${args[@]}" >out.txt 2>err.txt
  fi
  rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: the run exited with $rc"; cat err.txt; exit 1
  fi
}
