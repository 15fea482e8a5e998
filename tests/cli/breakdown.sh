#!/bin/sh
# tests/cli/breakdown.sh HEADROOM_BIN BUILD_DIR
# `report --breakdown FIELD` on the project's own nginx log
# (tests/data/synth/nginx.log, three SLOs of tests/golden/nginx-synth):
#   - each SLO's sums over the lookback are what `report` counts: its burn
#     rate equals report's burn_rate over the same lookback (1h, 1d, with
#     --at and without, where the instant is just after the last event);
#   - the values add up: valid and bad sum to the SLO's, shares to 1, burn
#     contributions to its burn rate (with --top 0, every value listed);
#   - --top folds the rest, --slo picks one SLO, --threads 2 gives the same;
#   - the text table;
#   - errors (exit 2): a field the format cannot have (the fields it has
#     are listed), no log named and no SLO grouped by the field (the
#     store answers for groupBy fields only: tests/cli/groups.sh), a lookback that is not whole minutes,
#     --format html, an unknown SLO.
# Never the clock: every run passes --at or reads logs whose last event sets
# the instant. (The figures themselves are checked against an independent
# count by tests/golden/breakdown-*/check.py.)
set -u
HR=${1:?usage: breakdown.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CONF=$SRC/tests/golden/nginx-synth/slo.yaml
LOG=$SRC/tests/data/synth/nginx.log

fails=0
fail() { echo "breakdown.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
command -v python3 >/dev/null 2>&1 || { echo "breakdown.sh: python3 is needed" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-breakdown.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

# Against report, for each lookback report has, at two instants and without --at.
for case in "1h 2026-03-31T09:00:00Z" "1d 2026-03-31T09:00:00Z" "1d 2026-04-02T18:30:00Z" "1h -" "3d -"; do
  set -- $case
  at=""
  [ "$2" != "-" ] && at="--at $2"
  # shellcheck disable=SC2086
  "$HR" report -c "$CONF" "$LOG" $at --format json >"$TMP/r.json" 2>"$TMP/err" || fail "report $case: $(cat "$TMP/err")"
  # shellcheck disable=SC2086
  "$HR" report -c "$CONF" "$LOG" $at --breakdown path --lookback "$1" --top 0 --format json >"$TMP/b.json" \
    2>"$TMP/err" || fail "breakdown $case: $(cat "$TMP/err")"
  python3 - "$TMP/r.json" "$TMP/b.json" "$1" <<'PY' || fail "breakdown $case disagrees with report"
import json, math, sys
r, b, lb = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
ok = True
def same(what, x, y):
    global ok
    if not (x == y or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12))):
        print("  %s: report %r, breakdown %r" % (what, x, y)); ok = False
same("at", r["at"], b["at"])
rs = {s["name"]: s for s in r["slos"]}
for s in b["slos"]:
    n = s["name"]
    same(n + " burn_rate[%s]" % lb, rs[n]["burn_rate"][lb], s["burn_rate"] if s["valid"] else 0)
    same(n + " valid = sum of values", s["valid"], sum(v["valid"] for v in s["values"]))
    same(n + " bad = sum of values", s["bad"], sum(v["bad"] for v in s["values"]))
    same(n + " values listed (--top 0)", s["values_seen"], len(s["values"]))
    if s["bad"]:
        same(n + " shares sum to 1", 1.0, sum(v["share"] for v in s["values"]))
        same(n + " contributions sum to the burn", s["burn_rate"], sum(v["burn_contribution"] for v in s["values"]))
sys.exit(0 if ok else 1)
PY
done

# --top 3 folds the rest; --slo one SLO; --threads 2 the same figures.
"$HR" report -c "$CONF" "$LOG" --at 2026-04-03T00:00:00Z --breakdown path --lookback 7d --top 3 --slo latency \
  --format json >"$TMP/t3.json" || fail "--top 3"
"$HR" report -c "$CONF" "$LOG" --at 2026-04-03T00:00:00Z --breakdown path --lookback 7d --top 3 --slo latency \
  --threads 2 --format json >"$TMP/t3b.json" || fail "--threads 2"
cmp -s "$TMP/t3.json" "$TMP/t3b.json" || fail "--threads 2 changed the breakdown"
python3 - "$TMP/t3.json" <<'PY' || fail "--top 3 / --slo"
import json, sys
b = json.load(open(sys.argv[1]))
s, = b["slos"]
assert s["name"] == "latency" and len(s["values"]) == 3, s["name"]
assert s["rest"]["values"] == s["values_seen"] - 3
assert s["rest"]["valid"] + sum(v["valid"] for v in s["values"]) == s["valid"] == 414
assert s["rest"]["bad"] + sum(v["bad"] for v in s["values"]) == s["bad"] == 52
bads = [v["bad"] for v in s["values"]]
assert bads == sorted(bads, reverse=True) and s["rest"]["bad"] <= sum(bads), bads
PY

# The text table.
"$HR" report -c "$CONF" "$LOG" --at 2026-04-03T00:00:00Z --breakdown status --lookback 7d --top 2 \
  --slo site-availability >"$TMP/t.txt" || fail "text"
grep -q '^Bad events by status from 2026-03-27T00:00:00Z to 2026-04-03T00:00:00Z$' "$TMP/t.txt" || fail "text header"
grep -Eq '^site-availability \(shop, target 99.5 %\): [0-9 ]+ valid, [0-9]+ bad' "$TMP/t.txt" || fail "text SLO line"
grep -Eq '\(([0-9]+) more values?\)$' "$TMP/t.txt" || fail "text rest line"

# Errors.
expect2() {
  what=$1; shift
  "$HR" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2"
}
expect2 "unknown field" report -c "$CONF" "$LOG" --breakdown customer --slo latency
grep -q 'has no such field; it has: time, status' "$TMP/err" || fail "unknown field: fields not listed: $(cat "$TMP/err")"
expect2 "no field in any SLO" report -c "$CONF" "$LOG" --breakdown customer
expect2 "no log" report -c "$CONF" --breakdown path --db "$TMP/none.db"
grep -q 'from the store: no SLO is grouped by path.*name the log files' "$TMP/err" || fail "no log: $(cat "$TMP/err")"
expect2 "lookback" report -c "$CONF" "$LOG" --breakdown path --lookback 90s
expect2 "html" report -c "$CONF" "$LOG" --breakdown path --format html
expect2 "unknown SLO" report -c "$CONF" "$LOG" --breakdown path --slo nope
expect2 "bad --top" report -c "$CONF" "$LOG" --breakdown path --top -1

[ $fails -eq 0 ] || { echo "breakdown.sh: $fails failure(s)" >&2; exit 1; }
echo "breakdown.sh: ok"
