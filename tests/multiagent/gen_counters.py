#!/usr/bin/env python3
"""Synthetic headroom_slo_{valid,good}_total counters for tests/cli/prometheus.sh.

Writes an OpenMetrics file (for `promtool tsdb create-blocks-from openmetrics`)
and prints, as JSON, the exact good/valid counts headroom must read back at a
few instants: over the whole data and over the last hour.

Two agents (instance a, b) scrape every 15 s for 3 hours before END. Agent b
restarts at RESET (its counters start again from 0), which Prometheus sees as
a counter reset. Between 10:30 and 10:45 one request in three fails.
The expected counts are computed per sample: the increase since the previous
sample, or the new value after a drop (a reset). Every sample before an
instant counts; the first sample of a series is a starting point, not events.
"""
import json
import random
import sys

END = 1704888000          # 2024-01-10T12:00:00Z
START = END - 3 * 3600
RESET = END - 80 * 60      # b's last sample before its restart (a whole minute)
STEP = 15

def main():
    out = sys.argv[1]
    at = [int(x) for x in sys.argv[2:]]
    rnd = random.Random(20240110)
    series = {}  # (metric, instance) -> [(t, v)]
    for inst in ("a", "b"):
        v = g = 0
        vs, gs = [], []
        for t in range(START, END + 1, STEP):
            if inst == "b" and t == RESET + STEP:
                v = g = 0  # restarted
            if t > START:
                n = rnd.randint(0, 40)
                bad_p = 0.33 if END - 90 * 60 <= t < END - 75 * 60 else 0.01
                bad = sum(1 for _ in range(n) if rnd.random() < bad_p)
                v += n
                g += n - bad
            vs.append((t, v))
            gs.append((t, g))
        series[("headroom_slo_valid_total", inst)] = vs
        series[("headroom_slo_good_total", inst)] = gs
    with open(out, "w") as f:
        for fam in ("headroom_slo_valid", "headroom_slo_good"):
            f.write("# HELP %s events\n# TYPE %s counter\n" % (fam, fam))
            for inst in ("a", "b"):
                for t, v in series[(fam + "_total", inst)]:
                    f.write('%s_total{service="api",slo="avail",instance="%s"} %d %d\n' % (fam, inst, v, t))
        f.write("# EOF\n")

    def count(metric, inst, lo, hi):
        """events in samples with lo < t <= hi"""
        s = series[(metric, inst)]
        c = 0
        for (t0, v0), (t1, v1) in zip(s, s[1:]):
            if lo < t1 <= hi:
                c += v1 - v0 if v1 >= v0 else v1
        return c

    res = {}
    for t in at:
        r = {}
        for key, lo in (("all", 0), ("1h", t - 3600)):
            for inst in ("a", "b", "ab"):
                insts = ("a", "b") if inst == "ab" else (inst,)
                r["%s_%s_valid" % (key, inst)] = sum(count("headroom_slo_valid_total", i, lo, t) for i in insts)
                r["%s_%s_good" % (key, inst)] = sum(count("headroom_slo_good_total", i, lo, t) for i in insts)
        res[str(t)] = r
    print(json.dumps(res))

main()
