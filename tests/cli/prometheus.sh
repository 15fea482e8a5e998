#!/bin/sh
# tests/cli/prometheus.sh HEADROOM_BIN BUILD_DIR
# headroom reading SLIs back from a real Prometheus (Debian's `prometheus`),
# started on 127.0.0.1 by this script over a TSDB backfilled with
# `promtool tsdb create-blocks-from openmetrics` from synthetic counters
# (tests/multiagent/gen_counters.py: two agents, one restarting, an incident).
#   1. report --at T --format json gives exactly the good/valid counts the
#      generator computed, over the window and over the last hour, at the end
#      of the data and at an instant inside it (a counter reset, and range
#      queries in several chunks: a 7d window needs 17 days of minutes);
#   2. a good query that is not a selector (a difference of sums) is
#      differenced by headroom and gives the same counts;
#   3. a total query without data: that SLO is "nodata" with a message;
#   4. a query Prometheus rejects: exit 2 with Prometheus's message;
#   5. gate reads the same figures;
#   6. Prometheus down: exit 2, "prometheus: <url>: connection refused".
# Prints "SKIP: ..." and exits 0 when Prometheus cannot be installed.
set -u
HR=${1:?usage: prometheus.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PROM=/usr/bin/prometheus
PROMTOOL=/usr/bin/promtool

fail() { echo "prometheus.sh: FAIL: $*" >&2; exit 1; }

if [ ! -x "$PROM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing prometheus" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus >/dev/null 2>&1; }
fi
if [ ! -x "$PROM" ] || [ ! -x "$PROMTOOL" ]; then
  echo "SKIP: prometheus is not installed and could not be installed"
  exit 0
fi
command -v curl >/dev/null 2>&1 || { echo "SKIP: the curl command is needed"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 0; }

unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-prom.XXXXXX") || exit 1
PPID_=
stop_prom() {
  if [ -n "$PPID_" ]; then
    kill "$PPID_" 2>/dev/null
    wait "$PPID_" 2>/dev/null
    PPID_=
  fi
}
cleanup() { stop_prom; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

END=1704888000 # 2024-01-10T12:00:00Z, the end of the synthetic data
MID=1704884400 # 11:00: after the incident and agent b's restart
python3 "$SRC/tests/multiagent/gen_counters.py" "$TMP/data.om" $END $MID > "$TMP/expected.json" ||
  fail "generator failed"
mkdir -p "$TMP/tsdb"
"$PROMTOOL" tsdb create-blocks-from openmetrics "$TMP/data.om" "$TMP/tsdb" > "$TMP/backfill.log" 2>&1 ||
  { cat "$TMP/backfill.log" >&2; fail "promtool backfill failed"; }

cat > "$TMP/prometheus.yml" <<'EOF'
global:
  scrape_interval: 1m
EOF
PORT=$(free_port)
"$PROM" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$PORT" \
  --log.level=warn > "$TMP/prom.log" 2>&1 &
PPID_=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/-/ready" > /dev/null 2>&1; do
  kill -0 "$PPID_" 2>/dev/null || { cat "$TMP/prom.log" >&2; fail "prometheus did not start"; }
  i=$((i + 1))
  [ $i -lt 300 ] || fail "prometheus not ready after 30 s"
  sleep 0.1
done

# The configuration: one Prometheus DataSource, three SLOs.
slo() { # NAME KIND(good|bad) QUERY TOTAL
  cat <<EOF
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: $1
spec:
  service: api
  indicator:
    metadata:
      name: $1
    spec:
      ratioMetric:
        counter: true
        $2:
          metricSource:
            metricSourceRef: prom
            type: Prometheus
            spec:
              query: '$3'
        total:
          metricSource:
            metricSourceRef: prom
            type: Prometheus
            spec:
              query: '$4'
  timeWindow:
    - duration: 7d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
EOF
}
ds() { # URL
  cat <<EOF
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: prometheus
  connectionDetails:
    url: $1
    timeout: 20s
EOF
}
{
  ds "http://127.0.0.1:$PORT"
  slo avail good 'sum(headroom_slo_good_total{slo="avail"})' 'sum by (instance) (headroom_slo_valid_total{slo="avail"})'
  slo avail-a bad 'sum(headroom_slo_valid_total{instance="a"}) - sum(headroom_slo_good_total{instance="a"})' \
    'headroom_slo_valid_total{slo="avail",instance="a"}'
  slo ghost good 'sum(nothing_here_total)' 'nothing_here_total'
  cat <<'EOF'
---
apiVersion: openslo/v1
kind: Service
metadata:
  name: api
  annotations:
    headroom.dev/system-metrics: |
      Valid per instance: sum by (instance) (headroom_slo_valid_total{slo="avail"})
      Broken: sum(rate(headroom_slo_valid_total[5m]
spec:
  description: the API
EOF
} > "$TMP/slos.yaml"

iso() { python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1]), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$1"; }

for T in $END $MID; do
  AT=$(iso $T)
  "$HR" report -c "$TMP/slos.yaml" --at "$AT" --format json > "$TMP/rep.json" 2> "$TMP/rep.err"
  rc=$?
  [ $rc = 0 ] || { cat "$TMP/rep.err" >&2; fail "report --at $AT: exit $rc"; }
  grep -q 'ghost: prometheus: no data for its total query' "$TMP/rep.err" ||
    { cat "$TMP/rep.err" >&2; fail "no 'no data' message for the ghost SLO"; }
  python3 - "$TMP/rep.json" "$TMP/expected.json" "$T" <<'PY' || fail "report at $AT differs from the generated counts"
import json, sys
rep = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))[sys.argv[3]]
slos = {s["name"]: s for s in rep["slos"]}
bad = []
def check(what, got, want):
    if got != want:
        bad.append("%s: got %r, want %r" % (what, got, want))
for name, inst in (("avail", "ab"), ("avail-a", "a")):
    s = slos[name]
    check(name + " valid", s["valid"], exp["all_%s_valid" % inst])
    check(name + " good", s["good"], exp["all_%s_good" % inst])
    w = s["events"]["1h"]
    check(name + " 1h valid", w["valid"], exp["1h_%s_valid" % inst])
    check(name + " 1h good", w["good"], exp["1h_%s_good" % inst])
    sli = exp["all_%s_good" % inst] / exp["all_%s_valid" % inst]
    check(name + " sli", round(s["sli"], 9), round(sli, 9))
g = slos["ghost"]
check("ghost status", g["status"], "nodata")
check("ghost sli", g["sli"], None)
check("ghost valid", g["valid"], 0)
if bad:
    print("\n".join(bad), file=sys.stderr)
    print(json.dumps(slos["avail"], indent=1)[:3000], file=sys.stderr)
    sys.exit(1)
PY
done

# The SLO page's system metrics (the Service's headroom.dev/system-metrics):
# the same points Prometheus answers to the same range query, and a broken
# query's error in its place, in the HTML report (and so in serve's page).
"$HR" report -c "$TMP/slos.yaml" --at "$(iso $END)" --format html -o "$TMP/rep.html" 2> "$TMP/html.err" ||
  { cat "$TMP/html.err" >&2; fail "report --format html over Prometheus"; }
python3 - "$TMP/rep.html" "http://127.0.0.1:$PORT" "$END" <<'PY' || fail "system metrics differ from Prometheus"
import json, re, sys, urllib.parse, urllib.request
html, url, end = open(sys.argv[1]).read(), sys.argv[2], int(sys.argv[3])
det = json.loads(re.search(r"window\.HEADROOM_DATA\.details = (.*?);\n(?:window|</script>)", html, re.S).group(1))
sm = det["avail"]["system_metrics"]
assert [m["title"] for m in sm] == ["Valid per instance", "Broken"], sm
assert sm[0]["error"] is None and "parse error" in sm[1]["error"], sm
series = sm[0]["series"]
assert len(series) == 2 and all(len(x["t"]) >= 10 for x in series), [len(x["t"]) for x in series]
step = series[0]["t"][1] - series[0]["t"][0]
q = urllib.parse.urlencode({"query": sm[0]["query"], "start": series[0]["t"][0], "end": end, "step": step})
got = json.load(urllib.request.urlopen(url + "/api/v1/query_range?" + q))["data"]["result"]
want = {json.dumps(r["metric"], sort_keys=True): [(int(t), float(v)) for t, v in r["values"]] for r in got}
for x in series:
    key = json.dumps(json.loads(x["labels"]), sort_keys=True)
    assert want[key] == list(zip(x["t"], x["v"])), key
print("system metrics: %d series, %d points each, as Prometheus answers" % (len(series), len(series[0]["t"])))
PY

# gate reads the same figures (exit 0 allow / 1 deny; either, but not 2).
"$HR" gate -c "$TMP/slos.yaml" --service api --at "$(iso $END)" --format json > "$TMP/gate.json" 2> "$TMP/gate.err"
rc=$?
[ $rc = 0 ] || [ $rc = 1 ] || { cat "$TMP/gate.err" >&2; fail "gate: exit $rc"; }
python3 - "$TMP/gate.json" "$TMP/expected.json" "$END" <<'PY' || fail "gate figures differ"
import json, sys
g = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))[sys.argv[3]]
slos = {s["name"]: s for s in g["slos"]}
assert slos["avail"]["valid"] == exp["all_ab_valid"], slos["avail"]["valid"]
assert slos["avail"]["good"] == exp["all_ab_good"], slos["avail"]["good"]
PY

