/* test_expr.c -- the filter language: precedence, operators, null semantics,
 * regexes, in-lists, durations, field-vs-field, and errors with columns.
 *
 * Expected values are worked out by hand from the three fixed events below
 * (each case's comment gives the reasoning where it is not obvious). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/expr.h"
#include "util/xmalloc.h"

/* Field names: the standard ones keep their ids; extras follow. */
enum { F_VP = HR_F_NSTD, F_A, F_B, F_S, F_N, F_NAME, F_CODE, F_FLAG, F_ZERO, F_Q, F_COUNT };
static const char *const extra_names[] = {"validation_passed", "a", "b", "s", "n", "name", "code", "flag", "zero", "q"};

static int resolve(void *ctx, const char *name, size_t n) {
  (void)ctx;
  for (int i = 0; i < HR_F_NSTD; i++)
    if (strlen(hr_std_field_names[i]) == n && memcmp(hr_std_field_names[i], name, n) == 0)
      return i;
  for (int i = 0; i < F_COUNT - HR_F_NSTD; i++)
    if (strlen(extra_names[i]) == n && memcmp(extra_names[i], name, n) == 0)
      return HR_F_NSTD + i;
  return -1;
}

static struct hr_event evs[3];

/* ev0: a 200 GET to /api/matches/42 in 250 ms; ev1: nothing set; ev2: a
 * 404 HEAD to /health in 1.5 s with n explicitly null. */
static int setup(void **state) {
  (void)state;
  struct hr_event *e = &evs[0];
  event_reset(e);
  event_set_num(e, HR_F_STATUS, 200, "200", 3);
  event_set_str(e, HR_F_METHOD, "GET", 3);
  event_set_str(e, HR_F_PATH, "/api/matches/42", 15);
  event_set_num(e, HR_F_DURATION, 0.25, "0.250", 5);
  event_set_bool(e, F_VP, 1);
  event_set_num(e, F_A, 5, NULL, 0);
  event_set_num(e, F_B, 7, NULL, 0);
  event_set_str(e, F_S, "503", 3);
  event_set_str(e, F_NAME, "", 0);
  event_set_str(e, F_CODE, "abc", 3);
  event_set_str(e, F_FLAG, "true", 4);
  event_set_num(e, F_ZERO, 0, "0", 1);
  event_set_str(e, F_Q, "say \"hi\"", 8);
  event_reset(&evs[1]);
  e = &evs[2];
  event_reset(e);
  event_set_num(e, HR_F_STATUS, 404, "404", 3);
  event_set_str(e, HR_F_METHOD, "HEAD", 4);
  event_set_str(e, HR_F_PATH, "/health", 7);
  event_set_num(e, HR_F_DURATION, 1.5, NULL, 0);
  event_set_bool(e, F_VP, 0);
  event_set_num(e, F_A, 7, NULL, 0);
  event_set_num(e, F_B, 7, NULL, 0);
  event_set_null(e, F_N);
  return 0;
}

