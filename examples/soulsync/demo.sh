#!/bin/sh
# SoulSync AI demo (make demo): generate four weeks of deterministic traffic,
# validate the configuration, report the six SLOs straight from the logs,
# then backfill a store and report again from the store.
#
#   sh examples/soulsync/demo.sh BUILD_DIR
#
# Logs go to examples/soulsync/logs/ (gitignored) and are kept between runs;
# delete that directory to regenerate. The store lives in a temporary
# directory that is removed at the end.
set -eu

BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HR="$BUILD/headroom"
GEN="$BUILD/gen_soulsync"
CONF="$HERE"
LOGS="$HERE/logs"

for b in "$HR" "$GEN"; do
  [ -x "$b" ] || { echo "demo: $b not found; build first (make build)" >&2; exit 2; }
done

heading() {
  printf '\n==== %s ====\n\n' "$1"
}

heading "1. Traffic: four weeks of SoulSync AI, ending 2026-11-01T00:00:00Z"
if [ -s "$LOGS/gateway-alb.log" ] && [ -s "$LOGS/chat-events.jsonl" ] && [ -s "$LOGS/report-jobs.jsonl" ]; then
  echo "using the logs already in $LOGS (remove the directory to regenerate)"
else
  "$GEN" --out "$LOGS"
fi
ls -l "$LOGS"

heading "2. headroom check -c examples/soulsync"
"$HR" check -c "$CONF"

heading "3. headroom report -c examples/soulsync examples/soulsync/logs/*"
echo "(each file is read with the DataSource whose paths match it; evaluated just after the last event)"
echo
"$HR" report -c "$CONF" "$LOGS"/*

TMP=$(mktemp -d "${TMPDIR:-/tmp}/headroom-demo.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
DB="$TMP/soulsync.db"

heading "4. headroom ingest -c examples/soulsync --db $DB"
"$HR" ingest -c "$CONF" --db "$DB" "$LOGS"/*

heading "5. headroom report -c examples/soulsync --db $DB (from the store)"
"$HR" report -c "$CONF" --db "$DB" --at 2026-11-01T00:00:00Z

heading "done"
echo "Expected: matching-availability red (GPU pool outage), matching-latency yellow"
echo "(cache regression), chat-latency orange (PubSub failover, slow node), the other"
echo "three green. See examples/soulsync/README.md."
