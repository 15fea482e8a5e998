/* test_fmt_w3c.c -- W3C extended logs: IIS (Microsoft's documented
 * examples and real lines, tests/data/formats/iis-doc.log) and CloudFront
 * (AWS's documented example lines, cloudfront-doc.log); columns from
 * #Fields: as it changes, time-taken's unit, the saved state; then the
 * real files of ../shared/data/real (skipped when absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/format.h"
#include "fmt_fields.h"
#include "real_logs.h"

static struct hr_format *make(double scale) {
  struct hr_format_opts o = {.kind = HR_FMT_W3C, .duration_scale = scale};
  struct hr_format *f = NULL;
  struct hr_err err = {0};
  assert_int_equal(format_new(&o, &f, &err), HR_OK);
  return f;
}

/* Microsoft's IIS 6.0 example, then IIS 7.5's default columns: the second
 * #Fields: replaces the first; time-taken in milliseconds (IIS). */
static void test_iis(void **state) {
  (void)state;
  struct hr_format *f = make(0);
  /* the filters' names are known before the file is read */
  assert_true(format_field(f, "cs_referrer", 11) >= 0);
  assert_true(format_field(f, "sc_win32_status", 15) >= 0);
  assert_true(format_field(f, "time_taken", 10) >= 0);
  assert_int_equal(format_field(f, "no_such", 7), -1);
  assert_int_equal(parse(f, "2002-05-24 20:18:01 172.224.24.114 - GET /Default.htm - 200 31"), HR_BAD_SHAPE);
  assert_int_equal(parse(f, "#Software: Microsoft Internet Information Services 6.0"), HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f, "#Version: 1.0"), HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f, "#Date: 2002-05-24 20:18:01"), HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f, "#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query "
                            "sc-status sc-bytes cs-bytes time-taken cs(User-Agent) cs(Referrer)"),
                   HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f, "2002-05-24 20:18:01 172.224.24.114 - 206.73.118.24 80 GET /Default.htm - 200 7930 248 "
                            "31 Mozilla/4.0+(compatible;+MSIE+5.01;+Windows+2000+Server) http://64.224.24.114/"),
                   0);
  assert_int_equal(ev.ts_us, 1022271481000000); /* 2002-05-24T20:18:01Z */
  assert_true(num(f, "status") == 200);
  assert_true(num(f, "duration") == 0.031);
  assert_true(num(f, "bytes_sent") == 7930 && num(f, "bytes_received") == 248);
  assert_true(num(f, "time_taken") == 31); /* own name: as written */
  str_is(f, "method", "GET");
  str_is(f, "path", "/Default.htm");
  str_is(f, "query", NULL);
  str_is(f, "client", "172.224.24.114");
  str_is(f, "user_agent", "Mozilla/4.0+(compatible;+MSIE+5.01;+Windows+2000+Server)");
  str_is(f, "cs_referrer", "http://64.224.24.114/");
  /* IIS restarted with other columns */
  assert_int_equal(parse(f, "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
                            "cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken"),
                   HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f, "2013-06-24 10:56:45 192.168.0.1 POST /xas/ - 80 - 222.222.222.222 "
                            "Mozilla/5.0+(Windows+NT+6.1;+WOW64) 404 0 2 471"),
                   0);
  assert_int_equal(ev.ts_us, 1372071405000000);
  assert_true(num(f, "status") == 404 && num(f, "duration") == 0.471 && num(f, "sc_win32_status") == 2);
  str_is(f, "client", "222.222.222.222");
  str_is(f, "cs_referrer", NULL); /* not a column any more */
  /* a line of the old columns no longer fits: its 11th value is no status */
  assert_int_equal(parse(f, "2002-05-24 20:18:01 172.224.24.114 - 206.73.118.24 80 GET /Default.htm - 200 7930 248 "
                            "31 Mozilla/4.0 http://64.224.24.114/"),
                   HR_BAD_STATUS);
  /* one value more than the columns */
  assert_int_equal(parse(f, "2013-06-24 10:56:45 192.168.0.1 POST /xas/ - 80 - 222.222.222.222 x 404 0 2 471 x"),
                   HR_BAD_SHAPE);
  /* the state is the directives in force; loaded into a new format it reads the same */
  char *st = format_state_save(f);
  assert_non_null(st);
  assert_non_null(strstr(st, "#Software: Microsoft Internet Information Services 6.0\n"));
  struct hr_format *g = make(0);
  format_state_load(g, st);
  assert_int_equal(parse(g, "2013-06-24 10:56:45 192.168.0.1 GET / - 80 - 10.0.0.1 x 200 0 0 15"), 0);
  assert_true(num(g, "duration") == 0.015); /* still IIS: milliseconds */
  free(st);
  format_reset(g);
  assert_int_equal(parse(g, "2013-06-24 10:56:45 192.168.0.1 GET / - 80 - 10.0.0.1 x 200 0 0 15"), HR_BAD_SHAPE);
  assert_null(format_state_save(g));
  format_free(g);
  format_free(f);
}

