# serve_lib.sh -- helpers shared by serve.sh, crash.sh and rotate.sh (sourced;
# not a test itself). Expects $bin and runs in the test's temp directory.
fails=${fails:-0}
pid=
url=

# common.sh's fail() when the test set it up with test_init.
command -v fail >/dev/null 2>&1 || fail() {
  echo "FAIL: $*" >&2
  fails=$((fails + 1))
}

# write_conf FILE GLOB: one nginx data source over GLOB, one SLO "avail"
# (good: status < 500, 1d rolling, 99 %).
write_conf() {
  cat >"$1" <<YAML
apiVersion: openslo/v1
kind: Service
metadata:
  name: web
spec:
  description: test service
---
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
spec:
  type: headroom.logs
  connectionDetails:
    format: nginx
    paths: ["$2"]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: avail
spec:
  service: web
  indicator:
    metadata:
      name: avail
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: web
            type: headroom.logs
            spec:
              filter: 'status < 500'
  timeWindow:
    - duration: 1d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
YAML
}

# gen_lines START N: N nginx lines, line k at 2026-03-01 12:00:00 + k seconds
# (k from START), every 4th (k % 4 == 3) a 500.
gen_lines() {
  awk -v s="$1" -v n="$2" 'BEGIN {
    for (k = s; k < s + n; k++) {
      t = k % 3600
      printf "10.0.0.1 - - [01/Mar/2026:12:%02d:%02d +0000] \"GET /k%d HTTP/1.1\" %d 1 \"-\" \"t\"\n",
             int(t / 60), t % 60, k, (k % 4 == 3) ? 500 : 200
    }
  }'
}

# start_serve ARGS...: start serve on a free loopback port; sets pid and url.
# Output goes to ./out and ./err (appended).
start_serve() {
  : >out
  "$bin" serve --listen 127.0.0.1:0 "$@" >>out 2>>err </dev/null &
  pid=$!
  i=0
  while [ $i -lt 100 ]; do
    url=$(sed -n 's/^listening on //p' out | tail -1)
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
  done
  echo "FAIL: serve did not start" >&2
  cat err >&2
  return 1
}

# api_valid: the sum of "valid" over the SLOs of GET /api/v1/slos ("" on error).
api_valid() {
  curl -sf --max-time 5 "${url}api/v1/slos" |
    python3 -c 'import json,sys; print(sum(s["valid"] for s in json.load(sys.stdin)["slos"]))' 2>/dev/null
}

# wait_valid N: poll the API (bounded: 1000 x 10 ms + request time; an
# ASan build on a loaded 2-core machine needs more than 2 s) until valid == N.
wait_valid() {
  i=0
  while [ $i -lt 1000 ]; do
    [ "$(api_valid)" = "$1" ] && return 0
    sleep 0.01
    i=$((i + 1))
  done
  echo "valid stayed at $(api_valid), wanted $1" >&2
  return 1
}