static const struct {
  const char *src;
  int want[3]; /* ev0, ev1 (empty), ev2 */
} cases[] = {
    /* comparison operators on a numeric field */
    {"status == 200", {1, 0, 0}},
    {"status != 200", {0, 0, 1}}, /* absent: false, even for != */
    {"status < 300", {1, 0, 0}},
    {"status <= 200", {1, 0, 0}},
    {"status > 200", {0, 0, 1}},
    {"status >= 404", {0, 0, 1}},
    {"status >= 2e2", {1, 0, 1}},
    {"a > -1", {1, 0, 1}},
    {"200 <= status", {1, 0, 1}}, /* literal on the left: flipped to status >= 200 */
    {"300 > status", {1, 0, 0}},
    /* boolean structure and precedence */
    {"status >= 200 && status < 300", {1, 0, 0}},
    {"!(status >= 400 && status < 500)", {1, 1, 0}},
    {"status < 300 || status == 404", {1, 0, 1}},
    /* && binds tighter: ev0 is 1 || (0 && 0) = 1; (1 || 0) && 0 would give 0 */
    {"status == 200 || method == \"HEAD\" && status == 999", {1, 0, 0}},
    {"(status == 200 || method == \"HEAD\") && status == 999", {0, 0, 0}},
    /* ! binds tighter than nothing: !status == 200 is !(status == 200) */
    {"!status == 200", {0, 1, 1}},
    {"!!validation_passed", {1, 0, 0}},
    {"a && b && status", {1, 0, 1}},
    {"status\n==\t200", {1, 0, 0}},
    /* durations are seconds */
    {"duration < 800ms", {1, 0, 0}},
    {"duration >= 1.5s", {0, 0, 1}},
    {"duration < 1m", {1, 0, 1}},
    {"duration > 250ms", {0, 0, 1}}, /* 0.25 > 0.25 is false */
    {"duration <= 250ms", {1, 0, 0}},
    {"duration < 1h30m", {1, 0, 1}},
    {"duration == 250ms", {1, 0, 0}},
    {"duration > 0", {1, 0, 1}}, /* zero needs no unit */
    {"duration in [250ms, 1.5s]", {1, 0, 1}},
    {"a < 2s", {0, 0, 0}}, /* a field of its own: the unit is the user's call (5 < 2) */
    /* in-lists */
    {"method in [\"GET\",\"HEAD\"]", {1, 0, 1}},
    {"method in ['POST']", {0, 0, 0}},
    {"status in [500, 502]", {0, 0, 0}},
    {"status in [404, 500]", {0, 0, 1}},
    {"status in []", {0, 0, 0}},
    {"status in [\"200\"]", {1, 0, 0}}, /* numeric string equals the number */
    {"n in [null, 1]", {1, 1, 1}},      /* n absent (ev0, ev1) or null (ev2) */
    {"\"GET\" in [\"GET\"]", {1, 1, 1}},
    /* booleans and truthiness */
    {"validation_passed == true", {1, 0, 0}},
    {"validation_passed == false", {0, 0, 1}},
    {"validation_passed != false", {1, 0, 0}},
    {"validation_passed", {1, 0, 0}},
    {"!validation_passed", {0, 1, 1}},
    {"flag == true", {1, 0, 0}}, /* STR "true" against a bool */
    {"name", {0, 0, 0}},         /* empty string: falsy */
    {"zero", {0, 0, 0}},
    {"a", {1, 0, 1}},
    {"method", {1, 0, 1}},
    /* null semantics */
    {"n == null", {1, 1, 1}},
    {"n != null", {0, 0, 0}},
    {"status == null", {0, 1, 0}},
    {"status != null", {1, 0, 1}},
    {"null == status", {0, 1, 0}},
    {"status > null", {0, 0, 0}},
    {"null == null", {1, 1, 1}},
    {"null != null", {0, 0, 0}},
    {"1 != null", {1, 1, 1}},
    /* regexes (unanchored, bytewise) */
    {"path =~ \"^/api/matches\"", {1, 0, 0}},
    {"path !~ \"^/api\"", {0, 0, 1}}, /* absent: neither =~ nor !~ */
    {"path =~ \"\\d+$\"", {1, 0, 0}},
    {"path =~ \"matches\"", {1, 0, 0}},
    {"path =~ 'HEALTH'", {0, 0, 0}},
    {"path =~ \"(?i)HEALTH\"", {0, 0, 1}},
    {"status =~ \"^2\"", {1, 0, 0}}, /* NUM fields match their raw text */
    {"\"abc\" =~ \"b\"", {1, 1, 1}},
    /* numeric strings, mixed types */
    {"s == 503", {1, 0, 0}},
    {"s > 500", {1, 0, 0}},
    {"s == \"503\"", {1, 0, 0}},
    {"status == \"200\"", {1, 0, 0}},
    {"code == 5", {0, 0, 0}},
    {"code != 5", {1, 0, 0}}, /* "abc" vs 5: not comparable, only != holds */
    {"code < 5", {0, 0, 0}},
    {"validation_passed == 1", {0, 0, 0}},
    /* strings compare bytewise */
    {"method < \"HEAD\"", {1, 0, 0}}, /* 'G' < 'H' */
    {"method >= \"GET\"", {1, 0, 1}},
    {"path > \"/api\"", {1, 0, 1}}, /* prefix is smaller; '/h' > '/a' */
    {"method == \"GE\"", {0, 0, 0}},
    {"name == \"\"", {1, 0, 0}},
    {"q == \"say \\\"hi\\\"\"", {1, 0, 0}},
    {"q == 'say \"hi\"'", {1, 0, 0}},
    /* field vs field */
    {"a < b", {1, 0, 0}},
    {"a == b", {0, 0, 1}}, /* both absent in ev1: false */
    {"b >= a", {1, 0, 1}},
    {"a != b", {1, 0, 0}},
    /* literals */
    {"true", {1, 1, 1}},
    {"false", {0, 0, 0}},
    {"null", {0, 0, 0}},
    {"1", {1, 1, 1}},
    {"0", {0, 0, 0}},
    {"\"x\"", {1, 1, 1}},
    {"''", {0, 0, 0}},
    {"1 < 2", {1, 1, 1}},
    {"\"a\" > \"b\"", {0, 0, 0}},
};

static void test_eval_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_expr *e = NULL;
    struct hr_err err = {0};
    enum hr_rc rc = expr_compile(cases[i].src, strlen(cases[i].src), resolve, NULL, &e, &err);
    if (rc != HR_OK)
      fail_msg("%s: %s", cases[i].src, err.msg);
    for (int k = 0; k < 3; k++) {
      int got = expr_eval(e, &evs[k]);
      if (got != cases[i].want[k])
        fail_msg("%s on ev%d: got %d, want %d", cases[i].src, k, got, cases[i].want[k]);
    }
    expr_free(e);
  }
}

