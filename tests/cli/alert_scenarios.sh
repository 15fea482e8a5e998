#!/bin/sh
# tests/cli/alert_scenarios.sh HEADROOM_BIN BUILD_DIR
# The alert-quality scenario library (tests/cli/alert_scenarios.py): healthy
# high and low traffic, a sharp outage, 2 % errors for 3 hours, a slow burn,
# a low-traffic incident and a flapping one, each replayed by `headroom
# backtest` and by an independent Python replay that must agree alert for
# alert; --check then holds the figures to what docs/alerting.md promises.
set -eu
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 0; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
python3 "$here/alert_scenarios.py" run "$bin" "$d" --check
echo "alert_scenarios: ok"
