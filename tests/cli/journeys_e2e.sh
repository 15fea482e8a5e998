#!/bin/sh
# tests/cli/journeys_e2e.sh HEADROOM_BIN BUILD_DIR
# The page of `headroom journeys --format html` (and the matrix of
# `report --format html`) in a real headless Chromium (Debian's chromium;
# nothing is downloaded), at a fixed instant:
#   - the SoulSync example (gen_soulsync, five weeks at 5 % of the volume):
#     the DOM Chromium built holds one point per journey of
#     `journeys --format json`, coloured by its status, its place inside its
#     quadrant's box with its label, the matrix before the answer (after it in the report
#     page), the table's rows in the JSON's order;
#   - two journeys of the same value and traffic (twin-a, twin-b): their
#     dots do not cover each other, each is labelled, the labels do not
#     overlap, and a line leads from each dot back to the place they share;
#     a journey a hair left of the middle line keeps its label on its side,
#     and with two twins of its own (edge2, edge3: spread around a circle
#     that reaches across the line) every dot stays in its quadrant's box;
#   - the screenshots (BUILD_DIR/e2e/journeys.png, journeys-twins.png) are
#     PNGs of the window's size.
# Without chromium or gen_soulsync it prints "SKIP: ..." and exits 0.
set -u
NAME=journeys_e2e.sh
. "$(dirname "$0")/lib/chrome_lib.sh"
AT=2026-11-01T00:00:00Z

