/* test_canary.c -- the canary's figures and verdict from its counts
 * (engine/canary.h: canary_judge()): hold below --min-events and always
 * without events, rollback only when the canary is both significantly worse
 * (core/fisher.h, tests/unit/test_fisher.c) and burning faster than 1x,
 * promote otherwise; exit codes and the texts for people. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/canary.h"

static void test_judge(void **state) {
  (void)state;
  static const struct {
    uint64_t cg, cv, bg, bv;
    double target;
    uint64_t min;
    enum hr_canary_verdict v;
    const char *reason; /* a piece of it */
  } t[] = {
      {95, 99, 99900, 100000, 0.99, 100, HR_CANARY_HOLD, "the canary has 99 valid events"},
      {950, 1000, 90, 99, 0.99, 100, HR_CANARY_HOLD, "the baseline has 99 valid events"},
      {0, 0, 0, 0, 0.99, 100, HR_CANARY_HOLD, "the canary has 0 valid events and the baseline 0"},
      {0, 0, 9, 10, 0.99, 1, HR_CANARY_HOLD, "the canary has 0 valid events"}, /* never a verdict on nothing */
      {970, 1000, 99800, 100000, 0.99, 100, HR_CANARY_ROLLBACK, "the canary fails 3 % of its events"},
      {1999, 2000, 99800, 100000, 0.99, 100, HR_CANARY_PROMOTE, "no more often"},
      {995, 1000, 99990, 100000, 0.99, 100, HR_CANARY_PROMOTE, "within the SLO's budget"}, /* 0.5x */
      {997, 1000, 99995, 100000, 0.999, 100, HR_CANARY_ROLLBACK, "at 3\xc3\x97"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    struct hr_canary c;
    memset(&c, 0, sizeof c);
    c.canary.good = t[i].cg;
    c.canary.valid = t[i].cv;
    c.baseline.good = t[i].bg;
    c.baseline.valid = t[i].bv;
    c.min_events = t[i].min;
    canary_judge(&c, t[i].target);
    if (c.verdict != t[i].v || strstr(c.reason, t[i].reason) == NULL)
      fail_msg("case %zu: %s (%s), want %s with '%s'", i, canary_verdict_name(c.verdict), c.reason,
               canary_verdict_name(t[i].v), t[i].reason);
    assert_int_equal(c.has_p, t[i].cv > 0 && t[i].bv > 0);
    if (t[i].cv > 0) {
      assert_true(fabs(c.canary.sli - (double)t[i].cg / (double)t[i].cv) < 1e-15);
      assert_true(fabs(c.canary.burn_rate - (1 - c.canary.sli) / (1 - t[i].target)) < 1e-9);
    }
  }
  assert_int_equal(canary_exit_code(HR_CANARY_PROMOTE), 0);
  assert_int_equal(canary_exit_code(HR_CANARY_ROLLBACK), 1);
  assert_int_equal(canary_exit_code(HR_CANARY_HOLD), 3);
  char b[32];
  assert_string_equal(canary_p_text(0.0496, b, sizeof b), "p = 0.0496");
  assert_string_equal(canary_p_text(0.00003, b, sizeof b), "p < 0.0001");
  assert_string_equal(canary_p_text(0.41234, b, sizeof b), "p = 0.41");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_judge)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