# backtest replays the alert conditions over the same range queries. Each
# alert it reports must agree with report (another code path) at that minute:
# at fired_at both lookbacks of the condition above its factor and the long
# lookback's bad events significant (the low-traffic guard, docs/alerting.md,
# recomputed here from report's counts); one minute before, not both.
"$HR" backtest -c "$TMP/slos.yaml" --from "$(iso $((END - 6 * 3600)))" --to "$(iso $END)" --format json \
  > "$TMP/bt.json" 2> "$TMP/bt.err" || { cat "$TMP/bt.err" >&2; fail "backtest over Prometheus: exit $?"; }
python3 - "$TMP/bt.json" "$HR" "$TMP/slos.yaml" <<'PY' || fail "backtest over Prometheus disagrees with report"
import json, math, subprocess, sys
from datetime import datetime, timedelta
d = json.load(open(sys.argv[1])); hr, conf = sys.argv[2], sys.argv[3]
factors = {"page-1h-5m": (14.4, "1h", "5m"), "page-6h-30m": (6, "6h", "30m"),
           "ticket-1d-2h": (3, "1d", "2h"), "ticket-3d-6h": (1, "3d", "6h")}
alerts = [a for a in d["alerts"] if a["condition"] in factors]
assert alerts, d["alerts"]
def state(at, slo):
    out = subprocess.run([hr, "report", "-c", conf, "--at", at, "--format", "json"], capture_output=True, check=True)
    return {s["name"]: s for s in json.loads(out.stdout)["slos"]}[slo]
