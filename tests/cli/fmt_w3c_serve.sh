#!/bin/sh
# tests/cli/fmt_w3c_serve.sh HEADROOM_BIN BUILD_DIR
# serve tails two W3C logs of one DataSource at once, an IIS log (space-
# separated, its #Fields: changing at line 126) and a CloudFront log (tabs,
# 33 columns): each file keeps its own columns while the one format reads the
# other's lines in between, and after a restart serve resumes each file in
# the middle, reading the directives before that point again. Both files grow
# in three steps (a restart between the first and the second); after each,
# the valid events of GET /api/v1/slos must be exactly the entries written
# (no line read with the other file's columns, none malformed).
# Bounded waits on the API (serve_lib.sh); time is passed in with --at.
set -u
bin=${1:?usage: fmt_w3c_serve.sh HEADROOM_BIN BUILD_DIR}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v curl >/dev/null 2>&1 || { echo "SKIP: the curl command is needed"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-w3cserve.XXXXXX") || exit 2
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$tmp" || exit 2
. "$src/tests/cli/lib/serve_lib.sh"
IIS=$src/tests/data/formats/iis.log
CF=$src/tests/data/formats/cloudfront.log
mkdir logs
cat >slo.yaml <<YAML
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: edge
spec:
  type: headroom.logs
  connectionDetails:
    format: w3c
    paths: ["$tmp/logs/*.log"]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: all
spec:
  service: web
  indicator:
    metadata:
      name: all
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {metricSourceRef: edge, spec: {filter: 'status < 500'}}}
        total: {metricSource: {metricSourceRef: edge, spec: {filter: 'duration >= 0 && path =~ "^/"'}}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.9}]
YAML
AT=2026-03-18T06:00:00Z
entries() { cat "$@" | grep -vc '^#'; } # the lines that are requests
malformed() { curl -sf --max-time 5 "${url}api/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tail"]["malformed"])'; }
# wait_entries N: valid reaches N (bounded as serve_lib's wait_valid), failing
# at once when serve has counted a malformed line (a line read with the wrong columns)
wait_entries() {
  i=0
  while [ $i -lt 200 ]; do
    [ "$(api_valid)" = "$1" ] && return 0
    m=$(malformed)
    [ "${m:-0}" = 0 ] || { echo "serve counted $m malformed lines; valid $(api_valid), wanted $1" >&2; return 1; }
    sleep 0.01
    i=$((i + 1))
  done
  echo "valid stayed at $(api_valid), wanted $1" >&2
  return 1
}

# step N FROM TO: append lines FROM..TO of each source file
step() {
  sed -n "$2,$3p" "$IIS" >>logs/iis.log
  sed -n "$2,$3p" "$CF" >>logs/cloudfront.log
}
step 1 1 60
start_serve -c slo.yaml --db h.db --at $AT || exit 1
want=$(entries logs/iis.log logs/cloudfront.log)
wait_entries "$want" || fail "step 1: valid is not the $want entries written"
kill "$pid" && wait "$pid" 2>/dev/null
pid=
step 2 61 170 # IIS's second #Fields: (line 126) and CloudFront's second header (123) are in here
start_serve -c slo.yaml --db h.db --at $AT || exit 1
want=$(entries logs/iis.log logs/cloudfront.log)
wait_entries "$want" || fail "step 2 (resumed after a restart): valid is not the $want entries written"
step 3 171 400
want=$(entries logs/iis.log logs/cloudfront.log)
[ "$want" = 480 ] || fail "the test data changed: $want entries, expected 480"
wait_entries "$want" || fail "step 3 (both files growing while served): valid is not the $want entries"
mal=$(malformed)
[ "$mal" = 0 ] || fail "serve counted ${mal:-?} malformed lines since its restart"
cmp -s logs/iis.log "$IIS" && cmp -s logs/cloudfront.log "$CF" || fail "the pieces do not make the files"
[ "$fails" = 0 ] && echo "fmt_w3c_serve.sh: ok"
[ "$fails" = 0 ]
