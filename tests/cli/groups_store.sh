#!/bin/sh
# tests/cli/groups_store.sh HEADROOM_BIN BUILD_DIR
# Grouped SLOs kept in the store (docs/internals/store.md, "Version 7"), on
# the project's nginx log with tests/golden/groups-synth/slo.yaml: the same
# groups (every figure of `groups`) from
#   - report of the logs,
#   - report of the store filled by `ingest` (and by two ingests, a restart
#     between the halves of the log),
#   - serve's GET /api/v1/slos and GET /api/v1/slos/NAME, its tailer having
#     read the log into a store of its own,
#   - serve's API after the log was POSTed to /api/v1/events in two batches,
# and /metrics carrying the groups as labels: every group's counters equal
# its store counts, at most maxGroups + 1 series per SLO and family; and
# GET /api/v1/breakdown (the dashboard's "what is burning") answering as
# report --breakdown of the store.
# The gate of the store denies naming the same group as the gate of the logs.
# (ingest has no thread option; report's --threads is held by groups.sh.)
# Never the clock: every run passes --at.
set -u
bin=${1:?usage: groups_store.sh HEADROOM_BIN BUILD_DIR}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
AT=2026-04-03T00:00:00Z
command -v python3 >/dev/null 2>&1 || { echo "groups_store.sh: python3 is needed" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "groups_store.sh: curl is needed" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-gstore.XXXXXX") || exit 1
cd "$TMP" || exit 1
. "$src/tests/cli/lib/serve_lib.sh"
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; cd /; rm -rf "$TMP"' EXIT INT TERM

mkdir logs
cp "$src/tests/data/synth/nginx.log" logs/a.log
sed "s#^    format: nginx#    format: nginx\n    paths: [\"$TMP/logs/*.log\"]#" \
  "$src/tests/golden/groups-synth/slo.yaml" >slo.yaml
grep -q "paths: \[\"$TMP/logs" slo.yaml || fail "no paths in the configuration"

"$bin" report -c slo.yaml logs/a.log --at $AT --format json >logs.json 2>err || fail "report of the logs: $(cat err)"
"$bin" ingest -q -c slo.yaml --db i.db logs/a.log 2>err || fail "ingest: $(cat err)"
"$bin" report -c slo.yaml --db i.db --at $AT --format json >store.json 2>err || fail "report of the store: $(cat err)"
head -n 300 logs/a.log >h1.log
tail -n +301 logs/a.log >h2.log
"$bin" ingest -q -c slo.yaml --db i2.db h1.log 2>err || fail "ingest h1: $(cat err)"
"$bin" ingest -q -c slo.yaml --db i2.db h2.log 2>err || fail "ingest h2: $(cat err)"
"$bin" report -c slo.yaml --db i2.db --at $AT --format json >store2.json 2>err || fail "report of i2: $(cat err)"

# The gate of the store holds the groups as the gate of the logs does
# (tests/golden/gate-group-synth): the same decision, the same deciding group.
GCONF=$src/tests/golden/gate-group-synth/slo.yaml
"$bin" ingest -q -c "$GCONF" --db g.db logs/a.log 2>err || fail "ingest (gate): $(cat err)"
"$bin" gate -c "$GCONF" --service shop --risk low logs/a.log --at $AT --format json >gate_logs.json 2>/dev/null
"$bin" gate -c "$GCONF" --service shop --risk low --db g.db --at $AT --format json >gate_store.json 2>/dev/null
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:3]); assert a["decision"]=="deny" and (a["decision"],a["deciding_group"])==(b["decision"],b["deciding_group"]), (a.get("deciding_group"), b.get("deciding_group"))' \
  gate_logs.json gate_store.json || fail "gate of the store != gate of the logs"

total=$(python3 -c 'import json,sys; print(sum(s["valid"] for s in json.load(open(sys.argv[1]))["slos"]))' logs.json)
start_serve -c slo.yaml --db s.db --at $AT -q || exit 1
wait_valid "$total" || fail "serve's tailer did not read the log"
curl -sf --max-time 5 "${url}api/v1/slos" >api.json || fail "GET /api/v1/slos"
curl -sf --max-time 5 "${url}api/v1/slos/site-availability" >page.json || fail "GET /api/v1/slos/site-availability"
curl -sf --max-time 5 "${url}metrics" >metrics.txt || fail "GET /metrics"
# what is burning over [T - 7d, T): the API (the dashboard's panel) answers as
# report --breakdown of the store; a field no SLO is grouped by is a 400.
curl -sf --max-time 5 "${url}api/v1/breakdown?slo=site-availability&from=2026-03-27T00:00:00Z&to=$AT" >bd_api.json ||
  fail "GET /api/v1/breakdown"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${url}api/v1/breakdown?slo=site-availability&field=status")
