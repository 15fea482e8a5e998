#!/bin/sh
# SoulSync AI demo (make demo): generate four weeks of deterministic traffic,
# validate the configuration, report the six SLOs straight from the logs,
# then backfill a store, record the deploys, incidents and a maintenance
# window on the timeline (annotate.sh) and report again from the store;
# show the release risk, the journeys' value x frequency matrix (also as an
# HTML page in out/journeys.html) with each journey's composite budget, and
# the targets thirteen weeks of the same traffic support (risk, journeys, suggest) and their compliance month
# by month with the cost of the AI report's failures (history, also as an
# HTML page in out/history.html); finally run the daemon on live traffic: four
# weeks up to the present minute, still arriving minute by minute, with a
# short incident of the matching pods that ended 40 minutes ago (and recurs
# every 3 hours), so the first alert round pages for matching-availability;
# the dashboard is at its URL (Ctrl-C stops it).
#
#   sh examples/soulsync/demo.sh BUILD_DIR
#   DEMO_LIVE=0 sh examples/soulsync/demo.sh BUILD_DIR     # without the daemon
#   DEMO_LISTEN=127.0.0.1:9090 sh examples/soulsync/demo.sh BUILD_DIR
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
# pages the demo writes (not in LOGS: report reads every file there)
OUT="$HERE/out"

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
SERVE_PID=
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
DB="$TMP/soulsync.db"

