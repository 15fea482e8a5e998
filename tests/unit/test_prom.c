/* test_prom.c -- the Prometheus client (src/prom): the answer parser, the
 * query sent for an SLO's counters, and HTTP against a small canned server
 * on 127.0.0.1 (auth headers, error answers, HTTP errors, timeouts, a refused
 * connection, and per-minute counts rebuilt from range queries). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "loopback.h"
#include "core/slo_eval.h"
#include "prom/prom.h"
#include "util/xmalloc.h"

static enum hr_rc parse(const char *s, struct hr_prom_result *r, struct hr_err *e) {
  return prom_parse(s, strlen(s), r, e);
}

static void test_parse_matrix(void **st) {
  (void)st;
  struct hr_prom_result r;
  struct hr_err e = {0};
  assert_int_equal(
      parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":"
            "\"x\\\"y\"},\"values\":[[1704888000,\"12\"],[1704888060.5,\"NaN\"],[1704888120.123,\"-Inf\"]]}"
            ",{\"values\":[],\"metric\":{}}]},\"warnings\":[\"w1\",\"w2\"]}",
            &r, &e),
      HR_OK);
  assert_int_equal(r.type, HR_PROM_MATRIX);
  assert_int_equal(r.nseries, 2);
  assert_string_equal(r.series[0].metric, "{\"a\":\"x\\\"y\"}");
  assert_int_equal(r.series[0].n, 3);
  assert_int_equal(r.series[0].s[0].t_ms, 1704888000000LL);
  assert_true(r.series[0].s[0].v == 12.0);
  assert_int_equal(r.series[0].s[1].t_ms, 1704888060500LL);
  assert_true(isnan(r.series[0].s[1].v));
  assert_int_equal(r.series[0].s[2].t_ms, 1704888120123LL);
  assert_true(isinf(r.series[0].s[2].v) && r.series[0].s[2].v < 0);
  assert_int_equal(r.series[1].n, 0);
  assert_string_equal(r.warning, "w1");
  prom_result_free(&r);
}

static void test_parse_vector_scalar(void **st) {
  (void)st;
  struct hr_prom_result r;
  struct hr_err e = {0};
  assert_int_equal(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
                         "\"value\":[1.5,\"2\"]}]}}",
                         &r, &e),
                   HR_OK);
  assert_int_equal(r.type, HR_PROM_VECTOR);
  assert_int_equal(r.series[0].s[0].t_ms, 1500);
  prom_result_free(&r);
  assert_int_equal(
      parse(" {\"data\":{\"result\":[ 7, \"1e3\"],\"resultType\":\"scalar\"},\"status\":\"success\"} ", &r, &e), HR_OK);
  assert_int_equal(r.type, HR_PROM_SCALAR);
  assert_int_equal(r.nseries, 1);
  assert_true(r.series[0].s[0].v == 1000.0);
  prom_result_free(&r);
  /* \u escapes decode, surrogate pairs too */
  assert_int_equal(parse("{\"status\":\"success\",\"warnings\":[\"\\u00e9\\ud83d\\ude00\"],\"data\":{\"resultType\":"
                         "\"vector\",\"result\":[]}}",
                         &r, &e),
                   HR_OK);
  assert_string_equal(r.warning, "\xc3\xa9\xf0\x9f\x98\x80");
  prom_result_free(&r);
}