"$BUILD/gen_soulsync" --out "$TMP/logs" --days 35 --scale 0.05 >/dev/null || fail "gen_soulsync"
"$HR" journeys -c "$SRC/examples/soulsync" --at $AT --format json "$TMP/logs"/* >"$TMP/j.json" || fail "journeys json"
"$HR" journeys -c "$SRC/examples/soulsync" --at $AT --format html "$TMP/logs"/* >"$TMP/j.html" || fail "journeys html"
"$HR" report -c "$SRC/examples/soulsync" --at $AT --format html -o "$TMP/r.html" "$TMP/logs"/* || fail "report html"

# Two journeys of the same value measuring the same requests: the same place.
python3 - "$TMP/twins.jsonl" <<'PY'
import sys
t0 = 1793404800 - 3 * 86400  # three days up to 2026-10-31T00:00:00Z
with open(sys.argv[1], "w") as f:
    for m in range(3 * 1440):
        for k in range(4):
            path = "/c" if k == 3 and m % 10 == 0 else "/a"
            status = 500 if (m % 97 == 0 and k == 0) else 200
            f.write('{"time": %d, "status": %d, "path": "%s"}\n' % (t0 + m * 60 + k * 10, status, path))
PY
{
  printf 'apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: app}\nspec:\n  type: headroom.logs\n  connectionDetails: {format: jsonl}\n'
  # edge: quiet's traffic against its own mark of 150 a day: frequency 0.496, a hair left of the middle line
  for s in twin-a:high:/a twin-b:high:/a quiet:low:/c edge:high:/c edge2:high:/c edge3:high:/c; do
    n=${s%%:*}; r=${s#*:}; v=${r%%:*}; p=${r#*:}
    mark=; [ "${n%[23]}" = edge ] && mark=', headroom.dev/high-frequency: "150"'
    printf -- '---\napiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: %s\n  annotations: {headroom.dev/value: %s%s}\nspec: {}\n' "$n" "$v" "$mark"
    printf -- '---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: %s-ok}\nspec:\n  service: %s\n' "$n" "$n"
    printf '  indicator:\n    metadata: {name: %s-ok}\n    spec:\n      ratioMetric:\n        counter: true\n' "$n"
    printf "        good: {metricSource: {metricSourceRef: app, spec: {filter: 'path == \"%s\" && status < 500'}}}\n" "$p"
    printf "        total: {metricSource: {metricSourceRef: app, spec: {filter: 'path == \"%s\"'}}}\n" "$p"
    printf '  timeWindow: [{duration: 28d, isRolling: true}]\n  objectives: [{target: 0.99}]\n'
  done
} >"$TMP/twins.yaml"
"$HR" journeys -c "$TMP/twins.yaml" --db "$TMP/none.db" --at 2026-10-31T00:00:00Z --format json "$TMP/twins.jsonl" \
  >"$TMP/t.json" 2>"$TMP/t.err" || { cat "$TMP/t.err" >&2; fail "journeys json (twins)"; }
"$HR" journeys -c "$TMP/twins.yaml" --db "$TMP/none.db" --at 2026-10-31T00:00:00Z --format html "$TMP/twins.jsonl" \
  >"$TMP/t.html" 2>"$TMP/t.err" || { cat "$TMP/t.err" >&2; fail "journeys html (twins)"; }

for p in j r t; do
  chrome --dump-dom "file://$TMP/$p.html" >"$TMP/$p.dom" || { cat "$TMP/chromium.err" >&2; fail "chromium --dump-dom $p"; }
done
chrome --screenshot="$OUT/journeys.png" --window-size=1280,600 "file://$TMP/j.html" >/dev/null ||
  { cat "$TMP/chromium.err" >&2; fail "chromium --screenshot"; }
chrome --screenshot="$OUT/journeys-twins.png" --window-size=1280,600 "file://$TMP/t.html" >/dev/null ||
  { cat "$TMP/chromium.err" >&2; fail "chromium --screenshot (twins)"; }

python3 - "$TMP" "$OUT" <<'PY' || exit 1
import json, math, re, struct, sys
tmp, out = sys.argv[1], sys.argv[2]
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
def attrs(tag):
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
def matrix(dom):
    m = re.search(r'<section class="matrix" id="ov-matrix"[^>]*>(.*?)</section>', dom, re.S)
    if not m:
        return None
    sec = m.group(1)
    rects = {re.search(r"q-(\w+)", a["class"]).group(1): a for a in map(attrs, re.findall(r"<rect [^>]*>", sec))}
    pts = []
    for a in re.finditer(r'<a [^>]*class="pt"[^>]*>(.*?)</a>', sec, re.S):
        head = attrs(a.group(0)[:a.group(0).index(">")])
        circ = attrs(re.search(r'<circle [^>]*class="dot[^"]*"[^>]*>', a.group(1)).group(0))
        text = re.search(r'<text ([^>]*)>([^<]*)</text>', a.group(1))
        pts.append({"service": head["data-journey"], "status": head["data-status"], "cls": circ["class"],
                    "x": float(circ["cx"]), "y": float(circ["cy"]), "label": text.group(2), "t": attrs(text.group(1))})
    rows = re.findall(r'<tr data-journey="([^"]*)"', sec)
    return {"rects": rects, "pts": pts, "rows": rows, "leads": re.findall(r'<line class="lead" [^>]*>', sec),
            "ats": [attrs(t) for t in re.findall(r'<circle class="at" [^>]*>', sec)]}
def inside(p, r, x=None, y=None):
    x = p["x"] if x is None else x
    y = p["y"] if y is None else y
    return float(r["x"]) <= x <= float(r["x"]) + float(r["width"]) and float(r["y"]) <= y <= float(r["y"]) + float(r["height"])

def label_box(p):  # the label's box as the page sizes it (7.2 px a character)
    x, w = float(p["t"]["x"]), 7.2 * len(p["label"]) + 4
    x0 = x - w if p["t"].get("text-anchor") == "end" else x
    return x0, x0 + w, float(p["t"]["y"]) - 12, float(p["t"]["y"]) + 3

js = json.load(open(tmp + "/j.json"))
for page, first in (("j", True), ("r", False)):
    dom = open("%s/%s.dom" % (tmp, page)).read()
    mx = matrix(dom)
    want(mx is not None, "%s: no matrix" % page)
    if mx is None:
        continue
    ia, im = dom.find('id="ov-answer"'), dom.find('id="ov-matrix"')
    want((im < ia) == first, "%s: the matrix is %s the answer" % (page, "after" if first else "before"))
    want([p["service"] for p in mx["pts"]] == [j["service"] for j in js["journeys"]], "%s: points %r" % (page, [p["service"] for p in mx["pts"]]))
    want(mx["rows"] == [j["service"] for j in js["journeys"]], "%s: table rows %r" % (page, mx["rows"]))
    ats = iter(mx["ats"])
    for j, p in zip(js["journeys"], mx["pts"]):
        want(p["status"] == j["status"] and "s-" + j["status"] in p["cls"], "%s: %s coloured %s, want %s" % (page, j["service"], p["cls"], j["status"]))
        want(p["label"] == j["service"], "%s: %s labelled %r" % (page, j["service"], p["label"]))
    for a, b in [(a, b) for a in mx["pts"] for b in mx["pts"] if a["service"] < b["service"]]:
        d = math.hypot(a["x"] - b["x"], a["y"] - b["y"])
        want(d >= 16, "%s: the dots of %s and %s overlap (%.1f px apart)" % (page, a["service"], b["service"], d))
    # each journey's place (its dot, or the mark its lead goes back to) in its quadrant's box
    leads = [attrs(l) for l in mx["leads"]]
    for j, p in zip(js["journeys"], mx["pts"]):
        l = [x for x in leads if abs(float(x["x2"]) - p["x"]) < 0.06 and abs(float(x["y2"]) - p["y"]) < 0.06]
        x, y = (float(l[0]["x1"]), float(l[0]["y1"])) if l else (p["x"], p["y"])
        want(inside(p, mx["rects"][j["quadrant"]], x, y), "%s: %s is not in the %s box" % (page, j["service"], j["quadrant"]))
        # its label in the same box: one over the middle line reads as the other quadrant's
        r, (x0, x1, y0, y1) = mx["rects"][j["quadrant"]], label_box(p)
        want(float(r["x"]) <= x0 and x1 <= float(r["x"]) + float(r["width"]) and float(r["y"]) <= y0 and y1 <= float(r["y"]) + float(r["height"]),
             "%s: the label of %s leaves the %s box" % (page, j["service"], j["quadrant"]))

# the twins: the same place, two dots, two labels apart, a lead from each
tj = json.load(open(tmp + "/t.json"))
a, b = tj["journeys"][0], tj["journeys"][1]
want((a["value"], a["frequency"]) == (b["value"], b["frequency"]), "twins: not at the same place: %r %r" % (a, b))
mx = matrix(open(tmp + "/t.dom").read())
if mx is not None:
    pa, pb = mx["pts"][0], mx["pts"][1]
    want(math.hypot(pa["x"] - pb["x"], pa["y"] - pb["y"]) >= 16, "twins: the dots overlap")
    ba, bb = label_box(pa), label_box(pb)
    want(ba[1] < bb[0] or bb[1] < ba[0] or ba[3] < bb[2] or bb[3] < ba[2], "twins: the labels overlap %r %r" % (ba, bb))
    want(len(mx["leads"]) == 5, "twins: %d leads, want 5 (twin-a, twin-b, edge, edge2, edge3)" % len(mx["leads"]))
    e = [j for j in tj["journeys"] if j["service"] == "edge"][0]
    pe = [p for p in mx["pts"] if p["service"] == "edge"][0]
    r, (x0, x1, y0, y1) = mx["rects"][e["quadrant"]], label_box(pe)
    want(e["quadrant"] == "critical" and 0.45 < e["frequency"] < 0.5, "edge: %r, want just below the middle" % e)
    want(float(r["x"]) <= x0 and x1 <= float(r["x"]) + float(r["width"]), "edge: its label crosses the middle line")
    for p in mx["pts"]:  # edge and its twin spread around a place by the middle line: each dot in its own box
        if p["service"].startswith("edge"):
            want(inside(p, r), "%s: its dot (%.1f, %.1f) is drawn outside the %s box" % (p["service"], p["x"], p["y"], e["quadrant"]))
    xs = {(l["x1"], l["y1"]) for l in map(attrs, mx["leads"])}
    want(len(xs) == 2, "twins: the leads start at %r, want the two places" % xs)
else:
    bad.append("twins: no matrix")
for name in ("journeys.png", "journeys-twins.png"):
    png = open(out + "/" + name, "rb").read()
    want(png[:8] == b"\x89PNG\r\n\x1a\n", name + " is not a PNG")
    w, h = struct.unpack(">II", png[16:24])
    want((w, h) == (1280, 600) and len(png) > 20000, "%s %dx%d, %d bytes" % (name, w, h, len(png)))
for x in bad:
    print("journeys_e2e.sh: FAIL: " + x, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "screenshots: $OUT/journeys.png $OUT/journeys-twins.png"
echo "journeys_e2e: ok"
