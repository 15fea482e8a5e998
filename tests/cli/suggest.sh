#!/bin/sh
# tests/cli/suggest.sh HEADROOM_BIN BUILD_DIR
# `headroom suggest` against an independent computation in python3 over a
# generated nginx log (five weeks, 27 Sep .. 4 Nov 2026, a request or three
# a minute, error and slowness bursts at known instants and durations):
#   - every JSON figure of three SLOs (7d rolling availability and latency in
#     UTC, a 1w calendar availability in Europe/Berlin across the end of
#     DST): the windows ending at each day boundary, each one's SLI
#     (window_slis), their SLIs' nearest-rank
#     quantiles, every candidate's met share and budget, the suggestion, the
#     latency quantiles and thresholds to bucket resolution;
#   - the same JSON from the store after `headroom ingest`;
#   - a history shorter than a window, and one longer than a window in which
#     no window ends at a midnight yet (windows: 0, one window over all);
#   - --confidence, --slo, an unknown --slo, a bad --confidence;
#   - GET /api/v1/suggest of `serve --at` equals the CLI's JSON.
# Never the wall clock: every run names --at.
set -u
. "$(dirname "$0")/lib/common.sh"
test_init suggest "$@"
. "$SRC/tests/cli/lib/serve_lib.sh" # start_serve
bin=$HR
cd "$TMP" || exit 1

# The DataSource's paths match nothing: serve tails no file, the store holds
# what `ingest` put in it.
cat >conf.yaml <<'YAML'
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
spec:
  type: headroom.logs
  connectionDetails:
    format: nginx
    logFormat: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'
    paths: ["none/*.log"]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: avail
spec:
  service: web
  indicator:
    metadata: {name: avail}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: web, type: headroom.logs, spec: {filter: 'status < 500'}}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.995}]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: fast
spec:
  service: web
  indicator:
    metadata: {name: fast}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: web, type: headroom.logs, spec: {filter: 'status < 500 && duration < 300ms'}}}
        total: {metricSource: {metricSourceRef: web, type: headroom.logs, spec: {filter: 'status < 500'}}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.97}]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: avail-berlin
spec:
  service: web
  indicator:
    metadata: {name: avail-berlin}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: web, type: headroom.logs, spec: {filter: 'status < 500'}}}
  timeWindow:
    - duration: 1w
      isRolling: false
      calendar: {startTime: "2026-01-05 00:00:00", timeZone: Europe/Berlin}
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
YAML

# The log: from 2026-09-27T09:13Z to 2026-11-04T03:59Z, 1 + (minute % 3)
# requests a minute; one in 2000 a 500; durations mostly 5..250 ms, 2 % up
# to 900 ms; bursts: (start, minutes, kind, requests a minute).
python3 - <<'PY' || { echo "suggest.sh: generating the log failed" >&2; exit 1; }
import calendar, random, time
B = [0.0] + [0.001 * 10 ** ((k - 1) / 8) for k in range(1, 57)] + [1e4]
def near_bound(d):
    return any(abs(d - b) <= 1e-9 * max(b, 1e-3) for b in B)
