#!/bin/sh
# rules.sh -- `headroom rules`: options and exit codes, then (with promtool)
# `promtool check rules` on the rules of examples/soulsync (plain, Sloth
# names, k8s), of a Prometheus DataSource and of a grouped SLO (per-group
# rules), and `promtool test rules` on
# tests/promtool/*_test.yml. Usage: sh rules.sh HEADROOM_BIN BUILD_DIR
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-rules.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect CODE GREP-PATTERN ARGS...: exit code, and a line of stdout+stderr
expect() {
  want=$1 pat=$2
  shift 2
  "$bin" rules "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" = "$want" ] || { fail "rules $*: exit $got, want $want"; sed 's/^/  | /' "$tmp/err" >&2; return; }
  [ -z "$pat" ] || cat "$tmp/out" "$tmp/err" | grep -qF -- "$pat" || fail "rules $*: no line with: $pat"
}

expect 0 "usage: headroom rules -c CONF" --help
expect 2 "-c CONF is required"
expect 2 "--format: expected prometheus or k8s, got 'json'" -c "$src/examples/soulsync" --format json
expect 2 "unexpected argument 'extra'" -c "$src/examples/soulsync" extra
expect 2 "cannot open" -c "$tmp/nope.yaml"
expect 0 "record: headroom_slo:valid:delta1m" -c "$src/examples/soulsync"
expect 0 "apiVersion: monitoring.coreos.com/v1" -c "$src/examples/soulsync" --format k8s
expect 0 "record: slo:sli_error:ratio_rate5m" -c "$src/examples/soulsync" --sloth-compat
# Sloth's window names: the soulsync SLOs' 28d window is 4w (docs/prometheus.md)
expect 0 "record: slo:sli_error:ratio_rate4w" -c "$src/examples/soulsync" --sloth-compat
# Grafana dashboards (their queries are asked of a real Prometheus by multiagent.sh)
expect 0 '"uid": "headroom-slos"' -c "$src/examples/soulsync" --grafana list
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["panels"] and d["templating"]["list"]' "$tmp/out" ||
  fail "rules --grafana list: not a JSON dashboard"
expect 0 '"uid": "headroom-slo-detail"' -c "$src/examples/soulsync" --grafana detail
grep -qF 'label_values(headroom_slo:objective:ratio{service=\"$service\"}, slo)' "$tmp/out" ||
  fail "rules --grafana detail: no \$slo variable"
expect 2 "--grafana: expected list or detail, got 'table'" -c "$src/examples/soulsync" --grafana table
expect 2 "--grafana writes a dashboard: --format, --sloth-compat" -c "$src/examples/soulsync" --grafana list --sloth-compat
# the counters are read a minute behind the evaluation by default (docs/prometheus.md)
expect 0 "last_over_time(headroom_slo_valid_total{service=\"core-matching\",slo=\"matching-availability\"}[5m] offset 1m)" -c "$src/examples/soulsync"
expect 0 "    interval: 30s" -c "$src/examples/soulsync" --interval 30s --delay 1m
# the recorded deltas are named after the interval they cover, and nothing says 1m then
expect 0 "record: headroom_slo:valid:delta10s" -c "$src/examples/soulsync" --interval 10s --delay 10s
! grep -q "delta1m" "$tmp/out" || fail "rules --interval 10s still names a series delta1m"
expect 0 "sum_over_time(headroom_slo:valid:delta30s{" -c "$src/examples/soulsync" --interval 30s --delay 30s
# the alert names are serve's (docs/notifications.md), one constant for both
expect 0 "- alert: SLOBurnRate" -c "$src/examples/soulsync"
! grep -q "alert: Headroom" "$tmp/out" || fail "rules: an alert named Headroom*"
expect 0 "[5m] offset 1m)" -c "$src/examples/soulsync" --interval 30s --delay 30s
expect 2 "its 5m window is not a whole number of 7s rule intervals" -c "$src/examples/soulsync" --interval 7s --delay 7s
expect 2 "the delay must be a whole number of rule intervals (7s), got 1m" -c "$src/examples/soulsync" --interval 7s
expect 2 "--interval: expected a duration in whole seconds of at least 2s (30s, 1m), got '1s'" -c "$src/examples/soulsync" --interval 1s
expect 2 "--delay: expected a duration in whole seconds (30s, 1m), got 'soon'" -c "$src/examples/soulsync" --delay soon
expect 2 "the delay must be a whole number of rule intervals (1m), got 30s" -c "$src/examples/soulsync" --delay 30s
cat >"$tmp/nototal.yaml" <<'YAML'
apiVersion: openslo/v1
kind: DataSource
metadata: {name: prom}
spec: {type: prometheus, connectionDetails: {url: "http://127.0.0.1:9090"}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: a}
spec:
  service: s
  indicator:
    metadata: {name: a}
    spec:
      ratioMetric:
        good: {metricSource: {metricSourceRef: prom, spec: {query: ok_total}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 0.99}]
