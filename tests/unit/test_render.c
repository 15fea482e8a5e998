/* test_render.c -- the renderers (src/render/) of a report built by hand:
 * the text table (overspent budgets in words, burning now apart from the
 * status), the JSON members, the gate limited to its service, /metrics, and
 * the HTML report's data (no "</script" can close it early). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/jw.h"
#include "render/gate.h"
#include "render/html.h"
#include "render/metrics.h"
#include "render/report.h"
#include "util/xmalloc.h"

#define S INT64_C(1000000)

static struct hr_slo slos[2];
static struct hr_report rep;

/* Two SLOs at 2026-10-21T13:00:00Z: "pay" of service "shop", exhausted
 * (101.5 % overspent, 40m 56s) and burning at 302x over 1h against a 2.8x
 * page; "home" of service "web", green and quiet. */
static int setup(void **state) {
  (void)state;
  slos[0] = (struct hr_slo){.name = "pay", .service = "shop", .target = 0.999};
  slos[1] = (struct hr_slo){.name = "home", .service = "web</script>", .target = 0.99};
  memset(&rep, 0, sizeof rep);
  rep.at_us = INT64_C(1792587600) * S;
  rep.nslos = 2;
  rep.slos = xcalloc(2, sizeof *rep.slos);
  static const int64_t lb[2] = {3600 * S, 7200 * S};
  for (int i = 0; i < 2; i++) {
    struct hr_report_slo *rs = &rep.slos[i];
    rs->slo = &slos[i];
    rs->st.at_us = rep.at_us;
    rs->st.window_us = 28 * 86400 * S;
    rs->st.window_start_us = rep.at_us - rs->st.window_us;
    rs->st.has_sli = 1;
    rs->st.nburn = 2;
    for (int k = 0; k < 2; k++)
      rs->st.burn[k] =
          (struct hr_burn){.lookback_us = lb[k], .rate = i == 0 ? 302.33 / (k + 1) : 0.5, .good = 90, .valid = 100};
  }
  struct hr_report_slo *pay = &rep.slos[0];
  pay->st.valid = 100000;
  pay->st.good = 99798;
  pay->st.sli = 0.99798;
  pay->st.budget_remaining = -1.015;
  pay->st.budget_s = 2419.2;
  pay->st.budget_remaining_s = -2456.0; /* 40m 56s overspent */
  pay->st.has_tte = 1;
  pay->st.tte_s = 0;
  pay->st.status = HR_ST_RED;
  pay->now = (struct hr_burn_now){
      .level = HR_BURN_FAST, .rate = 302.33, .threshold = 2.8, .lookback_us = 3600 * S, .condition = "yellow-burn-1h"};
  struct hr_report_slo *home = &rep.slos[1];
  home->st.valid = 1000;
  home->st.good = 999;
  home->st.sli = 0.999;
  home->st.budget_remaining = 0.9;
  home->st.budget_s = 24192;
  home->st.budget_remaining_s = 21772.8;
  home->st.status = HR_ST_GREEN;
  home->now = (struct hr_burn_now){
      .level = HR_BURN_OK, .rate = 0.5, .threshold = 14.4, .lookback_us = 3600 * S, .condition = "page-1h-5m"};
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(rep.slos);
  return 0;
}

/* Render with fn into a string (caller frees). */
#define RENDER(buf, call)                                                                                              \
  do {                                                                                                                 \
    size_t len_ = 0;                                                                                                   \
    FILE *f = open_memstream(&(buf), &len_);                                                                           \
    call;                                                                                                              \
    fclose(f);                                                                                                         \
  } while (0)

static void test_text(void **state) {
  (void)state;
  char *out = NULL;
  RENDER(out, report_text(f, &rep, NULL, 0, 0));
  assert_non_null(strstr(out, "headroom report at 2026-10-21T13:00:00Z"));
  assert_non_null(strstr(out, "BURNING NOW"));
  const char *row = strstr(out, "\nRED ");
  assert_non_null(row);
  assert_non_null(strstr(row, "101.5% overspent (40m 56s)"));
  assert_non_null(strstr(row, "BURNING 302x>2.8x"));
  assert_null(strstr(out, "(-40m")); /* never a negative duration */
  const char *green = strstr(out, "\nGREEN ");
  assert_non_null(green);
  assert_non_null(strstr(green, "90.0% (6h 2m)"));
  assert_non_null(strstr(green, " ok "));
  free(out);
  char buf[64];
  /* The one wording of the budget (the gate's reason and the dashboard's too). */
  assert_string_equal(budget_pct_text(-1.015, buf, sizeof buf), "101.5% overspent");
  assert_string_equal(budget_pct_text(0.447, buf, sizeof buf), "44.7%");
  assert_string_equal(budget_pct_text(0, buf, sizeof buf), "0.0%");
}

