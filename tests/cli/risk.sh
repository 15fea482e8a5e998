#!/bin/sh
# tests/cli/risk.sh HEADROOM_BIN BUILD_DIR
# `headroom risk` and the gate's release risk limit, against an independent
# computation in python over a generated history with deploys and bursts at
# known instants (docs/cli/risk.md):
#   - 40 days of a shop's requests (2 a minute, epoch seconds, JSON lines)
#     with 12 deploys; after some of them a burst of 5xx (availability) or
#     of slow answers (latency) of a known length; one deploy before the
#     data begins, one inside the last horizon (not a past release yet);
#   - every JSON figure (consumption mean/p50/p90/max, p_at_least,
#     p_exhaust, budget_remaining, deploys) from the logs, from an ingested
#     store, with --horizon 6h --canary 0.1; the text's sentences;
#   - a service with SLOs but no deploy: null shares, the text says so;
#   - the gate: max_p_exhaust denies a high-risk change and quotes the
#     figure, allows a normal one and says the risk is within the limit;
#     with no past deploy the limit denies what the nodata row forbids;
#   - refusals: unknown service, bad --horizon/--canary, bad policy keys.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
test_init risk "$@"
AT=2026-10-11T00:00:00Z

cat >"$TMP/slo.yaml" <<'EOF'
apiVersion: openslo/v1
kind: DataSource
metadata: {name: shop-log}
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    fields: {time: t, status: s, path: p}
    duration: d
    durationUnit: ms
---
apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
  annotations:
    headroom.dev/gate-policy: '{max_p_exhaust: {normal: 0.5, high: 0.05}}'
spec: {description: a shop}
---
apiVersion: openslo/v1
kind: Service
metadata:
  name: quiet
  annotations:
    headroom.dev/gate-policy: '{max_p_exhaust: {normal: 0.5}}'
spec: {description: a service nobody deploys}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: shop-availability
  annotations:
    headroom.dev/status-thresholds: '{remaining: [0.1, 0.05, 0]}'
spec:
  service: shop
  indicator:
    metadata: {name: shop-availability}
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource: {metricSourceRef: shop-log, type: headroom.logs, spec: {filter: 'status < 500'}}
        total:
          metricSource: {metricSourceRef: shop-log, type: headroom.logs, spec: {filter: 'path =~ "^/shop/"'}}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: shop-latency
  annotations:
    headroom.dev/status-thresholds: '{remaining: [0.1, 0.05, 0]}'
spec:
  service: shop
  indicator:
    metadata: {name: shop-latency}
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource: {metricSourceRef: shop-log, type: headroom.logs, spec: {filter: 'duration < 300ms'}}
        total:
          metricSource: {metricSourceRef: shop-log, type: headroom.logs, spec: {filter: 'path =~ "^/shop/" && status < 500'}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.95}]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: quiet-availability
spec:
  service: quiet
  indicator:
    metadata: {name: quiet-availability}
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource: {metricSourceRef: shop-log, type: headroom.logs, spec: {filter: 'status < 500'}}
        total:
          metricSource: {metricSourceRef: shop-log, type: headroom.logs, spec: {filter: 'path =~ "^/quiet/"'}}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
EOF

# The history: written, and computed again, by the same python (the model
# below is the only thing both share; the counting is python's own).
cat >"$TMP/model.py" <<'EOF'
import json, sys
T0 = 1788220800            # 2026-09-01T00:00:00Z: the first event
DAYS = 40                  # ... to 2026-10-11T00:00:00Z (the instant)
AT = T0 + DAYS * 86400
# (deploy time, minutes of 5xx after it, minutes of slow answers after it)
DEPLOYS = [(T0 - 3 * 86400, 0, 0)]  # before the data: not a release of the SLOs' history
for i, (err, slow) in enumerate([(0, 0), (0, 30), (5, 0), (10, 60), (15, 0), (25, 120),
                                 (40, 0), (60, 10), (90, 0), (0, 0)]):
    DEPLOYS.append((T0 + (2 + 3 * i) * 86400 + 10 * 3600 + 7 * 60, err, slow))
DEPLOYS.append((AT - 6 * 3600, 0, 20))  # inside the last 24h: not yet a past release
INCIDENT = (AT - 3 * 86400, 230)         # a burst that is no deploy's: spends budget now

