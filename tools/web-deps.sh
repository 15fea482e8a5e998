#!/bin/sh
# tools/web-deps.sh -- install the dashboard's chart library, which the build
# embeds into the binary as /vendor/chart.js (nothing is vendored in web/).
#
#   sh tools/web-deps.sh          install Debian's libjs-chart.js when missing
#   sh tools/web-deps.sh --path   also print the file the build embeds
#
# The file: /usr/share/javascript/chart.js/chart.min.js (Chart.js 3.9.1, UMD
# build, global `Chart`). CMake reads it through HR_CHART_JS (default that
# path); a build without it still works, its dashboard shows the figures but
# no charts. As root it runs apt-get; otherwise it prints the line to run.
set -u
PKG=libjs-chart.js
FILE=/usr/share/javascript/chart.js/chart.min.js

if [ ! -s "$FILE" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "headroom: installing $PKG (the dashboard's chart library)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$PKG" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$PKG" >/dev/null 2>&1; } || {
      echo "headroom: apt-get install $PKG failed" >&2; exit 1; }
  else
    echo "headroom: the dashboard's chart library is missing; run:" >&2
    echo "  sudo apt-get install -y $PKG" >&2
    exit 1
  fi
fi
[ -s "$FILE" ] || { echo "headroom: $PKG installed but $FILE is missing" >&2; exit 1; }
[ "${1:-}" = "--path" ] && echo "$FILE"
exit 0
