#!/usr/bin/env python3
"""Writes the project's own synthetic access logs (tests/data/synth/), one
per input format headroom reads, so that the suite covers every format
without ../shared (a user's clone has none). Nothing here is copied from
../shared: the lines are made up, after the field orders in the AWS, nginx
and Apache documentation. Deterministic (own LCG, fixed seeds, gzip mtime 0):
re-running it rewrites the same bytes.

Run: cd tests/data/synth && python3 gen.py

Files (see README.md for what each holds and the figures it gives):
  alb.log          AWS ALB, 3 days, every line type headroom meets
  alb.log.gz       AWS ALB, gzip, 2 hours
  nginx.log        nginx custom log_format with $request_time,
                   $upstream_response_time and $upstream_status (lists)
  apache.log       Apache LogFormat ... %D (microseconds), across a DST change
  apache-T.log     Apache LogFormat ... %T (whole seconds)
  api.jsonl        JSON lines with a field mapping
  latch.jsonl      JSON lines, epoch seconds: an SLO held red by the latch
"""
import datetime as dt
import gzip
import json
import os
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc


class Rng:
    """64-bit LCG (Knuth's MMIX constants), high bits out."""

    def __init__(self, seed):
        self.x = seed

    def u32(self):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return self.x >> 32

    def int(self, a, b):
        return a + self.u32() % (b - a + 1)

    def pick(self, seq):
        return seq[self.u32() % len(seq)]

    def p(self, prob):
        return self.u32() < prob * (1 << 32)

    def ms(self, lo, hi):
        """A time in seconds with three decimals in [lo, hi]."""
        return self.int(round(lo * 1000), round(hi * 1000)) / 1000


def utc(s):
    return dt.datetime.fromisoformat(s).replace(tzinfo=UTC)


def write(name, lines, final_newline=True):
    data = "\n".join(lines) + ("\n" if final_newline else "")
    with open(name, "w", encoding="utf-8", newline="\n") as f:
        f.write(data)
    return data


# ------------------------------------------------------------------ ALB

ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/73e2d6bc24d8a067"
CIPHER = "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2"


