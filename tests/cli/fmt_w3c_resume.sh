#!/bin/sh
# tests/cli/fmt_w3c_resume.sh HEADROOM_BIN BUILD_DIR
# A W3C log's lines mean what the last #Fields: before them says. When
# `ingest` resumes a file where it stopped, that directive is far behind:
# the lines after it must still be read with its columns. The IIS log of
# tests/data/formats (its #Fields: changes at line 126) is ingested in
# three pieces (cut at lines 60 and 180, the file growing in between); the
# store must then hold exactly what one report over the whole file counts,
# with nothing malformed. A file that starts again (rotated) forgets the
# old columns: its lines before a #Fields: of its own are malformed.
set -u
HR=${1:?usage: fmt_w3c_resume.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-w3c.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0
fail() { echo "fmt_w3c_resume.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
CONF=$SRC/tests/golden/w3c-iis-synth/slo.yaml
LOG=$SRC/tests/data/formats/iis.log
AT=2026-03-18T06:00:00Z

figures() { # the SLOs' good/valid and the malformed count of a JSON report
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
print(r.get("lines_malformed"), [(s["name"], s["good"], s["valid"]) for s in r["slos"]])' "$1"
}

"$HR" report -c "$CONF" "$LOG" --at $AT --format json >"$TMP/whole.json" || fail "report over the whole file"
want=$(figures "$TMP/whole.json")
case $want in 0\ \[*) ;; *) fail "the whole file reads with malformed lines: $want" ;; esac

head -n 60 "$LOG" >"$TMP/iis.log"
"$HR" ingest -q -c "$CONF" --db "$TMP/h.db" "$TMP/iis.log" >"$TMP/i1.out" 2>&1 || fail "ingest 1: $(cat "$TMP/i1.out")"
sed -n '61,180p' "$LOG" >>"$TMP/iis.log"
"$HR" ingest -c "$CONF" --db "$TMP/h.db" "$TMP/iis.log" >"$TMP/i2.out" 2>&1 || fail "ingest 2: $(cat "$TMP/i2.out")"
sed -n '181,$p' "$LOG" >>"$TMP/iis.log"
"$HR" ingest -c "$CONF" --db "$TMP/h.db" "$TMP/iis.log" >"$TMP/i3.out" 2>&1 || fail "ingest 3: $(cat "$TMP/i3.out")"
cmp -s "$TMP/iis.log" "$LOG" || fail "the pieces do not make the file"
for i in 2 3; do
  grep -q "(0 malformed)" "$TMP/i$i.out" || fail "resumed ingest $i found malformed lines: $(cat "$TMP/i$i.out")"
done
"$HR" report -c "$CONF" --db "$TMP/h.db" --at $AT --format json >"$TMP/store.json" || fail "report over the store"
got=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
print([(s["name"], s["good"], s["valid"]) for s in r["slos"]])' "$TMP/store.json")
[ "${want#0 }" = "$got" ] || fail "the store after three resumed ingests says $got, one report over the file ${want#0 }"

# Rotated: the same name, new content that starts with entries, no #Fields:.
sed -n '127,140p' "$LOG" >"$TMP/iis.log"
"$HR" ingest -c "$CONF" --db "$TMP/h.db" "$TMP/iis.log" >"$TMP/i4.out" 2>&1
grep -q "14 lines (14 malformed)" "$TMP/i4.out" ||
  fail "a new file without #Fields: read with an old file's columns: $(cat "$TMP/i4.out")"

[ "$fails" = 0 ] && echo "fmt_w3c_resume.sh: ok"
[ "$fails" = 0 ]
