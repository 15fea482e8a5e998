#!/bin/sh
# tests/cli/history_e2e.sh HEADROOM_BIN BUILD_DIR
# The page of `headroom history --format html` in a real headless Chromium
# (Debian's chromium; nothing is downloaded), over five weeks of the
# SoulSync example's traffic (gen_soulsync) at a fixed instant:
#   - the DOM Chromium built from the file holds a section per service, a
#     sparkline per SLO, one red cell and one red point per missed period of
#     `history --format json`, and the AI report's cost total;
#   - the screenshot (BUILD_DIR/e2e/history.png) is a PNG of the page's size.
# Without chromium or gen_soulsync it prints "SKIP: ..." and exits 0.
set -u
HR=${1:?usage: history_e2e.sh HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: history_e2e.sh HEADROOM_BIN BUILD_DIR}
case $HR in /*) ;; *) HR=$(pwd)/$HR ;; esac
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIP: history_e2e.sh: $*"; exit 0; }
fail() { echo "history_e2e.sh: FAIL: $*" >&2; exit 1; }
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (apt-get install chromium)"
[ -x "$BUILD/gen_soulsync" ] || skip "no $BUILD/gen_soulsync (build the target gen_soulsync)"
command -v python3 >/dev/null 2>&1 || skip "no python3"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-history-e2e.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
OUT="$BUILD/e2e"
mkdir -p "$OUT"
AT=2026-11-01T00:00:00Z

"$BUILD/gen_soulsync" --out "$TMP/logs" --days 35 --scale 0.05 >/dev/null || fail "gen_soulsync"
"$HR" history -c "$SRC/examples/soulsync" --at $AT --format json "$TMP/logs"/* >"$TMP/h.json" || fail "history json"
"$HR" history -c "$SRC/examples/soulsync" --at $AT --format html -o "$TMP/h.html" "$TMP/logs"/* || fail "history html"

# --no-sandbox: the tests may run as root, where Chromium refuses its sandbox.
chrome() {
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$TMP/profile" "$@" 2>>"$TMP/chromium.err"
}
chrome --dump-dom "file://$TMP/h.html" >"$TMP/dom.html" || { cat "$TMP/chromium.err" >&2; fail "chromium --dump-dom"; }
chrome --screenshot="$OUT/history.png" --window-size=1100,1000 "file://$TMP/h.html" >/dev/null ||
  { cat "$TMP/chromium.err" >&2; fail "chromium --screenshot"; }

python3 - "$TMP/h.json" "$TMP/dom.html" "$OUT/history.png" <<'PY' || exit 1
import json, struct, sys
js = json.load(open(sys.argv[1]))
dom = open(sys.argv[2]).read()
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
services = {r["service"] for r in js["periods"]}
slos = {r["slo"] for r in js["periods"]}
missed = sum(1 for r in js["periods"] if r["met"] is False)
want(dom.count("<section>") == len(services), "sections: %d, want %d" % (dom.count("<section>"), len(services)))
want(dom.count("<svg") == len(slos), "sparklines: %d, want %d" % (dom.count("<svg"), len(slos)))
want(missed > 0, "the case needs a missed period")
want(dom.count('class="p miss"') == missed, "red cells: %d, want %d" % (dom.count('class="p miss"'), missed))
want(dom.count('fill="#c62828"') == missed, "red points: %d, want %d" % (dom.count('fill="#c62828"'), missed))
ai = [s for s in js["services"] if s["service"] == "ai-report"][0]
total = "EUR %.2f" % ai["cost"]
want(total in dom, "no cost total %s on the page" % total)
png = open(sys.argv[3], "rb").read()
want(png[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG")
w, h = struct.unpack(">II", png[16:24])
want((w, h) == (1100, 1000) and len(png) > 20000, "screenshot %dx%d, %d bytes" % (w, h, len(png)))
for b in bad:
    print("history_e2e.sh: FAIL: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "screenshot: $OUT/history.png"
echo "history_e2e: ok"
