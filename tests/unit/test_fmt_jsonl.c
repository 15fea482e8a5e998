/* test_fmt_jsonl.c -- JSON lines: values, escapes, skipped nesting, times,
 * mapping, derived duration, malformed lines, and filters on parsed events.
 *
 * Epoch values were computed with python3 (datetime(..., tzinfo=utc)
 * .timestamp()): 2026-03-29T00:00:00Z = 1774742400, 00:07:30Z = 1774742850,
 * 2026-03-29T02:30:00+02:00 = 00:30:00Z = 1774744200. UTF-8 of "é😀" is
 * c3 a9 f0 9f 98 80 (python3 'é😀'.encode()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/expr.h"
#include "core/format.h"
#include "util/xmalloc.h"

static struct hr_event ev;

static struct hr_format *mk(const struct hr_format_opts *o) {
  struct hr_format *f = NULL;
  struct hr_err err = {0};
  if (format_new(o, &f, &err) != HR_OK)
    fail_msg("format_new: %s", err.msg);
  return f;
}

static int resolve(void *ctx, const char *name, size_t n) {
  return format_field(ctx, name, n);
}

/* Expected field value: type 0 = absent; HR_V_NULL = present and null. */
struct want {
  const char *field;
  int type;
  double num;
  const char *str; /* STR: bytes; strlen unless len is set */
  size_t len;
};

static void check_field(struct hr_format *f, const char *line, const struct want *w) {
  int id = format_field(f, w->field, strlen(w->field));
  assert_true(id >= 0);
  if (w->type == 0) {
    if (event_get(&ev, id) != NULL)
      fail_msg("%s: %s should be absent", line, w->field);
    return;
  }
  if (!(ev.set >> id & 1))
    fail_msg("%s: %s not set", line, w->field);
  const struct hr_val *v = &ev.f[id];
  if (v->type != w->type)
    fail_msg("%s: %s has type %d, want %d", line, w->field, v->type, w->type);
  if (w->type == HR_V_NUM || w->type == HR_V_BOOL) {
    if (v->num != w->num)
      fail_msg("%s: %s = %.17g, want %.17g", line, w->field, v->num, w->num);
  } else if (w->type == HR_V_STR) {
    size_t n = w->len ? w->len : strlen(w->str);
    if (v->sv.n != n || memcmp(v->sv.p, w->str, n) != 0)
      fail_msg("%s: %s = '%.*s', want '%s'", line, w->field, (int)v->sv.n, v->sv.p, w->str);
  }
}

struct pcase {
  const char *line;
  int rc;
  int64_t ts_us;
  struct want w[3];
};

static void run_cases(struct hr_format *f, const struct pcase *c, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int rc = format_parse(f, c[i].line, strlen(c[i].line), &ev);
    if (rc != c[i].rc)
      fail_msg("case %zu %s: rc %d (%s), want %d", i, c[i].line, rc, format_reason(rc), c[i].rc);
    if (rc != 0)
      continue;
    if (ev.ts_us != c[i].ts_us)
      fail_msg("%s: ts_us %lld, want %lld", c[i].line, (long long)ev.ts_us, (long long)c[i].ts_us);
    for (int k = 0; k < 3 && c[i].w[k].field; k++)
      check_field(f, c[i].line, &c[i].w[k]);
  }
}

#define S 1000000LL
#define NUM(f, x)                                                                                                      \
  { (f), HR_V_NUM, (x), NULL, 0 }
#define STR(f, s)                                                                                                      \
  { (f), HR_V_STR, 0, (s), 0 }
#define BOOL(f, b)                                                                                                     \
  { (f), HR_V_BOOL, (b), NULL, 0 }
#define NUL(f)                                                                                                         \
  { (f), HR_V_NULL, 0, NULL, 0 }
#define ABSENT(f)                                                                                                      \
  { (f), 0, 0, NULL, 0 }

