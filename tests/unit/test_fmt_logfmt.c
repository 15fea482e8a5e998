/* test_fmt_logfmt.c -- nginx log_format and Apache LogFormat: compiling,
 * hand-checked lines, and counts over the project's own logs in tests/data
 * (always) and over the real sample files in $HR_SHARED_DIR/data/real
 * (skipped when absent, as in a user's clone). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "core/fmt_common.h"
#include "core/format.h"
#include "real_logs.h"
#include "core/timeparse.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NUL (-12345.0) /* expected: field null or absent */

static struct hr_event ev;

static struct hr_format *make(enum hr_fmt_kind kind, const char *log_format) {
  struct hr_format_opts o = {0};
  o.kind = kind;
  o.log_format = log_format;
  struct hr_format *f = NULL;
  struct hr_err err;
  if (format_new(&o, &f, &err) != HR_OK)
    fail_msg("format_new: %s", err.msg);
  return f;
}

static double num(int id) {
  const struct hr_val *v = event_get(&ev, id);
  return v == NULL ? NUL : v->num;
}

static void assert_str(int id, const char *want) {
  const struct hr_val *v = event_get(&ev, id);
  if (want == NULL) {
    assert_null(v);
    return;
  }
  assert_non_null(v);
  assert_int_equal(v->type, HR_V_STR);
  assert_int_equal(v->sv.n, strlen(want));
  assert_memory_equal(v->sv.p, want, v->sv.n);
}

static const char *ingress_fmt =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] "
    "$upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id";

struct line_case {
  const char *line;
  int rc;
  int64_t ts_s;
  double status, duration;
  const char *method, *path, *query, *protocol, *client, *ua;
};

static void run_cases(struct hr_format *f, const struct line_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    print_message("case %zu\n", i);
    int rc = format_parse(f, cases[i].line, strlen(cases[i].line), &ev);
    assert_int_equal(rc, cases[i].rc);
    if (rc != 0)
      continue;
    assert_int_equal(ev.ts_us, cases[i].ts_s * 1000000);
    assert_true(num(HR_F_TIME) == (double)cases[i].ts_s);
    assert_true(num(HR_F_STATUS) == cases[i].status);
    if (cases[i].duration == NUL)
      assert_true(num(HR_F_DURATION) == NUL);
    else
      assert_float_equal(num(HR_F_DURATION), cases[i].duration, 1e-9);
    assert_str(HR_F_METHOD, cases[i].method);
    assert_str(HR_F_PATH, cases[i].path);
    assert_str(HR_F_QUERY, cases[i].query);
    assert_str(HR_F_PROTOCOL, cases[i].protocol);
    assert_str(HR_F_CLIENT, cases[i].client);
    assert_str(HR_F_USER_AGENT, cases[i].ua);
  }
}

