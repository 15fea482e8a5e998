/* test_timeparse.c -- civil dates, RFC 3339, CLF, epoch, durations.
 * Expected epoch values were computed with python3's datetime, e.g.
 *   datetime.strptime(s, '%d/%b/%Y:%H:%M:%S %z').timestamp()
 *   datetime.fromisoformat(s).timestamp(); date(...).toordinal() - date(1970,1,1).toordinal() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeparse.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BAD INT64_MIN /* expected: parse fails */

static void test_civil(void **state) {
  (void)state;
  static const struct {
    int64_t y;
    unsigned m, d;
    int64_t days;
  } cases[] = {
      {1970, 1, 1, 0},       {1969, 12, 31, -1},
      {2000, 3, 1, 11017},   /* python: date(2000,3,1).toordinal()-date(1970,1,1).toordinal() */
      {2000, 2, 29, 11016},  /* leap day of a year divisible by 400 */
      {1, 1, 1, -719162},    /* python: date(1,1,1).toordinal()-719163 */
      {2024, 12, 31, 20088}, /* 1735603200 / 86400 */
      {1900, 3, 1, -25508},  /* python: date(1900,3,1) - date(1970,1,1) */
  };
  for (size_t i = 0; i < N(cases); i++) {
    assert_int_equal(days_from_civil(cases[i].y, cases[i].m, cases[i].d), cases[i].days);
    int64_t y;
    unsigned m, d;
    civil_from_days(cases[i].days, &y, &m, &d);
    assert_int_equal(y, cases[i].y);
    assert_int_equal(m, cases[i].m);
    assert_int_equal(d, cases[i].d);
  }
  /* round trip over 1600..2400, every day */
  for (int64_t z = days_from_civil(1600, 1, 1); z < days_from_civil(2400, 1, 1); z++) {
    int64_t y;
    unsigned m, d;
    civil_from_days(z, &y, &m, &d);
    assert_int_equal(days_from_civil(y, m, d), z);
  }
}

static void test_rfc3339(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t us;
  } cases[] = {
      {"2015-05-13T23:39:43.945958Z", 1431560383945958}, /* an ALB time */
      {"2015-05-13T23:39:43.945958+00:00", 1431560383945958},
      {"2026-03-29T02:30:00+02:00", 1774744200000000},
      {"2026-03-29T00:30:00Z", 1774744200000000}, /* the same instant */
      {"2026-03-29 00:30:00", 1774744200000000},  /* space, no zone = UTC */
      {"2026-03-29T06:00:00+0530", 1774744200000000},
      {"1969-12-31T23:59:59Z", -1000000},
      {"2000-02-29T00:00:00Z", 951782400000000},
      {"9999-12-31T23:59:59Z", 253402300799000000},
      {"2015-05-13T23:39:43.1Z", 1431560383100000},
      {"2015-05-13T23:39:43.123456789Z", 1431560383123456}, /* truncated to us */
      {"2016-12-31T23:59:60Z", 1483228800000000},           /* leap second = next minute */
      {"2001-02-29T00:00:00Z", BAD},                        /* not a leap year */
      {"2015-13-01T00:00:00Z", BAD},
      {"2015-05-13T24:00:00Z", BAD},
      {"2015-05-13T23:39:43.Z", BAD},
      {"2015-05-13T23:39:43.1234567890Z", BAD},
      {"2015-05-13T23:39:43Zjunk", BAD},
      {"2015-05-13T23:39:43+25:00", BAD},
      {"2015-05-13T23:39:43+05:0", BAD},
      {"2015-05-13X23:39:43Z", BAD},
      {"2015-05-13", BAD},
      {"", BAD},
      {"10/Oct/2000:13:55:36 -0700", BAD},
  };
  for (size_t i = 0; i < N(cases); i++) {
    int64_t us = 42;
    int rc = time_parse_rfc3339(cases[i].s, strlen(cases[i].s), &us);
    if (cases[i].us == BAD) {
      assert_int_equal(rc, -1);
      assert_int_equal(us, 42); /* untouched */
    } else {
      assert_int_equal(rc, 0);
      assert_int_equal(us, cases[i].us);
    }
  }
}

/* The command line's times: an RFC 3339 time that says its offset (Z or
 * +hh:mm); the same text without one is refused, not taken as UTC. */
