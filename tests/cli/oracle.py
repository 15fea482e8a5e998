#!/usr/bin/env python3
"""An independent implementation of SPEC §1 for occurrence SLOs, used to check
`headroom report --format json` to 1e-9 (the exactness bar of the issue).

  oracle.py gen DIR          write DIR/access.log (nginx, $request_time) and DIR/slo.yaml
  oracle.py check DIR JSON AT|-   compare a report with the oracle's figures

Nothing here shares code with headroom: the log is parsed with a regex, the
math is written out from the SPEC text.
"""
import bisect, json, math, random, re, sys
from datetime import datetime, timedelta, timezone

MIN = 60
LOOKBACKS = {"5m": 300, "30m": 1800, "1h": 3600, "2h": 7200, "6h": 21600, "1d": 86400, "3d": 259200}
W = 28 * 86400

SLOS = [
    # name, target, valid(ev), good(ev)
    ("api-availability", 0.999,
     lambda e: e["path"].startswith("/api/") and not (400 <= e["status"] < 500),
     lambda e: e["status"] < 400),
    ("matches-latency", 0.99,
     lambda e: re.search(r"^/api/v1/matches", e["path"]) is not None and e["status"] < 400,
     lambda e: e["duration"] is not None and e["duration"] < 0.8),
    ("static-errors", 0.95,
     lambda e: True,
     lambda e: not (e["status"] >= 500)),
]

CONFIG = """apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web-logs
spec:
  type: headroom.logs
  connectionDetails:
    format: nginx
    logFormat: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'
    paths: ["access.log"]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
spec:
  service: web
  indicator:
    metadata:
      name: api-availability
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: web-logs
            type: headroom.logs
            spec:
              filter: 'path =~ "^/api/" && status < 400'
        total:
          metricSource:
            metricSourceRef: web-logs
            type: headroom.logs
            spec:
              filter: 'path =~ "^/api/" && !(status >= 400 && status < 500)'
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: API availability
      target: 0.999
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: matches-latency
spec:
  service: web
  indicator:
    metadata:
      name: matches-latency
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: web-logs
            type: headroom.logs
            spec:
              filter: 'duration < 800ms'
        total:
          metricSource:
            metricSourceRef: web-logs
            type: headroom.logs
            spec:
              filter: 'path =~ "^/api/v1/matches" && status < 400'
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: static-errors
spec:
  service: web
  indicator:
    metadata:
      name: static-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            metricSourceRef: web-logs
            type: headroom.logs
            spec:
              filter: 'status >= 500'
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.95
"""

LINE = re.compile(r'^(\S+) - (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\d+) "([^"]*)" "([^"]*)" (\S+)$')


def gen(d):
    rnd = random.Random(20261125)
    start = datetime(2026, 3, 27, 0, 0, 0, tzinfo=timezone.utc)  # spans the Berlin DST change
    t = start.timestamp()
    paths = ["/api/v1/matches", "/api/v1/matches?page=2", "/api/v1/profile", "/static/app.js", "/"]
    lines = []
    end = t + 3 * 86400 + 7 * 3600 + 13 * 60 + 17
    incident = (t + 3 * 86400 + 5 * 3600, t + 3 * 86400 + 5 * 3600 + 1500)
    while t < end:
        t += rnd.expovariate(1 / 6.0)
        p = rnd.choice(paths)
        r = rnd.random()
        status = 200
        if incident[0] <= t < incident[1] and p.startswith("/api/") and rnd.random() < 0.3:
            status = rnd.choice([500, 502, 503])
        elif r < 0.002:
            status = 500
        elif r < 0.03:
            status = rnd.choice([404, 401, 429])
        elif r < 0.05:
            status = 304
        dur = round(rnd.lognormvariate(-1.6, 0.9), 3)
        # Offsets vary, as in logs written on hosts in different zones.
        off = rnd.choice([0, 2, -7])
        tzinfo = timezone(timedelta(hours=off))
        ts = datetime.fromtimestamp(int(t), tz=tzinfo).strftime("%d/%b/%Y:%H:%M:%S %z")
        lines.append('10.0.%d.%d - - [%s] "GET %s HTTP/1.1" %d %d "-" "bench/1.0" %.3f' %
                     (rnd.randrange(256), rnd.randrange(256), ts, p, status, rnd.randrange(100, 9000), dur))
        if rnd.random() < 0.0005:
            lines.append('garbage line without the format')
    open(f"{d}/access.log", "w").write("\n".join(lines) + "\n")
    open(f"{d}/slo.yaml", "w").write(CONFIG)