/* Epoch seconds: python3 datetime.strptime(s, '%d/%b/%Y:%H:%M:%S %z').timestamp() */
static void test_nginx_combined(void **state) {
  (void)state;
  struct hr_format *f = make(HR_FMT_NGINX, NULL);
  static const struct line_case cases[] = {
      {"10.0.0.1 - - [01/Jul/2013:06:20:38 -0500] \"GET /a/b?x=1 HTTP/1.1\" 200 3829 \"-\" \"curl/7.1\"", 0, 1372677638,
       200, NUL, "GET", "/a/b", "x=1", "HTTP/1.1", "10.0.0.1", "curl/7.1"},
      /* DST in the text: +0100 then +0200, one second apart (1490489999, 1490490000) */
      {"1.2.3.4 - bob [26/Mar/2017:01:59:59 +0100] \"GET / HTTP/2.0\" 304 0 \"-\" \"-\"", 0, 1490489999, 304, NUL,
       "GET", "/", NULL, "HTTP/2.0", "1.2.3.4", NULL},
      {"1.2.3.4 - - [26/Mar/2017:03:00:00 +0200] \"GET / HTTP/2.0\" 499 0 \"-\" \"ua\"", 0, 1490490000, 499, NUL, "GET",
       "/", NULL, "HTTP/2.0", "1.2.3.4", "ua"},
      /* empty request (hakathon) and TLS bytes with an escaped quote (lovecoding): valid lines, no method */
      {"5.6.7.8 - - [17/Apr/2025:05:10:56 +0100] \"\" 400 0 \"-\" \"-\"", 0, 1744863056, 400, NUL, NULL, NULL, NULL,
       NULL, "5.6.7.8", NULL},
      {"164.52.24.163 - - [17/Nov/2020:17:07:16 +0000] \"\\x16\\x03\\x01\\x01\\\"\\x01\" 400 0 \"-\" \"-\"", 0,
       1605632836, 400, NUL, NULL, NULL, NULL, NULL, "164.52.24.163", NULL},
      /* escaped quotes inside the user agent (kept as logged); extra text after the format is ignored */
      {"::1 - - [01/Jul/2013:06:20:38 -0500] \"POST http://ex.com:8080/p?q HTTP/1.0\" 201 5 \"-\" \"a \\\"b\\\" c\" "
       "\"extra\"",
       0, 1372677638, 201, NUL, "POST", "/p", "q", "HTTP/1.0", "::1", "a \\\"b\\\" c"},
      /* malformed */
      {"19.45.90.254 - - [01/Dec/2020:15:24:26 +0000] \"PUT /alerts HTTP/1.1\" 500 3335", HR_BAD_SHAPE, 0, 0, 0, 0, 0,
       0, 0, 0, 0},
      {"10.0.0.1 - - [01/Jul/2013:06:20:38 -0500] \"GET / HTTP/1.1\" 2x0 1 \"-\" \"-\"", HR_BAD_STATUS, 0, 0, 0, 0, 0,
       0, 0, 0, 0},
      {"10.0.0.1 - - [01/Jul/2013:06:20:38] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", HR_BAD_TIME, 0, 0, 0, 0, 0, 0, 0, 0,
       0},
      {"10.0.0.1 - - [01/Jul/2013:06:20:38 -0500] \"GET / HTTP/1.1\" 200 x \"-\" \"-\"", HR_BAD_NUMBER, 0, 0, 0, 0, 0,
       0, 0, 0, 0},
      {"", HR_BAD_SHAPE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"garbage", HR_BAD_SHAPE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  run_cases(f, cases, N(cases));
  /* own names: http_referer as a string, "-" as null */
  const char *l = "10.0.0.1 - - [01/Jul/2013:06:20:38 -0500] \"GET / HTTP/1.1\" 200 3829 \"http://r/\" \"-\"";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_str(format_field(f, "http_referer", 12), "http://r/");
  assert_null(event_get(&ev, format_field(f, "remote_user", 11)));
  assert_true(num(HR_F_BYTES_SENT) == 3829);
  assert_true(num(format_field(f, "body_bytes_sent", 15)) == 3829);
  /* never read past len: the same line cut inside the user agent */
  assert_int_equal(format_parse(f, l, strlen(l) - 2, &ev), HR_BAD_SHAPE);
  format_free(f);
}

static void test_nginx_custom(void **state) {
  (void)state;
  struct hr_format *f = make(HR_FMT_NGINX, ingress_fmt);
  /* the multi-upstream line of the ingress fixture: lists in unquoted variables */
  const char *l = "2a02:cf40::4e36 - - [24/Aug/2022:18:05:41 +0000] \"GET /favicon.ico HTTP/2.0\" 502 552 "
                  "\"https://localhost:8080/\" \"Mozilla/5.0\" 27 0.000 [localhost-8080] [] [2a02:cf40::7]:5000, "
                  "[2a02:cf40::4e36]:5000 0, 1 0.000, 1.000 502, 403 3db73c6c673c4256ade033a6ce08c2ab";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, INT64_C(1661364341) * 1000000);
  assert_true(num(HR_F_STATUS) == 502);
  assert_true(num(HR_F_UPSTREAM_STATUS) == 502); /* first of "502, 403" */
  assert_true(num(HR_F_DURATION) == 0);
  assert_true(num(HR_F_BYTES_RECEIVED) == 27);
  assert_str(HR_F_CLIENT, "2a02:cf40::4e36");
  assert_true(num(format_field(f, "upstream_response_time", 22)) == 1.0); /* sum of 0.000 + 1.000 */
  assert_str(format_field(f, "upstream_addr", 13), "[2a02:cf40::7]:5000, [2a02:cf40::4e36]:5000");
  assert_str(format_field(f, "proxy_upstream_name", 19), "localhost-8080");
  assert_str(format_field(f, "proxy_alternative_upstream_name", 31), "");
  assert_str(format_field(f, "req_id", 6), "3db73c6c673c4256ade033a6ce08c2ab");
  assert_true(num(format_field(f, "request_length", 14)) == 27); /* numeric own name */
  assert_true(event_get(&ev, format_field(f, "request_length", 14))->type == HR_V_NUM);
  format_free(f);

  /* $msec, $request_time, $host, $request_method/$uri/$args, " : " lists, ${name} */
  f = make(HR_FMT_NGINX, "$msec ${host} $request_method $uri?$args $status $request_time $upstream_response_time "
                         "$upstream_status|$remote_addr");
  l = "1234567890.123 api.ex GET /x?a=1 200 0.250 0.100 : 0.050, - 504 : 200|10.1.1.1";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, 1234567890123000);
  assert_str(HR_F_HOST, "api.ex");
  assert_str(HR_F_METHOD, "GET");
  assert_str(HR_F_PATH, "/x");
  assert_str(HR_F_QUERY, "a=1");
  assert_float_equal(num(HR_F_DURATION), 0.25, 1e-12);
  assert_float_equal(num(format_field(f, "upstream_response_time", 22)), 0.15, 1e-12);
  assert_true(num(HR_F_UPSTREAM_STATUS) == 504);
  assert_str(HR_F_CLIENT, "10.1.1.1");
  l = "1234567890 h GET /x? 200 - - -|1.1.1.1";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_null(event_get(&ev, HR_F_DURATION));
  assert_null(event_get(&ev, HR_F_UPSTREAM_STATUS));
  assert_null(event_get(&ev, format_field(f, "upstream_response_time", 22)));
  assert_null(event_get(&ev, HR_F_QUERY));
  format_free(f);

  /* $time_iso8601 */
  f = make(HR_FMT_NGINX, "$time_iso8601 $status");
  l = "2026-03-29T02:30:00+02:00 503";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, INT64_C(1774744200) * 1000000); /* python datetime.fromisoformat */
  format_free(f);
}