/* No mapping: keys keep their names; time from "time". */
static void test_plain(void **state) {
  (void)state;
  struct hr_format_opts o = {.kind = HR_FMT_JSONL};
  struct hr_format *f = mk(&o);
  /* names a filter would use: registered before parsing */
  assert_int_equal(format_field(f, "status", 6), HR_F_STATUS);
  int user = format_field(f, "user", 4), okid = format_field(f, "ok", 2);
  assert_true(user >= HR_F_NSTD && okid > user);
  assert_int_equal(format_field(f, "user", 4), user); /* stable */
  static const struct pcase c[] = {
      {"{\"time\":\"2026-03-29T00:00:00Z\",\"status\":200,\"duration\":0.25}",
       0,
       1774742400 * S,
       {NUM("status", 200), NUM("duration", 0.25), NUM("time", 1774742400)}},
      {"{\"time\":1774742400,\"status\":\"503\"}", 0, 1774742400 * S, {STR("status", "503")}},
      /* above 1e11: milliseconds */
      {"{\"time\":1774742400123,\"status\":200}", 0, 1774742400123000LL, {NUM("status", 200)}},
      {"{\"time\":1774742400.5}", 0, 1774742400500000LL, {NUM("time", 1774742400.5)}},
      {"{\"time\":\"1774742400\"}", 0, 1774742400 * S, {ABSENT("status")}},
      {"{\"time\":1.7747424e9}", 0, 1774742400 * S, {ABSENT("status")}},
      /* escapes, incl. a surrogate pair */
      {"{\"time\":1,\"user\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"}",
       0,
       S,
       {STR("user", "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80")}},
      {"{\"time\":1,\"user\":\"\\u0000x\"}", 0, S, {{"user", HR_V_STR, 0, "\0x", 2}}},
      {"{\"time\":1,\"user\":\"plain \xc3\xa9\"}", 0, S, {STR("user", "plain \xc3\xa9")}},
      /* nested values are skipped (and validated) */
      {"{\"time\":1,\"meta\":{\"a\":[1,2,{\"b\":null}],\"c\":\"x\\u0041\"},\"status\":200}",
       0,
       S,
       {NUM("status", 200)}},
      {"{\"time\":1,\"user\":{\"x\":1},\"status\":[]}", 0, S, {ABSENT("user"), ABSENT("status")}},
      {"{\"time\":1,\"user\":\"a\",\"user\":[1]}", 0, S, {ABSENT("user")}},
      /* duplicates: last wins */
      {"{\"time\":1,\"status\":200,\"status\":500}", 0, S, {NUM("status", 500)}},
      {"{\"time\":5,\"time\":1}", 0, S, {NUM("time", 1)}},
      {"{\"time\":1,\"ok\":true,\"user\":null}", 0, S, {BOOL("ok", 1), NUL("user")}},
      {"{\"time\":1,\"ok\":false}", 0, S, {BOOL("ok", 0)}},
      {"{\"time\":1,\"status\":-1.5e2}", 0, S, {NUM("status", -150)}},
      {"{\"status\":1E+2,\"time\":1}", 0, S, {NUM("status", 100)}},
      {"{\"time\":1,\"status\":0}", 0, S, {NUM("status", 0)}},
      {"  { \"time\" : 1 ,\t\"status\" : 200 }  \r", 0, S, {NUM("status", 200)}},
      {"\xEF\xBB\xBF{\"time\":1}", 0, S, {ABSENT("status")}},
      /* a key written with escapes */
      {"{\"time\":1,\"st\\u0061tus\":201}", 0, S, {NUM("status", 201)}},
      {"{\"time\":1,\"\\u0075ser\":\"u\",\"us\\u00e9r\":\"v\"}", 0, S, {STR("user", "u")}},
      /* time problems */
      {"{\"status\":200}", HR_BAD_TIME, 0, {{0}}},
      {"{}", HR_BAD_TIME, 0, {{0}}},
      {"{\"time\":null}", HR_BAD_TIME, 0, {{0}}},
      {"{\"time\":true}", HR_BAD_TIME, 0, {{0}}},
      {"{\"time\":\"yesterday\"}", HR_BAD_TIME, 0, {{0}}},
      {"{\"time\":{\"s\":1}}", HR_BAD_TIME, 0, {{0}}},
      {"{\"time\":-5}", HR_BAD_TIME, 0, {{0}}},
      /* malformed JSON */
      {"", HR_BAD_JSON, 0, {{0}}},
      {"   ", HR_BAD_JSON, 0, {{0}}},
      {"[1]", HR_BAD_JSON, 0, {{0}}},
      {"\"x\"", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1} x", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1}{}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":01}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"\\x\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"\\ud83d\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"\\ud83dx\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"\\ude00\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"\\u12\"}", HR_BAD_JSON, 0, {{0}}},
      /* the one string policy (core/json.h): lone surrogates and bytes that
       * are not UTF-8 make the line malformed, in values, keys, nested */
      {"{\"time\":1,\"user\":\"a\\ude00\\ud83d\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"\\ud800\":1}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"m\":[{\"k\":\"\\udbff\"}]}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"user\":\"caf\xe9\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"user\":\"\xc0\xaf\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"user\":\"\xed\xa0\xbd\xed\xb8\x80\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"m\":{\"k\":\"\xff\"}}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"\\u12g4\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"a", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":\"tab\there\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":tru}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":nul}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1 \"s\":2}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":[1,2}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":{\"a\"}}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":{1:2}}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":1.}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":.5}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":1e}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":-}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"s\":+1}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1,\"status\":}", HR_BAD_JSON, 0, {{0}}},
      {"{time:1}", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\":1", HR_BAD_JSON, 0, {{0}}},
      {"{\"time\"", HR_BAD_JSON, 0, {{0}}},
      {"{", HR_BAD_JSON, 0, {{0}}},
  };
  run_cases(f, c, sizeof c / sizeof c[0]);
  format_free(f);
}

