/* test_json.c -- the JSON string decoder (core/json.h): escapes, surrogate
 * pairs, lone surrogates of both halves, raw UTF-8 (valid, overlong,
 * encoded surrogates, out of range, truncated), control characters,
 * truncated input, \u0000, the caller's buffer, and the eight-byte fast path
 * around every offset. Inputs are copied to exact-size buffers, so a read
 * past the end is an ASan error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* A string body (after the opening quote) of n bytes. */
struct out {
  enum hr_json_rc rc;
  size_t stop; /* offset of *close */
  int esc;
  char text[256];
  size_t n;
};

static struct out run(const char *in, size_t n) {
  struct out o;
  memset(&o, 0, sizeof o);
  char *buf = malloc(n ? n : 1);
  memcpy(buf, in, n);
  const char *close = NULL, *close2 = NULL;
  o.rc = json_str_scan(buf, buf + n, &close, &o.esc);
  o.stop = (size_t)(close - buf);
  enum hr_json_rc rc2 = json_str_decode(buf, buf + n, o.text, sizeof o.text, &o.n, &close2);
  /* the scan and the decode agree on every input */
  if (rc2 != o.rc || close2 != close)
    fail_msg("scan %d at %zu, decode %d at %zu", o.rc, o.stop, rc2, (size_t)(close2 - buf));
  if (o.rc == HR_JSON_OK && !o.esc && (o.n != o.stop || memcmp(o.text, buf, o.n) != 0))
    fail_msg("a string without escapes is not its raw bytes");
  free(buf);
  return o;
}

#define RUN(lit) run(lit, sizeof(lit) - 1)

static void ok_text(const char *in, size_t n, const char *want, size_t wn) {
  struct out o = run(in, n);
  if (o.rc != HR_JSON_OK)
    fail_msg("'%.*s': rc %d (%s) at %zu", (int)n, in, o.rc, json_strerror(o.rc), o.stop);
  if (o.stop != n - 1)
    fail_msg("'%.*s': closing quote at %zu, want %zu", (int)n, in, o.stop, n - 1);
  if (o.n != wn || memcmp(o.text, want, wn) != 0)
    fail_msg("'%.*s': decoded to %zu bytes '%.*s'", (int)n, in, o.n, (int)o.n, o.text);
}
#define OK(lit, want) ok_text(lit, sizeof(lit) - 1, want, sizeof(want) - 1)

static void bad(const char *in, size_t n, enum hr_json_rc want, size_t at) {
  struct out o = run(in, n);
  if (o.rc != want)
    fail_msg("'%.*s': rc %d (%s), want %d (%s)", (int)n, in, o.rc, json_strerror(o.rc), want, json_strerror(want));
  if (o.stop != at)
    fail_msg("'%.*s': stopped at %zu, want %zu", (int)n, in, o.stop, at);
}
#define BAD(lit, want, at) bad(lit, sizeof(lit) - 1, want, at)

