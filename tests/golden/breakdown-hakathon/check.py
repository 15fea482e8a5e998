"""The breakdown by path of a real nginx log (combined format), recomputed
with a parser of its own and ../../data/synth/ref.py's counting."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "data", "synth"))
import ref  # noqa: E402

SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared"))
LOG = os.path.join(SHARED, "data", "real", "wordpress-hakathon-wap", "access.log")
parse = ref.parse_combined


SLOS = [ref.Slo("site-availability", "wordpress", 0.995, ref.rolling(30), good=ref.lt("status", 500),
                total=ref.neg(ref.both(ref.ge("status", 400), ref.lt("status", 500))))]
c = ref.check_breakdown(sys.argv[1], LOG, parse, SLOS, "path", "2025-05-03T00:00:00Z", 30 * 86400, 12)
c.done("breakdown-hakathon")