static void test_bad_formats(void **state) {
  (void)state;
  static const struct {
    enum hr_fmt_kind kind;
    const char *fmt;
  } cases[] = {
      {HR_FMT_NGINX, "$remote_addr $status"}, /* no time */
      {HR_FMT_NGINX, "$time_local$status"},   /* two variables with nothing between */
      {HR_FMT_NGINX, "${time_local $status"}, /* unclosed ${ */
      {HR_FMT_APACHE, "%h %y %t"},            /* unknown directive */
      {HR_FMT_APACHE, "%{%Y-%m-%d}t %>s"},    /* strftime formats are not supported */
      {HR_FMT_APACHE, "%t %{Referer"},        /* unclosed { */
      {HR_FMT_APACHE, "%t %"},                /* % at the end */
      {HR_FMT_HAPROXY, "%ci %ST"},            /* no time */
      {HR_FMT_HAPROXY, "%ci [%t] %zz"},       /* unknown variable */
      {HR_FMT_HAPROXY, "[%t] %[ssl_fc"},      /* unclosed %[ */
      {HR_FMT_HAPROXY, "[%t] %{+Q r"},        /* unclosed { */
      {HR_FMT_HAPROXY, "[%t] %ci%ST"},        /* two variables with nothing between */
  };
  for (size_t i = 0; i < N(cases); i++) {
    struct hr_format_opts o = {0};
    o.kind = cases[i].kind;
    o.log_format = cases[i].fmt;
    struct hr_format *f = (struct hr_format *)&o; /* must become NULL */
    struct hr_err err = {0};
    assert_int_equal(format_new(&o, &f, &err), HR_ERR_CONFIG);
    assert_null(f);
    assert_true(strlen(err.msg) > 0);
  }
}

/* A HAProxy log-format (format: haproxy with a logFormat): HAProxy's own
 * httplog definition, a syslog header (RFC 3164, RFC 5424) or none, accept
 * dates in UTC, status -1 and Ta -1 or +N as null, %{+Q}r, %[fetch] under
 * its own name, {..} captures with spaces. Epoch seconds: python3
 * datetime(2026,3,18,1,1,26,tzinfo=timezone.utc).timestamp() = 1773795686. */