static const struct {
  const char *src;
  const char *msg; /* exact, or a prefix when it ends in '*' */
} bad[] = {
    {"", "col 1: empty expression"},
    {"   ", "col 1: empty expression"},
    {"status ==", "col 10: unexpected end of expression, expected a field or a value"},
    {"status = 200", "col 8: '=' is not an operator (use ==)"},
    {"status == 200 & a", "col 15: '&' is not an operator (use &&)"},
    {"status == 200 | a", "col 15: '|' is not an operator (use ||)"},
    {"foo == 1", "col 1: unknown field 'foo'"},
    {"status == 200 && bar", "col 18: unknown field 'bar'"},
    {"(status == 200", "col 15: expected ')' to close the '(' at col 1, found end of expression"},
    {"path =~ \"(\"", "col 9: bad regex: missing closing parenthesis*"},
    {"path == \"abc", "col 9: unterminated string"},
    {"path == 'abc\\'", "col 9: unterminated string"},
    {"duration < 5q", "col 12: bad number or duration '5q' (durations: 800ms, 1.5s, 10m, 1h30m)"},
    {"duration < 1.2.3", "col 12: bad number '1.2.3'"},
    {"status == 200 200", "col 15: unexpected '200'"},
    {"status in 200", "col 11: expected '[' after 'in', found '200'"},
    {"status in [200, method]", "col 17: list items must be values, not fields"},
    {"status in [200", "col 15: unexpected end of expression, expected ',' or ']'"},
    {"status in [200,]", "col 16: expected a value, found ']'"},
    {"a < b < 3", "col 7: comparisons do not chain (use &&)"},
    {"path =~ status", "col 9: the right side of =~ must be a string (the regex)"},
    {"path !~ 5", "col 9: the right side of !~ must be a string (the regex)"},
    {"[1] == status", "col 1: a list is only allowed after 'in'"},
    {"status == @", "col 11: unexpected character '@'"},
    {"(a) == 1", "col 5: a parenthesized expression cannot be compared"},
    {"a == (1)", "col 6: a parenthesized expression cannot be compared"},
    {"a &&", "col 5: unexpected end of expression, expected a field or a value"},
    {"&& a", "col 1: expected a field or a value, found '&&'"},
    {"()", "col 2: expected a field or a value, found ')'"},
    {"a)", "col 2: unexpected ')'"},
    {"status == -", "col 11: unexpected character '-'"},
    /* words and operators of other languages: say what to write */
    {"status >= 200 and status < 500", "col 15: 'and' is not an operator (use &&)"},
    {"status == 200 OR status == 404", "col 15: 'OR' is not an operator (use ||)"},
    {"not status == 200", "col 1: 'not' is not an operator (use !)"},
    {"status <> 200", "col 8: '<>' is not an operator (use !=)"},
    {"path ~ \"x\"", "col 6: '~' is not an operator (use =~ to match a regex, !~ for no match)"},
    {"path matches \"x\"", "col 6: unexpected 'matches' (use =~ for a regex match)"},
    {"status in (500, 502)", "col 11: expected '[' after 'in', found '(' (a list is written [500, 502])"},
    /* a duration needs a unit; a unit needs a duration */
    {"duration < 800", "col 12: 'duration' compared with the bare number 800: write 800ms or 800s (durations need a "
                       "unit)"},
    {"800 > duration", "col 1: 'duration' compared with the bare number 800: write 800ms or 800s*"},
    {"duration in [1, 2s]", "col 14: 'duration' compared with the bare number 1: write 1ms or 1s*"},
    {"duration >= 0.5 && status < 500", "col 13: 'duration' compared with the bare number 0.5*"},
    {"status < 5s", "col 10: 5s is a duration, but 'status' is not one (only 'duration' is, in seconds)"},
    {"bytes_sent in [1m]", "col 16: 1m is a duration, but 'bytes_sent' is not one*"},
};

static void test_errors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct hr_expr *e = (struct hr_expr *)&e; /* must be reset to NULL */
    struct hr_err err = {0};
    enum hr_rc rc = expr_compile(bad[i].src, strlen(bad[i].src), resolve, NULL, &e, &err);
    if (rc == HR_OK)
      fail_msg("%s: compiled, want error %s", bad[i].src, bad[i].msg);
    assert_null(e);
    size_t n = strlen(bad[i].msg);
    int ok = bad[i].msg[n - 1] == '*' ? strncmp(err.msg, bad[i].msg, n - 1) == 0 : strcmp(err.msg, bad[i].msg) == 0;
    if (!ok)
      fail_msg("%s: got \"%s\", want \"%s\"", bad[i].src, err.msg, bad[i].msg);
  }
}

/* Nesting beyond 64 levels of '(' or '!' is refused; 64 is accepted. */
static void test_depth(void **state) {
  (void)state;
  char src[400];
  struct hr_err err = {0};
  struct hr_expr *e;
  size_t k = 0;
  for (int i = 0; i < 64; i++)
    src[k++] = '(';
  src[k++] = 'a';
  for (int i = 0; i < 64; i++)
    src[k++] = ')';
  assert_int_equal(expr_compile(src, k, resolve, NULL, &e, &err), HR_OK);
  assert_int_equal(expr_eval(e, &evs[0]), 1);
  expr_free(e);
  k = 0;
  for (int i = 0; i < 65; i++)
    src[k++] = '(';
  src[k++] = 'a';
  for (int i = 0; i < 65; i++)
    src[k++] = ')';
  assert_int_not_equal(expr_compile(src, k, resolve, NULL, &e, &err), HR_OK);
  /* the 65th '(' is at col 65; the parser notices at the token after it */
  assert_string_equal(err.msg, "col 66: nested deeper than 64");
  k = 0;
  for (int i = 0; i < 100; i++)
    src[k++] = '!';
  src[k++] = 'a';
  assert_int_not_equal(expr_compile(src, k, resolve, NULL, &e, &err), HR_OK);
  assert_string_equal(err.msg, "col 66: nested deeper than 64");
  assert_null(e);
}

