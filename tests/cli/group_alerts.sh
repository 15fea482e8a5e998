#!/bin/sh
# tests/cli/group_alerts.sh HEADROOM_BIN BUILD_DIR
# The alerts of a grouped SLO's groups (docs/alerting.md, "Grouped SLOs"),
# and what `check` says they can hold at most:
# one path of three burns while its SLO, diluted by the healthy paths, does
# not. One alert round (`evaluate`, the round serve runs every minute):
#   - the burning group's page conditions fire, labelled with the group;
#     the SLO's own and the other groups' (the _other fold included) do not;
#   - one notification for the group's page incident, its labels the
#     generated rules' (path, group_by) and its summary naming the group;
#   - the group's traffic recovered, a later round resolves them and sends
#     one resolve with the same labels;
#   - the SLO no longer grouped, a round resolves the group's firing alerts
#     ("the group is no longer in the configuration");
#   - serve's own round and GET /api/v1/alerts give the same firing alerts;
#   - evaluate migrates a store of the previous schema (v7) and runs.
# Time is passed in (--at); no clock, no sleep.
set -u
. "$(dirname "$0")/lib/common.sh"
test_init group_alerts "$@"
bin=$HR
cd "$TMP" || exit 1
. "$SRC/tests/cli/lib/serve_lib.sh"

AT=2026-03-02T00:00:00Z
LATER=2026-03-02T03:00:00Z

# conf FILE GROUPBY: a jsonl DataSource, the SLO checkout (99 %, 7d) on the
# default conditions, grouped by GROUPBY (a YAML line, or nothing), a webhook.
conf() {
  cat >"$1" <<YAML
apiVersion: openslo/v1
kind: DataSource
metadata: {name: api}
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    fields: {time: t, status: s, path: p}
    paths: ["$TMP/none/*.log"]
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: hook
  annotations: {headroom.dev/url: 'http://127.0.0.1:1/hook'}
spec: {target: webhook}
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: am
  annotations: {headroom.dev/url: 'http://127.0.0.1:1/'}
spec: {target: alertmanager}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout}
spec:
  service: shop
  indicator:
    metadata: {name: checkout}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: api, type: headroom.logs, spec: {filter: 'status < 500'}}}
        total:
          metricSource:
            metricSourceRef: api
            type: headroom.logs
            spec:
              filter: 'status > 0'
$2
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
YAML
}
conf grouped.yaml "              groupBy: [path]
              maxGroups: 2"
conf plain.yaml ""

# check states what the groups can hold: 3 budgets (2 + _other) of 4
# conditions each (the defaults but no-data)
"$bin" check -c grouped.yaml >check.out 2>/dev/null
grep -qF ", 1 grouped SLO (up to 3 group budgets and 12 group alerts)" check.out ||
  fail "check: no grouped SLO line in: $(cat check.out)"

# A day of traffic before AT, then three hours after it: /ok 20 a minute,
# /pay and /x and /y one each (maxGroups 2: /ok and /pay are named first,
# /x and /y go to _other); /pay fails half of its requests in the 30
# minutes before AT (two a minute then), and is healthy again after AT.
python3 - <<'PY' >events.log
import json
at = 1772409600  # 2026-03-02T00:00:00Z
for m in range(-1440, 180):
    t = at + m * 60
    for k in range(20):
        print(json.dumps({"t": t + k, "p": "/ok", "s": 200}))
    bad = -30 <= m < 0
    for k in range(2 if bad else 1):
        print(json.dumps({"t": t + 30 + k, "p": "/pay", "s": 500 if bad and k == 0 else 200}))
    print(json.dumps({"t": t + 40, "p": "/x", "s": 200}))
    print(json.dumps({"t": t + 50, "p": "/y", "s": 200}))
PY

"$bin" ingest -q -c grouped.yaml --db a.db events.log 2>err || fail "ingest: $(cat err)"
cp a.db serve.db
cp a.db retire.db

# evaluate DB CONF AT OUT: one round, its JSON in OUT
evaluate() {
  "$bin" evaluate -c "$2" --db "$1" --at "$3" --format json >"$4" 2>err || fail "evaluate $1 at $3: $(cat err)"
}
evaluate a.db grouped.yaml $AT at.json
python3 - at.json a.db <<'PY' || fail "the round at $AT"
import json, sqlite3, sys
v = json.load(open(sys.argv[1]))
firing = sorted((a["slo"], json.dumps(a["labels"]), a["condition"]) for a in v["alerts"] if a["state"] == "firing")
# page 14.4x over 1h and 5m: /pay burns 33x and 50x; page 6x over 6h and 30m:
# 7.7x and 50x; ticket 1x over 3d and 6h: 2.0x and 7.7x. The SLO: 30 bad of
# about 1,350 in the last hour, 2.2x; 30 of about 33,000 over 3d, 0.09x.
want = [("checkout", '{"path": "/pay"}', c) for c in ("page-1h-5m", "page-6h-30m", "ticket-3d-6h")]
assert firing == want, firing
fired = [t for t in v["transitions"] if t["kind"] == "firing"]
assert len(fired) == 3 and all(t["labels"] == {"path": "/pay"} for t in fired), fired
assert all(t["summary"].startswith("path=/pay: burn rate ") for t in fired), fired
db = sqlite3.connect(sys.argv[2])
groups = sorted(r[0] for r in db.execute("SELECT DISTINCT labels FROM alert WHERE slo = 'checkout'"))
assert groups == ['', '{"path":"/ok"}', '{"path":"/pay"}', '{"path":"_other"}'], groups
# one page incident (the ticket is held while it is open): one notification
# per target, the group's labels
rows = db.execute("SELECT target, payload FROM outbox ORDER BY id").fetchall()
assert [r[0] for r in rows] == ["hook", "am"] or [r[0] for r in rows] == ["am", "hook"], rows
for target, payload in rows:
    p = json.loads(payload)
    if target == "am":
        lb = p[0]["labels"]
        assert lb["path"] == "/pay" and lb["group_by"] == "path" and lb["slo"] == "checkout", lb
        assert "checkout (path=/pay)" in p[0]["annotations"]["summary"], p[0]["annotations"]
    else:
        assert p["labels"] == {"path": "/pay"} and p["status"] == "firing", p