static void test_haproxy_logformat(void **state) {
  (void)state;
  struct hr_format *f = make(HR_FMT_HAPROXY, "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
                                             "%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %{+Q}r");
  static const struct line_case cases[] = {
      {"Mar 18 01:01:26 lb1 haproxy[2231]: 198.51.100.203:40000 [18/Mar/2026:01:01:26.000] fe-https~ static/web1 "
       "0/0/1/897/900 500 37274 - - ---- 10/8/3/1/0 0/0 {api.example.com|Go-http-client/2.0} \"GET /a?b=1 HTTP/1.1\"",
       0, 1773795686, 500, 0.9, "GET", "/a", "b=1", "HTTP/1.1", "198.51.100.203", NULL},
      {"<134>1 2026-03-18T01:01:26.060Z lb1 haproxy 2231 - - 10.0.0.1:1 [18/Mar/2026:01:01:26.000] fe be/s "
       "0/0/1/2/+48 200 1 - - ---- 1/1/1/1/0 0/0 {a b|c} \"POST / HTTP/2.0\"",
       0, 1773795686, 200, NUL, "POST", "/", NULL, "HTTP/2.0", "10.0.0.1", NULL},
      {"<134>Mar 18 01:01:26 lb1 haproxy[1]: 10.0.0.2:1 [18/Mar/2026:01:01:26.000] fe be/s -1/-1/-1/-1/-1 -1 0 - - "
       "CR-- 1/1/1/1/0 0/0 {} \"\"",
       0, 1773795686, NUL, NUL, NULL, NULL, NULL, NULL, "10.0.0.2", NULL},
      {"10.0.0.3:1 [18/Mar/2026:01:01:26.5] fe be/s 0/0/1/2/3 2x0 1 - - ---- 1/1/1/1/0 0/0 {} \"GET / HTTP/1.1\"",
       HR_BAD_STATUS, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"10.0.0.3:1 [18/Xyz/2026:01:01:26.5] fe be/s 0/0/1/2/3 200 1 - - ---- 1/1/1/1/0 0/0 {} \"GET / HTTP/1.1\"",
       HR_BAD_TIME, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"garbage", HR_BAD_SHAPE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  run_cases(f, cases, N(cases));
  /* own names as the built-in httplog parser names them */
  const char *l = cases[0].line;
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_str(format_field(f, "backend_name", 12), "static");
  assert_str(format_field(f, "termination_state", 17), "----");
  assert_true(num(format_field(f, "Tr", 2)) == 897);
  assert_true(num(HR_F_BYTES_SENT) == 37274);
  assert_str(format_field(f, "captured_request_headers", 24), "api.example.com|Go-http-client/2.0");
  assert_int_equal(format_field(f, "user_agent_x", 12), -1);
  l = "10.0.0.1:1 [18/Mar/2026:01:01:26.060] fe be/s 0/0/1/2/3 200 1 - - ---- 1/1/1/1/0 0/0 {} \"GET / HTTP/1.1\"";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, INT64_C(1773795686060000));
  format_free(f);

  /* %[fetch]s under their own names, %Ts epoch, %HM %HP %HQ without a request line */
  f = make(HR_FMT_HAPROXY, "%Ts %ci %ST %Ta %HM %HP %HQ {%[capture.req.hdr(0)]|%[capture.req.hdr(1),lower]}");
  l = "1773795686 10.0.0.4 503 1250 GET /x ?y=2 {api.example.com|Mozilla/5.0 (X11) Firefox}";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, INT64_C(1773795686) * 1000000);
  assert_true(num(HR_F_STATUS) == 503);
  assert_float_equal(num(HR_F_DURATION), 1.25, 1e-12);
  assert_str(HR_F_METHOD, "GET");
  assert_str(HR_F_PATH, "/x");
  assert_str(HR_F_QUERY, "y=2");
  assert_str(format_field(f, "capture_req_hdr_0", 17), "api.example.com");
  assert_str(format_field(f, "capture_req_hdr_1_lower", 23), "Mozilla/5.0 (X11) Firefox");
  format_free(f);
}