def alb_line(r, n, t, kind, status, target_status, times, request, ua="Mozilla/5.0", domain="shop.example.com",
             error="-", target="10.0.0.1:8080", tail="new", actions="forward", redirect="-"):
    """One ALB line in the documented field order. times: 3 strings."""
    ts = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    created = (t - dt.timedelta(milliseconds=r.int(1, 900))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    client = "203.0.113.%d:%d" % (r.int(1, 254), r.int(1024, 65535))
    tls = CIPHER if kind in ("https", "h2", "wss", "grpcs") else "- -"
    rx, tx = r.int(80, 2000), r.int(0, 40000) if status < 400 else r.int(0, 600)
    trace = "Root=1-%08x-%024x" % (int(t.timestamp()), n)
    fields = [kind, ts, "app/shop-lb/50dc6c495c0c9188", client, target, *times, str(status), target_status,
              str(rx), str(tx), '"%s"' % request, '"%s"' % ua, tls, ARN if target != "-" else "-", '"%s"' % trace,
              '"%s"' % domain, '"-"', "1" if target != "-" else "0", created, '"%s"' % actions, '"%s"' % redirect,
              '"%s"' % error]
    if tail == "new":  # the fields added since 2021: target list, classification, conn_trace_id
        fields += ['"%s"' % (target if target != "-" else "-"), '"%s"' % target_status, '"-"', '"-"',
                   "TID_%016x" % (n * 2654435761 % (1 << 64))]
    if tail == "trace":  # fields[13] is the user agent, [14] the TLS pair, [16] trace_id
        return " ".join(fields[:14]) + "- - " + " ".join(fields[15:17])
    return " ".join(fields)


def gen_alb():
    """alb.log: 2026-02-08..10 (UTC), evaluated at 2026-02-11T00:00:00Z.
    Normal traffic, then an incident 23:10-23:40 on the 10th (504s with -1
    times), events exactly on T - 1h and T - 5m, one event exactly at T (not
    counted: events_after_at), one NLB and one connection-log line (not ALB
    records: malformed 'type'), one blank line, no final newline."""
    r = Rng(20260208)
    at = utc("2026-02-11T00:00:00")
    t = utc("2026-02-08T00:03:17.250000")
    lines = []
    n = 0

    def ms3(x):
        return "%.3f" % x

    while t < utc("2026-02-10T23:00:00"):
        n += 1
        c = r.int(0, 99)
        host = "shop.example.com"
        rq = lambda m, u: "%s %s HTTP/%s" % (m, u, "2.0" if kind == "h2" else "1.1")
        kind = "https"
        if c < 50:  # API, mostly fast, some slow
            m = r.pick(["GET", "GET", "GET", "POST", "PUT"])
            path = r.pick(["/api/cart", "/api/items", "/api/checkout", "/api/user"])
            q = r.pick(["", "?id=%d" % r.int(1, 999), "?page=2&sort=price"])
            slow = r.p(0.12)
            tt = r.ms(0.100, 2.400) if slow else r.ms(0.004, 0.090)
            times = (ms3(r.ms(0, 0.003)), ms3(tt), ms3(r.ms(0, 0.002)))
            st = 201 if m == "POST" and r.p(0.5) else 200
            if r.p(0.03):
                st = 500
            line = alb_line(r, n, t, kind, st, str(st), times, rq(m, "https://%s:443%s%s" % (host, path, q)),
                            tail=r.pick(["new", "old"]))
        elif c < 64:  # favicons: host, scheme and query stripped from the path
            path = "/favicons/fav-%s.png" % r.pick(["16", "32", "192"])
            st = 304 if r.p(0.25) else 200
            kind = r.pick(["https", "https", "http"])
            url = ("https://%s:443" % host if kind == "https" else "http://static.example.com:80") + path + "?v=3"
            times = (ms3(r.ms(0, 0.002)), ms3(r.ms(0.001, 0.030)), ms3(r.ms(0, 0.001)))
            line = alb_line(r, n, t, kind, st, str(st), times, rq("GET", url),
                            domain=host if kind == "https" else "-", tail="old")
        elif c < 72:  # static files
            st = r.pick([200, 200, 304])
            times = (ms3(r.ms(0, 0.002)), ms3(r.ms(0.002, 0.060)), ms3(r.ms(0, 0.001)))
            line = alb_line(r, n, t, kind, st, str(st), times, rq("GET", "https://%s:443/static/app.js" % host))
        elif c < 76:  # redirect http -> https: done by the ALB, no target, -1 times
            kind = "http"
            line = alb_line(r, n, t, kind, 301, "-", ("-1", "-1", "-1"), rq("GET", "http://%s:80/" % host),
                            target="-", actions="redirect", redirect="https://%s:443/" % host, domain="-")
        elif c < 82:  # not found
            times = (ms3(r.ms(0, 0.002)), ms3(r.ms(0.002, 0.020)), ms3(r.ms(0, 0.001)))
            line = alb_line(r, n, t, kind, 404, "404", times, rq("GET", "https://%s:443/api/old-%d" % (host, n)))
        elif c < 85:  # websockets
            kind = r.pick(["ws", "wss"])
            url = ("https://%s:443/live" if kind == "wss" else "http://%s:80/live") % host
            times = (ms3(r.ms(0, 0.002)), ms3(r.ms(0.001, 0.004)), ms3(0))
            line = alb_line(r, n, t, kind, 101, "101", times, rq("GET", url), ua="-")
        elif c < 89:  # h2 and grpcs
            kind = r.pick(["h2", "grpcs"])
            times = (ms3(r.ms(0, 0.001)), ms3(r.ms(0.003, 0.150)), ms3(r.ms(0, 0.001)))
            url = "https://%s:443/%s" % (host, "api/items" if kind == "h2" else "shop.v1.Cart/Get")
            line = alb_line(r, n, t, kind, 200, "200", times, "POST %s HTTP/2.0" % url if kind == "grpcs"
                            else rq("GET", url))
        elif c < 92:  # client closed the connection: 460, -1 times
            line = alb_line(r, n, t, kind, 460, "-", ("-1", "-1", "-1"), rq("GET", "https://%s:443/api/items" % host))
        elif c < 94:  # Lambda target gave an invalid response
            line = alb_line(r, n, t, kind, 502, "-", ("0.000", "0.001", "0.000"),
                            rq("POST", "https://%s:443/api/checkout" % host), error="LambdaInvalidResponse")
        elif c < 96:  # target timeout
            line = alb_line(r, n, t, kind, 504, "-", ("-1", "-1", "-1"), rq("GET", "https://%s:443/api/cart" % host),
                            error="Target.Timeout")
        elif c < 98:  # a request the ALB could not read: method, path null
            kind = "http"
            line = alb_line(r, n, t, kind, 400, "-", ("-1", "-1", "-1"), "- - - ", ua="-", target="-", domain="-",
                            actions="-", tail="old")
        else:  # an old-style line ending at trace_id, no space after the user agent's quote
            kind = "h2"
            times = (ms3(r.ms(0, 0.001)), ms3(r.ms(0.003, 0.080)), ms3(0))
            line = alb_line(r, n, t, kind, 200, "200", times, rq("GET", "https://%s:443/api/user" % host),
                            ua="okhttp/4.9", tail="trace")
        lines.append(line)
        t += dt.timedelta(seconds=r.int(240, 1400), microseconds=r.int(0, 999999))

    # Exactly T - 1h and the incident: 504s every 2 minutes, some 200s between.
    t = utc("2026-02-10T23:00:00")
    lines.append(alb_line(r, 9000, t, "https", 200, "200", ("0.001", "0.020", "0.000"),
                          "GET https://shop.example.com:443/api/items HTTP/1.1"))
    t = utc("2026-02-10T23:10:30.5")
    k = 0
    while t < utc("2026-02-10T23:40:00"):
        k += 1
        if k % 3:
            line = alb_line(r, 9000 + k, t, "https", 504, "-", ("-1", "-1", "-1"),
                            "GET https://shop.example.com:443/api/cart HTTP/1.1", error="Target.Timeout")
        else:
            line = alb_line(r, 9000 + k, t, "https", 200, "200", ("0.000", "0.%03d" % r.int(30, 400), "0.000"),
                            "GET https://shop.example.com:443/api/cart HTTP/1.1")
        lines.append(line)
        t += dt.timedelta(seconds=120)
    # Exactly T - 5m, one more after it, then one exactly at T (not counted).
    for i, s in enumerate(["2026-02-10T23:55:00", "2026-02-10T23:58:41.75", "2026-02-11T00:00:00"]):
        lines.append(alb_line(r, 9500 + i, utc(s), "https", 200, "200", ("0.001", "0.040", "0.001"),
                              "GET https://shop.example.com:443/favicons/fav-32.png?v=3 HTTP/1.1"))
    assert utc("2026-02-11T00:00:00") == at

    # Not ALB records (another load balancer's lines in the same bucket) and a blank line.
    nlb = ("tls 2.0 2026-02-09T12:00:00 net/shop-nlb/c6e77e28c25b2234 g3d4b5e8bb8464cd 203.0.113.7:2817 "
           "10.0.0.1:443 5 2 98 246 - arn:aws:acm:eu-west-1:123456789012:certificate/0000 - "
           "ECDHE-RSA-AES128-SHA tlsv12 - shop.example.com - - - 2026-02-09T11:59:55")
    conn = '2026-02-09T18:30:00.000000Z 203.0.113.9 58206 443 TLSv1.2 ECDHE-RSA-AES128-SHA 12 - - "-" - TID_00c0ffee'
    lines.insert(40, nlb)
    lines.insert(120, conn)
    lines.insert(200, "")
    write("alb.log", lines, final_newline=False)


def gen_alb_gz():
    """alb.log.gz: 2026-02-12 08:00-09:5x UTC, every 40-60 s; read without
    --at (T = the last event's minute rounded up)."""
    r = Rng(20260212)
    t = utc("2026-02-12T08:00:12.5")
    lines = []
    n = 0
    while n < 140:
        n += 1
        c = r.int(0, 99)
        if c < 3:
            times, st, ts_ = ("-1", "-1", "-1"), 504, "-"
        elif c < 5:
            times, st, ts_ = ("-1", "-1", "-1"), 460, "-"
        elif c < 9:  # slow
            times, st, ts_ = ("0.000", "%.3f" % r.ms(0.5, 1.9), "0.000"), 200, "200"
        elif c < 11:
            times, st, ts_ = ("0.000", "%.3f" % r.ms(0.01, 0.3), "0.000"), 503, "503"
        else:
            times, st, ts_ = ("0.000", "%.3f" % r.ms(0.002, 0.350), "0.000"), r.pick([200, 200, 200, 204, 302]), None
            ts_ = str(st)
        kind = r.pick(["h2", "https"])
        line = alb_line(r, n, t, kind, st, ts_, times,
                        "GET https://api.example.com:443/v1/jobs/%d HTTP/%s" % (n, "2.0" if kind == "h2" else "1.1"),
                        domain="api.example.com", target="-" if ts_ == "-" and st == 460 else "10.0.1.%d:9000" % r.int(2, 9))
        lines.append(line)
        t += dt.timedelta(seconds=r.int(40, 60), microseconds=r.int(0, 999999))
    data = ("\n".join(lines) + "\n").encode()
    with open("alb.log.gz", "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))


# ---------------------------------------------------------------- nginx

NGINX_FORMAT = ('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" '
                '"$http_user_agent" $request_time $upstream_response_time $upstream_status')


def clf_time(t, zone):
    """[$time_local] / %t text: 24/Mar/2026:10:00:00 +0100 in the zone."""
    return t.astimezone(ZoneInfo(zone)).strftime("%d/%b/%Y:%H:%M:%S %z")


def gen_nginx():
    """nginx.log: a shop behind nginx in Europe/Paris, 2026-03-24 to
    2026-04-02 local (the switch to +0200 on 2026-03-29 inside), evaluated
    at 2026-04-03T00:00:00Z, a few hours after the last line (the 1h
    lookback has no traffic)."""
    r = Rng(20260324)
    t = utc("2026-03-23T23:04:09")
    end = utc("2026-04-02T19:40:00")
    lines = []
    uas = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Go-http-client/2.0",
           'Mozilla/5.0 (compatible; \\"quoted\\" bot)']
    while t < end:
        c = r.int(0, 999)
        client = r.pick(["198.51.100.%d" % r.int(1, 254), "2001:db8::%x" % r.int(1, 0xffff), "192.0.2.%d" % r.int(1, 254)])
        user = "alice" if r.p(0.05) else "-"
        method = r.pick(["GET", "GET", "GET", "POST"])
        path = r.pick(["/", "/products/%d" % r.int(1, 300), "/cart", "/api/search?q=lamp", "/checkout"])
        proto = r.pick(["HTTP/1.1", "HTTP/2.0"])
        req = "%s %s %s" % (method, path, proto)
        ref = r.pick(['-', 'https://shop.example.org/'])
        rt = r.ms(0.002, 0.280)
        urt, ust = "%.3f" % max(0.0, rt - 0.001), None
        size = r.int(200, 30000)
        if c < 780:
            st = 200
            if r.p(0.15):
                rt = r.ms(0.300, 3.000)
                urt = "%.3f" % (rt - 0.002)
            if r.p(0.06):  # first upstream failed, the second answered: lists
                a, b = r.ms(0.001, 0.050), r.ms(0.010, 0.300)
                urt, ust = "%.3f, %.3f" % (a, b), "502, 200"
                rt = round(a + b + 0.002, 3)
            elif r.p(0.03):  # internal redirect: ' : ' between the groups
                a, b = r.ms(0.001, 0.040), r.ms(0.005, 0.100)
                urt, ust = "%.3f : %.3f" % (a, b), "302 : 200"
                rt = round(a + b + 0.001, 3)
        elif c < 830:
            st = 304
            size = 0
        elif c < 860:
            st = r.pick([301, 302])
            size = 162
        elif c < 920:
            st = 404
            size = 153
        elif c < 950:  # client went away: nginx's 499, no upstream answer
            st, urt, ust, size = 499, "-", "-", 0
        elif c < 960:
            st = 403
            size = 153
        elif c < 970:  # an empty request line
            st, req, urt, ust, size = 400, "", "-", "-", 150
            rt = 0.000
        elif c < 985:  # 429 from nginx's rate limit: no upstream
            st, urt, ust, size = 429, "-", "-", 0
        else:
            st = r.pick([500, 502, 503, 504])
            if st == 504:
                rt = 60.001
                urt = "60.000"
            elif st == 503:
                urt, ust = "-", "-"
            size = 497
        if ust is None:
            ust = "-" if urt == "-" else str(st)
        line = '%s - %s [%s] "%s" %d %d "%s" "%s" %.3f %s %s' % (client, user, clf_time(t, "Europe/Paris"), req, st,
                                                                  size, ref, r.pick(uas), rt, urt, ust)
        lines.append(line)
        t += dt.timedelta(seconds=r.int(600, 1800))
    write("nginx.log", lines)


# --------------------------------------------------------------- Apache

APACHE_FORMAT = '%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D'
APACHE_T_FORMAT = '%h %l %u %t "%r" %>s %b %T'


def gen_apache():
    """apache.log: America/New_York, 2026-02-27 to 2026-03-09 (UTC), the
    switch from -0500 to -0400 on Sunday 2026-03-08 inside; evaluated at
    2026-03-08T18:00:00Z over the calendar week from Monday 2026-03-02
    00:00 local (a week one hour short). Lines after that instant exist
    (events_after_at). One line's user agent lacks its closing quote and
    its %D: malformed 'shape'."""
    r = Rng(20260227)
    t = utc("2026-02-27T00:11:00")
    end = utc("2026-03-09T03:00:00")
    lines = []
    while t < end:
        c = r.int(0, 999)
        st = 200 if c < 830 else 304 if c < 880 else 404 if c < 940 else 301 if c < 965 else r.pick([500, 503])
        size = "-" if st in (304, 301) and r.p(0.7) else str(r.int(300, 90000))
        d = r.int(900, 180000)
        if r.p(0.08):
            d = r.int(250000, 4000000)
        if st >= 500 and r.p(0.5):
            d = r.int(30000000, 31000000)
        path = r.pick(["/", "/docs/intro.html", "/images/logo.png", "/search?q=slo", "/api/v2/status"])
        ua = r.pick(["Mozilla/5.0 (Macintosh)", "Wget/1.21", "-"])
        ref = r.pick(["-", "https://www.example.net/"])
        line = '%s - - [%s] "GET %s HTTP/1.1" %d %s "%s" "%s" %d' % (
            "192.0.2.%d" % r.int(1, 254), clf_time(t, "America/New_York"), path, st, size, ref, ua, d)
        lines.append(line)
        t += dt.timedelta(seconds=r.int(900, 2700))
    bad = lines[150]
    lines[150] = bad[:bad.rindex('"') - 1]  # cut inside the user agent: no closing quote, no %D
    write("apache.log", lines)

    # %T: whole seconds (apache-T.log), 40 lines an hour apart.
    r = Rng(20260301)
    t = utc("2026-03-01T12:00:00")
    lines = []
    for i in range(40):
        st = r.pick([200, 200, 200, 200, 302, 404, 500])
        lines.append('10.1.2.%d - %s [%s] "%s /report/%d HTTP/1.0" %d %d %d' % (
            r.int(1, 254), r.pick(["-", "bob"]), clf_time(t, "Europe/London"), r.pick(["GET", "POST"]), i, st,
            r.int(0, 5000), r.pick([0, 0, 0, 1, 2, 7])))
        t += dt.timedelta(hours=1)
    write("apache-T.log", lines)


# ---------------------------------------------------------------- JSONL

def gen_jsonl():
    """api.jsonl: an API's own JSON log, 2026-03-16 to 2026-03-18 UTC,
    evaluated at 2026-03-19T00:00:00Z. Mapping: time <- ts (RFC 3339 with
    an offset, or epoch milliseconds), status <- code, path <- route,
    duration <- ms (milliseconds). An incident 2026-03-18 21:00-21:30 UTC
    (503s). One truncated line (malformed 'json'), one without ts
    (malformed 'time'), one blank line."""
    r = Rng(20260316)
    t = utc("2026-03-16T00:02:00.125")
    lines = []
    i = 0
    while t < utc("2026-03-18T23:30:00"):
        i += 1
        route = r.pick(["/api/orders", "/api/orders", "/api/users/%d" % r.int(1, 99), "/api/pay", "/health"])
        code = r.pick([200] * 14 + [201, 400, 404])
        ms = r.int(3, 240) + r.int(0, 9) / 10
        if r.p(0.07):
            ms = r.int(250, 5000)
        incident = utc("2026-03-18T21:00:00") <= t < utc("2026-03-18T21:30:00")
        if incident and route != "/health":
            code, ms = 503, r.int(1000, 3000)
        elif r.p(0.01):
            code = 500
        rec = {}
        if r.p(0.3):
            rec["ts"] = int(t.timestamp() * 1000)  # epoch milliseconds
        else:
            zone = r.pick(["UTC", "Europe/Berlin", "America/Sao_Paulo"])
            lt = t.astimezone(ZoneInfo(zone))
            rec["ts"] = lt.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        rec["method"] = "POST" if route == "/api/pay" else "GET"
        rec["route"] = route
        rec["code"] = code
        rec["ms"] = None if r.p(0.02) else ms  # null: the timer did not run
        rec["client"] = {"ip": "198.51.100.%d" % r.int(1, 254), "tags": ["web", "eu"]}
        lines.append(json.dumps(rec, separators=(",", ":")))
        t += dt.timedelta(seconds=r.int(300, 900), milliseconds=r.int(0, 999))
    lines.insert(30, '{"ts":"2026-03-16T06:00:00Z","route":"/api/orders","code":200,"ms":')
    lines.insert(60, '{"route":"/api/orders","code":200,"ms":12}')
    lines.insert(90, "")
    write("api.jsonl", lines)


def gen_latch():
    """latch.jsonl: {"t": epoch seconds, "s": status}, 2026-03-20 00:00 to
    2026-03-22 02:00 UTC: one request every 4 minutes for two days, all
    good, then one a minute for two hours with 15 failures at 00:50-01:04
    on the 22nd. At 01:05 the 1h lookback holds 15 bad of 60 (burn 12.5
    against 0.98: red); at 02:00 it holds 5 of 60 (burn 4.2) and the
    window 15 of 840 (budget left 10.7%): not red by its own figures, but
    never released since (the 1h burn stays above 1): red, latched."""
    t0 = 1773964800  # 2026-03-20T00:00:00Z
    lines = ['{"t":%d,"s":200}' % (t0 + 240 * i + 7) for i in range(720)]
    t1 = t0 + 2 * 86400
    for m in range(120):
        lines.append('{"t":%d,"s":%d}' % (t1 + 60 * m + 30, 503 if 50 <= m < 65 else 200))
    write("latch.jsonl", lines)


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    gen_alb()
    gen_alb_gz()
    gen_nginx()
    gen_apache()
    gen_jsonl()
    gen_latch()