static void test_rfc3339_offset(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t us;
  } cases[] = {
      {"2026-03-29T02:30:00+02:00", 1774744200000000},
      {"2026-03-29T00:30:00Z", 1774744200000000},
      {"2026-03-29T00:30:00z", 1774744200000000},
      {"2026-03-29 00:30:00Z", 1774744200000000},
      {"2026-03-29T06:00:00+0530", 1774744200000000},
      {"2026-03-28T19:30:00-05", 1774744200000000},
      {"2015-05-13T23:39:43.945958Z", 1431560383945958},
      {"2026-03-29T00:30:00", BAD}, /* no offset: UTC? local? refused */
      {"2026-03-29 00:30:00", BAD},
      {"2026-03-29T00:30:00.5", BAD},
      {"2026-03-29T00:30:00+", BAD},
      {"2026-03-29T00:30:00+2", BAD},
      {"2026-03-29", BAD},
      {"", BAD},
  };
  for (size_t i = 0; i < N(cases); i++) {
    int64_t us = 42;
    int rc = time_parse_rfc3339_offset(cases[i].s, strlen(cases[i].s), &us);
    if (cases[i].us == BAD) {
      assert_int_equal(rc, -1);
      assert_int_equal(us, 42);
    } else {
      assert_int_equal(rc, 0);
      assert_int_equal(us, cases[i].us);
    }
  }
  /* the lenient reader of logs still takes a time without offset as UTC */
  int64_t us;
  assert_int_equal(time_parse_rfc3339("2026-03-29T00:30:00", 19, &us), 0);
  assert_int_equal(us, 1774744200000000);
}

static void test_clf(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t us;
  } cases[] = {
      {"10/Oct/2000:13:55:36 -0700", 971211336000000},
      {"29/Feb/2024:23:59:59 +0530", 1709231399000000},
      /* Europe/Berlin DST start 2017-03-26: 01:59:59 +0100 and 03:00:00 +0200 are one second apart */
      {"26/Mar/2017:01:59:59 +0100", 1490489999000000},
      {"26/Mar/2017:03:00:00 +0200", 1490490000000000},
      {"01/Jan/1970:00:00:00 +0000", 0},
      {"10/oct/2000:13:55:36 -0700", BAD}, /* month names are case-sensitive as nginx writes them */
      {"10/Oct/2000:13:55:36", BAD},       /* the offset is required */
      {"10/Oct/2000:13:55:36 -07000", BAD},
      {"31/Apr/2000:13:55:36 -0700", BAD},
      {"1/Oct/2000:13:55:36 -0700", BAD},
      {"10/Oct/2000 13:55:36 -0700", BAD},
  };
  for (size_t i = 0; i < N(cases); i++) {
    int64_t us = 42;
    int rc = time_parse_clf(cases[i].s, strlen(cases[i].s), &us);
    if (cases[i].us == BAD) {
      assert_int_equal(rc, -1);
      assert_int_equal(us, 42);
    } else {
      assert_int_equal(rc, 0);
      assert_int_equal(us, cases[i].us);
    }
  }
  /* no NUL needed: a prefix of a longer buffer */
  int64_t us;
  const char *s = "10/Oct/2000:13:55:36 -0700]xyz";
  assert_int_equal(time_parse_clf(s, 26, &us), 0);
  assert_int_equal(us, 971211336000000);
}

static void test_epoch_any(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t us_epoch, us_any;
  } cases[] = {
      {"1234567890.123", 1234567890123000, 1234567890123000},
      {"1234567890", 1234567890000000, 1234567890000000},
      {"0.000001", 1, 1},
      {"1234567890.", BAD, BAD},
      {".5", BAD, BAD},
      {"-1", BAD, BAD},
      {"1234567890123", BAD, BAD}, /* 13 digits of seconds: too far out */
      {"12a", BAD, BAD},
      {"2015-05-13T23:39:43Z", BAD, 1431560383000000},
      {"10/Oct/2000:13:55:36 -0700", BAD, 971211336000000},
  };
  for (size_t i = 0; i < N(cases); i++) {
    int64_t us = 42;
    int rc = time_parse_epoch(cases[i].s, strlen(cases[i].s), &us);
    assert_int_equal(rc, cases[i].us_epoch == BAD ? -1 : 0);
    assert_int_equal(us, cases[i].us_epoch == BAD ? 42 : cases[i].us_epoch);
    us = 42;
    rc = time_parse_any(cases[i].s, strlen(cases[i].s), &us);
    assert_int_equal(rc, cases[i].us_any == BAD ? -1 : 0);
    assert_int_equal(us, cases[i].us_any == BAD ? 42 : cases[i].us_any);
  }
}

