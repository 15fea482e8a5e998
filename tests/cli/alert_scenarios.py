#!/usr/bin/env python3
"""The alert-quality scenario library (docs/alerting.md, "Measured"): synthetic
logs of one 28-day 99.9 % SLO on the default conditions, each replayed by
`headroom backtest` and by the independent replay below (plain per-minute
prefix sums, nothing shared with headroom), which must agree alert for alert;
then the figures a person judges alerting by.

  alert_scenarios.py run HEADROOM DIR [--long] [--check] [--before] [NAME...]

prints one row per scenario: precision, recall, detection, reset, firings,
notifications. --long replays the low-traffic scenarios over 11 months / 308
days (the docs' table) instead of 60 days (the test). --check asserts what
the default policy promises (no page on noise, one page per incident,
detection at high traffic as the SRE Workbook's scheme predicts). --before
replays a headroom without the guard and incidents (the measured "before").

Rules replayed (SPEC §1, docs/alerting.md): at each whole minute T, counts
over [T - w, T); burn = bad/valid / (1 - target), 0 with no events; a
burn-rate condition holds when the burn over its long and short lookback are
strictly above the factor (1e-9 relative tolerance) and the long lookback has
at least minEvents valid events (half of it while firing); the guard: the
long lookback's bad events b out of valid v are improbable at the budget's
rate, P(Poisson(v (1 - target)) >= b) < 0.001; alertAfter 0. Notifications:
one incident per severity; the earliest member firing is notified when it
opens (a ticket only while no page incident is open); it closes 30 minutes
after its last member stopped firing.
"""
import json, math, random, subprocess, sys
from datetime import datetime, timezone

TARGET = 0.999
ALPHA = 0.001  # the guard's level
DAMPING = 30  # minutes an incident stays open after its last member stopped firing
START = 1767571200  # 2026-01-05T00:00:00Z
DAY, HOUR = 1440, 60  # minutes

CONFIG = """apiVersion: openslo/v1
kind: DataSource
metadata:
  name: scenario-log
spec:
  type: headroom.logs
  connectionDetails:
    format: jsonl
    fields: {time: t, status: s}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: svc-availability
spec:
  service: svc
  indicator:
    metadata:
      name: svc-availability
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource: {metricSourceRef: scenario-log, type: headroom.logs, spec: {filter: 'status < 500'}}
        total:
          metricSource: {metricSourceRef: scenario-log, type: headroom.logs, spec: {filter: 'status > 0'}}
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
"""

# name, per-minute request rate (a fraction: one request every 1/rate minutes),
# span in days (test, --long), incidents [(start minute, length, error rate)]: an incident's errors are
# placed evenly (the floor of the running sum), or at random when the rate is negative (slow burn: a burn
# that hovers around the ticket's 3x).
NOISE = 0.0005  # half the budget's rate: healthy
SCENARIOS = [
    ("healthy-high", 100, 4, 4, []),
    ("healthy-low", 2, 60, 330, []),
    ("healthy-12ph", 0.2, 60, 308, []),
    ("outage", 100, 2, 2, [(DAY, 20, 1.0)]),
    ("two-percent-3h", 100, 2, 2, [(DAY, 3 * HOUR, 0.02)]),
    ("slow-burn", 100, 4, 4, [(DAY, 2 * DAY, -0.0032)]),
    ("low-traffic-incident", 2, 4, 4, [(2 * DAY, 30, 0.6)]),
    ("flapping", 100, 2, 2, [(DAY + 15 * k, 4, 1.0) for k in range(8)]),
]

CONDS = [  # name, severity, factor, long, short (minutes)
    ("page-1h-5m", "page", 14.4, 60, 5),
    ("page-6h-30m", "page", 6, 360, 30),
    ("ticket-1d-2h", "ticket", 3, 1440, 120),
    ("ticket-3d-6h", "ticket", 1, 4320, 360),
]


