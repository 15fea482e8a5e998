#!/bin/sh
# check.sh -- `headroom check` on the fixtures of tests/data/config: exit
# codes 0/2 and file:line:col messages. Usage: sh check.sh HEADROOM_BIN BUILD_DIR
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$src/tests/data/config" || exit 2
fails=0

# expect CODE GREP-PATTERN [ARGS...]: exit code, and a line of stdout+stderr
expect() {
  want=$1 pat=$2
  shift 2
  "$bin" check "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: check $*: exit $got, want $want" >&2
    sed 's/^/  | /' "$tmp/out" "$tmp/err" >&2
    fails=$((fails + 1))
    return
  fi
  if [ -n "$pat" ] && ! cat "$tmp/out" "$tmp/err" | grep -qF -- "$pat"; then
    echo "FAIL: check $*: no line with: $pat" >&2
    sed 's/^/  | /' "$tmp/out" "$tmp/err" >&2
    fails=$((fails + 1))
  fi
}

# also MSG...: more lines of the last expect's stdout+stderr
also() {
  for m in "$@"; do
    cat "$tmp/out" "$tmp/err" | grep -qF -- "$m" || { echo "FAIL: check: no line with: $m" >&2; fails=$((fails + 1)); }
  done
}

expect 0 "usage: headroom check -c CONF" --help
expect 2 "-c CONF is required"
expect 2 "unknown argument '--bogus'" -c spec2.yaml --bogus
expect 2 "nope.yaml: cannot open" -c nope.yaml
expect 0 "ok: 1 SLOs, 1 data sources, 0 alert policies" -c spec2.yaml
expect 0 "ok: 2 SLOs, 2 data sources, 1 alert policies, 1 notification targets, 1 services" -c full
expect 0 "ok: 2 SLOs" -c full

# warnings: exit 0, but 2 under --strict
expect 0 "bad/unknown_key.yaml:17:3: warning: unknown key 'sevrice' in SLO.spec (ignored)" -c bad/unknown_key.yaml
expect 2 "2 warnings (--strict)" --strict -c bad/unknown_key.yaml

# paths that match no file now: a warning naming the glob (at its own
# column), exit 2 under --strict; a configuration whose paths match is clean
expect 0 "bad/unknown_key.yaml:9:13: warning: DataSource 'web-logs': paths entry 'bad/access.log' matches no file now" \
  -c bad/unknown_key.yaml
expect 2 "full/10-services.yaml:20:32: warning: DataSource 'jobs': paths entry '/abs/jobs.jsonl' matches no file now" \
  --strict -c full
mkdir "$tmp/clean" "$tmp/clean/logs"
sed 's|/var/log/nginx/access.log|logs/*.log|' spec2.yaml >"$tmp/clean/slo.yaml"
: >"$tmp/clean/logs/access.log"
expect 0 "ok: 1 SLOs" --strict -c "$tmp/clean/slo.yaml"

# one fixture per error class, each message located
expect 2 "bad/api_version.yaml:1:13: unsupported apiVersion 'openslo/v1alpha'" -c bad/api_version.yaml
expect 2 "bad/unknown_kind.yaml:2:7: unknown kind 'DataSauce'" -c bad/unknown_kind.yaml
expect 2 "bad/missing_name.yaml:4:3: missing metadata.name" -c bad/missing_name.yaml
expect 2 "bad/duplicate_name.yaml:14:9: duplicate DataSource name 'web-logs'" -c bad/duplicate_name.yaml
expect 2 "bad/target_range.yaml:31:15: target must be a fraction in (0, 1), got 1.5" -c bad/target_range.yaml
expect 2 "bad/unknown_ref.yaml:24:30: unknown DataSource 'web-log' (defined: web-logs)" -c bad/unknown_ref.yaml
expect 2 "bad/unknown_format.yaml:8:13: unknown format 'iis'" -c bad/unknown_format.yaml
expect 2 "bad/haproxy_fields.yaml:12:15: timeZone: time zone \"Europe/Atlantis\": unknown" -c bad/haproxy_fields.yaml
also "bad/haproxy_fields.yaml:28:84: the good filter reads 'upstream_status', which HAProxy's httplog of DataSource 'lb' never fills" \
  "bad/haproxy_fields.yaml:30:84: the total filter reads 'user_agent', which HAProxy's httplog of DataSource 'lb' never fills: capture the header"
expect 2 "bad/haproxy_logformat.yaml:39:84: the good filter reads 'duration', which the haproxy logFormat of DataSource 'lb' never fills: add %Ta to the logFormat" \
  -c bad/haproxy_logformat.yaml
