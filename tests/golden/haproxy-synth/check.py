"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py:
HAProxy's httplog read with one regular expression, the accept date taken
as Europe/Berlin local time by python3's zoneinfo, Ta in milliseconds
('+' = logasap: no duration), status -1 = none."""
import datetime as dt
import os
import re
import sys
import zoneinfo

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(HERE, "..", "..", "data", "formats", "haproxy.log")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
RX = re.compile(r'(\S+):\d+ \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d)\.(\d{3})\] \S+ (\S+)/\S+ '
                r'(-?\d+)/(-?\d+)/(-?\d+)/(-?\d+)/(\+?)(-?\d+) (-?\d+) \+?\d+ \S+ \S+ (\S+) \S+ \S+ '
                r'\{([^}]*)\} "([^"]*)"$')


def parse(line):
    m = RX.search(line)
    if m is None:
        return "shape"
    local = dt.datetime.strptime(m.group(2), "%d/%b/%Y:%H:%M:%S").replace(tzinfo=BERLIN)
    host, ua = m.group(13).split("|")
    e = {"ts": ref.us_of(local) + int(m.group(3)) * 1000, "backend": m.group(4), "Tr": int(m.group(8)),
         "duration": None if m.group(9) == "+" or m.group(10) == "-1" else int(m.group(10)) / 1000,
         "status": None if m.group(11) == "-1" else int(m.group(11)), "term": m.group(12), "host": host,
         "ua": ua}
    e.update(ref.request_fields(m.group(14)))
    return e


API = ref.match("path", "^/api/")
SLOS = [
    ref.Slo("api-availability", "api", 0.95, ref.rolling(7), good=ref.lt("status", 500), total=API),
    ref.Slo("api-latency", "api", 0.9, ref.rolling(7), good=ref.lt("duration", 0.25),
            total=lambda e: API(e) and e["method"] == "GET" and ref.lt("status", 500)(e)
            and e["host"] == "api.example.com"),
    ref.Slo("app-response-time", "api", 0.8, ref.rolling(7), good=ref.lt("Tr", 200),
            total=lambda e: e["backend"] == "api" and e["ua"].startswith("curl/") and e["term"] == "----"),
]
c, wants, _ = ref.check_report(sys.argv[1], LOG, parse, SLOS, at="2026-03-18T06:00:00Z")
if not all(w["valid"] > 0 for w in wants):
    print("reference: an SLO counts nothing: the case would prove nothing")
    sys.exit(1)
c.done("haproxy-synth")
