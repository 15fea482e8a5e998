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
#   - a report of the store says the groups are counted from logs only;
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

# From the store: no groups, and the report says why.
"$HR" ingest -c "$CONF" --db "$TMP/h.db" "$LOG" >/dev/null 2>&1 || fail "ingest"
"$HR" report -c "$CONF" --db "$TMP/h.db" --at $AT --format json 2>/dev/null >"$TMP/st.json" || fail "report of the store"
grep -q 'its groups are counted from log files only' "$TMP/st.json" || fail "store: no note on groups"

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
