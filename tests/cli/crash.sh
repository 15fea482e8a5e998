#!/bin/sh
# crash.sh -- SPEC §5: kill -9 `headroom serve` at random moments while lines
# are appended (some split across two writes), restart it each time, and
# compare the store's counts (report --format json over the store) with an
# independent count of the lines: exact, nothing lost, nothing twice.
# Usage: sh crash.sh HEADROOM_BIN BUILD_DIR
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-crash.XXXXXX") || exit 2
pid=
wpid=
cleanup() {
  [ -n "$wpid" ] && kill "$wpid" 2>/dev/null
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
. "$src/tests/cli/lib/serve_lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 0; }
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 0; }
cd "$tmp" || exit 2
N=${HR_CRASH_LINES:-20000}
KILLS=${HR_CRASH_KILLS:-6}
AT=2026-03-02T00:00:00Z
write_conf conf.yaml 'logs/access.log*'
mkdir logs
: >logs/access.log
seed=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
echo "crash.sh: $N lines, $KILLS kills, seed $seed"

python3 "$src/tests/cli/lib/writer.py" logs/access.log "$N" "$seed" "${HR_CRASH_ROTATE:-none}" >writer.out 2>&1 &
wpid=$!
k=0
while [ $k -lt "$KILLS" ]; do
  start_serve -c conf.yaml --db "$tmp/h.db" --at $AT -q || exit 1
  # A random moment: 50..450 ms after it started listening (randomness only;
  # correctness is checked on the counts at the end).
  sleep "0.$(awk -v s="$seed$k" 'BEGIN { srand(s); printf "%03d", 50 + int(rand() * 400) }')"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  pid=
  k=$((k + 1))
done
wait "$wpid" || { cat writer.out >&2; fail "the writer failed"; }
wpid=
cat writer.out

# The last run catches up; then a clean stop.
start_serve -c conf.yaml --db "$tmp/h.db" --at $AT -q || exit 1
wait_valid "$N" || fail "the store never reached $N valid events"
kill -TERM "$pid"
wait "$pid"
pid=

# Independent count over every file the lines ended in.
for f in logs/access.log*; do
  case $f in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac
done >all.txt
want_valid=$(wc -l <all.txt | tr -d ' ')
want_good=$(awk '$9 < 500' all.txt | wc -l | tr -d ' ')
dups=$(sort all.txt | uniq -d | wc -l | tr -d ' ')
[ "$want_valid" = "$N" ] && [ "$dups" = 0 ] || fail "the log files hold $want_valid lines ($dups repeated), wrote $N"
"$bin" report -c conf.yaml --db "$tmp/h.db" --at $AT --format json >rep.json 2>rep.err || fail "report failed"
got=$(python3 -c 'import json,sys; s=json.load(open("rep.json"))["slos"][0]; print(s["valid"], s["good"])')
echo "store: valid good = $got; lines: $want_valid $want_good"
[ "$got" = "$want_valid $want_good" ] || fail "store counts $got != $want_valid $want_good"
grep -q "AddressSanitizer\|runtime error" err && fail "sanitizer report in serve's stderr"
if [ "$fails" -gt 0 ]; then
  sed 's/^/  | /' err >&2
  exit 1
fi
echo "crash.sh: ok"
