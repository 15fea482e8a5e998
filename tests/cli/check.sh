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

expect 0 "usage: headroom check -c CONF" --help
expect 2 "-c CONF is required"
expect 2 "unknown argument '--bogus'" -c spec2.yaml --bogus
expect 2 "nope.yaml: cannot open" -c nope.yaml
expect 0 "ok: 1 SLOs, 1 data sources, 0 alert policies" -c spec2.yaml
expect 0 "ok: 2 SLOs, 2 data sources, 1 alert policies, 1 notification targets, 1 services" -c full
expect 0 "ok: 2 SLOs" --strict -c full

# warnings: exit 0, but 2 under --strict
expect 0 "bad/unknown_key.yaml:17:3: warning: unknown key 'sevrice' in SLO.spec (ignored)" -c bad/unknown_key.yaml
expect 2 "1 warning (--strict)" --strict -c bad/unknown_key.yaml

# one fixture per error class, each message located
expect 2 "bad/api_version.yaml:1:13: unsupported apiVersion 'openslo/v1alpha'" -c bad/api_version.yaml
expect 2 "bad/unknown_kind.yaml:2:7: unknown kind 'DataSauce'" -c bad/unknown_kind.yaml
expect 2 "bad/missing_name.yaml:4:3: missing metadata.name" -c bad/missing_name.yaml
expect 2 "bad/duplicate_name.yaml:14:9: duplicate DataSource name 'web-logs'" -c bad/duplicate_name.yaml
expect 2 "bad/target_range.yaml:31:15: target must be a fraction in (0, 1), got 1.5" -c bad/target_range.yaml
expect 2 "bad/unknown_ref.yaml:24:30: unknown DataSource 'web-log' (defined: web-logs)" -c bad/unknown_ref.yaml
expect 2 "bad/unknown_format.yaml:8:13: unknown format 'iis'" -c bad/unknown_format.yaml
expect 2 "bad/missing_key.yaml:16:3: missing required key 'objectives' in SLO.spec" -c bad/missing_key.yaml
expect 2 "bad/wrong_type.yaml:27:15: SLO.spec.timeWindow must be a list, found a scalar" -c bad/wrong_type.yaml
expect 2 "bad/bad_timezone.yaml:32:19: unknown time zone 'Mars/Olympus'" -c bad/bad_timezone.yaml
expect 2 "bad/unknown_policy.yaml:33:23: unknown AlertPolicy 'paging' (defined: page)" -c bad/unknown_policy.yaml
expect 2 "bad/bad_exclude.yaml:16:27: headroom.dev/exclude: entry 1: unknown day 'funday'" -c bad/bad_exclude.yaml
expect 2 "bad/syntax.yaml:" -c bad/syntax.yaml
# the filter's own column: the text starts at col 24, the error is at its end
expect 2 "bad/bad_filter.yaml:26:47: invalid good filter:" -c bad/bad_filter.yaml

# every error of a file, not only the first
expect 2 "4 errors" -c bad/many.yaml
for m in "bad/many.yaml:8:13:" "bad/many.yaml:24:30:" "bad/many.yaml:28:17:" "bad/many.yaml:31:15:"; do
  grep -qF "$m" "$tmp/err" || { echo "FAIL: many.yaml: missing $m" >&2; fails=$((fails + 1)); }
done

# a directory is read sorted, relative paths resolve against it
mkdir "$tmp/conf"
cp spec2.yaml "$tmp/conf/b.yml"
printf 'not: [valid\n' >"$tmp/conf/a.yaml"
printf 'ignored\n' >"$tmp/conf/c.txt"
expect 2 "$tmp/conf/a.yaml:2:1: YAML syntax error" -c "$tmp/conf"
rm "$tmp/conf/a.yaml"
expect 0 "ok: 1 SLOs" -c "$tmp/conf"

if [ "$fails" -ne 0 ]; then
  echo "check.sh: $fails failure(s)" >&2
  exit 1
fi
echo "check.sh: ok"
