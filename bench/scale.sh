#!/bin/sh
# Scale benchmark (bench/scale.md): the engine at 1,000 SLOs (100 services x
# 10) with 28 days of stored history (about 11 M SLO-minutes).
#
#   sh bench/scale.sh BUILD_DIR
#   BENCH_RUNS=5 ...                 runs per row (default 3): the median is shown
#   BENCH_SCALE_BYTES=64M ...        the nginx log for ingest vs report (default 64M)
#   BENCH_WRK_SECONDS=10 ...         length of the wrk load (default 10)
#   BENCH_SIX_BYTES=256M ...         the nginx log of the six-SLO row (default 256M; 0: no row)
#
# Measures: one alert round (evaluate), report from the store, serve's
# GET /api/v1/slos under wrk on loopback, ingest vs report on the same log,
# and the store's size per SLO-month; then single-core `report` of nginx with
# six SLOs (bench/six-slos.yaml, the throughput bench's). Last, every target
# of the scale work with its measured figure. Writes bench/out/scale/ (gitignored):
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
SIXBYTES=${BENCH_SIX_BYTES:-256M}
AT=2026-11-01T00:00:00Z
TIME=/usr/bin/time

[ -x "$GEN" ] && [ -x "$HR" ] && [ -x "$BUILD/gen_bench" ] || { echo "bench: build headroom, gen_scale and gen_bench first (cmake --build $BUILD --target headroom gen_scale gen_bench)" >&2; exit 2; }
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

# run NAME CMD...: CMD $RUNS times; a row NAME median-seconds max-peak-KiB
# median-CPU-seconds (user + sys).
run() {
  name=$1
  shift
  k=0 times= rss=0 cpus=
  while [ $k -lt "$RUNS" ]; do
    t0=$(date +%s%N)
    if ! $TIME -f "%U %S %M" -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; then
      echo "bench: $name failed (see $OUT/$name.err)" >&2
      echo "$name FAILED 0" >> "$RES"
      return 1
    fi
    t1=$(date +%s%N)
    times="$times $((t1 - t0))"
    m=$(tail -n 1 "$OUT/$name.time" | awk '{ print $3 }')
    cpus="$cpus $(tail -n 1 "$OUT/$name.time" | awk '{ printf "%.3f", $1 + $2 }')"
    [ "$m" -gt "$rss" ] && rss=$m
    k=$((k + 1))
  done
  med=$(printf '%s\n' $times | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1e9 }')
  cpu=$(printf '%s\n' $cpus | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }')
  echo "$name $med $rss $cpu" >> "$RES"
}

cat "$DB" > /dev/null
fresh "$OUT/round.db"
run evaluate "$HR" evaluate -c "$CONF" --db "$OUT/round.db" --at "$AT"
run report-store "$HR" report -c "$CONF" --db "$OUT/round.db" --at "$AT" --format json
cat "$LOG" > /dev/null
run report-log "$HR" report -c "$CONF" "$LOG" --at "$AT" --format json --threads 1
# ingest: each run into a new store (sh execs headroom: its own peak)
run ingest sh -c 'rm -f "$1" "$1-wal" "$1-shm"; exec "$2" ingest -q -c "$3" --db "$1" "$4"' sh "$OUT/ingest.db" \
  "$HR" "$CONF" "$LOG"

# serve: the first answer (the snapshot computed), then wrk.
WRK="-" P99= P99GZ= SRSS=
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
    # wrk's latencies in ms (it prints us, ms or s)
    ms='function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /s$/) return x * 1000; return x }'
    # wrk_row NAME [wrk options]: a load of $WSECS s; its p99 in P99_NAME
    wrk_row() {
      n=$1
      shift
      wrk -t2 -c16 -d"${WSECS}s" --latency "$@" "${url}api/v1/slos" > "$OUT/wrk-$n.txt" 2>&1
      p99=$(awk "$ms"' $1 == "99%" { printf "%.1f", ms($2) }' "$OUT/wrk-$n.txt")
      p50=$(awk "$ms"' $1 == "50%" { printf "%.1f", ms($2) }' "$OUT/wrk-$n.txt")
      rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$OUT/wrk-$n.txt")
      errs=$(awk '/Socket errors|Non-2xx/ { $1 = $1; printf "%s; ", $0 }' "$OUT/wrk-$n.txt")
      WRK="$WRK
  $n: ${rps} requests/s, p50 ${p50} ms, p99 ${p99} ms; ${errs:-no errors}"
      eval "P99_$n=\$p99"
    }
    WRK="first answer ${first} s"
    wrk_row plain
    wrk_row gzip -H 'Accept-Encoding: gzip'
    P99="$P99_plain" P99GZ="$P99_gzip"
    SRSS=$(awk '/^VmHWM/ { print $2 }' "/proc/$spid/status")
    WRK="$WRK
  serve peak $((SRSS / 1024)) MiB"
  else
    WRK="serve did not start (see $OUT/serve.err)"
  fi
  kill "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
else
  WRK="wrk not installed (Debian package wrk): not measured"
