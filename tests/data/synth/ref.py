"""ref.py -- an independent reference for the golden cases over the
synthetic logs of this directory (tests/golden/*-synth/check.py).

It shares nothing with headroom: its own line parsers (regular expressions
and a quote-aware splitter written for the formats gen.py writes), its own
event counting (microsecond timestamps, counted by the minute between
whole-minute bounds, which is exact for [T - w, T)), and SPEC §1's formulas
written out again in Python (SLI, budget left, budget as time, burn rates,
time to exhaustion, the status light and its red latch, the release gate's
policy table). A check script names the SLOs the way its slo.yaml does (as
Python predicates), computes every figure from the raw log, and compares
them with what headroom printed: run.sh runs it after the exact comparison
with the expected output, so a snapshot that is wrong cannot be accepted.

A comparison with a null field is false (SPEC §3), as in headroom's filters.
"""
import datetime as dt
import gzip
import json
import math
import re
import sys
from zoneinfo import ZoneInfo

US = 1_000_000
MIN = 60 * US
LOOKBACKS = [("5m", 300), ("30m", 1800), ("1h", 3600), ("2h", 7200), ("6h", 21600), ("1d", 86400), ("3d", 259200)]
ORDER = ["red", "orange", "yellow", "nodata", "green"]  # worst first (docs/cli/gate.md)
DEFAULT_POLICY = {"green": ["fix", "low", "normal", "high"], "yellow": ["fix", "low"], "orange": ["fix"],
                  "red": ["fix"], "nodata": ["fix", "low"]}
STALE_AFTER_S = 3600   # a DataSource's default staleAfter
MAX_MALFORMED = 0.5    # its default maxMalformedRatio


# ------------------------------------------------------------- reading

def read_lines(path):
    """Every line as awk's NR counts them (a last line without a newline
    counts, an empty string after the final newline does not); gzip by its
    magic bytes."""
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def us_of(d):
    """Exact microseconds since the epoch of an aware datetime."""
    delta = d - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


def iso_us(s):
    return us_of(dt.datetime.fromisoformat(s.replace("Z", "+00:00")))


