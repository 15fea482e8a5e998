"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "alb.log")
SLOS = [
    ref.Slo("availability", "shop", 0.999, ref.rolling(28), good=ref.lt("status", 400)),
    ref.Slo("favicons", "shop", 0.99, ref.rolling(7), good=ref.eq("status", 200),
            total=ref.match("path", "^/favicons/")),
    ref.Slo("latency", "shop", 0.95, ref.rolling(28), good=ref.lt("duration", 0.1), total=ref.lt("status", 400)),
]
c, _, _ = ref.check_report(sys.argv[1], LOG, ref.parse_alb, SLOS, at="2026-02-11T00:00:00Z")
c.done("alb-synth")
