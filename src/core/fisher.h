/* fisher.h -- the one-sided Fisher exact test of a 2x2 table, for counts
 * from a handful to billions (docs/cli/canary.md, "The test"), and the
 * Poisson upper tail.
 *
 *              bad        good
 *   sample     x          n1 - x         n1
 *   rest       k - x      ...            n - n1
 *              k                         n
 *
 * With the margins fixed, the sample's bad count X is hypergeometric:
 * P(X = i) = C(k, i) C(n - k, n1 - i) / C(n, n1). fisher_greater() is the
 * upper tail P(X >= x): the chance that a sample no worse than the rest
 * shows at least x bad events. It is R's fisher.test(alternative =
 * "greater") on matrix(c(x, k - x, n1 - x, n - n1 - k + x), 2). */
#ifndef HR_FISHER_H
#define HR_FISHER_H

#include <stdint.h>

/* P(X >= x) for X ~ Hypergeometric(n, k, n1) as above. Requires n1 <= n,
 * k <= n, x <= n1 and x <= k (else returns -1). A value in [0, 1]: 1 when
 * x is at or below the smallest value X can take. The tail's largest term
 * is computed in log space (lgamma), the others from it by the ratio of
 * successive terms, stopping once they no longer change the sum
 * (some ten standard deviations of X: a few thousand terms, microseconds,
 * at 1e8 events). The relative error is that of lgamma's rounding at n:
 * below 1e-9 up to 2e5 events (tests/unit/test_fisher.c against exact
 * sums), about 1e-6 at 1e8 -- far below what a decision at 0.05 notices. */
double fisher_greater(uint64_t x, uint64_t n1, uint64_t k, uint64_t n);

/* P(X >= k) for X ~ Poisson(lambda): the chance that a process whose mean
 * count is lambda shows at least k events (the alerts' low-traffic guard,
 * docs/alerting.md). 1 when k is 0 or lambda <= 0 and k is 0; 0 when
 * lambda <= 0 and k > 0. Above the mean the tail is summed upwards from
 * its largest term (lgamma, then the ratio lambda / (i + 1)); at or below
 * it, one minus the lower tail summed downwards. */
double poisson_greater(uint64_t k, double lambda);

#endif
