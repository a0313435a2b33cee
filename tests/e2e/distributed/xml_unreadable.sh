#!/usr/bin/env bash
# xml_unreadable.sh <compss-run> <compss-binary>
# compss-run given a resources.xml or project.xml it cannot read (--resources, --project,
# COMPSS_RESOURCES): missing, without read permission, a directory. Each run must end at
# once with exit code 2 and "compss-run: cannot read the <kind> file '<path>': <the system's
# reason> (...)", before starting any process. As root (CI), the permission case runs as
# user nobody (setpriv), since root reads any file.
set -uo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 <compss-run> <compss-binary>" >&2
  exit 2
fi
launcher="$(realpath "$1")" app="$(realpath "$2")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # (nobody must reach the unreadable file itself)
mkdir "$work/a-directory.xml"
echo '<ResourcesList><ComputeNode Name="localhost"/></ResourcesList>' >"$work/unreadable.xml"
chmod 000 "$work/unreadable.xml"
status=0

# expect <reason> <file kind> <path> [env VAR=value] <compss-run options...>
expect() {
  local reason="$1" kind="$2" path="$3"
  shift 3
  local prefix=()
  if [[ $reason == "Permission denied" && $(id -u) -eq 0 ]]; then
    prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
  local vars=()
  while [[ $# -gt 0 && $1 == *=* ]]; do vars+=("$1"); shift; done
  env "${vars[@]}" "${prefix[@]}" timeout -k 5 20 "$launcher" --no-progress --log-level info \
    "$@" -- "$app" >"$work/out" 2>"$work/err"
  local rc=$?
  local want="compss-run: cannot read the $kind file '$path': $reason ("
  if [[ $rc -ne 2 ]]; then
    echo "FAIL (${vars[*]} $* : $reason): exit code $rc, not 2"; cat "$work/err"; status=1
  elif ! grep -qF -- "$want" "$work/err"; then
    echo "FAIL (${vars[*]} $* : $reason): stderr lacks \"$want\":"; cat "$work/err"; status=1
  elif grep -q 'started, pid' "$work/err"; then
    echo "FAIL (${vars[*]} $*): processes were started before the error:"; cat "$work/err"; status=1
  fi
}

missing="$work/missing.xml" dir="$work/a-directory.xml" unreadable="$work/unreadable.xml"
for kind in resources project; do
  expect "No such file or directory" "$kind.xml" "$missing" --$kind "$missing"
  expect "Is a directory" "$kind.xml" "$dir" --$kind "$dir"
  expect "Permission denied" "$kind.xml" "$unreadable" --$kind "$unreadable"
done
expect "No such file or directory" resources.xml "$missing" COMPSS_RESOURCES="$missing"
expect "Is a directory" project.xml "$dir" COMPSS_PROJECT="$dir"
[[ $status -eq 0 ]] && echo "OK: missing, unreadable and directory XML files: exit code 2 and the reason"
exit $status
