/* test_calendar.c -- rolling and calendar windows (calendar.h).
 *
 * Expected instants from python3: int(datetime(y, m, d, tzinfo=ZoneInfo(z)).timestamp()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "config/zone.h"
#include "core/calendar.h"

#define S INT64_C(1000000)

static void test_rolling(void **state) {
  (void)state;
  struct hr_window w = {.kind = HR_WIN_ROLLING, .length_us = 28 * 86400 * S};
  int64_t s, e;
  window_bounds(&w, NULL, 1773572400 * S + 17, &s, &e);
  assert_int_equal(e, 1773572400 * S + 17);
  assert_int_equal(s, (1773572400 - 28 * 86400) * S + 17);
  assert_int_equal(window_length(&w, NULL, 0), 2419200 * S); /* 28 * 86400 */
}

static void test_calendar(void **state) {
  (void)state;
  static const struct {
    const char *zone;
    enum hr_cal_unit unit;
    int count;
    int64_t anchor_s, t_s, start_s, end_s, len_s;
  } cases[] = {
      /* March 2026 in Berlin: 31 days minus the DST hour = 2,674,800 s */
      {"Europe/Berlin", HR_CAL_MONTH, 1, 1767222000, 1773572400, 1772319600, 1774994400, 2674800},
      /* at the first instant of the period, and the last one */
      {"Europe/Berlin", HR_CAL_MONTH, 1, 1767222000, 1772319600, 1772319600, 1774994400, 2674800},
      {"Europe/Berlin", HR_CAL_MONTH, 1, 1767222000, 1774994399, 1772319600, 1774994400, 2674800},
      /* February 2028 (leap) in UTC: 29 days */
      {"UTC", HR_CAL_MONTH, 1, 1767225600, 1834000000, 1832976000, 1835481600, 2505600},
      /* NULL zone = UTC */
      {NULL, HR_CAL_MONTH, 1, 1767225600, 1834000000, 1832976000, 1835481600, 2505600},
      /* Q1 2026 Berlin: 90 days - 1 h; Q4: 92 days + 1 h */
      {"Europe/Berlin", HR_CAL_QUARTER, 1, 1767222000, 1773572400, 1767222000, 1774994400, 7772400},
      {"Europe/Berlin", HR_CAL_QUARTER, 1, 1767222000, 1792879200, 1790805600, 1798758000, 7952400},
      /* a week anchored on Monday 2026-03-23 (Berlin), containing the DST change */
      {"Europe/Berlin", HR_CAL_WEEK, 1, 1774220400, 1774800000, 1774220400, 1774821600, 601200},
      /* same week reached from an anchor 5 weeks earlier (Monday 2026-02-16 00:00 CET) */
      {"Europe/Berlin", HR_CAL_WEEK, 1, 1774220400 - 5 * 7 * 86400, 1774800000, 1774220400, 1774821600, 601200},
      /* 2026-10-25 in Berlin is 25 hours long */
      {"Europe/Berlin", HR_CAL_DAY, 1, 1767222000, 1792900000, 1792879200, 1792879200 + 90000, 90000},
      /* year 2028: 366 days */
      {"UTC", HR_CAL_YEAR, 1, 1767225600, 1834000000, 1830297600, 1830297600 + 31622400, 31622400},
      /* before the anchor: 2025-12-20 from a 2026-02-15 anchor, monthly: [Dec 15, Jan 15) = 31 days */
      {"UTC", HR_CAL_MONTH, 1, 1771113600, 1766188800, 1765756800, 1768435200, 2678400},
      /* anchor on Jan 31: the February period starts on Feb 28, March's on Mar 31 */
      {"UTC", HR_CAL_MONTH, 1, 1769817600, 1772668800, 1772236800, 1774915200, 1774915200 - 1772236800},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_tz *tz = NULL;
    if (cases[i].zone)
      assert_int_equal(tz_load(cases[i].zone, &tz, NULL), HR_OK);
    struct hr_window w = {
        .kind = HR_WIN_CALENDAR, .unit = cases[i].unit, .count = cases[i].count, .start_us = cases[i].anchor_s * S};
    int64_t s, e;
    window_bounds(&w, tz, cases[i].t_s * S, &s, &e);
    if (s != cases[i].start_s * S || e != cases[i].end_s * S)
      print_error("case %zu: got [%lld, %lld)\n", i, (long long)(s / S), (long long)(e / S));
    assert_int_equal(s, cases[i].start_s * S);
    assert_int_equal(e, cases[i].end_s * S);
    if (cases[i].len_s)
      assert_int_equal(window_length(&w, tz, cases[i].t_s * S), cases[i].len_s * S);
    tz_free(tz);
  }
}

