/* stats.h -- order statistics of a sample of doubles: the comparison for
 * qsort() and the nearest-rank quantile (the smallest value with at least
 * q of the sample at or below it), as docs/cli/risk.md and
 * docs/cli/suggest.md define their quantiles. */
#ifndef HR_STATS_H
#define HR_STATS_H

#include <stddef.h>

/* qsort() comparison of doubles, ascending. */
static inline int dbl_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The q-quantile (0 < q <= 1) of sorted[0..n), n >= 1, by nearest rank:
 * sorted[ceil(q * n) - 1] (ceil tolerant of q * n's rounding). */
static inline double nearest_rank(const double *sorted, size_t n, double q) {
  size_t k = (size_t)(q * (double)n + 0.999999999);
  if (k < 1)
    k = 1;
  if (k > n)
    k = n;
  return sorted[k - 1];
}

#endif