def ts(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
BURSTS = [("2026-10-02T14:00:00Z", 60, "errors", 2), ("2026-10-09T03:30:00Z", 30, "errors", 1),
          ("2026-10-15T20:00:00Z", 30, "slow", 20), ("2026-10-21T11:00:00Z", 100, "errors", 2),
          ("2026-10-24T23:30:00Z", 60, "errors", 1), ("2026-10-28T08:00:00Z", 180, "slow", 6),
          ("2026-11-01T06:00:00Z", 10, "errors", 3)]
bursts = [(ts(s), ts(s) + 60 * m, k, r) for s, m, k, r in BURSTS]
rnd = random.Random(20261104)
t0, t1 = ts("2026-09-27T09:13:00Z"), ts("2026-11-04T04:00:00Z")
n = 0
with open("access.log", "w") as f:
    for m in range(t0 // 60, t1 // 60):
        base = m * 60
        burst = next((b for b in bursts if b[0] <= base < b[1]), None)
        k = burst[3] if burst else 1 + m % 3
        for i in range(k):
            n += 1
            t = base + (i * 60) // k
            status = 200
            if burst and burst[2] == "errors":
                status = 500
            elif n % 2000 == 0:
                status = 500
            if burst and burst[2] == "slow":
                d = rnd.randint(350, 2500) / 1000
            elif rnd.random() < 0.02:
                d = rnd.randint(250, 900) / 1000
            else:
                d = rnd.randint(5, 250) / 1000
            while near_bound(d):
                d += 0.001
            f.write('10.0.0.%d - - [%s +0000] "GET /api/x HTTP/1.1" %d 12 "-" "t" %.3f\n'
                    % (n % 250, time.strftime("%d/%b/%Y:%H:%M:%S", time.gmtime(t)), status, d))
PY

# The oracle: parses the log itself and prints the JSON suggest must give
# (figures only) for --at AT.
cat >oracle.py <<'PY'
import bisect, calendar, json, math, re, sys, time
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo
log, at_s, conf = sys.argv[1], sys.argv[2], Fraction(sys.argv[3])
at = calendar.timegm(time.strptime(at_s, "%Y-%m-%dT%H:%M:%SZ"))
B = [0.0] + [0.001 * 10 ** ((k - 1) / 8) for k in range(1, 57)] + [1e4]
def bucket(d):
    return bisect.bisect_right(B, d) - 1
rx = re.compile(r'\[(\d\d)/(\w\w\w)/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "[^"]*" (\d+) \d+ "[^"]*" "[^"]*" ([\d.]+)$')
MON = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}
try:  # parsed once, kept beside the log
    ev = json.load(open(log + ".events.json"))
except OSError:
    ev = []
    for line in open(log):
        m = rx.search(line.rstrip("\n"))
        d, mon, y, hh, mm, ss = m.group(1, 2, 3, 4, 5, 6)
        t = calendar.timegm((int(y), MON[mon], int(d), int(hh), int(mm), int(ss), 0, 0, 0))
        ev.append((t, int(m.group(7)), float(m.group(8))))
    json.dump(ev, open(log + ".events.json", "w"))
ev = [e for e in ev if e[0] < at]
ev.sort()
SLOS = [("avail", 7 * 86400, "UTC", Fraction("0.995"), lambda s, d: True, lambda s, d: s < 500, False),
        ("fast", 7 * 86400, "UTC", Fraction("0.97"), lambda s, d: s < 500, lambda s, d: s < 500 and d < 0.3, True),
        ("avail-berlin", 7 * 86400, "Europe/Berlin", Fraction("0.999"), lambda s, d: True, lambda s, d: s < 500, False)]
CANDS = [Fraction(x) for x in ("0.9", "0.95", "0.99", "0.995", "0.999", "0.9995", "0.9999")]
def rank(sorted_, q):  # nearest rank: the ceil(q n)-th smallest
    return sorted_[max(1, math.ceil(q * len(sorted_))) - 1]
out = {"slos": []}
for name, W, zone, target, valid_f, good_f, lat in SLOS:
    vt = [t for t, s, d in ev if valid_f(s, d)]
    gt = [t for t, s, d in ev if valid_f(s, d) and good_f(s, d)]
    first = vt[0] // 60 * 60
    def counts(a, b):
        return (bisect.bisect_left(gt, b) - bisect.bisect_left(gt, a), bisect.bisect_left(vt, b) - bisect.bisect_left(vt, a))
    tz = ZoneInfo(zone)
    day = datetime.fromtimestamp(first + W, tz).date() - timedelta(days=1)
    ends = []
    while True:
        e = int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())
        if e > at:
            break
        if e >= first + W:
            ends.append(e)
        day += timedelta(days=1)
    wins = [(e - W, e) for e in ends] or [(first, at)]
    per = [counts(a, b) for a, b in wins]
    slis = sorted(Fraction(g, v) for g, v in per if v > 0)
    targets = sorted(set(CANDS + [target]))
    cands = []
    for t in targets:
        met = sum(1 for x in slis if x >= t)
        cands.append({"target": float(t), "met_share": met / len(slis), "budget_seconds": float((1 - t) * W),
                      "windows_met": met, "current": t == target})
    ok = [c for c, t in zip(cands, targets) if Fraction(c["windows_met"], len(slis)) >= conf]
    o = {"name": name, "history_seconds": at - first, "windows": len(ends),
         "achieved": {"min": float(slis[0]), "p10": float(rank(slis, Fraction(1, 10))),
                      "p50": float(rank(slis, Fraction(1, 2)))},
         "candidates": cands, "current_target": float(target),
         "suggested_target": ok[-1]["target"] if ok else None,
         "window_seconds": W, "zone": zone, "windows_with_data": len(slis),
         "first_window_end": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(wins[0][1])),
         "last_window_end": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(wins[-1][1])),
         "latency": None,
         "window_slis": {"end": [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(b)) for a, b in wins],
                         "sli": [float(Fraction(g, v)) if v > 0 else None for g, v in per]}}
    if lat:
        h = [0] * 58
        for t, s, d in ev:
            if valid_f(s, d):
                h[bucket(d)] += 1
        n = sum(h)
        def q(pm):
            r, upto = (n * pm + 999) // 1000, 0
            for b in range(58):
                upto += h[b]
                if upto >= r:
                    return B[b] if b == 57 else B[b + 1]
        o["latency"] = {"p50": q(500), "p95": q(950), "p99": q(990), "events": n, "current_threshold": 0.3,
                        "threshold_for": {"0.9": q(900), "0.95": q(950), "0.99": q(990), "0.999": q(999)}}
    out["slos"].append(o)