/* AWS's documented lines: tabs, time-taken in seconds, the URL-encoded
 * User-Agent decoded, x-host-header over cs(Host). */
static void test_cloudfront(void **state) {
  (void)state;
  struct hr_format *f = make(0);
  assert_true(format_field(f, "x_edge_result_type", 18) >= 0);
  assert_true(format_field(f, "cs_user_agent", 13) >= 0);
  assert_int_equal(parse(f, "#Version: 1.0"), HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f, "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem "
                            "sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type "
                            "x-edge-request-id x-host-header cs-protocol cs-bytes time-taken"),
                   HR_PARSE_DIRECTIVE);
  assert_int_equal(parse(f,
                         "2014-05-23\t01:13:12\tLAX1\t2390282\t192.0.2.202\tGET\td111111abcdef8.cloudfront.net\t"
                         "/soundtrack/happy.mp3\t304\twww.unknownsingers.com\tMozilla/4.0%20(compatible;%20MSIE%20"
                         "7.0;%20Windows%20NT%205.1)\ta=b&c=d\tzip=50158\tHit\txGN7KW==\texample.com\thttp\t-\t0.002"),
                   0);
  assert_int_equal(ev.ts_us, 1400807592000000);
  assert_true(num(f, "status") == 304);
  assert_true(num(f, "duration") == 0.002);
  assert_true(num(f, "bytes_sent") == 2390282);
  assert_true(num(f, "bytes_received") == NUL); /* "-" */
  str_is(f, "user_agent", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1)");
  str_is(f, "host", "example.com");
  str_is(f, "path", "/soundtrack/happy.mp3");
  str_is(f, "query", "a=b&c=d");
  str_is(f, "x_edge_result_type", "Hit");
  str_is(f, "cs_user_agent", "Mozilla/4.0%20(compatible;%20MSIE%207.0;%20Windows%20NT%205.1)");
  /* an empty value and a bad '%' sequence are kept as written */
  assert_int_equal(parse(f, "2014-05-23\t01:13:12\tLAX1\t1\t192.0.2.202\tGET\th\t/\t200\t-\t%zz%4\t\t-\tError\t"
                            "x\t-\thttps\t10\t1.5"),
                   0);
  str_is(f, "user_agent", "%zz%4");
  str_is(f, "host", "h");
  assert_true(num(f, "duration") == 1.5);
  format_free(f);
  /* durationUnit says milliseconds */
  f = make(0.001);
  parse(f, "#Fields: date time time-taken");
  assert_int_equal(parse(f, "2014-05-23 01:13:12 250"), 0);
  assert_true(num(f, "duration") == 0.25);
  format_free(f);
}

static void test_malformed(void **state) {
  (void)state;
  struct hr_format *f = make(0);
  assert_int_equal(parse(f, "#Fields: date time sc-status time-taken cs-uri-stem"), HR_PARSE_DIRECTIVE);
  static const struct {
    const char *line;
    int rc;
  } c[] = {
      {"2026-12-04 09:03:30 200 0.5 /", 0},
      {"2026-12-04 09:03:30.123 200 0.5 /", 0},
      {"2026-12-04 09:03:30 200 0.5", HR_BAD_SHAPE},
      {"2026-12-04 09:03:30 200 0.5 / extra", HR_BAD_SHAPE},
      {"2026-02-30 09:03:30 200 0.5 /", HR_BAD_TIME},
      {"2026-12-04 24:03:30 200 0.5 /", HR_BAD_TIME},
      {"2026-12-04 09:3:30 200 0.5 /", HR_BAD_TIME},
      {"2026-12-04 09:03:30 2000 0.5 /", HR_BAD_STATUS},
      {"2026-12-04 09:03:30 200 -0.5 /", HR_BAD_NUMBER},
      {"2026-12-04 09:03:30 200 abc /", HR_BAD_NUMBER},
      {"2026-12-04 09:03:30 - - /", 0}, /* no status, no duration: null */
      {"2026-12-04 09:03:30 200 0.5 \"/a b\"", 0},
      {"2026-12-04 09:03:30 200 0.5 \"/a b", HR_BAD_SHAPE},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    int rc = parse(f, c[i].line);
    if (rc != c[i].rc)
      fail_msg("case %zu: want %d, got %d: %s", i, c[i].rc, rc, c[i].line);
  }
  /* without a date column, #Date: gives the day */
  f = (format_free(f), make(0));
  parse(f, "#Date: 2026-12-04 00:00:00");
  parse(f, "#Fields: time sc-status");
  assert_int_equal(parse(f, "09:03:30 200"), 0);
  assert_int_equal(ev.ts_us, INT64_C(1796375010000000)); /* 2026-12-04T09:03:30Z */
  format_reset(f);
  parse(f, "#Fields: time sc-status");
  assert_int_equal(parse(f, "09:03:30 200"), HR_BAD_TIME); /* no day at all */
  format_free(f);
}