def parse(d):
    evs, bad = [], 0
    n = 0
    for line in open(f"{d}/access.log"):
        n += 1
        m = LINE.match(line.rstrip("\n"))
        if not m:
            bad += 1
            continue
        ts = datetime.strptime(m.group(3), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        target = m.group(5)
        path = target.split("?")[0]
        rt = m.group(11)
        evs.append({"ts": ts, "path": path, "status": int(m.group(7)),
                    "duration": None if rt == "-" else float(rt)})
    return evs, n, bad


def status_of(rem, burn1h, low):
    s = 1 if rem > 0.7 else 2 if rem >= 0.3 else 3 if rem > 0 else 4
    if not low:
        b = 4 if burn1h > 10 else 3 if burn1h > 5 else 2 if burn1h > 2 else 1
        s = max(s, b)
    return s


NAMES = {0: "nodata", 1: "green", 2: "yellow", 3: "orange", 4: "red"}


def figures(evs, at, target, valid, good):
    cls = sorted((e["ts"], 1 if good(e) else 0) for e in evs if e["ts"] < at and valid(e))
    tss = [ts for ts, _ in cls]
    pre = [0]
    for _, ok in cls:
        pre.append(pre[-1] + ok)

    def count(lo, hi):
        i, j = bisect.bisect_left(tss, lo), bisect.bisect_left(tss, hi)
        return pre[j] - pre[i], j - i

    def burn(lo, hi):
        g, v = count(lo, hi)
        return 0.0 if v == 0 else (1 - g / v) / (1 - target), v

    g, v = count(at - W, at)
    out = {"good": g, "valid": v}
    if v == 0:
        out.update(sli=None, budget_remaining=1.0, status="nodata")
        return out
    sli = g / v
    rem = 1 - (v - g) / ((1 - target) * v)
    out["sli"] = sli
    out["budget_remaining"] = rem
    out["budget_remaining_seconds"] = rem * (1 - target) * W
    out["burn_rate"] = {k: burn(at - w, at)[0] for k, w in LOOKBACKS.items()}
    b1 = out["burn_rate"]["1h"]
    if rem <= 0:
        out["time_to_exhaustion_seconds"] = 0.0
    elif b1 == 0:
        out["time_to_exhaustion_seconds"] = None
    else:
        out["time_to_exhaustion_seconds"] = rem * W / b1
    # Status with the red latch, walked minute by minute over the data.
    first = min(ts for ts, _ in cls) if cls else at
    t = at - ((at - first) // MIN) * MIN
    latched = False
    st = 0
    while t <= at:
        gg, vv = count(t - W, t)
        if vv:
            r = 1 - (vv - gg) / ((1 - target) * vv)
            b, v1 = burn(t - 3600, t)
            st = status_of(r, b, v1 < 1)
            if st == 4:
                latched = True
            elif latched and gg / vv >= target and b < 1:
                latched = False
        t += MIN
    out["status"] = NAMES[4 if latched else st]
    return out


def check(d, report, at_arg):
    evs, n, bad = parse(d)
    rep = json.load(open(report))
    ok = True

    def expect(what, want, got):
        nonlocal ok
        if want is None or got is None:
            same = want is None and got is None
        elif isinstance(want, str):
            same = want == got
        else:
            same = math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-9)
        if not same:
            print(f"MISMATCH {what}: oracle {want!r}, headroom {got!r}")
            ok = False

    expect("lines_read", n, rep["lines_read"])
    expect("lines_malformed", bad, rep["lines_malformed"])
    if at_arg == "-":
        last = max(e["ts"] for e in evs)
        at = (last // MIN + 1) * MIN
    else:
        at = datetime.fromisoformat(at_arg.replace("Z", "+00:00")).timestamp()
    expect("at", at, datetime.fromisoformat(rep["at"].replace("Z", "+00:00")).timestamp())
    by = {s["name"]: s for s in rep["slos"]}
    for name, target, valid, good in SLOS:
        f = figures(evs, at, target, valid, good)
        s = by[name]
        for k in ("good", "valid", "sli", "budget_remaining", "budget_remaining_seconds",
                  "time_to_exhaustion_seconds", "status"):
            if k in f:
                expect(f"{name}.{k}", f[k], s[k])
        for k, x in f.get("burn_rate", {}).items():
            expect(f"{name}.burn_rate.{k}", x, s["burn_rate"].get(k))
        expect(f"{name}.window_seconds", W, s["window_seconds"])
        print(f"{name}: good {f['good']} valid {f['valid']} status {f['status']}")
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        sys.exit(0 if check(sys.argv[2], sys.argv[3], sys.argv[4]) else 1)
