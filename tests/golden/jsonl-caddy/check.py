"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py
with python3's json module: nested keys walked by hand (request.uri,
request.headers.User-Agent[0]), ts read exactly (decimal, not float)."""
import decimal
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(HERE, "..", "..", "data", "formats", "caddy.jsonl")


def parse(line):
    rec = json.loads(line, parse_float=decimal.Decimal)
    req = rec["request"]
    return {"ts": int(rec["ts"] * ref.US), "status": rec["status"], "path": req["uri"], "method": req["method"],
            "host": req["host"], "duration": float(rec["duration"]), "proto": req["proto"],
            "ua": req["headers"]["User-Agent"][0], "tls": req["tls"]["version"]}


API = ref.match("path", "^/api/")
SLOS = [
    ref.Slo("api-availability", "api", 0.95, ref.rolling(7), good=ref.lt("status", 500), total=API),
    ref.Slo("api-latency", "api", 0.9, ref.rolling(7), good=ref.lt("duration", 0.25),
            total=lambda e: API(e) and e["method"] == "GET" and e["status"] < 500 and e["host"] == "api.example.com"),
    ref.Slo("h2-curl-availability", "api", 0.9, ref.rolling(7), bad=ref.ge("status", 500),
            total=lambda e: e["proto"] == "HTTP/2.0" and e["ua"].startswith("curl/") and e["tls"] == 772),
]
c, wants, _ = ref.check_report(sys.argv[1], LOG, parse, SLOS, at="2026-03-18T06:00:00Z")
if not all(w["valid"] > 0 for w in wants):
    print("reference: an SLO counts nothing: the case would prove nothing")
    sys.exit(1)
c.done("jsonl-caddy")
