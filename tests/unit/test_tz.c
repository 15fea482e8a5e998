/* test_tz.c -- TZif zones and POSIX footer rules (tz.h).
 *
 * Expected offsets come from python3 zoneinfo (same tzdata):
 *   int(datetime.fromtimestamp(t, ZoneInfo(z)).utcoffset().total_seconds())
 * Gap answers (the instant after the gap = the transition) are by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/zone.h"
#include "core/tz.h"

static void test_offsets(void **state) {
  (void)state;
  static const struct {
    const char *zone;
    int64_t t_s;
    int32_t off;
  } cases[] = {
      {"UTC", 1774746000, 0},
      {"Etc/UTC", 0, 0},
      /* Berlin spring forward 2026-03-29 01:00 UTC */
      {"Europe/Berlin", 1774745999, 3600},
      {"Europe/Berlin", 1774746000, 7200},
      /* fall back 2026-10-25 01:00 UTC */
      {"Europe/Berlin", 1792889999, 7200},
      {"Europe/Berlin", 1792890000, 3600},
      /* New York 2026-03-08 07:00 UTC and 2026-11-01 06:00 UTC */
      {"America/New_York", 1772953199, -18000},
      {"America/New_York", 1772953200, -14400},
      {"America/New_York", 1793512799, -14400},
      {"America/New_York", 1793512800, -18000},
      /* 2045: past the table, the footer CET-1CEST,M3.5.0,M10.5.0/3 */
      {"Europe/Berlin", 2374102799, 3600}, /* 2045-03-26 00:59:59 UTC */
      {"Europe/Berlin", 2374102800, 7200},
      {"Europe/Berlin", 2392851599, 7200}, /* 2045-10-29 00:59:59 UTC */
      {"Europe/Berlin", 2392851600, 3600},
      {"Europe/Berlin", 2382480000, 7200},  /* 2045-07-01 */
      {"Europe/Berlin", 2398374000, 3600},  /* 2045-12-31 23:00 UTC */
      {"Europe/Berlin", -2208988800, 3600}, /* 1900 */
      {"Asia/Kolkata", 1767225600, 19800},  /* +5:30 */
      {"Asia/Kolkata", -946771200, 19800},  /* 1940 */
      /* southern hemisphere footers (DST across the new year) */
      {"Australia/Sydney", 2368051200, 39600}, /* 2045-01-15 */
      {"Australia/Sydney", 2381097600, 36000}, /* 2045-06-15 */
      {"America/Santiago", 2368051200, -10800},
      {"America/Santiago", 2381097600, -14400},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_tz *tz = NULL;
    struct hr_err err = {0};
    assert_int_equal(tz_load(cases[i].zone, &tz, &err), HR_OK);
    assert_non_null(tz);
    int32_t off = tz_offset(tz, cases[i].t_s);
    if (off != cases[i].off)
      print_error("case %zu: %s at %lld: got %d want %d\n", i, cases[i].zone, (long long)cases[i].t_s, off,
                  cases[i].off);
    assert_int_equal(off, cases[i].off);
    tz_free(tz);
  }
}

static void test_local_to_utc(void **state) {
  (void)state;
  static const struct {
    const char *zone;
    int64_t y;
    unsigned m, d;
    int hh, mm;
    int64_t want;
  } cases[] = {
      {"UTC", 2026, 3, 1, 0, 0, 1772323200},
      {"Europe/Berlin", 2026, 3, 1, 0, 0, 1772319600},      /* CET: 23:00 UTC the day before */
      {"Europe/Berlin", 2026, 3, 29, 2, 30, 1774746000},    /* gap 02:00-03:00: the transition 01:00 UTC */
      {"Europe/Berlin", 2026, 3, 29, 3, 0, 1774746000},     /* first local time after the gap */
      {"Europe/Berlin", 2026, 10, 25, 2, 30, 1792888200},   /* overlap: the earlier (CEST) instant */
      {"America/New_York", 2026, 11, 1, 1, 30, 1793511000}, /* overlap: EDT */
      {"America/New_York", 2026, 3, 8, 2, 30, 1772953200},  /* gap: 07:00 UTC */
      {"Asia/Kolkata", 2026, 1, 1, 0, 0, 1767205800},       /* 18:30 UTC */
      {"Europe/Berlin", 2045, 3, 26, 2, 30, 2374102800},    /* footer gap */
      {"America/Santiago", 2045, 9, 3, 0, 0, 2388024000},   /* midnight does not exist (M9.1.6/24) */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_tz *tz = NULL;
    assert_int_equal(tz_load(cases[i].zone, &tz, NULL), HR_OK);
    int64_t t = tz_local_to_utc(tz, cases[i].y, cases[i].m, cases[i].d, cases[i].hh, cases[i].mm, 0);
    if (t != cases[i].want)
      print_error("case %zu: %s: got %lld want %lld\n", i, cases[i].zone, (long long)t, (long long)cases[i].want);
    assert_int_equal(t, cases[i].want);
    tz_free(tz);
  }
}

static void test_bad_names(void **state) {
  (void)state;
  static const char *bad[] = {"../../etc/passwd", "/etc/localtime", "Europe/../../x", "No/Such_Zone", "", "a b"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct hr_tz *tz = (struct hr_tz *)&tz; /* must be reset to NULL */
    struct hr_err err = {0};
    assert_int_equal(tz_load(bad[i], &tz, &err), HR_ERR_NOTFOUND);
    assert_null(tz);
    assert_int_equal(err.rc, HR_ERR_NOTFOUND);
  }
}

static void test_utc_without_files(void **state) {
  (void)state;
  setenv("TZDIR", "/nonexistent-dir", 1);
  struct hr_tz *tz = NULL;
  assert_int_equal(tz_load("UTC", &tz, NULL), HR_OK);
  assert_int_equal(tz_offset(tz, 1774746000), 0);
  assert_int_equal(tz_local_to_utc(tz, 2028, 2, 29, 12, 0, 0), 1835438400); /* 2028-02-29T12:00Z */
  tz_free(tz);
  assert_int_equal(tz_load("Europe/Berlin", &tz, NULL), HR_ERR_NOTFOUND);
  setenv("TZDIR", "/usr/share/zoneinfo", 1);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_offsets),
      cmocka_unit_test(test_local_to_utc),
      cmocka_unit_test(test_bad_names),
      cmocka_unit_test(test_utc_without_files),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
