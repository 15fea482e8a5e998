/* test_sv.c -- string views and their number conversions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/sv.h"

static struct hr_sv S(const char *s) {
  return sv_make(s, strlen(s));
}

static void
test_to_double(void **state) {
  (void)state;
  static const struct {
    const char *in;
    int rc;
    double want;
  } cases[] = {
      {"1.5", 0, 1.5},
      {"0.800", 0, 0.8},
      {"-1", 0, -1},
      {"+2.25", 0, 2.25},
      {"12", 0, 12},
      {"1e3", 0, 1000},
      {"2.5E-3", 0, 0.0025},
      {".5", 0, 0.5},
      {"5.", 0, 5},
      {"0.000", 0, 0},
      {"1234567890.123", 0, 1234567890.123},
      {"", -1, 0},
      {"-", -1, 0},
      {".", -1, 0},
      {"1.2.3", -1, 0},
      {"1e", -1, 0},
      {"abc", -1, 0},
      {"1 ", -1, 0},
      {"1,5", -1, 0},
      {"1e999", -1, 0}, /* infinite: refused, never handed on */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double x = -99;
    int rc = sv_to_double(S(cases[i].in), &x);
    if (rc != cases[i].rc)
      fail_msg("'%s': rc %d, want %d", cases[i].in, rc, cases[i].rc);
    if (rc == 0 && !(x == cases[i].want || (x - cases[i].want) * (x - cases[i].want) < 1e-24))
      fail_msg("'%s': got %.17g want %.17g", cases[i].in, x, cases[i].want);
  }
}

static void test_to_i64(void **state) {
  (void)state;
  int64_t x = 0;
  assert_int_equal(sv_to_i64(S("404"), &x), 0);
  assert_int_equal(x, 404);
  assert_int_equal(sv_to_i64(S("-17"), &x), 0);
  assert_int_equal(x, -17);
  assert_int_equal(sv_to_i64(S("1.5"), &x), -1);
  assert_int_equal(sv_to_i64(S(""), &x), -1);
  assert_int_equal(sv_to_i64(S("9999999999999999999"), &x), -1); /* too long: refused, no overflow */
}

static void test_tokens(void **state) {
  (void)state;
  const char *line = "10.0.0.1 - [01/Jul/2013:06:20:38 -0500] \"GET /a\\\"b HTTP/1.1\" rest";
  const char *cur = line, *end = line + strlen(line);
  struct hr_sv a, t, q;
  assert_int_equal(sv_until(&cur, end, ' ', &a), 0);
  assert_true(sv_eqz(a, "10.0.0.1"));
  assert_int_equal(sv_expect(&cur, end, "- ", 2), 0);
  assert_int_equal(sv_bracketed(&cur, end, &t), 0);
  assert_true(sv_eqz(t, "01/Jul/2013:06:20:38 -0500"));
  assert_int_equal(sv_expect(&cur, end, " ", 1), 0);
  assert_int_equal(sv_quoted(&cur, end, &q), 0);
  assert_true(sv_eqz(q, "GET /a\\\"b HTTP/1.1")); /* escaped quote stays inside */
  const char *before = cur;
  assert_int_equal(sv_until(&cur, end, '#', &a), -1); /* no delimiter: fails, cur unchanged */
  assert_ptr_equal(cur, before);
  assert_int_equal(sv_until_or_end(&cur, end, '#', &a), 0);
  assert_true(sv_eqz(a, " rest"));
  assert_ptr_equal(cur, end);
  cur = "\"unterminated";
  assert_int_equal(sv_quoted(&cur, cur + 13, &q), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_to_double), cmocka_unit_test(test_to_i64),
                                     cmocka_unit_test(test_tokens)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
