#!/bin/sh
# tests/cli/history.sh HEADROOM_BIN BUILD_DIR
# `headroom history` against an independent computation in python3
# (zoneinfo for the periods) over generated JSON lines, 2026-08-20 ..
# 2026-11-10, two events a minute, error bursts at known instants:
#   - three SLOs: a 1M calendar SLO in Europe/Berlin (months of 31, 30 and
#     31 days + the DST hour of 2026-10-25, a burst on 30 September 22:30 UTC
#     that is October in Berlin, another across the DST change), a rolling
#     SLO (UTC periods) with a cost per bad minute only, and a quiet service
#     whose events stop after September (periods with no data: null SLI, met,
#     budget, minutes and cost, never 100 %);
#   - every figure of every row (good, valid, sli, met, budget_consumed,
#     bad_minutes, cost, currency, start, end, complete) and the service
#     totals, by month, quarter and week (--from/--to around the DST week);
#   - the same from the store after `ingest`, with a maintenance window on
#     the timeline (its whole minutes count off, in the figures and in the
#     minutes);
#   - csv: RFC 4180 (CRLF, a quoted service name with a comma and a quote),
#     the same rows as the JSON; html: self-contained, a table per service,
#     a sparkline per SLO, the misses in red, the cost total;
#   - refusals: bad --period, --from after --to, unknown --slo/--service;
#   - GET /api/v1/history of `serve --at` equals the CLI's JSON.
# Never the wall clock: every run names --at.
set -u
. "$(dirname "$0")/lib/common.sh"
test_init history "$@"
python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Europe/Berlin")' 2>/dev/null ||
  { echo "history.sh: python3 zoneinfo with tzdata is needed" >&2; exit 1; }
. "$SRC/tests/cli/lib/serve_lib.sh" # start_serve
bin=$HR
cd "$TMP" || exit 1
AT=2026-11-10T00:00:00Z

cat >conf.yaml <<'YAML'
apiVersion: openslo/v1
kind: DataSource
metadata: {name: app}
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    fields: {time: t, status: s, path: p}
    paths: ["none/*.log"]
---
apiVersion: openslo/v1
kind: Service
metadata: {name: 'shop, "eu"'}
spec: {description: a name a spreadsheet must get quoted}
---
apiVersion: openslo/v1
kind: Service
metadata: {name: quiet}
spec: {description: events until September only}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: berlin
  annotations:
    headroom.dev/cost-per-bad-event: "0.5"
    headroom.dev/cost-per-bad-minute: "3"
    headroom.dev/currency: EUR
spec:
  service: 'shop, "eu"'
  indicator:
    metadata: {name: berlin}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: app, type: headroom.logs, spec: {filter: 'status < 500'}}}
        total: {metricSource: {metricSourceRef: app, type: headroom.logs, spec: {filter: 'path == "/shop"'}}}
  timeWindow: [{duration: 1M, isRolling: false, calendar: {startTime: "2026-01-01 00:00:00", timeZone: Europe/Berlin}}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: rolling
  annotations:
    headroom.dev/cost-per-bad-minute: "10"
    headroom.dev/currency: USD
spec:
  service: 'shop, "eu"'
  indicator:
    metadata: {name: rolling}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: app, type: headroom.logs, spec: {filter: 'status < 500'}}}
        total: {metricSource: {metricSourceRef: app, type: headroom.logs, spec: {filter: 'path == "/shop"'}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.995}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: quiet}
spec:
  service: quiet
  indicator:
    metadata: {name: quiet}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: app, type: headroom.logs, spec: {filter: 'status < 500'}}}
        total: {metricSource: {metricSourceRef: app, type: headroom.logs, spec: {filter: 'path == "/quiet"'}}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.9}]
YAML

# The events, and the reference computation (imported by check.py).
cat >ref.py <<'PY'
import json, math
from datetime import datetime, timezone, timedelta
from zoneinfo import ZoneInfo

def ts(s):
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())

START, END = ts("2026-08-20T00:00:00Z"), ts("2026-11-10T00:00:00Z")
QUIET_END = ts("2026-10-01T00:00:00Z")
# error bursts [from, to): share of /shop answers that fail (every k-th)
BURSTS = [("2026-08-25T10:00:00Z", "2026-08-25T10:40:00Z", 2),    # August, both zones
          ("2026-09-30T22:30:00Z", "2026-09-30T23:20:00Z", 1),    # October in Berlin, September in UTC
          ("2026-10-25T00:30:00Z", "2026-10-25T08:30:00Z", 1),    # across the DST change: October missed
          ("2026-11-03T08:00:00Z", "2026-11-03T08:07:00Z", 1),    # the month not over
          ("2026-09-12T13:00:00Z", "2026-09-12T13:30:00Z", 1)]    # under the maintenance window (store)