static void test_apache(void **state) {
  (void)state;
  struct hr_format *f = make(HR_FMT_APACHE, NULL);
  static const struct line_case cases[] = {
      /* Apache docs example line, 10/Oct/2000:13:55:36 -0700 = 971211336 */
      {"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
       "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
       0, 971211336, 200, NUL, "GET", "/apache_pb.gif", NULL, "HTTP/1.0", "127.0.0.1",
       "Mozilla/4.08 [en] (Win98; I ;Nav)"},
      {"83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /x HTTP/1.1\" 304 - \"-\" \"-\"", 0, 1431857103, 304, NUL,
       "GET", "/x", NULL, "HTTP/1.1", "83.149.9.216", NULL},
      {"83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /x HTTP/1.1\" 200 1 \"-\" \"Googlebot", HR_BAD_SHAPE, 0, 0,
       0, 0, 0, 0, 0, 0, 0},
  };
  run_cases(f, cases, N(cases));
  const char *l0 = "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /x HTTP/1.1\" 304 - \"-\" \"-\"";
  assert_int_equal(format_parse(f, l0, strlen(l0), &ev), 0);
  assert_null(event_get(&ev, HR_F_BYTES_SENT)); /* "-" bytes -> null */
  assert_null(event_get(&ev, format_field(f, "http_referer", 12)));
  format_free(f);

  f = make(HR_FMT_APACHE, "%a %v %{sec}t \"%m %U%q %H\" %>s %O %I %D %{X-Request-ID}i %{ms}T %%");
  const char *l = "10.0.0.9 www.ex 1431857103 \"PUT /u?k=v HTTP/1.1\" 201 10 20 1500 abc-1 2 %";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, INT64_C(1431857103) * 1000000);
  assert_str(HR_F_CLIENT, "10.0.0.9");
  assert_str(HR_F_HOST, "www.ex");
  assert_str(HR_F_METHOD, "PUT");
  assert_str(HR_F_PATH, "/u");
  assert_str(HR_F_QUERY, "k=v");
  assert_str(HR_F_PROTOCOL, "HTTP/1.1");
  assert_true(num(HR_F_STATUS) == 201);
  assert_true(num(HR_F_BYTES_SENT) == 10);
  assert_true(num(HR_F_BYTES_RECEIVED) == 20);
  /* %D then %{ms}T: the last duration wins: 2 ms */
  assert_float_equal(num(HR_F_DURATION), 0.002, 1e-12);
  assert_true(num(format_field(f, "request_time_us", 15)) == 1500);
  assert_str(format_field(f, "http_x_request_id", 17), "abc-1");
  format_free(f);

  f = make(HR_FMT_APACHE, "%t %D");
  l = "[10/Oct/2000:13:55:36 -0700] 1500";
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_int_equal(ev.ts_us, INT64_C(971211336) * 1000000);
  assert_float_equal(num(HR_F_DURATION), 0.0015, 1e-12); /* 1500 us */
  format_free(f);
}

/* A LogFormat pasted from apache2.conf keeps the backslashes of its quoted
 * argument: Apache's configuration reader turns \\ and \" into \ and ",
 * then mod_log_config turns \\, \t, \n, \r of the literal text into \,
 * tab, newline and CR (any other backslash stays). */
static void test_apache_escapes(void **state) {
  (void)state;
  static const char *line = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
                            "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";
  /* as it stands in apache2.conf: LogFormat "<this>" combined */
  struct hr_format *f = make(HR_FMT_APACHE, "%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-agent}i\\\"");
  static const struct line_case cases[] = {
      {NULL, 0, 971211336, 200, NUL, "GET", "/apache_pb.gif", NULL, "HTTP/1.0", "127.0.0.1",
       "Mozilla/4.08 [en] (Win98; I ;Nav)"},
  };
  struct line_case c0 = cases[0];
  c0.line = line;
  run_cases(f, &c0, 1);
  assert_str(format_field(f, "http_referer", 12), "http://www.example.com/start.html");
  format_free(f);

  static const struct {
    const char *fmt, *line;
    int rc;
  } c[] = {
      {"%t\\t%>s\\t%D", "[10/Oct/2000:13:55:36 -0700]\t200\t1500", 0},  /* \t: a tab */
      {"%t\\t%>s", "[10/Oct/2000:13:55:36 -0700]\\t200", HR_BAD_SHAPE}, /* not the two bytes */
      {"%t \\\\ %>s", "[10/Oct/2000:13:55:36 -0700] \\ 200", 0},        /* \\: one backslash */
      {"%t \\\\\\\\ %>s", "[10/Oct/2000:13:55:36 -0700] \\ 200", 0},    /* read twice: \\\\ -> \\ -> \ */
      {"%t \\q %>s", "[10/Oct/2000:13:55:36 -0700] \\q 200", 0},        /* other escapes stay */
      {"%t \\\"%>s\\\"", "[10/Oct/2000:13:55:36 -0700] \"200\"", 0},
      {"%t %>s\\", "[10/Oct/2000:13:55:36 -0700] 200\\", 0},            /* a final backslash stays */
      {"%t %{X-A\\\"B}i %>s", "[10/Oct/2000:13:55:36 -0700] v 200", 0}, /* \" in an argument */
  };
  for (size_t i = 0; i < N(c); i++) {
    print_message("escape case %zu: %s\n", i, c[i].fmt);
    f = make(HR_FMT_APACHE, c[i].fmt);
    int rc = format_parse(f, c[i].line, strlen(c[i].line), &ev);
    assert_int_equal(rc, c[i].rc);
    if (rc == 0) {
      assert_int_equal(ev.ts_us, INT64_C(971211336) * 1000000);
      assert_true(num(HR_F_STATUS) == 200);
    }
    format_free(f);
  }
  f = make(HR_FMT_APACHE, "%t %{X-A\\\"B}i %>s");
  assert_true(format_field(f, "http_x_a\"b", 10) >= HR_F_NSTD);
  format_free(f);
}

