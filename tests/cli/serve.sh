#!/bin/sh
# serve.sh -- `headroom serve` on a free loopback port with a small config
# and log: every endpoint, its JSON keys, 401/404/405/413, malformed HTTP on a
# raw socket, a live line reaching the API, SIGHUP with a broken config,
# promtool on /metrics. Usage: sh serve.sh HEADROOM_BIN BUILD_DIR
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-serve.XXXXXX") || exit 2
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
. "$src/tests/cli/lib/serve_lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 0; }
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 0; }

cd "$tmp" || exit 2
write_conf conf.yaml 'logs/access.log*'
mkdir logs
gen_lines 0 20 >logs/access.log # 20 lines, every 4th a 500
printf 's3cret-token\n' >token
AT=2026-03-01T12:30:00Z

start_serve -c conf.yaml --db "$tmp/h.db" --at $AT --token-file token || exit 1
# Wait (bounded) until the 20 lines are in.
wait_valid 20 || fail "tailing: the 20 lines never reached the API"

python3 - "$url" "$bin" "$tmp" "$AT" <<'EOF' || fails=$((fails + 1))
import calendar, json, socket, subprocess, sys, time, urllib.request, urllib.error
url, bin_, tmp, at = sys.argv[1:5]
host, port = url.split("//")[1].rstrip("/").split(":")
port = int(port)
bad = 0
def check(cond, what):
    global bad
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        bad += 1
def req(method, path, body=None, headers=None):
    headers = dict(headers or {})
    if body is not None and "Content-Type" not in headers:
        # Every write declares its type (tests/cli/security.sh has the rules):
        # lines as text/plain (accepted since this serve has a token), JSON.
        headers["Content-Type"] = "application/json" if "annotations" in path else "text/plain"
    r = urllib.request.Request(url.rstrip("/") + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
def js(b):
    try:
        return json.loads(b)
    except Exception:
        return None

# /healthz
s, h, b = req("GET", "/healthz")
check(s == 200 and js(b) == {"status": "ok"}, "healthz 200")

# GETs keep the connection (HTTP/1.1 keep-alive): an answer queued before the
# request is read makes libmicrohttpd close it, a new connection per request
import http.client
hc = http.client.HTTPConnection(host, port, timeout=10)
sock = None
for p in ("/healthz", "/api/v1/slos", "/", "/api/v1/slos"):
    hc.request("GET", p)
    r = hc.getresponse()
    r.read()
    check(r.status == 200 and (r.getheader("Connection") or "").lower() != "close",
          "GET %s keeps the connection: %d %r" % (p, r.status, r.getheader("Connection")))
    sock = sock or hc.sock
    check(hc.sock is sock, "GET %s on the first connection" % p)
hc.close()

# gzip when the client accepts it: the same JSON, Vary on Accept-Encoding
import gzip
s, h, plain = req("GET", "/api/v1/slos")
check(h.get("Vary") == "Accept-Encoding" and "Content-Encoding" not in h, "plain slos: %r" % h)
for ae, want in (("gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False), ("identity", False),
                 ("x-gzip", False)):
    s, h, b = req("GET", "/api/v1/slos", headers={"Accept-Encoding": ae})
    got = h.get("Content-Encoding") == "gzip"
    check(s == 200 and got == want and h.get("Vary") == "Accept-Encoding", "Accept-Encoding %s: %r" % (ae, h))
    check((gzip.decompress(b) if got else b) == plain, "Accept-Encoding %s: the same JSON" % ae)
s, h, b = req("GET", "/api/v1/trends", headers={"Accept-Encoding": "gzip"})
check(h.get("Content-Encoding") == "gzip" and json.loads(gzip.decompress(b))["trends"], "trends gzip'd")

# /api/v1/slos == report --format json over the same store at the same T
s, h, b = req("GET", "/api/v1/slos")
check(s == 200 and h.get("Content-Type", "").startswith("application/json"), "slos 200 json")
api = js(b)
rep = json.loads(subprocess.run([bin_, "report", "-c", tmp + "/conf.yaml", "--db", tmp + "/h.db", "--at", at,
                                 "--format", "json"], capture_output=True, check=True).stdout)
check(api == rep, "GET /api/v1/slos equals report --format json")
slo = api["slos"][0]
for k in ["name", "service", "target", "window_seconds", "good", "valid", "sli", "budget_remaining",
          "budget_remaining_seconds", "burn_rate", "time_to_exhaustion_seconds", "status"]:
    check(k in slo, "slos[0] has " + k)
check(slo["valid"] == 20 and slo["good"] == 15, "20 valid, 15 good: %r/%r" % (slo["valid"], slo["good"]))

# /api/v1/slos/NAME
s, h, b = req("GET", "/api/v1/slos/avail")
d = js(b)
check(s == 200 and d is not None, "slo detail 200")
if d:
    check(d["name"] == "avail" and d["valid"] == 20, "detail has the SLO's members")
    ser = d["series"]
    check(len(ser["t"]) > 0 and sum(ser["valid"]) == 20, "series sums to the window's valid events")
    check(abs(ser["budget_remaining"][-1] - slo["budget_remaining"]) < 1e-9, "the series ends at budget_remaining")
    check(abs(ser["sli"][-1] - slo["sli"]) < 1e-12, "the SLI series ends at the SLI (rolling over the window)")
    check(ser["t"][-1] == int(calendar.timegm(time.strptime(api["at"], "%Y-%m-%dT%H:%M:%SZ"))), "the series ends at the instant")
    check(isinstance(d["timeline"], list), "timeline is a list")
s, h, b = req("GET", "/api/v1/slos/nope")
check(s == 404 and "error" in (js(b) or {}), "unknown SLO: 404 JSON")

# /api/v1/alerts
s, h, b = req("GET", "/api/v1/alerts")
a = js(b) or {}
check(s == 200 and isinstance(a.get("alerts"), list) and isinstance(a.get("recent"), list), "alerts keys")

# /api/v1/gate: the gate's JSON (200 either way), or 501 while not built in
s, h, b = req("GET", "/api/v1/gate?service=web&risk=normal")
g = js(b) or {}
check((s == 200 and g.get("decision") in ("allow", "deny") and "reason" in g) or (s == 501 and "error" in g),
      "gate: %d %r" % (s, b[:200]))
s, h, b = req("GET", "/api/v1/gate?service=nope")
check(s in (404, 501), "gate of an unknown service: %d" % s)

# POST /api/v1/events: 401 without the token, 200 after commit with it
line = b'10.0.0.9 - - [01/Mar/2026:12:10:00 +0000] "GET /p HTTP/1.1" 503 1 "-" "t"\n'
s, h, b = req("POST", "/api/v1/events", line * 3)
check(s == 401 and "error" in (js(b) or {}), "events without token: 401")
s, h, b = req("POST", "/api/v1/events", line * 3, {"Authorization": "Bearer wrong"})
check(s == 401, "events with a wrong token: 401")
s, h, b = req("POST", "/api/v1/events", line * 3 + b"junk\n", {"Authorization": "Bearer s3cret-token"})
e = js(b) or {}
check(s == 200 and e.get("lines") == 4 and e.get("events") == 3 and e.get("malformed") == 1, "events: %r" % e)
s, h, b = req("GET", "/api/v1/slos")
v = (js(b) or {"slos": [{}]})["slos"][0]
check(v.get("valid") == 23 and v.get("good") == 15, "posted events are counted at once: %r" % v.get("valid"))
# Idempotency-Key: a client that retries after a lost answer counts once
hdr = {"Authorization": "Bearer s3cret-token", "Idempotency-Key": "batch-7"}
s, h, b = req("POST", "/api/v1/events", line * 2, hdr)
e = js(b) or {}
check(s == 200 and e.get("events") == 2 and e.get("duplicate") is False, "keyed batch: %d %r" % (s, e))
s, h, b = req("POST", "/api/v1/events", line * 2, hdr)
e = js(b) or {}
check(s == 200 and e.get("duplicate") is True and e.get("events") == 0 and e.get("lines") == 2,
      "retried keyed batch: %d %r" % (s, e))
s, h, b = req("POST", "/api/v1/events", line, hdr)
check(s == 422 and "batch-7" in (js(b) or {}).get("error", ""), "a key reused for another body: %d %r" % (s, b))
s, h, b = req("POST", "/api/v1/events", line, {"Authorization": "Bearer s3cret-token", "Idempotency-Key": "k" * 201})
check(s == 400, "an idempotency key over 200 characters: %d" % s)
s, h, b = req("GET", "/api/v1/slos")
v = (js(b) or {"slos": [{}]})["slos"][0]
check(v.get("valid") == 25, "the retried batch counted once: %r" % v.get("valid"))
s, h, b = req("POST", "/api/v1/events?source=nope", line, {"Authorization": "Bearer s3cret-token"})
check(s == 400, "events for an unknown source: 400")

# POST /api/v1/annotations
s, h, b = req("POST", "/api/v1/annotations", b'{"service": "web", "kind": "deploy", "text": "v1.2 \\u00e9", "at": "2026-03-01T12:01:00Z"}',
              {"Authorization": "Bearer s3cret-token"})
check(s == 200 and "id" in (js(b) or {}), "annotation 200: %r" % b)
s, h, b = req("POST", "/api/v1/annotations", b'{"service": "web", "kind": "bogus"}', {"Authorization": "Bearer s3cret-token"})
check(s == 400, "annotation with a bad kind: 400")
s, h, b = req("POST", "/api/v1/annotations", b'{"service": ', {"Authorization": "Bearer s3cret-token"})
check(s == 400, "annotation with broken JSON: 400")
s, h, b = req("GET", "/api/v1/slos/avail")
tl = (js(b) or {}).get("timeline", [])
check(any(t.get("kind") == "deploy" and t.get("text") == "v1.2 \u00e9" for t in tl), "the deploy is on the timeline")

# 404 / 405 / 413
s, h, b = req("GET", "/no/such/page")
check(s == 404 and "error" in (js(b) or {}), "unknown path: 404 JSON")
s, h, b = req("DELETE", "/api/v1/slos")
check(s == 405 and "error" in (js(b) or {}), "DELETE: 405 JSON")
s, h, b = req("POST", "/metrics", b"x")
check(s == 405, "POST /metrics: 405")
def raw_head(data):
    # Send data, read what comes back (the server may answer before the body ends).
    c = socket.create_connection((host, port), timeout=10)
    out = b""
    try:
        try:
            c.sendall(data)
        except OSError:
            pass
        while True:
            k = c.recv(65536)
            if not k:
                break
            out += k
    except OSError:
        pass
    finally:
        c.close()
    return out
auth = b"Authorization: Bearer s3cret-token\r\nContent-Type: text/plain\r\n"
hosthdr = b"Host: 127.0.0.1:%d\r\n" % port
out = raw_head(b"POST /api/v1/events HTTP/1.1\r\n" + hosthdr + b"Connection: close\r\n" + auth +
               b"Content-Length: 2097152\r\n\r\n" + b"x" * 1000)
check(out.startswith(b"HTTP/1.1 413"), "2 MiB Content-Length: 413 (got %r)" % out[:40])
chunk = b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n"
out = raw_head(b"POST /api/v1/events HTTP/1.1\r\n" + hosthdr + b"Connection: close\r\n" + auth +
               b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 20 + b"0\r\n\r\n")
check(out.startswith(b"HTTP/1.1 413"), "1.25 MiB chunked body: 413 (got %r)" % out[:40])

# Dashboard files: Content-Type, ETag, 304
s, h, b = req("GET", "/")
check(s == 200 and h.get("Content-Type", "").startswith("text/html") and "ETag" in h, "GET / is the dashboard")
if "ETag" in h:
    s2, h2, b2 = req("GET", "/", headers={"If-None-Match": h["ETag"]})
    check(s2 == 304, "If-None-Match: 304")

# /metrics
s, h, b = req("GET", "/metrics")
check(s == 200 and h.get("Content-Type", "").startswith("text/plain; version=0.0.4"), "metrics content type")
m = b.decode()
for fam in ["headroom_slo_valid_total", "headroom_slo_good_total", "headroom_slo_sli_ratio",
            "headroom_slo_budget_remaining_ratio", "headroom_slo_burn_rate", "headroom_slo_status",
            "headroom_ingest_lines_total", "headroom_tail_lag_seconds", "headroom_tail_files"]:
    check("# TYPE " + fam + " " in m, "metrics family " + fam)
check('headroom_slo_valid_total{service="web",slo="avail"} 25' in m, "valid_total 25")
check('headroom_slo_status{service="web",slo="avail",status="%s"} 1' % slo["status"] in m, "status gauge")
open(tmp + "/metrics.txt", "w").write(m)
# gzip'd as /api/v1/slos is, through the same negotiation: decodes to the plain text
check(h.get("Vary") == "Accept-Encoding" and "Content-Encoding" not in h, "plain metrics: %r" % h)
for ae, want in (("gzip", True), ("gzip;q=0", False)):
    s, h, b = req("GET", "/metrics", headers={"Accept-Encoding": ae})
    got = h.get("Content-Encoding") == "gzip"
    check(s == 200 and got == want and h.get("Vary") == "Accept-Encoding", "metrics, Accept-Encoding %s: %r" % (ae, h))
    check((gzip.decompress(b) if got else b).decode() == m, "metrics, Accept-Encoding %s: the same text" % ae)

# Malformed HTTP on a raw socket: 4xx, and the server keeps answering.
def raw(data):
    c = socket.create_connection((host, port), timeout=5)
    try:
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            k = c.recv(65536)
            if not k:
                break
            out += k
        return out
    except OSError:
        return b""
    finally:
        c.close()
for junk in [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
             b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n",
             b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\nAuthorization: Bearer s3cret-token\r\n\r\n"]:
    out = raw(junk)
    code = out.split(b" ")[1] if out.startswith(b"HTTP/1.") else b""
    check(code[:1] == b"4" or code == b"505" or out == b"", "malformed request %r: got %r" % (junk[:30], out[:40]))
s, h, b = req("GET", "/healthz")
check(s == 200, "still answering after malformed requests")
sys.exit(1 if bad else 0)
EOF

# promtool on /metrics (install it when root and missing; else skip).
if ! command -v promtool >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y prometheus >/dev/null 2>&1
fi
if command -v promtool >/dev/null; then
  promtool check metrics <"$tmp/metrics.txt" >"$tmp/promtool.out" 2>&1 || {
    cat "$tmp/promtool.out" >&2
    fail "promtool check metrics"
  }
else
  echo "SKIP: promtool not installed (Debian package prometheus); /metrics format not checked"
fi

# A new line reaches the API within one second (5 lines, each timed).
python3 "$src/tests/cli/lib/latency.py" "$url" logs/access.log 40 5 || fail "tail-to-API latency over 1 s"

# A partial line waits for its newline: a whole line written after it to
# another followed file is counted in the same round, the partial one not.
printf '%s' "$(gen_lines 45 1)" >>logs/access.log
gen_lines 46 1 >logs/access.log.b
wait_valid 31 || fail "the whole line of the second file was not counted"
[ "$(api_valid)" = 31 ] || fail "a line without its newline was counted"
echo >>logs/access.log
wait_valid 32 || fail "the completed line was not counted"

# SIGHUP with a broken configuration: refused, the old one keeps serving.
cp conf.yaml conf.good
printf 'apiVersion: openslo/v1\nkind: SLO\nmetadata: [\n' >conf.yaml
kill -HUP "$pid"
i=0
while [ $i -lt 50 ] && ! grep -q "reload of conf.yaml refused" err; do sleep 0.1; i=$((i + 1)); done
grep -q "reload of conf.yaml refused" err || fail "a broken configuration was not refused"
[ "$(api_valid)" = 32 ] || fail "serve stopped answering after a refused reload"
cp conf.good conf.yaml
kill -HUP "$pid"
i=0
while [ $i -lt 50 ] && ! grep -q "configuration reloaded" err; do sleep 0.1; i=$((i + 1)); done
grep -q "configuration reloaded" err || fail "a good configuration was not reloaded"

# SIGTERM: clean stop, exit 0.
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "serve exited $rc on SIGTERM"
grep -q "AddressSanitizer\|runtime error" err && fail "sanitizer report in serve's stderr"

# Port in use: a clear error, exit 2.
start_serve -c conf.yaml --db "$tmp/h.db" --at $AT || exit 1
port=$(echo "$url" | sed 's#.*:\([0-9]*\)/$#\1#')
"$bin" serve -c conf.yaml --db "$tmp/h2.db" --listen "127.0.0.1:$port" >/dev/null 2>"$tmp/err2" </dev/null
code=$?
[ "$code" = 2 ] && grep -q "cannot listen" "$tmp/err2" || fail "a port in use: exit $code"

# IPv6: [::1]:0 listens on the IPv6 loopback and prints that URL; a bad
# bracketed address is a usage error.
"$bin" serve -c conf.yaml --db "$tmp/h2.db" --listen '[::zz]:1' >/dev/null 2>"$tmp/err3" </dev/null
code=$?
[ "$code" = 2 ] && grep -q "expected an IPv6 address in brackets" "$tmp/err3" || fail "a bad IPv6 address: exit $code"
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  kill "$pid" && wait "$pid"
  pid=
  start_serve -c conf.yaml --db "$tmp/h.db" --at $AT --listen '[::1]:0' || exit 1
  case $url in "http://[::1]:"*/) ;; *) fail "IPv6 listen printed $url" ;; esac
  curl -sfg --max-time 5 "${url}healthz" | grep -q ok || fail "IPv6: GET /healthz on $url"
  [ "$(api_valid)" = 32 ] || fail "IPv6: the API over [::1] answers with the store's counts"
else
  echo "serve.sh: no IPv6 loopback here: [::1] not checked"
fi

if [ "$fails" -gt 0 ]; then
  echo "serve.sh: $fails failure(s)" >&2
  echo "--- serve stderr" >&2
  cat err >&2
  exit 1
fi
echo "serve.sh: ok"