def rfc3339(us):
    return dt.datetime.fromtimestamp(us // US, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def clf_us(s):
    """24/Mar/2026:10:00:00 +0100"""
    return us_of(dt.datetime.strptime(s, "%d/%b/%Y:%H:%M:%S %z"))


def split_target(target):
    """path and query of a request target; scheme and host dropped."""
    m = re.match(r"^[a-z]+://[^/]*(/.*)?$", target)
    if m:
        target = m.group(1) or "/"
    path, _, query = target.partition("?")
    return path, (query if "?" in target else None)


def request_fields(req):
    parts = req.split(" ")
    if len(parts) < 2 or parts[0] == "-" or parts[1] == "-":
        return {"method": None, "path": None}
    path, query = split_target(parts[1])
    return {"method": parts[0], "path": path, "query": query, "protocol": parts[2] if len(parts) > 2 else None}


# --------------------------------------------------------------- parsers
# Each returns an event dict (ts in microseconds) or the reason string of a
# malformed line, named as headroom's malformed_by_reason names them.

ALB_TYPES = {"http", "https", "h2", "grpcs", "ws", "wss"}


def alb_tokens(line):
    toks, i, n = [], 0, len(line)
    while i < n:
        if line[i] == " ":
            i += 1
        elif line[i] == '"':
            j = line.find('"', i + 1)
            if j < 0:
                return None
            toks.append(line[i + 1:j])
            i = j + 1  # the next token may follow without a space ("ua"- -)
        else:
            j = i
            while j < n and line[j] != " " and line[j] != '"':
                j += 1
            toks.append(line[i:j])
            i = j
    return toks


def parse_alb(line):
    toks = alb_tokens(line)
    if not toks or toks[0] not in ALB_TYPES:
        return "type"
    if len(toks) < 14:
        return "shape"
    times = toks[5:8]
    ev = {"ts": iso_us(toks[1]), "status": int(toks[8]),
          "upstream_status": None if toks[9] == "-" else int(toks[9]),
          "duration": None if "-1" in times else float(times[0]) + float(times[1]) + float(times[2])}
    ev.update(request_fields(toks[12]))
    return ev


NGINX_RE = re.compile(
    r'^(\S+) - (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)" '
    r'([\d.]+) (-|[\d.]+(?:(?:, | : )[\d.]+)*) (-|\d{3}(?:(?:, | : )\d{3})*)$')


def parse_nginx(line):
    """nginx.log's log_format (gen.py NGINX_FORMAT). upstream_response_time:
    the sum of a list; upstream_status: its first entry (as the nginx
    variables read: one entry per upstream tried)."""
    m = NGINX_RE.match(line)
    if not m:
        return "shape"
    urt, ust = m.group(10), m.group(11)
    ev = {"ts": clf_us(m.group(3)), "status": int(m.group(5)), "duration": float(m.group(9)),
          "upstream_response_time": None if urt == "-" else sum(float(x) for x in re.split(r", | : ", urt)),
          "upstream_status": None if ust == "-" else int(re.split(r", | : ", ust)[0]),
          "client": m.group(1)}
    ev.update(request_fields(m.group(4)))
    return ev


COMBINED_RE = re.compile(r'^(\S+) \S+ (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" '
                         r'"((?:[^"\\]|\\.)*)"$')


def parse_combined(line):
    """nginx's default `combined` log_format (the real logs of ../shared)."""
    m = COMBINED_RE.match(line)
    if not m:
        return "shape"
    ev = {"ts": clf_us(m.group(3)), "status": int(m.group(5))}
    ev.update(request_fields(m.group(4)))
    return ev


APACHE_RE = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)" (\d+)$')
APACHE_T_RE = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) (\d+)$')


def parse_apache(line):
    """apache.log: combined + %D (microseconds)."""
    m = APACHE_RE.match(line)
    if not m:
        return "shape"
    ev = {"ts": clf_us(m.group(4)), "status": int(m.group(6)), "duration": int(m.group(10)) / 1e6}
    ev.update(request_fields(m.group(5)))
    return ev


def parse_apache_t(line):
    """apache-T.log: common + %T (whole seconds)."""
    m = APACHE_T_RE.match(line)
    if not m:
        return "shape"
    ev = {"ts": clf_us(m.group(4)), "status": int(m.group(6)), "duration": float(m.group(8))}
    ev.update(request_fields(m.group(5)))
    return ev


def parse_latch_jsonl(line):
    """latch.jsonl: time <- t (epoch seconds), status <- s."""
    rec = json.loads(line)
    return {"ts": rec["t"] * US, "status": rec["s"]}


def parse_api_jsonl(line):
    """api.jsonl with its mapping: time <- ts (RFC 3339, or epoch ms above
    1e11), status <- code, path <- route, duration <- ms (milliseconds)."""
    try:
        rec = json.loads(line)
    except ValueError:
        return "json"
    if not isinstance(rec, dict):
        return "json"
    ts = rec.get("ts")
    if isinstance(ts, str):
        ts = iso_us(ts)
    elif isinstance(ts, (int, float)) and not isinstance(ts, bool):
        ts = int(ts) * 1000 if ts > 1e11 else int(ts * US)
    else:
        return "time"
    ms = rec.get("ms")
    return {"ts": ts, "status": rec.get("code"), "path": rec.get("route"), "method": rec.get("method"),
            "duration": ms / 1000 if isinstance(ms, (int, float)) else None}