static void test_parse_errors(void **st) {
  (void)st;
  struct hr_prom_result r;
  struct hr_err e = {0};
  assert_int_equal(parse("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error\"}", &r, &e),
                   HR_ERR_IO);
  assert_string_equal(e.msg, "bad_data: 1:5: parse error");
  assert_null(r.series);
  static const char *const bad[] = {
      "",
      "[]",
      "{\"status\":\"success\"}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"values\":[[1,2]]}]}}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"values\":[[1,\"x\"]]}]}}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"values\":[[1,\"1\"],[2,\"2\"]]}]}}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[{\"value\":[1,\"1\"]}]}}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}} x",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},\"x\":\"a\x01\"}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},\"x\":\"\\ud800\"}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},\"x\":01}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"nope\",\"result\":[]}}",
      "{\"status\":\"maybe\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    e.msg[0] = 0;
    enum hr_rc rc = parse(bad[i], &r, &e);
    if (rc != HR_ERR_PARSE)
      fail_msg("case %zu: rc %d (%s)", i, rc, e.msg);
    assert_non_null(strstr(e.msg, "not a Prometheus API answer"));
    assert_null(r.series);
  }
  /* strings: the one policy of core/json.h, with where it went wrong */
  static const struct {
    const char *in, *msg;
  } str_bad[] = {
      {"{\"status\":\"success\",\"warnings\":[\"a\\ude00\"]}", "unpaired surrogate in a \\u escape at byte 34"},
      {"{\"status\":\"su\\ud83d\"}", "unpaired surrogate in a \\u escape at byte 13"},
      {"{\"status\":\"success\",\"warnings\":[\"caf\xe9\"]}", "invalid UTF-8 in a string at byte 36"},
      {"{\"x\":\"\xed\xa0\x80\",\"status\":\"success\"}", "invalid UTF-8 in a string at byte 6"},
      {"{\"status\":\"success\\u0000\"}", "U+0000 in a string at byte 11"}, /* a C string cannot hold it */
      {"{\"st\\u0000atus\":\"success\"}", "U+0000 in a string at byte 2"},
      {"{\"status\":\"a\tb\"}", "control character in a string at byte 12"},
      {"{\"status\":\"abc", "unterminated string at byte 14"},
      /* lists and objects: where a ',' or the close was wanted */
      {"{\"status\":\"success\" \"x\"}", "expected ',' or '}' at byte 20"},
      {"{\"status\":\"success\",\"warnings\":[\"a\" \"b\"]}", "expected ',' or ']' in warnings at byte 36"},
      {"{\"data\":{\"result\":[{} {}]}}", "expected ',' or ']' in result at byte 22"},
      {"{\"data\":{\"result\":[{\"values\":[[1,\"2\"] [3,\"4\"]]}]}}", "expected ',' or ']' in values at byte 38"},
      {"{\"x\":[1 2]}", "expected ',' or the end of a list or object at byte 8"},
      {"{\"status\":\"success\",\"x\":-}", "expected a number at byte 24"},
  };
  for (size_t i = 0; i < sizeof str_bad / sizeof str_bad[0]; i++) {
    e.msg[0] = 0;
    enum hr_rc rc = parse(str_bad[i].in, &r, &e);
    if (rc != HR_ERR_PARSE || strstr(e.msg, str_bad[i].msg) == NULL)
      fail_msg("string case %zu: rc %d (%s), want '%s'", i, rc, e.msg, str_bad[i].msg);
  }
  /* \u0000 in a string that is only skipped is fine */
  assert_int_equal(parse("{\"status\":\"success\",\"x\":\"\\u0000\",\"data\":{\"resultType\":\"vector\","
                         "\"result\":[]}}",
                         &r, &e),
                   HR_OK);
  prom_result_free(&r);
  /* nesting is bounded */
  char deep[400];
  size_t n = 0;
  n += (size_t)snprintf(deep, sizeof deep, "{\"x\":");
  for (int i = 0; i < 150; i++)
    deep[n++] = '[';
  deep[n] = 0;
  assert_int_equal(parse(deep, &r, &e), HR_ERR_PARSE);
  assert_non_null(strstr(e.msg, "nested too deep"));
}

