#!/bin/sh
# details.sh -- the SLO page's latency percentiles and latest bad events, end
# to end: a generated JSON-lines log with known durations and bad lines is
# ingested in two steps, then `serve` (continuing the same files) answers
# GET /api/v1/slos/NAME: "bad_events" must be exactly the last 100 bad lines
# (newest first, with their time, status, path, duration and text; a long one
# cut to 2 KiB), "latency" p50/p95/p99 over the window and over every 5-minute
# point must match a python3 nearest-rank computation within the documented
# error (a factor 10^(1/8)), the count must match (nothing counted twice
# between ingest and the tailer). Then lines appended while serve runs and a
# POST /api/v1/events line show up, and `report --format html` carries the
# same fields when it reads the store and none when it reads logs only. The
# page carries the status light's thresholds: the defaults, and those of an
# SLO's headroom.dev/status-thresholds.
# Usage: sh details.sh HEADROOM_BIN BUILD_DIR
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-details.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2

cat >conf.yaml <<'YAML'
apiVersion: openslo/v1
kind: Service
metadata:
  name: app
spec:
  description: test service
---
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: app
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    paths: ["logs/app*.jsonl"]
    duration: ms
    durationUnit: ms
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: avail
spec:
  service: app
  indicator:
    metadata:
      name: avail
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: app
            type: headroom.logs
            spec:
              filter: 'status < 500'
  timeWindow:
    - duration: 1d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: lat
  annotations:
    headroom.dev/status-thresholds: '{remaining: [0.8, 0.4, 0.05], burn: [1.5, 4, 8], lookback: 30m}'
spec:
  service: app
  indicator:
    metadata:
      name: lat
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: app
            type: headroom.logs
            spec:
              filter: 'status < 500 && duration < 250ms'
  timeWindow:
    - duration: 1d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.95
YAML
mkdir logs
printf 's3cret-token\n' >token

python3 - "$bin" "$tmp" <<'EOF'
import json, math, os, random, signal, subprocess, sys, time, urllib.request, urllib.error
from datetime import datetime, timezone

bin_, tmp = sys.argv[1:3]
os.chdir(tmp)
bad = checks = 0
def check(cond, what):
    global bad, checks
    checks += 1
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        bad += 1
    return cond

T0 = 1772359200  # 2026-03-01T10:00:00Z
AT = "2026-03-01T12:00:00Z"
FACTOR = 10 ** (1 / 8)
rng = random.Random(7)

