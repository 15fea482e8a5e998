/* test_gate.c -- the release gate's decision table (core/gate.h): every
 * status x risk of SPEC §1's default policy, the deciding SLO, the red latch
 * message, no data, and the policy text parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/gate.h"

#define HOUR_US INT64_C(3600000000)

static struct hr_slo mk_slo(const char *name, double target) {
  struct hr_slo s;
  memset(&s, 0, sizeof s);
  s.name = (char *)name;
  s.service = (char *)"svc";
  s.target = target;
  s.thr.burn_lookback_us = HOUR_US;
  return s;
}

static struct hr_slo_state mk_st(enum hr_status status, double remaining, double burn) {
  struct hr_slo_state st;
  memset(&st, 0, sizeof st);
  st.status = status;
  st.has_sli = status != HR_ST_NODATA;
  st.data = status == HR_ST_NODATA ? HR_DATA_NONE : HR_DATA_OK;
  st.budget_remaining = status == HR_ST_NODATA ? 1.0 : remaining;
  st.burn_status = burn;
  st.nburn = 1;
  st.burn[0].lookback_us = HOUR_US;
  st.burn[0].rate = burn;
  st.burn[0].valid = 100;
  return st;
}

static void assert_contains(const char *hay, const char *needle) {
  if (strstr(hay, needle) == NULL)
    fail_msg("expected \"%s\" in \"%s\"", needle, hay);
}

/* The default table (docs/cli/gate.md): green all; yellow fix+low; orange
 * fix; red fix; nodata fix+low (missing data is not good news). */
static void test_default_table(void **state) {
  (void)state;
  static const struct {
    enum hr_status st;
    int allow[HR_NRISKS]; /* fix, low, normal, high */
  } rows[] = {
      {HR_ST_GREEN, {1, 1, 1, 1}}, {HR_ST_YELLOW, {1, 1, 0, 0}}, {HR_ST_ORANGE, {1, 0, 0, 0}},
      {HR_ST_RED, {1, 0, 0, 0}},   {HR_ST_NODATA, {1, 1, 0, 0}},
  };
  struct hr_gate_policy p;
  gate_policy_default(&p);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    for (int r = 0; r < HR_NRISKS; r++) {
      struct hr_slo slo = mk_slo("a", 0.999);
      struct hr_slo_state st = mk_st(rows[i].st, 0.5, 0.5);
      struct hr_gate_slo g = {&slo, &st, NULL};
      struct hr_gate_decision d;
      gate_decide(&p, "svc", (enum hr_risk)r, &g, 1, &d);
      if (d.allow != rows[i].allow[r])
        fail_msg("%s x %s: allow %d, want %d (%s)", status_name(rows[i].st), risk_name((enum hr_risk)r), d.allow,
                 rows[i].allow[r], d.reason);
      assert_int_equal(d.deciding, 0);
      assert_contains(d.reason, "SLO a is ");
      assert_contains(d.reason, status_name(rows[i].st));
    }
}

/* The latched red names what lifts the freeze, with the SLI and burn now:
 * SLI 0.9985 -> "99.850%", target 0.999 -> "99.900%", burn 0.5 -> "0.50x". */
static void test_latch_message(void **state) {
  (void)state;
  struct hr_gate_policy p;
  gate_policy_default(&p);
  struct hr_slo slo = mk_slo("matching-availability", 0.999);
  struct hr_slo_state st = mk_st(HR_ST_RED, -0.5, 0.5);
  st.latched = 1;
  st.sli = 0.9985;
  struct hr_gate_slo g = {&slo, &st, NULL};
  struct hr_gate_decision d;
  gate_decide(&p, "core-matching", HR_RISK_NORMAL, &g, 1, &d);
  assert_int_equal(d.allow, 0);
  assert_int_equal(d.deciding, 0);
  assert_string_equal(
      d.reason, "SLO matching-availability is red (latched): budget 50.0% overspent, 1h burn 0.50x; red allows fix "
                "only, not a normal change. The freeze lifts once the SLI over the window (now 99.850%) is back "
                "at >= the target 99.900% and the 1h burn rate (now 0.50x) is below 1");
  /* A fix still ships through the freeze. */
  gate_decide(&p, "core-matching", HR_RISK_FIX, &g, 1, &d);
  assert_int_equal(d.allow, 1);
  assert_contains(d.reason, "every SLO of core-matching allows a fix change");
  assert_contains(d.reason, "red (latched)");
}

