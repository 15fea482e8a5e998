#!/bin/sh
# tests/cli/example.sh HEADROOM_BIN BUILD_DIR
# The SoulSync example end to end: a small deterministic generation
# (gen_soulsync --scale 0.2), `check` of examples/soulsync, and `report
# --format json` of the generated logs, checked for
#   - all six SLOs,
#   - the colours the generator intends (every status: green, yellow,
#     orange, red),
#   - exact counts: good/valid of matching-availability equal what awk counts
#     independently over the generated ALB file.
set -u
HR=${1:?usage: example.sh HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: example.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CONF="$SRC/examples/soulsync"
GEN="$BUILD/gen_soulsync"

fail() { echo "example.sh: FAIL: $*" >&2; exit 1; }
[ -x "$GEN" ] || fail "$GEN not built"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-example.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
LOGS="$TMP/logs"

"$GEN" --out "$LOGS" --scale 0.2 > "$TMP/gen.txt" || fail "gen_soulsync failed"
for f in gateway-alb.log chat-events.jsonl report-jobs.jsonl; do
  [ -s "$LOGS/$f" ] || fail "gen_soulsync wrote no $f"
done

# Determinism: the same options give the same bytes.
"$GEN" --out "$TMP/again" --scale 0.2 > /dev/null || fail "gen_soulsync (second run) failed"
for f in gateway-alb.log chat-events.jsonl report-jobs.jsonl; do
  cmp -s "$LOGS/$f" "$TMP/again/$f" || fail "gen_soulsync is not deterministic: $f differs"
done
rm -rf "$TMP/again"

"$HR" check -c "$CONF" > "$TMP/check.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/check.out" >&2; fail "check -c examples/soulsync exited $rc, want 0"; }

"$HR" report -c "$CONF" --format json "$LOGS/gateway-alb.log" "$LOGS/chat-events.jsonl" "$LOGS/report-jobs.jsonl" \
  > "$TMP/report.json" 2> "$TMP/report.err"
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/report.err" >&2; fail "report exited $rc, want 0"; }

# Independent count over the ALB file: getMatches is path /api/v1/matches
# (scheme, host and query removed); valid = not 4xx, good = status < 400.
awk -F'"' '
  {
    split($1, f, " "); status = f[9] + 0
    split($2, r, " "); url = r[2]
    sub(/^[a-zA-Z]+:\/\/[^\/]*/, "", url); sub(/\?.*$/, "", url)
    if (url != "/api/v1/matches") next
    if (!(status >= 400 && status < 500)) valid++
    if (status < 400) good++
  }
  END { printf "%d %d\n", good, valid }' "$LOGS/gateway-alb.log" > "$TMP/awk.txt" || fail "awk failed"

python3 - "$TMP/report.json" "$TMP/awk.txt" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
good, valid = (int(x) for x in open(sys.argv[2]).read().split())
want = {
    "matching-availability": "red",
    "matching-latency": "yellow",
    "chat-send-availability": "green",
    "chat-latency": "orange",
    "report-freshness": "green",
    "report-correctness": "green",
}
errs = []
slos = {s["name"]: s for s in d.get("slos", [])}
for k in ("lines_read", "lines_malformed"):
    if k not in d:
        errs.append("report has no %s" % k)
if d.get("lines_malformed", 0) != 0:
    errs.append("lines_malformed = %s, want 0" % d.get("lines_malformed"))
for name, colour in want.items():
    s = slos.get(name)
    if s is None:
        errs.append("SLO %s missing" % name)
        continue
    if s.get("status") != colour:
        errs.append("%s: status %s, want %s (sli %s, budget_remaining %s, burn %s)"
                    % (name, s.get("status"), colour, s.get("sli"), s.get("budget_remaining"), s.get("burn_rate")))
statuses = {s.get("status") for s in slos.values()}
for c in ("green", "yellow", "orange", "red"):
    if c not in statuses:
        errs.append("no SLO is %s" % c)
m = slos.get("matching-availability")
if m is not None and (m.get("good"), m.get("valid")) != (good, valid):
    errs.append("matching-availability good/valid %s/%s, awk counts %d/%d" % (m.get("good"), m.get("valid"), good, valid))
if errs:
    for e in errs:
        print("example.sh: FAIL: " + e, file=sys.stderr)
    sys.exit(1)
print("example.sh: ok: 6 SLOs, statuses %s, matching-availability %d/%d as awk counts"
      % (sorted(statuses), good, valid))
PY

# The text report names every SLO in full (the composite's components are
# longer than the column's 28 characters: no truncation, no two rows alike)
# and its columns line up under the header whatever the names' lengths.
"$HR" report -c "$CONF" "$LOGS/gateway-alb.log" "$LOGS/chat-events.jsonl" "$LOGS/report-jobs.jsonl" \
  > "$TMP/report.txt" 2> "$TMP/report.err" || fail "report (text) failed: $(cat "$TMP/report.err")"
python3 - "$TMP/report.json" "$TMP/report.txt" <<'PY' || exit 1
import json, sys
names = [s["name"] for s in json.load(open(sys.argv[1]))["slos"]]
lines = open(sys.argv[2]).read().split("\n")
head = next(l for l in lines if l.startswith("STATUS "))
col = head.index(" SLI ") + 1
rows = [l for l in lines[lines.index(head) + 1:] if l.strip()][:len(names)]
errs = []
if max(len(n) for n in names) <= 28:
    errs.append("no SLO name longer than 28 characters: the check proves nothing")
for n, row in zip(names, rows):
    if (" " + n + " ") not in row:
        errs.append("row does not name %r in full: %r" % (n, row))
    if row[col - 1] != " " or row[col] == " ":
        errs.append("SLI column of %r does not start under the header (col %d): %r" % (n, col, row))
for e in errs:
    print("example.sh: FAIL: text: " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
echo "example.sh: ok: the text report names every SLO in full, columns aligned"