def rfc(us, ms=False):
    s = datetime.fromtimestamp(us // 1000000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return s + (".%03dZ" % (us % 1000000 // 1000) if ms else "Z")

# events: dicts with t_us, status, path, ms (None: no duration), line
events = []
def make(i, t_us, status, path, ms, extra=None):
    o = {"time": rfc(t_us, ms=True), "status": status, "path": path}
    if ms is not None:
        o["ms"] = ms
    if extra:
        o["note"] = extra
    line = json.dumps(o, separators=(",", ":"))
    return {"t_us": t_us // 1000 * 1000, "status": status, "path": path, "ms": ms, "line": line}

N = 4000
for i in range(N):
    t_us = (T0 + i * 0.9) * 1000000 + rng.randrange(0, 800) * 1000
    t_us = int(t_us)
    status = rng.choice([500, 503]) if rng.random() < 0.08 else rng.choice([200, 200, 200, 404])
    ms = None if rng.random() < 0.03 else max(1, int(round(math.exp(rng.gauss(math.log(120), 0.8)))))
    extra = "x" * 3000 if i == N - 7 else None
    if extra:
        status = 500
    events.append(make(i, t_us, status, "/p%d" % (i % 13), ms, extra))

def write(evs, mode):
    with open("logs/app.jsonl", mode) as f:
        for e in evs:
            f.write(e["line"] + "\n")
        if mode == "a":
            f.write("this is not json\n")  # malformed: never an event

def run(*args):
    p = subprocess.run([bin_] + list(args), capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr, file=sys.stderr)
    return p

write(events[:2500], "w")
check(run("ingest", "-c", "conf.yaml", "--db", "h.db", "-q").returncode == 0, "ingest 1")
write(events[2500:], "a")
check(run("ingest", "-c", "conf.yaml", "--db", "h.db", "-q").returncode == 0, "ingest 2 (resumes)")

def good(slo, e):
    if slo == "avail":
        return e["status"] < 500
    return e["status"] < 500 and e["ms"] is not None and e["ms"] < 250

def stored_line(l):
    b = l.encode()
    return l if len(b) <= 2048 else b[:2045].decode() + "\u2026"

def want_bad(slo, evs, n=100):
    b = [e for e in evs if not good(slo, e)]
    b.sort(key=lambda e: e["t_us"])  # stable: file order at equal times
    return list(reversed(b[-n:]))

def nearest_rank(xs, q):
    xs = sorted(xs)
    k = max(1, math.ceil(q * len(xs) - 1e-9))
    return xs[k - 1]

def close(got, want):
    if want is None:
        return got is None
    if got is None:
        return False
    r = got / want if got > want else want / got
    return r <= FACTOR * (1 + 1e-6)

# ---- serve over the ingested store ----
out = open("serve.out", "w")
err = open("serve.err", "w")
srv = subprocess.Popen([bin_, "serve", "-c", "conf.yaml", "--db", "h.db", "--listen", "127.0.0.1:0", "--at", AT,
                        "--token-file", "token"], stdout=out, stderr=err, stdin=subprocess.DEVNULL)
url = None
for _ in range(200):
    txt = open("serve.out").read()
    for l in txt.splitlines():
        if l.startswith("listening on "):
            url = l[len("listening on "):].rstrip("/")
    if url or srv.poll() is not None:
        break
    time.sleep(0.05)
if not check(url is not None, "serve started"):
    print(open("serve.err").read(), file=sys.stderr)
    sys.exit(1)

def get(path):
    with urllib.request.urlopen(url + path, timeout=10) as r:
        return json.loads(r.read())

def verify(evs, label):
    for slo in ("avail", "lat"):
        d = get("/api/v1/slos/" + slo)
        check(d["valid"] == len(evs), "%s %s: valid %s, want %d" % (label, slo, d["valid"], len(evs)))
        check(d["good"] == sum(good(slo, e) for e in evs), "%s %s: good" % (label, slo))
        got, want = d.get("bad_events"), want_bad(slo, evs)
        if not check(isinstance(got, list) and len(got) == len(want) == 100,
                     "%s %s: 100 bad events (got %s)" % (label, slo, None if got is None else len(got))):
            continue
        for g, w in zip(got, want):
            ok = (g["at"] == rfc(w["t_us"], ms=True) and g["status"] == w["status"] and g["path"] == w["path"] and
                  (g["duration"] is None if w["ms"] is None else abs(g["duration"] - w["ms"] / 1000) < 1e-9) and
                  g["line"] == stored_line(w["line"]))
            if not check(ok, "%s %s: bad event %s, want %s" % (label, slo, json.dumps(g)[:300], w["line"][:200])):
                break
        lat = d.get("latency")
        if not check(isinstance(lat, dict), "%s %s: latency present" % (label, slo)):
            continue
        durs = [e["ms"] / 1000 for e in evs if e["ms"] is not None]
        check(lat["window"]["count"] == len(durs), "%s %s: latency count %s, want %d" % (label, slo, lat["window"]["count"], len(durs)))
        for q, k in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            w = nearest_rank(durs, q)
            check(close(lat["window"][k], w), "%s %s: window %s %s, want %s" % (label, slo, k, lat["window"][k], w))
        step = lat["step_seconds"]
        check(step == 300, "%s %s: step %s (1d window: 5 min)" % (label, slo, step))
        check(sum(lat["count"]) == len(durs), "%s %s: points' counts add up" % (label, slo))
        npts = 0
        for i, t in enumerate(lat["t"]):
            xs = [e["ms"] / 1000 for e in evs if e["ms"] is not None and (t - step) * 1000000 <= e["t_us"] < t * 1000000]
            check(lat["count"][i] == len(xs), "%s %s: count at %d" % (label, slo, t))
            for q, k in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
                w = nearest_rank(xs, q) if xs else None
                if not check(close(lat[k][i], w), "%s %s: %s at %d: %s, want %s" % (label, slo, k, t, lat[k][i], w)):
                    break
            npts += bool(xs)
        check(npts >= 12, "%s %s: %d points with data" % (label, slo, npts))
        if slo == "lat":
            check(lat.get("threshold_seconds") == 0.25, "lat: threshold 0.25 s from the good filter")
        else:
            check("threshold_seconds" not in lat, "avail: no threshold")

def wait_for(pred, what):
    for _ in range(300):
        try:
            if pred():
                return True
        except Exception:
            pass
        time.sleep(0.05)
    return check(False, what)

wait_for(lambda: get("/api/v1/slos/avail")["valid"] == len(events), "serve sees the ingested events")
verify(events, "ingested")

# ---- lines appended while serve tails the file ----
live = []
for k in range(30):
    t_us = (T0 + 3700 + k) * 1000000 + 250000
    live.append(make(N + k, t_us, 500, "/live/%d" % k, 40 + k))
write(live, "a")
events += live
wait_for(lambda: get("/api/v1/slos/avail")["bad_events"][0]["path"] == "/live/29", "tailed lines reach bad_events")
verify(events, "tailed")

# ---- a line posted to the API ----
posted = make(N + 30, (T0 + 3800) * 1000000 + 5000, 502, "/posted", 777)
r = urllib.request.Request(url + "/api/v1/events", data=(posted["line"] + "\n").encode(), method="POST",
                           headers={"Authorization": "Bearer s3cret-token", "Content-Type": "application/x-ndjson"})
with urllib.request.urlopen(r, timeout=10) as resp:
    check(resp.status == 200, "POST /api/v1/events")
events.append(posted)
d = get("/api/v1/slos/avail")
check(d["bad_events"][0]["line"] == posted["line"] and d["bad_events"][0]["duration"] == 0.777, "posted line is the newest bad event")
# The status light's thresholds: the defaults, and lat's own annotation.
check(d.get("status_thresholds") == {"remaining": [0.7, 0.3, 0], "burn": [2, 5, 10], "lookback": "1h"},
      "avail: the default status thresholds: %r" % d.get("status_thresholds"))
lt = get("/api/v1/slos/lat").get("status_thresholds")
check(lt == {"remaining": [0.8, 0.4, 0.05], "burn": [1.5, 4, 8], "lookback": "30m"}, "lat: its own status thresholds: %r" % lt)
verify(events, "posted")
srv.send_signal(signal.SIGTERM)
srv.wait(timeout=20)

# ---- report --format html: with the store, and from logs only ----
p = run("report", "-c", "conf.yaml", "--db", "h.db", "--at", AT, "--format", "html", "-o", "store.html")
html = open("store.html").read() if p.returncode == 0 else ""
check('"bad_events":[{' in html and "/posted" in html and '"latency":{' in html, "report --format html from the store has latency and bad events")
p = run("report", "-c", "conf.yaml", "--at", AT, "--format", "html", "-o", "logs.html", "logs/app.jsonl")
html = open("logs.html").read() if p.returncode == 0 else ""
check(html != "" and '"bad_events":' not in html and '"latency":{' not in html, "report --format html of logs only has neither")
print("details.sh: %d events, %d checks, %s" % (len(events), checks, "ok" if bad == 0 else "%d failed" % bad))
sys.exit(1 if bad else 0)
EOF
