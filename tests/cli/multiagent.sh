#!/bin/sh
# tests/cli/multiagent.sh HEADROOM_BIN BUILD_DIR -- the end-to-end test of
# issue 5 (docs/deployment.md), all on 127.0.0.1:
#   - two `headroom serve` agents, each tailing half of a generated nginx log
#     (tests/multiagent/gen_logs.py: 3,000 requests of the last minutes, an
#     incident on /checkout), each exporting headroom_slo_{valid,good}_total;
#   - a real Prometheus (Debian `prometheus`) scraping both every second, with
#     the rules of `headroom rules` for the same SLOs, sending alerts to
#   - a real Alertmanager (Debian `prometheus-alertmanager`);
#   - a central headroom whose SLOs read those counters back from Prometheus
#     (tests/multiagent/central-slos.yaml).
#   - a deliberately slow exporter (tests/multiagent/slow_exporter.py: every
#     scrape answered 0.6 s late, its counters one higher each time).
# Checks: (a) the incident fires SLOBurnRate / page-1h-5m for checkout in
# Alertmanager (GET /api/v2/alerts), and nothing for browse; (b) the central
# headroom (report --at T from Prometheus) gives each SLO the same status and
# a budget within 1 % of one headroom reading all the logs at T (and the same
# counts); (c) every delta the rules recorded during the run equals the one
# Prometheus computes afterwards from the stored samples, for the agents and
# for the slow exporter, and no evaluation was skipped: the window sums are
# exact even when scrapes are still in flight at an evaluation; (d) every
# query of the Grafana dashboards of `rules --grafana list|detail` answers
# with data for every service and SLO (tests/multiagent/grafana_check.py). Rules read
# with --delay 0s (HR_MULTIAGENT_DELAY=0s) fail (c): the race behind a CI
# failure where the incident's increase vanished from every window.
# The rules are generated with `--interval 5s --delay 5s` instead of 1m and 1m
# so the test runs in about 70 s instead of minutes.
# The events are "now": this test reads the clock (bounded waits, < 90 s).
# Prints "SKIP: ..." and exits 0 when the packages cannot be installed.
set -u
HR=${1:?usage: multiagent.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MA="$SRC/tests/multiagent"
PROM=/usr/bin/prometheus
PROMTOOL=/usr/bin/promtool
AM=/usr/bin/prometheus-alertmanager

fail() { echo "multiagent.sh: FAIL: $*" >&2; exit 1; }

install() { # PACKAGE
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 0
  echo "installing $1" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >/dev/null 2>&1; }
}
[ -x "$PROM" ] || install prometheus
[ -x "$AM" ] || install prometheus-alertmanager
if [ ! -x "$PROM" ] || [ ! -x "$PROMTOOL" ]; then
  echo "SKIP: prometheus is not installed and could not be installed"
  exit 0
fi
if [ ! -x "$AM" ]; then
  echo "SKIP: prometheus-alertmanager is not installed and could not be installed"
  exit 0
fi
command -v curl >/dev/null 2>&1 || { echo "SKIP: the curl command is needed"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 0; }
if "$HR" serve --help 2>&1 | grep -qi 'not implemented'; then
  echo "SKIP: headroom serve is not implemented in this build"
  exit 0
fi

unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-multi.XXXXXX") || exit 1
PIDS=
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  for p in $PIDS; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
START=$(date +%s)
elapsed() { echo $(($(date +%s) - START)); }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready URL WHAT PID: poll (bounded, 30 s) until URL answers.
wait_ready() {
  i=0
  until curl -sf "$1" > /dev/null 2>&1; do
    kill -0 "$3" 2>/dev/null || return 1
    i=$((i + 1))
    [ $i -lt 300 ] || return 1
    sleep 0.1
  done
}

# ---- the agents: one configuration each, its own log file and store
agent_conf() { # NAME LOG
  cat <<EOF
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
spec:
  type: headroom.logs
  connectionDetails:
    format: nginx
    paths: ["$2"]
---
EOF
  cat "$MA/slos.yaml"
}
for a in a b; do
  : > "$TMP/$a.log"
  agent_conf $a "$TMP/$a.log" > "$TMP/agent-$a.yaml"
  "$HR" serve -q -c "$TMP/agent-$a.yaml" --db "$TMP/agent-$a.db" --listen 127.0.0.1:0 \
    > "$TMP/serve-$a.out" 2> "$TMP/serve-$a.err" < /dev/null &
  PIDS="$PIDS $!"
  eval "SPID_$a=$!"
