#!/bin/sh
# tests/cli/timeparse_offsets.sh HEADROOM_BIN BUILD_DIR
# Every command-line time (report, gate, serve, evaluate --at; annotate
# --at/--until; backtest --from/--to) must say where it is on the clock: a
# time without Z or an offset is refused (exit 2) with the way to write one,
# never taken as UTC in silence; with Z or an offset it is read as written.
set -u
HR=${1:?usage: timeparse_offsets.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-time.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0
fail() { echo "timeparse_offsets.sh: FAIL: $*" >&2; fails=$((fails + 1)); }

# refused CMD OPT VALUE WANT: `headroom CMD OPT VALUE` exits 2 and says WANT
refused() {
  "$HR" "$1" "$2" "$3" >"$TMP/out" 2>"$TMP/err"
  got=$?
  [ "$got" = 2 ] || fail "$1 $2 $3: exit $got, want 2"
  grep -qF -- "$4" "$TMP/err" || { fail "$1 $2 $3: stderr lacks: $4"; sed 's/^/  | /' "$TMP/err" >&2; }
}

for c in "report --at" "gate --at" "serve --at" "evaluate --at" "annotate --at" "annotate --until" \
  "backtest --from" "backtest --to"; do
  # shellcheck disable=SC2086
  set -- $c
  refused "$1" "$2" 2026-10-20T05:00:00 \
    "$2: 2026-10-20T05:00:00 has no UTC offset: add Z for UTC or an offset such as +02:00 (2026-10-20T05:00:00Z)"
  refused "$1" "$2" "2026-10-20 05:00:00.5" "add Z for UTC or an offset such as +02:00"
  refused "$1" "$2" yesterday "$2: expected an RFC 3339 time with Z or an offset, such as 2026-03-01T12:00:00Z or 2026-03-01T14:00:00+02:00, got 'yesterday'"
done

# With an offset: the instant written (08:00 at +02:00 is 06:00Z), also with
# a space for the T and a lower-case z.
CONF="$SRC/tests/golden/jsonl-traefik/slo.yaml"
LOG="$SRC/tests/data/formats/traefik.jsonl"
for at in 2026-03-18T08:00:00+02:00 2026-03-18T06:00:00Z "2026-03-18 06:00:00z" 2026-03-18T01:00:00-0500; do
  "$HR" report -c "$CONF" "$LOG" --at "$at" --format json >"$TMP/out" 2>"$TMP/err" || fail "report --at $at: exit $?"
  grep -q '"at": "2026-03-18T06:00:00Z"' "$TMP/out" || fail "report --at $at: not 2026-03-18T06:00:00Z"
done

[ "$fails" = 0 ] && echo "timeparse_offsets.sh: ok"
[ "$fails" = 0 ]