static void test_count_query(void **st) {
  (void)st;
  int d;
  char *q = prom_count_query("sum(headroom_slo_valid_total{slo=\"x\"})", &d);
  assert_int_equal(d, 1);
  /* the same per-series delta as the rules, read after the fact (no delay) */
  assert_string_equal(q, "sum((last_over_time(headroom_slo_valid_total{slo=\"x\"}[5m]) - last_over_time("
                         "headroom_slo_valid_total{slo=\"x\"}[5m] offset 1m) >= 0) or (last_over_time("
                         "headroom_slo_valid_total{slo=\"x\"}[5m]) < last_over_time(headroom_slo_valid_total{slo="
                         "\"x\"}[5m] offset 1m)))");
  free(q);
  q = prom_count_query("sum(a) - sum(b)", &d);
  assert_int_equal(d, 0);
  assert_string_equal(q, "sum(sum(a) - sum(b))");
  free(q);
}

/* ---- a canned HTTP server on 127.0.0.1 ---- */

static struct {
  int fd, port;
  pthread_t th;
  volatile int stop;
  int hang;   /* 1: never answer (until closed) */
  int status; /* HTTP status */
  char *body; /* the answer; NULL: made per query by canned() */
  char req[8192];
  int64_t base_s; /* for canned(): the range's base (step 0) */
  size_t last;    /* and its last step */
} srv;

/* Answers for prom_slo_series: the delta query (total) and the value query (good). */
static char *canned(const char *req) {
  long long b = (long long)srv.base_s, n = (long long)srv.last;
  if (strstr(req, "offset") != NULL) /* total: a count per step; one sample off the grid */
    return xasprintf("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
                     "\"values\":[[%lld,\"5\"],[%lld,\"7\"],[%lld.5,\"99\"],[%lld,\"11\"]]}]}}",
                     b + 60 * (n - 2), b + 60 * (n - 1), b + 60 * (n - 1), b + 60 * n);
  /* good: cumulative, a reset between the 2nd and 3rd step, a NaN past the end */
  return xasprintf("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
                   "\"values\":[[%lld,\"100\"],[%lld,\"104\"],[%lld,\"2\"],[%lld,\"10\"],[%lld,\"NaN\"]]}]}}",
                   b + 60 * (n - 3), b + 60 * (n - 2), b + 60 * (n - 1), b + 60 * n, b + 60 * (n + 1));
}

static void *serve(void *arg) {
  (void)arg;
  while (!srv.stop) {
    int c = accept(srv.fd, NULL, NULL);
    if (c < 0)
      continue;
    if (srv.stop) {
      close(c);
      break;
    }
    size_t n = 0;
    char *hdr_end = NULL;
    long clen = 0;
    for (;;) {
      ssize_t k = read(c, srv.req + n, sizeof srv.req - 1 - n);
      if (k <= 0)
        break;
      n += (size_t)k;
      srv.req[n] = 0;
      if (hdr_end == NULL && (hdr_end = strstr(srv.req, "\r\n\r\n")) != NULL) {
        const char *cl = strstr(srv.req, "Content-Length:");
        clen = cl ? strtol(cl + 15, NULL, 10) : 0;
      }
      if (hdr_end != NULL && (long)(n - (size_t)(hdr_end + 4 - srv.req)) >= clen)
        break;
      if (n >= sizeof srv.req - 1)
        break;
    }
    if (srv.hang) {
      char tmp[64];
      while (!srv.stop && read(c, tmp, sizeof tmp) > 0)
        ;
      close(c);
      continue;
    }
    char *body = srv.body ? xstrdup(srv.body) : canned(srv.req);
    char *resp = xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: "
                           "close\r\n\r\n%s",
                           srv.status, strlen(body), body);
    ssize_t w = write(c, resp, strlen(resp));
    (void)w;
    free(resp);
    free(body);
    close(c);
  }
  return NULL;
}

static int srv_start(void **st) {
  (void)st;
  memset(&srv, 0, sizeof srv);
  srv.status = 200;
  srv.port = (int)loopback_port(&srv.fd);
  return pthread_create(&srv.th, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int srv_stop(void **st) {
  (void)st;
  srv.stop = 1;
  shutdown(srv.fd, SHUT_RDWR);
  int c = socket(AF_INET, SOCK_STREAM, 0); /* unblock accept() */
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)srv.port);
  if (connect(c, (struct sockaddr *)&a, sizeof a) != 0) {
    /* accept() already returned */
  }
  close(c);
  pthread_join(srv.th, NULL);
  close(srv.fd);
  return 0;
}