/* Reads a W3C file line by line as the reader does (directives counted apart). */
static void count_w3c(const char *path, int *ok, int *dir, int *bad, int *cls5, double *dur) {
  struct hr_format *f = make(0);
  FILE *fp = fopen(path, "r");
  assert_non_null(fp);
  char buf[HR_MAX_LINE + 2];
  *ok = *dir = *bad = *cls5 = 0;
  *dur = 0;
  while (fgets(buf, sizeof buf, fp) != NULL) {
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
      n--;
    if (n == 0)
      continue;
    char *line = malloc(n);
    memcpy(line, buf, n);
    int rc = format_parse(f, line, n, &ev);
    if (rc == HR_PARSE_DIRECTIVE) {
      (*dir)++;
    } else if (rc == 0) {
      (*ok)++;
      const struct hr_val *d = event_get(&ev, HR_F_DURATION), *s = event_get(&ev, HR_F_STATUS);
      *dur += d ? d->num : 0;
      *cls5 += s && s->num >= 500;
    } else {
      (*bad)++;
    }
    free(line);
  }
  fclose(fp);
  format_free(f);
}

static void test_sample_files(void **state) {
  (void)state;
  char path[1024];
  const char *root = getenv("HR_SOURCE_DIR");
  int ok, dir, bad, c5;
  double dur;
  snprintf(path, sizeof path, "%s/tests/data/formats/iis-doc.log", root ? root : ".");
  count_w3c(path, &ok, &dir, &bad, &c5, &dur);
  assert_int_equal(ok, 3);
  assert_int_equal(dir, 8);
  assert_int_equal(bad, 0);
  assert_true(dur > 0.533 - 1e-9 && dur < 0.533 + 1e-9); /* 31 + 471 + 31 ms */
  snprintf(path, sizeof path, "%s/tests/data/formats/cloudfront-doc.log", root ? root : ".");
  count_w3c(path, &ok, &dir, &bad, &c5, &dur);
  assert_int_equal(ok, 2);
  assert_int_equal(dir, 2);
  assert_int_equal(bad, 0);
  assert_true(dur > 0.003 - 1e-9 && dur < 0.003 + 1e-9);
}

/* The real files (coralogix-resources/logstash, ../shared/data/real/SOURCES.md). */
static void test_real_files(void **state) {
  (void)state;
  SKIP_WITHOUT_REAL_LOGS();
  char path[1024];
  int ok, dir, bad, c5;
  double dur;
  snprintf(path, sizeof path, "%s/data/real/coralogix-samples/iis_u_ex171118-sample.log", getenv("HR_SHARED_DIR"));
  count_w3c(path, &ok, &dir, &bad, &c5, &dur);
  assert_int_equal(ok + dir + bad, 146); /* the last line has no newline */
  assert_int_equal(dir, 4);
  assert_int_equal(bad, 0);
  assert_int_equal(ok, 142);
  print_message("iis: %d events, %d 5xx, time-taken sum %.3f s\n", ok, c5, dur);
  snprintf(path, sizeof path, "%s/data/real/coralogix-samples/cloudfront_logs.log", getenv("HR_SHARED_DIR"));
  count_w3c(path, &ok, &dir, &bad, &c5, &dur);
  assert_int_equal(dir, 8); /* four files, concatenated: #Version and #Fields each */
  assert_int_equal(bad, 0);
  assert_int_equal(ok, 34); /* and two blank lines */
  print_message("cloudfront: %d events, %d 5xx, time-taken sum %.3f s\n", ok, c5, dur);
  (void)real_count_file; /* W3C needs directives counted apart: count_w3c above */
  (void)own_count_file;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_iis),          cmocka_unit_test(test_cloudfront), cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_sample_files), cmocka_unit_test(test_real_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
