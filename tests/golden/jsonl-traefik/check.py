"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py
with python3's json module: Traefik's keys read by their names, Duration in
nanoseconds."""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(HERE, "..", "..", "data", "formats", "traefik.jsonl")


def parse(line):
    rec = json.loads(line)
    return {"ts": ref.iso_us(rec["time"]), "status": rec["DownstreamStatus"], "path": rec["RequestPath"],
            "duration": rec["Duration"] / 1e9, "router": rec["RouterName"]}


API = ref.match("path", "^/api/")
SLOS = [
    ref.Slo("api-availability", "api", 0.95, ref.rolling(7), good=ref.lt("status", 500), total=API),
    ref.Slo("api-latency", "api", 0.9, ref.rolling(7), good=ref.lt("duration", 0.25),
            total=ref.both(ref.both(API, ref.lt("status", 500)), ref.eq("router", "api@docker"))),
]
c, wants, _ = ref.check_report(sys.argv[1], LOG, parse, SLOS, at="2026-03-18T06:00:00Z")
if not all(w["valid"] > 0 for w in wants):
    print("reference: an SLO counts nothing: the case would prove nothing")
    sys.exit(1)
c.done("jsonl-traefik")
