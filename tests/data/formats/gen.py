"""gen.py -- writes the small JSON access logs of this directory, modelled
on the documented formats of two proxies (the files are the project's own,
deterministic: python3 gen.py rewrites them byte for byte):

caddy.jsonl    Caddy 2's access log (logger http.log.access): time "ts" in
               epoch seconds with a fraction, the request as a nested
               object (request.method, request.host, request.uri with its
               query, request.headers with each header as a list of
               strings), "duration" in seconds, "size", "status".
traefik.jsonl  Traefik's JSON access log: flat keys, "time" in RFC 3339,
               "Duration" in nanoseconds, DownstreamStatus, RequestMethod,
               RequestPath (with its query), RequestHost, ClientHost and the
               kept header request_User-Agent.

haproxy.log    HAProxy's `option httplog` line (HAProxy's configuration
               manual, "HTTP log format"), as rsyslog writes it (an RFC 3164
               prefix) and, one line in five, as HAProxy writes it to stdout
               (no prefix); accept dates in Europe/Berlin local time (CET,
               UTC+1), two captured request headers {Host|User-Agent}; a
               few aborted requests (status -1, timers -1) and logasap
               lines (+Ta).
iis.log        IIS's W3C extended log (CRLF): the default columns until
               03:00, then IIS "restarts" and writes its directives again
               with other columns (cs-host, sc-bytes, cs-bytes added, the
               order changed); time-taken in milliseconds.
cloudfront.log CloudFront's standard log (tab-separated, its 33 columns),
               two files concatenated (each with #Version/#Fields);
               time-taken in seconds with milliseconds, User-Agent
               URL-encoded, x-edge-result-type Error for 5xx.

All cover 2026-03-18 00:00 to 06:00 UTC with an incident 03:00-03:20
(502s) and slow requests; see README.md for the figures.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1773792000  # 2026-03-18T00:00:00Z
PATHS = ["/api/v1/items", "/api/v1/items/42", "/api/v1/search?q=slo&page=2", "/api/v1/login",
         "/static/app.js", "/healthz", "/"]
UAS = ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0", "Go-http-client/2.0"]


def events(seed, n):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        t = T0 + rnd.randrange(0, 6 * 3600)
        frac = rnd.randrange(1, 999999)
        path = rnd.choice(PATHS)
        method = "POST" if path == "/api/v1/login" else rnd.choice(["GET", "GET", "GET", "HEAD"])
        status = rnd.choice([200, 200, 200, 200, 201, 304, 404, 500])
        if 3 * 3600 <= t - T0 < 3 * 3600 + 1200 and path.startswith("/api/"):
            status = 502
        dur_us = rnd.choice([800, 4200, 12345, 48000, 120000, 240000, 260000, 900000, 1500000])
        out.append((t, frac, path, method, status, dur_us, rnd.choice(UAS), rnd.randrange(0, 60000),
                    "198.51.100.%d" % rnd.randrange(1, 250)))
    out.sort()
    return out


def caddy(evs):
    lines = []
    for k, (t, frac, path, method, status, dur_us, ua, size, ip) in enumerate(evs):
        proto = "HTTP/2.0" if k % 3 else "HTTP/1.1"
        uri = path.replace("&", "\\u0026") if k % 2 else path  # Go's encoder escapes & in some versions
        lines.append(
            '{"level":"info","ts":%d.%06d,"logger":"http.log.access","msg":"handled request",'
            '"request":{"remote_ip":"%s","remote_port":"%d","client_ip":"%s","proto":"%s","method":"%s",'
            '"host":"api.example.com","uri":"%s","headers":{"User-Agent":["%s"],"Accept":["*/*"]},'
            '"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"api.example.com"}},'
            '"bytes_read":0,"user_id":"","duration":%d.%06d,"size":%d,"status":%d,'
            '"resp_headers":{"Server":["Caddy"],"Content-Type":["application/json"]}}'
            % (t, frac, ip, 40000 + k, ip, proto, method, uri, ua, dur_us // 1000000, dur_us % 1000000, size,
               status))
    return lines


def traefik(evs):
    lines = []
    for k, (t, frac, path, method, status, dur_us, ua, size, ip) in enumerate(evs):
        ns = dur_us * 1000 + k % 1000  # nanoseconds
        iso = "2026-03-18T%02d:%02d:%02dZ" % ((t - T0) // 3600, (t - T0) // 60 % 60, (t - T0) % 60)
        lines.append(
            '{"ClientAddr":"%s:%d","ClientHost":"%s","ClientPort":"%d","ClientUsername":"-",'
            '"DownstreamContentSize":%d,"DownstreamStatus":%d,"Duration":%d,"OriginContentSize":%d,'
            '"OriginDuration":%d,"OriginStatus":%d,"Overhead":%d,"RequestAddr":"api.example.com",'
            '"RequestContentSize":0,"RequestCount":%d,"RequestHost":"api.example.com","RequestMethod":"%s",'
            '"RequestPath":"%s","RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"https",'
            '"RetryAttempts":0,"RouterName":"api@docker","ServiceAddr":"172.18.0.3:8080",'
            '"ServiceName":"api@docker","ServiceURL":"http://172.18.0.3:8080",'
            '"StartLocal":"%s","StartUTC":"%s","entryPointName":"websecure","level":"info","msg":"",'
            '"request_User-Agent":"%s","time":"%s"}'
            % (ip, 40000 + k, ip, 40000 + k, size, status, ns, size, ns - 50000, status, 50000, k + 1, method,
               path, iso, iso, ua, iso))
    return lines


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def haproxy(evs):
    lines = []
    for k, (t, frac, path, method, status, dur_us, ua, size, ip) in enumerate(evs):
        lt = t + 3600  # Europe/Berlin in March 2026 (before the 29th): UTC+1
        d, hms = lt // 86400 - T0 // 86400 + 18, "%02d:%02d:%02d" % (lt // 3600 % 24, lt // 60 % 60, lt % 60)
        ms = frac // 1000
        ta = max(1, dur_us // 1000)
        tr = max(0, ta - 3)
        timers, st, req, term = "0/0/1/%d/%d" % (tr, ta), str(status), "%s %s HTTP/1.1" % (method, path), "----"
        if k % 41 == 7:  # the client went away before sending a request
            timers, st, req, term = "-1/-1/-1/-1/%d" % ta, "-1", "", "CR--"
        elif k % 53 == 11:  # option logasap: Ta is the time until the log
            timers = "0/0/1/%d/+%d" % (tr, ta)
        backend = "api/app%d" % (k % 3 + 1) if path.startswith("/api/") else "static/web1"
        body = ('%s:%d [%02d/Mar/2026:%s.%03d] fe-https~ %s %s %s %d - - %s %d/%d/3/1/0 0/0 {api.example.com|%s} '
                '"%s"' % (ip, 40000 + k, d, hms, ms, backend, timers, st, size, term, 10 + k % 7, 8 + k % 5, ua, req))
        if k % 5 == 4:
            lines.append(body)
        else:
            lines.append("Mar %2d %s lb1 haproxy[2231]: %s" % (d, hms, body))
    return lines


IIS_F1 = ("date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
          "sc-status sc-substatus sc-win32-status time-taken")
IIS_F2 = ("date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-host cs(User-Agent) "
          "cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken")


def iis(evs):
    lines = []
    second = False
    head = ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0"]
    lines += head + ["#Date: 2026-03-18 00:00:00", "#Fields: " + IIS_F1]
    for k, (t, frac, path, method, status, dur_us, ua, size, ip) in enumerate(evs):
        if not second and t - T0 >= 3 * 3600:
            second = True
            lines += head + ["#Date: 2026-03-18 03:00:00", "#Fields: " + IIS_F2]
        stem, _, query = path.partition("?")
        hms = "%02d:%02d:%02d" % ((t - T0) // 3600, (t - T0) // 60 % 60, (t - T0) % 60)
        win32 = 64 if status == 502 else 0  # ERROR_NETNAME_DELETED from the backend
        common = ["2026-03-18", hms, "10.0.0.4", method, stem, query or "-", "443", "-", ip]
        uaw = ua.replace(" ", "+")
        if second:
            vals = common + ["api.example.com", uaw, "-", str(status), "0", str(win32), str(size), "412",
                             str(max(0, dur_us // 1000))]
        else:
            vals = common + [uaw, "-", str(status), "0", str(win32), str(max(0, dur_us // 1000))]
        lines.append(" ".join(vals))
    return lines


CF_FIELDS = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
             "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol "
             "cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
             "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
             "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end")


def cloudfront(evs):
    lines = []
    for k, (t, frac, path, method, status, dur_us, ua, size, ip) in enumerate(evs):
        if k in (0, len(evs) // 2):
            lines += ["#Version: 1.0", "#Fields: " + CF_FIELDS]
        stem, _, query = path.partition("?")
        hms = "%02d:%02d:%02d" % ((t - T0) // 3600, (t - T0) // 60 % 60, (t - T0) % 60)
        result = "Error" if status >= 500 else "Hit" if path.startswith("/static/") else "Miss"
        secs = "%.3f" % (max(1, dur_us // 1000) / 1000)
        vals = ["2026-03-18", hms, "FRA56-P1", str(size), ip, method, "d111111abcdef8.cloudfront.net", stem,
                str(status), "-", ua.replace(" ", "%20"), query or "-", "-", result,
                "EXAMPLE%04dxGN7KWpVEmB9Dp7ctcVFQC4E==" % k, "api.example.com", "https", "412", secs, "-",
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", result, "HTTP/2.0", "-", "-", str(40000 + k), secs, result,
                "application/json", str(size), "-", "-"]
        lines.append("\t".join(vals))
    return lines


def write(name, lines, eol="\n"):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(eol.join(lines) + eol)


if __name__ == "__main__":
    write("caddy.jsonl", caddy(events(2, 240)))
    write("traefik.jsonl", traefik(events(3, 240)))
    write("haproxy.log", haproxy(events(4, 240)))
    write("iis.log", iis(events(5, 240)), eol="\r\n")
    write("cloudfront.log", cloudfront(events(6, 240)))
