#!/bin/sh
# tests/cli/fmt_bom.sh HEADROOM_BIN BUILD_DIR
# A log file saved with a UTF-8 byte-order mark (EF BB BF) at its start is
# read exactly as the same file without it, in every format, plain and
# gzip: `report --format json` prints the same bytes, and the same
# malformed-line messages (same line numbers). The golden cases' own logs
# and configurations are used, each with a BOM prepended.
set -u
HR=${1:?usage: fmt_bom.sh HEADROOM_BIN BUILD_DIR}
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-bom.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0
fail() { echo "fmt_bom.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
G=$SRC/tests/golden
D=$SRC/tests/data

# same NAME CONF LOG AT: the report of LOG and of LOG with a BOM agree
same() {
  name=$1 conf=$2 log=$3 at=$4
  case $log in
  *.gz)
    plain="$TMP/$name.log.gz" bom="$TMP/bom/$name.log.gz"
    cp "$log" "$plain"
    { printf '\357\273\277'; gzip -dc "$log"; } | gzip -c >"$bom"
    ;;
  *)
    plain="$TMP/$name.log" bom="$TMP/bom/$name.log"
    cp "$log" "$plain"
    { printf '\357\273\277'; cat "$log"; } >"$bom"
    ;;
  esac
  # shellcheck disable=SC2086
  "$HR" report -c "$conf" "$plain" $at --format json >"$TMP/a.out" 2>"$TMP/a.err"
  ea=$?
  # shellcheck disable=SC2086
  "$HR" report -c "$conf" "$bom" $at --format json >"$TMP/b.out" 2>"$TMP/b.err"
  eb=$?
  [ "$ea" = "$eb" ] || fail "$name: exit $ea without the BOM, $eb with it"
  grep -q '"lines_read": [1-9]' "$TMP/a.out" || fail "$name: read no line (a test that proves nothing)"
  cmp -s "$TMP/a.out" "$TMP/b.out" || { fail "$name: the reports differ"; diff "$TMP/a.out" "$TMP/b.out" | head -10 >&2; }
  sed "s#$TMP/bom/#$TMP/#" "$TMP/b.err" >"$TMP/b.errn"
  cmp -s "$TMP/a.err" "$TMP/b.errn" || { fail "$name: the messages differ"; diff "$TMP/a.err" "$TMP/b.errn" | head -10 >&2; }
}
mkdir "$TMP/bom"

same alb "$G/alb-synth/slo.yaml" "$D/synth/alb.log" "--at 2026-02-11T00:00:00Z"
same alb-gz "$G/alb-gz-synth/slo.yaml" "$D/synth/alb.log.gz" ""
same nginx "$G/nginx-synth/slo.yaml" "$D/synth/nginx.log" "--at 2026-04-03T00:00:00Z"
same apache "$G/apache-synth/slo.yaml" "$D/synth/apache.log" "--at 2026-03-08T18:00:00Z"
same jsonl "$G/jsonl-synth/slo.yaml" "$D/synth/api.jsonl" "--at 2026-03-19T00:00:00Z"
same traefik "$G/jsonl-traefik/slo.yaml" "$D/formats/traefik.jsonl" "--at 2026-03-18T06:00:00Z"
same caddy "$G/jsonl-caddy/slo.yaml" "$D/formats/caddy.jsonl" "--at 2026-03-18T06:00:00Z"
same haproxy "$G/haproxy-synth/slo.yaml" "$D/formats/haproxy.log" "--at 2026-03-18T06:00:00Z"
# W3C: the BOM stands before the first directive (#Software:, as IIS writes it)
same iis "$G/w3c-iis-synth/slo.yaml" "$D/formats/iis.log" "--at 2026-03-18T06:00:00Z"
same cloudfront "$G/w3c-cloudfront-synth/slo.yaml" "$D/formats/cloudfront.log" "--at 2026-03-18T06:00:00Z"

[ "$fails" = 0 ] && echo "fmt_bom.sh: ok"
[ "$fails" = 0 ]
