#!/bin/sh
# version.sh -- `headroom --version` / `-V` print the version of CMakeLists.txt's
# project(VERSION) (the one place it lives), --help names the option, and the
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

# assert() stays on in every build type (docs/internals/architecture.md, "Assertions").
if [ -f "$build/compile_commands.json" ]; then
  grep -q -- '-DNDEBUG' "$build/compile_commands.json" && fail "a file is compiled with -DNDEBUG: assertions are off"
fi
[ $fails = 0 ] || exit 1
echo "version: ok ($want)"
