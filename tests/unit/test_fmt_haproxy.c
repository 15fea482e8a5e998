/* test_fmt_haproxy.c -- HAProxy's HTTP log (option httplog): the examples
 * of HAProxy's configuration manual and real lines published with their
 * origin (tests/data/formats/haproxy-doc.log, README.md there), field by
 * field; the accept date in a time zone; captured headers; malformed lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/zone.h"
#include "core/format.h"
#include "fmt_fields.h"
#include "real_logs.h"

static struct hr_format *make(const struct hr_tz *tz, const char *captures) {
  struct hr_format_opts o = {.kind = HR_FMT_HAPROXY, .tz = tz, .captures = captures};
  struct hr_format *f = NULL;
  struct hr_err err = {0};
  assert_int_equal(format_new(&o, &f, &err), HR_OK);
  return f;
}

/* The manual's example of section 8.2.3, syslog prefix and captures included. */
static void test_manual_example(void **state) {
  (void)state;
  struct hr_format *f = make(NULL, "Host");
  const char *l = "Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in "
                  "static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} \"GET /index.html HTTP/1.1\"";
  assert_int_equal(parse(f, l), 0);
  assert_int_equal(ev.ts_us, 1233922454655000); /* 2009-02-06T12:14:14.655Z: UTC when no timeZone */
  assert_true(num(f, "status") == 200);
  assert_true(num(f, "duration") == 0.109); /* Ta in seconds */
  assert_true(num(f, "bytes_sent") == 2750);
  str_is(f, "method", "GET");
  str_is(f, "path", "/index.html");
  str_is(f, "protocol", "HTTP/1.1");
  str_is(f, "client", "10.0.1.2");
  str_is(f, "host", "1wt.eu"); /* the captured Host header */
  str_is(f, "frontend_name", "http-in");
  str_is(f, "backend_name", "static");
  str_is(f, "server_name", "srv1");
  str_is(f, "termination_state", "----");
  str_is(f, "captured_request_headers", "1wt.eu");
  str_is(f, "captured_request_cookie", NULL); /* "-" */
  assert_true(num(f, "TR") == 10 && num(f, "Tw") == 0 && num(f, "Tc") == 30 && num(f, "Tr") == 69);
  assert_true(num(f, "Ta") == 109);
  assert_true(num(f, "Tq") == 10 && num(f, "Tt") == 109); /* the names before HAProxy 1.7 */
  assert_true(num(f, "client_port") == 33317);
  assert_true(num(f, "actconn") == 1 && num(f, "retries") == 0 && num(f, "backend_queue") == 0);
  format_free(f);
}

/* Section 8.9's examples: -1 timers, logasap's '+', no server, status -1. */
static void test_manual_cases(void **state) {
  (void)state;
  struct hr_format *f = make(NULL, NULL);
  /* logasap: Ta is the time until the log, so duration is null; Ta kept */
  assert_int_equal(parse(f, "haproxy[674]: 127.0.0.1:33320 [15/Oct/2003:08:32:17.654] px-http px-http/srv1 "
                            "9/0/7/14/+30 200 +243 - - ---- 3/3/3/1/0 0/0 \"GET /image.iso HTTP/1.0\""),
                   0);
  assert_int_equal(ev.ts_us, 1066206737654000);
  assert_true(num(f, "duration") == NUL);
  assert_true(num(f, "Ta") == 30);
  assert_true(num(f, "bytes_sent") == 243);
  /* the client went away before a request: status -1 is null, request empty */
  assert_int_equal(parse(f, "haproxy[18113]: 127.0.0.1:34548 [15/Oct/2003:15:18:55.798] px-http "
                            "px-http/<NOSRV> -1/-1/-1/-1/8490 -1 0 - - CR-- 2/2/2/0/0 0/0 \"\""),
                   0);
  assert_true(num(f, "status") == NUL);
  assert_true(num(f, "duration") == 8.49);
  assert_true(num(f, "TR") == -1 && num(f, "Tr") == -1);
  str_is(f, "server_name", "<NOSRV>");
  str_is(f, "method", NULL);
  /* a 503 after three retries */
  assert_int_equal(parse(f, "haproxy[18989]: 10.0.0.1:34552 [15/Oct/2003:15:26:31.462] px-http px-http/srv1 "
                            "3183/-1/-1/-1/11215 503 0 - - SC-- 205/202/202/115/3 0/0 \"HEAD / HTTP/1.0\""),
                   0);
  assert_true(num(f, "status") == 503 && num(f, "retries") == 3 && num(f, "srv_conn") == 115);
  assert_true(num(f, "duration") == 11.215);
  /* RFC 3164 with a priority, no host name */
  assert_int_equal(parse(f, "<150>Apr 12 03:19:03 haproxy[31393]: 31.15.130.214:47670 [12/Apr/2016:03:19:03.225] "
                            "http-frontend cekarcek/neon 1/0/0/1/2 301 407 - - ---- 0/0/0/0/0 0/0 \"GET / HTTP/1.1\""),
                   0);
  assert_int_equal(ev.ts_us, 1460431143225000);
  /* no syslog prefix at all (stdout), IPv6 client, a request cut by HAProxy's line limit */
  assert_int_equal(parse(f, "[2001:db8::1]:4242 [04/Dec/2026:09:03:30.123] fe be/s1 0/0/1/2/3 200 10 - - ---- "
                            "1/1/1/1/0 0/0 \"GET /very/long"),
                   0);
  str_is(f, "client", "2001:db8::1");
  str_is(f, "http_request", "GET /very/long");
  assert_true(num(f, "duration") == 0.003);
  format_free(f);
}