static void test_nodata(void **state) {
  (void)state;
  struct hr_gate_policy p;
  gate_policy_default(&p);
  struct hr_slo a = mk_slo("a", 0.99), b = mk_slo("b", 0.99);
  struct hr_slo_state sa = mk_st(HR_ST_GREEN, 0.9, 0.1), sb = mk_st(HR_ST_NODATA, 0, 0);
  struct hr_gate_slo g[2] = {{&a, &sa, NULL}, {&b, &sb, NULL}};
  struct hr_gate_decision d;
  gate_decide(&p, "svc", HR_RISK_HIGH, g, 2, &d);
  assert_int_equal(d.allow, 0); /* no data is not good news: like yellow */
  assert_int_equal(d.deciding, 1);
  assert_string_equal(d.reason, "SLO b is nodata, its data none: the gate cannot judge it; nodata allows fix and low, "
                                "not a high change");
  gate_decide(&p, "svc", HR_RISK_LOW, g, 2, &d);
  assert_int_equal(d.allow, 1);
  /* Green figures on stale data: judged by the nodata row too, the reason
   * naming the problem. */
  sb = mk_st(HR_ST_GREEN, 0.95, 0.1);
  sb.data = HR_DATA_STALE;
  g[1].data_reason = "the newest event of logs is 3h 0m old (staleAfter 1h)";
  gate_decide(&p, "svc", HR_RISK_NORMAL, g, 2, &d);
  assert_int_equal(d.allow, 0);
  assert_int_equal(d.deciding, 1);
  assert_string_equal(d.reason, "SLO b is green, its data stale: the newest event of logs is 3h 0m old (staleAfter "
                                "1h): budget left 95.0%, 1h burn 0.10x; data that is stale is judged as no data, which "
                                "allows fix and low, not a normal change");
  /* A policy may say otherwise: no data allows everything again. */
  const char *all = "{nodata: [all]}";
  char msg0[128];
  assert_int_equal(gate_policy_parse(all, strlen(all), &p, msg0, sizeof msg0), 0);
  gate_decide(&p, "svc", HR_RISK_HIGH, g, 2, &d);
  assert_int_equal(d.allow, 1);
  sb = mk_st(HR_ST_NODATA, 0, 0);
  g[1].data_reason = NULL;
  /* ... or block it further. */
  const char *txt = "{nodata: [fix]}";
  char msg[128];
  assert_int_equal(gate_policy_parse(txt, strlen(txt), &p, msg, sizeof msg), 0);
  gate_decide(&p, "svc", HR_RISK_LOW, g, 2, &d);
  assert_int_equal(d.allow, 0);
  assert_int_equal(d.deciding, 1);
}

/* The deciding SLO: the worst of those that deny (status first, then least
 * budget left, then highest burn), else the worst of all. */