def events():
    """(t, status, duration ms, path) for every request, in time order."""
    bad = set()
    slow = set()
    for d, e, s in DEPLOYS:
        bad.update(range(d // 60, d // 60 + e))
        slow.update(range(d // 60, d // 60 + s))
    bad.update(range(INCIDENT[0] // 60, INCIDENT[0] // 60 + INCIDENT[1]))
    for m in range(T0 // 60, AT // 60):
        for k in range(2):
            t = m * 60 + 7 + 30 * k
            st = 503 if m in bad and k == 0 or m in bad and m % 2 == 0 else 200
            d = 450 if m in slow else 40 + (m * 7 + k) % 200
            yield t, st, d, "/shop/cart"
        if m % 10 == 0:
            yield m * 60 + 50, 200, 20, "/quiet/ping"

if __name__ == "__main__":
    w = sys.stdout.write
    for t, st, d, p in events():
        w('{"t":%d,"s":%d,"d":%d,"p":"%s"}\n' % (t, st, d, p))
EOF
python3 "$TMP/model.py" >"$TMP/shop.jsonl" || { echo "risk.sh: generator failed" >&2; exit 1; }

# Deploys go on the timeline: ann.db holds only them (for logs), full.db
# them and the ingested counts.
python3 - "$TMP/model.py" >"$TMP/deploys" <<'EOF'
import sys, datetime
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import model
for d, _, _ in model.DEPLOYS:
    print(datetime.datetime.fromtimestamp(d, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
EOF
for db in ann full; do
  while read -r t; do
    "$HR" annotate -c "$TMP/slo.yaml" --db "$TMP/$db.db" --service shop --kind deploy --text "release" --at "$t" \
      >/dev/null 2>"$TMP/ann.err" || { fail "annotate $t"; cat "$TMP/ann.err" >&2; }
  done <"$TMP/deploys"
done
"$HR" ingest -c "$TMP/slo.yaml" --db "$TMP/full.db" "$TMP/shop.jsonl" >/dev/null 2>"$TMP/ingest.err" ||
  { fail "ingest"; cat "$TMP/ingest.err" >&2; }

# check JSON HORIZON_S CANARY: every figure against the model.
check() {
  python3 - "$TMP/model.py" "$1" "$2" "$3" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import model
out = json.load(open(sys.argv[2]))
H, F = int(sys.argv[3]), float(sys.argv[4])
ev = list(model.events())
slos = {  # name: (valid, good, target, window seconds)
    "shop-availability": (lambda s, d, p: p.startswith("/shop/"), lambda s, d, p: s < 500, 0.99, 28 * 86400),
    "shop-latency": (lambda s, d, p: p.startswith("/shop/") and s < 500, lambda s, d, p: d < 300, 0.95, 7 * 86400),
}
def counts(name, lo, hi):
    valid, good = slos[name][0], slos[name][1]
    v = g = 0
    for t, s, d, p in ev:
        if lo <= t < hi and valid(s, d, p):
            v += 1
            g += good(s, d, p)
    return g, v
ok = True
def want(what, got, exp, tol=1e-9):
    global ok
    if exp is None or got is None:
        good = got is None and exp is None
    elif isinstance(exp, (int, float)):
        good = abs(got - exp) <= tol * max(1, abs(exp))
    else:
        good = got == exp
    if not good:
        print(f"  {what}: got {got!r}, want {exp!r}")
        ok = False
past = sorted(d for d, _, _ in model.DEPLOYS if d + H <= model.AT)
want("service", out["service"], "shop")
want("horizon_seconds", out["horizon_seconds"], H)
want("canary", out["canary"], F)
want("deploys", out["deploys"], len(past))
want("slo names", [s["name"] for s in out["slos"]], list(slos))
first = min(t for t, s, d, p in ev if p.startswith("/shop/"))
for s in out["slos"]:
    name = s["name"]
    _, _, target, W = slos[name]
    g, v = counts(name, model.AT - W, model.AT)
    left = 1 - (1 - g / v) / (1 - target)
    want(name + " budget_remaining", s["budget_remaining"], left)
    cons = []
    for d in past:
        if d < first // 60 * 60:
            continue
        g, v = counts(name, d, d + H)
        burn = (1 - g / v) / (1 - target) if v else 0
        cons.append(burn * H / W * F)
    cons.sort()
    n = len(cons)
    want(name + " deploys", s["deploys"], n)
    rank = lambda q: cons[max(1, min(n, -(-int(q * n * 1000000) // 1000000))) - 1]
    want(name + " mean", s["consumption"]["mean"], sum(cons) / n)
    want(name + " p50", s["consumption"]["p50"], rank(0.5))
    want(name + " p90", s["consumption"]["p90"], rank(0.9))
    want(name + " max", s["consumption"]["max"], cons[-1])
    for k in ["0.01", "0.02", "0.05", "0.1", "0.2"]:
        want(name + " p_at_least " + k, s["p_at_least"][k], sum(c >= float(k) - 1e-12 for c in cons) / n)
    pe = 1.0 if left <= 0 else sum(c >= left for c in cons) / n
    want(name + " p_exhaust", s["p_exhaust"], pe)
    print(f"  {name}: left {left:.4f}, {n} deploys, consumption {[round(c, 4) for c in cons]}, p_exhaust {pe}",
          file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

# From the logs (the timeline from ann.db), and from the store.
"$HR" risk -c "$TMP/slo.yaml" --service shop --at $AT --db "$TMP/ann.db" --format json "$TMP/shop.jsonl" \
  >"$TMP/logs.json" 2>"$TMP/err" || { fail "risk from logs: exit $?"; cat "$TMP/err" >&2; }
check "$TMP/logs.json" 86400 1 2>"$TMP/detail" || fail "risk from logs: figures"
"$HR" risk -c "$TMP/slo.yaml" --service shop --at $AT --db "$TMP/full.db" --format json \
  >"$TMP/store.json" 2>"$TMP/err" || { fail "risk from the store: exit $?"; cat "$TMP/err" >&2; }
check "$TMP/store.json" 86400 1 || fail "risk from the store: figures"
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a["slos"]!=b["slos"])' \
  "$TMP/logs.json" "$TMP/store.json" || fail "logs and store disagree"
"$HR" risk -c "$TMP/slo.yaml" --service shop --at $AT --db "$TMP/full.db" --horizon 6h --canary 0.1 --format json \
  >"$TMP/canary.json" 2>"$TMP/err" || { fail "risk --canary: exit $?"; cat "$TMP/err" >&2; }
check "$TMP/canary.json" 21600 0.1 || fail "risk --horizon 6h --canary 0.1: figures"
# The figures must not be trivial: p_exhaust strictly between 0 and 1 for availability.
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["slos"][0]; sys.exit(not 0 < s["p_exhaust"] < 1)' \
  "$TMP/store.json" || { fail "the scenario's availability p_exhaust is 0 or 1"; cat "$TMP/detail" >&2; }

# Text: the seed's sentence, the canary share.
"$HR" risk -c "$TMP/slo.yaml" --service shop --at $AT --db "$TMP/full.db" >"$TMP/text" 2>&1 || fail "risk text: exit $?"
for s in "Release risk of shop as of 2026-10-11T00:00:00Z, from 11 past deploys" \
  "shop-availability: " "a release has a " "chance of consuming 10 % of the budget" "at the median" \
  "Chance of exhausting what is left: "; do
  grep -qF "$s" "$TMP/text" || { fail "text lacks '$s'"; cat "$TMP/text" >&2; }
done
grep -q "thin" "$TMP/text" && fail "10 deploys called thin"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["thin"] or any(s["thin"] != (s["deploys"] < 5) for s in d["slos"]))' \
  "$TMP/store.json" || fail "JSON thin: per SLO, fewer than 5 deploys"
"$HR" risk -c "$TMP/slo.yaml" --service shop --at $AT --db "$TMP/full.db" --canary 0.1 >"$TMP/text" 2>&1
grep -qF "for a canary to 10 % of the traffic" "$TMP/text" || fail "text lacks the canary share"
# Thin: as of a week after the third deploy, two past deploys.
"$HR" risk -c "$TMP/slo.yaml" --service shop --at 2026-09-12T00:00:00Z --db "$TMP/full.db" >"$TMP/text" 2>&1
grep -qF "Warning: only 3 past deploys: the figures below are thin" "$TMP/text" || { fail "no thin warning"; cat "$TMP/text" >&2; }
"$HR" risk -c "$TMP/slo.yaml" --service shop --at 2026-09-12T00:00:00Z --db "$TMP/full.db" --format json >"$TMP/thin.json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["thin"] and all(s["thin"] for s in d["slos"])))' \
  "$TMP/thin.json" || fail "JSON thin: 3 deploys, every SLO thin"

# A service without deploys: null shares, said plainly.
"$HR" risk -c "$TMP/slo.yaml" --service quiet --at $AT --db "$TMP/full.db" --format json >"$TMP/q.json" 2>&1 ||
  fail "risk quiet: exit $?"
python3 - "$TMP/q.json" <<'EOF' || fail "risk quiet: JSON"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["slos"][0]
assert d["deploys"] == 0 and s["deploys"] == 0, d
assert s["p_exhaust"] is None and all(v is None for v in s["p_at_least"].values()), s
assert all(v is None for v in s["consumption"].values()), s
assert abs(s["budget_remaining"] - 1) < 1e-12, s
EOF
"$HR" risk -c "$TMP/slo.yaml" --service quiet --at $AT --db "$TMP/full.db" >"$TMP/text" 2>&1
grep -qF "there is no history to judge a release by" "$TMP/text" || fail "risk quiet: text"

# The gate's release risk limit (shop: normal 0.5, high 0.1; the statuses
# are green, so the risk decides).
pe=$(python3 -c 'import json,sys; print(max(s["p_exhaust"] for s in json.load(open(sys.argv[1]))["slos"]))' "$TMP/store.json")
"$HR" gate -c "$TMP/slo.yaml" --service shop --risk high --at $AT --db "$TMP/full.db" --format json >"$TMP/g.json" 2>"$TMP/err"
got=$?
python3 - "$TMP/g.json" "$got" "$pe" 0.05 <<'EOF' || fail "gate --risk high"
import json, sys
d = json.load(open(sys.argv[1])); code = int(sys.argv[2]); pe = float(sys.argv[3]); lim = float(sys.argv[4])
want = "deny" if pe > lim else "allow"
assert d["decision"] == want and code == (1 if want == "deny" else 0), (d["decision"], code, pe)
r = d["release_risk"]
assert r["checked"] and abs(r["p_exhaust"] - pe) < 1e-12 and r["deploys"] == 10, r
assert r["max_p_exhaust"] == {"normal": 0.5, "high": 0.05} and r["horizon_seconds"] == 86400, r
assert want == "deny", "the scenario should deny a high-risk change"
assert ("%.0f%% chance of exhausting the budget left of %s" % (pe * 100, r["slo"])) in d["reason"], d["reason"]
assert "at most 5%" in d["reason"], d["reason"]
EOF
"$HR" gate -c "$TMP/slo.yaml" --service shop --risk normal --at $AT --db "$TMP/full.db" >"$TMP/g.txt" 2>&1
got=$?
[ "$got" = 0 ] || { fail "gate --risk normal: exit $got"; cat "$TMP/g.txt" >&2; }
grep -qF "within the 50% the policy allows normal changes" "$TMP/g.txt" || { fail "gate normal: reason"; cat "$TMP/g.txt" >&2; }
"$HR" gate -c "$TMP/slo.yaml" --service shop --risk low --at $AT --db "$TMP/full.db" --format json >"$TMP/g.json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["decision"]!="allow" or d["release_risk"]["checked"])' \
  "$TMP/g.json" || fail "gate --risk low: a class without a limit is judged by the risk"
"$HR" gate -c "$TMP/slo.yaml" --service quiet --risk normal --at $AT --db "$TMP/full.db" >"$TMP/g.txt" 2>&1
got=$?
[ "$got" = 1 ] || fail "gate quiet normal (no past deploy, nodata row forbids normal): exit $got"
grep -qF "no past deploy of quiet" "$TMP/g.txt" || { fail "gate quiet: reason"; cat "$TMP/g.txt" >&2; }

# The API: GET /api/v1/risk of serve --at is the CLI's JSON over the store.
if command -v curl >/dev/null 2>&1; then
  cli_fails=$fails
  bin=$HR
  cd "$TMP" || exit 1
  . "$HERE/lib/serve_lib.sh"
  fails=$cli_fails
  if start_serve -c "$TMP/slo.yaml" --db "$TMP/full.db" --at $AT -q; then
    curl -s "${url}api/v1/risk?service=shop" >api.json || fail "GET /api/v1/risk"
    cmp -s api.json "$TMP/store.json" || fail "GET /api/v1/risk differs from risk --format json"
    curl -s "${url}api/v1/risk?service=shop&horizon=6h&canary=0.1" >api.json
    cmp -s api.json "$TMP/canary.json" || fail "GET /api/v1/risk?horizon=6h&canary=0.1 differs from the CLI"
    for q in "service=nope 404" "horizon=6h 400" "service=shop&canary=2 400" "service=shop&horizon=x 400"; do
      code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/v1/risk?${q% *}")
      [ "$code" = "${q#* }" ] || fail "GET /api/v1/risk?${q% *}: $code, want ${q#* }"
    done
    kill "$pid" && wait "$pid" 2>/dev/null
    pid=
  else
    fail "serve did not start"
  fi
else
  echo "risk.sh: curl missing: the API part is skipped"
fi

# Refusals.
refuse 2 "unknown service 'nope'" risk -c "$TMP/slo.yaml" --service nope --db "$TMP/full.db"
refuse 2 "--horizon: expected a duration" risk -c "$TMP/slo.yaml" --service shop --horizon soon
refuse 2 "--canary: expected a share" risk -c "$TMP/slo.yaml" --service shop --canary 10
refuse 2 "--service S is required" risk -c "$TMP/slo.yaml"
sed 's/{max_p_exhaust: {normal: 0.5, high: 0.05}}/{max_p_exhaust: {normal: 50}}/' "$TMP/slo.yaml" >"$TMP/bad.yaml"
refuse 2 "max_p_exhaust: normal: expected a share from 0 to 1" check -c "$TMP/bad.yaml"

test_done
