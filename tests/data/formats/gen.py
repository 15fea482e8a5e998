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

Both cover 2026-03-18 00:00 to 06:00 UTC with an incident 03:00-03:20
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


def write(name, lines):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    write("caddy.jsonl", caddy(events(2, 240)))
    write("traefik.jsonl", traefik(events(3, 240)))