also "bad/haproxy_logformat.yaml:13:15: warning: captures names the {...} headers of HAProxy's httplog; with a logFormat it is ignored" \
  "bad/haproxy_logformat.yaml:24:17: DataSource 'lb2': log format \"%ci [%tr] %ST %Q\": unknown HAProxy variable %Q at position 15" \
  "bad/haproxy_logformat.yaml: 2 errors"
expect 2 "bad/missing_key.yaml:16:3: missing required key 'objectives' in SLO.spec" -c bad/missing_key.yaml
expect 2 "bad/wrong_type.yaml:27:15: SLO.spec.timeWindow must be a list, found a scalar" -c bad/wrong_type.yaml
expect 2 "bad/bad_timezone.yaml:32:19: unknown time zone 'Mars/Olympus'" -c bad/bad_timezone.yaml
expect 2 "bad/unknown_policy.yaml:33:23: unknown AlertPolicy 'paging' (defined: page)" -c bad/unknown_policy.yaml
expect 2 "bad/bad_exclude.yaml:16:27: headroom.dev/exclude: entry 1: unknown day 'funday'" -c bad/bad_exclude.yaml
expect 2 "bad/syntax.yaml:" -c bad/syntax.yaml
# the filter's own column: the text starts at col 24, the error is at its end
expect 2 "bad/bad_filter.yaml:26:47: invalid good filter:" -c bad/bad_filter.yaml

# a field the format never fills: an error naming the format and what to add
expect 2 "bad/no_duration.yaml:20:85: the good filter reads 'duration', which the default nginx format (combined) of DataSource 'web' never fills: add \$request_time to the logFormat" \
  -c bad/no_duration.yaml
also "bad/no_duration.yaml:21:70: the total filter reads 'upstream_status', which the default nginx format (combined) of DataSource 'web' never fills: add \$upstream_status to the logFormat" \
  "bad/no_duration.yaml:43:71: the bad filter reads 'upstream_status', which the apache logFormat of DataSource 'apache' never fills: Apache has no upstream status to log" \
  "bad/no_duration.yaml: 3 errors"

# duration compared with a bare number: 800 would be seconds
expect 2 "bad/bare_duration.yaml:21:96: invalid good filter: 'duration' compared with the bare number 800: write 800ms or 800s" \
  -c bad/bare_duration.yaml

# jsonl: a standard field the mapping does not map is a warning saying what to map
expect 0 "bad/jsonl_status.yaml:21:73: warning: the good filter reads 'status', which DataSource 'traefik' (jsonl) does not map, so it is read from a top-level key \"status\": map the key that holds it (Traefik's is fields: {status: DownstreamStatus})" \
  -c bad/jsonl_status.yaml
expect 2 "1 warning (--strict)" --strict -c bad/jsonl_status.yaml

# structural and filter errors in one run: a filter on a source whose
# format is unknown gets its syntax checked, and so does the filter of an
# SLO whose document has another error
expect 2 "bad/one_round.yaml: 5 errors" -c bad/one_round.yaml
also "bad/one_round.yaml:10:31: unknown format 'iis'" "bad/one_round.yaml:43:25: target must be a fraction in (0, 1), got 99.9" \
  "bad/one_round.yaml:28:84: invalid good filter: unexpected end of expression" \
  "bad/one_round.yaml:41:83: invalid good filter: 'and' is not an operator (use &&)" \
  "bad/one_round.yaml:54:69: invalid good filter: unknown field 'stauts' (did you mean 'status'?); alb gives: time, status, upstream_status, duration,"

# an unknown field lists what the format offers: nginx its standard fields
# and variables, ALB every documented field
expect 2 "bad/unknown_field.yaml:29:70: invalid total filter: unknown field 'tenant' (did you mean 'http_x_tenant'?); this nginx logFormat gives: time, status, duration, method, path, query, protocol, host, client; and by variable: remote_addr, time_local, request, request_time, http_x_tenant" \
  -c bad/unknown_field.yaml
also "bad/unknown_field.yaml:42:68: invalid good filter: unknown field 'target_status' (did you mean 'target_status_code'?); alb gives: time, status, upstream_status, duration, method, path, query, protocol, host, client, bytes_sent, bytes_received, user_agent; and by their ALB names: type, elb, client_port,"

# a logFormat that does not compile: at the logFormat's own line and column
expect 2 "bad/log_format.yaml:10:17: DataSource 'web': log format \"\$remote_addr \"\$request\" \$status \$request_time\" has no time" \
  -c bad/log_format.yaml

# windows and lookbacks within bounds, at the key's line
expect 2 "bad/window_huge.yaml:21:17: a rolling timeWindow must be at most 400d, got 1000000d" -c bad/window_huge.yaml
also "bad/window_huge.yaml:36:17: a calendar timeWindow is at most a year (100d, 52w, 12M, 4Q or 1y), got '2y'"
expect 2 "bad/lookbacks.yaml:19:21: lookbackWindow 30d of condition 'slow-burn' is longer than the 7d window of SLO 'avail'" \
  -c bad/lookbacks.yaml
