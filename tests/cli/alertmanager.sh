#!/bin/sh
# tests/cli/alertmanager.sh HEADROOM_BIN BUILD_DIR
# Notifications against a real Alertmanager (Debian's prometheus-alertmanager)
# started on 127.0.0.1 by this script, with one receiver that sends nothing
# onwards and no clustering. Through tools/notify_send (notify.h):
#   1. a firing notice queued while Alertmanager is still down stays pending
#      (attempts 1, last_error set) and is not lost;
#   2. once it is up, the next pass delivers it: GET /api/v2/alerts shows the
#      alert active, with our labels and annotations and endsAt a week ahead;
#   3. the resolve takes it out of the active alerts.
#   4. when `headroom evaluate --help` offers --send, the same through the
#      real command: ingest a log, a round that fires, a round that resolves.
# Prints "SKIP: ..." and exits 0 when Alertmanager cannot be installed.
set -u
HR=${1:?usage: alertmanager.sh HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: alertmanager.sh HEADROOM_BIN BUILD_DIR}
AM=/usr/bin/prometheus-alertmanager
SEND="$BUILD/notify_send"

fail() { echo "alertmanager.sh: FAIL: $*" >&2; exit 1; }

if [ ! -x "$AM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing prometheus-alertmanager" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus-alertmanager >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus-alertmanager >/dev/null 2>&1; }
fi
if [ ! -x "$AM" ]; then
  echo "SKIP: prometheus-alertmanager is not installed and could not be installed"
  exit 0
fi
command -v curl >/dev/null 2>&1 || { echo "SKIP: the curl command is needed"; exit 0; }
[ -x "$SEND" ] || fail "$SEND not built"

# Loopback only, never through a proxy from the environment.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-am.XXXXXX") || exit 1
AMPID=
stop_am() {
  if [ -n "$AMPID" ]; then
    kill "$AMPID" 2>/dev/null
    wait "$AMPID" 2>/dev/null
    AMPID=
  fi
}
cleanup() { stop_am; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

cat > "$TMP/am.yml" <<'EOF'
route:
  receiver: nobody
  group_wait: 1s
receivers:
  - name: nobody
EOF

# A free loopback port: bound to 0 and read back.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo $((20000 + $$ % 20000))
  fi
}

# start_am PORT: start Alertmanager and wait (bounded) until it is ready.
start_am() {
  mkdir -p "$TMP/data"
  "$AM" --config.file="$TMP/am.yml" --storage.path="$TMP/data" \
    --web.listen-address="127.0.0.1:$1" --cluster.listen-address= \
    --log.level=warn > "$TMP/am.log" 2>&1 &
  AMPID=$!
  i=0
  while [ $i -lt 100 ]; do
    curl -sf "http://127.0.0.1:$1/-/ready" > /dev/null 2>&1 && return 0
    kill -0 "$AMPID" 2>/dev/null || { AMPID=; return 1; }
    sleep 0.1
    i=$((i + 1))
  done
  stop_am
  return 1
}

# alerts_for SLO: the active alerts Alertmanager holds for that SLO label.
alerts_for() {
  curl -sf -G "$BASE/api/v2/alerts" --data-urlencode "filter=slo=\"$1\"" > "$TMP/alerts.json" ||
    fail "GET /api/v2/alerts failed"
}