/* The line is read only within [0, len): no NUL needed. */
static void test_not_nul_terminated(void **state) {
  (void)state;
  struct hr_format_opts o = {.kind = HR_FMT_JSONL};
  struct hr_format *f = mk(&o);
  const char line[] = "{\"time\":1,\"status\":200}{garbage";
  /* {"time":1, is 10 bytes, "status":200 is 12, } is 1: 23 */
  assert_int_equal(format_parse(f, line, 23, &ev), 0);
  assert_int_equal(ev.ts_us, S);
  assert_int_equal(format_parse(f, line, 24, &ev), HR_BAD_JSON); /* one byte of the next object */
  assert_int_equal(format_parse(f, line, 22, &ev), HR_BAD_JSON); /* cut before '}' */
  char *heap = xmalloc(23);                                      /* ASan checks the bound */
  memcpy(heap, line, 23);
  assert_int_equal(format_parse(f, heap, 23, &ev), 0);
  assert_int_equal(format_parse(f, heap, 12, &ev), HR_BAD_JSON);
  free(heap);
  format_free(f);
}

/* Nesting: 64 levels of skipped containers pass, 65 do not. */
static void test_depth(void **state) {
  (void)state;
  struct hr_format_opts o = {.kind = HR_FMT_JSONL};
  struct hr_format *f = mk(&o);
  char line[400];
  for (int levels = 64; levels <= 65; levels++) {
    size_t k = 0;
    memcpy(line, "{\"time\":1,\"x\":", 14);
    k = 14;
    for (int i = 0; i < levels; i++)
      line[k++] = '[';
    for (int i = 0; i < levels; i++)
      line[k++] = ']';
    line[k++] = '}';
    assert_int_equal(format_parse(f, line, k, &ev), levels == 64 ? 0 : HR_BAD_JSON);
  }
  format_free(f);
}

/* Decoded strings live in ev->scratch (4096 bytes); more is malformed. */
static void test_scratch(void **state) {
  (void)state;
  struct hr_format_opts o = {.kind = HR_FMT_JSONL};
  struct hr_format *f = mk(&o);
  int user = format_field(f, "user", 4);
  char *line = xmalloc(16000);
  for (int n = 4096; n <= 4097; n++) {
    size_t k = 0;
    memcpy(line, "{\"time\":1,\"user\":\"", 18);
    k = 18;
    for (int i = 0; i < n; i++) {
      line[k++] = '\\';
      line[k++] = 'n';
    }
    memcpy(line + k, "\"}", 2);
    k += 2;
    int rc = format_parse(f, line, k, &ev);
    assert_int_equal(rc, n == 4096 ? 0 : HR_BAD_TOOLONG);
    if (rc == 0) {
      assert_int_equal(ev.f[user].sv.n, 4096);
      assert_int_equal(ev.f[user].sv.p[4095], '\n');
    }
  }
  /* a key not used is validated but never decoded: no scratch needed */
  size_t k = 0;
  memcpy(line, "{\"time\":1,\"other\":\"", 19);
  k = 19;
  for (int i = 0; i < 5000; i++) {
    line[k++] = '\\';
    line[k++] = 't';
  }
  memcpy(line + k, "\"}", 2);
  k += 2;
  assert_int_equal(format_parse(f, line, k, &ev), 0);
  assert_int_equal(ev.scratch_len, 0);
  free(line);
  format_free(f);
}