done
for a in a b; do
  i=0
  while :; do
    u=$(sed -n 's|^listening on http://\([^/]*\)/.*|\1|p' "$TMP/serve-$a.out" | tail -1)
    [ -n "$u" ] && break
    i=$((i + 1))
    [ $i -lt 300 ] || { cat "$TMP/serve-$a.err" >&2; fail "agent $a did not start"; }
    sleep 0.1
  done
  eval "ADDR_$a=$u"
done

# ---- Alertmanager
AMPORT=$(free_port)
cat > "$TMP/am.yml" <<'EOF'
route:
  receiver: nobody
  group_wait: 1s
receivers:
  - name: nobody
EOF
mkdir -p "$TMP/am"
"$AM" --config.file="$TMP/am.yml" --storage.path="$TMP/am" --web.listen-address="127.0.0.1:$AMPORT" \
  --cluster.listen-address= --log.level=warn > "$TMP/am.log" 2>&1 &
AMPID=$!
PIDS="$PIDS $AMPID"

# ---- the slow exporter
python3 "$MA/slow_exporter.py" "$TMP/slow.port" 0.6 > "$TMP/slow.log" 2>&1 &
PIDS="$PIDS $!"
i=0
until [ -s "$TMP/slow.port" ]; do
  i=$((i + 1))
  [ $i -lt 100 ] || { cat "$TMP/slow.log" >&2; fail "the slow exporter did not start"; }
  sleep 0.1
done
SLOWPORT=$(cat "$TMP/slow.port")