PY

# three hours later /pay is healthy: resolved (the ticket too: 30 bad of
# 1,650 over 3d is no longer evidence at the guard's 0.001); the incident
# closes 30 minutes later (the damping) with one resolve per target
evaluate a.db grouped.yaml $LATER later.json
evaluate a.db grouped.yaml 2026-03-02T03:30:00Z closed.json
python3 - later.json a.db <<'PY' || fail "the round at $LATER"
import json, sqlite3, sys
v = json.load(open(sys.argv[1]))
assert not [a for a in v["alerts"] if a["state"] == "firing"], v["alerts"]
res = [t for t in v["transitions"] if t["kind"] == "resolved"]
assert len(res) == 3 and all(t["labels"] == {"path": "/pay"} for t in res), res
db = sqlite3.connect(sys.argv[2])
rows = db.execute("SELECT target, payload FROM outbox ORDER BY id").fetchall()
assert len(rows) == 4, len(rows)
for target, payload in rows[2:]:
    p = json.loads(payload)
    if target == "am":
        assert p[0]["labels"]["path"] == "/pay" and p[0]["endsAt"] == "2026-03-02T03:30:00Z", p
    else:
        assert p["status"] == "resolved" and p["labels"] == {"path": "/pay"}, p
PY

# the SLO no longer grouped: its group's firing alerts resolve at once
evaluate retire.db grouped.yaml $AT r1.json
evaluate retire.db plain.yaml 2026-03-02T00:01:00Z r2.json
python3 - r2.json <<'PY' || fail "the group's alerts when the SLO is no longer grouped"
import json, sys
v = json.load(open(sys.argv[1]))
assert not [a for a in v["alerts"] if a["labels"]], v["alerts"]
res = [t for t in v["transitions"] if t["kind"] == "resolved"]
assert len(res) == 3, res
assert all(t["summary"] == "path=/pay: resolved: the group is no longer in the configuration" for t in res), res
PY

# evaluate (cron) on a store of the previous schema (v7: alerts without
# labels, as an older headroom left it) migrates it and runs its round
cp serve.db old.db
python3 - old.db <<'PY' || fail "could not make a v7 store"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
DROP TABLE alert;
CREATE TABLE alert (slo TEXT NOT NULL, condition TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL,
  since INTEGER NOT NULL, fired_at INTEGER, resolved_at INTEGER, value REAL, updated INTEGER NOT NULL, kind TEXT,
  PRIMARY KEY (slo, condition)) WITHOUT ROWID;
ALTER TABLE alert_event DROP COLUMN labels;
DROP TABLE incident;
CREATE TABLE incident (slo TEXT NOT NULL, grp TEXT NOT NULL, open INTEGER NOT NULL, notified INTEGER NOT NULL,
  quiet_since INTEGER, lead TEXT, lead_kind TEXT, fired_at INTEGER, updated INTEGER NOT NULL,
  PRIMARY KEY (slo, grp)) WITHOUT ROWID;
PRAGMA user_version = 7;
""")
PY
evaluate old.db grouped.yaml $AT old.json
python3 - old.json old.db <<'PY' || fail "evaluate on a v7 store"
import json, sqlite3, sys
v = json.load(open(sys.argv[1]))
assert len([a for a in v["alerts"] if a["state"] == "firing" and a["labels"] == {"path": "/pay"}]) == 3, v["alerts"]
assert sqlite3.connect(sys.argv[2]).execute("PRAGMA user_version").fetchone()[0] == 8
PY

# serve's own round at the frozen minute: the same firing alerts in its API
start_serve -c grouped.yaml --db serve.db --at $AT -q || exit 1
ok=0
for i in $(seq 1 100); do
  curl -sf --max-time 5 "${url}api/v1/alerts" >api.json 2>/dev/null &&
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if [a for a in v["alerts"] if a["state"]=="firing"] else 1)' api.json &&
    { ok=1; break; }
  python3 -c 'import time; time.sleep(0.1)' # polling serve's first round, not timing it
done
[ $ok = 1 ] || fail "serve: no firing alert in GET /api/v1/alerts"
python3 - api.json at.json <<'PY' || fail "serve's alerts differ from evaluate's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda v: sorted((x["slo"], json.dumps(x["labels"]), x["condition"], x["state"], x["fired_at"]) for x in v["alerts"])
assert key(a) == key(b), (key(a), key(b))
PY
test_done