BURSTS = [(ts(a), ts(b), k) for a, b, k in BURSTS]
MAINT = (ts("2026-09-12T12:59:30Z"), ts("2026-09-12T13:40:00Z"))  # whole minutes 13:00 .. 13:40 off

def events():
    n = 0
    for t in range(START, END, 30):  # two a minute
        n += 1
        s = 200
        for a, b, k in BURSTS:
            if a <= t < b and n % k == 0:
                s = 503
        yield t, "/shop", s
        if t < QUIET_END and t % 600 == 0:
            yield t + 7, "/quiet", 500 if (t // 600) % 50 == 0 else 200

def write(path):
    with open(path, "w") as f:
        for t, p, s in events():
            f.write(json.dumps({"t": t, "s": s, "p": p}) + "\n")

SLOS = {  # name: (service, path, target, zone, per event, per minute, currency)
    "berlin": ('shop, "eu"', "/shop", 0.99, "Europe/Berlin", 0.5, 3.0, "EUR"),
    "rolling": ('shop, "eu"', "/shop", 0.995, "UTC", None, 10.0, "USD"),
    "quiet": ("quiet", "/quiet", 0.9, "UTC", None, None, None),
}

def period_start(unit, z, t):
    d = datetime.fromtimestamp(t, z).date()
    if unit == "week":
        d = d - timedelta(days=d.weekday())
    elif unit == "month":
        d = d.replace(day=1)
    else:
        d = d.replace(day=1, month=(d.month - 1) // 3 * 3 + 1)
    return d

def next_start(unit, d):
    if unit == "week":
        return d + timedelta(days=7)
    months = 1 if unit == "month" else 3
    m = d.month - 1 + months
    return d.replace(year=d.year + m // 12, month=m % 12 + 1, day=1)

def utc_of(z, d):
    return int(datetime(d.year, d.month, d.day, tzinfo=z).timestamp())

def label(unit, d):
    if unit == "quarter":
        return "%04d-Q%d" % (d.year, (d.month + 2) // 3)
    if unit == "week":
        return d.isoformat()
    return "%04d-%02d" % (d.year, d.month)

def compute(unit, at, frm=None, to=None, store=False):
    minutes = {name: {} for name in SLOS}  # minute -> [good, valid]
    for t, p, s in events():
        if t >= at:
            continue
        if store and p == "/shop" and -(-MAINT[0] // 60) * 60 <= t < MAINT[1] // 60 * 60:
            continue  # the whole minutes inside the maintenance window count off
        for name, (svc, path, *_r) in SLOS.items():
            if p == path:
                m = minutes[name].setdefault(t // 60 * 60, [0, 0])
                m[1] += 1
                m[0] += s < 500
    to = at if to is None or to > at else to
    if frm is None:
        firsts = [min(v) for v in minutes.values() if v]
        frm = min(firsts) if firsts else to - 1
    rows, totals = [], {}
    for name, (svc, path, target, zone, pe, pm, cur) in SLOS.items():
        z = ZoneInfo(zone)
        d = period_start(unit, z, frm)
        while utc_of(z, d) < to:
            s, e = utc_of(z, d), utc_of(z, next_start(unit, d))
            g = v = bad_min = 0
            for m, (mg, mv) in minutes[name].items():
                if s <= m < min(e, at):
                    g += mg
                    v += mv
                    bad_min += mv > 0 and mg / mv < target - 1e-12
            r = {"slo": name, "service": svc, "start": s, "end": e, "label": label(unit, d), "zone": zone,
                 "complete": e <= at, "good": g, "valid": v, "target": target, "currency": cur}
            if v:
                r.update(sli=g / v, met=g / v >= target - 1e-12,
                         budget_consumed=(v - g) / ((1 - target) * v), bad_minutes=bad_min)
                r["cost"] = None if pe is None and pm is None else \
                    (v - g) * (pe or 0) + bad_min * (pm or 0)
            else:
                r.update(sli=None, met=None, budget_consumed=None, bad_minutes=None, cost=None)
            rows.append(r)
            T = totals.setdefault(svc, {"periods": 0, "missed": 0, "nodata": 0, "bad_minutes": 0, "cost": None,
                                        "currencies": set()})
            if pe is not None or pm is not None:
                T["currencies"].add(cur)
                T["cost"] = T["cost"] or 0
            if v:
                T["periods"] += 1
                T["missed"] += not r["met"]
                T["bad_minutes"] += bad_min
                if r["cost"] is not None:
                    T["cost"] += r["cost"]
            else:
                T["nodata"] += 1
            d = next_start(unit, d)
    return rows, totals
PY

python3 -c 'import ref; ref.write("app.jsonl")' || { echo "history.sh: generating the events failed" >&2; exit 1; }

cat >check.py <<'PY'
import json, sys
from datetime import datetime
import ref
got_path, unit, at = sys.argv[1], sys.argv[2], ref.ts(sys.argv[3])
frm = ref.ts(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else None
to = ref.ts(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] else None
store = len(sys.argv) > 6 and sys.argv[6] == "store"
got = json.load(open(got_path))
rows, totals = ref.compute(unit, at, frm, to, store)
bad = []
def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, bool) or isinstance(a, bool):
        return a is b
    return abs(a - b) <= 1e-9 * max(1, abs(b))
if got["period"] != unit:
    bad.append("period %s, want %s" % (got["period"], unit))
if len(got["periods"]) != len(rows):
    bad.append("%d rows, want %d: %s" % (len(got["periods"]), len(rows), [(r["slo"], r["label"]) for r in got["periods"]]))
for g, w in zip(got["periods"], rows):
    for k, v in w.items():
        x = g.get(k, "(absent)")
        if k in ("start", "end"):
            x = ref.ts(x)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and isinstance(x, (int, float)) or v is None:
            ok = close(x, v)
        else:
            ok = x == v
        if not ok:
            bad.append("%s %s: %s = %r, want %r" % (w["slo"], w["label"], k, x, v))
for s in got["services"]:
    w = totals[s["service"]]
    for k in ("periods", "missed", "nodata", "bad_minutes"):
        if s[k] != w[k]:
            bad.append("service %s: %s = %r, want %r" % (s["service"], k, s[k], w[k]))
    wc = w["cost"] if len(w["currencies"]) <= 1 else None
    if not close(s["cost"], wc):
        bad.append("service %s: cost = %r, want %r" % (s["service"], s["cost"], wc))
    if s["mixed_currency"] != (len(w["currencies"]) > 1):
        bad.append("service %s: mixed_currency = %r" % (s["service"], s["mixed_currency"]))
# the grand total: every row; the shop's EUR and USD make it mixed
A = {k: sum(t[k] for t in totals.values()) for k in ("periods", "missed", "nodata", "bad_minutes")}
for k, v in A.items():
    if got["total"][k] != v:
        bad.append("total: %s = %r, want %r" % (k, got["total"][k], v))
if got["total"]["cost"] is not None or got["total"]["mixed_currency"] is not True:
    bad.append("total: cost %r, mixed_currency %r: EUR and USD must not be summed" %
               (got["total"]["cost"], got["total"]["mixed_currency"]))
for b in bad[:25]:
    print(b)
sys.exit(1 if bad else 0)
PY

# run NAME ARGS...: history --format json into NAME.json (exit 0 wanted).
run() {
  name=$1
  shift
  "$HR" history -c conf.yaml --at $AT --format json "$@" >"$name.json" 2>"$name.err" ||
    { fail "history $*: exit $?"; cat "$name.err" >&2; }
}
check() { # check NAME UNIT [FROM TO [store]]
  python3 check.py "$1.json" "$2" $AT "${3:-}" "${4:-}" "${5:-}" >"$1.diff" 2>&1 ||
    { fail "$1: figures differ from the reference"; cat "$1.diff" >&2; }
}

# ---- from the logs ----
run month app.jsonl --db none.db
check month month
run quarter app.jsonl --db none.db --period quarter
check quarter quarter
run week app.jsonl --db none.db --period week --from 2026-10-20T00:00:00Z --to 2026-11-02T00:00:00Z
check week week 2026-10-20T00:00:00Z 2026-11-02T00:00:00Z
python3 - <<'PY' || fail "the month rows do not show what the case is built for"
import json
rows = {(r["slo"], r["label"]): r for r in json.load(open("month.json"))["periods"]}
b = lambda s, l: rows[(s, l)]
# October in Berlin holds the burst of 30 September 22:30 UTC; in UTC September does
assert b("berlin", "2026-10")["valid"] != b("rolling", "2026-10")["valid"]
assert b("berlin", "2026-10")["end"] == "2026-10-31T23:00:00Z", b("berlin", "2026-10")["end"]
assert b("berlin", "2026-10")["start"] == "2026-09-30T22:00:00Z"
# October in Berlin is 31 days and an hour of minutes: 2 events each
assert b("berlin", "2026-10")["valid"] == 2 * (31 * 1440 + 60), b("berlin", "2026-10")["valid"]
assert b("rolling", "2026-09")["valid"] == 2 * 30 * 1440
assert b("berlin", "2026-10")["met"] is False and b("berlin", "2026-10")["bad_minutes"] > 0
assert b("berlin", "2026-11")["complete"] is False and b("berlin", "2026-10")["complete"] is True
q = b("quiet", "2026-10")
assert q["sli"] is None and q["met"] is None and q["budget_consumed"] is None and q["cost"] is None, q
assert b("quiet", "2026-09")["sli"] is not None
PY

# ---- from the store, with a maintenance window ----
"$HR" ingest -c conf.yaml --db h.db app.jsonl >/dev/null 2>ingest.err || { fail "ingest"; cat ingest.err >&2; }
"$HR" annotate -c conf.yaml --db h.db --service 'shop, "eu"' --kind maintenance --at 2026-09-12T12:59:30Z \
  --until 2026-09-12T13:40:00Z --text "db migration" >/dev/null 2>ann.err || { fail "annotate"; cat ann.err >&2; }
run store --db h.db
check store month "" "" store
run store-q --db h.db --period quarter
check store-q quarter "" "" store
cmp -s month.json store.json && fail "the maintenance window changed nothing in the store's figures"

# ---- csv ----
"$HR" history -c conf.yaml --at $AT --db h.db --format csv >h.csv 2>csv.err || fail "history --format csv"
python3 - <<'PY' || fail "csv: not the JSON's rows in RFC 4180"
import csv, json
raw = open("h.csv", "rb").read()
assert raw.count(b"\r\n") == raw.count(b"\n") and raw.endswith(b"\r\n"), "lines must end in CRLF"
assert b'"shop, ""eu"""' in raw, "the service name must be quoted with its quotes doubled"
rows = list(csv.DictReader(open("h.csv", newline="")))
js = json.load(open("store.json"))["periods"]
assert len(rows) == len(js), (len(rows), len(js))
for c, j in zip(rows, js):
    for k in ("slo", "service", "start", "end", "good", "valid", "sli", "target", "met", "budget_consumed",
              "bad_minutes", "cost", "currency", "label", "zone", "complete"):
        v = j[k]
        want = "" if v is None else ("true" if v is True else "false" if v is False else v)
        if isinstance(want, float):
            assert float(c[k]) == want, (k, c[k], want)
        else:
            assert c[k] == str(want), (k, c[k], want)
PY

# ---- html ----
"$HR" history -c conf.yaml --at $AT --db h.db --format html -o h.html 2>html.err || fail "history --format html -o"
python3 - <<'PY' || fail "html: not the page the JSON describes"
import json, re
h = open("h.html").read()
js = json.load(open("store.json"))
assert h.startswith("<!doctype html>") and h.rstrip().endswith("</html>")
assert not re.search(r'(src|href)=', h), "the page must load nothing"
assert h.count("<svg") == 3, h.count("<svg")               # a sparkline per SLO
assert h.count("<section>") == 2                            # a table per service
assert "shop, &quot;eu&quot;" in h                          # escaped
missed = sum(1 for r in js["periods"] if r["met"] is False)
assert h.count('class="p miss"') == missed, (h.count('class="p miss"'), missed)
assert h.count('fill="#c62828"') == missed                  # red points
nodata = sum(1 for r in js["periods"] if r["sli"] is None)
assert h.count('class="p nodata">no data') == nodata
shop = [s for s in js["services"] if s["service"] != "quiet"][0]
assert shop["mixed_currency"] and "several currencies" in h  # EUR and USD never summed
assert "All services: " in h and h.count('<p class="sum">') == 3  # the grand total and one per service
PY

# ---- refusals ----
expect_err() { # expect_err MESSAGE ARGS...
  pat=$1
  shift
  refuse 2 "$pat" history -c conf.yaml --at $AT --db h.db "$@"
}
expect_err "expected week, month or quarter" --period year
expect_err "--from must be before --to" --from 2026-10-01T00:00:00Z --to 2026-09-01T00:00:00Z
expect_err "no SLO named nope" --slo nope
expect_err "no SLO of service nope" --service nope
expect_err "range is empty" --from 2026-12-01T00:00:00Z
"$HR" history -c conf.yaml --at $AT --db h.db --slo quiet --format json >one.json || fail "--slo quiet"
python3 -c 'import json; r = json.load(open("one.json"))["periods"]; assert {x["slo"] for x in r} == {"quiet"}' ||
  fail "--slo quiet shows other SLOs"

# ---- the API ----
if command -v curl >/dev/null 2>&1; then
  if start_serve -c conf.yaml --db h.db --at $AT -q; then
    curl -s "${url}api/v1/history" >api.json || fail "GET /api/v1/history"
    cmp -s api.json store.json || fail "GET /api/v1/history differs from history --format json"
    curl -s "${url}api/v1/history?period=quarter" >api-q.json
    cmp -s api-q.json store-q.json || fail "GET /api/v1/history?period=quarter differs from the CLI"
    code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/v1/history?slo=nope")
    [ "$code" = 404 ] || fail "GET /api/v1/history?slo=nope: $code, want 404"
    code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/v1/history?period=decade")
    [ "$code" = 400 ] || fail "GET /api/v1/history?period=decade: $code, want 400"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
  else
    fail "serve did not start"
  fi
else
  echo "history.sh: curl missing: the API part is skipped"
fi

test_done
