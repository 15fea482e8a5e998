#!/bin/sh
# tests/cli/groups.sh HEADROOM_BIN BUILD_DIR
# Grouped SLOs (groupBy / maxGroups, docs/config.md) on the project's own
# nginx log with tests/golden/groups-synth/slo.yaml (whose check.py holds
# every group's figures against an independent evaluation):
#   - --threads 1 and --threads 2 give the same groups, as does the text;
#   - the _other fold: which paths get their own budget is the first
#     maxGroups read, so the same events read in another order (the file
#     reversed) give other groups, while the SLO's own figures and the sum
#     of its groups stay the same;
#   - the groups add up to their SLO, each SLO's groups at most maxGroups + 1;
#   - the store's grouped counts (ingest) give the report of the store the
#     same groups, also ingested in two runs; the logs and the store
#     together say the groups are counted from one or the other;
#   - configuration errors at file:line (check and report, exit 2): a field
#     the format cannot have, maxGroups 0, groupBy in good's spec.
# Never the clock: every run passes --at.
set -u
HR=${1:?usage: groups.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CONF=$SRC/tests/golden/groups-synth/slo.yaml
LOG=$SRC/tests/data/synth/nginx.log
AT=2026-04-03T00:00:00Z

fails=0
fail() { echo "groups.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
command -v python3 >/dev/null 2>&1 || { echo "groups.sh: python3 is needed" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-groups.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

"$HR" report -c "$CONF" "$LOG" --at $AT --format json >"$TMP/t1.json" 2>"$TMP/err" || fail "report: $(cat "$TMP/err")"
"$HR" report -c "$CONF" "$LOG" --at $AT --format json --threads 2 >"$TMP/t2.json" || fail "report --threads 2"
cmp -s "$TMP/t1.json" "$TMP/t2.json" || fail "--threads 2 changed the figures"
"$HR" report -c "$CONF" "$LOG" --at $AT >"$TMP/t.txt" || fail "text"
grep -Eq '^RED +- +  path=_other ' "$TMP/t.txt" || fail "text: no _other row: $(cat "$TMP/t.txt")"

# The same events in reverse order: the first four paths read differ.
awk '{l[NR]=$0} END{for (i=NR; i>0; i--) print l[i]}' "$LOG" >"$TMP/rev.log"
"$HR" report -c "$CONF" "$TMP/rev.log" --at $AT --format json >"$TMP/rev.json" || fail "report of the reversed log"
python3 - "$TMP/t1.json" "$TMP/rev.json" <<'PY' || fail "the _other fold"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sa, sb = ({s["name"]: s for s in d["slos"]} for d in (a, b))
for n in sa:
    x, y = sa[n], sb[n]
    assert (x["good"], x["valid"], x["status"]) == (y["good"], y["valid"], y["status"]), n
    for s in (x, y):
        g = s.get("groups", [])
        assert sum(e["valid"] for e in g) == (s["valid"] if g else 0), n
        assert sum(e["good"] for e in g) == (s["good"] if g else 0), n
site = lambda s: sorted(e["labels"]["path"] for e in s["site-availability"]["groups"])
assert len(site(sa)) == 5 and "_other" in site(sa), site(sa)
assert site(sa) != site(sb), "reading order did not change which paths are grouped"
assert site(sa) == sorted(["/api/search", "/checkout", "/products/167", "/products/61", "_other"]), site(sa)
assert "groups" not in sa["upstream-latency"]
PY

# From the store (ingest's grouped counts): the same groups as the report of
# the logs; ingested in two runs (a restart between the halves), the same
# groups are named (the assignment is kept in the store); the reversed log
# names the reversed log's groups. The logs and the store together: no
# groups, and the report says why.
"$HR" ingest -c "$CONF" --db "$TMP/h.db" "$LOG" >/dev/null 2>&1 || fail "ingest"
"$HR" report -c "$CONF" --db "$TMP/h.db" --at $AT --format json 2>/dev/null >"$TMP/st.json" || fail "report of the store"
head -n 400 "$LOG" >"$TMP/a.log"
tail -n +401 "$LOG" >"$TMP/b.log"
"$HR" ingest -c "$CONF" --db "$TMP/h2.db" "$TMP/a.log" >/dev/null 2>&1 || fail "ingest a"
"$HR" ingest -c "$CONF" --db "$TMP/h2.db" "$TMP/b.log" >/dev/null 2>&1 || fail "ingest b"
"$HR" report -c "$CONF" --db "$TMP/h2.db" --at $AT --format json 2>/dev/null >"$TMP/st2.json" || fail "report h2"
"$HR" ingest -c "$CONF" --db "$TMP/hr.db" "$TMP/rev.log" >/dev/null 2>&1 || fail "ingest rev"
"$HR" report -c "$CONF" --db "$TMP/hr.db" --at $AT --format json 2>/dev/null >"$TMP/str.json" || fail "report hr"
python3 - "$TMP/t1.json" "$TMP/st.json" "$TMP/st2.json" "$TMP/rev.json" "$TMP/str.json" <<'PY' || fail "store groups"
import json, sys
t1, st, st2, rev, strev = (json.load(open(p)) for p in sys.argv[1:6])
g = lambda d: {s["name"]: s.get("groups") for s in d["slos"]}
assert g(st) == g(t1), "store != logs"
assert g(st2) == g(t1), "store ingested in two runs != logs"
assert g(strev) == g(rev), "store of the reversed log != its report"
assert not st["errors"], st["errors"]
PY
# report --breakdown path of the store: its groups over the window (30d).
"$HR" report -c "$CONF" --db "$TMP/h.db" --at $AT --format json --breakdown path --lookback 30d --top 0 \
  --slo site-availability >"$TMP/bd.json" 2>"$TMP/err" || fail "breakdown of the store: $(cat "$TMP/err")"
python3 - "$TMP/t1.json" "$TMP/bd.json" <<'PY' || fail "breakdown of the store != groups"
import json, sys
t1, bd = (json.load(open(p)) for p in sys.argv[1:3])
site = [s for s in t1["slos"] if s["name"] == "site-availability"][0]
want = {g["labels"]["path"]: (g["good"], g["valid"]) for g in site["groups"]}
got = {v["value"]: (v["good"], v["valid"]) for v in bd["slos"][0]["values"]}
assert got == want, (got, want)
PY
"$HR" report -c "$CONF" --db "$TMP/h.db" --at $AT --breakdown status >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q 'no SLO is grouped by status; the store answers for the groupBy fields only (path, method, protocol)' \
  "$TMP/err" || fail "breakdown status of the store: $(cat "$TMP/err")"
"$HR" report -c "$CONF" --db "$TMP/h.db" "$LOG" --at $AT --format json 2>/dev/null >"$TMP/both.json" ||
  fail "report of the logs and the store"
grep -q 'its groups are counted from the log files alone or from the store alone' "$TMP/both.json" ||
  fail "logs + store: no note on groups"

# Configuration errors.
sed 's/groupBy: \[path\]/groupBy: [customer]/' "$CONF" >"$TMP/bad1.yaml"
sed 's/maxGroups: 4/maxGroups: 0/' "$CONF" >"$TMP/bad2.yaml"
awk '{print} /filter: .status < 500.$/ && !d {print "              groupBy: [path]"; d=1}' "$CONF" >"$TMP/bad3.yaml"
for b in bad1 bad2 bad3; do
  "$HR" check -c "$TMP/$b.yaml" >/dev/null 2>"$TMP/err"
  rc=$?
  [ $rc -eq 2 ] || fail "check $b: exit $rc"
  grep -Eq "$b.yaml:[0-9]+:[0-9]+: (groupBy|maxGroups)" "$TMP/err" || fail "check $b: $(cat "$TMP/err")"
done
"$HR" report -c "$TMP/bad1.yaml" "$LOG" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q 'bad1.yaml:[0-9]*: SLO site-availability: groupBy customer' "$TMP/err" ||
  fail "report bad1: $(cat "$TMP/err")"

[ $fails -eq 0 ] || { echo "groups.sh: $fails failure(s)" >&2; exit 1; }
echo "groups.sh: ok"
