#!/bin/sh
# version.sh -- `headroom --version` / `-V` print the version of CMakeLists.txt's
# project(VERSION) (the one place it lives), --help names the option, output
# that cannot be written (/dev/full) exits 2 with one message, and the
# optimised builds keep assert() (no -DNDEBUG in compile_commands.json).
# Usage: sh version.sh HEADROOM_BIN BUILD_DIR
bin=$1 build=$2
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

want=$(sed -n 's/^project(headroom VERSION \([0-9.]*\) .*/\1/p' "$src/CMakeLists.txt")
[ -n "$want" ] || fail "no project(headroom VERSION x.y.z ...) in CMakeLists.txt"
for opt in --version -V; do
  out=$("$bin" $opt) || fail "headroom $opt exits $?"
  case $out in
  "headroom $want" | "headroom $want (git "*")") ;;
  *) fail "headroom $opt printed '$out', want 'headroom $want' (and maybe ' (git ...)')" ;;
  esac
done
"$bin" --help | grep -q -- '-V, --version' || fail "headroom --help does not list -V, --version"

# Output that does not get there is an error, said once, whatever the
# command decided (docs/cli/_exitcodes.md): a full disk under --version,
# check, report, a gate's decision.
if [ -w /dev/full ]; then
  log=$src/tests/data/synth/nginx.log g=$src/tests/golden
  for args in "--version" "check -c $src/examples/soulsync" "report -c $g/groups-synth/slo.yaml $log --at 2026-04-03T00:00:00Z" \
    "gate -c $g/gate-group-synth/slo.yaml --service shop --risk low $log --at 2026-04-03T00:00:00Z"; do
    # shellcheck disable=SC2086
    "$bin" $args >/dev/full 2>"${TMPDIR:-/tmp}/hr-version.err.$$"
    rc=$?
    n=$(grep -c "^headroom: standard output: write failed\$" "${TMPDIR:-/tmp}/hr-version.err.$$")
    [ $rc = 2 ] && [ "$n" = 1 ] || fail "headroom $args >/dev/full: exit $rc, the write failure said $n times"
  done
  rm -f "${TMPDIR:-/tmp}/hr-version.err.$$"
fi

# assert() stays on in every build type (docs/internals/architecture.md, "Assertions").
if [ -f "$build/compile_commands.json" ]; then
  grep -q -- '-DNDEBUG' "$build/compile_commands.json" && fail "a file is compiled with -DNDEBUG: assertions are off"
fi
[ $fails = 0 ] || exit 1
echo "version: ok ($want)"
