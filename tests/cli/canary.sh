#!/bin/sh
# tests/cli/canary.sh HEADROOM_BIN BUILD_DIR
# `headroom canary` against an independent computation. A python3 script
# writes four hours of JSON-lines traffic (2026-03-01 10:00-14:00 UTC, eight
# hosts web-1..web-8 behind one API) in which web-7, deployed to at 12:00,
# fails 4 % of its requests afterwards while every other host (and web-7
# before) fails 0.3 %. Deploys are annotated at 09:00 (v1), 12:00 (v2) and
# 15:00 (v3), maintenance at 13:00-13:10. A second python3 pass reads the
# log files back (not the generator's state), applies the SLO's filters,
# the maintenance window and [since, at), and computes good/valid per side,
# SLIs, burn rates and the one-sided Fisher p-value in exact integers
# (math.comb, fractions). Checked:
#   - the three verdicts and their exit codes (rollback 1, promote 0, hold 3);
#   - --since from the last deploy at or before the instant, with and
#     without --at, and --since given;
#   - the DataSource's paths read when no LOG is named, or the logs named;
#   - a JSON-lines field no SLO filter reads (pod), same counts as host;
#   - canary + baseline = what `report` counts since the deploy;
#   - the text output's sentence;
#   - errors (exit 2): a filter that does not compile (with its column), a
#     field the format cannot have (nginx) or that no event has (JSON lines,
#     combined nginx), no deploy and no --since, unknown SLO, missing
#     options, --since after --at, paths matching nothing, bad --min-events,
#     a truncated gzip (no verdict on part of the input), --source naming
#     another DataSource than the SLO's.
# Never the clock: every run passes --at, or reads logs whose last event
# sets the instant.
set -u
HR=${1:?usage: canary.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

fails=0
fail() { echo "canary.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
command -v python3 >/dev/null 2>&1 || { echo "canary.sh: python3 is needed" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-canary.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir "$TMP/logs"

python3 - "$TMP/logs" <<'PY' || { echo "canary.sh: generator failed" >&2; exit 1; }
import datetime as dt, json, random, sys
out = sys.argv[1]
r = random.Random(20260301)
t0 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone.utc)
deploy = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
files = [open(f"{out}/app-1.jsonl", "w"), open(f"{out}/app-2.jsonl", "w")]
t = t0
end = t0 + dt.timedelta(hours=4)
while True:
    t += dt.timedelta(milliseconds=r.randint(200, 2800))
    if t >= end:
        break
    host = f"web-{r.randint(1, 8)}"
    bad_rate = 0.04 if host == "web-7" and t >= deploy else 0.003
    path = "/static/app.js" if r.random() < 0.1 else r.choice(["/api/orders", "/api/cart", "/api/pay"])
    status = r.choice([500, 502, 503]) if r.random() < bad_rate else r.choice([200, 200, 200, 201, 404])
    ev = {"ts": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z", "host": host,
          "pod": host + "-5d8f", "path": path, "code": status, "ms": r.randint(5, 900)}
    files[t >= deploy].write(json.dumps(ev) + "\n")
PY

cat >"$TMP/slo.yaml" <<'EOF'
apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
spec:
  description: the shop's API
---
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: app-log
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    fields: {time: ts, status: code}
    duration: ms
    durationUnit: ms
    paths: ["logs/app-*.jsonl"]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
spec:
  service: shop
  indicator:
    metadata:
      name: api-availability
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource: {metricSourceRef: app-log, type: headroom.logs, spec: {filter: 'status < 500'}}
        total:
          metricSource: {metricSourceRef: app-log, type: headroom.logs, spec: {filter: 'path =~ "^/api/"'}}
  timeWindow:
    - duration: 7d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
EOF
CONF="$TMP/slo.yaml"
DB="$TMP/headroom.db"
LOG1="$TMP/logs/app-1.jsonl"
LOG2="$TMP/logs/app-2.jsonl"

# No store yet: no deploy to start from, so --since is needed.
"$HR" canary -c "$CONF" --slo api-availability --canary 'host == "web-7"' --at 2026-03-01T14:00:00Z \
  >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 2 ] || fail "no store, no --since: exit $rc, want 2"
grep -q -- '--since' "$TMP/err" || fail "no store, no --since: the message does not say to pass --since: $(cat "$TMP/err")"

annotate() {
  "$HR" annotate -c "$CONF" --db "$DB" --service shop "$@" >/dev/null || fail "annotate $*"
}
annotate --kind deploy --at 2026-03-01T09:00:00Z --text v1
annotate --kind deploy --at 2026-03-01T12:00:00Z --text v2
annotate --kind deploy --at 2026-03-01T15:00:00Z --text v3
annotate --kind maintenance --at 2026-03-01T13:00:00Z --until 2026-03-01T13:10:00Z --text "db failover drill"

# run WANT_EXIT ARGS...: canary --format json into $TMP/c.json
run() {
  want=$1
  shift
  "$HR" canary -c "$CONF" --slo api-availability --format json "$@" >"$TMP/c.json" 2>"$TMP/c.err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "canary $*: exit $got, want $want"
    sed 's/^/  | /' "$TMP/c.err" >&2
    return 1
  fi
  return 0
}

# check PRED SINCE AT VERDICT [DEPLOY_TEXT] [MIN]: the JSON of the last run
# against python's own counts over the log files. PRED is a python
# expression over the event `e`.
check() {
  python3 - "$TMP/c.json" "$LOG1" "$LOG2" "$@" <<'PY' || fail "JSON figures ($1, since $2, at $3)"
import json, sys, datetime as dt
from fractions import Fraction
from math import comb
got = json.load(open(sys.argv[1]))
logs = sys.argv[2:4]
pred, since_s, at_s, verdict = sys.argv[4:8]
deploy_text = sys.argv[8] if len(sys.argv) > 8 else ""
min_events = int(sys.argv[9]) if len(sys.argv) > 9 else 100
target = 0.99

def t(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))

since, at = t(since_s), t(at_s)
maint = (t("2026-03-01T13:00:00Z"), t("2026-03-01T13:10:00Z"))
n = {True: [0, 0], False: [0, 0]}  # canary?: [good, valid]
for path in logs:
    for line in open(path):
        e = json.loads(line)
        ts = t(e["ts"])
        if not (since <= ts < at) or maint[0] <= ts < maint[1] or not e["path"].startswith("/api/"):
            continue
        side = n[bool(eval(pred))]
        side[1] += 1
        side[0] += e["code"] < 500

def tail(x, n1, k, nn):
    """P(X >= x), X hypergeometric: exact."""
    lo, hi = max(0, n1 + k - nn), min(k, n1)
    if x <= lo:
        return Fraction(1)
    return Fraction(sum(comb(k, i) * comb(nn - k, n1 - i) for i in range(x, hi + 1)), comb(nn, n1))

ok = True
def want(path, exp, tol=0.0):
    global ok
    v = got
    for k in path.split("."):
        v = v[k]
    good = v == exp if tol == 0 or exp is None or v is None else abs(v - exp) <= tol * max(abs(exp), 1e-300)
    if not good:
        print(f"  {path}: got {v!r}, want {exp!r}")
        ok = False

(cg, cv), (bg, bv) = n[True], n[False]
want("slo", "api-availability")
want("since", since_s)
want("at", at_s)
want("canary.good", cg); want("canary.valid", cv)
want("baseline.good", bg); want("baseline.valid", bv)
for name, (g, v) in (("canary", (cg, cv)), ("baseline", (bg, bv))):
    sli = g / v if v else None
    want(name + ".sli", sli, 1e-12)
    want(name + ".burn_rate", (1 - sli) / (1 - target) if v else None, 1e-9)
p = float(tail(cv - cg, cv, (cv - cg) + (bv - bg), cv + bv)) if cv and bv else None
want("p_value", p, 1e-7)
want("projected_burn_rate", (1 - cg / cv) / (1 - target) if cv else None, 1e-9)
if cv < min_events or bv < min_events or not cv or not bv:
    exp = "hold"
elif p < 0.05 and (1 - cg / cv) / (1 - target) > 1:
    exp = "rollback"
else:
    exp = "promote"
if exp != verdict:
    print(f"  the test's own verdict is {exp}, the case expects {verdict}"); ok = False
want("verdict", verdict)
want("min_events", min_events)
if deploy_text:
    want("deploy.text", deploy_text)
    want("deploy.at", since_s)
else:
    want("deploy", None)
print(f"  {pred}: canary {cg}/{cv}, baseline {bg}/{bv}, p {p}, {verdict}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

END=2026-03-01T14:00:00Z

# 1. Rollback: web-7 since the deploy at 12:00 (v2), the instant just after
#    the last event; the DataSource's paths are read (no LOG named).
run 1 --canary 'host == "web-7"' --db "$DB" && check 'e["host"] == "web-7"' 2026-03-01T12:00:00Z $END rollback v2
grep -q '"files"' "$TMP/c.json" || fail "no LOG named: the JSON does not list the files read"
# ... the same figures from a JSON-lines field no SLO filter reads, and
#     with the logs named.
run 1 --canary 'pod == "web-7-5d8f"' --db "$DB" "$LOG2" "$LOG1" &&
  check 'e["pod"] == "web-7-5d8f"' 2026-03-01T12:00:00Z $END rollback v2
# ... and the two sides add up to what report counts since the deploy
"$HR" report -c "$CONF" --db "$DB" --at $END --format json "$LOG1" "$LOG2" >"$TMP/r.json" 2>/dev/null
python3 - "$TMP/c.json" "$TMP/r.json" <<'PY' || fail "canary + baseline differ from report's since_deploy"
import json, sys
c, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
s = [x for x in r["slos"] if x["name"] == "api-availability"][0]["since_deploy"]
got = (c["canary"]["good"] + c["baseline"]["good"], c["canary"]["valid"] + c["baseline"]["valid"])
if got != (s["good"], s["valid"]):
    print(f"  canary + baseline {got}, report since_deploy {(s['good'], s['valid'])}"); sys.exit(1)
PY

# 2. Promote: another host, the same interval.
run 0 --canary 'host == "web-3"' --db "$DB" && check 'e["host"] == "web-3"' 2026-03-01T12:00:00Z $END promote v2
# ... and web-7 before its deploy: --at 11:30 picks the deploy of 09:00.
run 0 --canary 'host == "web-7"' --db "$DB" --at 2026-03-01T11:30:00Z &&
  check 'e["host"] == "web-7"' 2026-03-01T09:00:00Z 2026-03-01T11:30:00Z promote v1
# ... --since given: no deploy in the JSON.
run 0 --canary 'host in ["web-1", "web-2"]' --db "$DB" --since 2026-03-01T10:30:00Z --at 2026-03-01T11:45:00Z &&
  check 'e["host"] in ("web-1", "web-2")' 2026-03-01T10:30:00Z 2026-03-01T11:45:00Z promote

# 3. Hold: ten minutes after the deploy the canary has fewer than 100
#    events; with --min-events 20 the same ten minutes decide.
run 3 --canary 'host == "web-7"' --db "$DB" --at 2026-03-01T12:10:00Z &&
  check 'e["host"] == "web-7"' 2026-03-01T12:00:00Z 2026-03-01T12:10:00Z hold v2
grep -q 'fewer than --min-events 100' "$TMP/c.json" || fail "hold: the reason does not name --min-events"
run 3 --canary 'host == "nowhere"' --db "$DB" && check 'e["host"] == "nowhere"' 2026-03-01T12:00:00Z $END hold v2
grep -q '"p_value": null' "$TMP/c.json" || fail "no canary events: p_value is not null"
grep -q '"sli": null' "$TMP/c.json" || fail "no canary events: sli is not null"
run 1 --canary 'host == "web-7"' --db "$DB" --since 2026-03-01T12:00:00Z --at 2026-03-01T13:30:00Z --min-events 20 &&
  check 'e["host"] == "web-7"' 2026-03-01T12:00:00Z 2026-03-01T13:30:00Z rollback "" 20

# 4. Text: one sentence per line, the verdict and its reason.
"$HR" canary -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' >"$TMP/c.txt" 2>&1
rc=$?
[ $rc = 1 ] || fail "text: exit $rc, want 1"
for pat in 'the last deploy: v2' '^canary: [0-9 ]* events, SLI [0-9.]* %, burn rate [0-9.]*×; baseline: [0-9 ]* events' \
  '→ rollback: the canary fails' 'Full rollout'; do
  grep -q "$pat" "$TMP/c.txt" || fail "text: no '$pat' in: $(cat "$TMP/c.txt")"
done
"$HR" canary -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' --at 2026-03-01T12:10:00Z \
  >"$TMP/c.txt" 2>&1
[ $? = 3 ] || fail "text hold: want exit 3"
grep -q '→ hold: too few events to judge: the canary has [0-9]* valid events' "$TMP/c.txt" ||
  fail "text hold: $(cat "$TMP/c.txt")"

# 5. Errors: exit 2 with a message that says what is wrong.
# err PATTERN ARGS...
err() {
  pat=$1
  shift
  "$HR" canary "$@" >"$TMP/e.out" 2>"$TMP/e.err"
  rc=$?
  [ $rc = 2 ] || { fail "canary $*: exit $rc, want 2"; return; }
  [ -s "$TMP/e.out" ] && fail "canary $*: an error printed output"
  grep -q -- "$pat" "$TMP/e.err" || fail "canary $*: no '$pat' in: $(cat "$TMP/e.err")"
}
err 'col 9' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == ' --at $END
err 'col 1: unknown' -c "$SRC/tests/golden/nginx-synth/slo.yaml" --slo site-availability --canary 'datacenter == "x"' \
  --since 2026-03-24T00:00:00Z --at 2026-04-03T00:00:00Z "$SRC/tests/data/synth/nginx.log"
err "reads 'host', which none of the" -c "$SRC/tests/golden/nginx-synth/slo.yaml" --slo site-availability \
  --canary 'host == "shop.example"' --since 2026-03-24T00:00:00Z --at 2026-04-03T00:00:00Z "$SRC/tests/data/synth/nginx.log"
err "reads 'hots'" -c "$CONF" --db "$DB" --slo api-availability --canary 'hots == "web-7"' --at $END
err "no SLO named 'nope'" -c "$CONF" --db "$DB" --slo nope --canary 'host == "web-7"' --at $END
err '--canary EXPR is required' -c "$CONF" --db "$DB" --slo api-availability
err '--slo NAME is required' -c "$CONF" --db "$DB" --canary 'host == "web-7"'
err '--since is not before --at' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' \
  --since 2026-03-01T13:00:00Z --at 2026-03-01T12:00:00Z
err 'at or before --at' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' --at 2026-03-01T08:00:00Z
err '--min-events' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' --min-events 0
err '--format' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' --format csv
err 'reads DataSource app-log, not web-logs' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' \
  --source web-logs --at $END "$LOG1"
gzip -c "$LOG2" | head -c 20000 >"$TMP/cut.jsonl.gz"
err 'could not be read whole: no verdict' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' \
  --source app-log --at $END "$LOG1" "$TMP/cut.jsonl.gz"
mv "$TMP/logs" "$TMP/gone"
err 'match no file' -c "$CONF" --db "$DB" --slo api-availability --canary 'host == "web-7"' --at $END
mv "$TMP/gone" "$TMP/logs"

# 6. A real log written by others (on the project's machines only): the
#    WordPress site's HTTP/2 requests against the rest, counted by awk. They
#    fail more often (p = 0.023) but, at target 0.99, within the budget:
#    promote.
REAL=${HR_SHARED_DIR:-$SRC/../shared}/data/real/wordpress-hakathon-wap/access.log
if [ -f "$REAL" ]; then
  sed "s|logs/app-\*.jsonl|$REAL|; s/format: jsonl/format: nginx/; /fields:/d; /^    duration/d; s/'path =~ \"^\/api\/\"'/'!(status >= 400 \&\& status < 500)'/" \
    "$CONF" >"$TMP/real.yaml"
  "$HR" canary -c "$TMP/real.yaml" --slo api-availability --canary 'protocol == "HTTP/2.0"' \
    --since 2025-04-17T00:00:00Z --format json >"$TMP/real.json" 2>"$TMP/real.err"
  rc=$?
  [ $rc = 0 ] || { fail "real log: exit $rc, want 0 (promote)"; cat "$TMP/real.err" >&2; }
  awk -F'"' '{ split($3, a, " "); s = a[1]; split($2, r, " "); c = r[3] == "HTTP/2.0"
               if (!(s >= 400 && s < 500)) { v[c]++; if (s < 500) g[c]++ } }
             END { print g[1] + 0, v[1] + 0, g[0] + 0, v[0] + 0 }' "$REAL" >"$TMP/real.awk"
  python3 - "$TMP/real.json" "$TMP/real.awk" <<'PY' || fail "real log: JSON against awk"
import json, sys
from fractions import Fraction
from math import comb
d = json.load(open(sys.argv[1]))
cg, cv, bg, bv = map(int, open(sys.argv[2]).read().split())
got = (d["canary"]["good"], d["canary"]["valid"], d["baseline"]["good"], d["baseline"]["valid"])
x, k, n = cv - cg, cv - cg + bv - bg, cv + bv
p = float(Fraction(sum(comb(k, i) * comb(n - k, cv - i) for i in range(x, min(k, cv) + 1)), comb(n, cv)))
burn = (1 - cg / cv) / (1 - 0.99)
if got != (cg, cv, bg, bv) or abs(d["p_value"] - p) > 1e-9 * p or not (p < 0.05 and burn <= 1) \
        or d["verdict"] != "promote" or "within the SLO's budget" not in d["reason"]:
    print(f"  got {got} p {d['p_value']} {d['verdict']}, awk {(cg, cv, bg, bv)} p {p}")
    sys.exit(1)
PY
else
  echo "canary.sh: $REAL absent: the real-log case is skipped"
fi

"$HR" canary --help | grep -q 'Exit codes: 0 promote, 1 rollback, 3 hold, 2 error' || fail "--help: no exit codes"

[ $fails = 0 ] && echo "canary.sh: ok"
exit $((fails > 0))