/* A long flat chain stays within limits (n-ary &&), 64 KiB + 1 is refused. */
static void test_length(void **state) {
  (void)state;
  size_t cap = 64 * 1024 + 1;
  char *src = xmalloc(cap);
  size_t k = 0;
  /* "a && " is 5 bytes; 13000 terms = 64,996 bytes incl. the last "a" */
  for (int i = 0; i < 12999; i++) {
    memcpy(src + k, "a && ", 5);
    k += 5;
  }
  src[k++] = 'a';
  assert_int_equal(k, 64996);
  struct hr_expr *e;
  struct hr_err err = {0};
  assert_int_equal(expr_compile(src, k, resolve, NULL, &e, &err), HR_OK);
  assert_int_equal(expr_eval(e, &evs[0]), 1);
  assert_int_equal(expr_eval(e, &evs[1]), 0);
  expr_free(e);
  memset(src, ' ', cap);
  assert_int_equal(expr_compile(src, cap, resolve, NULL, &e, &err), HR_ERR_TOOBIG);
  assert_string_equal(err.msg, "col 65537: expression longer than 65536 bytes");
  assert_null(e);
  free(src);
}

static void test_fields(void **state) {
  (void)state;
  struct hr_expr *e;
  struct hr_err err = {0};
  const char *src = "status == 200 && path =~ \"x\" || a < b || !(n == null)";
  assert_int_equal(expr_compile(src, strlen(src), resolve, NULL, &e, &err), HR_OK);
  uint64_t want =
      (1u << HR_F_STATUS) | (1u << HR_F_PATH) | ((uint64_t)1 << F_A) | ((uint64_t)1 << F_B) | ((uint64_t)1 << F_N);
  assert_int_equal(expr_fields(e), want);
  expr_free(e);
  src = "true";
  assert_int_equal(expr_compile(src, strlen(src), resolve, NULL, &e, &err), HR_OK);
  assert_int_equal(expr_fields(e), 0);
  expr_free(e);
}

/* The source need not be NUL-terminated: only [0, n) is read. */
static void test_not_nul_terminated(void **state) {
  (void)state;
  const char src[] = {'s', 't', 'a', 't', 'u', 's', '=', '=', '2', '0', '0'};
  struct hr_expr *e;
  struct hr_err err = {0};
  assert_int_equal(expr_compile(src, sizeof src, resolve, NULL, &e, &err), HR_OK);
  assert_int_equal(expr_eval(e, &evs[0]), 1);
  expr_free(e);
  /* the first 10 bytes read "status==20" */
  assert_int_equal(expr_compile(src, 10, resolve, NULL, &e, &err), HR_OK);
  assert_int_equal(expr_eval(e, &evs[0]), 0);
  expr_free(e);
}

/* A string field that changes type between events (e.g. JSON lines). */
static void test_types_change(void **state) {
  (void)state;
  struct hr_expr *e;
  struct hr_err err = {0};
  const char *src = "status >= 500";
  assert_int_equal(expr_compile(src, strlen(src), resolve, NULL, &e, &err), HR_OK);
  static const struct {
    int type; /* HR_V_* */
    const char *text;
    double num;
    int want;
  } vals[] = {
      {HR_V_NUM, "503", 503, 1}, {HR_V_STR, "503", 0, 1}, {HR_V_STR, "5e2", 0, 1}, {HR_V_STR, "oops", 0, 0},
      {HR_V_BOOL, NULL, 1, 0},   {HR_V_NULL, NULL, 0, 0}, {HR_V_STR, "", 0, 0},    {HR_V_STR, "499", 0, 0},
  };
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    struct hr_event ev;
    event_reset(&ev);
    switch (vals[i].type) {
    case HR_V_NUM: event_set_num(&ev, HR_F_STATUS, vals[i].num, vals[i].text, strlen(vals[i].text)); break;
    case HR_V_STR: event_set_str(&ev, HR_F_STATUS, vals[i].text, strlen(vals[i].text)); break;
    case HR_V_BOOL: event_set_bool(&ev, HR_F_STATUS, 1); break;
    default: event_set_null(&ev, HR_F_STATUS);
    }
    if (expr_eval(e, &ev) != vals[i].want)
      fail_msg("value %zu: want %d", i, vals[i].want);
  }
  expr_free(e);
}

/* Regexes that are plain text take a prefix/substring path instead of
 * PCRE2; both paths must agree. Each pattern is checked against paths with
 * the answer PCRE2 gives (checked with python3's re.search, whose semantics
 * match for these patterns). */
static void test_plain_regex(void **state) {
  (void)state;
  static const struct {
    const char *pattern, *path;
    int match;
  } rcases[] = {
      {"^/api/v1/", "/api/v1/matches", 1},
      {"^/api/v1/", "/api/v2/matches", 0},
      {"^/api/v1/", "/x/api/v1/", 0},
      {"^/api/v1/", "/api/v1", 0}, /* shorter than the prefix */
      {"matches", "/api/v1/matches/7", 1},
      {"matches", "/api/v1/match", 0},
      {"s/7", "/api/v1/matches/7", 1},
      {"^\\.well-known", ".well-known/x", 1},
      {"^\\.well-known", "awell-known", 0},
      {"\\?", "/a?b", 1},
      {"^", "/anything", 1},
      {"", "/anything", 1},
      /* not plain: PCRE2 decides */
      {"^/api/v1/reports/[0-9]+$", "/api/v1/reports/12", 1},
      {"^/api/v1/reports/[0-9]+$", "/api/v1/reports/12/x", 0},
      {"^/a.c", "/abc", 1},
      {"^/a.c", "/a/c", 1},
      {"^/a\\.c", "/abc", 0},
      {"x$", "/abx", 1},
      {"x$", "/axb", 0},
  };
  for (size_t i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
    char src[128];
    snprintf(src, sizeof src, "path =~ \"%s\"", rcases[i].pattern);
    struct hr_expr *e = NULL;
    struct hr_err err = {0};
    if (expr_compile(src, strlen(src), resolve, NULL, &e, &err) != HR_OK)
      fail_msg("%s: %s", src, err.msg);
    struct hr_event ev;
    event_reset(&ev);
    event_set_str(&ev, HR_F_PATH, rcases[i].path, strlen(rcases[i].path));
    if (expr_eval(e, &ev) != rcases[i].match)
      fail_msg("%s on %s: want %d", src, rcases[i].path, rcases[i].match);
    expr_free(e);
  }
}