/* The accept date is local time in timeZone: 12:14 in Berlin (CET) is 11:14Z. */
static void test_time_zone(void **state) {
  (void)state;
  struct hr_tz *tz = NULL;
  if (tz_load("Europe/Berlin", &tz, NULL) != HR_OK) {
    print_message("SKIP: no tzdata for Europe/Berlin\n");
    skip();
  }
  struct hr_format *f = make(tz, NULL);
  const char *l = "10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- "
                  "1/1/1/1/0 0/0 \"GET / HTTP/1.1\"";
  assert_int_equal(parse(f, l), 0);
  assert_int_equal(ev.ts_us, 1233918854655000);
  /* summer time: 12:00 CEST is 10:00Z */
  l = "10.0.1.2:1 [04/Jul/2026:12:00:00.000] fe be/s 0/0/0/0/0 200 1 - - ---- 0/0/0/0/0 0/0 \"GET / HTTP/1.1\"";
  assert_int_equal(parse(f, l), 0);
  assert_int_equal(ev.ts_us, INT64_C(1783159200000000));
  format_free(f);
  tz_free(tz);
}

/* Captured request headers by name; an empty one leaves its field absent. */
static void test_captures(void **state) {
  (void)state;
  struct hr_format *f = make(NULL, "Host|User-Agent|X-Request-ID");
  const char *l = "10.0.0.1:5 [04/Dec/2026:09:03:30.123] fe be/s 1/0/0/5/6 200 10 - - ---- 0/0/0/0/0 0/0 "
                  "{api.example.com|curl/8.5.0 (x86_64)|} {text/html} \"GET http://other.example/x?y=1 HTTP/1.1\"";
  assert_int_equal(parse(f, l), 0);
  str_is(f, "host", "api.example.com"); /* the capture wins over the URL's host */
  str_is(f, "user_agent", "curl/8.5.0 (x86_64)");
  str_is(f, "http_x_request_id", NULL);
  str_is(f, "path", "/x");
  str_is(f, "query", "y=1");
  str_is(f, "captured_response_headers", "text/html");
  format_free(f);
  struct hr_format_opts o = {.kind = HR_FMT_HAPROXY, .captures = "Host||X"};
  struct hr_err err = {0};
  assert_int_equal(format_new(&o, &f, &err), HR_ERR_CONFIG);
}

static void test_malformed(void **state) {
  (void)state;
  struct hr_format *f = make(NULL, NULL);
  static const struct {
    const char *line;
    int rc;
  } c[] = {
      /* tcplog: three timers */
      {"haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0",
       HR_BAD_TYPE},
      {"", HR_BAD_SHAPE},
      {"Feb  6 12:14:14 localhost haproxy[14389]: Proxy http-in started.", HR_BAD_SHAPE},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0", HR_BAD_SHAPE},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 10/0/30/69 200 2750 - - ---- 1/1/1/1/0 0/0 \"GET / HTTP/1.1\"",
       HR_BAD_SHAPE},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 10/0/x/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 \"GET /\"",
       HR_BAD_SHAPE},
      {"10.0.1.2:1 [31/Feb/2009:12:14:14.655] fe be/s 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 \"GET /\"",
       HR_BAD_TIME},
      {"10.0.1.2:1 [06/Foo/2009:12:14:14.655] fe be/s 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 \"GET /\"",
       HR_BAD_TIME},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.6555555] fe be/s 1/0/3/6/9 200 2750 - - ---- 1/1/1/1/0 0/0 \"GET /\"",
       HR_BAD_TIME},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 10/0/30/69/109 2x0 2750 - - ---- 1/1/1/1/0 0/0 \"GET /\"",
       HR_BAD_STATUS},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 10/0/30/69/109 200 27x - - ---- 1/1/1/1/0 0/0 \"GET /\"",
       HR_BAD_NUMBER},
      {"10.0.1.2:1 [06/Feb/2009:12:14:14.655] fe be/s 10/0/30/69/109 200 1 - - ---- 1/1/1/1/0 0/0 {x \"GET /\"",
       HR_BAD_SHAPE},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    int rc = parse(f, c[i].line);
    if (rc != c[i].rc)
      fail_msg("case %zu: want %d, got %d: %s", i, c[i].rc, rc, c[i].line);
  }
  format_free(f);
}

/* Every line of the sample file: 11 requests, one tcplog line. */
static void test_sample_file(void **state) {
  (void)state;
  struct hr_format *f = make(NULL, NULL);
  struct real_counts c = {0};
  assert_int_equal(own_count_file(f, "formats/haproxy-doc.log", &c), 0);
  assert_int_equal(c.ok, 11);
  assert_int_equal(c.bad[HR_BAD_TYPE], 1);
  assert_int_equal(c.cls[2], 5);
  assert_int_equal(c.cls[3], 2);
  assert_int_equal(c.cls[4], 1);
  assert_int_equal(c.cls[5], 2); /* and one status -1, null */
  /* Ta of every line but the two logasap ones (+30, +50001), in seconds */
  assert_true(c.dur_sum > 33.454 - 1e-9 && c.dur_sum < 33.454 + 1e-9);
  format_free(f);
  (void)real_logs_present; /* ../shared/data/real holds no HAProxy log */
  (void)real_count_file;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_manual_example), cmocka_unit_test(test_manual_cases), cmocka_unit_test(test_time_zone),
      cmocka_unit_test(test_captures),       cmocka_unit_test(test_malformed),    cmocka_unit_test(test_sample_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
