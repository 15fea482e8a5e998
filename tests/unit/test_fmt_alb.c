/* test_fmt_alb.c -- the AWS ALB access-log parser: hand-checked lines, then
 * counts over the project's own logs in tests/data (always) and over the
 * real sample files in $HR_SHARED_DIR/data/real (skipped when absent, as in
 * a user's clone). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "core/format.h"
#include "real_logs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NUL (-12345.0) /* expected: field null or absent */

static struct hr_format *alb;
static struct hr_event ev;

static int setup(void **state) {
  (void)state;
  struct hr_format_opts o = {0};
  o.kind = HR_FMT_ALB;
  struct hr_err err;
  return format_new(&o, &alb, &err) == HR_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  format_free(alb);
  return 0;
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

/* Lines from the AWS docs and the beats fixtures, shortened where noted. */
static void test_alb_lines(void **state) {
  (void)state;
  static const struct {
    const char *line;
    int rc;
    int64_t ts_us;
    double status, upstream, duration;
    const char *method, *path, *query, *host, *client;
  } cases[] = {
      /* AWS docs example, http; duration 0.000+0.001+0.000; host from the URL (domain "-") */
      {"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 "
       "0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - "
       "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
       "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\" \"-\" "
       "\"-\"",
       0, 1530570180186641 /* python: datetime.fromisoformat('2018-07-02T22:23:00.186641+00:00') */, 200, 200, 0.001,
       "GET", "/", NULL, "www.example.com", "192.168.131.39"},
      /* https with domain_name; 0.086+0.048+0.037 = 0.171 */
      {"https 2018-07-02T22:23:00.186641Z app/lb/50dc 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 "
       "57 \"GET https://www.example.com:443/a/b?x=1&y=2 HTTP/1.1\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 "
       "TLSv1.2 arn:tg \"Root=1-1\" \"api.example.com\" \"arn:cert\" 1 2018-07-02T22:22:48.364000Z "
       "\"authenticate,forward\" \"-\" \"-\"",
       0, 1530570180186641, 200, 200, 0.171, "GET", "/a/b", "x=1&y=2", "api.example.com", "192.168.131.39"},
      /* 502 with target status "-": upstream null */
      {"http 2018-11-30T22:23:00.186641Z app/lb/50dc 192.168.131.39:2817 - 0.000 0.001 0.000 502 - 34 366 "
       "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - arn:tg \"Root=1-2\" \"-\" \"-\" 0 "
       "2018-11-30T22:22:48.364000Z \"forward\" \"-\" \"LambdaInvalidResponse\"",
       0, 1543616580186641, 502, NUL, 0.001, "GET", "/", NULL, "www.example.com", "192.168.131.39"},
      /* 460: times -1 -> duration null */
      {"http 2019-10-11T15:01:12.376735Z app/t/c86a 77.227.156.41:56398 10.0.0.192:80 -1 -1 -1 460 - 125 0 "
       "\"GET http://h.example:80/ HTTP/1.1\" \"curl/7.58.0\" - - arn:tg \"Root=1-3\" \"-\" \"-\" 0 "
       "2019-10-11T15:01:06.657000Z \"forward\" \"-\" \"-\"",
       0, 1570806072376735, 460, NUL, NUL, "GET", "/", NULL, "h.example", "77.227.156.41"},
      /* ALB 400s: "- http://host:80- -" and "- - - " parse with method/path null */
      {"http 2018-11-30T22:23:00.186641Z app/lb/50dc 192.168.131.39:2817 - -1 -1 -1 400 - 0 0 "
       "\"- http://www.example.com:80- -\" \"-\" - - - \"-\" \"-\" \"-\" 0 2018-11-30T22:22:48.364000Z \"-\" \"-\" "
       "\"-\"",
       0, 1543616580186641, 400, NUL, NUL, NULL, NULL, NULL, "www.example.com", "192.168.131.39"},
      {"http 2018-11-30T22:23:00.186641Z app/lb/50dc 192.168.131.39:2817 - -1 -1 -1 400 - 0 0 \"- - - \" \"-\" - - "
       "- \"-\" \"-\" \"-\" 0 2018-11-30T22:22:48.364000Z \"-\" \"-\" \"-\"",
       0, 1543616580186641, 400, NUL, NUL, NULL, NULL, NULL, NULL, "192.168.131.39"},
      /* IPv6 client, old line ending after trace_id, missing space after a quote ("-"1 style) */
      {"h2 2015-11-07T18:45:33.575333Z elb1 [2001:db8::1]:55857 10.0.2.143:80 0.000025 0.0003 0.000023 204 204 0 "
       "3764 \"POST http://example.com:80/v1/x HTTP/1.1\" \"ua\"- - arn:tg \"Root=1-4\"",
       0, 1446921933575333, 204, 204, 0.000348, "POST", "/v1/x", NULL, "example.com", "2001:db8::1"},
      /* newer fields beyond conn_trace_id are ignored */
      {"wss 2024-01-01T00:00:00Z app/lb/1 10.0.0.1:1 10.0.0.2:2 0.1 0.2 0.3 101 101 1 2 \"GET https://h:443/ws "
       "HTTP/1.1\" \"-\" - - arn \"t\" \"d.example\" \"-\" 1 2024-01-01T00:00:00Z \"forward\" \"-\" \"-\" "
       "\"10.0.0.2:2\" "
       "\"101\" \"-\" \"-\" TID_1 \"new1\" \"new2\"",
       0, 1704067200000000, 101, 101, 0.6, "GET", "/ws", NULL, "d.example", "10.0.0.1"},
      /* not ALB records */
      {"tls 2.0 2018-12-20T02:59:40 net/my-nlb/c6e7 g3d4 192.168.131.39:2817 10.0.0.1:80 5 2 98 246 - arn - "
       "ECDHE-RSA-AES128-SHA tlsv12 - host - - - 2018-12-20T02:59:30",
       HR_BAD_TYPE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"2024-11-29T13:45:24.599544Z 172.31.43.26 58206 80 - - - \"-\" - - - TID_16132ed0b4112148", HR_BAD_TYPE, 0, 0, 0,
       0, 0, 0, 0, 0, 0},
      {"", HR_BAD_SHAPE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      /* broken ones */
      {"http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:5 - 0.1 0.1 0.1 200 200 1 2", HR_BAD_SHAPE, 0, 0, 0, 0, 0, 0,
       0, 0, 0},
      {"http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:5 - 0.1 0.1 0.1 200 200 1 2 \"GET / HTTP/1.1", HR_BAD_SHAPE,
       0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"http 2018-07-02T22:23:61Z app/lb/1 1.2.3.4:5 - 0.1 0.1 0.1 200 200 1 2 \"GET / HTTP/1.1\"", HR_BAD_TIME, 0, 0,
       0, 0, 0, 0, 0, 0, 0},
      {"http 2018-07-02T22:23:00Z app/lb/1 1.2.3.4:5 - 0.1 0.1 0.1 2000 200 1 2 \"GET / HTTP/1.1\"", HR_BAD_STATUS, 0,
       0, 0, 0, 0, 0, 0, 0, 0},
      {"http 2018-07-02T22:23:00Z app/lb/1 1.2.3.4:5 - 0.1 x 0.1 200 200 1 2 \"GET / HTTP/1.1\"", HR_BAD_NUMBER, 0, 0,
       0, 0, 0, 0, 0, 0, 0},
  };
  for (size_t i = 0; i < N(cases); i++) {
    print_message("case %zu\n", i);
    int rc = format_parse(alb, cases[i].line, strlen(cases[i].line), &ev);
    assert_int_equal(rc, cases[i].rc);
    if (rc != 0)
      continue;
    assert_int_equal(ev.ts_us, cases[i].ts_us);
    assert_true(num(HR_F_STATUS) == cases[i].status);
    assert_true(num(HR_F_UPSTREAM_STATUS) == cases[i].upstream);
    if (cases[i].duration == NUL)
      assert_true(num(HR_F_DURATION) == NUL);
    else
      assert_float_equal(num(HR_F_DURATION), cases[i].duration, 1e-9);
    assert_str(HR_F_METHOD, cases[i].method);
    assert_str(HR_F_PATH, cases[i].path);
    assert_str(HR_F_QUERY, cases[i].query);
    assert_str(HR_F_HOST, cases[i].host);
    assert_str(HR_F_CLIENT, cases[i].client);
  }
}

/* Own-name fields and types. */
static void test_alb_own_fields(void **state) {
  (void)state;
  const char *line = "http 2019-10-11T15:01:12.376735Z app/t/c86a 77.227.156.41:56398 10.0.0.192:80 -1 0.25 -1 504 "
                     "- 125 308 \"GET http://h:80/ HTTP/1.1\" \"curl/7.58.0\" - - arn:tg \"Root=1-3\" \"-\" \"-\" 0 "
                     "2019-10-11T15:01:06.657000Z \"forward\" \"-\" \"Target.Timeout\"";
  assert_int_equal(format_parse(alb, line, strlen(line), &ev), 0);
  int id = format_field(alb, "error_reason", 12);
  assert_true(id >= HR_F_NSTD);
  assert_str(id, "Target.Timeout");
  assert_true(num(format_field(alb, "target_processing_time", 22)) == 0.25);
  assert_true(num(format_field(alb, "request_processing_time", 23)) == -1); /* kept as logged */
  assert_true(num(format_field(alb, "elb_status_code", 15)) == 504);
  assert_null(event_get(&ev, format_field(alb, "target_status_code", 18))); /* "-" */
  assert_str(format_field(alb, "trace_id", 8), "Root=1-3");
  assert_str(format_field(alb, "client_port", 11), "77.227.156.41:56398");
  assert_str(HR_F_USER_AGENT, "curl/7.58.0");
  assert_true(num(HR_F_BYTES_RECEIVED) == 125);
  assert_true(num(HR_F_BYTES_SENT) == 308);
  assert_str(HR_F_PROTOCOL, "HTTP/1.1");
  assert_int_equal(format_field(alb, "no_such_field", 13), -1);
  /* the line is not read past len: a prefix that ends inside a quote */
  assert_int_equal(format_parse(alb, line, 120, &ev), HR_BAD_SHAPE);
}

/* ------------------------------------------------- the project's own files */

/* tests/data/synth/ (written by gen.py there) and tests/data/alb-sample.log.
 * Expected figures from awk, with A='$1~/^(http|https|h2|grpcs|ws|wss)$/':
 *   awk "$A"' {n++; c[substr($9,1,1)]++; if ($6!=-1 && $7!=-1 && $8!=-1) s+=$6+$7+$8}
 *            $1!~/^(http|https|h2|grpcs|ws|wss)$/ && NF {bad++}
 *            END {printf "%d %d %.6f\n", n, bad, s; for (k in c) print k, c[k]}' */
static void test_alb_synth(void **state) {
  (void)state;
  struct real_counts c;

  /* -> 338 ALB lines (the last without a newline), 1:9 2:237 3:35 4:33 5:24,
   * sum 38.439000 (the 46 lines with -1 times have a null duration);
   * 2 lines of other records (NLB "tls 2.0", a connection log): HR_BAD_TYPE;
   * the blank line is skipped here */
  memset(&c, 0, sizeof c);
  assert_int_equal(own_count_file(alb, "synth/alb.log", &c), 0);
  assert_int_equal(c.ok, 338);
  assert_int_equal(c.bad[HR_BAD_TYPE], 2);
  assert_int_equal(c.bad[HR_BAD_SHAPE], 0);
  assert_int_equal(c.cls[1], 9);
  assert_int_equal(c.cls[2], 237);
  assert_int_equal(c.cls[3], 35);
  assert_int_equal(c.cls[4], 33);
  assert_int_equal(c.cls[5], 24);
  assert_float_equal(c.dur_sum, 38.439, 1e-6);

  /* zcat | same awk -> 140: 2:102 3:24 4:5 5:9, sum 29.019000 (read through zlib) */
  memset(&c, 0, sizeof c);
  assert_int_equal(own_count_file(alb, "synth/alb.log.gz", &c), 0);
  assert_int_equal(c.ok, 140);
  assert_int_equal(c.cls[2], 102);
  assert_int_equal(c.cls[3], 24);
  assert_int_equal(c.cls[4], 5);
  assert_int_equal(c.cls[5], 9);
  assert_float_equal(c.dur_sum, 29.019, 1e-6);

  /* -> 3: 2:1 5:2, sum 0.121 + 2.502 (the 504's -1 times: null) */
  memset(&c, 0, sizeof c);
  assert_int_equal(own_count_file(alb, "alb-sample.log", &c), 0);
  assert_int_equal(c.ok, 3);
  assert_int_equal(c.cls[2], 1);
  assert_int_equal(c.cls[5], 2);
  assert_float_equal(c.dur_sum, 2.623, 1e-9);
}

/* ---------------------------------------------------------- real files */

static void test_alb_real(void **state) {
  (void)state;
  SKIP_WITHOUT_REAL_LOGS(); /* real logs live outside the repo, in ../shared */
  struct real_counts c;

  /* awk '{c[substr($9,1,1)]++} END{for(k in c) print k, c[k]}' alb_logs.log -> 2 543, 3 122, 4 1
   * (665 newlines + a last line without one = 666 lines);
   * awk '{s+=$6+$7+$8} END{printf "%.6f", s}' -> 32.575423 (no -1 times: awk '$6==-1||..' | wc -l = 0) */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(alb, "coralogix-samples/alb_logs.log", &c), 0);
  assert_int_equal(c.ok, 666);
  assert_int_equal(c.cls[2], 543);
  assert_int_equal(c.cls[3], 122);
  assert_int_equal(c.cls[4], 1);
  assert_float_equal(c.dur_sum, 32.575423, 1e-6);

  /* awk 'NF&&$1~/^(http|https|h2|grpcs|ws|wss)$/{c[substr($9,1,1)]++}' -> 1:2 2:4 4:2 5:1 */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(alb, "elastic-beats-elb-fixtures/example-alb-http.log", &c), 0);
  assert_int_equal(c.ok, 9);
  assert_int_equal(c.cls[1], 2);
  assert_int_equal(c.cls[2], 4);
  assert_int_equal(c.cls[4], 2);
  assert_int_equal(c.cls[5], 1);

  /* same awk -> 2:3 4:1 5:6 */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(alb, "elastic-beats-elb-fixtures/application-lb-http.log", &c), 0);
  assert_int_equal(c.ok, 10);
  assert_int_equal(c.cls[2], 3);
  assert_int_equal(c.cls[4], 1);
  assert_int_equal(c.cls[5], 6);

  /* 3 ALB lines (2:2 3:1); 4 NLB "tls 2.0" + 3 connection-log lines -> HR_BAD_TYPE */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(alb, "elastic-integrations-fixtures/test-alb.log", &c), 0);
  assert_int_equal(c.ok, 3);
  assert_int_equal(c.cls[2], 2);
  assert_int_equal(c.cls[3], 1);
  assert_int_equal(c.bad[HR_BAD_TYPE], 7);

  /* zcat | awk 'NF' | wc -l -> 100 lines, all 2xx (unquoted trace/domain fields) */
  memset(&c, 0, sizeof c);
  assert_int_equal(real_count_file(alb, "jdwit-alb-log-pipe/xy89z_elasticloadbalancing_eu-west-1_abc123.log.gz", &c),
                   0);
  assert_int_equal(c.ok, 100);
  assert_int_equal(c.cls[2], 100);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_alb_lines),
      cmocka_unit_test(test_alb_own_fields),
      cmocka_unit_test(test_alb_synth),
      cmocka_unit_test(test_alb_real),
  };
  return cmocka_run_group_tests(t, setup, teardown);
}
