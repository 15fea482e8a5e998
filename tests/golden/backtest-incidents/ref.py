#!/usr/bin/env python3
"""Independent reference for this case: replays the alert conditions over
traffic.jsonl with plain per-minute sums in Python (no code shared with
headroom) and prints the JSON `headroom backtest --format json` must give.
Run: python3 ref.py > expected.json

Rules (SPEC §1): counts over [T - w, T); burn = (1 - good/valid)/(1 - target),
0 with no events; a lookback with fewer than 1 valid event is low traffic
and fires nothing; conditions fire strictly above the factor (1e-9 relative
tolerance); time to exhaustion = remaining * W / burn_2h (exhausted when
remaining <= 0, never when burn is 0); alertAfter 0: firing at the first
minute a condition holds, resolved at the first minute it does not.
The low-traffic guard (docs/alerting.md): a burn-rate condition with a factor
of at least 1, and every exhaustion condition (a spent budget too), also need the bad events b of the long lookback out of its v valid events to
be improbable at the budget's rate: P(Poisson(v (1 - target)) >= b) < 0.001.
Notifications: one incident per severity; when it opens, the earliest member
firing is notified (a ticket only while no page incident is open, else once
it has closed); it closes 30 minutes after its last member stopped firing."""
import datetime, json, math
from collections import defaultdict

TARGET, W = 0.99, 7 * 1440  # minutes
good, valid = defaultdict(int), defaultdict(int)
lines = 0
for line in open("traffic.jsonl"):
    lines += 1
    e = json.loads(line)
    m = e["t"] // 60
    valid[m] += 1
    good[m] += e["s"] < 500
first, last = min(valid), max(valid)

def sums(t, w):  # minutes [t - w, t)
    return (sum(good[k] for k in range(t - w, t) if k in good), sum(valid[k] for k in range(t - w, t) if k in valid))

def burn(t, w):
    g, v = sums(t, w)
    return ((1 - g / v) / (1 - TARGET) if v else 0.0), v

def above(x, f): return x > f + 1e-9 * max(1.0, abs(f))
def below(x, f): return x < f - 1e-9 * max(1.0, abs(f))

def significant(t, w):  # the guard: one minus the Poisson terms below b, each from logs
    g, v = sums(t, w)
    b, lam = v - g, v * (1 - TARGET)
    if b == 0 or lam <= 0:
        return b > 0
    return 1 - math.fsum(math.exp(-lam + i * math.log(lam) - math.lgamma(i + 1)) for i in range(b)) < 0.001

def burnrate(f, lw, sw):
    def c(t):
        bl, vl = burn(t, lw)
        bs, vs = burn(t, sw) if sw else (0, 1)
        on = vl >= 1 and vs >= 1 and above(bl, f) and (sw == 0 or above(bs, f))
        return on and (f < 1 or significant(t, lw))
    return c

def exhaustion(lw, horizon):
    def c(t):
        b, v = burn(t, lw)
        if v < 1 or b <= 0:
            return False
        g, vw = sums(t, W)
        rem = 1 - (vw - g) / ((1 - TARGET) * vw)
        on = rem <= 0 or below(rem * W * 60 / b, horizon * 60)
        return on and significant(t, lw)
    return c

sets = {
    "config": [("page-1h-5m", "page", burnrate(14.4, 60, 5)), ("page-6h-30m", "page", burnrate(6, 360, 30)),
               ("ticket-1d-2h", "ticket", burnrate(3, 1440, 120)), ("ticket-3d-6h", "ticket", burnrate(1, 4320, 360))],
    "policy": [("yellow-burn-1h", "page", burnrate(2.8, 60, 5)), ("red-exhaustion-3d", "page", exhaustion(120, 3 * 1440))],
}
def iso(m): return datetime.datetime.fromtimestamp(m * 60, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
frm, to = first, last + 1
out = {"from": iso(frm), "to": iso(to), "minutes": to - frm + 1, "lines_read": lines, "lines_malformed": 0}
for name, conds in sets.items():
    alerts, minutes, pages, tickets = [], 0, 0, 0
    firing = [None] * len(conds)
    inc = {sev: {"open": False, "sent": False, "quiet": None, "lead": None} for sev in ("page", "ticket")}
    sent = {"page": 0, "ticket": 0}
    for t in range(frm, to + 1):
        for i, (cn, sev, c) in enumerate(conds):
            on = c(t)
            if on and firing[i] is None:
                firing[i] = len(alerts)
                alerts.append({"slo": "api-availability", "condition": cn, "severity": sev, "fired_at": t, "resolved_at": None, "_i": i,
                               "notified": False, "incident_closed_at": None})
                pages += sev == "page"; tickets += sev == "ticket"
            elif not on and firing[i] is not None:
                alerts[firing[i]]["resolved_at"] = iso(t)
                firing[i] = None
        for sev in ("page", "ticket"):
            g = inc[sev]
            now = [firing[i] for i, (cn, sv, c) in enumerate(conds) if sv == sev and firing[i] is not None]
            if now:
                g["open"], g["quiet"] = True, None
                if not g["sent"] and not (sev == "ticket" and inc["page"]["open"]):
                    g["sent"], g["lead"] = True, min(now)
                    alerts[g["lead"]]["notified"] = True
                    sent[sev] += 1
            elif g["open"]:
                g["quiet"] = t if g["quiet"] is None else g["quiet"]
                if t - g["quiet"] >= 30:
                    if g["sent"]:
                        alerts[g["lead"]]["incident_closed_at"] = iso(t)
                    g["open"] = g["sent"] = False
        minutes += any(f is not None for f in firing)
    alerts.sort(key=lambda a: (a["fired_at"], a["_i"]))
    for a in alerts:
        a["fired_at"] = iso(a["fired_at"]); del a["_i"]
    block = {"alerts": alerts, "summary": [{"slo": "api-availability", "pages": pages, "tickets": tickets, "minutes_firing": minutes,
                                       "pages_notified": sent["page"], "tickets_notified": sent["ticket"]}]}
    if name == "config":
        out.update(block)
    else:
        out["policy"] = dict(block, file="$CASE/../../../examples/soulsync/alert-policies.yaml")
print(json.dumps(out, indent=4, sort_keys=True))