static void test_format_rfc3339(void **state) {
  (void)state;
  static const struct {
    int64_t us;
    const char *s;
  } cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {1774744200000000, "2026-03-29T00:30:00Z"},
      {1431560383945958, "2015-05-13T23:39:43Z"}, /* second precision: truncated */
      {-1000000, "1969-12-31T23:59:59Z"},
      {-1, "1969-12-31T23:59:59Z"}, /* floor, not toward zero */
      {951782400000000, "2000-02-29T00:00:00Z"},
      /* RFC 3339 has four-digit years: instants outside years 0000..9999
       * print as the nearest bound (python: datetime(9999,12,31,23,59,59,
       * tzinfo=utc).timestamp() = 253402300799; 0000-01-01 is 719528 days
       * before the epoch: -62167219200 s) */
      {253402300799000000, "9999-12-31T23:59:59Z"},
      {253402300800000000, "9999-12-31T23:59:59Z"}, /* 10000-01-01T00:00:00Z */
      {INT64_MAX, "9999-12-31T23:59:59Z"},
      {-62167219200000000, "0000-01-01T00:00:00Z"},
      {-62167219200000001, "0000-01-01T00:00:00Z"},
      {INT64_MIN, "0000-01-01T00:00:00Z"},
  };
  for (size_t i = 0; i < N(cases); i++) {
    char buf[32];
    assert_string_equal(time_format_rfc3339(cases[i].us, buf, sizeof buf), cases[i].s);
    /* whatever the instant, the text is RFC 3339 and parses back */
    int64_t back;
    assert_int_equal(time_parse_rfc3339(buf, strlen(buf), &back), 0);
  }
  assert_int_equal(HR_TIME_MAX_US, 253402300799999999);
  assert_int_equal(HR_TIME_MIN_US, -62167219200000000);
}

static void test_duration_parse(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t us;
  } cases[] = {
      {"28d", INT64_C(28) * 86400 * 1000000},
      {"1h", INT64_C(3600000000)},
      {"30m", INT64_C(1800000000)},
      {"10s", 10000000},
      {"800ms", 800000},
      {"1h30m", INT64_C(5400000000)},
      {"2w", INT64_C(14) * 86400 * 1000000},
      {"1d2h3m4s5ms", ((INT64_C(86400) + 7200 + 180 + 4) * 1000 + 5) * 1000},
      {"1.5s", 1500000},
      {"0.5h", INT64_C(1800000000)},
      {"1.5ms", 1500},
      {"0.0015s", 1500},
      {"1.50s", 1500000},
      {"0s", 0},
      {"0.0000001s", BAD}, /* 0.1 us: not exact */
      {"0.0005ms", BAD},
      {"", BAD},
      {"5", BAD},
      {"s", BAD},
      {"5x", BAD},
      {"5 m", BAD},
      {"-5m", BAD},
      {"1.s", BAD},
      {".5s", 500000},
      {"5mm", BAD},
      {"1h30", BAD},
      {"9999999999999999999s", BAD},                        /* 19 digits */
      {"200000000w", BAD},                                  /* overflows int64 us */
      {"106751991d", INT64_C(106751991) * 86400 * 1000000}, /* near the limit: 9.22e18 */
      {"106751992d", BAD},
      {"5M", BAD},
  };
  for (size_t i = 0; i < N(cases); i++) {
    int64_t us = 42;
    int rc = duration_parse(cases[i].s, strlen(cases[i].s), &us);
    if (cases[i].us == BAD) {
      assert_int_equal(rc, -1);
      assert_int_equal(us, 42);
    } else {
      assert_int_equal(rc, 0);
      assert_int_equal(us, cases[i].us);
    }
  }
}

static void test_duration_format(void **state) {
  (void)state;
  static const struct {
    int64_t us;
    const char *s;
  } cases[] = {
      {INT64_C(300000000), "5m"},
      {INT64_C(3600000000), "1h"},
      {INT64_C(28) * 86400 * 1000000, "28d"},
      {INT64_C(86400000000), "1d"},
      {90000000, "90s"},
      {1500000, "1500ms"},
      {INT64_C(5400000000), "90m"},
      {INT64_C(86401000000), "1d1s"}, /* compound is shorter than 86401s */
      {1500, "1.5ms"},
      {1, "0.001ms"},
      {0, "0s"},
      {-300000000, "-5m"},
  };
  for (size_t i = 0; i < N(cases); i++) {
    char buf[64];
    assert_string_equal(duration_format(cases[i].us, buf, sizeof buf), cases[i].s);
    if (cases[i].us >= 0) { /* round trip */
      int64_t back;
      assert_int_equal(duration_parse(buf, strlen(buf), &back), 0);
      assert_int_equal(back, cases[i].us);
    }
  }
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_civil),          cmocka_unit_test(test_rfc3339),
      cmocka_unit_test(test_rfc3339_offset), cmocka_unit_test(test_clf),
      cmocka_unit_test(test_epoch_any),      cmocka_unit_test(test_format_rfc3339),
      cmocka_unit_test(test_duration_parse), cmocka_unit_test(test_duration_format),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
