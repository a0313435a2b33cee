# Sourced by the distributed test scripts, whose first three arguments are always
# <compss-run> <sequential-binary> <compss-binary>.

# take_programs <script> <args...>: sets launcher, seq_bin and compss_bin (absolute paths),
# or prints the usage line and exits 2. The caller then drops them with `shift 3`.
take_programs() {
  local script="$1"
  shift
  if [[ $# -lt 3 ]]; then
    echo "usage: $script <compss-run> <sequential-binary> <compss-binary> [args...]" >&2
    exit 2
  fi
  launcher="$(realpath "$1")" seq_bin="$(realpath "$2")" compss_bin="$(realpath "$3")"
}

# run_sequential <work dir> [args...]: the plain build's output in <work dir>/sequential.out
# (bounded); exits 1 with its stderr when it fails.
run_sequential() {
  local work="$1"
  shift
  timeout 120 "$seq_bin" "$@" >"$work/sequential.out" 2>"$work/sequential.err" || {
    echo "FAIL: the sequential build failed"; cat "$work/sequential.err"; exit 1
  }
}
