#!/bin/sh
# tests/cli/composite.sh HEADROOM_BIN BUILD_DIR
# Composite SLOs (docs/internals/math.md, "Composite SLOs") against an
# independent computation. python3 writes a day of JSON-lines traffic
# (2026-03-01, 40 requests a minute, a burst of 5xx from 21:00 and of slow
# answers from 22:30), and a composite SLO over three objectives of unequal
# weights (3, 1, 0.5) and targets (0.99, 0.95, 0.9) with its own indicators:
# availability (status < 500), latency (duration < 300ms of the 2xx) and
# checkout availability (path /checkout, status < 500). A second python3
# pass reads the log back, counts each component's good/valid over the
# window and every lookback itself, and computes the composite's figures:
# remaining = 1 - sum(w_i * consumed_i) / sum(w_i), each burn rate the
# weighted mean, time to exhaustion, the status by the default table. Checked:
#   - report --format json: the components as SLOs of their own and the
#     composite after them with `components` (weights, consumed), every figure
#     equal to python's to 1e-9; at two instants (healthy, then burning);
#   - the text report's composite line; gate --service lists the composite;
#   - without alertPolicies its components get no alert conditions (rules);
#   - history (docs/cli/history.md) of a second day (2026-02-28, a burst of
#     5xx) and the first: per month the composite's SLI (weighted mean of the
#     components' with data), budget consumed (weighted mean), met (<= 100 %),
#     bad minutes (minutes whose weighted consumption is above 100 %) and
#     cost, against python; its components marked part_of and counted in
#     the totals through it only; csv kind/part_of, text and html;
#   - config errors at file:line: compositeWeight 0, an objective without an
#     indicator, a composite with an indicator of its own; a compositeWeight
#     on an ordinary SLO is a warning.
set -u
. "$(dirname "$0")/lib/common.sh"
test_init composite "$@"

python3 - "$TMP/web.jsonl" <<'PY'
import sys, random
rnd = random.Random(11)
t0 = 1772323200  # 2026-03-01T00:00:00Z
with open(sys.argv[1], "w") as f:
    for m in range(24 * 60):
        for k in range(40):
            t = t0 + m * 60 + k * 1.5
            path = "/checkout" if k % 4 == 0 else "/api"
            bad = 0.002
            if 21 * 60 <= m < 21 * 60 + 20:
                bad = 0.3 if path == "/checkout" else 0.05
            status = 503 if rnd.random() < bad else (404 if rnd.random() < 0.01 else 200)
            slow = 0.02 if m < 22 * 60 + 30 else 0.4
            ms = 900 if rnd.random() < slow else 40 + rnd.randrange(200)
            f.write('{"time": %.3f, "status": %d, "path": "%s", "ms": %d}\n' % (t, status, path, ms))
PY

cat > "$TMP/conf.yaml" <<'YAML'
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    duration: ms
    durationUnit: ms
---
apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
spec:
  description: the shop
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: shop-journey
  annotations: # history's cost of the composite (its components inherit them; history counts them once)
    headroom.dev/cost-per-bad-event: "0.1"
    headroom.dev/cost-per-bad-minute: "3"
    headroom.dev/currency: USD
spec:
  service: shop
  timeWindow: [{duration: 1d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives:
    - displayName: availability
      target: 0.99
      compositeWeight: 3
      indicator:
        metadata: {name: avail}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {metricSourceRef: web, spec: {filter: 'status < 500'}}}
            total: {metricSource: {metricSourceRef: web, spec: {filter: 'status < 400 || status >= 500'}}}
    - displayName: latency
      target: 0.95
      compositeWeight: 1
      indicator:
        metadata: {name: fast}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {metricSourceRef: web, spec: {filter: 'status < 300 && duration < 300ms'}}}
            total: {metricSource: {metricSourceRef: web, spec: {filter: 'status < 300'}}}
    - displayName: checkout
      target: 0.9
      compositeWeight: 0.5
      indicator:
        metadata: {name: checkout}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {metricSourceRef: web, spec: {filter: 'path == "/checkout" && status < 500'}}}
            total: {metricSource: {metricSourceRef: web, spec: {filter: 'path == "/checkout"'}}}
