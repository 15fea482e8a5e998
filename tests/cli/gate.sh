#!/bin/sh
# tests/cli/gate.sh HEADROOM_BIN BUILD_DIR
# The release gate and the timeline on the SoulSync example (gen_soulsync
# --scale 0.2, four weeks ending 2026-11-01T00:00:00Z; statuses known:
# matching-availability red, matching-latency yellow, chat-latency orange,
# the other three green):
#   - gate decisions and exit codes for every service x risk, the deciding
#     SLO, JSON = the report's keys (slos of the service only) + gate keys;
#   - a Service's headroom.dev/gate-policy, and `check` on a bad one;
#   - annotate (deploy, maintenance) and `report` since_deploy and the
#     maintenance exclusion, from logs and from an ingested store, against
#     counts python3 makes independently over the generated ALB file;
#   - refusals: exit 2, and no store file left behind.
set -u
HR=${1:?usage: gate.sh HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: gate.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CONF="$SRC/examples/soulsync"
GEN="$BUILD/gen_soulsync"

fails=0
fail() { echo "gate.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
[ -x "$GEN" ] || { echo "gate.sh: $GEN not built" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "gate.sh: python3 is needed" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-gate.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
LOGS="$TMP/logs"
"$GEN" --out "$LOGS" --scale 0.2 >/dev/null || { echo "gate.sh: gen_soulsync failed" >&2; exit 1; }
ALL="$LOGS/gateway-alb.log $LOGS/chat-events.jsonl $LOGS/report-jobs.jsonl"
END=2026-11-01T00:00:00Z

# gate SERVICE RISK WANT_EXIT [WANT_DECIDING_SLO]
gate() {
  # shellcheck disable=SC2086
  "$HR" gate -c "$CONF" --service "$1" --risk "$2" --at $END --format json $ALL >"$TMP/g.json" 2>"$TMP/g.err"
  got=$?
  if [ "$got" != "$3" ]; then
    fail "gate $1 --risk $2: exit $got, want $3"; sed 's/^/  | /' "$TMP/g.err" >&2; return
  fi
  want_dec=allow; [ "$3" = 1 ] && want_dec=deny
  python3 - "$TMP/g.json" "$1" "$2" "$want_dec" "${4:-}" <<'PY' || fail "gate $1 --risk $2: JSON"
import json, sys
d = json.load(open(sys.argv[1]))
svc, risk, dec, slo = sys.argv[2:6]
ok = True
def want(k, v):
    global ok
    if d.get(k) != v:
        print(f"  {k}: got {d.get(k)!r}, want {v!r}"); ok = False
want("decision", dec); want("service", svc); want("risk", risk)
if slo:
    want("deciding_slo", slo)
if any(s["service"] != svc for s in d["slos"]):
    print("  slos of another service in the gate's JSON"); ok = False
if d["deciding_slo"] not in [s["name"] for s in d["slos"]]:
    print("  deciding_slo is not one of the service's SLOs"); ok = False
sys.exit(0 if ok else 1)
PY
}

# The SPEC §1 table on the example's known statuses.
gate core-matching fix 0 matching-availability     # red allows fixes ...
gate core-matching low 1 matching-availability     # ... and nothing else
gate core-matching normal 1 matching-availability
gate core-matching high 1 matching-availability
gate realtime-chat fix 0 chat-latency              # orange: fixes only
gate realtime-chat low 1 chat-latency
gate realtime-chat normal 1 chat-latency
gate ai-report high 0                              # all green: everything
gate ai-report normal 0

# Text: the decision first, then the reason naming the SLO, its status, the
# budget left and the burn rate, and for red what lifts the freeze.
# shellcheck disable=SC2086
"$HR" gate -c "$CONF" --service core-matching --at $END $ALL >"$TMP/g.txt" 2>&1
rc=$?
[ $rc = 1 ] || fail "gate core-matching (default risk normal): exit $rc, want 1"
head -1 "$TMP/g.txt" | grep -qx 'DENY: normal change to core-matching' || fail "text: first line: $(head -1 "$TMP/g.txt")"
for pat in 'SLO matching-availability is red' '% overspent, 1h burn' '1h burn ' 'red allows fix only, not a normal change' \
  'The freeze lifts once the SLI over the window' 'is back at >= the target 99.900%'; do
  grep -qF -- "$pat" "$TMP/g.txt" || fail "text lacks: $pat"
done

# JSON: the report's keys (top level and per SLO), the service's SLOs with
# the same figures as report, plus the gate's keys.
# shellcheck disable=SC2086
"$HR" report -c "$CONF" --at $END --format json $ALL >"$TMP/r.json" || fail "report exited non-zero"
# shellcheck disable=SC2086
"$HR" gate -c "$CONF" --service realtime-chat --at $END --format json $ALL >"$TMP/g.json"
python3 - "$TMP/r.json" "$TMP/g.json" <<'PY' || fail "gate JSON vs report JSON"
import json, sys
r = json.load(open(sys.argv[1])); g = json.load(open(sys.argv[2]))
ok = True
extra = set(g) - set(r)
if extra != {"decision", "reason", "risk", "service", "deciding_slo", "policy"}:
    print("  gate's own keys:", sorted(extra)); ok = False
if set(r) - set(g):
    print("  report keys missing from gate:", sorted(set(r) - set(g))); ok = False
mine = [s for s in r["slos"] if s["service"] == "realtime-chat"]
# the chat journey's two SLOs, then its composite's components and the composite
if [s["name"] for s in g["slos"]] != ["chat-send-availability", "chat-latency", "chat-journey.availability",
                                      "chat-journey.latency", "chat-journey"] or g["slos"] != mine:
    print("  gate slos differ from the report's for the service"); ok = False
if g["policy"] != {"green": ["fix", "low", "normal", "high"], "yellow": ["fix", "low"], "orange": ["fix"],
                   "red": ["fix"], "nodata": ["fix", "low"]}:
    print("  default policy:", g["policy"]); ok = False
if g["decision"] != "deny" or "chat-latency is orange" not in g["reason"]:
    print("  reason:", g["reason"]); ok = False
sys.exit(0 if ok else 1)
PY

# Errors: exit 2.
# shellcheck disable=SC2086
"$HR" gate -c "$CONF" --service core-matching --risk yolo $ALL >/dev/null 2>"$TMP/e"
[ $? = 2 ] && grep -qF "expected fix, low, normal or high" "$TMP/e" || fail "bad --risk: want exit 2"
# shellcheck disable=SC2086
"$HR" gate -c "$CONF" --service nope $ALL >/dev/null 2>"$TMP/e"
[ $? = 2 ] && grep -qF "unknown service 'nope'" "$TMP/e" || fail "unknown service: want exit 2"
"$HR" gate -c "$TMP/no-such-dir" --service core-matching >/dev/null 2>&1
[ $? = 2 ] || fail "missing configuration: want exit 2"

# A policy of its own: realtime-chat lets low-risk changes through orange.
mkdir -p "$TMP/conf"
cp "$CONF"/*.yaml "$TMP/conf/"
python3 - "$TMP/conf/services.yaml" "{orange: [fix, low], red: []}" <<'PY'
import sys
p, pol = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s.replace("  name: realtime-chat\n", "  name: realtime-chat\n  annotations:\n    headroom.dev/gate-policy: '%s'\n" % pol, 1)
open(p, "w").write(s)
PY
"$HR" check -c "$TMP/conf" >"$TMP/c.out" 2>&1 || fail "check of the config with a gate-policy failed"
grep -q "gate-policy" "$TMP/c.out" && fail "check warns about headroom.dev/gate-policy: $(cat "$TMP/c.out")"
# shellcheck disable=SC2086
"$HR" gate -c "$TMP/conf" --service realtime-chat --risk low --at $END --format json $ALL >"$TMP/g.json"
[ $? = 0 ] || fail "custom policy: realtime-chat low should be allowed"
grep -q '"orange": \[' "$TMP/g.json" || fail "custom policy not in the JSON"
# shellcheck disable=SC2086
"$HR" gate -c "$TMP/conf" --service realtime-chat --risk normal --at $END $ALL >/dev/null
[ $? = 1 ] || fail "custom policy: realtime-chat normal should still be denied"
cp "$CONF/services.yaml" "$TMP/conf/services.yaml"
python3 - "$TMP/conf/services.yaml" "{orange: [fix, lowish]}" <<'PY'
import sys
p, pol = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s.replace("  name: realtime-chat\n", "  name: realtime-chat\n  annotations:\n    headroom.dev/gate-policy: '%s'\n" % pol, 1)
open(p, "w").write(s)
PY
"$HR" check -c "$TMP/conf" >"$TMP/c.out" 2>&1
rc=$?
[ $rc = 2 ] || fail "check of a bad gate-policy: exit $rc, want 2"
line=$(grep -n 'gate-policy' "$TMP/conf/services.yaml" | cut -d: -f1)
grep -qF "services.yaml:$line:" "$TMP/c.out" && grep -qF "unknown risk class 'lowish'" "$TMP/c.out" ||
  fail "bad gate-policy message: $(cat "$TMP/c.out")"

# ---- the timeline ----
DB="$TMP/t.db"
# Refusals leave no store behind.
"$HR" annotate -c "$CONF" --db "$DB" --service nope --kind deploy >/dev/null 2>&1
[ $? = 2 ] || fail "annotate unknown service: want exit 2"
"$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind release >/dev/null 2>&1
[ $? = 2 ] || fail "annotate unknown kind: want exit 2"
"$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind maintenance --at 2026-10-21T12:00:00Z \
  >/dev/null 2>&1
[ $? = 2 ] || fail "annotate maintenance without --until: want exit 2"
"$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind maintenance --at 2026-10-21T12:00:00Z \
  --until 2026-10-21T11:00:00Z >/dev/null 2>&1
[ $? = 2 ] || fail "annotate maintenance ending before it starts: want exit 2"
[ -e "$DB" ] && fail "a refused annotate created the store"

# The deploy that shipped the cache regression (8 days before the end,
# 05:00Z), an older one, and a maintenance window over the GPU outage
# (12:10-13:40Z on 2026-10-21).
"$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind deploy --at 2026-10-20T05:00:00Z \
  --text v4.11.0 >/dev/null || fail "annotate deploy v4.11.0"
"$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind deploy --at 2026-10-24T05:00:00Z \
  --text v4.12.0 >"$TMP/a.out" || fail "annotate deploy v4.12.0"
grep -qx "recorded deploy #2 for core-matching at 2026-10-24T05:00:00Z: v4.12.0 (store $DB)" "$TMP/a.out" ||
  fail "annotate output: $(cat "$TMP/a.out")"
"$HR" annotate -c "$CONF" --db "$DB" --service core-matching --kind maintenance --at 2026-10-21T12:00:00Z \
  --until 2026-10-21T14:00:00Z --text "GPU pool migration" --format json >"$TMP/a.json" || fail "annotate maintenance"
python3 -c "
import json, sys
d = json.load(open('$TMP/a.json'))
sys.exit(0 if d == {'id': 3, 'service': 'core-matching', 'kind': 'maintenance', 'at': '2026-10-21T12:00:00Z',
                    'until': '2026-10-21T14:00:00Z', 'text': 'GPU pool migration', 'store': '$DB'} else 1)" ||
  fail "annotate --format json: $(cat "$TMP/a.json")"
"$HR" annotate -c "$CONF" --db "$DB" --service realtime-chat --kind note --at 2026-10-30T00:00:00Z \
  --text "not a deploy" >/dev/null || fail "annotate note"

# Report of the logs with that timeline, and from an ingested store.
# shellcheck disable=SC2086
"$HR" report -c "$CONF" --db "$DB" --at $END --format json $ALL >"$TMP/rl.json" 2>"$TMP/rl.err" ||
  { fail "report (logs + timeline)"; cat "$TMP/rl.err" >&2; }
# shellcheck disable=SC2086
"$HR" ingest -c "$CONF" --db "$TMP/s.db" $ALL >/dev/null 2>&1 || fail "ingest"
for a in "--kind deploy --at 2026-10-20T05:00:00Z" "--kind deploy --at 2026-10-24T05:00:00Z --text v4.12.0" \
  "--kind maintenance --at 2026-10-21T12:00:00Z --until 2026-10-21T14:00:00Z"; do
  # shellcheck disable=SC2086
  "$HR" annotate -c "$CONF" --db "$TMP/s.db" --service core-matching $a >/dev/null || fail "annotate $a (store)"
done
"$HR" report -c "$CONF" --db "$TMP/s.db" --at $END --format json >"$TMP/rs.json" 2>"$TMP/rs.err" ||
  { fail "report (store)"; cat "$TMP/rs.err" >&2; }
"$HR" report -c "$CONF" --db "$TMP/s.db" --at $END >"$TMP/rs.txt" 2>&1 || fail "report text (store)"
grep -qF "deployed 2026-10-24T05:00:00Z (7d 19h ago)" "$TMP/rs.txt" || fail "text report lacks the deploy line"
grep -qF "1 maintenance window from the timeline excluded." "$TMP/rs.txt" || fail "text report lacks the maintenance line"

# Independent counts over the ALB file (python3): getMatches is path
# /api/v1/matches without scheme, host and query; availability valid = not
# 4xx, good = status < 400; latency valid = status < 400, good = also the
# three processing times summing to < 0.8 s (none of them -1).
python3 - "$LOGS/gateway-alb.log" "$TMP/rl.json" "$TMP/rs.json" <<'PY' || fail "since_deploy / maintenance figures"
import json, re, sys
from datetime import datetime, timezone
def ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ" if "." in s else "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc).timestamp()
END = ts("2026-11-01T00:00:00Z"); W0 = END - 28 * 86400
DEP = ts("2026-10-24T05:00:00Z")
M0, M1 = ts("2026-10-21T12:00:00Z"), ts("2026-10-21T14:00:00Z")
c = {k: [0, 0] for k in ("av", "lat", "av_dep", "lat_dep", "av_all")}
for line in open(sys.argv[1]):
    head, req = line.split('"')[0].split(), line.split('"')[1].split()
    url = re.sub(r"^[a-zA-Z]+://[^/]*", "", req[1]).split("?")[0]
    if url != "/api/v1/matches":
        continue
    t = ts(head[1]); status = int(head[8])
    if not (W0 <= t < END):
        continue
    pt = [float(x) for x in head[5:8]]
    fast = all(x != -1 for x in pt) and sum(pt) < 0.8
    av_valid, av_good = not (400 <= status < 500), status < 400
    lat_valid, lat_good = status < 400, status < 400 and fast
    c["av_all"][0] += av_good; c["av_all"][1] += av_valid
    if M0 <= t < M1:
        continue  # the maintenance window excludes the service's events
    for k, (g, v) in (("av", (av_good, av_valid)), ("lat", (lat_good, lat_valid))):
        c[k][0] += g; c[k][1] += v
        if t >= DEP:
            c[k + "_dep"][0] += g; c[k + "_dep"][1] += v
ok = True
assert c["av_all"][1] > c["av"][1], "the window holds getMatches events"
for path in sys.argv[2:]:
    d = json.load(open(path))
    if d.get("maintenance_windows") != 1:
        print(path, "maintenance_windows", d.get("maintenance_windows")); ok = False
    s = {x["name"]: x for x in d["slos"]}
    for name, k, target in (("matching-availability", "av", 0.999), ("matching-latency", "lat", 0.99)):
        x = s[name]
        if [x["good"], x["valid"]] != c[k]:
            print(path, name, "good/valid", x["good"], x["valid"], "want", c[k]); ok = False
        sd = x["since_deploy"]
        g, v = c[k + "_dep"]
        spent = (v - g) / ((1 - target) * c[k][1])
        want = {"at": "2026-10-24T05:00:00Z", "counted_from": "2026-10-24T05:00:00Z", "good": g, "valid": v}
        if any(sd.get(kk) != vv for kk, vv in want.items()) or abs(sd["budget_spent"] - spent) > 1e-9:
            print(path, name, "since_deploy", sd, "want", want, "spent", spent); ok = False
        if sd["text"] != "v4.12.0":
            print(path, name, "text", sd["text"]); ok = False
    for name in ("chat-send-availability", "chat-latency", "report-freshness", "report-correctness"):
        if "since_deploy" not in s[name] or s[name]["since_deploy"] is not None:
            print(path, name, "since_deploy should be null (no deploy of its service)"); ok = False
    print(path.split("/")[-1], "matching-latency since deploy:", c["lat_dep"], "spent %.4f" % (
        (c["lat_dep"][1] - c["lat_dep"][0]) / (0.01 * c["lat"][1])))
sys.exit(0 if ok else 1)
PY

# No store, no timeline: the report has no since_deploy key at all (the
# shape the golden cases pin).
# shellcheck disable=SC2086
"$HR" report -c "$CONF" --db "$TMP/none.db" --at $END --format json $ALL >"$TMP/r0.json" 2>/dev/null
grep -q since_deploy "$TMP/r0.json" && fail "since_deploy present without a store"

if [ $fails != 0 ]; then
  echo "gate.sh: $fails failure(s)" >&2
  exit 1
fi
echo "gate: ok"