def read_log(path, parse):
    """-> (events, stats) with stats as headroom's report names them."""
    lines = read_lines(path)
    events, bad = [], {}
    blank = 0
    for line in lines:
        if line.strip() == "":
            blank += 1
            continue
        ev = parse(line)
        if ev is None:  # a W3C directive: counted with the blank lines
            blank += 1
            continue
        if isinstance(ev, str):
            bad[ev] = bad.get(ev, 0) + 1
        else:
            events.append(ev)
    return events, {"lines_read": len(lines), "lines_blank": blank, "lines_malformed": sum(bad.values()),
                    "malformed_by_reason": bad}


# ----------------------------------------------------------- filter helpers
# A comparison with a null (None) field is false.

def lt(f, x):
    return lambda e: e.get(f) is not None and e[f] < x


def ge(f, x):
    return lambda e: e.get(f) is not None and e[f] >= x


def eq(f, x):
    return lambda e: e.get(f) is not None and e[f] == x


def match(f, rx):
    c = re.compile(rx)
    return lambda e: e.get(f) is not None and c.search(e[f]) is not None


def both(a, b):
    return lambda e: a(e) and b(e)


def neg(a):
    return lambda e: not a(e)


def everything(e):
    return True


# ----------------------------------------------------------------- the math

def rolling(days):
    return {"kind": "rolling", "seconds": days * 86400}


def calendar_week(start_local, zone):
    """A calendar 1w window anchored at start_local (YYYY-MM-DD HH:MM:SS,
    local) in zone: periods from local midnight to local midnight seven
    days later, whatever the UTC offsets."""
    return {"kind": "week", "anchor": dt.datetime.fromisoformat(start_local), "zone": ZoneInfo(zone)}


def window_at(win, t):
    """-> (start_us, length_seconds) of the window evaluated at t."""
    if win["kind"] == "rolling":
        return t - win["seconds"] * US, win["seconds"]
    z, anchor = win["zone"], win["anchor"]
    local = dt.datetime.fromtimestamp(t / US, z).replace(tzinfo=None)
    k = (local.date() - anchor.date()).days // 7
    a = dt.datetime.combine(anchor.date() + dt.timedelta(days=7 * k), dt.time()).replace(tzinfo=z)
    b = dt.datetime.combine(anchor.date() + dt.timedelta(days=7 * k + 7), dt.time()).replace(tzinfo=z)
    return us_of(a), (us_of(b) - us_of(a)) // US


class Slo:
    def __init__(self, name, service, target, window, good=None, bad=None, total=everything):
        self.name, self.service, self.target, self.window = name, service, target, window
        self.good, self.bad, self.total = good, bad, total

    def classify(self, events):
        """-> sorted list of (ts, is_good) of the valid events."""
        out = []
        for e in events:
            if not self.total(e):
                continue
            g = self.good(e) if self.good is not None else not self.bad(e)
            out.append((e["ts"], bool(g)))
        out.sort()
        return out


