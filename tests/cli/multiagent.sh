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
# Checks: (a) the incident fires HeadroomBurnRate / page-1h-5m for checkout in
# Alertmanager (GET /api/v2/alerts), and nothing for browse; (b) the central
# headroom (report --at T from Prometheus) gives each SLO the same status and
# a budget within 1 % of one headroom reading all the logs at T (and the same
# counts). The rules are generated with their 1m group interval and `offset
# 1m` turned into 5s so the test runs in about 70 s instead of minutes (the
# window sums stay exact: the offset still equals the interval).
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

# ---- the rules, accelerated (see the header), checked by promtool
"$HR" rules -c "$TMP/agent-a.yaml" -o "$TMP/rules.orig.yml" || fail "headroom rules failed"
sed -e 's/interval: 1m$/interval: 5s/' -e 's/offset 1m/offset 5s/g' "$TMP/rules.orig.yml" > "$TMP/rules.yml"
grep -q 'offset 1m' "$TMP/rules.yml" && fail "the rules still hold 'offset 1m'"
"$PROMTOOL" check rules "$TMP/rules.yml" > "$TMP/check.log" 2>&1 || { cat "$TMP/check.log" >&2; fail "promtool check rules"; }

# ---- Prometheus
PPORT=$(free_port)
cat > "$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 5s
rule_files: ["$TMP/rules.yml"]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$AMPORT"]
scrape_configs:
  - job_name: headroom
    static_configs:
      - targets: ["$ADDR_a", "$ADDR_b"]
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
until [ "$(curl -sf "$PURL/api/v1/query" --data-urlencode 'query=count(headroom_slo_valid_total == 0)' |
  python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)" = 4 ]; do
  i=$((i + 1))
  [ $i -lt 150 ] || fail "prometheus did not scrape both agents within 15 s"
  sleep 0.1
done
P=$(date +%s) # every series has a sample at or before P, all 0
T=$((P + 61)) # the central headroom reads at T: [T - 1m, T] holds the whole increase
sleep 3

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
ok = any(a["labels"].get("alertname") == "HeadroomBurnRate" and a["labels"].get("slo") == "checkout"
         and a["labels"].get("condition") == "page-1h-5m" and a["labels"].get("severity") == "page"
         and a["status"]["state"] == "active" for a in al)
sys.exit(0 if ok else 1)
PY
  i=$((i + 1))
  if [ $i -ge 180 ]; then
    cat "$TMP/alerts.json" >&2
    curl -sf "$PURL/api/v1/query" --data-urlencode 'query={__name__=~"headroom_slo:burn_rate:ratio"}' >&2
    fail "no HeadroomBurnRate page-1h-5m alert for checkout in Alertmanager"
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
echo "multiagent.sh: ok in $(elapsed)s"
