/* test_tally.c -- the (SLO, value, minute) counts behind breakdowns and
 * groups: keys told apart by SLO, value (NULL apart from ""), minute;
 * growth keeps every count; the key limit folds new values into the
 * overflow key without losing an event; pruning drops only old minutes;
 * merge adds; seq keeps the order keys were first put. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/tally.h"

static const struct hr_tally_cell *get(const struct hr_tally *t, uint32_t slo, const char *v, int64_t m) {
  return tally_find(t, slo, v, v ? strlen(v) : 0, m);
}

static void put(struct hr_tally *t, uint32_t slo, const char *v, int64_t m, int good, int64_t ts) {
  tally_put(t, slo, v, v ? strlen(v) : 0, m, (uint64_t)good, 1, ts);
}

static void test_keys(void **state) {
  (void)state;
  struct hr_tally t;
  tally_init(&t, 0);
  put(&t, 0, "/a", 1, 1, 50);
  put(&t, 0, "/a", 1, 0, 40);
  put(&t, 1, "/a", 1, 1, 60);
  put(&t, 0, "/a", 2, 1, 70);
  put(&t, 0, NULL, 1, 0, 80);
  put(&t, 0, "", 1, 1, 90);
  assert_int_equal(t.n, 5);
  const struct hr_tally_cell *c = get(&t, 0, "/a", 1);
  assert_non_null(c);
  assert_int_equal(c->good, 1);
  assert_int_equal(c->valid, 2);
  assert_int_equal(c->first_us, 40);
  assert_int_equal(c->seq, 0);
  assert_int_equal(get(&t, 1, "/a", 1)->valid, 1);
  assert_int_equal(get(&t, 0, "/a", 2)->seq, 2);
  assert_int_equal(get(&t, 0, NULL, 1)->good, 0);
  assert_int_equal(get(&t, 0, "", 1)->good, 1);
  assert_null(get(&t, 0, "/b", 1));
  tally_free(&t);
}

static void test_growth_and_limit(void **state) {
  (void)state;
  struct hr_tally t;
  tally_init(&t, 1000);
  char v[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(v, sizeof v, "/p/%d", i % 2000);
    put(&t, 0, v, 0, i % 3 == 0, i);
  }
  /* 1000 values kept, the other 1000 under the overflow key: 1001 keys */
  assert_int_equal(t.n, 1001);
  uint64_t valid = 0;
  for (size_t i = 0; i < t.cap; i++)
    if (t.c[i].used)
      valid += t.c[i].valid;
  assert_int_equal(valid, 5000);
  const struct hr_tally_cell *o = get(&t, 0, HR_TALLY_OVERFLOW, 0);
  assert_non_null(o);
  assert_int_equal(o->valid, t.overflowed);
  assert_int_equal(get(&t, 0, "/p/999", 0)->valid, 3); /* i = 999, 2999, 4999 */
  assert_null(get(&t, 0, "/p/1000", 0));
  tally_free(&t);
}

static void test_prune_merge(void **state) {
  (void)state;
  struct hr_tally a, b;
  tally_init(&a, 0);
  tally_init(&b, 0);
  for (int m = 0; m < 100; m++)
    put(&a, 0, "x", m, 1, m);
  tally_prune(&a, 60);
  assert_int_equal(a.n, 40);
  assert_null(get(&a, 0, "x", 59));
  assert_non_null(get(&a, 0, "x", 60));
  put(&b, 0, "x", 60, 0, 5);
  put(&b, 0, "y", 60, 1, 6);
  tally_merge(&a, &b);
  assert_int_equal(get(&a, 0, "x", 60)->valid, 2);
  assert_int_equal(get(&a, 0, "x", 60)->good, 1);
  assert_int_equal(get(&a, 0, "x", 60)->first_us, 5);
  assert_int_equal(get(&a, 0, "y", 60)->valid, 1);
  tally_free(&a);
  tally_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keys),
      cmocka_unit_test(test_growth_and_limit),
      cmocka_unit_test(test_prune_merge),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
