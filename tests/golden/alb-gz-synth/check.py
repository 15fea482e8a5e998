"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py
(T without --at: the last event's minute rounded up)."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "alb.log.gz")
SLOS = [
    ref.Slo("latency", "jobs", 0.8, ref.rolling(28), good=ref.lt("duration", 0.5)),
    ref.Slo("availability", "jobs", 0.9, ref.rolling(28), good=ref.lt("status", 500)),
]
c, _, _ = ref.check_report(sys.argv[1], LOG, ref.parse_alb, SLOS)
c.done("alb-gz-synth")