/* `path == "lit"` and `path =~ "^lit"` compare inline, 8 and 4 bytes at a
 * time: every length from 0 to 24 and a difference at every position. */
static void test_streq_lengths(void **state) {
  (void)state;
  const char *base = "/abcdefghijklmnopqrstuvwxyz"; /* 24 + 2 extra bytes used */
  for (size_t n = 0; n <= 24; n++) {
    char src[96];
    snprintf(src, sizeof src, "path == \"%.*s\"", (int)n, base);
    struct hr_expr *eq = NULL, *ne = NULL, *re = NULL;
    struct hr_err err = {0};
    assert_int_equal(expr_compile(src, strlen(src), resolve, NULL, &eq, &err), HR_OK);
    snprintf(src, sizeof src, "path != \"%.*s\"", (int)n, base);
    assert_int_equal(expr_compile(src, strlen(src), resolve, NULL, &ne, &err), HR_OK);
    snprintf(src, sizeof src, "path =~ \"^%.*s\"", (int)n, base);
    assert_int_equal(expr_compile(src, strlen(src), resolve, NULL, &re, &err), HR_OK);
    char path[32];
    for (size_t pos = 0; pos <= n; pos++) { /* pos == n: no difference */
      for (size_t extra = 0; extra <= 2; extra++) {
        memcpy(path, base, n + extra);
        if (pos < n)
          path[pos] = 'Z';
        struct hr_event ev;
        event_reset(&ev);
        event_set_str(&ev, HR_F_PATH, path, n + extra);
        int same = pos == n;
        if (expr_eval(eq, &ev) != (same && extra == 0) || expr_eval(ne, &ev) != !(same && extra == 0) ||
            expr_eval(re, &ev) != same)
          fail_msg("n %zu pos %zu extra %zu", n, pos, extra);
        if (n > 0) { /* shorter than the literal */
          event_set_str(&ev, HR_F_PATH, path, n - 1);
          if (expr_eval(eq, &ev) != 0 || expr_eval(ne, &ev) != 1 || expr_eval(re, &ev) != 0)
            fail_msg("n %zu shorter", n);
        }
      }
    }
    expr_free(eq);
    expr_free(ne);
    expr_free(re);
  }
}

/* Random expressions of &&, ||, ! and parentheses over leaves whose value
 * the test knows, against a reference evaluation of the same tree: the
 * compiled branch program must short-circuit to the same answer. */
struct gen {
  uint64_t rng;
  char *buf;
  size_t n, cap;
};

static unsigned rnd(struct gen *g, unsigned k) {
  g->rng = g->rng * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)(g->rng >> 33) % k;
}

static void put(struct gen *g, const char *s) {
  size_t k = strlen(s);
  assert_true(g->n + k < g->cap);
  memcpy(g->buf + g->n, s, k + 1);
  g->n += k;
}

/* Appends an expression; returns its value on ev0, ev1 and ev2 as bits. */
static int gen_expr(struct gen *g, int depth) {
  static const struct {
    const char *src;
    int bits; /* bit i: value on evs[i] */
  } leaves[] = {
      {"true", 7},
      {"false", 0},
      {"status < 300", 1},
      {"status >= 404", 4},
      {"path == \"/health\"", 4},
      {"path != \"/health\"", 1},
      {"method == \"GET\"", 1},
      {"n == null", 7},
      {"n != null", 0},
      {"path =~ \"^/api/\"", 1},
      {"a == b", 4},
      {"status in [200, 404]", 5},
      {"duration < 1s", 1},
      {"q", 1},
      {"flag == true", 1},
      {"code != 5", 1},
  };
  unsigned k = depth > 4 ? 0 : rnd(g, 5);
  if (k <= 1) {
    unsigned i = rnd(g, sizeof leaves / sizeof leaves[0]);
    put(g, leaves[i].src);
    return leaves[i].bits;
  }
  if (k == 2) {
    put(g, "!(");
    int b = gen_expr(g, depth + 1);
    put(g, ")");
    return ~b & 7;
  }
  int n = 2 + (int)rnd(g, 3), acc = k == 3 ? 7 : 0;
  put(g, "(");
  for (int i = 0; i < n; i++) {
    if (i > 0)
      put(g, k == 3 ? " && " : " || ");
    int b = gen_expr(g, depth + 1);
    acc = k == 3 ? acc & b : acc | b;
  }
  put(g, ")");
  return acc;
}

static void test_random_logic(void **state) {
  (void)state;
  char buf[8192];
  struct gen g = {12345, buf, 0, sizeof buf};
  for (int t = 0; t < 3000; t++) {
    g.n = 0;
    buf[0] = 0;
    int bits = gen_expr(&g, 0);
    struct hr_expr *e = NULL;
    struct hr_err err = {0};
    if (expr_compile(buf, g.n, resolve, NULL, &e, &err) != HR_OK)
      fail_msg("%s: %s", buf, err.msg);
    for (int i = 0; i < 3; i++)
      if (expr_eval(e, &evs[i]) != (bits >> i & 1))
        fail_msg("%s on ev%d: want %d", buf, i, bits >> i & 1);
    expr_free(e);
  }
}