also "bad/lookbacks.yaml:32:37: headroom.dev/status-thresholds: lookback must be at most 7d (the window), got 8d" \
  "bad/lookbacks.yaml:48:24: timeSliceWindow must be a whole number of minutes (headroom counts events per minute), got 90s" \
  "bad/lookbacks.yaml:14:3: warning: burn-rate threshold 2000 of condition 'slow-burn' can never be reached by SLO 'avail'"

# --sample: the first lines of a real file, read as the data source it
# belongs to (by paths, or --source), and what each SLO would see
mkdir "$tmp/s"
cat >"$tmp/s/slo.yaml" <<'EOF'
apiVersion: openslo/v1
kind: DataSource
metadata: {name: web}
spec:
  type: headroom.logs
  connectionDetails:
    format: nginx
    logFormat: '$remote_addr [$time_local] "$request" $status $request_time'
    paths: ["*.log", "*.log.gz"]
---
apiVersion: openslo/v1
kind: DataSource
metadata: {name: traefik}
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    paths: ["*.jsonl"]
    fields: {time: StartUTC}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: avail}
spec:
  service: web
  indicator:
    metadata: {name: avail}
    spec:
      ratioMetric:
        good: {metricSource: {metricSourceRef: web, spec: {filter: 'status < 500'}}}
        total: {metricSource: {metricSourceRef: web, spec: {filter: 'path =~ "^/api/"'}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 0.99}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: fast}
spec:
  service: web
  indicator:
    metadata: {name: fast}
    spec:
      ratioMetric:
        good: {metricSource: {metricSourceRef: web, spec: {filter: 'duration < 300ms && path !~ "^/(a|a)*$"'}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 0.99}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: edge}
spec:
  service: web
  indicator:
    metadata: {name: edge}
    spec:
      ratioMetric:
        good: {metricSource: {metricSourceRef: traefik, spec: {filter: 'status < 500'}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 0.99}]
EOF
# 1,200 lines: every 100th a garbage line, every third request a 501-byte
# path on which ^/(a|a)*$ backtracks without end, every 50th a 503
awk 'BEGIN { long = "/"; for (i = 0; i < 500; i++) long = long "a"; long = long "!"
  for (k = 0; k < 1200; k++) {
    if (k % 100 == 7) { print "garbage line " k; continue }
    printf "10.0.0.%d [01/Mar/2026:12:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d %.3f\n", k % 250, int(k / 60) % 60,
      k % 60, (k % 3 == 0) ? long : "/api/x" k, (k % 50 == 0) ? 503 : 200, (k % 10) / 10 } }' >"$tmp/s/access.log"
# the independent count of avail over the first 1,000 lines
awk 'NR <= 1000 && $0 !~ /^garbage/ { if ($5 ~ /^\/api\//) { v++; if ($7 < 500) g++ } }
  END { printf "SLO avail: good %d of %d valid\n", g, v }' "$tmp/s/access.log" >"$tmp/s/want"
expect 0 "sample $tmp/s/access.log: the first 1000 lines (more follow), read as DataSource 'web'" \
  -c "$tmp/s/slo.yaml" --sample "$tmp/s/access.log"
also "990 events, 10 malformed (1.0%), 0 blank" "$tmp/s/access.log:8: line does not match the format: garbage line 7" \
  "$tmp/s/access.log:408: line does not match the format: garbage line 407" "$(cat "$tmp/s/want")" \
  "    status: in 990 of 990 events" "    duration: in 990 of 990 events" \
  "warning: SLO 'fast': a regex of its filters gave up on 100 events" "ok: 3 SLOs"
gzip -c "$tmp/s/access.log" >"$tmp/s/access.log.gz"
expect 0 "sample $tmp/s/access.log.gz: the first 5 lines (more follow), read as DataSource 'web'" \
  -c "$tmp/s/slo.yaml" --sample "$tmp/s/access.log.gz" --lines 5
# Traefik's JSON without a status mapping: status is never there (exit 2),
# and the message names the key of the first line that may hold it
k=0
while [ $k -lt 300 ]; do
  printf '{"StartUTC": "2026-03-01T12:00:%02dZ", "DownstreamStatus": 200, "RequestPath": "/x"}\n' $((k % 60))
  k=$((k + 1))
done >"$tmp/s/edge.jsonl"
expect 2 "$tmp/s/edge.jsonl: SLO 'edge' reads 'status', which none of the 300 events read has: its data would be unreadable (the first line has DownstreamStatus: map the one that holds it, e.g. fields: {status: DownstreamStatus})" \
  -c "$tmp/s/slo.yaml" --sample "$tmp/s/edge.jsonl"
