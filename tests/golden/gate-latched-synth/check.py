"""The figures (the latch walked minute by minute), the decision and the exit
code, recomputed by ../../data/synth/ref.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "latch.jsonl")
SLO = ref.Slo("api-availability", "api", 0.98, ref.rolling(7), good=ref.lt("status", 500))
ref.check_gate(sys.argv[1], os.environ["GOT_EXIT"], LOG, ref.parse_latch_jsonl, [SLO], "api", "low",
               "2026-03-22T02:00:00Z")
