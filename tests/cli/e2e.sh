#!/bin/sh
# tests/cli/e2e.sh HEADROOM_BIN BUILD_DIR
# The dashboard end to end in a real headless Chromium (Debian's chromium,
# driven by playwright-core from tests/e2e/; no browser is ever downloaded):
#   (a) the self-contained file of `headroom report --format html` (file://);
#   (b) a live `headroom serve` on 127.0.0.1 over the same SoulSync traffic,
#       when serve runs (else skipped with a message).
# Both: one card per SLO with the status class of `report --format json`, a
# click opens the SLO page, its charts are drawn (tests/e2e/e2e.mjs lists
# every check); screenshots are kept in BUILD_DIR/e2e/. The copied
# configuration gives core-matching a logs link (headroom.dev/logs-url) and
# two system metrics read from a stand-in Prometheus (tests/e2e/fakeprom.mjs;
# one query fails on purpose), and chat-latency a 7d window (many windows for
# the targets panel). serve's store is filled first: the logs
# ingested, deploys and an incident annotated, alert rounds run through the
# 2026-10-21 outage, so its SLO page has alerts and a timeline. Installs
# chromium and the node packages when missing and root; otherwise prints
# "SKIP: ..." and exits 0.
set -u
HR=${1:?usage: e2e.sh HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: e2e.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
E2E="$SRC/tests/e2e"
OUT="$BUILD/e2e"
GEN="$BUILD/gen_soulsync"
AT=2026-11-01T00:00:00Z
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

fail() { echo "e2e.sh: FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 0; }
root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# ---- the tools: chromium, node >= 20, playwright-core ----
if [ ! -x "$CHROMIUM" ] && root; then
  echo "e2e.sh: installing chromium (Debian)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; }
fi
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (apt-get install chromium)"
if ! command -v node >/dev/null 2>&1 && root; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null 2>&1
fi
command -v node >/dev/null 2>&1 || skip "node is not installed"
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] 2>/dev/null || skip "playwright-core needs node >= 20, this is $(node --version 2>/dev/null)"
if [ ! -f "$E2E/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed"
  echo "e2e.sh: npm ci in tests/e2e" >&2
  (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
    skip "npm ci in tests/e2e failed (no registry?)"
fi

# ---- the example: SoulSync at a fifth of its traffic, in BUILD/e2e/conf ----
[ -x "$GEN" ] || fail "$GEN not built"
mkdir -p "$OUT/conf" || exit 1
rm -f "$OUT"/*.png "$OUT"/*.log "$OUT/prom.port"
cp "$SRC"/examples/soulsync/*.yaml "$OUT/conf/" || fail "cannot copy examples/soulsync"
CONF="$OUT/conf"

SERVE_PID="" PROM_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null
  [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null
}
trap cleanup EXIT INT TERM

# A stand-in Prometheus on a free port of 127.0.0.1 for the system metrics.
node "$E2E/fakeprom.mjs" "$OUT/prom.port" > "$OUT/prom.log" 2>&1 &
PROM_PID=$!
i=0
while [ ! -s "$OUT/prom.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$OUT/prom.port" ] || fail "the stand-in Prometheus did not start (see $OUT/prom.log)"
PROM_PORT=$(cat "$OUT/prom.port")
# core-matching: a link to its logs elsewhere and two system metrics (the
# second query fails: the panel shows the error), added to its annotations
# (after its high-frequency mark, the line only it has).
sed -i '/^    headroom.dev\/high-frequency: "200"$/a\
    headroom.dev/logs-url: "https://logs.example.com/explore?service={service}\&slo={slo}\&from={from}\&to={to}\&start={from_ms}\&end={to_ms}"\
    headroom.dev/system-metrics: |\
      CPU busy %: avg by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) * 100\
      GPU queue depth: broken(gpu_queue_depth)' "$CONF/services.yaml"
cat >> "$CONF/datasources.yaml" <<EOF
---
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: e2e-prometheus
spec:
  type: prometheus
  connectionDetails:
    url: http://127.0.0.1:$PROM_PORT
EOF
grep -q 'headroom.dev/logs-url' "$CONF/services.yaml" || fail "cannot annotate core-matching in $CONF/services.yaml"
# chat-latency over 7 days (its last 28d block), so its history holds many
# windows and the targets panel charts each one's SLI.
awk '/^  name: chat-latency$/ { s = 1 } s && /- duration: 28d/ { sub(/28d/, "7d"); s = 0 } { print }' \
  "$CONF/journey2-chat.yaml" > "$CONF/j2.tmp" && mv "$CONF/j2.tmp" "$CONF/journey2-chat.yaml"
grep -q -- '- duration: 7d' "$CONF/journey2-chat.yaml" || fail "cannot give chat-latency a 7d window"
# chat-send-availability grouped by client (ios, android, web): the SLO page's
# groups and "what is burning" panels.
awk '{ print } /filter: .event == "sendMessage".$/ && !d { match($0, /^ */); printf "%*sgroupBy: [client]\n", RLENGTH, ""; d = 1 }' \
  "$CONF/journey2-chat.yaml" > "$CONF/j2.tmp" && mv "$CONF/j2.tmp" "$CONF/journey2-chat.yaml"
grep -q 'groupBy: \[client\]' "$CONF/journey2-chat.yaml" || fail "cannot group chat-send-availability by client"
"$HR" check -c "$CONF" > "$OUT/check.log" 2>&1 || { cat "$OUT/check.log" >&2; fail "the e2e configuration does not check"; }
if [ ! -s "$CONF/logs/gateway-alb.log" ] || [ ! -s "$CONF/logs/chat-events.jsonl" ] ||
   [ ! -s "$CONF/logs/report-jobs.jsonl" ]; then
  "$GEN" --out "$CONF/logs" --scale 0.2 > "$OUT/gen.log" 2>&1 || fail "gen_soulsync failed (see $OUT/gen.log)"
fi

passed=0 failed=0
tally() { # tally LOGFILE: add the closing "N passed, N failed" of an e2e.mjs run
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
  if [ -n "$line" ]; then
    set -- $line
    passed=$((passed + $1)); failed=$((failed + $3))
  else
    failed=$((failed + 1))
  fi
}

# ---- (a) report --format html ----
"$HR" report -c "$CONF" --at "$AT" --format json -o "$OUT/expect.json" "$CONF"/logs/* 2> "$OUT/report.err" ||
  { cat "$OUT/report.err" >&2; fail "report --format json failed"; }
if "$HR" report -c "$CONF" --at "$AT" --format html -o "$OUT/report.html" "$CONF"/logs/* 2> "$OUT/html.err"; then
  [ -s "$OUT/report.html" ] || fail "report --format html wrote nothing"
  grep -q 'window.HEADROOM_DATA' "$OUT/report.html" || fail "report.html carries no inlined data"
  if grep -qiE '<(script|link)[^>]*(src|href)="[^"]*(app\.js|app\.css)"' "$OUT/report.html"; then
    fail "report.html still references its assets instead of inlining them"
  fi
  series=""
  grep -q '"series"' "$OUT/report.html" && series=--series
  grep -q 'Chart.js v' "$OUT/report.html" || echo "e2e.sh: note: this build embeds no chart library (tools/web-deps.sh)" >&2
  (cd "$E2E" && node e2e.mjs --out "$OUT" --expect "$OUT/expect.json" --file "$OUT/report.html" --label report $series) \
    > "$OUT/report.log" 2>&1
  cat "$OUT/report.log"
  tally "$OUT/report.log"
else
  echo "e2e.sh: (a) skipped: report --format html is not available in this build: $(head -1 "$OUT/html.err")"
fi

# ---- (b) a live serve ----
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
DB="$OUT/serve.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
# The store: the logs, two deploys and an incident around the GPU outage of
# 2026-10-21 (12:10-13:40 UTC), and alert rounds through it (they fire at
# 12:15 and resolve by 16:00); six deploys of realtime-chat, so its release
# risk has a history that is not thin (core-matching's two are).
(
  "$HR" ingest -c "$CONF" --db "$DB" "$CONF"/logs/* &&
  "$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind deploy --text "matcher v2.14" --at 2026-10-21T11:50:00Z &&
  "$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind incident --text "GPU pool outage" --at 2026-10-21T12:20:00Z &&
  "$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind deploy --text "matcher v2.15 (rollback)" --at 2026-10-21T13:45:00Z &&
  for d in 10 12 14 16 18 20; do
    "$HR" annotate -c "$CONF" --db "$DB" --service realtime-chat --kind deploy --text "chat 1.$d" --at "2026-10-${d}T09:00:00Z" || exit 1
  done &&
  for t in 12:00 12:15 12:30 13:00 13:30 14:00 16:00; do
    "$HR" evaluate -c "$CONF" --db "$DB" --at "2026-10-21T$t:00Z" || exit 1
  done
) > "$OUT/store.log" 2>&1 || { tail -5 "$OUT/store.log" >&2; fail "cannot fill the store for serve (see $OUT/store.log)"; }
"$HR" serve -c "$CONF" --db "$DB" --listen "127.0.0.1:$PORT" --at "$AT" > "$OUT/serve.log" 2>&1 &
SERVE_PID=$!
# Up when GET /api/v1/slos gives every SLO the status the report gives (the
# logs are tailed from the start, which takes a few seconds).
ready=$(node -e '
  const want = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).slos.map(s => s.name + "=" + s.status).sort().join(" ");
  const url = "http://127.0.0.1:" + process.argv[2] + "/api/v1/slos";
  const pid = +process.argv[3];
  const until = Date.now() + 40000;
  let last = "no answer";
  (async () => {
    while (Date.now() < until) {
      try { process.kill(pid, 0); } catch (e) { console.log("exited"); return; }
      try {
        const r = await fetch(url);
        if (r.ok) {
          const got = (await r.json()).slos.map(s => s.name + "=" + s.status).sort().join(" ");
          if (got === want) { console.log("ready"); return; }
          last = "statuses " + got;
        } else last = "HTTP " + r.status;
      } catch (e) { last = String(e.cause ? e.cause.code || e.cause : e); }
      await new Promise(r => setTimeout(r, 500));
    }
    console.log(last);
  })();' "$OUT/expect.json" "$PORT" "$SERVE_PID" 2>&1)
if [ "$ready" = ready ]; then
  (cd "$E2E" && node e2e.mjs --out "$OUT" --expect "$OUT/expect.json" --url "http://127.0.0.1:$PORT/" --label serve) \
    > "$OUT/serve-e2e.log" 2>&1
  cat "$OUT/serve-e2e.log"
  tally "$OUT/serve-e2e.log"
elif kill -0 "$SERVE_PID" 2>/dev/null; then
  echo "e2e.sh: (b) FAIL: serve runs but /api/v1/slos never matched the report: $ready"
  failed=$((failed + 1))
else
  echo "e2e.sh: (b) skipped: headroom serve did not start ($(head -1 "$OUT/serve.log"))"
fi
cleanup
SERVE_PID="" PROM_PID=""

echo "screenshots: $(ls "$OUT"/*.png 2>/dev/null | tr '\n' ' ')"
echo "e2e: $passed passed, $failed failed"
[ "$passed" -gt 0 ] || skip "neither the html report nor serve could be tested in this build"
[ "$failed" -eq 0 ]
