#!/usr/bin/env python3
"""fisher_ref.py -- the reference values of tests/unit/test_fisher.c,
computed independently of headroom: the hypergeometric upper tail
P(X >= x) = sum_i C(k, i) C(n - k, n1 - i) / C(n, n1) in exact integers
(math.comb, fractions; each term from the one before by exact integer
steps), rounded to a double only at the end.

    python3 tests/unit/fisher_ref.py > /tmp/cases.inc   # rows for cases[]

Each row: {x, n1, k, n, p} with x the sample's bad events, n1 its size,
k all bad events, n all events (the order of fisher_greater())."""
from fractions import Fraction
from math import comb

CASES = [
    # small tables (R: fisher.test(matrix(c(x, k-x, n1-x, n-n1-k+x), 2), alternative = "greater"))
    (3, 4, 4, 8),          # the lady tasting tea: 0.2428571
    (4, 4, 4, 8),
    (0, 4, 4, 8),
    (1, 5, 2, 20),
    (2, 5, 2, 20),
    (0, 0, 0, 10),
    (5, 10, 5, 10),        # every bad event in the sample, every event bad there
    (1, 1, 1, 1),
    (7, 12, 9, 30),
    # canary-sized: 1 % of traffic, a few bad
    (3, 100, 5, 10000),
    (12, 1200, 30, 120000),     # canary 1 % bad, the rest 0.015 %
    (1, 1200, 120, 120000),     # the same share as the rest (0.1 %)
    (2, 1200, 120, 120000),
    (3, 1200, 120, 120000),
    (0, 1200, 120, 120000),
    (40, 5000, 260, 50000),
    (60, 5000, 300, 50000),
    # large: the tail holds the peak (many terms), and a far tail (few)
    (2000, 20000, 20000, 200000),     # at the mode: p ~ 0.5
    (2150, 20000, 20000, 200000),     # 3.5 sd above
    (1900, 20000, 20000, 200000),     # below the mode: p ~ 1
    (30, 2000, 1500, 200000),
]


def tail(x, n1, k, n):
    lo = max(0, n1 + k - n)
    hi = min(k, n1)
    if x <= lo:
        return Fraction(1)
    # every term of the tail, exactly: C(k, i) C(n - k, n1 - i) is an
    # integer, and so is each step of its recurrence in i.
    t = comb(k, x) * comb(n - k, n1 - x)
    num = 0
    for i in range(x, hi + 1):
        num += t
        if i < hi:
            t = t * (k - i) * (n1 - i) // ((i + 1) * (n - k - n1 + i + 1))
    return Fraction(num, comb(n, n1))


if __name__ == "__main__":
    for x, n1, k, n in CASES:
        print("    {%d, %d, %d, %d, %.17g}," % (x, n1, k, n, float(tail(x, n1, k, n))))
