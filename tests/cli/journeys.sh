#!/bin/sh
# tests/cli/journeys.sh HEADROOM_BIN BUILD_DIR
# `headroom journeys` against an independent computation. python3 writes
# 40 days of JSON lines (up to 2026-03-01T00:00:00Z) for five services:
# feed (value high, ~2,000 events a day), search (high, 30 a day, and only
# the last 10 days), photos (low, ~1,500 a day), help (0.1, 12 a day),
# chat (high, 800 a day, its own high-frequency mark 5,000), and a Service
# without SLOs (legacy) and one SLO of a service no Service document names
# (orphan, no value). A second python3 pass reads the log back, counts each
# SLO's valid events over the last 28 days itself, and computes events per
# day (the busiest SLO, over the days of history), frequency (the log
# scale, or 0.5 ln(1+e)/ln(1+H)), quadrants, strictest targets and the
# warnings (no value, no SLOs, and every more important journey held
# looser than a less important one). Checked:
#   - --format json from the logs equals python's figures (1e-9);
#   - from the store (ingest) the same JSON, and GET /api/v1/journeys of
#     serve --at is byte for byte the CLI's;
#   - text: the quadrant titles and the warnings;
#   - --format html: one page that loads nothing, its inlined journeys the
#     JSON's, opening on the matrix; report --format html inlines the same
#     journeys (not with --slo);
#   - -o/--output FILE: the bytes of standard output; exit 2 when FILE
#     cannot be written;
#   - headroom.dev/value errors at file:line; exit 2 without -c, bad --format.
set -u
HR=${1:?usage: journeys.sh HEADROOM_BIN BUILD_DIR}
case $HR in /*) ;; *) HR="$(pwd)/$HR" ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "journeys.sh: SKIP: python3 not installed"; exit 0; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-journeys.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "journeys.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
AT=2026-03-01T00:00:00Z

python3 - "$TMP/ev.jsonl" <<'PY'
import sys, random
rnd = random.Random(5)
end = 1772323200  # 2026-03-01T00:00:00Z
rates = {"feed": 2000, "search": 30, "photos": 1500, "help": 12, "chat": 800, "orphan": 50}
out = []
for svc, per_day in rates.items():
    days = 10 if svc == "search" else 40
    n = per_day * days
    for i in range(n):
        t = end - days * 86400 + (i + 0.5) * days * 86400 / n + rnd.uniform(-30, 30)
        status = 500 if rnd.random() < 0.003 else 200
        out.append((t, '{"time": %.3f, "svc": "%s", "status": %d, "ms": %d}' % (t, svc, status, rnd.randrange(900))))
out.sort()
with open(sys.argv[1], "w") as f:
    for _, l in out:
        f.write(l + "\n")
PY

{
cat <<'YAML'
apiVersion: openslo/v1
kind: DataSource
metadata: {name: ev}
spec:
  type: headroom.logs
  connectionDetails: {format: jsonl, paths: ["*.jsonl"], duration: ms, durationUnit: ms}
YAML
for s in "feed high" "search high" "photos low" "help 0.1" "chat high" "legacy medium"; do
  set -- $s
  extra=
  [ "$1" = chat ] && extra='
    headroom.dev/high-frequency: "5000"'
  printf -- '---\napiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: %s\n  annotations:\n    headroom.dev/value: "%s"%s\nspec: {description: %s}\n' "$1" "$2" "$extra" "$1"
done
for s in "feed 0.999 0.99" "search 0.995 -" "photos 0.9999 -" "help 0.99 -" "chat 0.9995 0.99" "orphan 0.9 -"; do
  set -- $s
  printf -- '---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: %s-avail}\nspec:\n  service: %s\n  indicator: {metadata: {name: %s-ok}, spec: {ratioMetric: {good: {metricSource: {metricSourceRef: ev, spec: {filter: '"'"'svc == "%s" && status < 500'"'"'}}}, total: {metricSource: {metricSourceRef: ev, spec: {filter: '"'"'svc == "%s"'"'"'}}}}}}\n  timeWindow: [{duration: 28d, isRolling: true}]\n  objectives: [{target: %s}]\n' "$1" "$1" "$1" "$1" "$1" "$2"
  [ "$3" = - ] && continue
  printf -- '---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: %s-fast}\nspec:\n  service: %s\n  indicator: {metadata: {name: %s-fast}, spec: {ratioMetric: {good: {metricSource: {metricSourceRef: ev, spec: {filter: '"'"'svc == "%s" && status < 500 && duration < 800ms'"'"'}}}, total: {metricSource: {metricSourceRef: ev, spec: {filter: '"'"'svc == "%s" && status < 500'"'"'}}}}}}\n  timeWindow: [{duration: 28d, isRolling: true}]\n  objectives: [{target: %s}]\n' "$1" "$1" "$1" "$1" "$1" "$3"
done
} > "$TMP/slo.yaml"

"$HR" check -c "$TMP/slo.yaml" > "$TMP/check.out" 2>&1 || { cat "$TMP/check.out" >&2; fail "check failed"; }
"$HR" journeys -c "$TMP/slo.yaml" --at $AT --format json "$TMP/ev.jsonl" > "$TMP/logs.json" 2> "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "journeys (logs) exited non-zero"; }

python3 - "$TMP/ev.jsonl" "$TMP/logs.json" <<'PY' || fail "journeys figures differ from python's"
import json, sys, math
events = [json.loads(l) for l in open(sys.argv[1])]
got = json.load(open(sys.argv[2]))
end = 1772323200
lo_t = end - 28 * 86400
slos = {  # service: [(slo, target, valid(e))]
    "feed": [("feed-avail", 0.999, lambda e: True), ("feed-fast", 0.99, lambda e: e["status"] < 500)],
    "search": [("search-avail", 0.995, lambda e: True)],
    "photos": [("photos-avail", 0.9999, lambda e: True)],
    "help": [("help-avail", 0.99, lambda e: True)],
    "chat": [("chat-avail", 0.9995, lambda e: True), ("chat-fast", 0.99, lambda e: e["status"] < 500)],
    "legacy": [],
    "orphan": [("orphan-avail", 0.9, lambda e: True)],
}
values = {"feed": 0.9, "search": 0.9, "photos": 0.2, "help": 0.1, "chat": 0.9, "legacy": 0.5, "orphan": None}
marks = {"chat": 5000}
order = ["feed", "search", "photos", "help", "chat", "legacy", "orphan"]
per_day = {}
for svc in order:
    best = 0.0
    for name, tgt, valid in slos[svc]:
        evs = [e for e in events if e["svc"] == svc and valid(e)]
        v = sum(1 for e in evs if lo_t <= e["time"] < end)
        first = min(e["time"] for e in evs)
        first = math.floor(first / 60) * 60  # the store and the logs count whole minutes from the first one
        span = max(86400.0, end - max(lo_t, first))
        best = max(best, v / (span / 86400))
    per_day[svc] = best
with_traffic = [per_day[s] for s in order if per_day[s] > 0]
lo, hi = min(with_traffic), max(with_traffic)
def freq(svc):
    e = per_day[svc]
    if svc in marks:
        f = 0.5 * math.log1p(e) / math.log1p(marks[svc])
    elif e <= 0:
        f = 0
    else:
        f = (math.log1p(e) - math.log1p(lo)) / (math.log1p(hi) - math.log1p(lo))
    return min(1, max(0, f))
def quadrant(svc):
    v = values[svc] or 0
    f = freq(svc)
    return ("lifeline" if f >= 0.5 else "critical") if v >= 0.5 else ("foundation" if f >= 0.5 else "periphery")
rank = {"periphery": 0, "foundation": 1, "critical": 2, "lifeline": 2}
errs = []
def close(a, b, what):
    if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9 * max(1, abs(b))):
        errs.append("%s: headroom %r, python %r" % (what, a, b))
js = {j["service"]: j for j in got["journeys"]}
if [j["service"] for j in got["journeys"]] != order:
    errs.append("journeys in order %r" % [j["service"] for j in got["journeys"]])
close(got["scale"]["low_events_per_day"], lo, "scale low")
close(got["scale"]["high_events_per_day"], hi, "scale high")
strict = {}
for svc in order:
    j = js.get(svc)
    if j is None:
        continue
    close(j["value"], values[svc], svc + " value")
    close(j["events_per_day"], per_day[svc], svc + " events_per_day")
    close(j["frequency"], freq(svc), svc + " frequency")
    if j["quadrant"] != quadrant(svc):
        errs.append("%s quadrant %s, python %s" % (svc, j["quadrant"], quadrant(svc)))
    st = max(slos[svc], key=lambda x: x[1]) if slos[svc] else None
    strict[svc] = st
    close(j["strictest_target"], st[1] if st else None, svc + " strictest_target")
    if j["strictest_slo"] != (st[0] if st else None):
        errs.append("%s strictest_slo %s" % (svc, j["strictest_slo"]))
    if j["slos"] != [x[0] for x in slos[svc]]:
        errs.append("%s slos %r" % (svc, j["slos"]))
want = []
for svc in order:
    if values[svc] is None:
        want.append("%s has no headroom.dev/value" % svc)
    if not slos[svc]:
        want.append("%s has no SLOs" % svc)
for a in order:
    for b in order:
        if strict.get(a) and strict.get(b) and rank[quadrant(a)] > rank[quadrant(b)] and strict[a][1] < strict[b][1]:
            want.append("%s (%s) is held to at most %s%% (%s), looser than %s (%s) at %s%% (%s)" % (
                a, quadrant(a), "%.10g" % (strict[a][1] * 100), strict[a][0], b, quadrant(b), "%.10g" % (strict[b][1] * 100), strict[b][0]))
ws = got["warnings"]
if len(ws) != len(want) or any(not w.startswith(x) for w, x in zip(ws, want)):
    errs.append("warnings\n  got  %r\n  want %r" % (ws, want))
for e in errs:
    print("journeys.sh: " + e, file=sys.stderr)
print("journeys.sh: %s" % ", ".join("%s %s %.0f/day f=%.2f" % (s, quadrant(s), per_day[s], freq(s)) for s in order))
sys.exit(1 if errs else 0)
PY

# text: the table's quadrant titles and the warnings
"$HR" journeys -c "$TMP/slo.yaml" --at $AT "$TMP/ev.jsonl" > "$TMP/text" 2>&1
for want in "The Lifeline" "Critical Moments" "Foundation" "Periphery" \
  "warning: legacy has no SLOs" "warning: feed (lifeline) is held to at most 99.9% (feed-avail), looser than photos (foundation)"; do
  grep -qF "$want" "$TMP/text" || { cat "$TMP/text" >&2; fail "text: no '$want'"; }
done

# html: the journeys page and the report page inline the same journeys as the JSON
"$HR" journeys -c "$TMP/slo.yaml" --at $AT --format html "$TMP/ev.jsonl" > "$TMP/j.html" 2> "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "journeys --format html exited non-zero"; }
"$HR" report -c "$TMP/slo.yaml" --at $AT --format html -o "$TMP/r.html" "$TMP/ev.jsonl" 2> "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "report --format html exited non-zero"; }
"$HR" report -c "$TMP/slo.yaml" --at $AT --format html --slo feed-avail -o "$TMP/r1.html" "$TMP/ev.jsonl" 2>/dev/null ||
  fail "report --format html --slo exited non-zero"
python3 - "$TMP/logs.json" "$TMP/j.html" "$TMP/r.html" "$TMP/r1.html" <<'PY' || fail "html pages: journeys not the JSON's"
import json, re, sys
want = json.load(open(sys.argv[1]))
bad = []
def inlined(path, key):
    h = open(path).read()
    m = re.search(r"window\.HEADROOM_DATA\." + key + r" = (.*?);\n(?:window|</script>)", h, re.S)
    return h, (json.loads(m.group(1)) if m else None)
for path, view in ((sys.argv[2], "journeys"), (sys.argv[3], None)):
    h, js = inlined(path, "journeys")
    if js != want:
        bad.append("%s: inlined journeys differ from --format json" % path)
    if re.search(r"""(src|href)=["']?(https?:)?//""", h):
        bad.append("%s: loads something from the network" % path)
    got_view = inlined(path, "view")[1]
    if got_view != view:
        bad.append("%s: view %r, want %r" % (path, got_view, view))
if inlined(sys.argv[4], "journeys")[1] is not None:
    bad.append("report --slo: a matrix of one SLO's journey")
for b in bad:
    print("journeys.sh: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# -o FILE: the same bytes as standard output; a file that cannot be written: exit 2
"$HR" journeys -c "$TMP/slo.yaml" --at $AT --format html -o "$TMP/jo.html" "$TMP/ev.jsonl" > "$TMP/jo.out" 2> "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "journeys -o exited non-zero"; }
cmp -s "$TMP/jo.html" "$TMP/j.html" || fail "journeys --format html -o FILE: not the page it writes to standard output"
[ -s "$TMP/jo.out" ] && fail "journeys -o FILE: wrote to standard output too"
"$HR" journeys -c "$TMP/slo.yaml" --at $AT --format json --output "$TMP/jo.json" "$TMP/ev.jsonl" 2>/dev/null &&
  cmp -s "$TMP/jo.json" "$TMP/logs.json" || fail "journeys --format json --output FILE: not the JSON of standard output"
"$HR" journeys -c "$TMP/slo.yaml" --at $AT -o "$TMP/no/such/dir/j.txt" "$TMP/ev.jsonl" > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] || fail "journeys -o into a missing directory: want exit 2"
grep -qxF "headroom: $TMP/no/such/dir/j.txt: cannot write" "$TMP/err" || { cat "$TMP/err" >&2; fail "journeys -o: no 'cannot write'"; }

# the store gives the same figures; the API answers the CLI's JSON
"$HR" ingest -c "$TMP/slo.yaml" --db "$TMP/s.db" "$TMP/ev.jsonl" > /dev/null 2>&1 || fail "ingest"
"$HR" journeys -c "$TMP/slo.yaml" --at $AT --db "$TMP/s.db" --format json > "$TMP/store.json" 2> "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "journeys (store) exited non-zero"; }
python3 - "$TMP/logs.json" "$TMP/store.json" <<'PY' || fail "the store's figures differ from the logs'"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for x, y in zip(a["journeys"], b["journeys"]):
    for k in ("events_per_day", "frequency"):
        if abs(x[k] - y[k]) > 1e-9 * max(1, abs(x[k])):
            sys.exit("%s %s: logs %r, store %r" % (x["service"], k, x[k], y[k]))
    for k in ("quadrant", "strictest_target", "value", "status"):
        if x[k] != y[k]:
            sys.exit("%s %s: logs %r, store %r" % (x["service"], k, x[k], y[k]))
if a["warnings"] != b["warnings"]:
    sys.exit("warnings differ")
PY
if command -v curl >/dev/null 2>&1; then
  cli_fails=$fails
  bin=$HR
  cd "$TMP" || exit 1
  . "$HERE/lib/serve_lib.sh"
  fails=$cli_fails
  if start_serve -c "$TMP/slo.yaml" --db "$TMP/s.db" --at $AT -q; then
    curl -s "${url}api/v1/journeys" > api.json || fail "GET /api/v1/journeys"
    cmp -s api.json "$TMP/store.json" || fail "GET /api/v1/journeys differs from journeys --format json"
    kill "$pid" && wait "$pid" 2>/dev/null
    pid=
  else
    fail "serve did not start"
  fi
fi

# errors
printf 'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n    headroom.dev/value: "very"\nspec: {}\n' > "$TMP/bad.yaml"
"$HR" journeys -c "$TMP/bad.yaml" --db "$TMP/none.db" > "$TMP/bad.out" 2>&1
[ $? -eq 2 ] || fail "a bad headroom.dev/value: want exit 2"
grep -qF "bad.yaml:6:25: headroom.dev/value must be low, medium, high or a number from 0 to 1, not 'very'" "$TMP/bad.out" ||
  { cat "$TMP/bad.out" >&2; fail "bad value: no message at its line"; }
"$HR" journeys > /dev/null 2>&1; [ $? -eq 2 ] || fail "without -c: want exit 2"
"$HR" journeys -c "$TMP/slo.yaml" --format csv > /dev/null 2>&1; [ $? -eq 2 ] || fail "--format csv: want exit 2"

[ $fails -eq 0 ] || { echo "journeys.sh: $fails failure(s)"; exit 1; }
echo "journeys.sh: ok"
