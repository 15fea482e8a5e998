"""The composite's components recomputed from the log by ../../data/synth/ref.py,
then the composite from them: docs/internals/math.md, "Composite SLOs"."""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "synth"))
import ref  # noqa: E402

LOG = os.path.join(os.path.dirname(ref.__file__), "alb.log")
AT = "2026-02-10T23:00:00Z"
WEIGHTS = [3.0, 1.0]
SLOS = [
    ref.Slo("journey.availability", "shop", 0.75, ref.rolling(28), good=ref.lt("status", 400)),
    ref.Slo("journey.latency", "shop", 0.7, ref.rolling(28), good=ref.lt("duration", 0.1), total=ref.lt("status", 400)),
]


def no_conditions(r):
    """Burning now without alert conditions: elevated when the 1h burn is above 1."""
    b = r["burn_rate"]["1h"]
    return {"level": "elevated" if r["valid"] and b > 1 else "ok", "burn_rate": b, "threshold": 1,
            "lookback": "1h", "condition": None}


events, stats = ref.read_log(LOG, ref.parse_alb)
t = ref.iso_us(AT)
got = json.load(open(sys.argv[1]))
c = ref.Checker()
c.same("slo names", [s.name for s in SLOS] + ["journey"], [s["name"] for s in got["slos"]])
wants = []
for s, g in zip(SLOS, got["slos"]):
    w = ref.data_health(ref.evaluate_latched(s, events, t), events, stats, t)
    w["burning_now"] = no_conditions(w)
    c.slo(w, g)
    wants.append(w)
k = got["slos"][-1]
W = sum(WEIGHTS)
consumed = sum(w * (1 - r["budget_remaining"]) for w, r in zip(WEIGHTS, wants) if r["valid"])
remaining = 1 - consumed / W
c.same("journey.budget_remaining", remaining, k["budget_remaining"])
with_data = [(w, r) for w, r in zip(WEIGHTS, wants) if r["valid"]]
c.same("journey.sli", sum(w * r["sli"] for w, r in with_data) / sum(w for w, _ in with_data), k["sli"])
c.same("journey.target", (3 * 0.75 + 1 * 0.7) / W, k["target"])
c.same("journey.good", sum(r["good"] for r in wants), k["good"])
c.same("journey.valid", sum(r["valid"] for r in wants), k["valid"])
budget_s = sum(w * r["budget_seconds"] for w, r in zip(WEIGHTS, wants)) / W
c.same("journey.budget_seconds", budget_s, k["budget_seconds"])
c.same("journey.budget_remaining_seconds", remaining * budget_s, k["budget_remaining_seconds"])
for key in wants[0]["burn_rate"]:
    c.same("journey.burn_rate." + key, sum(w * r["burn_rate"][key] for w, r in zip(WEIGHTS, wants)) / W,
           k["burn_rate"][key])
b1h = sum(w * r["burn_rate"]["1h"] for w, r in zip(WEIGHTS, wants)) / W
tte = 0 if remaining <= 0 else (remaining * wants[0]["window_seconds"] / b1h if b1h > 0 else None)
c.same("journey.time_to_exhaustion_seconds", tte, k["time_to_exhaustion_seconds"])
low = all(r["events"]["1h"]["low_traffic"] for r in wants)
c.same("journey.status", ref.status_of(remaining, sum(r["valid"] for r in wants), b1h, low), k["status"])
for i, (s, w, r) in enumerate(zip(SLOS, WEIGHTS, wants)):
    want = {"name": s.name, "weight": w, "target": s.target, "sli": r["sli"], "budget_remaining": r["budget_remaining"],
            "budget_consumed": 1 - r["budget_remaining"] if r["valid"] else 0, "status": r["status"]}
    for key, v in want.items():
        c.same("journey.components[%d].%s" % (i, key), v, k["components"][i][key])
c.done("composite-synth")
