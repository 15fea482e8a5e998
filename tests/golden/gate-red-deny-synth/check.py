"""The figures, the decision and the exit code, recomputed by ../../data/synth/ref.py."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "nginx.log")
SITE = ref.Slo("site-availability", "shop", 0.995, ref.rolling(30), good=ref.lt("status", 500),
               total=ref.neg(ref.both(ref.ge("status", 400), ref.lt("status", 500))))
ref.check_gate(sys.argv[1], os.environ["GOT_EXIT"], LOG, ref.parse_nginx, [SITE], "shop", "normal",
               "2026-04-03T00:00:00Z")
