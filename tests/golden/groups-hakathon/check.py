"""Every group of the grouped SLOs over a real nginx log (combined format),
evaluated again by ../../data/synth/ref.py (its own parser of the combined format)."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "data", "synth"))
import ref  # noqa: E402

SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared"))
LOG = os.path.join(SHARED, "data", "real", "wordpress-hakathon-wap", "access.log")
parse = ref.parse_combined


def availability(name):
    return ref.Slo(name, "wordpress", 0.995, ref.rolling(30), good=ref.lt("status", 500),
                   total=ref.neg(ref.both(ref.ge("status", 400), ref.lt("status", 500))))


SLOS = [(availability("site-availability"), ["path"], 10), (availability("by-method"), ["method", "protocol"], 100)]
c = ref.check_groups(sys.argv[1], LOG, parse, SLOS, "2025-05-03T00:00:00Z")
c.done("groups-hakathon")