heading "4. headroom ingest -c examples/soulsync --db $DB"
"$HR" ingest -c "$CONF" --db "$DB" "$LOGS"/*
echo
echo "headroom annotate: the generator's deploys, incidents and maintenance window (gen_soulsync --print-schedule)"
sh "$HERE/annotate.sh" "$HR" "$GEN" "$CONF" "$DB" | sed 's/^/  /'

heading "5. headroom report -c examples/soulsync --db $DB (from the store)"
"$HR" report -c "$CONF" --db "$DB" --at 2026-11-01T00:00:00Z

echo
echo "Expected: matching-availability red (GPU pool outage), matching-latency yellow"
echo "(cache regression), chat-latency orange (PubSub failover, slow node), the other"
echo "three green. See examples/soulsync/README.md."

heading "6. headroom risk --service core-matching: the release risk from its 8 past deploys"
"$HR" risk -c "$CONF" --db "$DB" --service core-matching --at 2026-11-01T00:00:00Z
echo
"$HR" risk -c "$CONF" --db "$DB" --service core-matching --at 2026-11-01T00:00:00Z --canary 0.1 | sed -n '1p;/^matching-availability/,/exhausting/p'

heading "7. headroom journeys: the value x frequency matrix, and each journey's own budget"
echo "(each Service is a journey: value from headroom.dev/value, frequency from its traffic; docs/cli/journeys.md)"
echo
"$HR" journeys -c "$CONF" --db "$DB" --at 2026-11-01T00:00:00Z
mkdir -p "$OUT"
"$HR" journeys -c "$CONF" --db "$DB" --at 2026-11-01T00:00:00Z --format html > "$OUT/journeys.html"
echo
echo "The matrix as a page (no server, no network): $OUT/journeys.html"
echo
echo "Each journey has a composite SLO: matching-journey (availability weighs 2, latency 1), chat-journey"
echo "(availability 3, latency 1), report-journey (freshness 1, correctness 2); each one's consumed budget is the"
echo "weighted mean of its components' (docs/internals/math.md, \"Composite SLOs\"):"
"$HR" report -c "$CONF" --db "$DB" --at 2026-11-01T00:00:00Z | sed -n '/^Composite SLOs/,/^$/p'

heading "8. headroom suggest: the targets thirteen weeks of history support"
echo "(91 days of the same traffic at a tenth of the volume, ending 2026-11-01: some 63 windows of 28 days)"
"$GEN" --out "$TMP/history" --days 91 --scale 0.1 >/dev/null
"$HR" suggest -c "$CONF" --at 2026-11-01T00:00:00Z "$TMP/history"/*

heading "9. headroom history: compliance month by month, downtime and what it cost"
echo "(the same thirteen weeks; the AI report SLOs carry headroom.dev/cost-per-bad-event and -minute)"
"$HR" history -c "$CONF" --at 2026-11-01T00:00:00Z "$TMP/history"/*
mkdir -p "$OUT"
"$HR" history -c "$CONF" --at 2026-11-01T00:00:00Z --format html -o "$OUT/history.html" "$TMP/history"/*
echo
echo "The page for the monthly review: $OUT/history.html (csv: --format csv)"

[ "${DEMO_LIVE:-1}" = 0 ] && exit 0

# ---- live: the same journeys, their four weeks ending now, still arriving ----
# utc SECONDS [FORMAT]: the instant in UTC (GNU date, else BSD date).
utc() {
  date -u -d "@$1" "+${2:-%Y-%m-%dT%H:%M:%SZ}" 2>/dev/null || date -u -r "$1" "+${2:-%Y-%m-%dT%H:%M:%SZ}"
}
NOW_S=$(($(date -u +%s) / 60 * 60))
NOW=$(utc $NOW_S)
ANCHOR=$(utc $((NOW_S - NOW_S % 86400))) # the example's incidents sit where it puts them, before today
# The live incident: the matching pods crash-loop for 15 minutes from 55
# minutes ago (so it is over, but the last hour still burns), then every 3
# hours while the demo runs.
INC_S=$((NOW_S - 55 * 60))
INCIDENT=$(utc $INC_S)
LIVE="$TMP/live"
mkdir -p "$LIVE"
cp "$CONF"/*.yaml "$LIVE"/ # the paths (logs/...) now point at $LIVE/logs
heading "10. Live: four weeks of traffic up to $NOW, then a new minute every minute"
"$GEN" --out "$LIVE/logs" --end "$NOW" --anchor "$ANCHOR" --live-incident "$INCIDENT" | sed 's/^/  /'
echo
echo "headroom annotate (the live store):"
sh "$HERE/annotate.sh" "$HR" "$GEN" "$LIVE" "$LIVE/headroom.db" --end "$NOW" --anchor "$ANCHOR" \
  --live-incident "$INCIDENT" | sed 's/^/  /'

LISTEN=${DEMO_LISTEN:-127.0.0.1:8080}
start_serve() {
  "$HR" serve -c "$LIVE" --db "$LIVE/headroom.db" --listen "$1" >"$TMP/serve.out" 2>"$TMP/serve.err" &
  SERVE_PID=$!
  i=0
  while [ $i -lt 100 ]; do
    grep -q "listening on" "$TMP/serve.out" "$TMP/serve.err" 2>/dev/null && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || { SERVE_PID=; return 1; }
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}
if ! start_serve "$LISTEN"; then
  echo "($LISTEN is taken; picking a free port)"
  start_serve 127.0.0.1:0 || { cat "$TMP/serve.err" >&2; exit 2; }
fi
URL=$(grep -ho "http://[^ ]*" "$TMP/serve.out" "$TMP/serve.err" | head -1)
heading "headroom serve is running: open the dashboard at $URL"
echo "  API: ${URL}api/v1/slos   metrics: ${URL}metrics   gate: ${URL}api/v1/gate?service=core-matching&risk=normal"
echo "  New traffic is appended every minute (the charts move). Ctrl-C stops the demo."
END_S=$((INC_S + 15 * 60))
cat <<EOF

  Trouble: from $(utc $INC_S %H:%M) to $(utc $END_S %H:%M) UTC the matching pods crash-looped (30 % of
  getMatches answered 5xx). At the first alert round matching-availability pages twice
  (the firing banner, its alert table and its timeline show it):
    yellow-burn-1h     the burn over 1h is far above 2.8x     resolves about $(utc $((END_S + 3600)) %H:%M) UTC
    red-exhaustion-3d  its budget was overspent already, so    resolves about $(utc $((END_S + 7200)) %H:%M) UTC
                       any burn over 2h exhausts it at once
  The incident recurs every 3 hours (next at $(utc $((INC_S + 3 * 3600)) %H:%M) UTC) and is annotated when it starts.
EOF

LAST=$NOW
while kill -0 "$SERVE_PID" 2>/dev/null; do
  sleep $((60 - $(date -u +%S | sed 's/^0//') + 1))
  NEXT=$(date -u +%Y-%m-%dT%H:%M:00Z)
  [ "$NEXT" = "$LAST" ] && continue
  "$GEN" --out "$LIVE/logs" --from "$LAST" --end "$NEXT" --anchor "$ANCHOR" --live-incident "$INCIDENT" --append >/dev/null
  echo "  $(date -u +%H:%M:%S) appended traffic $LAST .. $NEXT"
  sh "$HERE/annotate.sh" "$HR" "$GEN" "$LIVE" "$LIVE/headroom.db" --from "$LAST" --end "$NEXT" --anchor "$ANCHOR" \
    --live-incident "$INCIDENT" | sed 's/^/  /'
  LAST=$NEXT
done
echo "headroom serve stopped:" >&2
cat "$TMP/serve.err" >&2
