#!/usr/bin/env python3
"""nginx access logs for tests/cli/multiagent.sh, relative to a given instant.

gen_logs.py NOW A.log B.log: 3,000 requests with timestamps in
[NOW - 8 min, NOW - 1 min), every second one to A.log, the others to B.log
(each file in time order). Paths /checkout/... and /browse/... half each.
Incident: between NOW - 5 min and NOW - 2 min, 60 % of /checkout requests
answer 500; otherwise 0.5 % of requests fail. Deterministic for a given NOW.
Prints the counts (valid, good per SLO) as JSON.
"""
import json
import random
import sys
import time

now = int(sys.argv[1])
rnd = random.Random(7)
lines = []
counts = {"checkout": [0, 0], "browse": [0, 0]}
n = 3000
t0 = now - 8 * 60
span = 7 * 60
for k in range(n):
    t = t0 + k * span // n
    slo = "checkout" if rnd.random() < 0.5 else "browse"
    p_bad = 0.6 if slo == "checkout" and now - 300 <= t < now - 120 else 0.005
    status = 500 if rnd.random() < p_bad else 200
    counts[slo][0] += 1
    counts[slo][1] += status < 500
    ts = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
    lines.append('10.0.%d.%d - - [%s] "GET /%s/%d HTTP/1.1" %d 512 "-" "loadgen"\n'
                 % (k % 7, k % 200, ts, slo, k, status))
with open(sys.argv[2], "w") as a, open(sys.argv[3], "w") as b:
    for k, line in enumerate(lines):
        (a if k % 2 == 0 else b).write(line)
print(json.dumps({s: {"valid": v, "good": g} for s, (v, g) in counts.items()}))
