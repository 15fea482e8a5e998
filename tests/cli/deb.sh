#!/bin/sh
# deb.sh -- make deb (tools/deb.sh; docs/deployment.md, "The Debian
# package"): the package of this build holds the binary, the man pages, the
# unit, the docs; its Depends name the shared libraries the binary links
# (libc, libcurl, libmicrohttpd, libpcre2, libsqlite3, libyaml, zlib), each
# a package this machine has; it installs into a throwaway root with dpkg
# --root, checked against this machine's package list (so Depends must be
# satisfiable), the binary runs from there, and purging it leaves no file;
# it carries a changelog and copyright, and lintian finds no error or
# warning in it (when lintian is installed: tools/test-deps.sh installs it).
# Usage: sh deb.sh HEADROOM_BIN BUILD_DIR
bin=$1 build=$2
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
for t in dpkg dpkg-deb dpkg-shlibdeps strip; do
  command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed (apt-get install dpkg-dev binutils)"; exit 0; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-deb.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

sh "$src/tools/deb.sh" "$build" "$tmp" >"$tmp/deb.log" 2>&1 || { cat "$tmp/deb.log" >&2; echo "FAIL: tools/deb.sh" >&2; exit 1; }
cat "$tmp/deb.log"
deb=$(ls "$tmp"/headroom_*.deb)
version=$(sed -n 's/^project(headroom VERSION \([0-9.]*\) .*/\1/p' "$src/CMakeLists.txt")
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version $(dpkg-deb -f "$deb" Version), CMakeLists.txt says $version"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "wrong Architecture"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libcurl libmicrohttpd libpcre2-8 libsqlite3 libyaml zlib1g; do
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -c "$deb" >"$tmp/list"
man=""
[ -f "$build/man/headroom.1" ] && man="./usr/share/man/man1/headroom.1.gz ./usr/share/man/man1/headroom-serve.1.gz"
for f in ./usr/bin/headroom $man ./usr/lib/systemd/system/headroom.service ./usr/share/doc/headroom/copyright \
  ./usr/share/doc/headroom/examples/headroom.yaml ./usr/share/doc/headroom/docs/deployment.md; do
  grep -q " $f\$" "$tmp/list" || fail "the package lacks $f"
done
for f in ./usr/share/doc/headroom/changelog.gz; do
  grep -q " $f\$" "$tmp/list" || fail "the package lacks $f"
done
# Debian policy as lintian reads it: no error, no warning.
if command -v lintian >/dev/null 2>&1; then
  lintian --tag-display-limit 0 "$deb" >"$tmp/lintian.log" 2>&1
  grep -E '^[EW]: ' "$tmp/lintian.log" >"$tmp/lintian.bad" && { fail "lintian:"; cat "$tmp/lintian.bad" >&2; }
  echo "lintian: $(grep -c '^[EWIP]: ' "$tmp/lintian.log") tags, none an error or warning"
else
  echo "SKIP (part): lintian not installed (apt-get install lintian)"
fi
grep -q 'ExecStart=/usr/bin/headroom serve' "$build/deb/"*/usr/lib/systemd/system/headroom.service ||
  fail "the packaged unit does not run /usr/bin/headroom"

# Into a throwaway root that knows this machine's packages.
if [ "$(id -u)" != 0 ]; then
  echo "SKIP (part): not root: dpkg --root install not tried"
else
  r=$tmp/root
  mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/log"
  cp /var/lib/dpkg/status "$r/var/lib/dpkg/status"
  dpkg --root="$r" -i "$deb" >"$tmp/dpkg.log" 2>&1 || { fail "dpkg --root -i:"; sed 's/^/  | /' "$tmp/dpkg.log" >&2; }
  dpkg --root="$r" -s headroom 2>/dev/null | grep -qx 'Status: install ok installed' || fail "not installed in the root"
  out=$("$r/usr/bin/headroom" --version) || fail "the installed binary does not run"
  [ "$out" = "$("$bin" --version)" ] || fail "installed: '$out', built: '$("$bin" --version)'"
  "$r/usr/bin/headroom" check -c "$r/usr/share/doc/headroom/examples/headroom.yaml" >/dev/null ||
    fail "the installed binary rejects the packaged example"
  dpkg --root="$r" --purge headroom >"$tmp/purge.log" 2>&1 || { fail "dpkg --purge:"; cat "$tmp/purge.log" >&2; }
  left=$(cd "$r" && find . ! -type d ! -path './var/*')
  [ -z "$left" ] || fail "left after purge: $left"
  [ -d "$r/usr/share/doc/headroom" ] && fail "purge left usr/share/doc/headroom"
fi
[ $fails = 0 ] || exit 1
echo "deb: ok"