static void test_json(void **state) {
  (void)state;
  char *out = NULL;
  RENDER(out, report_json(f, &rep));
  assert_non_null(strstr(out, "\"burning_now\": {\n        \"level\": \"burning\",\n        \"burn_rate\": 302.33,\n"
                              "        \"threshold\": 2.8,\n        \"lookback\": \"1h\",\n"
                              "        \"condition\": \"yellow-burn-1h\""));
  assert_non_null(strstr(out, "\"budget_remaining\": -1.015"));
  free(out);
  /* The gate: the report's keys for the service's SLOs only. */
  struct hr_gate_result g = {.risk = HR_RISK_NORMAL};
  gate_policy_default(&g.policy);
  size_t idx[1] = {0};
  g.idx = idx;
  g.n = 1;
  g.deciding = &rep.slos[0];
  g.d.allow = 0;
  snprintf(g.d.reason, sizeof g.d.reason, "SLO pay is red");
  RENDER(out, gate_json(f, &rep, "shop", &g));
  assert_non_null(strstr(out, "\"name\": \"pay\""));
  assert_null(strstr(out, "\"name\": \"home\""));
  assert_non_null(strstr(out, "\"decision\": \"deny\""));
  assert_non_null(strstr(out, "\"deciding_slo\": \"pay\""));
  free(out);
}

static void test_metrics(void **state) {
  (void)state;
  uint64_t good[2] = {7, 8}, valid[2] = {9, 10};
  char *out = NULL;
  RENDER(out, metrics_slo_families(f, &rep, good, valid));
  assert_non_null(strstr(out, "headroom_slo_valid_total{service=\"shop\",slo=\"pay\"} 9\n"));
  assert_non_null(strstr(out, "headroom_slo_budget_remaining_ratio{service=\"shop\",slo=\"pay\"} -1.015\n"));
  assert_non_null(strstr(out, "headroom_slo_burn_rate{service=\"shop\",slo=\"pay\",window=\"1h\"} 302.33\n"));
  assert_non_null(strstr(out, "headroom_slo_status{service=\"shop\",slo=\"pay\",status=\"red\"} 1\n"));
  assert_non_null(strstr(out, "headroom_slo_burning{service=\"shop\",slo=\"pay\",level=\"burning\"} 1\n"));
  assert_non_null(strstr(out, "headroom_slo_burning{service=\"shop\",slo=\"pay\",level=\"ok\"} 0\n"));
  assert_non_null(strstr(out, "headroom_slo_burning{service=\"web</script>\",slo=\"home\",level=\"ok\"} 1\n"));
  free(out);
}

static void test_html(void **state) {
  (void)state;
  char *out = NULL;
  RENDER(out, report_html(f, &rep, NULL, NULL));
  const char *data = strstr(out, "window.HEADROOM_DATA = ");
  if (data == NULL) { /* a build without the dashboard files says so */
    assert_non_null(strstr(out, "this build has no dashboard"));
    free(out);
    return;
  }
  const char *end = strstr(data, "</script>");
  assert_non_null(end);
  /* The service name's "</script>" is written \u003c/script>, so the first
   * closing tag after the data is the data script's own. */
  assert_non_null(strstr(data, "web\\u003c/script>"));
  assert_true(strstr(data, "\"burning_now\"") < end);
  assert_true(strstr(data, "window.HEADROOM_DATA.details = {}") < end);
  free(out);
}

/* Invalid UTF-8 never makes invalid JSON: each bad byte is U+FFFD. */
static void test_jw_utf8(void **state) {
  (void)state;
  char *out = NULL;
  RENDER(out, jw_escape(f,
                        "a\xff"
                        "b\xc3\xa9"
                        "c\xed\xa0\x80"
                        "d",
                        10));
  assert_string_equal(out, "\"a\\ufffdb\xc3\xa9"
                           "c\\ufffd\\ufffd\\ufffdd\"");
  free(out);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_text), cmocka_unit_test(test_json),    cmocka_unit_test(test_metrics),
      cmocka_unit_test(test_html), cmocka_unit_test(test_jw_utf8),
  };
  return cmocka_run_group_tests(t, setup, teardown);
}