YAML

"$HR" check -c "$TMP/conf.yaml" > "$TMP/check.out" 2>&1 || { cat "$TMP/check.out" >&2; fail "check exited $?"; }
for at in 2026-03-01T20:00:00Z 2026-03-01T21:30:00Z 2026-03-02T00:00:00Z; do
  "$HR" report -c "$TMP/conf.yaml" --db "$TMP/none.db" --at "$at" --format json "$TMP/web.jsonl" > "$TMP/r.json" 2> "$TMP/r.err" ||
    { cat "$TMP/r.err" >&2; fail "report --at $at exited $?"; continue; }
  python3 - "$TMP/web.jsonl" "$TMP/r.json" "$at" <<'PY' || fail "figures at $at differ from python's"
import json, sys, datetime
log, rep, at = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
T = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
W = 86400.0
comps = [  # name, weight, target, valid(e), good(e)
    ("shop-journey.availability", 3.0, 0.99, lambda e: e["status"] < 400 or e["status"] >= 500, lambda e: e["status"] < 500),
    ("shop-journey.latency", 1.0, 0.95, lambda e: e["status"] < 300, lambda e: e["status"] < 300 and e["ms"] < 300),
    ("shop-journey.checkout", 0.5, 0.9, lambda e: e["path"] == "/checkout", lambda e: e["path"] == "/checkout" and e["status"] < 500),
]
events = [json.loads(l) for l in open(log)]
def counts(c, lo, hi):
    g = v = 0
    for e in events:
        if lo <= e["time"] < hi and c[3](e):
            v += 1
            g += 1 if c[4](e) else 0
    return g, v
lookbacks = {"5m": 300, "30m": 1800, "1h": 3600, "2h": 7200, "6h": 21600, "1d": 86400, "3d": 259200}
slos = {s["name"]: s for s in rep["slos"]}
errs = []
def close(a, b, what):
    if a is None or b is None:
        if a is not b:
            errs.append("%s: headroom %r, python %r" % (what, a, b))
    elif abs(a - b) > 1e-9 * max(1.0, abs(b)):
        errs.append("%s: headroom %r, python %r" % (what, a, b))
wsum = sum(c[1] for c in comps)
consumed = 0.0
burns = {k: 0.0 for k in lookbacks}
sli_num = sli_den = 0.0
for c in comps:
    g, v = counts(c, T - W, T)
    s = slos.get(c[0])
    if s is None:
        errs.append("component %s missing" % c[0]); continue
    if (s["good"], s["valid"]) != (g, v):
        errs.append("%s good/valid %s/%s, python %d/%d" % (c[0], s["good"], s["valid"], g, v))
    if v:
        rem = 1 - (v - g) / ((1 - c[2]) * v)
        consumed += c[1] * (1 - rem)
        sli_num += c[1] * g / v
        sli_den += c[1]
    for k, lb in lookbacks.items():
        gw, vw = counts(c, T - lb, T)
        burns[k] += c[1] * ((1 - gw / vw) / (1 - c[2]) if vw else 0.0)
comp = slos.get("shop-journey")
if comp is None:
    errs.append("composite missing")