fi

# report of nginx with six SLOs, one thread (the throughput bench's row)
SIXLOG="$OUT/six-nginx.log"
if [ "$SIXBYTES" != 0 ]; then
  if [ ! -s "$SIXLOG" ] || [ "$(cat "$OUT/.six-size" 2>/dev/null)" != "$SIXBYTES" ]; then
    "$BUILD/gen_bench" --format nginx --bytes "$SIXBYTES" --out "$SIXLOG" >&2 || exit 2
    echo "$SIXBYTES" > "$OUT/.six-size"
  fi
  cat "$SIXLOG" > /dev/null
  run six-slos "$HR" report -c "$ROOT/bench/six-slos.yaml" "$SIXLOG" --format json --threads 1
fi

mb=$(wc -c < "$LOG")
sixmb=$([ -s "$SIXLOG" ] && wc -c < "$SIXLOG" || echo 0)
minutes=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "SLO-minutes,") print $(i - 1) }' "$OUT/gen.txt")
dbsize=$(wc -c < "$DB")
isize=$(wc -c < "$OUT/ingest.db")
echo
awk -v mb="$mb" -v six="$sixmb" '
  { t[$1] = $2; m[$1] = $3; c[$1] = $4 }
  END {
    printf "%-14s %9s %9s %10s %9s\n", "row", "seconds", "CPU s", "MB/s", "peak MiB"
    n = split("evaluate report-store report-log ingest six-slos", r, " ")
    for (i = 1; i <= n; i++) {
      k = r[i]
      if (!(k in t))
        continue
      b = k == "six-slos" ? six : mb
      rate = (k == "report-log" || k == "ingest" || k == "six-slos") && t[k] > 0 ? sprintf("%.1f", b / 1e6 / t[k]) : "-"
      printf "%-14s %9s %9s %10s %9.1f\n", k, t[k], c[k], rate, m[k] / 1024
    }
  }' "$RES"
echo "serve GET /api/v1/slos (wrk -t2 -c16 -d${WSECS}s): $WRK"
awk -v s="$dbsize" -v n="$minutes" 'BEGIN {
  printf "store: %.1f MiB for 1,000 SLOs x 28 days (%s SLO-minutes): %.1f KiB per SLO-month (30 d)\n",
    s / 1048576, n, s / 1024 / 1000 * 30 / 28 }'
awk -v s="$isize" -v mb="$mb" 'BEGIN { printf "ingested store of the %.1f MB log: %.1f MiB\n", mb / 1e6, s / 1048576 }'

# Every target with its figure (wall seconds; CPU seconds beside them on a shared machine).
echo
echo "targets (1,000 SLOs, 28 days of history):"
awk -v mb="$mb" -v six="$sixmb" -v p99="$P99" -v p99gz="$P99GZ" -v srss="$SRSS" '
  { t[$1] = $2; m[$1] = $3 / 1024; c[$1] = $4 }
  function row(what, fig, ok) { printf "  %-58s %-34s %s\n", what, fig, ok == "" ? "-" : ok ? "met" : "NOT met" }
  END {
    row("one alert round (evaluate) <= 1 s", sprintf("%s s (CPU %s s)", t["evaluate"], c["evaluate"]), t["evaluate"] <= 1)
    row("report from the store <= 1 s", sprintf("%s s (CPU %s s)", t["report-store"], c["report-store"]), t["report-store"] <= 1)
    if (p99 != "") {
      row("serve /api/v1/slos p99 <= 100 ms under wrk", p99 " ms", p99 <= 100)
      row("same, Accept-Encoding: gzip (as browsers send)", p99gz " ms", p99gz <= 100)
    } else
      row("serve /api/v1/slos p99 <= 100 ms under wrk", "not measured", "")
    ratio = t["ingest"] > 0 ? t["report-log"] / t["ingest"] : 0
    row("ingest >= 50 % of report throughput (same log)", sprintf("%.0f %%", ratio * 100), ratio >= 0.5)
    row("ingest peak RSS <= 64 MiB (and <= 128 MiB)", sprintf("%.1f MiB", m["ingest"]), m["ingest"] <= 64)
    row("report peak RSS <= 256 MiB: from the store", sprintf("%.1f MiB", m["report-store"]), m["report-store"] <= 256)
    row("report peak RSS <= 256 MiB: from the log", sprintf("%.1f MiB", m["report-log"]), m["report-log"] <= 256)
    if (srss != "")
      row("serve peak RSS <= 256 MiB", sprintf("%.1f MiB", srss / 1024), srss / 1024 <= 256)
    if ("six-slos" in t) {
      r = six / 1e6 / t["six-slos"]
      row("report of nginx, six SLOs, 1 thread >= 1 GB/s", sprintf("%.0f MB/s (%.0f MB/s of CPU time)", r, six / 1e6 / c["six-slos"]), r >= 1000)
      row("same, peak RSS <= 16 MiB", sprintf("%.1f MiB", m["six-slos"]), m["six-slos"] <= 16)
    }
  }' "$RES"
