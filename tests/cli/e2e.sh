#!/bin/sh
# tests/cli/e2e.sh HEADROOM_BIN BUILD_DIR
# The dashboard end to end in a real headless Chromium (Debian's chromium,
# driven by playwright-core from tests/e2e/; no browser is ever downloaded):
#   (a) the self-contained file of `headroom report --format html` (file://);
#   (b) a live `headroom serve` on 127.0.0.1 over the same SoulSync traffic,
#       when serve runs (else skipped with a message).
# Both: one card per SLO with the status class of `report --format json`, a
# click opens the SLO page, its charts are drawn; screenshots are kept in
# BUILD_DIR/e2e/. Installs chromium and the node packages when missing and
# root; otherwise prints "SKIP: ..." and exits 0.
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
rm -f "$OUT"/*.png "$OUT"/*.log
cp "$SRC"/examples/soulsync/*.yaml "$OUT/conf/" || fail "cannot copy examples/soulsync"
CONF="$OUT/conf"
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
SERVE_PID=""
cleanup() { [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; }
trap cleanup EXIT INT TERM
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
SERVE_PID=""

echo "screenshots: $(ls "$OUT"/*.png 2>/dev/null | tr '\n' ' ')"
echo "e2e: $passed passed, $failed failed"
[ "$passed" -gt 0 ] || skip "neither the html report nor serve could be tested in this build"
[ "$failed" -eq 0 ]