static void test_http(void **st) {
  (void)st;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/prefix/", srv.port);
  struct hr_prom_conn c = {.url = url, .bearer_token = "s3cret", .timeout_us = 2000000};
  struct hr_prom_result r;
  struct hr_err e = {0};
  srv.body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
  assert_int_equal(prom_query(&c, "up{job=\"a b\"}", 1704888000500000LL, &r, &e), HR_OK);
  assert_non_null(strstr(srv.req, "POST /prefix/api/v1/query HTTP/1.1"));
  assert_non_null(strstr(srv.req, "Authorization: Bearer s3cret"));
  assert_non_null(strstr(srv.req, "query=up%7Bjob%3D%22a%20b%22%7D&time=1704888000.500"));
  prom_result_free(&r);
  /* basic auth, range query form */
  struct hr_prom_conn cb = {.url = url, .user = "ann", .password = "pw"};
  assert_int_equal(prom_query_range(&cb, "x", 60000000, 180000000, 60000000, &r, &e), HR_OK);
  assert_non_null(strstr(srv.req, "Authorization: Basic YW5uOnB3")); /* ann:pw */
  assert_non_null(strstr(srv.req, "query=x&start=60.000&end=180.000&step=60.000"));
  prom_result_free(&r);
  /* an error answer: its message */
  srv.status = 400;
  srv.body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error: unexpected\"}";
  assert_int_equal(prom_query(&c, "x(", INT64_MIN, &r, &e), HR_ERR_IO);
  assert_non_null(strstr(e.msg, ": bad_data: parse error: unexpected"));
  assert_int_equal(strncmp(e.msg, "prometheus: http://127.0.0.1:", 29), 0);
  /* 401 */
  srv.status = 401;
  srv.body = "Unauthorized\n";
  assert_int_equal(prom_query(&c, "x", INT64_MIN, &r, &e), HR_ERR_IO);
  assert_non_null(strstr(e.msg, "HTTP 401 (check the bearer token or basic auth)"));
  /* 502 from a proxy, not JSON */
  srv.status = 502;
  srv.body = "<html>bad\ngateway</html>";
  assert_int_equal(prom_query(&c, "x", INT64_MIN, &r, &e), HR_ERR_IO);
  assert_non_null(strstr(e.msg, "HTTP 502: <html>bad gateway</html>"));
  /* 200 but not an answer */
  srv.status = 200;
  srv.body = "hello";
  assert_int_equal(prom_query(&c, "x", INT64_MIN, &r, &e), HR_ERR_PARSE);
  assert_non_null(strstr(e.msg, "not a Prometheus API answer"));
  /* no answer within the timeout */
  srv.hang = 1;
  struct hr_prom_conn ct = {.url = url, .timeout_us = 300000};
  assert_int_equal(prom_query(&ct, "x", INT64_MIN, &r, &e), HR_ERR_IO);
  assert_non_null(strstr(e.msg, "no answer within 300ms"));
  srv.hang = 0;
  /* a bearer token file that is missing */
  struct hr_prom_conn cf = {.url = url, .bearer_token_file = "/nonexistent/token"};
  assert_int_equal(prom_query(&cf, "x", INT64_MIN, &r, &e), HR_ERR_IO);
  assert_non_null(strstr(e.msg, "bearerTokenFile /nonexistent/token"));
}

static void test_refused(void **st) {
  (void)st;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", loopback_port(NULL)); /* nobody listens */
  struct hr_prom_conn c = {.url = url};
  struct hr_prom_result r;
  struct hr_err e = {0};
  assert_int_equal(prom_query(&c, "x", INT64_MIN, &r, &e), HR_ERR_IO);
  char want[128];
  snprintf(want, sizeof want, "prometheus: %s: connection refused", url);
  assert_string_equal(e.msg, want);
}

