#!/bin/sh
# Throughput benchmark (make bench): headroom report against the usual
# one-liners, on the same deterministic logs, in one run.
#
#   sh bench/run.sh BUILD_DIR
#   BENCH_BYTES=64M sh bench/run.sh build          # smaller input
#   BENCH_GOACCESS_BYTES=32M ...                    # goaccess slice (default 64M)
#   BENCH_RUNS=5 ...                                # runs per row (default 3): the median is shown
#
# Writes bench/out/ (gitignored): the logs, each tool's output and time.
# Only the ratios within one run mean something; absolute MB/s depend on the
# machine, its load and the page cache. See bench/README.md.
set -u

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
HR="$BUILD/headroom"
GEN="$BUILD/gen_bench"
OUT="$ROOT/bench/out"
BYTES=${BENCH_BYTES:-512M}
GBYTES=${BENCH_GOACCESS_BYTES:-64M}
RUNS=${BENCH_RUNS:-3}
TIME=/usr/bin/time

[ -x "$GEN" ] || { echo "bench: $GEN not found; build first (make build)" >&2; exit 2; }
if [ ! -x "$TIME" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || true
  fi
  [ -x "$TIME" ] || { echo "bench: $TIME missing (Debian package 'time')" >&2; exit 2; }
fi
# goaccess, the web-log analyser a user would otherwise run (Debian package
# goaccess): installed like time when missing; without it its row is left out.
if ! command -v goaccess >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq goaccess >/dev/null 2>&1 || true
fi
mkdir -p "$OUT"

NGINX="$OUT/bench-nginx.log"
ALB="$OUT/bench-alb.log"
STAMP="$OUT/.size"
if [ ! -s "$NGINX" ] || [ ! -s "$ALB" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$BYTES" ]; then
  echo "bench: generating $BYTES of nginx and of ALB logs into $OUT" >&2
  "$GEN" --format nginx --bytes "$BYTES" --out "$NGINX" || exit 2
  "$GEN" --format alb --bytes "$BYTES" --out "$ALB" || exit 2
  echo "$BYTES" > "$STAMP"
fi
SLICE="$OUT/bench-nginx-slice.log"
# goaccess is slow: give it the first GBYTES (whole lines only).
to_bytes() {
  case $1 in
  *[Kk]) echo $((${1%?} * 1024)) ;;
  *[Mm]) echo $((${1%?} * 1048576)) ;;
  *[Gg]) echo $((${1%?} * 1073741824)) ;;
  *) echo "$1" ;;
  esac
}
head -c "$(to_bytes "$GBYTES")" "$NGINX" | head -n -1 > "$SLICE"

RES="$OUT/results.txt"
: > "$RES"

# run NAME FILE CMD...: run CMD $RUNS times (output to $OUT/NAME.out), append
# a row: the median wall time (nanosecond clock; /usr/bin/time's %e has only
# 10 ms, 2 % of a half-second run) and the largest peak RSS of the runs.
run() {
  name=$1 file=$2
  shift 2
  cat "$file" > /dev/null # same page-cache state for everyone
  k=0 times= rss=0
  while [ $k -lt "$RUNS" ]; do
    t0=$(date +%s%N)
    if ! $TIME -f "%M" -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; then
      echo "bench: $name failed (see $OUT/$name.err)" >&2
      echo "$name $(wc -c < "$file") FAILED 0" >> "$RES"
      return
    fi
    t1=$(date +%s%N)
    times="$times $((t1 - t0))"
    m=$(tail -n 1 "$OUT/$name.time")
    [ "$m" -gt "$rss" ] && rss=$m
    k=$((k + 1))
  done
  med=$(printf '%s\n' $times | sort -n | awk '{ v[NR] = $1 } END { printf "%.4f", v[int((NR + 1) / 2)] / 1e9 }')
  echo "$name $(wc -c < "$file") $med $rss" >> "$RES"
}

