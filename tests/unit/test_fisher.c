/* test_fisher.c -- the one-sided Fisher exact test (core/fisher.h) that
 * `canary` judges with.
 *
 * The p-values are those of tests/unit/fisher_ref.py, which sums the
 * hypergeometric tail in exact integers (math.comb, fractions); the first
 * row is also R's fisher.test(matrix(c(3, 1, 1, 3), 2), alternative =
 * "greater") (the lady tasting tea: 0.2429). Regenerate the table with
 * `python3 tests/unit/fisher_ref.py`. Beyond what python sums quickly, the
 * two tails of a million-event table must add up to 1. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/fisher.h"

static const struct {
  uint64_t x, n1, k, n; /* sample bad, sample size, all bad, all */
  double p;             /* P(X >= x), exact, rounded once */
} cases[] = {
    {3, 4, 4, 8, 0.24285714285714285},
    {4, 4, 4, 8, 0.014285714285714285},
    {0, 4, 4, 8, 1},
    {1, 5, 2, 20, 0.44736842105263158},
    {2, 5, 2, 20, 0.052631578947368418},
    {0, 0, 0, 10, 1},
    {5, 10, 5, 10, 1},
    {1, 1, 1, 1, 1},
    {7, 12, 9, 30, 0.009107753815399992},
    {3, 100, 5, 10000, 9.5642050580885058e-06},
    {12, 1200, 30, 120000, 6.9424615376575372e-17},
    {1, 1200, 120, 120000, 0.70079960534289099},
    {2, 1200, 120, 120000, 0.33776881835404093},
    {3, 1200, 120, 120000, 0.11954871876709387},
    {0, 1200, 120, 120000, 1},
    {40, 5000, 260, 50000, 0.0040654884004538219},
    {60, 5000, 300, 50000, 1.4985709901526934e-07},
    {2000, 20000, 20000, 200000, 0.50389860220572702},
    {2150, 20000, 20000, 200000, 0.00011589963910325083},
    {1900, 20000, 20000, 200000, 0.99398330948653468},
    {30, 2000, 1500, 200000, 0.00036687925943117313},
};

static void test_fisher_exact(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double p = fisher_greater(cases[i].x, cases[i].n1, cases[i].k, cases[i].n);
    double rel = fabs(p - cases[i].p) / cases[i].p;
    if (rel > 1e-9)
      fail_msg("case %zu (%llu of %llu, %llu of %llu): got %.17g, want %.17g (relative error %.2g)", i,
               (unsigned long long)cases[i].x, (unsigned long long)cases[i].n1, (unsigned long long)cases[i].k,
               (unsigned long long)cases[i].n, p, cases[i].p, rel);
  }
  assert_true(fabs(fisher_greater(3, 4, 4, 8) - 0.2429) < 5e-5); /* R's printout */
}

/* P(X >= x) + P(X <= x - 1) = 1, and P(X <= x - 1) is the upper tail of
 * the sample's good events: P(n1 - X >= n1 - x + 1). */
static void test_fisher_large(void **state) {
  (void)state;
  static const struct {
    uint64_t x, n1, k, n;
  } big[] = {
      {2000, 100000, 20000, 1000000},    /* at the mean */
      {2100, 100000, 20000, 1000000},    /* 2.3 sd above */
      {1950, 100000, 20000, 1000000},    /* below */
      {150, 20000, 1000, 2000000},       /* a 1 % canary of two million events */
      {60300, 200000, 300000, 1000000},  /* an outage: 30 % bad, 1.6 sd above */
      {50050, 100000, 1000000, 2000000}, /* many terms either side */
  };
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
    double up = fisher_greater(big[i].x, big[i].n1, big[i].k, big[i].n);
    double down = fisher_greater(big[i].n1 - big[i].x + 1, big[i].n1, big[i].n - big[i].k, big[i].n);
    if (!(up > 0 && up <= 1 && down > 0 && down <= 1) || fabs(up + down - 1) > 1e-8)
      fail_msg("case %zu: upper %.17g + lower %.17g = %.17g", i, up, down, up + down);
  }
  /* Monotone in x, and 1 at or below the smallest value X can take. */
  double prev = 1;
  for (uint64_t x = 0; x <= 40; x++) {
    double p = fisher_greater(x, 20000, 1000, 2000000);
    assert_true(p <= prev + 1e-15);
    prev = p;
  }
  assert_true(fisher_greater(0, 10, 3, 20) == 1);
  assert_true(fisher_greater(5, 10, 15, 20) == 1); /* at least 5 of the 10 are bad: certain */
  assert_true(fisher_greater(11, 10, 15, 20) < 0); /* impossible tables */
  assert_true(fisher_greater(1, 30, 3, 20) < 0);
}

/* The Poisson upper tail against mpmath's regularized lower incomplete gamma
 * P(k, lambda) = P(X >= k) at 40 digits, from the guard's small counts to
 * the 3-day lookback of a busy service. */
static void test_poisson_greater(void **state) {
  (void)state;
  static const struct {
    uint64_t k;
    double lambda, want;
  } pcases[] = {
      {3, 0.12, 0.00026328373242004847}, {5, 0.72, 0.0008896714842897687}, {87, 6, 6.3126843275065692e-68},
      {497, 432, 0.0011895455509952438}, {400, 432, 0.94246166068979419},  {4500, 4320, 0.0033144733697997424},
  };
  for (size_t i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
    double got = poisson_greater(pcases[i].k, pcases[i].lambda);
    assert_true(fabs(got - pcases[i].want) <= 1e-9 * pcases[i].want);
  }
  assert_true(poisson_greater(0, 3) == 1);
  assert_true(poisson_greater(0, 0) == 1);
  assert_true(poisson_greater(1, 0) == 0);
  assert_true(fabs(poisson_greater(1, 0.5) - (1 - exp(-0.5))) < 1e-15);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fisher_exact), cmocka_unit_test(test_fisher_large),
                                     cmocka_unit_test(test_poisson_greater)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
