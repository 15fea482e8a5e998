"""Every figure of the report, recomputed from the log by ../../data/synth/ref.py
(the calendar week from the zone's own rules, through Python's zoneinfo)."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "apache.log")
WEEK = ref.calendar_week("2026-03-02 00:00:00", "America/New_York")
SLOS = [
    ref.Slo("site-availability", "docs", 0.97, WEEK, bad=ref.ge("status", 500)),
    ref.Slo("latency", "docs", 0.9, WEEK, good=ref.lt("duration", 0.25), total=ref.lt("status", 500)),
]
c, _, _ = ref.check_report(sys.argv[1], LOG, ref.parse_apache, SLOS, at="2026-03-08T18:00:00Z")
c.done("apache-synth")