/* ------------------------------------------------- the project's own files */

/* tests/data/synth/ (written by gen.py there) and tests/data/nginx-dst.log.
 * Expected figures from awk, the status being the first word after the
 * request line:
 *   awk -F'"' '{split($3,a," "); c[substr(a[1],1,1)]++; n++} END{...}' */
static void test_synth(void **state) {
  (void)state;
  struct real_counts c;

  /* nginx.log, a custom log_format ending in $request_time
   * $upstream_response_time $upstream_status (lists "0.012, 0.230" and
   * "0.010 : 0.050", "-"): the same awk plus split($NF,b," "); s+=b[1]
   * -> 693: 2:552 3:50 4:86 5:5, sum of $request_time 397.749000 */
  struct hr_format *ng = make(HR_FMT_NGINX, "$remote_addr - $remote_user [$time_local] \"$request\" $status "
                                            "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time "
                                            "$upstream_response_time $upstream_status");
  memset(&c, 0, sizeof c);
  assert_int_equal(own_count_file(ng, "synth/nginx.log", &c), 0);
  assert_int_equal(c.ok, 693);
  assert_int_equal(c.cls[2], 552);
  assert_int_equal(c.cls[3], 50);
  assert_int_equal(c.cls[4], 86);
  assert_int_equal(c.cls[5], 5);
  assert_float_equal(c.dur_sum, 397.749, 1e-6);
  format_free(ng);

  /* apache.log, combined + %D: awk -F'"' 'NF>=7{...; s+=$NF/1e6} NF<7{bad++}'
   * -> 477: 2:395 3:33 4:33 5:16, sum 399.845834 s; bad 1 (line 151: a user
   * agent cut off without its closing quote). The same counts with the
   * format pasted from apache2.conf, with its \" escapes. */
  static const char *const combined_d[] = {
      "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D",
      "%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %D"};
  struct hr_format *ap;
  for (size_t i = 0; i < N(combined_d); i++) {
    ap = make(HR_FMT_APACHE, combined_d[i]);
    memset(&c, 0, sizeof c);
    assert_int_equal(own_count_file(ap, "synth/apache.log", &c), 0);
    assert_int_equal(c.ok, 477);
    assert_int_equal(c.bad[HR_BAD_SHAPE], 1);
    assert_int_equal(c.cls[2], 395);
    assert_int_equal(c.cls[3], 33);
    assert_int_equal(c.cls[4], 33);
    assert_int_equal(c.cls[5], 16);
    assert_float_equal(c.dur_sum, 399.845834, 1e-6);
    format_free(ap);
  }

  /* apache-T.log, common + %T (whole seconds): split($3,a," "); s+=a[3]
   * -> 40: 2:20 3:5 4:10 5:5, sum 45 s */
  ap = make(HR_FMT_APACHE, "%h %l %u %t \"%r\" %>s %b %T");
  memset(&c, 0, sizeof c);
  assert_int_equal(own_count_file(ap, "synth/apache-T.log", &c), 0);
  assert_int_equal(c.ok, 40);
  assert_int_equal(c.cls[2], 20);
  assert_int_equal(c.cls[3], 5);
  assert_int_equal(c.cls[4], 10);
  assert_int_equal(c.cls[5], 5);
  assert_float_equal(c.dur_sum, 45, 1e-9);
  format_free(ap);

  /* nginx-dst.log, combined (no duration) -> 4: 2:2 4:1 5:1 */
  ng = make(HR_FMT_NGINX, NULL);
  memset(&c, 0, sizeof c);
  assert_int_equal(own_count_file(ng, "nginx-dst.log", &c), 0);
  assert_int_equal(c.ok, 4);
  assert_int_equal(c.cls[2], 2);
  assert_int_equal(c.cls[4], 1);
  assert_int_equal(c.cls[5], 1);
  assert_true(c.dur_sum == 0);
  format_free(ng);
}

/* ---------------------------------------------------------- real files */