# ---- the rules, accelerated (see the header), checked by promtool
DELAY=${HR_MULTIAGENT_DELAY:-5s}
{
  sed -n '1,/^---$/p' "$TMP/agent-a.yaml"
  cat <<'EOF'
apiVersion: openslo/v1
kind: SLO
metadata:
  name: slow
spec:
  service: slow
  indicator:
    metadata:
      name: slow
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: web, spec: {filter: 'status < 500'}}}
        total: {metricSource: {metricSourceRef: web, spec: {filter: 'path =~ "^/"'}}}
  timeWindow: [{duration: 1d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
EOF
} > "$TMP/slow.yaml"
for r in agent-a slow; do
  "$HR" rules -c "$TMP/$r.yaml" --interval 5s --delay "$DELAY" -o "$TMP/rules-$r.yml" || fail "headroom rules failed"
  grep -q '^    interval: 5s$' "$TMP/rules-$r.yml" || fail "rules-$r.yml: the groups are not at 5s"
  "$PROMTOOL" check rules "$TMP/rules-$r.yml" > "$TMP/check.log" 2>&1 ||
    { cat "$TMP/check.log" >&2; fail "promtool check rules rules-$r.yml"; }
done

# ---- Prometheus
PPORT=$(free_port)
cat > "$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 5s
rule_files: ["$TMP/rules-agent-a.yml", "$TMP/rules-slow.yml"]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$AMPORT"]
scrape_configs:
  - job_name: headroom
    static_configs:
      - targets: ["$ADDR_a", "$ADDR_b"]
  - job_name: slow
    static_configs:
      - targets: ["127.0.0.1:$SLOWPORT"]
EOF
mkdir -p "$TMP/tsdb"
"$PROM" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PPORT" --log.level=warn > "$TMP/prom.log" 2>&1 &
PPID_=$!
PIDS="$PIDS $PPID_"
wait_ready "http://127.0.0.1:$AMPORT/-/ready" alertmanager $AMPID || { cat "$TMP/am.log" >&2; fail "alertmanager did not start"; }
wait_ready "http://127.0.0.1:$PPORT/-/ready" prometheus $PPID_ || { cat "$TMP/prom.log" >&2; fail "prometheus did not start"; }
PURL="http://127.0.0.1:$PPORT"

# Both agents scraped at 0 before any log line: count(...) == 4 series (2 SLOs x 2 agents).
i=0
until [ "$(curl -sf "$PURL/api/v1/query" --data-urlencode 'query=count(headroom_slo_valid_total{job="headroom"} == 0)' |
  python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)" = 4 ]; do
  i=$((i + 1))
  [ $i -lt 150 ] || fail "prometheus did not scrape both agents within 15 s"
  sleep 0.1
done
P=$(date +%s) # every series has a sample at or before P, all 0
T=$((P + 61)) # the central headroom reads at T: [T - 1m, T] holds the whole increase
# A delta needs a sample of the series `delay + interval` (10 s) before the
# instant it reads: a counter's first sample is its starting point, as for
# increase(). Append the logs only once every series has such a baseline.
while [ "$(date +%s)" -lt $((P + 12)) ]; do sleep 0.2; done

# ---- the logs, half to each agent
NOW=$(date +%s)
python3 "$MA/gen_logs.py" "$NOW" "$TMP/a.new" "$TMP/b.new" > "$TMP/expected.json" || fail "gen_logs.py failed"
cat "$TMP/a.new" >> "$TMP/a.log"
cat "$TMP/b.new" >> "$TMP/b.log"
echo "multiagent.sh: logs appended at +$(elapsed)s; expected $(cat "$TMP/expected.json")" >&2

# ---- (a) the incident fires the right alert in Alertmanager (bounded: 90 s)
i=0
while :; do
  curl -sf "http://127.0.0.1:$AMPORT/api/v2/alerts" > "$TMP/alerts.json" 2>/dev/null &&
    python3 - "$TMP/alerts.json" <<'PY' && break
import json, sys
al = json.load(open(sys.argv[1]))
ok = any(a["labels"].get("alertname") == "SLOBurnRate" and a["labels"].get("slo") == "checkout"
         and a["labels"].get("condition") == "page-1h-5m" and a["labels"].get("severity") == "page"
         and a["status"]["state"] == "active" for a in al)
sys.exit(0 if ok else 1)
PY
  i=$((i + 1))
  if [ $i -ge 180 ]; then
    cat "$TMP/alerts.json" >&2
    for e in '{__name__=~"headroom_slo:burn_rate:ratio",window="5m"}' \
      '{__name__=~"headroom_slo_(valid|good)_total",job="headroom"}[2m]' '{__name__=~"headroom_slo:(valid|good):delta5s"}[2m]'; do
      echo "multiagent.sh: $e:" >&2
      curl -sf "$PURL/api/v1/query" --data-urlencode "query=$e" >&2
      echo >&2
    done
    cat "$TMP/serve-a.err" "$TMP/serve-b.err" >&2
    fail "no SLOBurnRate page-1h-5m alert for checkout in Alertmanager"
  fi
  sleep 0.5
done
echo "multiagent.sh: alert in Alertmanager at +$(elapsed)s" >&2
python3 - "$TMP/alerts.json" <<'PY' || fail "an alert for the healthy SLO browse"
import json, sys
al = json.load(open(sys.argv[1]))
bad = [a["labels"] for a in al if a["labels"].get("slo") == "browse"]
if bad:
    print(bad, file=sys.stderr)
    sys.exit(1)
PY

# ---- (b) the central headroom, from Prometheus, vs one headroom reading all the logs
while [ "$(date +%s)" -lt $((T + 2)) ]; do sleep 0.5; done
AT=$(python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1]), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))" $T)
{
  cat <<EOF
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: prometheus
  connectionDetails:
    url: $PURL
    timeout: 10s
---
EOF
  cat "$MA/central-slos.yaml"
} > "$TMP/central.yaml"
"$HR" report -c "$TMP/central.yaml" --at "$AT" --format json > "$TMP/central.json" 2> "$TMP/central.err" ||
  { cat "$TMP/central.err" >&2; fail "central report from Prometheus failed"; }
"$HR" report -c "$TMP/agent-a.yaml" --at "$AT" --format json "$TMP/a.log" "$TMP/b.log" > "$TMP/logs.json" \
  2> "$TMP/logs.err" || { cat "$TMP/logs.err" >&2; fail "report over all the logs failed"; }
python3 - "$TMP/central.json" "$TMP/logs.json" "$TMP/expected.json" <<'PY' || fail "Prometheus and the logs disagree"
import json, sys
c = {s["name"]: s for s in json.load(open(sys.argv[1]))["slos"]}
l = {s["name"]: s for s in json.load(open(sys.argv[2]))["slos"]}
exp = json.load(open(sys.argv[3]))
bad = []
for name in ("checkout", "browse"):
    a, b = c[name], l[name]
    print("multiagent.sh: %-8s logs: %s good %d/%d budget %.4f | prometheus: %s good %d/%d budget %.4f"
          % (name, b["status"], b["good"], b["valid"], b["budget_remaining"],
             a["status"], a["good"], a["valid"], a["budget_remaining"]), file=sys.stderr)
    if b["valid"] != exp[name]["valid"] or b["good"] != exp[name]["good"]:
        bad.append("%s: the logs report differs from the generated counts %r" % (name, exp[name]))
    if a["status"] != b["status"]:
        bad.append("%s: status %s from Prometheus, %s from the logs" % (name, a["status"], b["status"]))
    ref = b["budget_remaining"]
    if abs(a["budget_remaining"] - ref) > 0.01 * max(1.0, abs(ref)):
        bad.append("%s: budget %.6f from Prometheus, %.6f from the logs" % (name, a["budget_remaining"], ref))