run "wc-l" "$NGINX" wc -l "$NGINX"
run "mawk-sli.awk" "$NGINX" mawk -f "$ROOT/bench/sli.awk" "$NGINX"
if [ -x "$HR" ]; then
  run "headroom-nginx-t1" "$NGINX" "$HR" report -c "$ROOT/bench/six-slos.yaml" "$NGINX" --format json --threads 1
  run "headroom-nginx-t2" "$NGINX" "$HR" report -c "$ROOT/bench/six-slos.yaml" "$NGINX" --format json --threads 2
  run "headroom-alb-t1" "$ALB" "$HR" report -c "$ROOT/bench/six-slos-alb.yaml" "$ALB" --format json --threads 1
  run "headroom-alb-t2" "$ALB" "$HR" report -c "$ROOT/bench/six-slos-alb.yaml" "$ALB" --format json --threads 2
else
  echo "bench: $HR not built; skipping headroom rows" >&2
fi
if command -v goaccess >/dev/null 2>&1; then
  run "goaccess-slice" "$SLICE" goaccess "$SLICE" --log-format=COMBINED --no-global-config -o "$OUT/goaccess.json"
else
  echo "bench: goaccess not installed; skipping" >&2
fi

echo
echo "headroom bench: $(nproc 2>/dev/null || echo ?) CPUs, input $BYTES per format (goaccess: first $GBYTES), median of $RUNS runs"
echo "lines: nginx $(wc -l < "$NGINX"), alb $(wc -l < "$ALB"), goaccess slice $(wc -l < "$SLICE")"
awk '
  { name[NR] = $1; mb[NR] = $2 / 1e6; sec[NR] = $3; rss[NR] = $4 / 1024
    if ($3 != "FAILED") { s = $3 < 0.001 ? 0.001 : $3; rate[NR] = mb[NR] / s } else rate[NR] = 0
    if ($1 == "headroom-nginx-t1" && $3 != "FAILED") base = rate[NR] }
  END {
    printf "%-20s %9s %9s %9s %12s %10s\n", "tool", "input MB", "seconds", "MB/s", "vs headroom", "peak MiB"
    for (i = 1; i <= NR; i++) {
      if (sec[i] == "FAILED") { printf "%-20s %9.1f %9s\n", name[i], mb[i], "failed"; continue }
      ratio = base > 0 ? sprintf("%.2fx", rate[i] / base) : "-"
      printf "%-20s %9.1f %9.3f %9.1f %12s %10.1f\n", name[i], mb[i], sec[i], rate[i], ratio, rss[i]
    }
    print ""
    print "MB = 10^6 bytes (512M input = 536.9 MB; MiB/s = MB/s / 1.048576); peak RSS in MiB."
    print "vs headroom: MB/s of the tool / MB/s of headroom-nginx-t1 (above 1: faster than headroom)."
  }' "$RES"

# Cross-check: headroom and the awk script must agree on the one SLI they share.
if [ -s "$OUT/headroom-nginx-t1.out" ] && command -v python3 >/dev/null 2>&1; then
  python3 - "$OUT/headroom-nginx-t1.out" "$OUT/mawk-sli.awk.out" "$OUT/headroom-nginx-t2.out" <<'PY'
import json, sys, re
try:
    d = json.load(open(sys.argv[1]))
    s = [x for x in d["slos"] if x["name"] == "matches-availability"][0]
    m = dict(re.findall(r"(\w+)=([\d.]+)", open(sys.argv[2]).read()))
    ok = int(m["good"]) == s["good"] and int(m["valid"]) == s["valid"]
    print("cross-check matches-availability: headroom good=%d valid=%d, awk good=%s valid=%s: %s"
          % (s["good"], s["valid"], m["good"], m["valid"], "agree" if ok else "DIFFER"))
    try:
        d2 = json.load(open(sys.argv[3]))
        same = [(x["name"], x["good"], x["valid"]) for x in d["slos"]] == [(x["name"], x["good"], x["valid"]) for x in d2["slos"]]
        print("cross-check --threads 1 vs 2: %s" % ("same counts" if same else "COUNTS DIFFER"))
    except Exception:
        pass
except Exception as e:
    print("cross-check skipped: %s" % e)
PY
fi