YAML
expect 2 "SLO 'a': a Prometheus SLI needs a total query" -c "$tmp/nototal.yaml"
# -o writes the file, nothing on stdout
"$bin" rules -c "$src/examples/soulsync" -o "$tmp/soulsync.yml" >"$tmp/out" 2>&1 || fail "rules -o: exit $?"
[ -s "$tmp/soulsync.yml" ] && [ ! -s "$tmp/out" ] || fail "rules -o: file empty or output on stdout"
# a full disk is an error (the rules are one large write), to -o FILE or standard output
if [ -w /dev/full ]; then
  "$bin" rules -c "$src/examples/soulsync" -o /dev/full 2>"$tmp/err"
  [ $? -eq 2 ] && grep -qxF "headroom: /dev/full: write failed" "$tmp/err" || fail "rules -o /dev/full: $(cat "$tmp/err")"
  "$bin" rules -c "$src/examples/soulsync" >/dev/full 2>"$tmp/err"
  [ $? -eq 2 ] && grep -qxF "headroom: standard output: write failed" "$tmp/err" || fail "rules >/dev/full: $(cat "$tmp/err")"
fi
# every SLO of the example gets a group (the six, and per journey a composite
# with its two components: 6 + 3 x 3); its policies (not the defaults)
n=$(grep -c "^  - name: 'headroom-" "$tmp/soulsync.yml")
[ "$n" = 15 ] || fail "soulsync: $n groups, want 15"
grep -q "^  - name: 'headroom-matching-journey'" "$tmp/soulsync.yml" || fail "soulsync: no group for the composite"
grep -q "condition: 'yellow-burn-1h'" "$tmp/soulsync.yml" || fail "soulsync: no yellow-burn-1h alert"
grep -q "condition: 'red-exhaustion-3d'" "$tmp/soulsync.yml" || fail "soulsync: no red-exhaustion-3d alert"
grep -q "condition: 'page-1h-5m'" "$tmp/soulsync.yml" && fail "soulsync: default conditions despite policies"

# k8s wraps exactly the same groups
"$bin" rules -c "$src/examples/soulsync" --format k8s -o "$tmp/k8s.yml" || fail "rules --format k8s: exit $?"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  python3 - "$tmp/soulsync.yml" "$tmp/k8s.yml" "$tmp/k8s-groups.yml" <<'PY' || fail "k8s: spec.groups differs from the rule file"
import sys, yaml
plain = yaml.safe_load(open(sys.argv[1]))
k8s = yaml.safe_load(open(sys.argv[2]))
assert k8s["apiVersion"] == "monitoring.coreos.com/v1" and k8s["kind"] == "PrometheusRule", k8s.get("kind")
assert k8s["spec"]["groups"] == plain["groups"]
yaml.safe_dump({"groups": k8s["spec"]["groups"]}, open(sys.argv[3], "w"))
PY
fi

# promtool: install it when missing and we may (Debian's prometheus package)
if ! command -v promtool >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "rules.sh: installing promtool (apt-get install prometheus)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1; }
fi
if ! command -v promtool >/dev/null 2>&1; then
  [ "$fails" -eq 0 ] || { echo "rules.sh: $fails failure(s)" >&2; exit 1; }
  echo "rules.sh: SKIP promtool checks (promtool not installed and cannot be installed here)"
  exit 0
fi

check() { # check FILE: promtool check rules
  promtool check rules "$1" >"$tmp/pt" 2>&1 || { fail "promtool check rules $(basename "$1")"; sed 's/^/  | /' "$tmp/pt" >&2; }
}
check "$tmp/soulsync.yml"
[ -f "$tmp/k8s-groups.yml" ] && check "$tmp/k8s-groups.yml"
"$bin" rules -c "$src/examples/soulsync" --sloth-compat -o "$tmp/sloth.yml" && check "$tmp/sloth.yml"
"$bin" rules -c "$src/tests/promtool/prom-source.yaml" --sloth-compat -o "$tmp/prom-sloth.yml" && check "$tmp/prom-sloth.yml"
"$bin" rules -c "$src/tests/promtool/slos.yaml" -o "$tmp/rules.yml" && check "$tmp/rules.yml"
"$bin" rules -c "$src/tests/promtool/prom-source.yaml" -o "$tmp/rules_prom.yml" && check "$tmp/rules_prom.yml"
"$bin" rules -c "$src/tests/promtool/groups.yaml" -o "$tmp/groups_rules.yml" && check "$tmp/groups_rules.yml"
grep -q "record: headroom_slo_group:burn_rate:ratio" "$tmp/groups_rules.yml" || fail "groups: no per-group rules"

# unit tests with synthetic series: the values computed by hand
for t in "$src"/tests/promtool/*_test.yml; do
  cp "$t" "$tmp/"
  promtool test rules "$tmp/$(basename "$t")" >"$tmp/pt" 2>&1 ||
    { fail "promtool test rules $(basename "$t")"; sed 's/^/  | /' "$tmp/pt" >&2; }
done

if [ "$fails" -ne 0 ]; then
  echo "rules.sh: $fails failure(s)" >&2
  exit 1
fi
echo "rules.sh: ok"