if c["checkout"]["status"] != "red":
    bad.append("checkout: the incident should leave it red, got %s" % c["checkout"]["status"])
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY
# ---- (c) every recorded delta is the exact delta of the stored samples
python3 - "$PURL" "$DELAY" <<'PY' || fail "the recorded deltas differ from the stored samples (see above)"
import json, sys, urllib.parse, urllib.request
url, delay = sys.argv[1], sys.argv[2]
def q(expr, t=None):
    form = {"query": expr}
    if t is not None:
        form["time"] = "%.3f" % t
    with urllib.request.urlopen(url + "/api/v1/query", urllib.parse.urlencode(form).encode(), timeout=10) as r:
        return json.load(r)["data"]["result"]
d = int(delay[:-1]) if delay.endswith("s") else None
if d is None:
    sys.exit("multiagent.sh: HR_MULTIAGENT_DELAY must be in seconds, e.g. 5s")
def off(sel, k):  # a range selector reaching back to t - k
    return sel + "[5m]" if k == 0 else "%s[5m] offset %ds" % (sel, k)
bad, n, gaps = [], 0, []
for which in ("valid", "good"):
    for s in q("headroom_slo:%s:delta5s[3m]" % which):
        svc, slo = s["metric"]["service"], s["metric"]["slo"]
        # the same delta, computed now that every scrape is stored (no resets here)
        sel = 'headroom_slo_%s_total{service="%s",slo="%s"}' % (which, svc, slo)
        expr = "sum(last_over_time(%s)) - sum(last_over_time(%s))" % (off(sel, d), off(sel, d + 5))
        prev = None
        for ts, v in s["values"]:
            ts = float(ts)
            if prev is not None and abs(ts - prev - 5) > 0.01:
                gaps.append("%s %s: evaluations %.3f and %.3f are not 5s apart" % (slo, which, prev, ts))
            prev = ts
            want = q(expr, ts)
            n += 1
            if not want or float(want[0]["value"][1]) != float(v):
                bad.append("%s %s at %.3f: recorded %s, the stored samples give %s"
                           % (slo, which, ts, v, want[0]["value"][1] if want else "nothing"))
                for r in q("%s[20s]" % sel, ts):
                    bad.append("  %s: %s" % (r["metric"].get("instance"),
                                             " ".join("%.3f=%s" % (float(t), x) for t, x in r["values"])))
print("multiagent.sh: %d recorded deltas checked against the stored samples, %d differ, %d gaps"
      % (n, len(bad), len(gaps)), file=sys.stderr)
for s in q('max_over_time(scrape_duration_seconds[5m])'):
    failed = q('count_over_time((up{instance="%s"} == 0)[5m:1s])' % s["metric"]["instance"])
    print("multiagent.sh: scrapes of %s (%s): longest %.3f s, failed in %s of the last 300 s"
          % (s["metric"]["instance"], s["metric"]["job"], float(s["value"][1]),
             failed[0]["value"][1] if failed else 0), file=sys.stderr)
slos = {s["metric"]["slo"] for s in q("headroom_slo:valid:delta5s")}
if slos != {"checkout", "browse", "slow"}:
    bad.append("delta series for %s, want checkout, browse and slow" % sorted(slos))
if bad or gaps or n < 40:
    print("\n".join(bad[:10] + gaps[:5]), file=sys.stderr)
    sys.exit(1)
PY
# ---- (d) every query of the Grafana dashboards answers, with data
for k in list detail; do
  "$HR" rules -c "$TMP/agent-a.yaml" --grafana $k -o "$TMP/grafana-$k.json" || fail "rules --grafana $k failed"
done
python3 "$MA/grafana_check.py" "$PURL" "$TMP/grafana-list.json" "$TMP/grafana-detail.json" ||
  fail "a query of the Grafana dashboards fails or returns nothing (see above)"
echo "multiagent.sh: ok in $(elapsed)s"
