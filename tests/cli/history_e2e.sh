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
NAME=history_e2e.sh
. "$(dirname "$0")/lib/chrome_lib.sh"
AT=2026-11-01T00:00:00Z

"$BUILD/gen_soulsync" --out "$TMP/logs" --days 35 --scale 0.05 >/dev/null || fail "gen_soulsync"
"$HR" history -c "$SRC/examples/soulsync" --at $AT --format json "$TMP/logs"/* >"$TMP/h.json" || fail "history json"
"$HR" history -c "$SRC/examples/soulsync" --at $AT --format html -o "$TMP/h.html" "$TMP/logs"/* || fail "history html"

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
