/* test_exclude.c -- one-off and recurring exclusions (exclude.h).
 *
 * Instants from python3: int(datetime(2026, 3, 22, 22, 30, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "config/zone.h"
#include "core/exclude.h"

#define S INT64_C(1000000)

/* Sundays 22:30 Berlin for 2 h; Mon-Fri 23:00 UTC for 2 h; one-off [1774300000, 1774310000). */
static struct hr_exclusion ex[] = {
    {.recurring = 1, .weekdays = 0x01, .start_min = 22 * 60 + 30, .duration_us = 7200 * S, .tz = "Europe/Berlin"},
    {.recurring = 1, .weekdays = 0x3e, .start_min = 23 * 60, .duration_us = 7200 * S, .tz = "UTC"},
    {.recurring = 0, .start_us = 1774300000 * S, .end_us = 1774310000 * S},
};

/* The zones, loaded as the configuration loads them (config/zone.h). */
static struct hr_tz *berlin;
static int load_zones(void **state) {
  (void)state;
  if (tz_load("Europe/Berlin", &berlin, NULL) != HR_OK)
    return -1;
  ex[0].zone = berlin;
  ex[1].zone = tz_utc();
  return 0;
}
static int free_zones(void **state) {
  (void)state;
  tz_free(berlin);
  return 0;
}

static void test_none(void **state) {
  (void)state;
  assert_null(excluder_new(NULL, 0));
  assert_int_equal(excluder_test(NULL, 0), 0);
  assert_int_equal(excluder_list(NULL, 0, 100, NULL, 0), 0);
}

/* A recurring exclusion without a loaded zone is read in UTC. */
static void test_no_zone(void **state) {
  (void)state;
  struct hr_exclusion utc = {.recurring = 1, .weekdays = 0x01, .start_min = 22 * 60 + 30, .duration_us = 7200 * S};
  struct hr_excluder *x = excluder_new(&utc, 1);
  assert_int_equal(excluder_test(x, 1774218600 * S), 1); /* Sun 2026-03-22 22:30 UTC */
  assert_int_equal(excluder_test(x, 1774215000 * S), 0); /* 21:30 UTC: Berlin's 22:30, not this one */
  excluder_free(x);
}

static void test_list(void **state) {
  (void)state;
  struct hr_excluder *x = excluder_new(ex, 3);
  assert_non_null(x);
  int64_t out[8][2];
  size_t n = excluder_list(x, 1774000000 * S, 1774400000 * S, out, 8);
  static const int64_t want[][2] = {
      {1774047600, 1774054800}, /* Fri 2026-03-20 23:00 UTC */
      {1774215000, 1774222200}, /* Sun 2026-03-22 22:30 CET */
      {1774300000, 1774314000}, /* one-off merged with Mon 2026-03-23 23:00 UTC (1774306800 + 2 h) */
      {1774393200, 1774400400}, /* Tue 23:00 UTC, reaches past `to`: not clipped */
  };
  assert_int_equal(n, 4);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(out[i][0], want[i][0] * S);
    assert_int_equal(out[i][1], want[i][1] * S);
  }
  /* max smaller than the count: still returns the count */
  assert_int_equal(excluder_list(x, 1774000000 * S, 1774400000 * S, out, 1), 4);
  assert_int_equal(out[0][0], 1774047600 * S);
  /* Sunday after the DST change: 22:30 CEST = 20:30 UTC */
  n = excluder_list(x, 1774810000 * S, 1774820000 * S, out, 8);
  assert_int_equal(n, 1);
  assert_int_equal(out[0][0], 1774816200 * S);
  excluder_free(x);
}

static void test_test(void **state) {
  (void)state;
  struct hr_excluder *x = excluder_new(ex, 3);
  assert_non_null(x);
  static const struct {
    int64_t t_us;
    int in;
  } cases[] = {
      {1774215000 * S - 1, 0}, {1774215000 * S, 1}, {1774222200 * S - 1, 1}, {1774222200 * S, 0},
      {1774300000 * S, 1},     {1774310000 * S, 1}, {1774313999 * S, 1},     {1774314000 * S, 0},
      {1774047600 * S, 1},     {1774054800 * S, 0}, /* out of order on purpose */
      {1773610200 * S + 5, 1},                      /* Sun 2026-03-15 22:30 CET */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal(excluder_test(x, cases[i].t_us), cases[i].in);
  /* time-ordered walk, every 7 minutes for two weeks, agrees with excluder_list */
  int64_t from = 1773900000 * S, to = from + 14 * 86400 * S;
  int64_t iv[64][2];
  size_t n = excluder_list(x, from, to, iv, 64);
  assert_true(n > 10 && n <= 64);
  size_t hits = 0;
  for (int64_t t = from; t < to; t += 7 * 60 * S) {
    int in = 0;
    for (size_t i = 0; i < n; i++)
      in |= t >= iv[i][0] && t < iv[i][1];
    assert_int_equal(excluder_test(x, t), in);
    hits += (size_t)in;
  }
  assert_true(hits > 0);
  excluder_free(x);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_none),
      cmocka_unit_test(test_no_zone),
      cmocka_unit_test(test_list),
      cmocka_unit_test(test_test),
  };
  return cmocka_run_group_tests(t, load_zones, free_zones);
}