else:
    if list(slos)[-1] != "shop-journey":
        errs.append("the composite is not after its components")
    rem = 1 - consumed / wsum
    close(comp["budget_remaining"], rem, "budget_remaining")
    close(comp["sli"], sli_num / sli_den if sli_den else None, "sli (weighted mean)")
    close(comp["target"], (3 * 0.99 + 1 * 0.95 + 0.5 * 0.9) / wsum, "target (weighted mean)")
    for k in lookbacks:
        close(comp["burn_rate"][k], burns[k] / wsum, "burn_rate[%s]" % k)
    b1h = burns["1h"] / wsum
    budget_s = sum(c[1] * (1 - c[2]) * W for c in comps) / wsum
    close(comp["budget_seconds"], budget_s, "budget_seconds")
    tte = 0.0 if rem <= 0 else (rem * W / b1h if b1h > 0 else None)
    close(comp["time_to_exhaustion_seconds"], tte, "time_to_exhaustion_seconds")
    st = "green" if rem > 0.7 else "yellow" if rem >= 0.3 else "orange" if rem > 0 else "red"
    order = ["green", "yellow", "orange", "red"]
    by_burn = "red" if b1h > 10 else "orange" if b1h > 5 else "yellow" if b1h > 2 else "green"
    st = max(st, by_burn, key=order.index)
    if comp["status"] != st:
        errs.append("status %s, python %s (remaining %.4f, 1h burn %.3f)" % (comp["status"], st, rem, b1h))
    ws = [(x["name"], x["weight"]) for x in comp.get("components", [])]
    if ws != [(c[0], c[1]) for c in comps]:
        errs.append("components %r" % ws)
    for x in comp.get("components", []):
        close(x["budget_consumed"], 1 - slos[x["name"]]["budget_remaining"], x["name"] + " budget_consumed")
    print("composite.sh: at %s: remaining %.4f, burn 1h %.3f, status %s" % (at, rem, b1h, comp["status"]))