[ "$code" = 400 ] || fail "GET /api/v1/breakdown field=status: $code, want 400"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${url}api/v1/breakdown?slo=nope")
[ "$code" = 404 ] || fail "GET /api/v1/breakdown slo=nope: $code, want 404"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# POST /api/v1/events (two batches, one with an Idempotency-Key) into a serve
# whose paths match nothing: the same groups.
sed "s#$TMP/logs/\*.log#$TMP/none/*.log#" slo.yaml >post.yaml
start_serve -c post.yaml --db p.db --at $AT -q || exit 1
curl -sf --max-time 5 -X POST -H 'Content-Type: application/x-ndjson' --data-binary @h1.log \
  "${url}api/v1/events?source=web-logs" >/dev/null || fail "POST /api/v1/events h1"
curl -sf --max-time 5 -X POST -H 'Content-Type: application/x-ndjson' -H 'Idempotency-Key: h2' --data-binary @h2.log \
  "${url}api/v1/events?source=web-logs" >/dev/null || fail "POST /api/v1/events h2"
curl -sf --max-time 5 "${url}api/v1/slos" >post.json || fail "GET /api/v1/slos (posted)"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
python3 -c 'import json,sys; g=lambda p: {s["name"]: s.get("groups") for s in json.load(open(p))["slos"]}; assert g(sys.argv[1]) == g(sys.argv[2])' \
  post.json logs.json || fail "groups of POST /api/v1/events != report of the logs"
"$bin" report -c slo.yaml --db s.db --at $AT --breakdown path --lookback 7d --slo site-availability --format json \
  >bd_cli.json 2>err || fail "report --breakdown of serve's store: $(cat err)"
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:3]); assert a["slos"]==b["slos"] and a["slos"][0]["values"], (a,b)' \
  bd_api.json bd_cli.json || fail "GET /api/v1/breakdown != report --breakdown of the store"
python3 - logs.json store.json store2.json api.json page.json metrics.txt <<'PY' || fail "grouped figures differ"
import json, re, sys
logs, store, store2, api, page = (json.load(open(p)) for p in sys.argv[1:6])
metrics = open(sys.argv[6]).read()
groups = lambda d: {s["name"]: s.get("groups") for s in d["slos"]}
want = groups(logs)
assert want["site-availability"] and want["latency"], want
assert groups(store) == want, "report of the store != report of the logs"
assert groups(store2) == want, "two ingests != report of the logs"
assert groups(api) == want, "serve's /api/v1/slos != report of the logs"
assert page["groups"] == want["site-availability"], "serve's SLO page != report of the logs"
# /metrics: one series per group, the fields as labels, the counts of the store
# (all time: those of the window for site-availability, whose 30d hold the
# whole log; at least those of latency's 7d window).
fields = {"site-availability": ["path"], "latency": ["method", "protocol"]}
for slo, gs in want.items():
    if not gs:
        continue
    got = {}
    for m in re.finditer(r'^headroom_slo_group_valid_total\{service="shop",slo="%s",(.*)\} (\d+)$' % slo, metrics, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        got[tuple(labels[f] for f in fields[slo])] = int(m.group(2))
    exp = {tuple(g["labels"][f] for f in fields[slo]): g["valid"] for g in gs}
    if slo == "site-availability":
        assert got == exp, (slo, got, exp)
    assert got.keys() == exp.keys() and all(got[k] >= exp[k] for k in exp), (slo, got, exp)
    n = len(re.findall(r'^headroom_slo_group_budget_remaining_ratio\{service="shop",slo="%s",' % slo, metrics, re.M))
    assert n == len(gs), (slo, n)
assert len(want["site-availability"]) == 5  # maxGroups 4 + _other
PY

[ $fails -eq 0 ] || { echo "groups_store.sh: $fails failure(s)" >&2; exit 1; }
echo "groups_store.sh: ok"
