#!/bin/sh
# Scale benchmark (bench/scale.md): the engine at 1,000 SLOs (100 services x
# 10) with 28 days of stored history (about 11 M SLO-minutes).
#
#   sh bench/scale.sh BUILD_DIR
#   BENCH_RUNS=5 ...                 runs per row (default 3): the median is shown
#   BENCH_SCALE_BYTES=64M ...        the nginx log for ingest vs report (default 64M)
#   BENCH_WRK_SECONDS=10 ...         length of the wrk load (default 10)
#
# Measures: one alert round (evaluate), report from the store, serve's
# GET /api/v1/slos under wrk on loopback, ingest vs report on the same log,
# and the store's size per SLO-month. Writes bench/out/scale/ (gitignored):
# the generated configuration, store and log (kept between runs and made
# again when missing), every command's output and time. Only ratios within
# one run mean something.
set -u

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HR="$BUILD/headroom"
GEN="$BUILD/gen_scale"
OUT="$ROOT/bench/out/scale"
RUNS=${BENCH_RUNS:-3}
BYTES=${BENCH_SCALE_BYTES:-64M}
WSECS=${BENCH_WRK_SECONDS:-10}
AT=2026-11-01T00:00:00Z
TIME=/usr/bin/time

[ -x "$GEN" ] && [ -x "$HR" ] || { echo "bench: build headroom and gen_scale first (cmake --build $BUILD --target headroom gen_scale)" >&2; exit 2; }
if [ ! -x "$TIME" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || true
  fi
  [ -x "$TIME" ] || { echo "bench: $TIME missing (Debian package 'time')" >&2; exit 2; }
fi
mkdir -p "$OUT/conf"
CONF="$OUT/conf/scale.yaml"
DB="$OUT/history.db"   # the generated history, never written by the bench
LOG="$OUT/access.log"  # not under conf/: serve tails nothing
"$GEN" config "$OUT/conf" || exit 2
if [ ! -s "$DB" ]; then
  echo "bench: generating 28 days of 1,000 SLOs into $DB (about a minute)" >&2
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$GEN" store "$DB" > "$OUT/gen.txt" || exit 2
fi
if [ ! -s "$LOG" ] || [ "$(cat "$OUT/.size" 2>/dev/null)" != "$BYTES" ]; then
  echo "bench: generating $BYTES of nginx log into $LOG" >&2
  "$GEN" log "$LOG" --bytes "$BYTES" || exit 2
  echo "$BYTES" > "$OUT/.size"
fi
RES="$OUT/results.txt"
: > "$RES"

# fresh DST: a copy of the generated store (evaluate writes alert states).
fresh() {
  rm -f "$1" "$1-wal" "$1-shm"
  cp "$DB" "$1"
}

# run NAME CMD...: CMD $RUNS times; a row NAME median-seconds max-peak-KiB.
run() {
  name=$1
  shift
  k=0 times= rss=0
  while [ $k -lt "$RUNS" ]; do
    t0=$(date +%s%N)
    if ! $TIME -f "%M" -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; then
      echo "bench: $name failed (see $OUT/$name.err)" >&2
      echo "$name FAILED 0" >> "$RES"
      return 1
    fi
    t1=$(date +%s%N)
    times="$times $((t1 - t0))"
    m=$(tail -n 1 "$OUT/$name.time")
    [ "$m" -gt "$rss" ] && rss=$m
    k=$((k + 1))
  done
  med=$(printf '%s\n' $times | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1e9 }')
  echo "$name $med $rss" >> "$RES"
}

cat "$DB" > /dev/null
fresh "$OUT/round.db"
run evaluate "$HR" evaluate -c "$CONF" --db "$OUT/round.db" --at "$AT"
run report-store "$HR" report -c "$CONF" --db "$OUT/round.db" --at "$AT" --format json
cat "$LOG" > /dev/null
run report-log "$HR" report -c "$CONF" "$LOG" --at "$AT" --format json --threads 1
# ingest: each run into a new store
k=0 times= rss=0
while [ $k -lt "$RUNS" ]; do
  rm -f "$OUT/ingest.db" "$OUT/ingest.db-wal" "$OUT/ingest.db-shm"
  t0=$(date +%s%N)
  $TIME -f "%M" -o "$OUT/ingest.time" "$HR" ingest -q -c "$CONF" --db "$OUT/ingest.db" "$LOG" \
    > "$OUT/ingest.out" 2> "$OUT/ingest.err" || { echo "bench: ingest failed (see $OUT/ingest.err)" >&2; exit 1; }
  t1=$(date +%s%N)
  times="$times $((t1 - t0))"
  m=$(tail -n 1 "$OUT/ingest.time")
  [ "$m" -gt "$rss" ] && rss=$m
  k=$((k + 1))
done
med=$(printf '%s\n' $times | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1e9 }')
echo "ingest $med $rss" >> "$RES"

# serve: the first answer (the snapshot computed), then wrk.
WRK="-"
if command -v wrk >/dev/null 2>&1; then
  rm -f "$OUT/serve.out" "$OUT/serve.err"
  "$HR" serve -c "$CONF" --db "$OUT/round.db" --at "$AT" --listen 127.0.0.1:0 > "$OUT/serve.out" \
    2> "$OUT/serve.err" < /dev/null &
  spid=$!
  i=0 url=
  while [ $i -lt 200 ] && [ -z "$url" ]; do
    url=$(sed -n 's/^listening on //p' "$OUT/serve.out" | tail -1)
    sleep 0.05
    i=$((i + 1))
  done
  if [ -n "$url" ]; then
    t0=$(date +%s%N)
    curl -s -o /dev/null "${url}api/v1/slos"
    t1=$(date +%s%N)
    first=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e9 }')
    wrk -t2 -c16 -d"${WSECS}s" --latency "${url}api/v1/slos" > "$OUT/wrk.txt" 2>&1
    p99=$(awk '$1 == "99%" { print $2 }' "$OUT/wrk.txt")
    rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$OUT/wrk.txt")
    srss=$(awk '/^VmHWM/ { print $2 }' "/proc/$spid/status")
    WRK="first answer ${first} s, p99 ${p99}, ${rps} requests/s, serve peak ${srss} KiB"
  else
    WRK="serve did not start (see $OUT/serve.err)"
  fi
  kill "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