json.dump(out, sys.stdout, indent=1)
PY

# compare WANT GOT: every key of WANT in GOT with the same value (floats to
# 1e-9 relative); GOT may have more keys.
cat >compare.py <<'PY'
import json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
def cmp(w, g, path):
    if isinstance(w, dict):
        if not isinstance(g, dict):
            bad.append(f"{path}: got {g!r}, want an object"); return
        for k in w:
            if k not in g:
                bad.append(f"{path}.{k}: missing")
            else:
                cmp(w[k], g[k], f"{path}.{k}")
    elif isinstance(w, list):
        if not isinstance(g, list) or len(g) != len(w):
            bad.append(f"{path}: got {g!r}, want {w!r}"); return
        for i, (a, b) in enumerate(zip(w, g)):
            cmp(a, b, f"{path}[{i}]")
    elif isinstance(w, float) and isinstance(g, (int, float)) and not isinstance(g, bool):
        if abs(w - g) > 1e-9 * max(1.0, abs(w)):
            bad.append(f"{path}: got {g!r}, want {w!r}")
    elif w != g or type(w) is bool and type(g) is not bool:
        bad.append(f"{path}: got {g!r}, want {w!r}")
cmp(want, got, "")
for b in bad[:20]:
    print("  " + b)
sys.exit(1 if bad else 0)
PY

# check AT [CONFIDENCE] [SOURCE ARGS...]: suggest's JSON against the oracle's.
check() {
  at=$1 conf=$2
  shift 2
  "$HR" suggest -c conf.yaml --at "$at" --confidence "$conf" --format json "$@" >got.json 2>err.txt
  rc=$?
  [ $rc = 0 ] || { fail "suggest --at $at $*: exit $rc"; sed 's/^/  | /' err.txt >&2; return; }
  python3 oracle.py access.log "$at" "$conf" >want.json || { fail "oracle --at $at"; return; }
  python3 compare.py want.json got.json >cmp.txt || { fail "suggest --at $at --confidence $conf $*:"; cat cmp.txt >&2; }
}

AT=2026-11-04T03:59:00Z
check $AT 0.9 access.log
check $AT 0.5 access.log
check $AT 1 access.log
check 2026-10-30T00:00:00Z 0.9 access.log           # at a midnight: the window ending there counts
check 2026-09-30T12:00:00Z 0.9 access.log           # shorter than a window
check 2026-10-04T20:00:00Z 0.9 access.log           # longer than 7d, no window ending at a midnight yet

python3 - got.json <<'PY' || fail "the windows: 0 case"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(s["windows"] == 0 and s["windows_with_data"] == 1 for s in d["slos"]), d
PY
"$HR" suggest -c conf.yaml --at $AT --format json access.log >full.json || fail "suggest at $AT"
python3 - full.json <<'PY' || fail "the history at $AT"
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in d["slos"]}
want = {"avail": 31, "fast": 31, "avail-berlin": 31}
got = {k: v["windows"] for k, v in s.items()}
assert got == want, got
assert d["at"] == "2026-11-04T03:59:00Z" and d["lines_read"] > 100000, d["at"]
# Berlin's midnights are 22:00Z in summer time and 23:00Z after 25 October.
assert s["avail-berlin"]["first_window_end"] == "2026-10-04T22:00:00Z", s["avail-berlin"]["first_window_end"]
assert s["avail-berlin"]["last_window_end"] == "2026-11-03T23:00:00Z", s["avail-berlin"]["last_window_end"]
assert s["fast"]["latency"]["current_threshold"] == 0.3
assert s["avail"]["latency"] is None and s["avail-berlin"]["latency"] is None
PY

