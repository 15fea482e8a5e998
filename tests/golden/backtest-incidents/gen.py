#!/usr/bin/env python3
"""Writes traffic.jsonl: one day (2026-03-02 UTC) of 3 requests a minute, at
seconds 5, 25 and 45, with two incidents at known minutes:
  A  10:00-10:19  every request fails (status 503)           fast burn
  B  18:00-18:59  the request at second 5 fails (1 in 3)      slow burn
Run: python3 gen.py > traffic.jsonl"""
import sys
T0 = 1772409600  # 2026-03-02T00:00:00Z
out = sys.stdout
for m in range(1440):
    for k, sec in enumerate((5, 25, 45)):
        bad = (600 <= m < 620) or (1080 <= m < 1140 and k == 0)
        out.write('{"t":%d,"s":%d}\n' % (T0 + 60 * m + sec, 503 if bad else 200))