/* Mapped keys: time <- ts, status <- code, duration <- latency_ms (x 0.001). */
static void test_mapping(void **state) {
  (void)state;
  static const struct hr_jsonl_map map[] = {
      {"time", "ts"}, {"status", "code"}, {"duration", "latency_ms"}, {"svc", "service.name"}};
  struct hr_format_opts o = {.kind = HR_FMT_JSONL, .map = map, .nmap = 4, .duration_scale = 0.001};
  struct hr_format *f = mk(&o);
  int svc = format_field(f, "svc", 3);
  assert_true(svc >= HR_F_NSTD);
  int code = format_field(f, "code", 4); /* the mapped key is also readable under its own name */
  assert_true(code >= HR_F_NSTD && code != svc);
  int route = format_field(f, "route", 5);
  assert_true(route >= HR_F_NSTD);
  static const struct pcase c[] = {
      /* "status" and "time" keys are ignored: their fields are mapped elsewhere */
      {"{\"ts\":\"2026-03-29T02:30:00+02:00\",\"code\":502,\"latency_ms\":1250,\"route\":\"/x\","
       "\"status\":999,\"time\":\"garbage\"}",
       0,
       1774744200 * S,
       {NUM("status", 502), NUM("duration", 1.25), NUM("code", 502)}},
      {"{\"ts\":1774742400,\"latency_ms\":\"250\",\"route\":\"/y\",\"service.name\":\"api\"}",
       0,
       1774742400 * S,
       {NUM("duration", 0.25), STR("route", "/y"), STR("svc", "api")}},
      {"{\"ts\":1774742400,\"latency_ms\":\"250ms\"}", 0, 1774742400 * S, {NUM("duration", 0.25)}},
      {"{\"ts\":1774742400,\"latency_ms\":\"n/a\"}", 0, 1774742400 * S, {STR("duration", "n/a")}},
      {"{\"ts\":1774742400,\"latency_ms\":null}", 0, 1774742400 * S, {NUL("duration"), ABSENT("status")}},
      {"{\"time\":1774742400}", HR_BAD_TIME, 0, {{0}}},
  };
  run_cases(f, c, sizeof c / sizeof c[0]);
  format_free(f);
}

/* Nested keys by dotted path (Caddy 2's request.uri): an exact top-level
 * key wins over the walk, whatever the order; a number indexes an array;
 * what the walk cannot follow leaves the field absent. */
