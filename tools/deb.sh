#!/bin/sh
# deb.sh -- make deb: a Debian package of a build (docs/deployment.md,
# "The Debian package"):  sh tools/deb.sh BUILD_DIR OUT_DIR
# Stages `cmake --install --prefix /usr` (binary, man pages, unit, docs,
# example configuration, copyright and changelog), strips the binary,
# takes Depends from the libraries it links (dpkg-shlibdeps) and writes
# OUT_DIR/headroom_<version>_<arch>.deb with dpkg-deb. The version is
# CMakeLists.txt's project(VERSION). Needs dpkg-dev (dpkg-shlibdeps) and
# binutils (strip); no root (files are owned by root in the package).
set -eu
[ $# = 2 ] || { echo "usage: deb.sh BUILD_DIR OUT_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) out=$2
src=$(cd "$(dirname "$0")/.." && pwd)
for t in dpkg-deb dpkg-shlibdeps strip; do
  command -v $t >/dev/null 2>&1 || { echo "deb: $t not found: apt-get install dpkg-dev binutils" >&2; exit 3; }
done
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || { echo "deb: no project version in $build/CMakeCache.txt (run make first)" >&2; exit 2; }
arch=$(dpkg --print-architecture)
# The Maintainer field and the changelog's signature (HR_DEB_MAINTAINER to
# set your own; the address must not be at localhost).
maintainer=${HR_DEB_MAINTAINER:-headroom developers <maintainers@headroom.dev>}
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || true)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}
date=$(LC_ALL=C date -u -R -d "@$epoch")
year=$(date -u -d "@$epoch" +%Y)
work=$build/deb
root=$work/headroom_${version}_$arch
rm -rf "$work"
mkdir -p "$root/DEBIAN" "$out"

DESTDIR=$root cmake --install "$build" --prefix /usr >/dev/null
[ -x "$root/usr/bin/headroom" ] || { echo "deb: the install put no usr/bin/headroom" >&2; exit 2; }
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/headroom"
if [ -d "$root/usr/share/man/man1" ]; then
  gzip -9n "$root"/usr/share/man/man1/*.1
else
  echo "deb: no man pages (lowdown not installed when the build was configured)" >&2
fi
cat >"$root/usr/share/doc/headroom/copyright" <<EOT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: headroom
Comment: built from the headroom source tree by tools/deb.sh.

Files: *
Copyright: $year the headroom developers
EOT
# A native package's changelog (Debian policy 12.7): one entry for this
# version, dated by the commit it was built from, so two builds of one
# commit give the same bytes (SOURCE_DATE_EPOCH overrides, then the clock).
cat >"$work/changelog" <<EOT
headroom ($version) unstable; urgency=medium

  * Built from the headroom source tree${commit:+ at git $commit}; the changes
    are in the project's git history.

 -- $maintainer  $date
EOT
gzip -9n -c "$work/changelog" >"$root/usr/share/doc/headroom/changelog.gz"

# Depends: dpkg-shlibdeps reads the package's name from debian/control.
mkdir -p "$work/src/debian"
printf 'Source: headroom\n\nPackage: headroom\nArchitecture: any\n' >"$work/src/debian/control"
deps=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/headroom" 2>"$work/shlibdeps.err" |
  sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.err" >&2; exit 2; }
[ -n "$deps" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; cat "$work/shlibdeps.err" >&2; exit 2; }
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)

cat >"$root/DEBIAN/control" <<EOT
Package: headroom
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $deps
Recommends: tzdata
Section: admin
Priority: optional
Description: SLO engine: error budgets, burn-rate alerts and release gates from logs
 headroom turns access logs (ALB, nginx, Apache, JSON lines) and Prometheus
 counters into SLIs, holds them against SLOs written in OpenSLO YAML, keeps
 the error budget, alerts on burn rates, gates releases in CI and serves a
 dashboard. The package ships the headroom binary, its man pages, a hardened
 systemd unit (headroom.service, not enabled: configure /etc/headroom first)
 and the documentation.
EOT
(cd "$root" && find usr -type f ! -path 'DEBIAN/*' -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
deb=$out/headroom_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "deb: wrote $deb ($(du -k "$deb" | cut -f1) KiB; Depends: $deps)"