def iso(m):
    return datetime.fromtimestamp(START + m * 60, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(path, rate, days, incidents, seed):
    """Writes the log; returns per-minute (valid, bad) lists."""
    rnd = random.Random(seed)
    n = days * DAY
    valid, bad = [0] * n, [0] * n
    debt = 0.0  # incident errors placed deterministically: floor of the running sum
    step = 60.0 / rate  # seconds between requests
    t = 0.0
    with open(path, "w") as f:
        while t < n * 60:
            m = int(t // 60)
            rate_bad = next((e for s, l, e in incidents if s <= m < s + l), None)
            if rate_bad is not None and rate_bad < 0:
                is_bad = rnd.random() < -rate_bad
            elif rate_bad is not None:
                debt += rate_bad
                is_bad = debt >= 1
                debt -= is_bad
            else:
                is_bad = rnd.random() < NOISE
            valid[m] += 1
            bad[m] += is_bad
            f.write('{"t":%d,"s":%d}\n' % (START + int(t), 503 if is_bad else 200))
            t += step
    return valid, bad


def above(x, f):
    return x > f + 1e-9 * max(1.0, abs(f))


def pois_ge(k, lam):
    """P(X >= k), X ~ Poisson(lam): one minus the terms below k, each from logs."""
    if k == 0:
        return 1.0
    if lam <= 0:
        return 0.0
    return max(0.0, 1 - math.fsum(math.exp(-lam + i * math.log(lam) - math.lgamma(i + 1)) for i in range(k)))


def replay(valid, bad, min_events=1, guard=True, hysteresis=True):
    """The alerts: [{condition, severity, fired_at, resolved_at}] (minutes)."""
    n = len(valid)
    V, B = [0] * (n + 1), [0] * (n + 1)
    for i in range(n):
        V[i + 1], B[i + 1] = V[i] + valid[i], B[i] + bad[i]

    def win(t, w):
        lo = max(0, t - w)
        return V[t] - V[lo], B[t] - B[lo]

    def burn(v, b):
        return b / v / (1 - TARGET) if v else 0.0

    alerts, open_ = [], [None] * len(CONDS)
    inc = {sev: {"open": False, "sent": False, "quiet": None, "lead": None} for sev in ("page", "ticket")}
    for t in range(0, n + 1):  # --from the first minute --to the minute after the last
        for i, (name, sev, f, lw, sw) in enumerate(CONDS):
            vl, bl = win(t, lw)
            vs, bs = win(t, sw)
            need = min_events if open_[i] is None or not hysteresis else (min_events + 1) // 2
            on = vl >= need and above(burn(vl, bl), f) and above(burn(vs, bs), f)
            on = on and (not guard or pois_ge(bl, vl * (1 - TARGET)) < ALPHA)
            if on and open_[i] is None:
                open_[i] = len(alerts)
                alerts.append({"condition": name, "severity": sev, "fired_at": t, "resolved_at": None, "i": i,
                               "notified": False, "closed_at": None})
            elif not on and open_[i] is not None:
                alerts[open_[i]]["resolved_at"] = t
                open_[i] = None
        for sev in ("page", "ticket"):  # one incident per severity; a ticket is held while the page is open
            g = inc[sev]
            firing = [open_[i] for i, c in enumerate(CONDS) if c[1] == sev and open_[i] is not None]
            if firing:
                g["open"], g["quiet"] = True, None
                if not g["sent"] and not (sev == "ticket" and inc["page"]["open"]):
                    g["sent"], g["lead"] = True, min(firing)
                    alerts[g["lead"]]["notified"] = True
            elif g["open"]:
                g["quiet"] = t if g["quiet"] is None else g["quiet"]
                if t - g["quiet"] >= DAMPING:
                    if g["sent"]:
                        alerts[g["lead"]]["closed_at"] = t
                    g["open"] = g["sent"] = False
    return alerts  # in firing order: by minute, then condition


def backtest(hr, d, name, n):
    out = subprocess.run([hr, "backtest", "-c", d + "/slo.yaml", "%s/%s.jsonl" % (d, name), "--from", iso(0),
                          "--to", iso(n), "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def metrics(alerts, incidents):
    """precision: notifications that belong to an incident (fired from its start to 6 h after its end, the
    longest short window) over all notifications; recall: incidents with a notification; detection: first
    notified firing after the start; reset: the last resolve sent after the end (the incident's close);
    minutes, mean over incidents."""
    GRACE = 360
    groups = []  # one per incident: incidents close together (flapping) are one
    for s, l, _ in incidents:
        if groups and s <= groups[-1][1] + GRACE:
            groups[-1][1] = s + l
        else:
            groups.append([s, s + l])
    notified = [a for a in alerts if a["notified"]]
    true = [a for a in notified if any(s <= a["fired_at"] <= e + GRACE for s, e in groups)]
    det, res = [], []
    for s, e in groups:
        mine = [a for a in notified if s <= a["fired_at"] <= e + GRACE]
        if mine:
            det.append(min(a["fired_at"] for a in mine) - s)
            ends = [a["closed_at"] for a in mine]
            res.append(None if None in ends else max(ends) - e)
    mean = lambda xs: None if not xs or None in xs else sum(xs) / len(xs)
    return {"precision": len(true) / len(notified) if notified else None,
            "recall": len(det) / len(groups) if groups else None, "detection_min": mean(det), "reset_min": mean(res),
            "firings": len(alerts), "notifications": len(notified),
            "pages": sum(a["severity"] == "page" for a in notified)}


# What the default policy promises (--check): scenario -> {metric: (min, max)}.
PROMISES = {
    "healthy-high": {"notifications": (0, 0)},
    "healthy-low": {"notifications": (0, 0)},
    "healthy-12ph": {"notifications": (0, 0)},
    "outage": {"recall": (1, 1), "precision": (1, 1), "detection_min": (1, 1), "pages": (1, 1)},
    "two-percent-3h": {"recall": (1, 1), "precision": (1, 1), "pages": (1, 1)},
    "slow-burn": {"recall": (1, 1), "precision": (1, 1), "pages": (0, 0), "notifications": (1, 1)},
    "low-traffic-incident": {"recall": (1, 1), "pages": (1, 1), "detection_min": (0, 5)},
    "flapping": {"recall": (1, 1), "precision": (1, 1), "detection_min": (1, 1), "pages": (1, 1)},
}


def fmt(v, pct=False):
    if v is None:
        return "-"
    return "%.0f %%" % (100 * v) if pct else ("%g" % round(v, 1))


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[0] != "run":
        sys.exit(__doc__)
    hr, d = args[1], args[2]
    long_, check, before = "--long" in args, "--check" in args, "--before" in args
    names = [a for a in args[3:] if not a.startswith("--")]
    open(d + "/slo.yaml", "w").write(CONFIG)
    print("%-22s %5s %9s %6s %9s %8s %7s %13s %5s" % ("scenario", "days", "precision", "recall", "detection",
                                                     "reset", "firings", "notifications", "pages"))
    broken = []
    for k, (name, rate, days, ldays, inc) in enumerate(SCENARIOS):
        if names and name not in names:
            continue
        days = ldays if long_ else days
        valid, bad = generate("%s/%s.jsonl" % (d, name), rate, days, inc, 1000 + k)
        want = replay(valid, bad, guard=not before, hysteresis=not before)
        got = backtest(hr, d, name, len(valid))
        if before:  # a headroom without the guard and incidents: every firing and every resolve is sent
            for a in want:
                a["notified"], a["closed_at"] = True, a["resolved_at"]
            for a in got["alerts"]:
                a["notified"], a["incident_closed_at"] = True, a["resolved_at"]
        g = [(a["condition"], a["fired_at"], a["resolved_at"], a["notified"], a["incident_closed_at"])
             for a in got["alerts"]]
        w = [(a["condition"], iso(a["fired_at"]), a["resolved_at"] and iso(a["resolved_at"]), a["notified"],
              a["closed_at"] and iso(a["closed_at"])) for a in want]
        if g != w:
            for x, y in zip(g + [None] * len(w), w + [None] * len(g)):
                if x != y:
                    print("%s: headroom %s, replay %s" % (name, x, y), file=sys.stderr)
                    break
            sys.exit("%s: headroom's backtest and the replay disagree (%d vs %d alerts)" % (name, len(g), len(w)))
        m = metrics(want, inc)
        print("%-22s %5d %9s %6s %9s %8s %7d %13d %5d" % (name, days, fmt(m["precision"], 1), fmt(m["recall"], 1),
                                                         fmt(m["detection_min"]), fmt(m["reset_min"]), m["firings"],
                                                         m["notifications"], m["pages"]))
        for key, (lo, hi) in PROMISES[name].items() if check else ():
            if m[key] is None or not lo <= m[key] <= hi:
                broken.append("%s: %s is %s, promised %s..%s" % (name, key, m[key], lo, hi))
    if broken:
        sys.exit("\n".join(broken))


if __name__ == "__main__":
    main()
