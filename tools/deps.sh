#!/bin/sh
# Install the Debian packages headroom builds and tests with, when missing.
# As root it runs apt-get; otherwise it prints the one line to run.
PKGS="cmake ninja-build lowdown make gcc pkg-config python3 libsqlite3-dev libyaml-dev zlib1g-dev libpcre2-dev libcmocka-dev libmicrohttpd-dev libcurl4-openssl-dev libjs-chart.js tzdata"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "headroom: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
    echo "headroom: apt-get install failed for:$missing" >&2; exit 1; }
else
  echo "headroom: missing packages; run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
