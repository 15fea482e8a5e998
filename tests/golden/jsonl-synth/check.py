"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "api.jsonl")
API = ref.match("path", "^/api/")
SLOS = [
    ref.Slo("api-availability", "api", 0.95, ref.rolling(7), good=ref.lt("status", 500), total=API),
    ref.Slo("api-latency", "api", 0.9, ref.rolling(7), good=ref.lt("duration", 0.25),
            total=ref.both(API, ref.lt("status", 500))),
]
c, _, _ = ref.check_report(sys.argv[1], LOG, ref.parse_api_jsonl, SLOS, at="2026-03-19T00:00:00Z")
c.done("jsonl-synth")