# JSON lines read as the nginx source: all malformed
expect 2 "$tmp/s/edge.jsonl: 100% of the lines read are malformed as DataSource 'web' (nginx), more than its maxMalformedRatio 0.5" \
  -c "$tmp/s/slo.yaml" --sample "$tmp/s/edge.jsonl" --source web
expect 2 "--sample $tmp/s/nope.log: " -c "$tmp/s/slo.yaml" --sample "$tmp/s/nope.log"
expect 2 "--sample $tmp/s/access.log: not read, the configuration has errors" -c bad/many.yaml --sample "$tmp/s/access.log"
expect 2 "--source and --lines apply to --sample FILE" -c "$tmp/s/slo.yaml" --source web
expect 2 "--lines: expected 1 to 10000000, got '0'" -c "$tmp/s/slo.yaml" --sample "$tmp/s/access.log" --lines 0

# every error of a file, not only the first
expect 2 "4 errors" -c bad/many.yaml
also "bad/many.yaml:8:13:" "bad/many.yaml:24:30:" "bad/many.yaml:28:17:" "bad/many.yaml:31:15:"

# a directory is read sorted, relative paths resolve against it
mkdir "$tmp/conf"
cp spec2.yaml "$tmp/conf/b.yml"
printf 'not: [valid\n' >"$tmp/conf/a.yaml"
printf 'ignored\n' >"$tmp/conf/c.txt"
expect 2 "$tmp/conf/a.yaml:2:1: YAML syntax error" -c "$tmp/conf"
rm "$tmp/conf/a.yaml"
expect 0 "ok: 1 SLOs" -c "$tmp/conf"

# an SLO on a DataSource type headroom cannot read has no data: said, with
# the likely meant type (exit 0: OpenSLO files may name other tools' sources)
mkdir "$tmp/u"
: >"$tmp/u/access.log"
cat >"$tmp/u/slo.yaml" <<EOF
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
spec:
  type: headroom.dev/log
  connectionDetails:
    format: nginx
    paths: [$tmp/u/access.log]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata:
      name: avail
    spec:
      ratioMetric:
        good:
          metricSource:
            metricSourceRef: web
            spec:
              filter: 'status < 500 && path !~ "^/(a|a)*\$"'
        total:
          metricSource:
            metricSourceRef: web
            spec:
              filter: 'true'
EOF
expect 0 "$tmp/u/slo.yaml:4:9: warning: SLO 'avail' reads DataSource 'web' of type 'headroom.dev/log', which headroom cannot read (it reads headroom.logs and prometheus): the SLO will have no data; did you mean type: headroom.logs?" -c "$tmp/u/slo.yaml"

# an event a regex gives up on (PCRE2's match limit) is left out of good and
# valid, and report and ingest say how many
sed -i 's#headroom.dev/log#headroom.logs#' "$tmp/u/slo.yaml"
{
  for m in 00 01 02 03 04 05 06 07 08 09; do
    echo "1.2.3.4 - - [04/Dec/2026:08:$m:00 +0000] \"GET /ok HTTP/1.1\" 200 10 \"-\" \"x\""
  done
  echo "1.2.3.4 - - [04/Dec/2026:08:30:00 +0000] \"GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab HTTP/1.1\" 200 10 \"-\" \"x\""
  echo "1.2.3.4 - - [04/Dec/2026:08:31:00 +0000] \"GET /err HTTP/1.1\" 500 10 \"-\" \"x\""
} >"$tmp/u/access.log"
"$bin" report -c "$tmp/u/slo.yaml" --at 2026-12-04T09:00:00Z --format json "$tmp/u/access.log" >"$tmp/u/r.json" 2>/dev/null
python3 - "$tmp/u/r.json" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
s = d["slos"][0]
want = (1, 10, 11)
got = (d["events_undecided"], s["good"], s["valid"])
if got != want or not any("1 events left out of every figure" in e for e in d["errors"]):
    print("FAIL: report: undecided/good/valid %s, want %s; errors %s" % (got, want, d["errors"]), file=sys.stderr)
    sys.exit(1)
PY
"$bin" ingest -c "$tmp/u/slo.yaml" --db "$tmp/u/s.db" "$tmp/u/access.log" >"$tmp/out" 2>"$tmp/err"
grep -qF "warning: 1 events left out of every figure" "$tmp/err" ||
  { echo "FAIL: ingest does not say an event was undecided" >&2; sed 's/^/  | /' "$tmp/err" >&2; fails=$((fails + 1)); }

if [ "$fails" -ne 0 ]; then
  echo "check.sh: $fails failure(s)" >&2
  exit 1
fi
echo "check.sh: ok"