/* A regex PCRE2 gives up on is undecided, for =~ and !~ alike; undecided
 * tests combine in Kleene's three-valued logic, and each undecided event
 * is counted once per expression. */
static struct hr_event ev_long; /* status 200, a path on which ^/(a|a)*$ backtracks exponentially */
static char long_path[2002];

static void setup_long(void) {
  long_path[0] = '/';
  memset(long_path + 1, 'a', 1999);
  long_path[2000] = '!';
  event_reset(&ev_long);
  event_set_num(&ev_long, HR_F_STATUS, 200, "200", 3);
  event_set_str(&ev_long, HR_F_PATH, long_path, 2001);
}

static struct hr_expr *compile_ok(const char *src) {
  struct hr_expr *e = NULL;
  struct hr_err err = {0};
  if (expr_compile(src, strlen(src), resolve, NULL, &e, &err) != HR_OK)
    fail_msg("%s: %s", src, err.msg);
  return e;
}

static void test_undecided(void **state) {
  (void)state;
  setup_long();
  static const struct {
    const char *src;
    enum hr_truth want;
  } tc[] = {
      {"path !~ \"^/(a|a)*$\"", HR_UNDECIDED}, /* was: false, so good 0 of 2000 */
      {"path =~ \"^/(a|a)*$\"", HR_UNDECIDED},
      {"!(path =~ \"^/(a|a)*$\")", HR_UNDECIDED},
      {"status == 200 && path !~ \"^/(a|a)*$\"", HR_UNDECIDED},
      {"status == 404 && path !~ \"^/(a|a)*$\"", HR_FALSE}, /* short-circuit: never matched */
      {"path !~ \"^/(a|a)*$\" && status == 404", HR_FALSE}, /* U && F = F */
      {"path !~ \"^/(a|a)*$\" && status == 200", HR_UNDECIDED},
      {"path =~ \"^/(a|a)*$\" || status == 200", HR_TRUE}, /* U || T = T */
      {"path =~ \"^/(a|a)*$\" || status == 404", HR_UNDECIDED},
      {"status == 200 || path =~ \"^/(a|a)*$\"", HR_TRUE},
      {"!(path =~ \"^/(a|a)*$\" && false)", HR_TRUE}, /* !(U && F) = !F */
      {"path =~ \"^/a\" && path !~ \"b\"", HR_TRUE},  /* plain regexes never give up */
  };
  for (size_t i = 0; i < sizeof tc / sizeof tc[0]; i++) {
    struct hr_expr *e = compile_ok(tc[i].src);
    expr_set_match_limit(e, 10000);
    enum hr_truth got = expr_decide(e, &ev_long);
    if (got != tc[i].want)
      fail_msg("%s: got %d, want %d", tc[i].src, got, tc[i].want);
    assert_int_equal(expr_eval(e, &ev_long), got == HR_TRUE); /* undecided reads 0 */
    assert_int_equal(expr_undecided(e), got == HR_UNDECIDED ? 2 : 0);
    /* a short path is decided, with the same limit */
    assert_int_not_equal(expr_decide(e, &evs[0]), HR_UNDECIDED);
    expr_free(e);
  }
  /* 2,000 such events are all left out (good 0 of valid 0, where `!~`
   * used to say false: good 0 of 2,000), each counted once. */
  struct hr_expr *e = compile_ok("path !~ \"^/(a|a)*$\"");
  expr_set_match_limit(e, 10000);
  uint64_t good = 0;
  for (int k = 0; k < 2000; k++)
    good += expr_decide(e, &ev_long) == HR_TRUE;
  assert_int_equal(good, 0);
  assert_int_equal(expr_undecided(e), 2000);
  expr_free(e);
  /* The default limit (1,000,000 steps, about 5 ms) gives up as well. */
  e = compile_ok("path !~ \"^/(a|a)*$\"");
  assert_int_equal(expr_decide(e, &ev_long), HR_UNDECIDED);
  assert_int_equal(expr_undecided(e), 1);
  expr_free(e);
  /* A benign repeated group over a 2,000-byte path is decided: the JIT
   * stack is large enough (PCRE2's default 32 KiB is not). */
  struct hr_event ok;
  event_reset(&ok);
  event_set_str(&ok, HR_F_PATH, long_path, 2000); /* "/aaa...a" */
  e = compile_ok("path =~ \"^/(a|b)*$\"");
  assert_int_equal(expr_decide(e, &ok), HR_TRUE);
  assert_int_equal(expr_undecided(e), 0);
  expr_free(e);
  /* a literal matched at compile time that gives up: an error */
  char src[200];
  snprintf(src, sizeof src, "\"/%.60s!\" =~ \"^/(a|a)*$\"", long_path + 1);
  struct hr_err err = {0};
  assert_int_not_equal(expr_compile(src, strlen(src), resolve, NULL, &e, &err), HR_OK);
  assert_non_null(strstr(err.msg, "PCRE2 gives up matching this regex"));
}

/* Random &&, ||, ! trees over leaves true, false and undecided on ev_long,
 * against Kleene's tables. */
