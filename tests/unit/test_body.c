/* test_body.c -- the flat JSON object bodies of the HTTP API (http/body.h):
 * fields picked out, strings under the one policy of core/json.h (pairs
 * decoded, lone surrogates of either half, \u0000 and bad hex refused),
 * numbers, duplicates, and time members. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/body.h"

enum { F_SERVICE, F_TEXT, F_AT, F_N };

static void reset(struct hr_jfield *fs) {
  static const char *const keys[F_N] = {"service", "text", "at"};
  for (int i = 0; i < F_N; i++) {
    free(fs[i].s);
    memset(&fs[i], 0, sizeof fs[i]);
    fs[i].key = keys[i];
  }
}

static int parse(const char *body, struct hr_jfield *fs, const char **msg) {
  reset(fs);
  *msg = NULL;
  size_t n = strlen(body);
  char *copy = malloc(n ? n : 1); /* exact size: no terminator to lean on */
  memcpy(copy, body, n);
  int rc = body_parse_object(copy, copy + n, fs, F_N, msg);
  free(copy);
  return rc;
}

static void test_fields(void **state) {
  (void)state;
  struct hr_jfield fs[F_N] = {{0}};
  const char *msg;
  assert_int_equal(parse(" {\"service\": \"web\", \"other\": [1], \"at\": 1772366400}", fs, &msg), -1);
  assert_string_equal(msg, "values must be strings, numbers, true, false or null");
  assert_int_equal(
      parse("{\"service\":\"w\\u00e9b\",\"x\":null,\"y\":true,\"at\":1772366400.5,\"text\":\"a\\nb\"}", fs, &msg), 0);
  assert_string_equal(fs[F_SERVICE].s, "w\xc3\xa9"
                                       "b");
  assert_string_equal(fs[F_TEXT].s, "a\nb");
  assert_true(fs[F_AT].is_num && fs[F_AT].num == 1772366400.5);
  int64_t s = 0;
  int has = 0;
  char err[256];
  assert_int_equal(body_field_time(&fs[F_AT], &s, &has, err, sizeof err), 0);
  assert_int_equal(has, 1);
  assert_int_equal(s, 1772366400);
  assert_int_equal(parse("{\"at\":\"2026-03-01T12:00:00Z\"}", fs, &msg), 0);
  assert_int_equal(body_field_time(&fs[F_AT], &s, &has, err, sizeof err), 0);
  assert_int_equal(s, 1772366400);
  assert_int_equal(body_field_time(&fs[F_TEXT], &s, &has, err, sizeof err), 0); /* absent */
  assert_int_equal(has, 0);
  assert_int_equal(parse("{\"at\":\"yesterday\"}", fs, &msg), 0);
  assert_int_equal(body_field_time(&fs[F_AT], &s, &has, err, sizeof err), -1);
  assert_string_equal(err, "\"at\": expected an RFC 3339 time with Z or an offset, such as 2026-03-01T12:00:00Z or "
                           "2026-03-01T14:00:00+02:00, got 'yesterday'");
  /* A time without its UTC offset is refused, never taken as UTC. */
  assert_int_equal(parse("{\"at\":\"2026-03-01T12:00:00\"}", fs, &msg), 0);
  assert_int_equal(body_field_time(&fs[F_AT], &s, &has, err, sizeof err), -1);
  assert_string_equal(err, "\"at\": 2026-03-01T12:00:00 has no UTC offset: add Z for UTC or an offset such as +02:00 "
                           "(2026-03-01T12:00:00Z)");
  assert_int_equal(parse("{\"at\":\"2026-03-01T14:00:00+02:00\"}", fs, &msg), 0);
  assert_int_equal(body_field_time(&fs[F_AT], &s, &has, err, sizeof err), 0);
  assert_int_equal(s, 1772366400);
  assert_int_equal(parse("{}", fs, &msg), 0);
  assert_int_equal(parse("{\"service\":\"a\",\"service\":\"b\"}", fs, &msg), -1);
  assert_string_equal(msg, "duplicate key");
  assert_int_equal(parse("{\"service\":\"a\"} x", fs, &msg), -1);
  reset(fs);
}

static void test_strings(void **state) {
  (void)state;
  struct hr_jfield fs[F_N] = {{0}};
  const char *msg;
  /* a pair: one 4-byte character */
  assert_int_equal(parse("{\"text\":\"deploy \\ud83d\\ude80\"}", fs, &msg), 0);
  assert_string_equal(fs[F_TEXT].s, "deploy \xf0\x9f\x9a\x80");
  /* lone halves were replaced by U+FFFD here before; now refused as everywhere */
  static const struct {
    const char *body, *msg;
  } bad[] = {
      {"{\"text\":\"a\\ud83d\"}", "unpaired surrogate in a \\u escape"},
      {"{\"text\":\"a\\ude80b\"}", "unpaired surrogate in a \\u escape"},
      {"{\"\\udc00\":1}", "unpaired surrogate in a \\u escape"},
      {"{\"text\":\"a\\u0000b\"}", "U+0000 in a string"},
      {"{\"text\":\"\\u000g\"}", "bad \\u escape"}, /* was read as "c" */
      {"{\"text\":\"caf\xe9\"}", "invalid UTF-8 in a string"},
      {"{\"text\":\"tab\there\"}", "control character in a string"},
      {"{\"text\":\"open", "unterminated string"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (parse(bad[i].body, fs, &msg) != -1 || msg == NULL || strcmp(msg, bad[i].msg) != 0)
      fail_msg("case %zu: msg %s, want %s", i, msg ? msg : "(none)", bad[i].msg);
  }
  reset(fs);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fields), cmocka_unit_test(test_strings)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