# The text: the seed's table, the suggestion and why, the short history said plainly.
"$HR" suggest -c conf.yaml --at $AT access.log >text.txt || fail "suggest text"
for pat in 'avail (web): target 99.5% over 7d' '31 windows of 7d ending at midnight (Europe/Berlin)' \
  'achieved over 31 windows (nearest rank): min ' '99.5% (current)' 'per 7d' 'suggested: ' \
  'the tightest target met in at least 90% of the windows' 'latency of ' 'duration < X met by 90%: ' \
  '(the filter now: 300 ms)'; do
  grep -qF -- "$pat" text.txt || fail "text lacks: $pat"
done
"$HR" suggest -c conf.yaml --at 2026-09-30T12:00:00Z access.log >short.txt || fail "suggest text (short)"
grep -qF 'shorter than one 7d window' short.txt || fail "text: the short history is not said: $(sed -n 3p short.txt)"
"$HR" suggest -c conf.yaml --at 2026-10-04T20:00:00Z access.log >gap.txt || fail "suggest text (gap)"
grep -qF 'no whole 7d window ends at a midnight (UTC) yet' gap.txt || fail "text: the gap case: $(sed -n 3p gap.txt)"

# Before the first event: no history, null figures, exit 0.
"$HR" suggest -c conf.yaml --at 2026-09-01T00:00:00Z --format json access.log >none.json || fail "suggest before any event"
python3 - none.json <<'PY' || fail "no history: want null figures"
import json, sys
for s in json.load(open(sys.argv[1]))["slos"]:
    assert s["history_seconds"] == 0 and s["windows"] == 0 and s["windows_with_data"] == 0, s
    assert s["achieved"] == {"min": None, "p10": None, "p50": None} and s["suggested_target"] is None, s
    assert all(c["met_share"] is None for c in s["candidates"]) and s["first_event_at"] is None, s
PY

# --slo: the one element, as in the whole answer.
"$HR" suggest -c conf.yaml --at $AT --format json --slo fast access.log >one.json || fail "--slo fast"
python3 - full.json one.json <<'PY' || fail "--slo fast differs from its element of the whole answer"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [s["name"] for s in b["slos"]] == ["fast"] and b["slos"][0] == a["slos"][1]
PY
"$HR" suggest -c conf.yaml --at $AT --slo nope access.log >/dev/null 2>err.txt
[ $? = 2 ] && grep -qF "no SLO named nope" err.txt || fail "unknown --slo: want exit 2 and its name"
for bad in 0 1.5 x -1; do
  "$HR" suggest -c conf.yaml --at $AT --confidence $bad access.log >/dev/null 2>err.txt
  [ $? = 2 ] && grep -qF -- "--confidence" err.txt || fail "--confidence $bad: want exit 2"
done
"$HR" suggest -c conf.yaml --db none.db --at $AT >/dev/null 2>err.txt
[ $? = 2 ] || fail "no store: want exit 2"

# The store: the same figures after ingest.
"$HR" ingest -c conf.yaml --db h.db access.log >/dev/null 2>err.txt || { fail "ingest"; cat err.txt >&2; }
check $AT 0.9 --db h.db
check 2026-09-30T12:00:00Z 0.9 --db h.db
"$HR" suggest -c conf.yaml --db h.db --at $AT --format json >store.json || fail "suggest --db"
python3 - full.json store.json <<'PY' || fail "store JSON differs from logs JSON"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a["lines_read"] = b["lines_read"] = 0
assert a == b
PY

# The API: /api/v1/suggest of serve --at is the CLI's JSON over the store.
if command -v curl >/dev/null 2>&1; then
  if start_serve -c conf.yaml --db "$TMP/h.db" --at $AT -q; then
    curl -s "${url}api/v1/suggest" >api.json || fail "GET /api/v1/suggest"
    cmp -s api.json store.json || fail "GET /api/v1/suggest differs from suggest --format json"
    curl -s "${url}api/v1/suggest?slo=fast" >api1.json
    "$HR" suggest -c conf.yaml --db h.db --at $AT --format json --slo fast >cli1.json
    cmp -s api1.json cli1.json || fail "GET /api/v1/suggest?slo=fast differs from suggest --slo fast"
    code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/v1/suggest?slo=nope")
    [ "$code" = 404 ] || fail "GET /api/v1/suggest?slo=nope: $code, want 404"
    code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/v1/suggest?confidence=2")
    [ "$code" = 400 ] || fail "GET /api/v1/suggest?confidence=2: $code, want 400"
    kill "$pid" && wait "$pid" 2>/dev/null
    pid=
  else
    fail "serve did not start"
  fi
else
  echo "suggest.sh: curl missing: the API part is skipped"
fi

test_done
