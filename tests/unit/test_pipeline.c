/* test_pipeline.c -- the scan statistics of pipeline_event(): for each field
 * the filters read, the newest event (before the instant) in which it had a
 * value, kept per run of events with the same fields (pipeline.h), checked
 * against a plain per-event maximum over random lines: fields absent, "-"
 * (null), times out of order, events after the instant, stats merged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/format.h"
#include "ingest/pipeline.h"
#include "util/xmalloc.h"

/* $request_time "-" is a null duration; a user agent "-" a null one; a
 * method "-" leaves method absent (fmt_request()). */
static const char conf[] =
    "apiVersion: openslo/v1\n"
    "kind: DataSource\n"
    "metadata: {name: src}\n"
    "spec: {type: headroom.logs, connectionDetails: {format: nginx, logFormat: '[$time_local] \"$request\" $status "
    "$request_time \"$http_user_agent\"'}}\n"
    "---\n"
    "apiVersion: openslo/v1\n"
    "kind: SLO\n"
    "metadata: {name: s}\n"
    "spec:\n"
    "  service: web\n"
    "  indicator:\n"
    "    metadata: {name: s}\n"
    "    spec:\n"
    "      ratioMetric:\n"
    "        good:\n"
    "          metricSource:\n"
    "            metricSourceRef: src\n"
    "            spec:\n"
    "              filter: 'duration < 1s && method == \"GET\" && user_agent != \"x\"'\n"
    "  timeWindow: [{duration: 28d, isRolling: true}]\n"
    "  objectives: [{target: 0.99}]\n";

static void sink(void *ctx, size_t j, int64_t ts, int good) {
  (void)ctx;
  (void)j;
  (void)ts;
  (void)good;
}

static unsigned rnd(uint64_t *s, unsigned k) {
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)(*s >> 33) % k;
}

static void test_field_last(void **state) {
  (void)state;
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  assert_int_equal(config_load_mem("c.yaml", conf, strlen(conf), 0, &c, &diag), HR_OK);
  struct hr_pipeline *p = NULL;
  struct hr_err err = {0};
  assert_int_equal(pipeline_new(c, &p, &err), HR_OK);
  const int ids[3] = {HR_F_DURATION, HR_F_METHOD, HR_F_USER_AGENT};
  struct hr_event *ev = xmalloc(sizeof *ev);
  const int64_t at = INT64_C(1760000000000000) + INT64_C(900) * 1000000; /* 2025-10-09T08:48:20Z + 15 min */
  uint64_t seed = 7;
  for (int round = 0; round < 200; round++) {
    struct hr_scan_stats st[2];
    int64_t want[3] = {INT64_MIN, INT64_MIN, INT64_MIN};
    scan_stats_init(&st[0]);
    scan_stats_init(&st[1]);
    int nlines = 1 + (int)rnd(&seed, 60);
    for (int k = 0; k < nlines; k++) {
      int64_t s = 1760000000 + (int64_t)rnd(&seed, 1200); /* some after the instant */
      int rt = rnd(&seed, 3), ua = rnd(&seed, 3), m = rnd(&seed, 4);
      char ts[40], line[200];
      time_t tt = (time_t)s;
      struct tm tm;
      gmtime_r(&tt, &tm);
      strftime(ts, sizeof ts, "%d/%b/%Y:%H:%M:%S +0000", &tm);
      /* rt: 0 "-" (null), else a number; ua: 0 "-" (null); m: 0 "-" (absent) */
      int n = snprintf(line, sizeof line, "[%s] \"%s /a HTTP/1.1\" 200 %s \"%s\"", ts, m == 0 ? "-" : "GET",
                       rt == 0 ? "-" : "0.250", ua == 0 ? "-" : "curl/8");
      assert_int_equal(format_parse(p->src[0].fmt, line, (size_t)n, ev), 0);
      int half = k * 2 >= nlines; /* the second half into st[1], then merged */
      pipeline_event(p, 0, ev, line, (size_t)n, at, sink, NULL, &st[half]);
      int has[3] = {rt != 0, m != 0, ua != 0};
      for (int f = 0; f < 3; f++)
        if (has[f] && s * 1000000 < at && s * 1000000 > want[f])
          want[f] = s * 1000000;
    }
    scan_stats_merge(&st[0], &st[1], 0);
    for (int f = 0; f < 3; f++)
      if (scan_stats_field_last(&st[0], ids[f]) != want[f])
        fail_msg("round %d, field %d: %lld, want %lld", round, ids[f], (long long)scan_stats_field_last(&st[0], ids[f]),
                 (long long)want[f]);
    /* the store's batch reads the same */
    const char *names[HR_MAX_FIELDS];
    int64_t last[HR_MAX_FIELDS];
    struct hr_source_batch b;
    pipeline_source_batch(p, 0, &st[0], names, last, &b);
    assert_int_equal(b.nfields, 3);
    for (size_t i = 0; i < b.nfields; i++)
      for (int f = 0; f < 3; f++)
        if (strcmp(names[i], format_field_name(p->src[0].fmt, ids[f])) == 0)
          assert_int_equal(b.field_last_us[i], want[f]);
  }
  free(ev);
  pipeline_free(p);
  config_free(c);
  diag_free(&diag);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_field_last),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
