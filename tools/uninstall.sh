#!/bin/sh
# uninstall.sh -- make uninstall: removes what `make install` with the same
# PREFIX and DESTDIR installed (docs/deployment.md, "Installing"):
#   DESTDIR=... sh tools/uninstall.sh BUILD_DIR PREFIX
# The list is not a manifest left by an earlier install: the build's install
# rules are run again into a scratch directory, and every file found there
# is removed from $DESTDIR$PREFIX, then the directories that are headroom's
# own (share/doc/headroom) when empty. Files it did not install stay.
set -eu
[ $# = 2 ] || { echo "usage: [DESTDIR=D] uninstall.sh BUILD_DIR PREFIX" >&2; exit 2; }
build=$1 prefix=$2
[ -f "$build/cmake_install.cmake" ] || { echo "uninstall: $build is not a configured build (run make first)" >&2; exit 2; }
stage=$(mktemp -d "${TMPDIR:-/tmp}/hr-uninstall.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
DESTDIR=$stage cmake --install "$build" --prefix "$prefix" >/dev/null
n=0
for f in $(cd "$stage" && find . ! -type d | sed 's|^\./|/|' | sort); do
  t=${DESTDIR:-}$f
  if [ -e "$t" ] || [ -L "$t" ]; then
    rm -f "$t" && echo "removed $t" && n=$((n + 1))
  fi
done
for d in $(cd "$stage" && find . -type d -path '*headroom*' | sed 's|^\./|/|' | sort -r); do
  rmdir "${DESTDIR:-}$d" 2>/dev/null || true
done
echo "uninstall: $n files removed from ${DESTDIR:-}$prefix"