for e in errs:
    print("composite.sh: " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
done

# text: the composite's line names the weights and the components
"$HR" report -c "$TMP/conf.yaml" --db "$TMP/none.db" --at 2026-03-01T21:30:00Z "$TMP/web.jsonl" > "$TMP/r.txt" 2>&1
grep -q "shop-journey .* consumed = 3/4.5 x shop-journey.availability" "$TMP/r.txt" ||
  { cat "$TMP/r.txt" >&2; fail "text report: no composite line"; }
# the gate decides on the composite too
"$HR" gate -c "$TMP/conf.yaml" --db "$TMP/none.db" --at 2026-03-01T21:30:00Z --service shop --format json "$TMP/web.jsonl" > "$TMP/g.json" 2>&1
python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
names = [s["name"] for s in g["slos"]]
sys.exit(0 if "shop-journey" in names and len(names) == 4 else 1)' "$TMP/g.json" || { cat "$TMP/g.json" >&2; fail "gate: composite not among the service's SLOs"; }

# a composite without alertPolicies: its components have no alert conditions
# (not the defaults), so no alerting rule either
"$HR" rules -c "$TMP/conf.yaml" > "$TMP/rules.yml" 2>&1 || fail "rules exited $?"
n=$(grep -c "^ *- alert:" "$TMP/rules.yml")
[ "$n" = 0 ] || fail "rules: $n alerting rules for a composite without alertPolicies, want 0"
grep -q "^  - name: 'headroom-shop-journey'" "$TMP/rules.yml" || fail "rules: no group for the composite"

# history: months of the composite against python (a second day, in February)
python3 - "$TMP/feb.jsonl" <<'PY'
import sys, random
rnd = random.Random(5)
t0 = 1772236800  # 2026-02-28T00:00:00Z
with open(sys.argv[1], "w") as f:
    for m in range(24 * 60):
        for k in range(10):
            t = t0 + m * 60 + k * 6
            path = "/checkout" if k % 5 == 0 else "/api"
            bad = 0.5 if 10 * 60 <= m < 10 * 60 + 60 else 0.001
            status = 503 if rnd.random() < bad else (404 if rnd.random() < 0.01 else 200)
            ms = 900 if rnd.random() < (0.2 if 600 <= m < 700 else 0.01) else 50
            f.write('{"time": %.3f, "status": %d, "path": "%s", "ms": %d}\n' % (t, status, path, ms))
PY
for fmt in json csv text html; do
  "$HR" history -c "$TMP/conf.yaml" --db "$TMP/none.db" --at 2026-03-02T00:00:00Z --format $fmt \
    "$TMP/feb.jsonl" "$TMP/web.jsonl" > "$TMP/h.$fmt" 2> "$TMP/h.err" || { cat "$TMP/h.err" >&2; fail "history --format $fmt exited $?"; }
done
python3 - "$TMP/feb.jsonl" "$TMP/web.jsonl" "$TMP/h.json" "$TMP/h.csv" <<'PY' || fail "history of the composite differs from python's"
import json, sys, csv
events = [json.loads(l) for p in sys.argv[1:3] for l in open(p)]
got = json.load(open(sys.argv[3]))
comps = [  # name, weight, target, valid(e), good(e)
    ("shop-journey.availability", 3.0, 0.99, lambda e: e["status"] < 400 or e["status"] >= 500, lambda e: e["status"] < 500),
    ("shop-journey.latency", 1.0, 0.95, lambda e: e["status"] < 300, lambda e: e["status"] < 300 and e["ms"] < 300),
    ("shop-journey.checkout", 0.5, 0.9, lambda e: e["path"] == "/checkout", lambda e: e["path"] == "/checkout" and e["status"] < 500),
]
W = sum(c[1] for c in comps)
months = [("2026-02", 1769904000, 1772323200), ("2026-03", 1772323200, 1775001600)]
errs = []
def close(a, b, what):
    if a is None or b is None or abs(a - b) > 1e-9 * max(1.0, abs(b)):
        if not (a is None and b is None):
            errs.append("%s: headroom %r, python %r" % (what, a, b))
rows = {(r["slo"], r["label"]): r for r in got["periods"]}
order = [r["slo"] for r in got["periods"]]
if order != ["shop-journey"] * 2 + [c[0] for c in comps for _ in (0, 1)]:
    errs.append("rows: %r, want the composite's months then its components'" % order)
tot = {"periods": 0, "missed": 0, "bad_minutes": 0, "cost": 0.0}
for label, lo, hi in months:
    mins = {}  # minute -> weighted consumption
    g_all = v_all = 0
    num = den = cons = 0.0
    for c in comps:
        g = v = 0
        per = {}
        for e in events:
            if lo <= e["time"] < hi and c[3](e):
                v += 1
                ok = c[4](e)
                g += ok
                m = int(e["time"] // 60)
                pg, pv = per.get(m, (0, 0))
                per[m] = (pg + ok, pv + 1)
        g_all += g; v_all += v
        r = rows.get((c[0], label))
        if r is None or (r["good"], r["valid"]) != (g, v) or r["part_of"] != "shop-journey":
            errs.append("%s %s: %r, python %d/%d part_of shop-journey" % (c[0], label, r and (r["good"], r["valid"], r["part_of"]), g, v))
        if v:
            num += c[1] * g / v; den += c[1]
            cons += c[1] * (v - g) / ((1 - c[2]) * v)
        for m, (pg, pv) in per.items():
            mins[m] = mins.get(m, 0.0) + c[1] * (pv - pg) / ((1 - c[2]) * pv)
    r = rows.get(("shop-journey", label))
    if r is None:
        errs.append("no composite row for %s" % label); continue
    bad_min = sum(1 for x in mins.values() if x / W > 1)
    consumed = cons / W
    met = consumed <= 1
    if (r["good"], r["valid"]) != (g_all, v_all):
        errs.append("%s good/valid %r/%r, python %d/%d" % (label, r["good"], r["valid"], g_all, v_all))
    close(r["sli"], num / den, label + " sli")
    close(r["budget_consumed"], consumed, label + " budget_consumed")
    close(r["target"], (3 * 0.99 + 0.95 + 0.5 * 0.9) / W, label + " target")
    close(r["cost"], 0.1 * (v_all - g_all) + 3 * bad_min, label + " cost")
    if r["met"] != met or r["bad_minutes"] != bad_min or r["part_of"] is not None:
        errs.append("%s met %r bad_minutes %r part_of %r, python %r %d" % (label, r["met"], r["bad_minutes"], r["part_of"], met, bad_min))
    if [(x["slo"], x["weight"]) for x in r["components"] or []] != [(c[0], c[1]) for c in comps]:
        errs.append("%s components %r" % (label, r["components"]))
    tot["periods"] += 1; tot["missed"] += not met; tot["bad_minutes"] += bad_min
    tot["cost"] += 0.1 * (v_all - g_all) + 3 * bad_min
    print("composite.sh: history %s: consumed %.4f %s, %d bad minutes" % (label, consumed, "met" if met else "MISSED", bad_min))
if tot["missed"] != 1:
    errs.append("the test wants one missed month, python has %d" % tot["missed"])
s = got["services"][0]
for k in ("periods", "missed", "bad_minutes"):
    if s[k] != tot[k] or got["total"][k] != tot[k]:
        errs.append("service/total %s: %r/%r, want %r (the components count through the composite only)" % (k, s[k], got["total"][k], tot[k]))
close(s["cost"], tot["cost"], "service cost")
cr = list(csv.DictReader(open(sys.argv[4], newline="")))
if [(x["slo"], x["kind"], x["part_of"]) for x in cr][:3] != [("shop-journey", "composite", ""), ("shop-journey", "composite", ""),
                                                           ("shop-journey.availability", "component", "shop-journey")]:
    errs.append("csv kind/part_of: %r" % [(x["slo"], x["kind"], x["part_of"]) for x in cr][:3])
for e in errs:
    print("composite.sh: " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
grep -q "shop-journey: composite of 3/4.5 x shop-journey.availability + 1/4.5 x shop-journey.latency" "$TMP/h.text" ||
  { cat "$TMP/h.text" >&2; fail "history text: no composite heading"; }
grep -q "shop-journey.latency: target 95%, UTC, a component of shop-journey" "$TMP/h.text" || fail "history text: component not marked"
grep -q '<tr class="composite"><td class="slo">shop-journey<br><small>composite: 3 &times; shop-journey.availability' "$TMP/h.html" ||
  fail "history html: no composite row"

# configuration errors, each at its line
expect_err() { # expect_err WANT-EXIT MESSAGE (config on stdin)
  cat > "$TMP/bad.yaml"
  refuse "$1" "$2" check -c "$TMP/bad.yaml"
}
head -n 19 "$TMP/conf.yaml" > "$TMP/head.yaml"
{ cat "$TMP/head.yaml"; cat <<'YAML'
apiVersion: openslo/v1
kind: SLO
metadata: {name: j}
spec:
  service: shop
  timeWindow: [{duration: 1d, isRolling: true}]
  objectives:
    - target: 0.99
      compositeWeight: 0
      indicator: {metadata: {name: a}, spec: {ratioMetric: {good: {metricSource: {spec: {filter: 'status < 500'}}}}}}
YAML
} | expect_err 2 "bad.yaml:28:24: compositeWeight must be a number above 0"
{ cat "$TMP/head.yaml"; cat <<'YAML'
apiVersion: openslo/v1
kind: SLO
metadata: {name: j}
spec:
  service: shop
  timeWindow: [{duration: 1d, isRolling: true}]
  objectives:
    - target: 0.99
      indicator: {metadata: {name: a}, spec: {ratioMetric: {good: {metricSource: {spec: {filter: 'status < 500'}}}}}}
    - displayName: second
      target: 0.9
YAML
} | expect_err 2 "bad.yaml:29:7: objective of composite SLO 'j' needs its own indicator"
{ cat "$TMP/head.yaml"; cat <<'YAML'
apiVersion: openslo/v1
kind: SLO
metadata: {name: j}
spec:
  service: shop
  indicator: {metadata: {name: b}, spec: {ratioMetric: {good: {metricSource: {spec: {filter: 'status < 500'}}}}}}
  timeWindow: [{duration: 1d, isRolling: true}]
  objectives:
    - target: 0.99
      indicator: {metadata: {name: a}, spec: {ratioMetric: {good: {metricSource: {spec: {filter: 'status < 500'}}}}}}
YAML
} | expect_err 2 "bad.yaml:25:3: a composite SLO (its objectives name their own indicators) has no indicator of its own"
{ cat "$TMP/head.yaml"; cat <<'YAML'
apiVersion: openslo/v1
kind: SLO
metadata: {name: j}
spec:
  service: shop
  indicator: {metadata: {name: b}, spec: {ratioMetric: {good: {metricSource: {spec: {filter: 'status < 500'}}}}}}
  timeWindow: [{duration: 1d, isRolling: true}]
  objectives:
    - target: 0.99
      compositeWeight: 2
YAML
} | expect_err 0 "compositeWeight only weighs the objectives of a composite SLO"

test_done