#define YAML_FMT                                                                                                       \
  "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: p}\nspec:\n  type: prometheus\n"                         \
  "  connectionDetails: {url: 'http://127.0.0.1:%d', bearerToken: t, timeout: 5s}\n---\n"                              \
  "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: s}\nspec:\n  service: api\n"                                    \
  "  indicator:\n    metadata: {name: s}\n    spec:\n      ratioMetric:\n"                                             \
  "        good: {metricSource: {metricSourceRef: p, spec: {query: 'sum(a) - sum(b)'}}}\n"                             \
  "        total: {metricSource: {metricSourceRef: p, spec: {query: 'x_total'}}}\n"                                    \
  "  timeWindow: [{duration: 1d, isRolling: true}]\n  objectives: [{target: 0.99}]\n"

static void test_slo_series(void **st) {
  (void)st;
  char y[2048];
  snprintf(y, sizeof y, YAML_FMT, srv.port);
  struct hr_diag d = {0};
  struct hr_config *cfg = NULL;
  assert_int_equal(config_load_mem("t.yaml", y, strlen(y), 0, &cfg, &d), HR_OK);
  diag_free(&d);
  struct hr_slo *slo = config_slo(cfg, "s");
  assert_true(prom_slo_is_prom(slo));
  assert_string_equal(slo->source->bearer_token, "t");
  assert_int_equal(slo->source->timeout_us, 5000000);
  struct hr_series s;
  size_t cap = slo_eval_span(slo, 60000000);
  assert_true(cap > 4 && cap < PROM_MAX_STEPS); /* one range query */
  series_init(&s, 60000000, 0, cap);
  int64_t at = 1704888000LL * 1000000;
  srv.base_s = at / 1000000 - (int64_t)cap * 60;
  srv.last = cap;
  srv.body = NULL;
  srv.status = 200;
  int nodata = -1;
  char *note = NULL;
  struct hr_err e = {0};
  assert_int_equal(prom_slo_series(slo, at, &s, &nodata, &note, &e), HR_OK);
  assert_int_equal(nodata, 0);
  assert_null(note);
  assert_non_null(strstr(srv.req, "Authorization: Bearer t"));
  assert_non_null(strstr(srv.req, "step=60.000"));
  uint64_t g, v;
  series_sum(&s, series_index(&s, at) - (int64_t)cap, series_index(&s, at), &g, &v);
  /* total: 5 + 7 + 11 (the off-grid 99 ignored); good: 4 + 2 (reset) + 8 */
  assert_int_equal(v, 23);
  assert_int_equal(g, 14);
  /* the count at step t is in the bucket [t - 1m, t) */
  series_get(&s, series_index(&s, at - 60000000), &g, &v);
  assert_int_equal(v, 11);
  assert_int_equal(g, 8);
  series_get(&s, series_index(&s, at - 180000000), &g, &v);
  assert_int_equal(v, 5);
  assert_int_equal(g, 4);
  series_reset(&s);
  /* nothing at all: no data, a note, nothing made up */
  srv.body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}";
  series_init(&s, 60000000, 0, cap);
  assert_int_equal(prom_slo_series(slo, at, &s, &nodata, &note, &e), HR_OK);
  assert_int_equal(nodata, 1);
  assert_non_null(note);
  assert_non_null(strstr(note, "SLO s: prometheus: no data for its total query x_total"));
  free(note);
  assert_true(s.head == INT64_MIN);
  series_reset(&s);
  config_free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_matrix),
      cmocka_unit_test(test_parse_vector_scalar),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_count_query),
      cmocka_unit_test_setup_teardown(test_http, srv_start, srv_stop),
      cmocka_unit_test(test_refused),
      cmocka_unit_test_setup_teardown(test_slo_series, srv_start, srv_stop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