static void test_nested_paths(void **state) {
  (void)state;
  static const struct hr_jsonl_map map[] = {
      {"time", "ts"},
      {"path", "request.uri"},
      {"method", "request.method"},
      {"ua", "request.headers.User-Agent.0"},
      {"svc", "service.name"},
      {"tag", "tags.1"},
      {"odd", "a..b"},
      {"lead", "tags.01"},
  };
  struct hr_format_opts o = {.kind = HR_FMT_JSONL, .map = map, .nmap = 8};
  struct hr_format *f = mk(&o);
  /* a filter may name a nested key directly */
  int proto = format_field(f, "request.proto", 13);
  assert_true(proto >= HR_F_NSTD);
  static const struct pcase c[] = {
      /* Caddy 2, shortened */
      {"{\"level\":\"info\",\"ts\":1700000000.123,\"logger\":\"http.log.access\",\"msg\":\"handled request\","
       "\"request\":{\"remote_ip\":\"192.0.2.1\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"x\","
       "\"uri\":\"/api?x=1\",\"headers\":{\"User-Agent\":[\"curl/8\"]}},\"duration\":0.0123,\"size\":123,"
       "\"status\":200}",
       0,
       1700000000123000LL,
       {STR("path", "/api?x=1"), STR("method", "GET"), STR("ua", "curl/8")}},
      {"{\"ts\":1,\"request\":{\"proto\":\"HTTP/1.1\"},\"status\":503}",
       0,
       S,
       {STR("request.proto", "HTTP/1.1"), NUM("status", 503), ABSENT("path")}},
      /* the exact top-level key wins, before or after the object */
      {"{\"ts\":1,\"service.name\":\"flat\",\"service\":{\"name\":\"nested\"}}", 0, S, {STR("svc", "flat")}},
      {"{\"ts\":1,\"service\":{\"name\":\"nested\"},\"service.name\":\"flat\"}", 0, S, {STR("svc", "flat")}},
      {"{\"ts\":1,\"service\":{\"name\":\"nested\"},\"service.name\":null}", 0, S, {NUL("svc")}},
      {"{\"ts\":1,\"service\":{\"name\":\"nested\"}}", 0, S, {STR("svc", "nested")}},
      {"{\"ts\":1,\"service\":{\"name\":{\"x\":1}}}", 0, S, {ABSENT("svc")}},
      {"{\"ts\":1,\"service\":\"name\"}", 0, S, {ABSENT("svc")}},
      {"{\"ts\":1,\"service\":[{\"name\":\"n\"}]}", 0, S, {ABSENT("svc")}},
      /* later duplicates win, key by key */
      {"{\"ts\":1,\"request\":{\"uri\":\"/a\",\"uri\":\"/b\"}}", 0, S, {STR("path", "/b")}},
      {"{\"ts\":1,\"request\":{\"uri\":\"/a\"},\"request\":{\"method\":\"PUT\"}}",
       0,
       S,
       {STR("path", "/a"), STR("method", "PUT")}},
      /* keys with escapes, values decoded */
      {"{\"ts\":1,\"re\\u0071uest\":{\"ur\\u0069\":\"/\\u00e9\"}}", 0, S, {STR("path", "/\xc3\xa9")}},
      /* arrays: a number is an index (no leading zero); in an object it is a key */
      {"{\"ts\":1,\"tags\":[\"x\",\"y\",\"z\"]}", 0, S, {STR("tag", "y"), ABSENT("lead")}},
      {"{\"ts\":1,\"tags\":[\"x\"]}", 0, S, {ABSENT("tag")}},
      {"{\"ts\":1,\"tags\":[{\"a\":1},[2],3.5]}", 0, S, {ABSENT("tag")}}, /* an array there */
      {"{\"ts\":1,\"tags\":{\"1\":\"one\",\"01\":\"zero-one\"}}", 0, S, {STR("tag", "one"), STR("lead", "zero-one")}},
      {"{\"ts\":1,\"request\":{\"headers\":{\"User-Agent\":[\"a\",\"b\"]}}}", 0, S, {STR("ua", "a")}},
      {"{\"ts\":1,\"request\":{\"headers\":{\"User-Agent\":\"plain\"}}}", 0, S, {ABSENT("ua")}},
      /* an empty segment: only the exact key */
      {"{\"ts\":1,\"a..b\":7}", 0, S, {NUM("odd", 7)}},
      {"{\"ts\":1,\"a\":{\"\":{\"b\":7}}}", 0, S, {ABSENT("odd")}},
      /* what is walked is still checked: malformed stays malformed */
      {"{\"ts\":1,\"request\":{\"uri\":\"/a\",}}", HR_BAD_JSON, 0, {{0}}},
      {"{\"ts\":1,\"request\":{\"uri\":\"/a\"}", HR_BAD_JSON, 0, {{0}}},
      {"{\"ts\":1,\"request\":{\"uri\" \"/a\"}}", HR_BAD_JSON, 0, {{0}}},
      {"{\"ts\":1,\"tags\":[\"x\" \"y\"]}", HR_BAD_JSON, 0, {{0}}},
      {"{\"ts\":1,\"tags\":[\"x\",]}", HR_BAD_JSON, 0, {{0}}},
      {"{\"ts\":1,\"request\":{\"uri\":\"\\ud800\"}}", HR_BAD_JSON, 0, {{0}}},
      {"{\"ts\":1,\"request\":{\"uri\":01}}", HR_BAD_JSON, 0, {{0}}},
  };
  run_cases(f, c, sizeof c / sizeof c[0]);
  /* a number at tags.1 */
  const char *l = "{\"ts\":1,\"tags\":[{\"a\":1},3.5]}";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_true(ev.f[format_field(f, "tag", 3)].num == 3.5);
  format_free(f);

  /* time and a derived duration from nested keys */
  static const struct hr_jsonl_map tmap[] = {{"time", "job.at"}};
  struct hr_format_opts ot = {
      .kind = HR_FMT_JSONL, .map = tmap, .nmap = 1, .duration_start = "job.times.0", .duration_end = "job.times.1"};
  f = mk(&ot);
  static const struct pcase t[] = {
      {"{\"job\":{\"at\":\"2026-03-29T00:07:30Z\",\"times\":[1774742400,1774742850]}}",
       0,
       1774742850 * S,
       {NUM("duration", 450)}},
      {"{\"job\":{\"times\":[1774742400]},\"job.at\":1774742850}", 0, 1774742850 * S, {NUL("duration")}},
      {"{\"job\":{\"at\":{\"s\":1}}}", HR_BAD_TIME, 0, {{0}}},
      {"{\"time\":1}", HR_BAD_TIME, 0, {{0}}},
  };
  run_cases(f, t, sizeof t / sizeof t[0]);
  format_free(f);
}

