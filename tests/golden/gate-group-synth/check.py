"""The gate over a grouped SLO: every group evaluated again by
../../data/synth/ref.py, and the decision taken from the reference's
statuses: deny when a group's status forbids a low change (the default
policy allows low in green, yellow and nodata), naming the worst such group."""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "nginx.log")
LAT = ref.Slo("latency", "shop", 0.8, ref.rolling(7), good=ref.lt("duration", 0.3), total=ref.lt("status", 400))
c = ref.check_groups(sys.argv[1], LOG, ref.parse_nginx, [(LAT, ["method", "protocol"], 100)], "2026-04-03T00:00:00Z")
got = json.load(open(sys.argv[1]))
groups = got["slos"][0]["groups"]
deny = [g for g in groups if g["status"] not in ("green", "yellow", "nodata")]
c.same("slo status allows low", True, got["slos"][0]["status"] in ("green", "yellow", "nodata"))
c.same("decision", "deny" if deny else "allow", got["decision"])
c.same("deciding_group", deny[0]["labels"] if deny else None, got.get("deciding_group"))
c.same("exit", "1" if deny else "0", os.environ.get("GOT_EXIT"))
c.done("gate-group-synth")