def holds(s, f, lo, sh):  # both burns above f and P(Poisson(valid (1 - target)) >= bad) < 0.001
    if not (s["burn_rate"][lo] > f and s["burn_rate"][sh] > f):
        return False
    ev = s["events"][lo]
    b, lam = ev["valid"] - ev["good"], ev["valid"] * (1 - s["target"])
    p = 1 - math.fsum(math.exp(-lam + i * math.log(lam) - math.lgamma(i + 1)) for i in range(b))
    return p < 0.001
for a in alerts[:4]:
    f, lo, sh = factors[a["condition"]]
    t = datetime.fromisoformat(a["fired_at"].replace("Z", "+00:00"))
    s = state(a["fired_at"], a["slo"])
    assert holds(s, f, lo, sh), (a, s["burn_rate"], s["events"])
    before = (t - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    s0 = state(before, a["slo"])
    assert not holds(s0, f, lo, sh), (a, s0["burn_rate"], s0["events"])
print(len(alerts), "alerts agree with report")
PY

# A query Prometheus rejects: its message, exit 2.
{
  ds "http://127.0.0.1:$PORT"
  slo broken good 'sum(rate(headroom_slo_good_total[5m]' 'headroom_slo_valid_total'
} > "$TMP/broken.yaml"
"$HR" report -c "$TMP/broken.yaml" --at "$(iso $END)" > "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc = 2 ] || fail "a rejected query: exit $rc, want 2"
grep -q "SLO broken: prometheus: http://127.0.0.1:$PORT: bad_data: .*parse error" "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "a rejected query: no message from Prometheus"; }

# Prometheus down: a clear error, exit 2, no figures.
stop_prom
"$HR" report -c "$TMP/slos.yaml" --at "$(iso $END)" --format json > "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc = 2 ] || fail "prometheus down: exit $rc, want 2"
grep -q "prometheus: http://127.0.0.1:$PORT: connection refused" "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "prometheus down: no 'connection refused' message"; }
[ ! -s "$TMP/out" ] || fail "prometheus down: figures were printed"
echo "prometheus.sh: ok"