static void test_real(void **state) {
  (void)state;
  SKIP_WITHOUT_REAL_LOGS(); /* real logs live outside the repo, in ../shared */
  struct real_counts c;
  struct hr_format *ap, *ng = make(HR_FMT_NGINX, NULL);

  /* awk -F'"' 'NF>=7{split($3,a," "); c[substr(a[1],1,1)]++} NF<7{bad++}' apache_logs
   * -> 2:9170 3:609 4:217 5:3, bad 1 (a user agent cut off without its closing quote).
   * The same counts with combined as apache2.conf writes it (LogFormat
   * "%h %l %u %t \"%r\" ..." combined), pasted with its backslashes. */
  static const char *const combined[] = {NULL,
                                         "%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-agent}i\\\""};
  for (size_t i = 0; i < N(combined); i++) {
    ap = make(HR_FMT_APACHE, combined[i]);
    memset(&c, 0, sizeof c);
    assert_int_equal(real_count_file(ap, "elastic-examples-apache/apache_logs", &c), 0);
    assert_int_equal(c.ok, 9999);
    assert_int_equal(c.bad[HR_BAD_SHAPE], 1);
    assert_int_equal(c.cls[2], 9170);
    assert_int_equal(c.cls[3], 609);
    assert_int_equal(c.cls[4], 217);
    assert_int_equal(c.cls[5], 3);
    format_free(ap);
  }

  /* same awk -> 2:7701 3:445 4:1810 (1809 + the empty-request 400) 5:44, bad 0 */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(ng, "wordpress-hakathon-wap/access.log", &c), 0);
  assert_int_equal(c.ok, 10000);
  assert_int_equal(c.cls[2], 7701);
  assert_int_equal(c.cls[3], 445);
  assert_int_equal(c.cls[4], 1810);
  assert_int_equal(c.cls[5], 44);

  /* same awk -> 2:596 3:393 4:7 (995 newlines + a last line without one) */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(ng, "coralogix-samples/nginx_access.log", &c), 0);
  assert_int_equal(c.ok, 996);
  assert_int_equal(c.cls[2], 596);
  assert_int_equal(c.cls[3], 393);
  assert_int_equal(c.cls[4], 7);

  /* cat access.log.* | awk '{gsub(/\\"/,"")} NF==0{next} {n=split($0,q,"\""); if(n<7){bad++;next};
   *   split(q[3],a," "); c[substr(a[1],1,1)]++}' -> 2:2583 3:253 4:4553 5:8, bad 1 (no referer/UA) */
  memset(&c, 0, sizeof c);
  for (int i = 1; i <= 14; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "lovecoding-nginx-rotated/access.log.%d", i);
    assert_int_equal(real_count_file(ng, rel, &c), 0);
  }
  assert_int_equal(c.ok, 7397);
  assert_int_equal(c.bad[HR_BAD_SHAPE], 1);
  assert_int_equal(c.cls[2], 2583);
  assert_int_equal(c.cls[3], 253);
  assert_int_equal(c.cls[4], 4553);
  assert_int_equal(c.cls[5], 8);
  format_free(ng);

  /* awk '{print $9}' nginx-ingress-test-ingest-raw.log | sort | uniq -c -> 21x200, 2x4xx, 1x502 */
  struct hr_format *in = make(HR_FMT_NGINX, ingress_fmt);
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(in, "elastic-integrations-fixtures/nginx-ingress-test-ingest-raw.log", &c), 0);
  assert_int_equal(c.ok, 24);
  assert_int_equal(c.cls[2], 21);
  assert_int_equal(c.cls[4], 2);
  assert_int_equal(c.cls[5], 1);
  format_free(in);
}

/* fmt_num() takes an inline path for short plain numbers; it must agree
 * with fmt_num_full() bit for bit, and reject what it rejects. */
static void test_num_fast_path(void **state) {
  (void)state;
  static const char alpha[] = "0123456789.-x 9";
  uint64_t rng = 42;
  char buf[32];
  for (int t = 0; t < 200000; t++) {
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    size_t n = (size_t)(rng >> 59) % 23; /* 0..22: across the 18-byte limit */
    for (size_t i = 0; i < n; i++) {
      rng = rng * 6364136223846793005u + 1442695040888963407u;
      unsigned r = (unsigned)(rng >> 40) % 100;
      buf[i] = r < 80 ? (char)('0' + r % 10) : alpha[r % (sizeof alpha - 1)]; /* mostly digits */
    }
    double a = -1, b = -1;
    int ra = fmt_num(buf, n, &a), rb = fmt_num_full(buf, n, &b);
    if (ra != rb || (ra == 0 && memcmp(&a, &b, sizeof a) != 0))
      fail_msg("'%.*s': fast %d %.17g, full %d %.17g", (int)n, buf, ra, a, rb, b);
  }
  static const struct {
    const char *s;
    int rc;
    double x;
  } cases[] = {{"0", 0, 0},
               {"007", 0, 7},
               {"0.040", 0, 0.04},
               {"12.", 0, 12},
               {"123456789012345678", 0, 123456789012345678.0},
               {"1.5.", -1, 0},
               {"1e3", -1, 0},
               {"1 ", -1, 0},
               {".5", 0, 0.5},
               {"-1", 0, -1}};
  for (size_t i = 0; i < N(cases); i++) {
    double x = 0;
    assert_int_equal(fmt_num(cases[i].s, strlen(cases[i].s), &x), cases[i].rc);
    if (cases[i].rc == 0)
      assert_true(x == cases[i].x);
  }
}

