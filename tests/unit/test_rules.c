/* test_rules.c -- the Prometheus rule generator (out/rules.h): durations,
 * counter-delta expressions for PromQL queries, and the rules of small
 * configurations (log source, Prometheus source, policies, k8s, Sloth). The
 * figures the rules compute are proved by promtool (tests/promtool/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "render/rules.h"
#include "util/xmalloc.h"

static void test_duration(void **state) {
  (void)state;
  static const struct {
    int64_t s;
    const char *want;
  } cases[] = {{0, "0s"},          {-5, "0s"},           {1, "1s"},        {60, "1m"},
               {299, "4m59s"},     {300, "5m"},          {3600, "1h"},     {5400, "1h30m"},
               {86400, "1d"},      {86399, "23h59m59s"}, {2419200, "28d"}, {2419199, "27d23h59m59s"},
               {90061, "1d1h1m1s"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[32];
    assert_string_equal(promql_duration(cases[i].s, buf), cases[i].want);
  }
}

/* Prometheus's model.Duration.String() (Sloth's window names): y and w
 * only when exact. */
static void test_model_duration(void **state) {
  (void)state;
  static const struct {
    int64_t s;
    const char *want;
  } cases[] = {{0, "0s"},        {300, "5m"},      {3600, "1h"},       {5400, "1h30m"},   {86400, "1d"},
               {259200, "3d"},   {604800, "1w"},   {1209600, "2w"},    {2419200, "4w"},   {2592000, "30d"},
               {7776000, "90d"}, {31536000, "1y"}, {31622400, "366d"}, {2419201, "28d1s"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[32];
    assert_string_equal(promql_model_duration(cases[i].s, buf), cases[i].want);
  }
}

static void test_counter_delta(void **state) {
  (void)state;
  static const struct {
    const char *q;
    const char *sel; /* the selector the delta is taken of; NULL: not a counter selector */
  } cases[] = {
      {"http_requests_total", "http_requests_total"},
      {"  http_requests_total{job=\"api\"} ", "http_requests_total{job=\"api\"}"},
      {"{__name__=\"x\",code=~\"5..\"}", "{__name__=\"x\",code=~\"5..\"}"},
      {"sum(http_requests_total{code!~\"5..\"})", "http_requests_total{code!~\"5..\"}"},
      {"sum by (code) (x{a=\"}\"})", "x{a=\"}\"}"},
      {"sum without(instance)(x)", "x"},
      {"sum(x) by (job)", "x"},
      {"sum(rate(x[5m]))", NULL},
      {"rate(x[5m])", NULL},
      {"sum(x) + 0", NULL},
      {"x / y", NULL},
      {"sum(x{a=\"1\"", NULL},
      {"x offset 5m", NULL},
      {"sum", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *d = promql_counter_delta(cases[i].q, 60, 0);
    if (cases[i].sel == NULL) {
      if (d != NULL)
        fail_msg("%s: expected no delta, got %s", cases[i].q, d);
      continue;
    }
    assert_non_null(d);
    const char *s = cases[i].sel;
    /* each end is the series' last sample in a 5m range: a failed scrape's
     * staleness marker does not hide it */
    char *want = xasprintf("(last_over_time(%s[5m]) - last_over_time(%s[5m] offset 1m) >= 0) or "
                           "(last_over_time(%s[5m]) < last_over_time(%s[5m] offset 1m))",
                           s, s, s, s);
    assert_string_equal(d, want);
    free(want);
    free(d);
    /* read behind the evaluation: both ends move back by the delay */
    d = promql_counter_delta(cases[i].q, 60, 30);
    want = xasprintf("(last_over_time(%s[5m] offset 30s) - last_over_time(%s[5m] offset 1m30s) >= 0) or "
                     "(last_over_time(%s[5m] offset 30s) < last_over_time(%s[5m] offset 1m30s))",
                     s, s, s, s);
    assert_string_equal(d, want);
    free(want);
    free(d);
  }
}

static const char logs_conf[] = "apiVersion: openslo/v1\n"
                                "kind: DataSource\n"
                                "metadata: {name: web}\n"
                                "spec: {type: headroom.logs, connectionDetails: {format: nginx}}\n"
                                "---\n"
                                "apiVersion: openslo/v1\n"
                                "kind: SLO\n"
                                "metadata: {name: avail}\n"
                                "spec:\n"
                                "  service: shop\n"
                                "  indicator:\n"
                                "    metadata: {name: avail}\n"
                                "    spec:\n"
                                "      ratioMetric:\n"
                                "        bad: {metricSource: {metricSourceRef: web, spec: {filter: 'status >= 500'}}}\n"
                                "  timeWindow: [{duration: 28d, isRolling: true}]\n"
                                "  objectives: [{target: 0.999}]\n";

static struct hr_config *load(const char *yaml) {
  struct hr_config *c = NULL;
  struct hr_diag d = {0};
  if (config_load_mem("mem.yaml", yaml, strlen(yaml), 0, &c, &d) != HR_OK) {
    for (size_t i = 0; i < d.n; i++)
      fprintf(stderr, "%s\n", d.msgs[i]);
    fail_msg("config did not load");
  }
  diag_free(&d);
  return c;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

static void test_logs_source(void **state) {
  (void)state;
  struct hr_config *c = load(logs_conf);
  struct hr_rules_opts o = {.origin = "mem.yaml", .delay_s = HR_RULES_DEFAULT_DELAY_S};
  struct hr_err err = {0};
  char *r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_non_null(strstr(r, "\ngroups:\n  - name: 'headroom-avail'\n    interval: 1m\n    rules:\n"));
  assert_non_null(strstr(r, "# read 1m behind the evaluation time"));
  /* the agents' counters, per series with resets, summed across instances,
   * read 1m behind the evaluation (a scrape in flight at the evaluation is
   * committed by then); a bad SLI of a log source still reads good_total */
  assert_non_null(strstr(r, "expr: 'sum by (service, slo) ((last_over_time(headroom_slo_valid_total{service=\"shop\","
                            "slo=\"avail\"}[5m] offset 1m) - last_over_time(headroom_slo_valid_total{service=\"shop\","
                            "slo=\"avail\"}[5m] offset 2m) >= 0) or (last_over_time(headroom_slo_valid_total{service="
                            "\"shop\",slo=\"avail\"}[5m] offset 1m) < last_over_time(headroom_slo_valid_total{service="
                            "\"shop\",slo=\"avail\"}[5m] offset 2m)))'"));
  assert_non_null(strstr(r, "record: headroom_slo:good:delta1m"));
  assert_null(strstr(r, "headroom_slo:bad:"));
  /* the window: 28 days of per-minute deltas, (T - 28d, T] */
  assert_non_null(
      strstr(r, "sum_over_time(headroom_slo:valid:delta1m{service=\"shop\",slo=\"avail\"}[27d23h59m59s])'\n"
                "        labels:\n          service: 'shop'\n          slo: 'avail'\n          window: '28d'\n"));
  /* default lookbacks + the window, for valid and good, and burn rates */
  assert_int_equal(count(r, "record: headroom_slo:valid:increase\n"), 8);
  assert_int_equal(count(r, "record: headroom_slo:good:increase\n"), 8);
  assert_int_equal(count(r, "record: headroom_slo:burn_rate:ratio\n"), 8);
  assert_non_null(strstr(r, "expr: 'vector(0.999)'"));
  assert_non_null(strstr(r, "expr: 'vector(2419200)'"));
  assert_non_null(
      strstr(r, "record: headroom_slo:budget_remaining:ratio\n        expr: '1 - "
                "(headroom_slo:valid:increase{service=\"shop\",slo=\"avail\",window=\"28d\"} - "
                "headroom_slo:good:increase{service=\"shop\",slo=\"avail\",window=\"28d\"}) / "
                "(headroom_slo:valid:increase{service=\"shop\",slo=\"avail\",window=\"28d\"} > 0) / (1 - 0.999)'"));
  assert_non_null(strstr(r, "expr: '(headroom_slo:valid:increase{service=\"shop\",slo=\"avail\",window=\"5m\"} - "
                            "headroom_slo:good:increase{service=\"shop\",slo=\"avail\",window=\"5m\"}) / "
                            "clamp_min(headroom_slo:valid:increase{service=\"shop\",slo=\"avail\",window=\"5m\"}, 1) / "
                            "(1 - 0.999)'"));
  /* the four default conditions */
  assert_int_equal(count(r, "- alert: SLOBurnRate\n"), 4);
  assert_non_null(strstr(r,
                         "expr: 'headroom_slo:burn_rate:ratio{service=\"shop\",slo=\"avail\",window=\"1h\"} > 14.4 and "
                         "on (service, slo) headroom_slo:burn_rate:ratio{service=\"shop\",slo=\"avail\",window=\"5m\"} "
                         "> 14.4'"));
  assert_non_null(strstr(r, "condition: 'ticket-3d-6h'"));
  assert_non_null(strstr(r, "gone in 1d22h40m")); /* 28d / 14.4 */
  /* and the fifth, a page when no valid event was recorded (alertAfter 5m) */
  assert_int_equal(count(r, "- alert: SLONoData\n"), 1);
  assert_int_equal(count(r, "for: 5m\n"), 1);
  /* every alerting rule keeps firing for serve's damping (30m) */
  assert_int_equal(count(r, "        keep_firing_for: 30m\n"), 5);
  assert_null(strstr(r, "slo:sli_error"));
  free(r);

  /* Sloth's names on request */
  o.sloth_compat = 1;
  r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_int_equal(count(r, "record: slo:sli_error:ratio_rate"), 8);
  assert_non_null(strstr(r, "record: slo:sli_error:ratio_rate5m\n"));
  /* Sloth names a 28d window as Prometheus's Go code does: 4w (label too),
   * over headroom's own 28d series */
  assert_non_null(strstr(r, "record: slo:sli_error:ratio_rate4w\n"));
  assert_null(strstr(r, "ratio_rate28d"));
  assert_non_null(strstr(r, "sloth_window: '4w'\n"));
  assert_non_null(strstr(r, "record: slo:sli_error:ratio_rate4w\n        expr: "
                            "'(headroom_slo:valid:increase{service=\"shop\",slo=\"avail\",window=\"28d\"}"));
  assert_non_null(strstr(r, "record: slo:sli_error:ratio_rate3d\n"));
  assert_non_null(strstr(r, "sloth_id: 'shop-avail'\n"));
  assert_non_null(strstr(r, "sloth_window: '30m'\n"));
  assert_non_null(strstr(r, "record: slo:error_budget:ratio\n        expr: 'vector(1 - 0.999)'"));
  assert_non_null(strstr(r, "record: slo:time_period:days\n        expr: 'vector(28)'"));
  assert_non_null(strstr(r, "record: slo:period_error_budget_remaining:ratio\n"));
  assert_non_null(strstr(r, "record: sloth_slo_info\n"));
  assert_non_null(
      strstr(r, "    sloth_slo: 'avail'\n          sloth_objective: '99.9'\n          sloth_mode: 'cli-gen-prom'\n"
                "          sloth_spec: 'prometheus/v1'\n"));
  free(r);

  /* k8s: the same groups inside a PrometheusRule */
  o.sloth_compat = 0;
  o.format = HR_RULES_K8S;
  r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_non_null(strstr(r, "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"));
  assert_non_null(strstr(r, "spec:\n  groups:\n    - name: 'headroom-avail'\n      interval: 1m\n      rules:\n"
                            "        - record: headroom_slo:valid:delta1m\n"));
  free(r);
  config_free(c);
}

static const char prom_conf[] =
    "apiVersion: openslo/v1\n"
    "kind: DataSource\n"
    "metadata: {name: prom}\n"
    "spec: {type: prometheus, connectionDetails: {url: 'http://127.0.0.1:9090'}}\n"
    "---\n"
    "apiVersion: openslo/v1\n"
    "kind: AlertPolicy\n"
    "metadata: {name: p}\n"
    "spec:\n"
    "  conditions:\n"
    "    - kind: AlertCondition\n"
    "      metadata: {name: fast, annotations: {headroom.dev/short-window: 10m}}\n"
    "      spec: {severity: page, condition: {kind: burnrate, op: gt, threshold: 10, lookbackWindow: 90m, alertAfter: "
    "2m}}\n"
    "    - kind: AlertCondition\n"
    "      metadata: {name: soon}\n"
    "      spec: {severity: page, condition: {kind: headroom.dev/exhaustion, threshold: 3d, lookbackWindow: 2h}}\n"
    "    - kind: AlertCondition\n"
    "      metadata: {name: low}\n"
    "      spec: {severity: ticket, condition: {kind: headroom.dev/budget, threshold: 0.25}}\n"
    "---\n"
    "apiVersion: openslo/v1\n"
    "kind: SLO\n"
    "metadata:\n"
    "  name: lat\n"
    "  annotations: {headroom.dev/min-events: '20'}\n"
    "spec:\n"
    "  service: api\n"
    "  indicator:\n"
    "    metadata: {name: lat}\n"
    "    spec:\n"
    "      ratioMetric:\n"
    "        good: {metricSource: {metricSourceRef: prom, spec: {query: 'sum(rate(x_bucket{le=\"0.5\"}[5m]))'}}}\n"
    "        total: {metricSource: {metricSourceRef: prom, spec: {query: 'sum by (code) (x_count)'}}}\n"
    "  timeWindow: [{duration: 7d, isRolling: true}]\n"
    "  objectives: [{target: 0.95}]\n"
    "  alertPolicies: [{alertPolicyRef: p}]\n";

static void test_prom_source(void **state) {
  (void)state;
  struct hr_config *c = load(prom_conf);
  struct hr_rules_opts o = {0};
  struct hr_err err = {0};
  char *r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_non_null(strstr(r, "record: headroom_slo:valid:delta1m\n        expr: 'sum((last_over_time(x_count[5m]) - "
                            "last_over_time(x_count[5m] offset 1m) >= 0) or (last_over_time(x_count[5m]) < "
                            "last_over_time(x_count[5m] offset 1m)))'"));
  /* not a counter selector: its value is recorded, then differenced */
  assert_non_null(
      strstr(r, "record: headroom_slo:good:value\n        expr: 'sum(sum(rate(x_bucket{le=\"0.5\"}[5m])))'"));
  assert_non_null(
      strstr(r, "record: headroom_slo:good:delta1m\n        expr: 'sum((last_over_time(headroom_slo:good:value{"
                "service=\"api\",slo=\"lat\"}[5m]) - "));
  /* lookbacks of the condition are recorded: 90m and 10m */
  assert_non_null(strstr(r, "[1h29m59s]"));
  assert_non_null(strstr(r, "window: '1h30m'"));
  assert_non_null(strstr(r, "window: '10m'"));
  assert_non_null(strstr(r, "window: '7d'"));
  /* no default conditions: the policy's three */
  assert_int_equal(count(r, "- alert: "), 3);
  assert_non_null(
      strstr(r, "window=\"1h30m\"} > 10 and on (service, slo) headroom_slo:burn_rate:ratio{service=\"api\","
                "slo=\"lat\",window=\"10m\"} > 10 and on (service, slo) headroom_slo:valid:increase{service="
                "\"api\",slo=\"lat\",window=\"1h30m\"} >= 20'\n        for: 2m\n")); /* minEvents: the long lookback */
  assert_non_null(
      strstr(r, "- alert: SLOBudgetExhaustion\n        expr: '(headroom_slo:budget_remaining:ratio{service="
                "\"api\",slo=\"lat\"} * 604800 / on (service, slo) (headroom_slo:burn_rate:ratio{service=\"api\","
                "slo=\"lat\",window=\"2h\"} > 0) < 259200 or (headroom_slo:budget_remaining:ratio{service="
                "\"api\",slo=\"lat\"} <= 0) * 0) and on (service, slo) headroom_slo:valid:increase{service="
                "\"api\",slo=\"lat\",window=\"2h\"} >= 20'"));
  assert_non_null(strstr(r, "- alert: SLOBudgetLow\n        expr: 'headroom_slo:budget_remaining:ratio{service=\"api\","
                            "slo=\"lat\"} < 0.25'"));
  assert_non_null(strstr(r, "(alert below 25%)"));
  free(r);

  /* a 30s interval read 30s behind: the selector's delta and the recorded
   * value's move back together, so good and total cover the same minutes */
  o.interval_s = 30;
  o.delay_s = 30;
  r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_non_null(strstr(r, "    interval: 30s\n"));
  assert_non_null(
      strstr(r, "expr: 'sum((last_over_time(x_count[5m] offset 30s) - last_over_time(x_count[5m] offset 1m) "
                ">= 0) or (last_over_time(x_count[5m] offset 30s) < last_over_time(x_count[5m] offset 1m)))'"));
  assert_non_null(strstr(r,
                         "expr: 'sum((last_over_time(headroom_slo:good:value{service=\"api\",slo=\"lat\"}[5m] offset "
                         "30s) - last_over_time(headroom_slo:good:value{service=\"api\",slo=\"lat\"}[5m] offset 1m) "
                         ">= 0) or "));
  assert_non_null(strstr(r, "[1h29m59s]"));
  free(r);

  /* an interval that does not divide a window is refused, naming both */
  o.interval_s = 7 * 60;
  o.delay_s = 7 * 60;
  assert_null(rules_render(c, &o, &err));
  assert_int_equal(err.rc, HR_ERR_CONFIG);
  assert_non_null(strstr(err.msg, "SLO 'lat': its 5m window is not a whole number of 7m rule intervals"));
  o.interval_s = 1;
  assert_null(rules_render(c, &o, &err));
  assert_int_equal(err.rc, HR_ERR_USAGE);
  /* a delay between two evaluations would miss the recorded samples */
  o.interval_s = 30;
  o.delay_s = 45;
  assert_null(rules_render(c, &o, &err));
  assert_int_equal(err.rc, HR_ERR_USAGE);
  assert_non_null(strstr(err.msg, "the delay must be a whole number of rule intervals (30s), got 45s"));
  o.interval_s = 0;
  o.delay_s = 0;
  config_free(c);

  /* a Prometheus SLI without a total query cannot be expressed */
  static const char no_total[] = "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: prom}\n"
                                 "spec: {type: prometheus, connectionDetails: {url: 'http://p:9090'}}\n---\n"
                                 "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: s\n"
                                 "  indicator:\n    metadata: {name: a}\n    spec:\n      ratioMetric:\n"
                                 "        good: {metricSource: {metricSourceRef: prom, spec: {query: 'ok_total'}}}\n"
                                 "  timeWindow: [{duration: 28d, isRolling: true}]\n  objectives: [{target: 0.99}]\n";
  c = load(no_total);
  assert_null(rules_render(c, &o, &err));
  assert_int_equal(err.rc, HR_ERR_CONFIG);
  assert_non_null(strstr(err.msg, "SLO 'a': a Prometheus SLI needs a total query"));
  config_free(c);
}

/* op: gte is parsed and becomes >= in the alert rule (gt stays >). */
static void test_gte(void **state) {
  (void)state;
  char *yaml = xstrdup(prom_conf);
  char *op = strstr(yaml, "op: gt,");
  assert_non_null(op);
  char *g = xasprintf("%.*sop: gte,%s", (int)(op - yaml), yaml, op + strlen("op: gt,"));
  struct hr_config *c = load(g);
  assert_int_equal(c->slos[0].policies[0]->conds[0].at_factor, 1);
  struct hr_rules_opts o = {0};
  struct hr_err err = {0};
  char *r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_non_null(strstr(r,
                         "window=\"1h30m\"} >= 10 and on (service, slo) headroom_slo:burn_rate:ratio{service=\"api\","
                         "slo=\"lat\",window=\"10m\"} >= 10"));
  free(r);
  config_free(c);
  free(g);
  free(yaml);
}

/* Names with quotes are escaped for PromQL and YAML. */
static void test_escaping(void **state) {
  (void)state;
  static const char conf[] = "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: web}\n"
                             "spec: {type: headroom.logs, connectionDetails: {format: nginx}}\n---\n"
                             "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n"
                             "  service: \"it's \\\"x\\\"\"\n"
                             "  indicator:\n    metadata: {name: a}\n    spec:\n      ratioMetric:\n"
                             "        good: {metricSource: {spec: {filter: 'status < 500'}}}\n"
                             "  timeWindow: [{duration: 30d, isRolling: true}]\n  objectives: [{target: 0.99}]\n";
  struct hr_config *c = load(conf);
  struct hr_rules_opts o = {0};
  struct hr_err err = {0};
  char *r = rules_render(c, &o, &err);
  assert_non_null(r);
  assert_non_null(strstr(r, "service: 'it''s \"x\"'\n"));
  assert_non_null(strstr(r, "headroom_slo_valid_total{service=\"it''s \\\"x\\\"\",slo=\"a\"}"));
  free(r);
  config_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_duration),    cmocka_unit_test(test_model_duration), cmocka_unit_test(test_counter_delta),
      cmocka_unit_test(test_logs_source), cmocka_unit_test(test_prom_source),    cmocka_unit_test(test_gte),
      cmocka_unit_test(test_escaping),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
