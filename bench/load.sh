#!/bin/sh
# load.sh -- wrk on loopback against GET /api/v1/slos and GET /metrics of a
# live `headroom serve` while lines are appended to the log it tails (so the
# store changes under the load and the cached answers are recomputed).
# Usage: sh bench/load.sh [HEADROOM_BIN] [SECONDS]   (wrk: Debian package wrk)
bin=${1:-build/headroom}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
secs=${2:-10}
src=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "SKIP: wrk not installed (apt-get install wrk)"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-load.XXXXXX") || exit 2
pid=
apid=
cleanup() {
  [ -n "$apid" ] && kill "$apid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
. "$src/tests/cli/lib/serve_lib.sh"
cd "$tmp" || exit 2
write_conf conf.yaml 'logs/access.log*'
mkdir logs
gen_lines 0 20000 >logs/access.log
start_serve -c conf.yaml --db "$tmp/h.db" --at 2026-03-02T00:00:00Z -q || exit 1
wait_valid 20000 || exit 1
# The appender: 50 lines every 100 ms for the whole run.
(
  k=20000
  while :; do
    gen_lines $k 50 >>logs/access.log
    k=$((k + 50))
    sleep 0.1
  done
) &
apid=$!
echo "headroom serve at $url, $(nproc) CPUs, wrk -t2 -c32 -d${secs}s --latency"
for path in api/v1/slos metrics; do
  echo "== GET /$path"
  wrk -t2 -c32 -d"${secs}s" --latency "$url$path" | grep -E "Requests/sec|Latency |99%|50%|Non-2xx|Socket errors|requests in"
done
kill "$apid"
apid=
echo "lines tailed during the run: $(($(api_valid) - 20000))"