static int gen3(struct gen *g, int depth) {
  static const struct {
    const char *src;
    int v; /* 1, 0, -1 */
  } leaves[] = {
      {"true", 1},
      {"false", 0},
      {"status == 200", 1},
      {"status == 404", 0},
      {"path =~ \"^/a\"", 1},
      {"path =~ \"^/b\"", 0},
      {"path =~ \"^/(a|a)*$\"", -1},
      {"path !~ \"^(/|a)*$\"", -1},
  };
  unsigned k = depth > 4 ? 0 : rnd(g, 5);
  if (k <= 1) {
    unsigned i = rnd(g, sizeof leaves / sizeof leaves[0]);
    put(g, leaves[i].src);
    return leaves[i].v;
  }
  if (k == 2) {
    put(g, "!(");
    int v = gen3(g, depth + 1);
    put(g, ")");
    return v < 0 ? -1 : !v;
  }
  int n = 2 + (int)rnd(g, 3), u = 0, decided = -1;
  put(g, "(");
  for (int i = 0; i < n; i++) {
    if (i > 0)
      put(g, k == 3 ? " && " : " || ");
    int v = gen3(g, depth + 1);
    if (v == (k == 3 ? 0 : 1))
      decided = v;
    u |= v < 0;
  }
  put(g, ")");
  if (decided >= 0)
    return decided;
  return u ? -1 : k == 3;
}

static void test_undecided_logic(void **state) {
  (void)state;
  setup_long();
  char buf[8192];
  struct gen g = {777, buf, 0, sizeof buf};
  for (int t = 0; t < 400; t++) {
    g.n = 0;
    buf[0] = 0;
    int want = gen3(&g, 0);
    struct hr_expr *e = compile_ok(buf);
    expr_set_match_limit(e, 2000);
    int got = (int)expr_decide(e, &ev_long);
    if (got != want)
      fail_msg("%s: got %d, want %d", buf, got, want);
    expr_free(e);
  }
}

/* expr_assume(): the tests of a good filter that its total filter joins
 * with && are not run again where total holds, and the answer is the full
 * program's. Random pairs over ev0..ev2, then undecided leaves on ev_long. */
static void test_assume(void **state) {
  (void)state;
  static const struct {
    const char *good, *total;
    int folded;
  } tc[] = {
      {"path == \"/health\" && status >= 404", "path == \"/health\"", 1},
      {"method == \"GET\" && duration < 1s && status < 300", "status < 300 && method == \"GET\"", 2},
      {"path =~ \"^/api/\" && status < 500", "path =~ \"^/api/\"", 1},             /* plain text */
      {"path =~ \"^/a(b|c)\" && status < 500", "path =~ \"^/a(b|c)\"", 0},         /* PCRE2: never folded */
      {"status in [200, 404] && a == b", "(status in [200, 404] && (a == b))", 2}, /* nested && */
      {"status in [200, 404]", "status in [200, 403]", 0},
      {"status < 300 && q", "status < 301", 0},
      {"path == \"/a\" && q", "path != \"/a\"", 0},
      {"status < 300 && q", "status < 300 || q", 0}, /* an || holds without its parts */
      {"status < 300 && q", "!(status < 300)", 0},
      {"status >= 404 && q", "status > 404", 0},
  };
  for (size_t i = 0; i < sizeof tc / sizeof tc[0]; i++) {
    struct hr_expr *g = compile_ok(tc[i].good), *t = compile_ok(tc[i].total);
    if (expr_assume(g, t) != tc[i].folded)
      fail_msg("%s given %s: want %d folded", tc[i].good, tc[i].total, tc[i].folded);
    for (int k = 0; k < 3; k++)
      if (expr_decide(t, &evs[k]) == HR_TRUE)
        assert_int_equal(expr_decide_given(g, &evs[k]), expr_decide(g, &evs[k]));
    expr_free(g);
    expr_free(t);
  }
  char gbuf[8192], tbuf[8192];
  struct gen gg = {4242, gbuf, 0, sizeof gbuf}, gt = {99, tbuf, 0, sizeof tbuf};
  int checked = 0, folded = 0;
  for (int n = 0; n < 3000; n++) {
    gg.n = gt.n = 0;
    int gbits = gen_expr(&gg, 0), tbits = gen_expr(&gt, 0);
    struct hr_expr *g = compile_ok(gbuf), *t = compile_ok(tbuf);
    folded += expr_assume(g, t) > 0;
    for (int k = 0; k < 3; k++)
      if (tbits >> k & 1) {
        if ((int)expr_decide_given(g, &evs[k]) != (gbits >> k & 1))
          fail_msg("%s given %s on ev%d: want %d", gbuf, tbuf, k, gbits >> k & 1);
        checked++;
      }
    expr_free(g);
    expr_free(t);
  }
  assert_true(folded > 300 && checked > 1000);
  /* an undecided test of the good filter stays undecided, counted once */
  setup_long();
  struct hr_expr *g = compile_ok("status == 200 && path !~ \"^/(a|a)*$\""), *t = compile_ok("status == 200");
  expr_set_match_limit(g, 10000);
  assert_int_equal(expr_assume(g, t), 1);
  assert_int_equal(expr_decide(t, &ev_long), HR_TRUE);
  assert_int_equal(expr_decide_given(g, &ev_long), HR_UNDECIDED);
  assert_int_equal(expr_undecided(g), 1);
  /* without a shorter program it is expr_decide() */
  assert_int_equal(expr_assume(g, NULL), 0);
  assert_int_equal(expr_decide_given(g, &evs[0]), HR_TRUE);
  expr_free(g);
  expr_free(t);
}

/* expr_guard(): the test an expression cannot hold without; an event that
 * fails it is one the expression decides false, over random expressions. */