else
  WRK="wrk not installed (Debian package wrk): not measured"
fi

mb=$(wc -c < "$LOG")
minutes=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "SLO-minutes,") print $(i - 1) }' "$OUT/gen.txt")
dbsize=$(wc -c < "$DB")
isize=$(wc -c < "$OUT/ingest.db")
echo
awk -v mb="$mb" '
  { t[$1] = $2; m[$1] = $3 }
  END {
    printf "%-14s %9s %10s %9s\n", "row", "seconds", "MB/s", "peak MiB"
    n = split("evaluate report-store report-log ingest", r, " ")
    for (i = 1; i <= n; i++) {
      k = r[i]
      rate = (k == "report-log" || k == "ingest") && t[k] > 0 ? sprintf("%.1f", mb / 1e6 / t[k]) : "-"
      printf "%-14s %9s %10s %9.1f\n", k, t[k], rate, m[k] / 1024
    }
    if (t["ingest"] > 0)
      printf "ingest / report-log throughput: %.2f\n", t["report-log"] / t["ingest"]
  }' "$RES"
echo "serve GET /api/v1/slos (wrk -t2 -c16 -d${WSECS}s): $WRK"
awk -v s="$dbsize" -v n="$minutes" 'BEGIN {
  printf "store: %.1f MiB for 1,000 SLOs x 28 days (%s SLO-minutes): %.1f KiB per SLO-month (30 d)\n",
    s / 1048576, n, s / 1024 / 1000 * 30 / 28 }'
awk -v s="$isize" -v mb="$mb" 'BEGIN { printf "ingested store of the %.1f MB log: %.1f MiB\n", mb / 1e6, s / 1048576 }'
