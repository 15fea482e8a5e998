"""The breakdown by path, recomputed from the log by ../../data/synth/ref.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "nginx.log")
SLOS = [
    ref.Slo("site-availability", "shop", 0.995, ref.rolling(30), good=ref.lt("status", 500),
            total=ref.neg(ref.both(ref.ge("status", 400), ref.lt("status", 500)))),
    ref.Slo("latency", "shop", 0.8, ref.rolling(7), good=ref.lt("duration", 0.3), total=ref.lt("status", 400)),
    ref.Slo("upstream-latency", "shop", 0.75, ref.rolling(7), good=ref.lt("upstream_response_time", 0.25),
            total=ref.lt("upstream_status", 500)),
]
c = ref.check_breakdown(sys.argv[1], LOG, ref.parse_nginx, SLOS, "path", "2026-04-03T00:00:00Z", 7 * 86400, 6)
c.done("breakdown-synth")