/* Nesting below a walked key counts as nesting: 64 levels pass, 65 do not. */
static void test_nested_depth(void **state) {
  (void)state;
  static const struct hr_jsonl_map map[] = {{"deep", "a.a.a"}};
  struct hr_format_opts o = {.kind = HR_FMT_JSONL, .map = map, .nmap = 1};
  struct hr_format *f = mk(&o);
  char line[800];
  for (int levels = 64; levels <= 65; levels++) {
    size_t k = 0;
    memcpy(line, "{\"time\":1,", 10);
    k = 10;
    for (int i = 0; i < levels; i++) {
      memcpy(line + k, "\"a\":{", 5);
      k += 5;
    }
    memcpy(line + k, "\"z\":1", 5);
    k += 5;
    for (int i = 0; i < levels; i++)
      line[k++] = '}';
    line[k++] = '}';
    assert_int_equal(format_parse(f, line, k, &ev), levels == 64 ? 0 : HR_BAD_JSON);
    if (levels == 64)
      assert_null(event_get(&ev, format_field(f, "deep", 4))); /* an object there */
  }
  format_free(f);
}

/* Jobs: duration = completed_at - requested_at; the freshness SLI. */
static void test_derived_duration(void **state) {
  (void)state;
  struct hr_format_opts o = {.kind = HR_FMT_JSONL, .duration_start = "requested_at", .duration_end = "completed_at"};
  struct hr_format *f = mk(&o);
  struct hr_expr *fresh, *isnull, *valid;
  struct hr_err err = {0};
  const char *src = "duration < 10m";
  assert_int_equal(expr_compile(src, strlen(src), resolve, f, &fresh, &err), HR_OK);
  src = "duration == null";
  assert_int_equal(expr_compile(src, strlen(src), resolve, f, &isnull, &err), HR_OK);
  src = "validation_passed == true && report_id =~ '^r-'";
  assert_int_equal(expr_compile(src, strlen(src), resolve, f, &valid, &err), HR_OK);
  static const struct {
    const char *line;
    int rc;
    double dur; /* when not null */
    int fresh, isnull, valid;
  } c[] = {
      /* 00:00:00 -> 00:07:30 = 450 s */
      {"{\"time\":\"2026-03-29T00:07:30Z\",\"requested_at\":\"2026-03-29T00:00:00Z\","
       "\"completed_at\":\"2026-03-29T00:07:30Z\",\"validation_passed\":true,\"report_id\":\"r-1\"}",
       0, 450, 1, 0, 1},
      /* epoch numbers: 600 s is not < 10m */
      {"{\"time\":1774743000,\"requested_at\":1774742400,\"completed_at\":1774743000,"
       "\"validation_passed\":false,\"report_id\":\"r-2\"}",
       0, 600, 0, 0, 0},
      /* never completed */
      {"{\"time\":1774743000,\"requested_at\":1774742400,\"completed_at\":null,\"report_id\":\"x\"}", 0, -1, 0, 1, 0},
      {"{\"time\":1774743000,\"requested_at\":1774742400}", 0, -1, 0, 1, 0},
      {"{\"time\":1774743000,\"completed_at\":1774742400}", 0, -1, 0, 1, 0},
      /* completed before requested: -60 s, which is < 10m */
      {"{\"time\":1774743000,\"requested_at\":1774742460,\"completed_at\":1774742400}", 0, -60, 1, 0, 0},
      /* milliseconds on one side: 1774742400500 ms - 1774742400 s = 0.5 s */
      {"{\"time\":1774743000,\"requested_at\":1774742400,\"completed_at\":1774742400500}", 0, 0.5, 1, 0, 0},
      {"{\"time\":1774743000,\"requested_at\":1774742400,\"completed_at\":\"bogus\"}", HR_BAD_TIME, 0, 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    int rc = format_parse(f, c[i].line, strlen(c[i].line), &ev);
    if (rc != c[i].rc)
      fail_msg("%s: rc %d, want %d", c[i].line, rc, c[i].rc);
    if (rc)
      continue;
    const struct hr_val *d = event_get(&ev, HR_F_DURATION);
    if (c[i].isnull) {
      assert_null(d);
    } else {
      assert_non_null(d);
      if (d->num != c[i].dur)
        fail_msg("%s: duration %.17g, want %g", c[i].line, d->num, c[i].dur);
    }
    if (expr_eval(fresh, &ev) != c[i].fresh || expr_eval(isnull, &ev) != c[i].isnull ||
        expr_eval(valid, &ev) != c[i].valid)
      fail_msg("%s: filters %d %d %d, want %d %d %d", c[i].line, expr_eval(fresh, &ev), expr_eval(isnull, &ev),
               expr_eval(valid, &ev), c[i].fresh, c[i].isnull, c[i].valid);
  }
  expr_free(fresh);
  expr_free(isnull);
  expr_free(valid);
  format_free(f);
}

static void test_bad_options(void **state) {
  (void)state;
  static const struct hr_jsonl_map twice[] = {{"status", "a"}, {"status", "b"}};
  static const struct hr_jsonl_map dur[] = {{"duration", "d"}};
  static const struct hr_jsonl_map empty[] = {{"status", ""}};
  static const struct {
    struct hr_format_opts o;
    const char *msg;
  } c[] = {
      {{.kind = HR_FMT_JSONL, .duration_start = "a"}, "jsonl: duration_start and duration_end must be set together"},
      {{.kind = HR_FMT_JSONL, .map = twice, .nmap = 2}, "jsonl: field 'status' is mapped twice"},
      {{.kind = HR_FMT_JSONL, .map = dur, .nmap = 1, .duration_start = "a", .duration_end = "b"},
       "jsonl: 'duration' is derived from duration_start/duration_end; do not map it too"},
      {{.kind = HR_FMT_JSONL, .map = empty, .nmap = 1}, "jsonl: mapping 1: empty field name or key"},
      {{.kind = HR_FMT_JSONL, .duration_scale = -1}, "jsonl: duration_scale must be positive, not -1"},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    struct hr_format *f = (struct hr_format *)&f;
    struct hr_err err = {0};
    assert_int_equal(format_new(&c[i].o, &f, &err), HR_ERR_CONFIG);
    assert_null(f);
    assert_string_equal(err.msg, c[i].msg);
  }
}

/* A filter compiled against the format extracts the keys it names. */
static void test_filter_on_lines(void **state) {
  (void)state;
  struct hr_format_opts o = {.kind = HR_FMT_JSONL};
  struct hr_format *f = mk(&o);
  struct hr_expr *e;
  struct hr_err err = {0};
  const char *src = "path =~ \"^/api/\" && !(status >= 500) && tenant in [\"a\", \"b\"]";
  assert_int_equal(expr_compile(src, strlen(src), resolve, f, &e, &err), HR_OK);
  static const struct {
    const char *line;
    int want;
  } c[] = {
      {"{\"time\":1,\"path\":\"/api/x\",\"status\":200,\"tenant\":\"a\"}", 1},
      {"{\"time\":1,\"path\":\"/api/x\",\"status\":503,\"tenant\":\"a\"}", 0},
      {"{\"time\":1,\"path\":\"/api/x\",\"tenant\":\"b\"}", 1}, /* status absent: !(false) */
      {"{\"time\":1,\"path\":\"/web\",\"status\":200,\"tenant\":\"a\"}", 0},
      {"{\"time\":1,\"path\":\"/api/x\",\"status\":200,\"tenant\":\"c\"}", 0},
      {"{\"time\":1,\"path\":\"\\/api\\/x\",\"status\":\"200\",\"tenant\":\"\\u0061\"}", 1},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    assert_int_equal(format_parse(f, c[i].line, strlen(c[i].line), &ev), 0);
    if (expr_eval(e, &ev) != c[i].want)
      fail_msg("%s: want %d", c[i].line, c[i].want);
  }
  expr_free(e);
  format_free(f);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_plain),        cmocka_unit_test(test_not_nul_terminated),
      cmocka_unit_test(test_depth),        cmocka_unit_test(test_scratch),
      cmocka_unit_test(test_mapping),      cmocka_unit_test(test_derived_duration),
      cmocka_unit_test(test_bad_options),  cmocka_unit_test(test_filter_on_lines),
      cmocka_unit_test(test_nested_paths), cmocka_unit_test(test_nested_depth),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