/* Day boundaries: local midnights, across DST changes (python3:
 * int(datetime(2026, 3, 29, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())). */
static void test_midnight(void **state) {
  (void)state;
  struct hr_tz *tz = NULL;
  assert_int_equal(tz_load("Europe/Berlin", &tz, NULL), HR_OK);
  /* UTC (NULL): at a midnight, just after it, just before the next */
  assert_int_equal(midnight_at_or_after(NULL, 1773532800 * S), 1773532800 * S);
  assert_int_equal(midnight_at_or_after(NULL, 1773532800 * S + 1), (1773532800 + 86400) * S);
  assert_int_equal(midnight_at_or_after(NULL, -1), 0);
  /* Berlin: 2026-03-29 00:00 CET = 1774738800; the next midnight is 23 h later (CEST) */
  assert_int_equal(midnight_at_or_after(tz, 1774738800 * S), 1774738800 * S);
  assert_int_equal(midnight_at_or_after(tz, 1774738800 * S + 1), (1774738800 + 23 * 3600) * S);
  /* 2026-10-25 00:00 CEST = 1792879200; the day is 25 h long */
  assert_int_equal(midnight_at_or_after(tz, 1792879200 * S - 5), 1792879200 * S);
  assert_int_equal(midnight_at_or_after(tz, 1792879200 * S + 1), (1792879200 + 90000) * S);
  tz_free(tz);
}

/* period_bounds: the calendar week (from Monday), month and quarter
 * containing an instant, in its zone, with their real lengths. */
static void test_period(void **state) {
  (void)state;
  static const struct {
    const char *zone;
    enum hr_cal_unit unit;
    int64_t t_s, start_s, end_s;
  } cases[] = {
      /* October 2026 in Berlin: 31 days plus the hour of 2026-10-25 */
      {"Europe/Berlin", HR_CAL_MONTH, 1792926000, 1790805600, 1793487600},
      {"Europe/Berlin", HR_CAL_MONTH, 1790805600, 1790805600, 1793487600},
      {"Europe/Berlin", HR_CAL_MONTH, 1793487599, 1790805600, 1793487600},
      /* Q4 2026 in Berlin */
      {"Europe/Berlin", HR_CAL_QUARTER, 1792926000, 1790805600, 1798758000},
      /* the week of Monday 2026-10-19 in Berlin, 7 days and an hour */
      {"Europe/Berlin", HR_CAL_WEEK, 1792926000, 1792360800, 1792969200},
      /* February 2028 in UTC (leap): its last second */
      {"UTC", HR_CAL_MONTH, 1835481599, 1832976000, 1835481600},
      {NULL, HR_CAL_MONTH, 1835481599, 1832976000, 1835481600},
      /* UTC+14: the week starts on the local Monday */
      {"Pacific/Kiritimati", HR_CAL_WEEK, 1792317601, 1792317600, 1792922400},
      /* before the anchor year: Q4 1999 */
      {"UTC", HR_CAL_QUARTER, 946681200, 938736000, 946684800},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_tz *tz = NULL;
    if (cases[i].zone)
      assert_int_equal(tz_load(cases[i].zone, &tz, NULL), HR_OK);
    int64_t s, e;
    period_bounds(cases[i].unit, tz, cases[i].t_s * S, &s, &e);
    if (s != cases[i].start_s * S || e != cases[i].end_s * S)
      print_error("case %zu: got [%lld, %lld)\n", i, (long long)(s / S), (long long)(e / S));
    assert_int_equal(s, cases[i].start_s * S);
    assert_int_equal(e, cases[i].end_s * S);
    tz_free(tz);
  }
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_rolling),
      cmocka_unit_test(test_calendar),
      cmocka_unit_test(test_midnight),
      cmocka_unit_test(test_period),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
