/* test_check.c -- what check knows before any log is read: the fields
 * each format can fill (format_fills()), and engine_check()'s verdicts on
 * configurations held in memory (the CLI cases are in tests/cli/check.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/format.h"
#include "engine/check.h"
#include "util/xmalloc.h"

#define B(id) ((uint64_t)1 << (id))

static uint64_t fills(enum hr_fmt_kind kind, const char *log_format) {
  struct hr_format_opts o = {.kind = kind, .log_format = log_format};
  struct hr_format *f = NULL;
  struct hr_err err = {0};
  if (format_new(&o, &f, &err) != HR_OK)
    fail_msg("%s: %s", log_format ? log_format : "(default)", err.msg);
  uint64_t m = format_fills(f);
  format_free(f);
  return m;
}

static void test_fills(void **state) {
  (void)state;
  const uint64_t request = B(HR_F_METHOD) | B(HR_F_PATH) | B(HR_F_QUERY) | B(HR_F_PROTOCOL) | B(HR_F_HOST);
  uint64_t m = fills(HR_FMT_NGINX, NULL); /* combined */
  uint64_t std = m & (B(HR_F_NSTD) - 1);
  assert_int_equal(std,
                   B(HR_F_TIME) | B(HR_F_STATUS) | request | B(HR_F_CLIENT) | B(HR_F_BYTES_SENT) | B(HR_F_USER_AGENT));
  assert_false(m & B(HR_F_DURATION));
  assert_false(m & B(HR_F_UPSTREAM_STATUS));
  m = fills(HR_FMT_NGINX, "$remote_addr [$time_local] \"$request\" $status $request_time $upstream_status");
  assert_true(m & B(HR_F_DURATION));
  assert_true(m & B(HR_F_UPSTREAM_STATUS));
  /* $upstream_response_time keeps its own name: no duration */
  m = fills(HR_FMT_NGINX, "[$time_local] $status $upstream_response_time");
  assert_false(m & B(HR_F_DURATION));
  assert_true(m >> HR_F_NSTD != 0); /* its own name */
  m = fills(HR_FMT_APACHE, NULL);
  assert_false(m & B(HR_F_DURATION));
  m = fills(HR_FMT_APACHE, "%h %t \"%r\" %>s %D");
  assert_true(m & B(HR_F_DURATION));
  assert_false(m & B(HR_F_UPSTREAM_STATUS));
  assert_int_equal(fills(HR_FMT_ALB, NULL), ~(uint64_t)0);
  assert_int_equal(fills(HR_FMT_JSONL, NULL), ~(uint64_t)0);
}

/* A source (%s: its connectionDetails) and an SLO whose good filter is %s. */
static const char conf[] = "apiVersion: openslo/v1\n"
                           "kind: DataSource\n"
                           "metadata: {name: src}\n"
                           "spec: {type: headroom.logs, connectionDetails: %s}\n"
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
                           "              filter: '%s'\n"
                           "  timeWindow: [{duration: 28d, isRolling: true}]\n"
                           "  objectives: [{target: 0.99}]\n";

static void dump(const struct hr_diag *d) {
  for (size_t k = 0; k < d->n; k++)
    print_message("  %s\n", d->msgs[k]);
}

static void test_engine_check(void **state) {
  (void)state;
  static const struct {
    const char *cd, *filter;
    size_t errors, warnings;
    const char *msg; /* a message, whole; NULL: none expected */
  } cases[] = {
      {"{format: alb}", "status < 500 && duration < 300ms", 0, 0, NULL},
      {"{format: nginx}", "status < 500", 0, 0, NULL},
      {"{format: nginx}", "duration < 300ms", 1, 0,
       "c.yaml:19:24: the good filter reads 'duration', which the default nginx format (combined) of DataSource 'src' "
       "never fills: add $request_time to the logFormat"},
      {"{format: nginx}", "status < 500 && bytes_received > 0 && bytes_received < 1000", 1, 0,
       "c.yaml:19:40: the good filter reads 'bytes_received', which the default nginx format (combined) of DataSource "
       "'src' never fills: add $request_length to the logFormat"},
      {"{format: nginx, logFormat: \"[$time_local] $status $upstream_response_time\"}", "duration < 1s", 1, 0,
       "c.yaml:19:24: the good filter reads 'duration', which the nginx logFormat of DataSource 'src' never fills: add "
       "$request_time to the logFormat ($upstream_response_time, the upstreams' share, is the field "
       "upstream_response_time)"},
      {"{format: nginx, logFormat: \"[$time_local] $status\"}", "stat < 500", 1, 0,
       "c.yaml:19:24: invalid good filter: unknown field 'stat' (did you mean 'status'?); this nginx logFormat gives: "
       "time, status; and by variable: time_local"},
      {"{format: jsonl, fields: {time: ts, status: code}}", "status < 500 && path =~ \"^/a\"", 0, 1,
       "c.yaml:19:40: warning: the good filter reads 'path', which DataSource 'src' (jsonl) does not map, so it is "
       "read from a top-level key \"path\": map the key that holds it (Traefik's is fields: {path: RequestPath}), or "
       "write fields: {path: path} if that is the key"},
      {"{format: jsonl, duration: {start: a, end: b}}", "duration < 1s && acked == true", 0, 0, NULL},
      {"{format: alb}", "path =~ \"^/(a+)+$\"", 0, 1, NULL},
      {"{format: iis}", "status <", 1, 0,
       "c.yaml:19:32: invalid good filter: unexpected end of expression, expected a "
       "field or a value"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *y = xasprintf(conf, cases[i].cd, cases[i].filter);
    struct hr_diag diag = {0};
    struct hr_config *c = NULL;
    enum hr_rc rc = config_load_mem("c.yaml", y, strlen(y), HR_CONFIG_KEEP, &c, &diag);
    assert_non_null(c);
    size_t load_errors = diag.n - diag.nwarn, w0 = diag.nwarn;
    assert_int_equal(rc == HR_OK, load_errors == 0);
    size_t n = engine_check(c, &diag);
    if (n != cases[i].errors || diag.nwarn - w0 != cases[i].warnings) {
      dump(&diag);
      fail_msg("case %zu (%s): %zu errors and %zu warnings, want %zu and %zu", i, cases[i].filter, n, diag.nwarn - w0,
               cases[i].errors, cases[i].warnings);
    }
    if (cases[i].msg != NULL) {
      int found = 0;
      for (size_t k = 0; k < diag.n; k++)
        found |= strcmp(diag.msgs[k], cases[i].msg) == 0;
      if (!found) {
        dump(&diag);
        fail_msg("case %zu: no message \"%s\"", i, cases[i].msg);
      }
    }
    config_free(c);
    diag_free(&diag);
    free(y);
  }
}

int main(void) {
  const struct CMUnitTest t[] = {cmocka_unit_test(test_fills), cmocka_unit_test(test_engine_check)};
  return cmocka_run_group_tests(t, NULL, NULL);
}
