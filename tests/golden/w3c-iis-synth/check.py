"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py
with the W3C reader of w3c_ref.py there (its own split of each line by the
columns of the last #Fields:, time-taken in milliseconds for IIS)."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "data", "synth"))
import ref  # noqa: E402
import w3c_ref  # noqa: E402

LOG = os.path.join(HERE, "..", "..", "data", "formats", "iis.log")
API = ref.match("path", "^/api/")
SLOS = [
    ref.Slo("api-availability", "api", 0.95, ref.rolling(7), good=ref.lt("status", 500), total=API),
    ref.Slo("api-latency", "api", 0.9, ref.rolling(7), good=ref.lt("duration", 0.25),
            total=lambda e: API(e) and e["method"] == "GET" and e["status"] < 500),
    ref.Slo("backend-errors", "api", 0.95, ref.rolling(7), bad=lambda e: e["win32"] != 0,
            total=ref.match("ua", "^Mozilla/")),
]
c, wants, _ = ref.check_report(sys.argv[1], LOG, w3c_ref.reader(), SLOS, at="2026-03-18T06:00:00Z")
if not all(w["valid"] > 0 for w in wants):
    print("reference: an SLO counts nothing: the case would prove nothing")
    sys.exit(1)
c.done("w3c-iis-synth")