static void test_plain_and_escapes(void **state) {
  (void)state;
  OK("\"", "");
  OK("abc\"", "abc");
  OK("a\\\"b\\\\c\\/d\"", "a\"b\\c/d");
  OK("\\b\\f\\n\\r\\t\"", "\b\f\n\r\t");
  OK("\\u0041\\u00e9\\u00E9\\u20AC\\uffff\"", "A\xC3\xA9\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBF");
  OK("\\u007f\\u0080\\u07ff\\u0800\"", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80");
  OK("x\x7Fy\"", "x\x7Fy");                /* DEL is not a control character for JSON */
  struct out o = RUN("abc\" trailing \""); /* stops at the first unescaped quote */
  assert_int_equal(o.rc, HR_JSON_OK);
  assert_int_equal(o.stop, 3);
  o = RUN("plain\"");
  assert_int_equal(o.esc, 0);
  o = RUN("es\\ncaped\"");
  assert_int_equal(o.esc, 1);
  BAD("\\x\"", HR_JSON_BAD_ESCAPE, 0);
  BAD("ab\\'\"", HR_JSON_BAD_ESCAPE, 2);
  BAD("\\U0041\"", HR_JSON_BAD_ESCAPE, 0);
  BAD("\\0\"", HR_JSON_BAD_ESCAPE, 0);
  BAD("\\u12\"", HR_JSON_BAD_HEX, 0);
  BAD("\\u12g4\"", HR_JSON_BAD_HEX, 0);
  BAD("\\uXYZW\"", HR_JSON_BAD_HEX, 0);
  BAD("\\u-123\"", HR_JSON_BAD_HEX, 0);
}

static void test_surrogates(void **state) {
  (void)state;
  /* pairs: one code point, four bytes */
  OK("\\ud83d\\ude00\"", "\xF0\x9F\x98\x80");
  OK("\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80");
  OK("\\ud800\\udc00\"", "\xF0\x90\x80\x80"); /* U+10000 */
  OK("\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
  OK("a\\ud83d\\ude00b\\ud83d\\ude01\"", "a\xF0\x9F\x98\x80"
                                         "b\xF0\x9F\x98\x81");
  /* a lone high half: at the end, before text, before another escape */
  BAD("\\ud83d\"", HR_JSON_LONE_SURROGATE, 0);
  BAD("ab\\ud83dx\"", HR_JSON_LONE_SURROGATE, 2);
  BAD("\\ud83d\\u0041\"", HR_JSON_LONE_SURROGATE, 0);
  BAD("\\ud83d\\n\"", HR_JSON_LONE_SURROGATE, 0);
  BAD("\\ud83d\\ud83d\\ude00\"", HR_JSON_LONE_SURROGATE, 0); /* high, high, low */
  BAD("\\udbff\\uXXXX\"", HR_JSON_LONE_SURROGATE, 0);
  BAD("\\ud83d\\ude0\"", HR_JSON_LONE_SURROGATE, 0);
  /* a lone low half, alone or before a high one */
  BAD("\\ude00\"", HR_JSON_LONE_SURROGATE, 0);
  BAD("x\\udc00\"", HR_JSON_LONE_SURROGATE, 1);
  BAD("\\udfff\\ud83d\"", HR_JSON_LONE_SURROGATE, 0);
  BAD("\\ud83d\\ude00\\ude00\"", HR_JSON_LONE_SURROGATE, 12);
  /* truncated pairs */
  BAD("\\ud83d", HR_JSON_LONE_SURROGATE, 0);
  BAD("\\ud83d\\ude", HR_JSON_LONE_SURROGATE, 0);
}

static void test_raw_utf8(void **state) {
  (void)state;
  /* well-formed, at the edges of each range */
  OK("\xC2\x80\xDF\xBF\"", "\xC2\x80\xDF\xBF");
  OK("\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\"", "\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF");
  OK("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"", "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
  OK("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\"",
     "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
  /* overlong forms */
  BAD("\xC0\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("a\xC1\xBF\"", HR_JSON_BAD_UTF8, 1);
  BAD("\xE0\x80\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xE0\x9F\xBF\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xF0\x80\x80\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xF0\x8F\xBF\xBF\"", HR_JSON_BAD_UTF8, 0);
  /* encoded surrogates (CESU-8), above U+10FFFF, never-valid bytes */
  BAD("\xED\xA0\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xED\xA0\xBD\xED\xB8\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xED\xBF\xBF\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xF4\x90\x80\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xF5\x80\x80\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xFE\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xFF\"", HR_JSON_BAD_UTF8, 0);
  /* stray continuation bytes; Latin-1 text */
  BAD("\x80\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xC3\xA9\xBF\"", HR_JSON_BAD_UTF8, 2);
  BAD("caf\xE9\"", HR_JSON_BAD_UTF8, 3);
  /* truncated sequences: before the quote, at the end of input */
  BAD("\xC3\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xE2\x82\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xF0\x9F\x98\"", HR_JSON_BAD_UTF8, 0);
  BAD("\xC3", HR_JSON_BAD_UTF8, 0);
  BAD("\xF0\x9F\x98", HR_JSON_BAD_UTF8, 0);
}

static void test_control_and_truncated(void **state) {
  (void)state;
  for (int c = 0; c < 0x20; c++) {
    char in[] = "ab?\"";
    in[2] = (char)c;
    bad(in, 4, HR_JSON_CONTROL, 2);
  }
  BAD("tab\there\"", HR_JSON_CONTROL, 3);
  BAD("line\n\"", HR_JSON_CONTROL, 4);
  /* truncated: no closing quote; a backslash or an escape at the end */
  BAD("", HR_JSON_UNTERMINATED, 0);
  BAD("abc", HR_JSON_UNTERMINATED, 3);
  BAD("abcdefghijklmnopq", HR_JSON_UNTERMINATED, 17);
  BAD("abc\\", HR_JSON_UNTERMINATED, 4);
  BAD("abc\\\"", HR_JSON_UNTERMINATED, 5); /* the quote is escaped */
  BAD("\\u00", HR_JSON_BAD_HEX, 0);
  BAD("\\u", HR_JSON_BAD_HEX, 0);
}

static void test_nul(void **state) {
  (void)state;
  OK("\\u0000\"", "\0");
  OK("a\\u0000b\"", "a\0b");
  BAD("a\0b\"", HR_JSON_CONTROL, 1); /* a raw NUL byte is a control character */
  char *s = (char *)1;
  size_t n = 99;
  const char *close;
  static const char nul[] = "a\\u0000b\"";
  assert_int_equal(json_str_dup(nul, nul + sizeof nul - 1, &s, &n, &close), HR_JSON_NUL);
  assert_null(s);
  assert_ptr_equal(close, nul); /* the string, not its end */
  assert_string_equal(json_strerror(HR_JSON_NUL), "U+0000 in a string");
}

static void test_dup(void **state) {
  (void)state;
  static const char plain[] = "plain text\",", esc[] = "caf\\u00e9 \\\"x\\\"\"", bad[] = "\\ud800\"";
  char *s = NULL;
  size_t n = 0;
  const char *close = NULL;
  assert_int_equal(json_str_dup(plain, plain + sizeof plain - 1, &s, &n, &close), HR_JSON_OK);
  assert_string_equal(s, "plain text");
  assert_int_equal(n, 10);
  assert_ptr_equal(close, plain + 10);
  free(s);
  assert_int_equal(json_str_dup(esc, esc + sizeof esc - 1, &s, NULL, &close), HR_JSON_OK);
  assert_string_equal(s, "caf\xC3\xA9 \"x\"");
  assert_ptr_equal(close, esc + sizeof esc - 2);
  free(s);
  s = (char *)1;
  assert_int_equal(json_str_dup(bad, bad + sizeof bad - 1, &s, &n, &close), HR_JSON_LONE_SURROGATE);
  assert_null(s);
  assert_ptr_equal(close, bad);
}

/* The caller's buffer: exact fits, one byte short, never overrun. */
static void test_buffer(void **state) {
  (void)state;
  static const struct {
    const char *in;
    size_t need;
  } cases[] = {{"abcdefghijklmnopqrstuvwxyz\"", 26},
               {"a\\nb\"", 3},
               {"\\ud83d\\ude00\"", 4},
               {"x\\u00e9\"", 3},
               {"\xC3\xA9\\t\"", 3},
               {"\"", 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *in = cases[i].in, *end = in + strlen(in), *close;
    char buf[64];
    size_t n;
    memset(buf, '#', sizeof buf);
    assert_int_equal(json_str_decode(in, end, buf, cases[i].need, &n, &close), HR_JSON_OK);
    assert_int_equal(n, cases[i].need);
    assert_int_equal(buf[cases[i].need], '#');
    if (cases[i].need == 0)
      continue;
    memset(buf, '#', sizeof buf);
    assert_int_equal(json_str_decode(in, end, buf, cases[i].need - 1, &n, &close), HR_JSON_NOSPACE);
    assert_true(n < cases[i].need);
    assert_int_equal(buf[cases[i].need - 1], '#');
  }
}

/* Every special byte at every offset of a string longer than two words,
 * so each lands at each position of the eight-byte fast path and its tail. */
static void test_fast_path_offsets(void **state) {
  (void)state;
  char in[64], want[64];
  for (size_t len = 0; len <= 40; len++) {
    memset(in, 'a', len);
    in[len] = '"';
    struct out o = run(in, len + 1);
    assert_int_equal(o.rc, HR_JSON_OK);
    assert_int_equal(o.stop, len);
    assert_int_equal(o.n, len);
  }
  for (size_t k = 0; k < 24; k++) {
    memset(in, 'b', 30);
    in[30] = '"';
    in[k] = 0x1f;
    bad(in, 31, HR_JSON_CONTROL, k);
    in[k] = '\x80';
    bad(in, 31, HR_JSON_BAD_UTF8, k);
    in[k] = '"';
    struct out o = run(in, 31);
    assert_int_equal(o.rc, HR_JSON_OK);
    assert_int_equal(o.stop, k);
    /* an escape and a 2-byte character at k */
    memcpy(in + k, "\\n\xC3\xA9", 4);
    in[30] = '"';
    memset(want, 'b', 30);
    memcpy(want + k, "\n\xC3\xA9", 3);
    ok_text(in, 31, want, 29);
  }
}

static void test_strerror(void **state) {
  (void)state;
  for (int rc = HR_JSON_OK; rc <= HR_JSON_NUL; rc++)
    assert_true(strlen(json_strerror((enum hr_json_rc)rc)) > 0);
  assert_string_equal(json_strerror(HR_JSON_LONE_SURROGATE), "unpaired surrogate in a \\u escape");
}

/* The one number grammar (RFC 8259 §6) of every JSON reader: what it
 * accepts, where it stops, what it rejects, and the values. */
static void test_numbers(void **state) {
  (void)state;
  static const struct {
    const char *in;
    enum hr_json_rc rc;
    size_t stop; /* bytes scanned (OK), or where it went wrong */
    int integer;
    double value;
  } cases[] = {
      {"0", HR_JSON_OK, 1, 1, 0},
      {"-0", HR_JSON_OK, 2, 1, 0},
      {"42,", HR_JSON_OK, 2, 1, 42},
      {"-17}", HR_JSON_OK, 3, 1, -17},
      {"3.25", HR_JSON_OK, 4, 0, 3.25},
      {"1e3", HR_JSON_OK, 3, 0, 1000},
      {"-2.5E-1 ", HR_JSON_OK, 7, 0, -0.25},
      {"1e+2", HR_JSON_OK, 4, 0, 100},
      {"123456789012345", HR_JSON_OK, 15, 1, 123456789012345.0},
      {"12345678901234567", HR_JSON_OK, 17, 1, 12345678901234567.0},
      {"01", HR_JSON_OK, 1, 1, 0}, /* a leading zero ends the number: the reader then finds "1" */
      {"", HR_JSON_NOT_NUMBER, 0, 1, 0},
      {"+1", HR_JSON_NOT_NUMBER, 0, 1, 0},
      {"-", HR_JSON_NOT_NUMBER, 1, 1, 0},
      {"-x", HR_JSON_NOT_NUMBER, 1, 1, 0},
      {".5", HR_JSON_NOT_NUMBER, 0, 1, 0},
      {"Infinity", HR_JSON_NOT_NUMBER, 0, 1, 0},
      {"1.", HR_JSON_BAD_NUMBER, 2, 0, 0},
      {"1.e5", HR_JSON_BAD_NUMBER, 2, 0, 0},
      {"1e", HR_JSON_BAD_NUMBER, 2, 0, 0},
      {"1e+", HR_JSON_BAD_NUMBER, 3, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = strlen(cases[i].in);
    char *buf = malloc(n ? n : 1); /* exact size: a read past it is an ASan error */
    memcpy(buf, cases[i].in, n);
    const char *stop = NULL;
    int integer = -1;
    enum hr_json_rc rc = json_num_scan(buf, buf + n, &stop, &integer);
    if (rc != cases[i].rc || (size_t)(stop - buf) != cases[i].stop)
      fail_msg("'%s': rc %d stop %td, want %d at %zu", cases[i].in, rc, stop - buf, cases[i].rc, cases[i].stop);
    if (rc == HR_JSON_OK) {
      double x = -1;
      assert_int_equal(integer, cases[i].integer);
      assert_int_equal(json_num_value(buf, (size_t)(stop - buf), integer, &x), HR_JSON_OK);
      if (x != cases[i].value)
        fail_msg("'%s': value %.17g, want %.17g", cases[i].in, x, cases[i].value);
    }
    free(buf);
  }
  /* Longer than HR_JSON_NUM_MAX: scanned, not converted. */
  char big[HR_JSON_NUM_MAX + 3];
  memset(big, '1', sizeof big);
  big[1] = '.';
  const char *stop;
  int integer;
  double x;
  assert_int_equal(json_num_scan(big, big + sizeof big, &stop, &integer), HR_JSON_OK);
  assert_int_equal(json_num_value(big, (size_t)(stop - big), integer, &x), HR_JSON_LONG_NUMBER);
  assert_string_equal(json_strerror(HR_JSON_NOT_NUMBER), "expected a number");
  assert_string_equal(json_strerror(HR_JSON_BAD_NUMBER), "bad number");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_and_escapes),
      cmocka_unit_test(test_surrogates),
      cmocka_unit_test(test_raw_utf8),
      cmocka_unit_test(test_control_and_truncated),
      cmocka_unit_test(test_nul),
      cmocka_unit_test(test_dup),
      cmocka_unit_test(test_buffer),
      cmocka_unit_test(test_fast_path_offsets),
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_numbers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