static void test_deciding(void **state) {
  (void)state;
  struct hr_gate_policy p;
  gate_policy_default(&p);
  struct hr_slo s[5] = {mk_slo("g", 0.99), mk_slo("y", 0.99), mk_slo("o1", 0.99), mk_slo("o2", 0.99),
                        mk_slo("o3", 0.99)};
  struct hr_slo_state st[5] = {mk_st(HR_ST_GREEN, 0.9, 0.0), mk_st(HR_ST_YELLOW, 0.5, 0.0),
                               mk_st(HR_ST_ORANGE, 0.2, 1.0), mk_st(HR_ST_ORANGE, 0.1, 1.0),
                               mk_st(HR_ST_ORANGE, 0.1, 6.0)};
  struct hr_gate_slo g[5];
  for (int i = 0; i < 5; i++)
    g[i] = (struct hr_gate_slo){&s[i], &st[i], NULL};
  struct hr_gate_decision d;
  static const struct {
    size_t n;
    enum hr_risk risk;
    int allow;
    long deciding;
  } cases[] = {
      {5, HR_RISK_HIGH, 0, 4},   /* o3: orange, 10% left like o2 but burning 6x */
      {4, HR_RISK_NORMAL, 0, 3}, /* o2: orange with the least budget */
      {4, HR_RISK_FIX, 1, 3},    /* all allow fix: the worst is named */
      {2, HR_RISK_NORMAL, 0, 1}, /* g + y: yellow denies normal */
      {2, HR_RISK_LOW, 1, 1},    /* ... allows low */
      {1, HR_RISK_HIGH, 1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gate_decide(&p, "svc", cases[i].risk, g, cases[i].n, &d);
    assert_int_equal(d.allow, cases[i].allow);
    assert_int_equal(d.deciding, cases[i].deciding);
  }
  /* Red beats orange even with more budget left (a latched red). */
  st[0] = mk_st(HR_ST_RED, 0.5, 0.0);
  st[0].latched = 1;
  gate_decide(&p, "svc", HR_RISK_LOW, g, 5, &d);
  assert_int_equal(d.deciding, 0);
  /* Nothing to judge. */
  gate_decide(&p, "svc", HR_RISK_HIGH, g, 0, &d);
  assert_int_equal(d.allow, 1);
  assert_int_equal(d.deciding, -1);
}

static void test_burn_text(void **state) {
  (void)state;
  struct hr_gate_policy p;
  gate_policy_default(&p);
  struct hr_slo slo = mk_slo("lat", 0.99);
  struct hr_slo_state st = mk_st(HR_ST_YELLOW, 0.4567, 2.5);
  struct hr_gate_slo g = {&slo, &st, NULL};
  struct hr_gate_decision d;
  gate_decide(&p, "svc", HR_RISK_NORMAL, &g, 1, &d);
  assert_string_equal(d.reason, "SLO lat is yellow: budget left 45.7%, 1h burn 2.50x; yellow allows fix and low, not "
                                "a normal change");
  st.burn[0].low_traffic = 1;
  slo.thr.burn_lookback_us = 2 * HOUR_US; /* the status lookback is configurable: no 2h entry, so no low traffic */
  gate_decide(&p, "svc", HR_RISK_NORMAL, &g, 1, &d);
  assert_contains(d.reason, "2h burn 2.50x");
  slo.thr.burn_lookback_us = HOUR_US;
  gate_decide(&p, "svc", HR_RISK_NORMAL, &g, 1, &d);
  assert_contains(d.reason, "1h burn: low traffic");
}

static void test_policy_parse(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int rc;
    unsigned allow[HR_NSTATUS]; /* nodata green yellow orange red; bits fix=1 low=2 normal=4 high=8 */
    const char *msg;
  } cases[] = {
      {"{green: [fix, low, normal, high], yellow: [fix, low], orange: [fix], red: [fix]}", 0, {3, 15, 3, 1, 1}, ""},
      {"{yellow: [fix, low, normal]}", 0, {3, 15, 7, 1, 1}, ""}, /* others keep the default */
      {"{\"red\": [], \"orange\": [\"fix\", \"low\"]}", 0, {3, 15, 3, 3, 0}, ""},
      {" { green : [ all ] , nodata: ['fix'] } ", 0, {1, 15, 3, 1, 1}, ""},
      {"{}", 0, {3, 15, 3, 1, 1}, ""},
      {"{purple: [fix]}", -1, {0}, "unknown status 'purple'"},
      {"{red: [hotfix]}", -1, {0}, "red: unknown risk class 'hotfix'"},
      {"{red: [fix], red: []}", -1, {0}, "status 'red' named twice"},
      {"{red: fix}", -1, {0}, "red: expected ': ['"},
      {"{red: [fix}", -1, {0}, "red: expected ',' or ']'"},
      {"{red: [fix]} x", -1, {0}, "unexpected text after"},
      {"[fix]", -1, {0}, "expected a mapping"},
      {"{red: [fix] yellow: [fix]}", -1, {0}, "expected ',' or '}' after the list of red"},
      {"", -1, {0}, "expected a mapping"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_gate_policy p, before;
    gate_policy_default(&p);
    before = p;
    char msg[200] = "";
    int rc = gate_policy_parse(cases[i].text, strlen(cases[i].text), &p, msg, sizeof msg);
    if (rc != cases[i].rc)
      fail_msg("case %zu '%s': rc %d (%s)", i, cases[i].text, rc, msg);
    if (rc == 0) {
      for (int s = 0; s < HR_NSTATUS; s++)
        if (p.allow[s] != cases[i].allow[s])
          fail_msg("case %zu: %s = %u, want %u", i, status_name((enum hr_status)s), p.allow[s], cases[i].allow[s]);
    } else {
      assert_contains(msg, cases[i].msg);
      assert_memory_equal(&p, &before, sizeof p); /* unchanged on failure */
    }
  }
  /* The release risk limit. */
  {
    struct hr_gate_policy p;
    gate_policy_default(&p);
    assert_true(p.max_p_exhaust[HR_RISK_HIGH] < 0 && p.risk_horizon_us == 24 * HOUR_US);
    const char *t = "{red: [], max_p_exhaust: {normal: 0.3, high: .05}, risk_horizon: 6h}";
    char msg[200] = "";
    assert_int_equal(gate_policy_parse(t, strlen(t), &p, msg, sizeof msg), 0);
    assert_true(p.max_p_exhaust[HR_RISK_NORMAL] == 0.3 && p.max_p_exhaust[HR_RISK_HIGH] == 0.05);
    assert_true(p.max_p_exhaust[HR_RISK_FIX] < 0 && p.max_p_exhaust[HR_RISK_LOW] < 0);
    assert_int_equal(p.risk_horizon_us, 6 * HOUR_US);
    assert_int_equal(p.allow[HR_ST_RED], 0);
    static const struct {
      const char *text, *msg;
    } bad[] = {
        {"{max_p_exhaust: {normal: 1.5}}", "normal: expected a share from 0 to 1"},
        {"{max_p_exhaust: {normal: 30%}}", "normal: expected a share from 0 to 1"},
        {"{max_p_exhaust: {big: 0.1}}", "max_p_exhaust: expected a risk class"},
        {"{max_p_exhaust: 0.3}", "max_p_exhaust: expected ': {'"},
        {"{risk_horizon: soon}", "risk_horizon: expected a duration"},
        {"{risk_horizon: 10s}", "risk_horizon: expected a duration of at least a minute"},
        {"{risk_horizon: 6h red: []}", "expected ',' or '}' after risk_horizon"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      struct hr_gate_policy q, before;
      gate_policy_default(&q);
      before = q;
      if (gate_policy_parse(bad[i].text, strlen(bad[i].text), &q, msg, sizeof msg) != -1)
        fail_msg("'%s' parsed", bad[i].text);
      assert_contains(msg, bad[i].msg);
      assert_memory_equal(&q, &before, sizeof q);
    }
  }
  /* Not NUL-terminated: only n bytes are read. */
  const char buf[] = {'{', 'r', 'e', 'd', ':', '[', ']', '}', 'X'};
  struct hr_gate_policy p;
  gate_policy_default(&p);
  char msg[64];
  assert_int_equal(gate_policy_parse(buf, 8, &p, msg, sizeof msg), 0);
  assert_int_equal(p.allow[HR_ST_RED], 0);
}

static void test_names(void **state) {
  (void)state;
  static const struct {
    unsigned allow;
    const char *text;
  } cases[] = {{1, "fix only"},  {3, "fix and low"}, {7, "fix, low and normal"}, {15, "all changes"},
               {0, "no change"}, {8, "high only"},   {9, "fix and high"},        {14, "low, normal and high"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[64];
    assert_string_equal(gate_allowed_text(cases[i].allow, buf, sizeof buf), cases[i].text);
  }
  enum hr_risk r;
  assert_int_equal(risk_parse("high", &r), 0);
  assert_int_equal(r, HR_RISK_HIGH);
  assert_int_equal(risk_parse("fix", &r), 0);
  assert_int_equal(r, HR_RISK_FIX);
  assert_int_equal(risk_parse("HIGH", &r), -1);
  assert_int_equal(risk_parse("", &r), -1);
  assert_int_equal(risk_parse(NULL, &r), -1);
  assert_string_equal(risk_name(HR_RISK_NORMAL), "normal");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_table), cmocka_unit_test(test_latch_message), cmocka_unit_test(test_nodata),
      cmocka_unit_test(test_deciding),      cmocka_unit_test(test_burn_text),     cmocka_unit_test(test_policy_parse),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