/* Consecutive lines share the date part of $time_local, which the parser
 * keeps from the last good line: a line with the same date and zone only
 * has its time of day read. Random mutations of the time, date and zone
 * must give time_parse_clf()'s answer every time. */
static void test_clf_cache(void **state) {
  (void)state;
  struct hr_format *f = make(HR_FMT_NGINX, NULL);
  static const char *dates[] = {"04/Oct/2026", "05/Oct/2026", "29/Feb/2024", "29/Feb/2023",
                                "31/Dec/1969", "01/Jan/1970", "4/Oct/2026x", "04/Okt/2026"};
  static const char *zones[] = {"+0000", "-0500", "+0530", "+2400", "+0060", "x0000", "-1200"};
  static const char *times[] = {"00:00:00", "23:59:59", "23:59:60", "12:34:56", "24:00:00", "12:60:00",
                                "12:00:61", "1a:00:00", "12-00:00", "12:00.00", "09:05:07", "0:00:000"};
  uint64_t rng = 7;
  for (int t = 0; t < 20000; t++) {
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    unsigned r = (unsigned)(rng >> 33);
    /* mostly the same day and zone, so that the cache is used */
    const char *d = dates[r % 8 < 5 ? 0 : r % 8], *z = zones[(r >> 3) % 8 < 5 ? 0 : (r >> 3) % 7];
    const char *tm = times[(r >> 6) % 12];
    char ts[64], line[160];
    snprintf(ts, sizeof ts, "%s:%s %s", d, tm, z);
    snprintf(line, sizeof line, "1.2.3.4 - - [%s] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", ts);
    int64_t want = 0;
    int wrc = time_parse_clf(ts, strlen(ts), &want);
    int rc = format_parse(f, line, strlen(line), &ev);
    if (rc != (wrc == 0 ? 0 : HR_BAD_TIME) || (rc == 0 && ev.ts_us != want))
      fail_msg("%s: rc %d ts %lld, want %d %lld", ts, rc, (long long)ev.ts_us, wrc, (long long)want);
  }
  format_free(f);
}

/* The parser keeps, per variable, whether its own-name field is needed;
 * a later format_need() must take effect on the next line. */
static void test_need_changes(void **state) {
  (void)state;
  struct hr_format *f = make(HR_FMT_NGINX, NULL);
  const char *l = "10.0.0.1 - bob [01/Jul/2013:06:20:38 -0500] \"GET / HTTP/1.1\" 200 3829 \"http://r/\" \"ua\"";
  int ref = format_field(f, "http_referer", 12), user = format_field(f, "remote_user", 11);
  assert_true(ref >= HR_F_NSTD && user >= HR_F_NSTD);
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_str(ref, "http://r/");
  assert_str(user, "bob");
  format_need(f, (uint64_t)1 << HR_F_STATUS);
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_null(event_get(&ev, ref));
  assert_null(event_get(&ev, user));
  assert_true(num(HR_F_STATUS) == 200);
  format_need(f, (uint64_t)1 << user);
  assert_int_equal(format_parse(f, l, strlen(l), &ev), 0);
  assert_null(event_get(&ev, ref));
  assert_str(user, "bob");
  format_free(f);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_nginx_combined),
      cmocka_unit_test(test_nginx_custom),
      cmocka_unit_test(test_bad_formats),
      cmocka_unit_test(test_apache),
      cmocka_unit_test(test_apache_escapes),
      cmocka_unit_test(test_synth),
      cmocka_unit_test(test_real),
      cmocka_unit_test(test_num_fast_path),
      cmocka_unit_test(test_clf_cache),
      cmocka_unit_test(test_need_changes),
      cmocka_unit_test(test_haproxy_logformat),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