# wait_alerts SLO PRESENT(1|0): poll (bounded) until the SLO's alert is there / gone.
wait_alerts() {
  i=0
  while [ $i -lt 50 ]; do
    alerts_for "$1"
    if grep -q "\"slo\":\"$1\"" "$TMP/alerts.json"; then [ "$2" = 1 ] && return 0
    else [ "$2" = 0 ] && return 0; fi
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
DB="$TMP/h.db"
SLO=am-test-availability
NOW=$(date +%s)
START=$((NOW - 120))

# 1. Alertmanager is down: the notice waits in the outbox.
"$SEND" --db "$DB" --url "$BASE/" --state firing --at "$NOW" --starts "$START" --slo "$SLO" \
  --dashboard "http://127.0.0.1:8080" > "$TMP/send1.out" 2>&1
rc=$?
cat "$TMP/send1.out"
[ $rc -eq 1 ] || fail "first pass with Alertmanager down exited $rc, want 1 (pending)"
grep -q '^sent=0 failed=1 pending=1$' "$TMP/send1.out" || fail "first pass: want sent=0 failed=1 pending=1"
grep -q "attempts=1 next_try=$((NOW + 10)) last_error=." "$TMP/send1.out" ||
  fail "first pass: want attempts=1, next_try=now+10 and a last_error"

# 2. Alertmanager comes up; the pass after the backoff delivers it.
tries=0
until start_am "$PORT"; do
  tries=$((tries + 1))
  [ $tries -lt 3 ] || { cat "$TMP/am.log" >&2; fail "Alertmanager did not start on 127.0.0.1:$PORT"; }
  sleep 0.5
done
"$SEND" --db "$DB" --state none --at "$((NOW + 5))" > "$TMP/send2.out" 2>&1
grep -q '^sent=0 failed=0 pending=1$' "$TMP/send2.out" || { cat "$TMP/send2.out"; fail "a row not yet due was tried"; }
"$SEND" --db "$DB" --state none --at "$((NOW + 10))" > "$TMP/send3.out" 2>&1 ||
  { cat "$TMP/send3.out" "$TMP/am.log" >&2; fail "delivery to a running Alertmanager failed"; }
grep -q '^sent=1 failed=0 pending=0$' "$TMP/send3.out" || { cat "$TMP/send3.out"; fail "want sent=1 pending=0"; }

wait_alerts "$SLO" 1 || { cat "$TMP/alerts.json"; fail "the firing alert does not appear in Alertmanager"; }
A="$TMP/alerts.json"
for want in '"alertname":"SLOBurnRate"' '"service":"checkout"' '"severity":"page"' '"condition":"fast-burn"' \
  '"state":"active"' '"generatorURL":"http://127.0.0.1:8080/#/slo/am-test-availability"' \
  "\"summary\":\"$SLO is burning its error budget 15.2x faster than sustainable over the last 1h (5m: 21.0x)"; do
  grep -qF "$want" "$A" || { cat "$A"; fail "Alertmanager's alert lacks $want"; }
done
# endsAt a week ahead: the year-month-day of NOW + 7 d appears as endsAt's date.
ENDS=$(python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp($NOW + 7*86400, datetime.timezone.utc).strftime('%Y-%m-%d'))" 2>/dev/null)
if [ -n "$ENDS" ]; then
  grep -q "\"endsAt\":\"${ENDS}T" "$A" || { cat "$A"; fail "endsAt is not a week ahead ($ENDS)"; }
fi
echo "alertmanager.sh: firing alert is active in Alertmanager"

# Sending again delivers nothing more (sent once per transition).
"$SEND" --db "$DB" --state none --at "$((NOW + 4000))" > "$TMP/send4.out" 2>&1
grep -q '^sent=0 failed=0 pending=0$' "$TMP/send4.out" || { cat "$TMP/send4.out"; fail "a sent row was sent again"; }

# 3. The resolve: endsAt = now; Alertmanager no longer lists it as active.
RES=$(date +%s)
"$SEND" --db "$DB" --url "$BASE" --state resolved --at "$RES" --starts "$START" --slo "$SLO" \
  > "$TMP/send5.out" 2>&1 || { cat "$TMP/send5.out" "$TMP/am.log" >&2; fail "sending the resolve failed"; }
grep -q '^sent=1 failed=0 pending=0$' "$TMP/send5.out" || { cat "$TMP/send5.out"; fail "resolve: want sent=1"; }
wait_alerts "$SLO" 0 || { cat "$TMP/alerts.json"; fail "the alert is still active after its resolve"; }
echo "alertmanager.sh: resolved alert left Alertmanager's active alerts"

# 4. Optional: the real command, once `headroom evaluate --send` exists.
# Logs of one SLO: good traffic for an hour, then 10 minutes of nothing but
# 500s up to T1, then good traffic again up to T2 (both in the past, so the
# resolve time is behind Alertmanager's clock). A round at T1 fires the
# fast-burn condition (1h and 5m above 14.4x) and sends it; a round 10
# minutes later (the 5m window clean again) resolves the condition, and the
# incident stays open for the damping period (30 minutes, docs/alerting.md):
# nothing is sent; a round at T2, 45 minutes after T1, closes it and sends
# the resolve.
e2e() {
  E="$TMP/e2e"
  mkdir -p "$E"
  M=$(($(date +%s) / 60 * 60))
  T1=$((M - 50 * 60))
  T2=$((M - 5 * 60))
  cat > "$E/slo.yaml" <<YAML
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
  annotations:
    headroom.dev/db: h.db
spec:
  type: headroom.logs
  connectionDetails:
    format: nginx
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: e2e-availability
spec:
  service: e2e
  indicator:
    metadata:
      name: e2e-availability
    spec:
      ratioMetric:
        good:
          metricSource:
            metricSourceRef: web
            type: headroom.logs
            spec:
              filter: 'status < 500'
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.999
  alertPolicies:
    - alertPolicyRef: pager
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: pager
spec:
  conditions:
    - conditionRef: e2e-fast-burn
  notificationTargets:
    - targetRef: am
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: e2e-fast-burn
  annotations:
    headroom.dev/short-window: 5m
spec:
  severity: page
  condition:
    kind: burnrate
    op: gt
    threshold: 14.4
    lookbackWindow: 1h
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: am
  annotations:
    headroom.dev/url: $BASE
spec:
  target: alertmanager
YAML
  t=$((T1 - 70 * 60))
  : > "$E/access.log"
  while [ $t -lt $T2 ]; do
    code=200
    [ $t -ge $((T1 - 10 * 60)) ] && [ $t -lt $T1 ] && code=500
    d=$(LC_ALL=C date -u -d "@$t" '+%d/%b/%Y:%H:%M:%S +0000')
    for k in 1 2 3 4 5; do
      echo "127.0.0.1 - - [$d] \"GET /api/$k HTTP/1.1\" $code 12 \"-\" \"curl\"" >> "$E/access.log"
    done
    t=$((t + 60))
  done
  "$HR" ingest -c "$E/slo.yaml" "$E/access.log" > "$E/ingest.out" 2>&1 || { cat "$E/ingest.out"; return 1; }
  at1=$(date -u -d "@$T1" '+%Y-%m-%dT%H:%M:%SZ')
  at2=$(date -u -d "@$T2" '+%Y-%m-%dT%H:%M:%SZ')
  "$HR" evaluate -c "$E/slo.yaml" --at "$at1" --send --dashboard-url http://127.0.0.1:8080 > "$E/eval1.out" 2>&1 ||
    { cat "$E/eval1.out"; return 1; }
  grep -q "1 sent, 0 failed" "$E/eval1.out" || { cat "$E/eval1.out"; echo "evaluate --send at T1: want 1 sent"; return 1; }
  wait_alerts e2e-availability 1 || { cat "$TMP/alerts.json"; echo "evaluate's alert is not in Alertmanager"; return 1; }
  for want in '"condition":"e2e-fast-burn"' '"state":"active"' '"service":"e2e"' \
    '"generatorURL":"http://127.0.0.1:8080/#/slo/e2e-availability"'; do
    grep -qF "$want" "$TMP/alerts.json" || { cat "$TMP/alerts.json"; echo "evaluate's alert lacks $want"; return 1; }
  done
  atm=$(date -u -d "@$((T1 + 10 * 60))" '+%Y-%m-%dT%H:%M:%SZ')
  "$HR" evaluate -c "$E/slo.yaml" --at "$atm" --send > "$E/evalm.out" 2>&1 || { cat "$E/evalm.out"; return 1; }
  grep -q "resolved e2e-availability" "$E/evalm.out" || { cat "$E/evalm.out"; echo "the condition did not resolve"; return 1; }
  grep -q "0 sent, 0 failed" "$E/evalm.out" || { cat "$E/evalm.out"; echo "a resolve was sent inside the damping period"; return 1; }
  "$HR" evaluate -c "$E/slo.yaml" --at "$at2" --send > "$E/eval2.out" 2>&1 || { cat "$E/eval2.out"; return 1; }
  grep -q "1 sent, 0 failed" "$E/eval2.out" || { cat "$E/eval2.out"; echo "evaluate --send at T2: want 1 sent"; return 1; }
  wait_alerts e2e-availability 0 || { cat "$TMP/alerts.json"; echo "evaluate's resolve left it active"; return 1; }
  return 0
}
if "$HR" evaluate --help > "$TMP/eval-help.txt" 2>&1 && grep -q -- '--send' "$TMP/eval-help.txt"; then
  e2e || fail "headroom evaluate --send did not fire and resolve the alert in Alertmanager"
  echo "alertmanager.sh: headroom evaluate --send fired and resolved the alert in Alertmanager"
else
  echo "alertmanager.sh: headroom evaluate --send is not implemented yet; skipped that part"
fi

stop_am
echo "alertmanager.sh: ok"
exit 0
