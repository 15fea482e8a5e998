#!/bin/sh
# install.sh -- make install / make uninstall (docs/deployment.md,
# "Installing"): the build's install rules with a PREFIX under a DESTDIR put
# the binary, a man page per command, the systemd unit naming that binary,
# the docs and the example configuration there; the installed binary runs
# and checks the example; `systemd-analyze verify` accepts the unit (its man:
# links resolve to the installed pages) and `systemd-analyze security` rates
# it 2.0 or less; tools/uninstall.sh leaves nothing of it behind and keeps a
# file it did not install. The Makefile's targets run these same commands.
# Usage: sh install.sh HEADROOM_BIN BUILD_DIR
bin=$1 build=$2
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

dest=$tmp/dest prefix=/opt/headroom-test
root=$dest$prefix
DESTDIR=$dest cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install failed"; exit 1; }
[ -x "$root/bin/headroom" ] || fail "no bin/headroom"
out=$("$root/bin/headroom" --version) && [ "$out" = "$("$bin" --version)" ] ||
  fail "the installed binary says '$out', the build's '$("$bin" --version)'"
"$root/bin/headroom" check -c "$root/share/doc/headroom/examples/headroom.yaml" >/dev/null ||
  fail "headroom check rejects the installed example configuration"
[ -f "$build/man/headroom.1" ] || echo "note: no man pages built (lowdown missing): not checked"
[ -f "$build/man/headroom.1" ] && for c in headroom $("$bin" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print "headroom-" $1 }'); do
  [ -f "$root/share/man/man1/$c.1" ] || fail "no share/man/man1/$c.1"
done
for f in share/doc/headroom/README.md share/doc/headroom/docs/deployment.md share/doc/headroom/docs/cli/serve.md; do
  [ -f "$root/$f" ] || fail "no $f"
done
unit=$root/lib/systemd/system/headroom.service
if [ -f "$unit" ]; then
  grep -qx "ExecStart=$prefix/bin/headroom serve -c /etc/headroom/ --db /var/lib/headroom/headroom.db" "$unit" ||
    fail "the unit's ExecStart does not name $prefix/bin/headroom: $(grep ExecStart= "$unit")"
  for k in DynamicUser=yes StateDirectory=headroom ConfigurationDirectory=headroom ProtectSystem=strict \
    NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes SystemCallFilter=@system-service; do
    grep -qx "$k" "$unit" || fail "the unit lacks $k"
  done
  grep -q '^RestrictAddressFamilies=' "$unit" || fail "the unit lacks RestrictAddressFamilies="
else
  fail "no lib/systemd/system/headroom.service"
fi

# systemd's own checks, on a unit whose ExecStart exists: installed with the
# prefix itself (no DESTDIR).
if command -v systemd-analyze >/dev/null 2>&1; then
  cmake --install "$build" --prefix "$tmp/p" >/dev/null 2>&1 || fail "cmake --install --prefix $tmp/p failed"
  u=$tmp/p/lib/systemd/system/headroom.service
  noman=""
  [ -f "$build/man/headroom.1" ] || noman=--man=no
  if MANPATH=$tmp/p/share/man systemd-analyze verify $noman "$u" >"$tmp/verify" 2>&1; then
    echo "systemd-analyze verify: ok"
  else
    fail "systemd-analyze verify $u:"; sed 's/^/  | /' "$tmp/verify" >&2
  fi
  systemd-analyze security --offline=yes "$u" >"$tmp/sec" 2>&1
  score=$(sed -n 's/.*Overall exposure level for headroom.service: \([0-9.]*\).*/\1/p' "$tmp/sec")
  if [ -z "$score" ]; then
    echo "note: systemd-analyze security --offline gave no score (systemd older than 250?)"
  elif awk -v s="$score" 'BEGIN { exit !(s > 2.0) }'; then
    fail "systemd-analyze security rates the unit $score (want <= 2.0)"; grep '✗' "$tmp/sec" >&2
  else
    echo "systemd-analyze security: exposure $score"
  fi
else
  echo "SKIP (part): systemd-analyze not installed: the unit is not verified by systemd"
fi

# make uninstall: everything installed goes, a file of someone else's stays.
echo keep >"$root/bin/other"
DESTDIR=$dest sh "$src/tools/uninstall.sh" "$build" "$prefix" >"$tmp/uninstall.log" 2>&1 ||
  { cat "$tmp/uninstall.log" >&2; fail "uninstall.sh failed"; }
left=$(cd "$dest" && find . -type f ! -path "./${prefix#/}/bin/other")
[ -z "$left" ] || fail "left after uninstall: $left"
[ -f "$root/bin/other" ] || fail "uninstall removed a file it did not install"
[ -d "$root/share/doc/headroom" ] && fail "uninstall left share/doc/headroom"

# The Makefile runs exactly these commands.
make -s -n -C "$src" install uninstall BUILD="$build" PREFIX=/x DESTDIR=/y JOBS=1 >"$tmp/make" 2>&1
grep -qF "DESTDIR=\"/y\" cmake --install $build --prefix \"/x\"" "$tmp/make" || fail "make install does not run cmake --install with PREFIX and DESTDIR"
grep -qF "DESTDIR=\"/y\" sh tools/uninstall.sh $build \"/x\"" "$tmp/make" || fail "make uninstall does not run tools/uninstall.sh"
[ $fails = 0 ] || exit 1
echo "install: ok"
