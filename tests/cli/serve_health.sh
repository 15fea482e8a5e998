#!/bin/sh
# serve_health.sh -- serve tells the truth about what it reads:
#   - at the start it says which files it tails, and warns about a glob that
#     matches no file (GET /api/v1/status lists both);
#   - a file that stops growing for its source's staleAfter is said once,
#     and again when it grows;
#   - while the store refuses commits (another process holds its write
#     lock), /healthz answers 503 naming the cause, headroom_store_ok is 0
#     and the lag grows; once the lock is gone the waiting lines are
#     counted, once, and /healthz is 200 again.
# Usage: sh serve_health.sh HEADROOM_BIN BUILD_DIR
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-serve-health.XXXXXX") || exit 2
pid=
lockpid=
cleanup() {
  [ -n "$lockpid" ] && kill "$lockpid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
. "$src/tests/cli/lib/serve_lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 0; }
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 0; }
cd "$tmp" || exit 2

write_conf conf.yaml 'logs/access.log*'
# A second glob that matches nothing (a typo), and a short staleAfter.
python3 - <<'PY'
s = open("conf.yaml").read()
s = s.replace('paths: ["logs/access.log*"]', 'paths: ["logs/access.log*", "logs/acess.log"]\n    staleAfter: 2s')
open("conf.yaml", "w").write(s)
PY
mkdir logs
gen_lines 0 20 >logs/access.log
start_serve -c conf.yaml --db "$tmp/h.db" --at 2026-03-01T12:30:00Z || exit 1
wait_valid 20 || fail "the 20 lines never reached the API"

# Bounded wait (50 x 0.1 s) for a line in serve's stderr.
wait_err() {
  i=0
  while [ $i -lt 100 ]; do
    grep -qF -- "$1" err && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}
wait_err "tailing 1 file:" || fail "serve does not say which files it tails"
grep -qF "$tmp/logs/access.log (web," err || fail "the tailed file is not named"
grep -qF "web: logs/acess.log matches no file" err || fail "no warning for the glob that matches nothing"
curl -sf "${url}api/v1/status" >status.json || fail "status"
python3 - <<'PY' || fail "status does not list the file and the empty glob"
import json
d = json.load(open("status.json"))
assert [f["source"] for f in d["files"]] == ["web"] and d["files"][0]["path"].endswith("/logs/access.log"), d["files"]
assert d["globs_matching_nothing"] == ["web: logs/acess.log"], d["globs_matching_nothing"]
assert d["store_ok"] is True and d["clock"] == "frozen", d
PY
wait_err "has not grown for" || fail "a file quiet for its staleAfter (2s) is not said"
gen_lines 20 2 >>logs/access.log
wait_err "grows again" || fail "a quiet file that grows again is not said"
wait_valid 22 || fail "the 2 new lines"

# Hold the store's write lock from another process.
python3 - "$tmp/h.db" >lock.out 2>&1 <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
PY
lockpid=$!
i=0
until grep -q locked lock.out 2>/dev/null; do i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1; done
gen_lines 22 3 >>logs/access.log
i=0
code=
while [ $i -lt 300 ]; do
  code=$(curl -s -o healthz.json -w '%{http_code}' "${url}healthz")
  [ "$code" = 503 ] && break
  sleep 0.1
  i=$((i + 1))
done
[ "$code" = 503 ] || fail "/healthz stays $code while the store refuses commits"
grep -q "another process holds the store's write lock" healthz.json || fail "/healthz does not name the cause: $(cat healthz.json)"
curl -sf "${url}metrics" | grep -q '^headroom_store_ok 0$' || fail "headroom_store_ok is not 0"
# Each refused commit waits the store's 5 s busy timeout: the lag shows from the next round on.
i=0
lag=0
while [ $i -lt 200 ]; do
  lag=$(curl -sf "${url}metrics" | sed -n 's/^headroom_tail_lag_seconds //p')
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)" "$lag" && break
  sleep 0.1
  i=$((i + 1))
done
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)" "$lag" || fail "the lag stays $lag while lines wait"
kill "$lockpid" 2>/dev/null
wait "$lockpid" 2>/dev/null
lockpid=
wait_valid 25 || fail "the waiting lines were not counted once the lock was gone"
i=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' "${url}healthz")" = 200 ]; do
  i=$((i + 1)); [ $i -lt 300 ] || { fail "/healthz did not recover"; break; }; sleep 0.1
done
curl -sf "${url}metrics" | grep -q '^headroom_store_ok 1$' || fail "headroom_store_ok is not back to 1"
[ "$fails" = 0 ] && echo "serve_health.sh: ok"
exit $((fails > 0))