class Counts:
    """good and valid events in [a, b) for bounds on the minute grid, from
    per-minute prefix sums (an event's minute is the one it falls in)."""

    def __init__(self, valid):
        self.base = (min(ts for ts, _ in valid) // MIN - 1) if valid else 0
        n = (max(ts for ts, _ in valid) // MIN - self.base + 2) if valid else 1
        self.g, self.v = [0] * (n + 1), [0] * (n + 1)
        for ts, ok in valid:
            i = ts // MIN - self.base + 1
            self.v[i] += 1
            self.g[i] += ok
        for i in range(1, n + 1):
            self.v[i] += self.v[i - 1]
            self.g[i] += self.g[i - 1]

    def _at(self, arr, t):
        assert t % MIN == 0, "bounds must be whole minutes"
        i = t // MIN - self.base
        return arr[min(max(i, 0), len(arr) - 1)]

    def __call__(self, a, b):
        return self._at(self.g, b) - self._at(self.g, a), self._at(self.v, b) - self._at(self.v, a)


def status_of(remaining, v, burn1h, low1h):
    if v == 0:
        return "nodata"
    st = "green" if remaining > 0.7 else "yellow" if remaining >= 0.3 else "orange" if remaining > 0 else "red"
    if not low1h:
        b = "red" if burn1h > 10 else "orange" if burn1h > 5 else "yellow" if burn1h > 2 else "green"
        st = min(st, b, key=ORDER.index)
    return st


def evaluate(slo, count, t):
    """Every figure of one SLO at t, as headroom's JSON report names them."""
    start, w = window_at(slo.window, t)
    g, v = count(start, t)
    one_minus = 1 - slo.target
    sli = g / v if v else None
    remaining = 1 - (v - g) / (one_minus * v) if v else 1
    budget_s = one_minus * w
    r = {"name": slo.name, "service": slo.service, "target": slo.target, "window_seconds": w,
         "window_start": rfc3339(start), "good": g, "valid": v, "sli": sli, "budget_remaining": remaining,
         "budget_seconds": budget_s, "budget_remaining_seconds": remaining * budget_s, "burn_rate": {},
         "events": {}}
    for key, secs in LOOKBACKS:
        gw, vw = count(t - secs * US, t)
        r["burn_rate"][key] = (1 - gw / vw) / one_minus if vw else 0
        r["events"][key] = {"good": gw, "valid": vw, "low_traffic": vw < 1}
    burn1h = r["burn_rate"]["1h"]
    if v and remaining <= 0:
        r["time_to_exhaustion_seconds"] = 0
    elif burn1h == 0:
        r["time_to_exhaustion_seconds"] = None
    else:
        r["time_to_exhaustion_seconds"] = remaining * w / burn1h
    r["burning_now"] = burning_now(r)
    r["raw_status"], r["released"] = step(slo, count, t)
    return r


# The default alert conditions (docs/alerting.md): name, severity, factor,
# long and short lookback.
DEFAULT_CONDS = [("page-1h-5m", "page", 14.4, "1h", "5m"), ("page-6h-30m", "page", 6, "6h", "30m"),
                 ("ticket-1d-2h", "ticket", 3, "1d", "2h"), ("ticket-3d-6h", "ticket", 1, "3d", "6h")]


def burning_now(r):
    """docs/internals/math.md "Burning now": a page condition that holds is
    burning, any other (or a 1h burn above 1) elevated; the figures are
    those of the condition that holds (the first page, else the first
    other), or with none holding of the condition nearest to firing."""
    level, best, lead = "ok", None, None
    for name, sev, f, lb, sh in DEFAULT_CONDS:
        bl, bs = r["burn_rate"][lb], r["burn_rate"][sh]
        low = r["events"][lb]["low_traffic"] or r["events"][sh]["low_traffic"]
        tol = 1e-9 * max(1.0, f)
        if bl > f + tol and bs > f + tol and not low:
            new = "burning" if sev == "page" else "elevated"
            if lead is None or (new == "burning" and level != "burning"):
                lead = (0, bl, f, lb, name)
                level = new
        ratio = min(bl, bs) / f
        if best is None or ratio > best[0]:
            best = (ratio, bl, f, lb, name)
    if level == "ok" and r["valid"] and r["burn_rate"]["1h"] > 1:
        level = "elevated"
    fig = lead or best
    return {"level": level, "burn_rate": fig[1], "threshold": fig[2], "lookback": fig[3], "condition": fig[4]}


def step(slo, count, t):
    """-> (status by the figures at t, whether t releases the latch): the
    window and the 1h lookback only, for the minute-by-minute walk."""
    start, _ = window_at(slo.window, t)
    g, v = count(start, t)
    g1, v1 = count(t - 3600 * US, t)
    one_minus = 1 - slo.target
    remaining = 1 - (v - g) / (one_minus * v) if v else 1
    burn1h = (1 - g1 / v1) / one_minus if v1 else 0
    return status_of(remaining, v, burn1h, v1 < 1), v == 0 or (g / v >= slo.target and burn1h < 1)


def evaluate_latched(slo, events, t):
    """evaluate() plus the red latch (SPEC §1): walking the whole minutes
    of the window before t, a red minute latches and a minute whose SLI is
    back at the target with a 1h burn below 1 (or that has no data)
    releases; at t the SLO is red when its own figures say so, or latched
    when the latch still holds and t does not release it."""
    valid = slo.classify(events)
    count = Counts(valid)
    r = evaluate(slo, count, t)
    start, w = window_at(slo.window, t)
    latch = False
    s = start - start % MIN
    if valid:  # the minutes before the first event have no data: they release
        s = max(s, valid[0][0] - valid[0][0] % MIN)
    while s < t:
        if s > start:
            raw, released = step(slo, count, s)
            if raw == "red":
                latch = True
            elif released:
                latch = False
        s += MIN
    if r["raw_status"] == "red":
        r["status"], r["latched"] = "red", False
    elif latch and not r["released"]:
        r["status"], r["latched"] = "red", True
    else:
        r["status"], r["latched"] = r["raw_status"], False
    del r["raw_status"], r["released"]
    return r


def data_health(r, events, stats, t):
    """docs/internals/math.md "Data health": unreadable when more than half
    the (non-blank) lines are malformed; none without a valid event in the
    window; stale when the newest event is older than 1 h; else ok.
    last_event_at: the newest event of the log before t. (Unreadable for a
    field that never has a value is checked by tests of its own.)"""
    last = max((e["ts"] for e in events if e["ts"] < t), default=None)
    r["last_event_at"] = rfc3339(last) if last is not None else None
    nonblank = stats["lines_read"] - stats["lines_blank"]
    if nonblank and stats["lines_malformed"] > MAX_MALFORMED * nonblank:
        r["data"] = "unreadable"
    elif r["valid"] == 0:
        r["data"] = "none"
    elif last is not None and t - last > STALE_AFTER_S * US:
        r["data"] = "stale"
    else:
        r["data"] = "ok"
        r["data_reason"] = None  # the text of a problem is for people: only its absence is checked
    return r


# ------------------------------------------------------------- comparing

class Checker:
    def __init__(self):
        self.failed = 0
        self.compared = 0

    def same(self, path, want, got):
        self.compared += 1
        if isinstance(want, float) or isinstance(got, float):
            ok = want is not None and got is not None and math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12)
        else:
            ok = want == got
        if not ok:
            print("reference: %s: headroom says %r, the reference %r" % (path, got, want))
            self.failed += 1

    def slo(self, want, got):
        for k, v in want.items():
            if isinstance(v, dict):
                for k2, v2 in v.items():
                    if isinstance(v2, dict):
                        for k3, v3 in v2.items():
                            self.same("%s.%s.%s.%s" % (want["name"], k, k2, k3), v3, got[k][k2][k3])
                    else:
                        self.same("%s.%s.%s" % (want["name"], k, k2), v2, got[k][k2])
            else:
                self.same("%s.%s" % (want["name"], k), v, got[k])

    def done(self, what):
        if self.failed:
            print("reference: %d of %d figures of %s differ" % (self.failed, self.compared, what))
            sys.exit(1)
        print("reference: the %d figures checked agree with the independent reference (%s)" % (self.compared, what))


def default_at(events):
    """Without --at: just after the last event, its minute rounded up."""
    last = max(e["ts"] for e in events)
    return last - last % MIN + MIN


def check_report(out_path, log, parse, slos, at=None, what="report"):
    """Compares headroom's JSON report (out_path) with the reference over
    log: the line counts, evaluation time, and every figure of every SLO."""
    events, stats = read_log(log, parse)
    t = iso_us(at) if at else default_at(events)
    got = json.load(open(out_path))
    c = Checker()
    for k, v in stats.items():
        c.same(k, v, got[k])
    c.same("at", rfc3339(t), got["at"])
    c.same("events_after_at", sum(1 for e in events if e["ts"] >= t), got["events_after_at"])
    c.same("errors", [], got["errors"])
    c.same("slo names", [s.name for s in slos], [s["name"] for s in got["slos"]])
    wants = [data_health(evaluate_latched(s, events, t), events, stats, t) for s in slos]
    for want, g in zip(wants, got["slos"]):
        c.slo(want, g)
    return c, wants, got


def gate_decision(wants, risk, policy=None):
    """-> (decision, deciding SLO name): denied when any SLO's status row
    does not list the risk; the deciding SLO is the worst of those that
    deny, else the worst of all (status order, then least budget left,
    then highest 1h burn)."""
    pol = dict(DEFAULT_POLICY)
    pol.update(policy or {})
    # data that is not ok is judged by the nodata row too, and ranks as no data at least
    row = lambda r: [x for x in pol[r["status"]] if r["data"] == "ok" or x in pol["nodata"]]
    rank = lambda r: min(ORDER.index(r["status"]), ORDER.index("nodata") if r["data"] != "ok" else len(ORDER))
    worst = lambda rs: min(rs, key=lambda r: (rank(r), r["budget_remaining"], -r["burn_rate"]["1h"]))
    deny = [r for r in wants if risk not in row(r)]
    if deny:
        return "deny", worst(deny)["name"], pol
    return "allow", worst(wants)["name"], pol


def check_gate(out_path, exit_code, log, parse, slos, service, risk, at, policy=None):
    """The JSON gate output: the report figures of the service's SLOs,
    then the decision, the SLO that decided and the exit code (0 allow,
    1 deny)."""
    mine = [s for s in slos if s.service == service]
    c, wants, got = check_report(out_path, log, parse, mine, at, "gate")
    decision, deciding, pol = gate_decision(wants, risk, policy)
    c.same("decision", decision, got["decision"])
    c.same("deciding_slo", deciding, got["deciding_slo"])
    c.same("policy", pol, got["policy"])
    c.same("exit code", 0 if decision == "allow" else 1, int(exit_code))
    d = next(r for r in wants if r["name"] == deciding)
    if d["status"] != "nodata":
        c.same("reason names the budget left", True,
               ("budget %s" if d["budget_remaining"] < 0 else "budget left %s") % budget_text(d["budget_remaining"])
               in got["reason"])
    if d["status"] == "red" and decision == "deny":
        c.same("reason names the SLI", True, "(now %.3f%%)" % (100 * d["sli"]) in got["reason"])
    if d["data"] != "ok":
        c.same("reason names the data problem", True, "its data " + d["data"] in got["reason"])
    c.same("reason says latched", d["latched"], "(latched)" in got["reason"])
    c.done("gate --service %s --risk %s" % (service, risk))


def budget_text(remaining):
    """The budget left as every output words it: 44.7%, or 89.5% overspent."""
    return "%.1f%% overspent" % (-100 * remaining) if remaining < 0 else "%.1f%%" % (100 * remaining)


def duration_text(seconds):
    """Budget time as the text table shows it beside budget_text: 43m 12s
    (its sign is in the budget's wording)."""
    a = abs(seconds)
    h, m, s = int(a // 3600), int(a % 3600 // 60), int(a % 60)
    return "%dh %dm" % (h, m) if h else "%dm %ds" % (m, s) if m else "%ds" % s


def now_text(b):
    """The BURNING NOW column: ok, or the level with the burn against its threshold."""
    if b["level"] == "ok":
        return "ok"
    return "%s %sx>%sx" % ("BURNING" if b["level"] == "burning" else "elevated", "%.3g" % b["burn_rate"],
                            "%.3g" % b["threshold"])


def check_gate_text(out_path, exit_code, log, parse, slos, service, risk, at, policy=None):
    """The text gate output: the decision line, the report header and the
    table row of every SLO of the service (status, SLI, target, budget
    left as a fraction and as time, burn rates, exhaustion)."""
    mine = [s for s in slos if s.service == service]
    events, stats = read_log(log, parse)
    t = iso_us(at)
    wants = [data_health(evaluate_latched(s, events, t), events, stats, t) for s in mine]
    decision, deciding, _ = gate_decision(wants, risk, policy)
    text = open(out_path).read()
    lines = text.split("\n")
    c = Checker()
    c.same("decision line", "%s: %s change to %s" % (decision.upper(), risk, service), lines[0])
    c.same("exit code", 0 if decision == "allow" else 1, int(exit_code))
    c.same("report header", True, "headroom report at %s  (lines read %d, malformed %d)" % (
        rfc3339(t), stats["lines_read"], stats["lines_malformed"]) in text)
    c.same("deciding SLO", True, "SLO %s is %s" % (deciding, next(r for r in wants if r["name"] == deciding)["status"])
           in lines[1])
    for r in wants:
        row = [l for l in lines if re.match(r"^\S+\s+%s\s+%s\s" % (re.escape(service), re.escape(r["name"])), l)]
        c.same("%s: one table row" % r["name"], 1, len(row))
        if not row:
            continue
        burn = lambda k: "low" if r["events"][k]["low_traffic"] else "%.2fx" % r["burn_rate"][k]
        tte = r["time_to_exhaustion_seconds"]
        want = [r["status"].upper(), service, r["name"], "%.3f%%" % (100 * r["sli"]), "%.3f%%" % (100 * r["target"]),
                budget_text(r["budget_remaining"]), "(%s)" % duration_text(r["budget_remaining_seconds"]),
                now_text(r["burning_now"]), burn("5m"), burn("1h"), burn("6h"), burn("3d"),
                "exhausted" if tte == 0 else None]
        got = re.split(r"\s+(?![0-9]+[ms]\)|overspent\b)", row[0].strip())
        for i, w in enumerate(want):
            if w is not None:
                c.same("%s: column %d" % (r["name"], i + 1), w, " ".join(got[i:i + 1]))
    c.done("gate --service %s --risk %s (text)" % (service, risk))


# ------------------------------------------------------------ breakdowns

def breakdown_of(slo, events, field, t, lookback_s):
    """-> (all, rows): the valid events of slo in [t - lookback, t) per
    value of field, each row {"value", "good", "valid", "bad"}, worst first
    (most bad, then most valid, then by value, no value last), as
    docs/cli/report.md ranks them; all: the sums."""
    per = {}
    for e in events:
        if not (t - lookback_s * US <= e["ts"] < t) or not slo.total(e):
            continue
        g = slo.good(e) if slo.good is not None else not slo.bad(e)
        v = e.get(field)
        v = None if v is None else str(v)
        r = per.setdefault(v, {"value": v, "good": 0, "valid": 0})
        r["valid"] += 1
        r["good"] += bool(g)
    rows = list(per.values())
    for r in rows:
        r["bad"] = r["valid"] - r["good"]
    rows.sort(key=lambda r: (-r["bad"], -r["valid"], r["value"] is None, r["value"] or ""))
    tot = {k: sum(r[k] for r in rows) for k in ("good", "valid", "bad")}
    return tot, rows


def check_breakdown(out_path, log, parse, slos, field, at, lookback_s, top):
    """Compares `report --breakdown FIELD --format json` (out_path) with the
    reference: per SLO its sums, every listed value's counts, SLI, share and
    burn contribution, the rest's sums and the number of values seen."""
    events, stats = read_log(log, parse)
    t = iso_us(at)
    got = json.load(open(out_path))
    c = Checker()
    c.same("lines_read", stats["lines_read"], got["lines_read"])
    c.same("at", rfc3339(t), got["at"])
    c.same("from", rfc3339(t - lookback_s * US), got["from"])
    c.same("slo names", [s.name for s in slos], [s["name"] for s in got["slos"]])
    for s, g in zip(slos, got["slos"]):
        tot, rows = breakdown_of(s, events, field, t, lookback_s)
        eb = 1 - s.target
        for k in ("good", "valid", "bad"):
            c.same("%s.%s" % (s.name, k), tot[k], g[k])
        c.same("%s.burn_rate" % s.name, tot["bad"] / tot["valid"] / eb if tot["valid"] else None, g["burn_rate"])
        c.same("%s.values_seen" % s.name, len(rows), g["values_seen"])
        shown = rows[:top] if top else rows
        c.same("%s.values listed" % s.name, [r["value"] for r in shown], [r["value"] for r in g["values"]])
        for r, gr in zip(shown, g["values"]):
            p = "%s.values[%s]" % (s.name, r["value"])
            for k in ("good", "valid", "bad"):
                c.same(p + "." + k, r[k], gr[k])
            c.same(p + ".sli", r["good"] / r["valid"], gr["sli"])
            c.same(p + ".share", r["bad"] / tot["bad"] if tot["bad"] else 0.0, gr["share"])
            c.same(p + ".burn_contribution", r["bad"] / tot["valid"] / eb, gr["burn_contribution"])
        rest = rows[len(shown):]
        c.same("%s.rest.values" % s.name, len(rest), g["rest"]["values"])
        for k in ("good", "valid", "bad"):
            c.same("%s.rest.%s" % (s.name, k), sum(r[k] for r in rest), g["rest"][k])
    return c


# ---------------------------------------------------------- grouped SLOs

def check_groups(out_path, log, parse, slos, at):
    """Compares the groups of grouped SLOs in headroom's JSON report with the
    reference: slos is a list of (Slo, fields, max_groups). The groups are
    the first max_groups distinct values of the fields among the SLO's valid
    events in the order of the file, the rest "_other" (docs/config.md); each
    is evaluated as an SLO whose total also requires its values."""
    events, _ = read_log(log, parse)
    t = iso_us(at)
    got = {s["name"]: s for s in json.load(open(out_path))["slos"]}
    c = Checker()
    for slo, fields, max_groups in slos:
        key = lambda e: tuple(None if e.get(f) is None else str(e[f]) for f in fields)  # noqa: E731
        first = []
        for e in events:
            if slo.total(e) and key(e) not in first and len(first) < max_groups:
                first.append(key(e))
        groups = [(dict(zip(fields, k)), (lambda k: lambda e: key(e) == k)(k)) for k in first]
        if any(slo.total(e) and key(e) not in first for e in events):
            groups.append(({f: "_other" for f in fields}, lambda e: key(e) not in first))
        g = got[slo.name]["groups"]
        c.same("%s.groups" % slo.name, sorted(str(lb) for lb, _ in groups), sorted(str(x["labels"]) for x in g))
        by = {str(x["labels"]): x for x in g}
        for labels, member in groups:
            sub = Slo(slo.name, slo.service, slo.target, slo.window, good=slo.good, bad=slo.bad,
                      total=(lambda m: lambda e: slo.total(e) and m(e))(member))
            want = evaluate_latched(sub, events, t)
            have = by.get(str(labels))
            if have is None:
                continue
            p = "%s%s" % (slo.name, labels)
            for k in ("good", "valid", "sli", "budget_remaining", "budget_remaining_seconds",
                      "time_to_exhaustion_seconds", "status"):
                c.same(p + "." + k, want[k], have[k])
            for k, v in want["burn_rate"].items():
                c.same(p + ".burn_rate." + k, v, have["burn_rate"][k])
        c.same("%s groups sum to the SLO (valid)" % slo.name, got[slo.name]["valid"], sum(x["valid"] for x in g))
        c.same("%s groups sum to the SLO (good)" % slo.name, got[slo.name]["good"], sum(x["good"] for x in g))
    return c
