#!/bin/sh
# consistency.sh -- one engine, one truth: at several instants of the SoulSync
# month (before, during and after the 2026-10-21 outage, and the end), over
# the same store, every front end carries the same figures:
#   - report --format json            ==  GET /api/v1/slos (byte for byte as JSON)
#   - report --format html (embedded)  ==  report --format json, and each SLO's
#     embedded page == GET /api/v1/slos/NAME (series, thresholds, timeline,
#     alerts, latency, bad events: the whole object), and its embedded
#     journeys == GET /api/v1/journeys
#   - /metrics gauges                  ==  the report's sli, budget, burn rates,
#     status and burning-now level
#   - gate --format json               ==  GET /api/v1/gate, for every service
#     and risk class (the same decision naming the same SLO)
# and the pages tell the truth of the instant: during the outage the SLO
# burns and its page alert is firing in the page's alert table; bad events
# are the latest before the instant; the HTML report's timeline holds the
# store's annotations.
# Usage: sh consistency.sh HEADROOM_BIN BUILD_DIR
bin=$1
build=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 0; }
[ -x "$build/gen_soulsync" ] || { echo "FAIL: $build/gen_soulsync not built" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-consistency.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2

# The example's configuration; its paths (logs/...) match nothing here, so
# serve tails nothing and every front end reads the same store.
mkdir conf
cp "$src"/examples/soulsync/*.yaml conf/ || exit 2
"$build/gen_soulsync" --out data --scale 0.2 >gen.log 2>&1 || { cat gen.log >&2; exit 1; }
"$bin" ingest -q -c conf --db h.db data/* || exit 1
ann() { "$bin" annotate -c conf --db h.db "$@" >/dev/null; }
ann --service core-matching --kind deploy --text "matcher v2.14" --at 2026-10-21T09:00:00Z || exit 1
ann --service core-matching --kind incident --text "GPU pool outage" --at 2026-10-21T12:10:00Z || exit 1
ann --service realtime-chat --kind maintenance --text "Redis upgrade" --at 2026-10-25T02:00:00Z \
  --until 2026-10-25T03:00:00Z || exit 1
ann --service ai-report --kind deploy --text "reports v7" --at 2026-10-28T05:00:00Z || exit 1
# Alert rounds every 5 minutes over the outage, then at the other instants.
python3 - "$bin" <<'EOF' || exit 1
import subprocess, sys, datetime
bin_ = sys.argv[1]
t = datetime.datetime(2026, 10, 21, 11, 0, tzinfo=datetime.timezone.utc)
ts = []
while t <= datetime.datetime(2026, 10, 21, 16, 0, tzinfo=datetime.timezone.utc):
    ts.append(t)
    t += datetime.timedelta(minutes=5)
ts += [datetime.datetime(2026, 10, 28, 12, 0, tzinfo=datetime.timezone.utc),
       datetime.datetime(2026, 11, 1, 0, 0, tzinfo=datetime.timezone.utc)]
for t in ts:
    subprocess.run([bin_, "evaluate", "-c", "conf", "--db", "h.db", "--at", t.strftime("%Y-%m-%dT%H:%M:%SZ")],
                   check=True, capture_output=True)
EOF

python3 - "$bin" <<'EOF'
import calendar, json, re, subprocess, sys, time, urllib.request, urllib.error
bin_ = sys.argv[1]
bad = 0
checks = 0
def check(cond, what):
    global bad, checks
    checks += 1
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        bad += 1
def run(*args, ok=(0,)):
    p = subprocess.run([bin_] + list(args), capture_output=True)
    if p.returncode not in ok:
        print(p.stderr.decode(), file=sys.stderr)
        raise SystemExit("%s exited %d" % (" ".join(args), p.returncode))
    return p
def diff(a, b, path="$"):
    """The first difference between two JSON values, or None."""
    if type(a) != type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return "%s: %r vs %r" % (path, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in one" % (path, k)
            d = diff(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)

def get(url, path):
    try:
        with urllib.request.urlopen(url + path, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def html_data(html):
    m = re.search(r"window\.HEADROOM_DATA = (.*?);\nwindow\.HEADROOM_DATA\.details = (.*?);\n"
                  r"(?:window\.HEADROOM_DATA\.journeys = (.*?);\n)?</script>", html, re.S)
    return json.loads(m.group(1)), json.loads(m.group(2)), json.loads(m.group(3)) if m.group(3) else None

def metrics(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, value = line.rsplit(" ", 1)
        out[name] = float(value)
    return out

services = ["core-matching", "realtime-chat", "ai-report"]
risks = ["fix", "low", "normal", "high"]
instants = ["2026-10-21T12:00:00Z", "2026-10-21T12:40:00Z", "2026-10-21T13:00:00Z", "2026-10-21T14:00:00Z",
            "2026-10-28T12:00:00Z", "2026-11-01T00:00:00Z"]
for at in instants:
    rep = json.loads(run("report", "-c", "conf", "--db", "h.db", "--at", at, "--format", "json").stdout)
    data, details, journeys = html_data(run("report", "-c", "conf", "--db", "h.db", "--at", at, "--format", "html").stdout.decode())
    gates = {(s, r): json.loads(run("gate", "-c", "conf", "--db", "h.db", "--at", at, "--service", s, "--risk", r,
                                    "--format", "json", ok=(0, 1)).stdout) for s in services for r in risks}
    srv = subprocess.Popen([bin_, "serve", "-c", "conf", "--db", "h.db", "--at", at, "--listen", "127.0.0.1:0", "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = srv.stdout.readline().decode().split()[-1].rstrip("/")
        s, b = get(url, "/api/v1/slos")
        api = json.loads(b)
        check(s == 200 and diff(rep, api) is None, "%s: GET /api/v1/slos == report --format json: %s" % (at, diff(rep, api)))
        check(diff(rep, data) is None, "%s: the HTML report's data == report --format json: %s" % (at, diff(rep, data)))
        s, b = get(url, "/api/v1/journeys")
        check(s == 200 and journeys == json.loads(b),
              "%s: the HTML report's journeys == GET /api/v1/journeys" % at)
        for slo in rep["slos"]:
            s, b = get(url, "/api/v1/slos/" + slo["name"])
            page = json.loads(b)
            d = diff(details.get(slo["name"]), page)
            check(s == 200 and d is None, "%s: %s: the HTML report's page == GET /api/v1/slos/NAME: %s" % (at, slo["name"], d))
            members = {k: v for k, v in page.items() if k in slo}
            check(diff(slo, members) is None, "%s: %s: the page carries the report's figures" % (at, slo["name"]))
            ser = page["series"]
            check(ser["t"][-1] == calendar.timegm(time.strptime(at, "%Y-%m-%dT%H:%M:%SZ")),
                  "%s: %s: the series ends at the instant" % (at, slo["name"]))
            if slo["sli"] is not None:
                check(abs(ser["sli"][-1] - slo["sli"]) < 1e-12 and abs(ser["budget_remaining"][-1] - slo["budget_remaining"]) < 1e-9,
                      "%s: %s: the rolling SLI and budget end at the report's" % (at, slo["name"]))
            for e in page.get("bad_events", []):
                check(e["at"][:19] + "Z" < at,
                      "%s: %s: bad event %s is before the instant" % (at, slo["name"], e["at"]))
            thr = [t["name"] for t in page["thresholds"]]
            if slo["name"].split(".")[0] in ("matching-journey", "chat-journey", "report-journey"):
                # the example's composites (one per journey) have no alertPolicies, nor have their components
                check(len(thr) == 0, "%s: %s: no alert conditions, no thresholds (%r)" % (at, slo["name"], thr))
            else:
                check(len(thr) > 0, "%s: %s: the page has the SLO's thresholds" % (at, slo["name"]))
            if slo["service"] == "core-matching":
                check(any(t["kind"] == "deploy" and t["text"] == "matcher v2.14" for t in page["timeline"]) ==
                      (at >= "2026-10-21T09:00:00Z" and at < "2026-11-18"),
                      "%s: %s: the deploy is on the timeline" % (at, slo["name"]))
        s, b = get(url, "/metrics")
        m = metrics(b.decode())
        for slo in rep["slos"]:
            lab = 'service="%s",slo="%s"' % (slo["service"], slo["name"])
            if slo["sli"] is None:
                check("headroom_slo_sli_ratio{%s}" % lab not in m, "%s: no SLI gauge without data" % at)
            else:
                check(abs(m["headroom_slo_sli_ratio{%s}" % lab] - slo["sli"]) < 1e-12, "%s: %s: sli gauge" % (at, slo["name"]))
            check(abs(m["headroom_slo_budget_remaining_ratio{%s}" % lab] - slo["budget_remaining"]) < 1e-12,
                  "%s: %s: budget gauge" % (at, slo["name"]))
            for w, v in slo["burn_rate"].items():
                check(abs(m['headroom_slo_burn_rate{%s,window="%s"}' % (lab, w)] - v) < 1e-9,
                      "%s: %s: burn gauge %s" % (at, slo["name"], w))
            check(m['headroom_slo_status{%s,status="%s"}' % (lab, slo["status"])] == 1, "%s: %s: status gauge" % (at, slo["name"]))
            check(m['headroom_slo_burning{%s,level="%s"}' % (lab, slo["burning_now"]["level"])] == 1,
                  "%s: %s: burning gauge" % (at, slo["name"]))
        for (svc, r), cli in gates.items():
            s, b = get(url, "/api/v1/gate?service=%s&risk=%s" % (svc, r))
            g = json.loads(b)
            d = diff(cli, g)
            check(s == 200 and d is None, "%s: gate %s %s: CLI == API: %s" % (at, svc, r, d))
            check(g["deciding_slo"] in [x["name"] for x in g["slos"]] and all(x["service"] == svc for x in g["slos"]),
                  "%s: gate %s %s names one of the service's SLOs" % (at, svc, r))
    finally:
        srv.terminate()
        srv.wait(timeout=30)
    if at == "2026-10-21T13:00:00Z":
        ma = next(x for x in rep["slos"] if x["name"] == "matching-availability")
        check(ma["burning_now"]["level"] == "burning", "during the outage matching-availability burns: %r" % ma["burning_now"])
        page = details["matching-availability"]
        firing = [a for a in page["alerts"] if a["state"] == "firing"]
        check(len(firing) >= 1 and all(a["fired_at"] <= at and a["resolved_at"] is None for a in firing),
              "during the outage its alerts are firing: %r" % page["alerts"])
        conds = [a["condition"] for a in page["alerts"]]
        check(len(conds) == len(set(conds)), "each alert once: %r" % conds)
        check(any(t["source"] == "alert" and t["kind"] == "firing" for t in page["timeline"]),
              "the firing is on the timeline")
        check(any(t["kind"] == "incident" for t in page["timeline"]), "the incident annotation is on the timeline")
        g = gates[("core-matching", "normal")]
        check(g["decision"] == "deny" and g["deciding_slo"] == "matching-availability", "the gate denies on it: %r" % g["reason"])
    if at == "2026-10-21T12:00:00Z":
        page = details["matching-availability"]
        check(all(a["state"] != "firing" for a in page["alerts"]), "before the outage nothing fires: %r" % page["alerts"])
print("consistency: %d checks, %d failed" % (checks, bad))
sys.exit(1 if bad else 0)
EOF