static void test_guard(void **state) {
  (void)state;
  static const struct {
    const char *src;
    int field, prefix;
    const char *text;
  } tc[] = {
      {"path == \"/health\"", HR_F_PATH, 0, "/health"},
      {"status < 500 && (method == \"GET\" && q)", HR_F_METHOD, 0, "GET"},
      {"path =~ \"^/api/\" && status < 500", HR_F_PATH, 1, "/api/"},
      {"path =~ \"/api/\"", -1, 0, NULL},    /* not anchored */
      {"path =~ \"^/a(b|c)\"", -1, 0, NULL}, /* not plain text */
      {"path != \"/health\"", -1, 0, NULL},
      {"path == \"/health\" || q", -1, 0, NULL},
      {"!(path == \"/health\")", -1, 0, NULL},
      {"code == 5", -1, 0, NULL},
  };
  for (size_t i = 0; i < sizeof tc / sizeof tc[0]; i++) {
    struct hr_expr *e = compile_ok(tc[i].src);
    struct hr_expr_guard g;
    expr_guard(e, &g);
    if (g.field != tc[i].field)
      fail_msg("%s: guard field %d, want %d", tc[i].src, g.field, tc[i].field);
    if (g.field >= 0) {
      assert_int_equal(g.prefix, tc[i].prefix);
      assert_int_equal(g.n, strlen(tc[i].text));
      assert_memory_equal(g.text, tc[i].text, g.n);
    }
    expr_free(e);
  }
  /* a string field that compares as a number is left to the expression */
  struct hr_expr *e = compile_ok("s == \"503\"");
  struct hr_expr_guard g;
  expr_guard(e, &g);
  assert_int_equal(g.field, F_S);
  struct hr_event num;
  event_reset(&num);
  event_set_num(&num, F_S, 503, "503.0", 5);
  assert_int_equal(expr_guard_fails(&g, &num), 0);
  assert_int_equal(expr_decide(e, &num), HR_TRUE);
  assert_int_equal(expr_guard_fails(&g, &evs[0]), 0); /* "503" */
  assert_int_equal(expr_guard_fails(&g, &evs[1]), 1); /* absent */
  expr_free(e);
  char buf[8192];
  struct gen gen = {2024, buf, 0, sizeof buf};
  int fails = 0;
  for (int n = 0; n < 3000; n++) {
    gen.n = 0;
    int bits = gen_expr(&gen, 0);
    e = compile_ok(buf);
    expr_guard(e, &g);
    for (int k = 0; k < 3 && g.field >= 0; k++)
      if (expr_guard_fails(&g, &evs[k])) {
        if (bits >> k & 1)
          fail_msg("%s on ev%d: the guard fails, the expression holds", buf, k);
        fails++;
      }
    expr_free(e);
  }
  assert_true(fails > 300);
}

/* Nested quantifiers are flagged (a warning for check), at the regex's column. */
static void test_regex_warning(void **state) {
  (void)state;
  static const struct {
    const char *re;
    int risky;
  } tc[] = {
      {"^/(a|a)*$", 1}, {"(a+)+", 1},          {"(\\w+\\s?)*x", 1}, {"((ab)+c)*", 1}, {"^(x|y){2,}z", 1},
      {"(?:a*)*", 1},   {"^/api/(v1|v2)/", 0}, {"(?>a+)+", 0},      {"(a+)++", 0},    {"[(a+)]*", 0},
      {"\\(a+\\)*", 0}, {"a+b*", 0},           {"(abc)*", 0},       {"(a+){2}", 0},   {"\\Q(a+)+\\E", 0},
  };
  for (size_t i = 0; i < sizeof tc / sizeof tc[0]; i++) {
    char src[100];
    snprintf(src, sizeof src, "path =~ \"%s\"", tc[i].re);
    struct hr_expr *e = compile_ok(src);
    const char *w = expr_warning(e);
    if ((w != NULL) != tc[i].risky)
      fail_msg("%s: warning %s, want %s", tc[i].re, w ? w : "(none)", tc[i].risky ? "one" : "none");
    if (w != NULL && strncmp(w, "col 9: the regex repeats a group", 32) != 0)
      fail_msg("%s: %s", tc[i].re, w);
    expr_free(e);
  }
}

/* Where each field is first read, for check's messages. */
static void test_field_pos(void **state) {
  (void)state;
  struct hr_expr *e = compile_ok("status == 200 && (duration < 1s || status > 500)");
  assert_int_equal(expr_field_pos(e, HR_F_STATUS), 0);
  assert_int_equal(expr_field_pos(e, HR_F_DURATION), 18);
  assert_int_equal(expr_field_pos(e, HR_F_PATH), -1);
  assert_int_equal(expr_field_pos(e, -1), -1);
  assert_int_equal(expr_field_pos(e, HR_MAX_FIELDS), -1);
  expr_free(e);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_plain_regex),
      cmocka_unit_test(test_eval_table),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_depth),
      cmocka_unit_test(test_length),
      cmocka_unit_test(test_fields),
      cmocka_unit_test(test_not_nul_terminated),
      cmocka_unit_test(test_types_change),
      cmocka_unit_test(test_streq_lengths),
      cmocka_unit_test(test_random_logic),
      cmocka_unit_test(test_undecided),
      cmocka_unit_test(test_undecided_logic),
      cmocka_unit_test(test_assume),
      cmocka_unit_test(test_guard),
      cmocka_unit_test(test_regex_warning),
      cmocka_unit_test(test_field_pos),
  };
  return cmocka_run_group_tests(t, setup, NULL);
}
