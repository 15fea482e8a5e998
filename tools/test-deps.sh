#!/bin/sh
# Install the servers and tools the test suite runs for real, once and up
# front, so no two tests race for the package manager: Prometheus (and
# promtool), Alertmanager, Chromium, Node.js and npm (playwright-core for the
# browser test comes from the npm registry in tests/e2e/), dpkg-dev and
# lintian for the Debian package's test (dpkg-shlibdeps, the policy
# check), clang-format for the format
# check of tools/checksrc.sh. As root it runs
# apt-get; otherwise it prints the line to run, and the tests that need a
# missing one print SKIP.
# command:package pairs; a command already on the PATH (a Node.js installed
# some other way, say) is left alone.
missing=""
for cp in prometheus:prometheus promtool:prometheus prometheus-alertmanager:prometheus-alertmanager \
  chromium:chromium node:nodejs npm:npm dpkg-shlibdeps:dpkg-dev \
  lintian:lintian clang-format:clang-format; do
  cmd=${cp%%:*} pkg=${cp#*:}
  command -v "$cmd" >/dev/null 2>&1 && continue
  case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "headroom: installing test servers:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq $missing >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $missing >/dev/null 2>&1; } ||
    echo "headroom: could not install:$missing (the tests that need them will SKIP)" >&2
else
  echo "headroom: the tests that need these will SKIP; to run them:" >&2
  echo "  sudo apt-get install -y$missing" >&2
fi
exit 0
