/* test_alert.c -- alert conditions at their boundaries, the state machine
 * with alertAfter, the defaults, and the replay used by backtest (it must
 * agree with slo_eval at every instant).
 *
 * Targets are chosen so the arithmetic is exact in binary floating point
 * (target 0.75: 1 - target = 0.25), and every expected value is computed by
 * hand next to it: burn = (bad / valid) / (1 - target);
 * tte = remaining * W / burn; remaining = 1 - bad_W / ((1 - target) * valid_W). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alert.h"

#define S INT64_C(1000000)
#define MIN (60 * S)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define T0 (1000 * DAY) /* evaluation instant of the tables */

static struct hr_slo mk_slo(double target, int64_t min_events) {
  struct hr_slo slo;
  memset(&slo, 0, sizeof slo);
  slo.name = "t";
  slo.target = target;
  slo.window.kind = HR_WIN_ROLLING;
  slo.window.length_us = 28 * DAY;
  slo.min_events = min_events;
  slo.thr = (struct hr_thresholds){0.7, 0.3, 0.0, 2, 5, 10, HOUR};
  static const int64_t lb[] = {5 * MIN, 30 * MIN, HOUR, 2 * HOUR, 6 * HOUR, DAY, 3 * DAY};
  memcpy(slo.lookbacks_us, lb, sizeof lb);
  slo.nlookbacks = 7;
  return slo;
}

struct pt {
  int64_t ago_us; /* event time = T0 - ago (0: at T0 itself) */
  uint32_t good, valid;
};

static void fill(struct hr_series *s, const struct hr_slo *slo, const struct pt *p, size_t n) {
  series_init(s, MIN, 0, slo_eval_span(slo, MIN));
  for (size_t i = 0; i < n && p[i].valid; i++)
    series_add(s, T0 - p[i].ago_us, p[i].good, p[i].valid);
}

static void eval(const struct hr_slo *slo, const struct hr_condition *c, const struct pt *p, size_t n,
                 struct hr_cond_result *r) {
  struct hr_series s;
  struct hr_slo_state st;
  fill(&s, slo, p, n);
  slo_eval(slo, NULL, &s, T0, &st);
  alert_cond_eval(slo, c, &s, &st, T0, 0, r);
  /* Without the state's burns (another instant), the series gives the same. */
  struct hr_cond_result r2;
  struct hr_slo_state st2 = st;
  st2.nburn = 0;
  alert_cond_eval(slo, c, &s, &st2, T0, 0, &r2);
  assert_int_equal(r2.active, r->active);
  assert_true(fabs(r2.value - r->value) < 1e-12 && fabs(r2.value2 - r->value2) < 1e-12);
  series_reset(&s);
}

#define NPT 4

static void test_burnrate_multiwindow(void **state) {
  (void)state;
  struct hr_condition c = {
      .name = "x", .severity = "page", .kind = HR_COND_BURNRATE, .factor = 2, .long_us = HOUR, .short_us = 5 * MIN};
  static const struct {
    const char *what;
    int64_t min_events;
    struct pt p[NPT];
    int active, low;
    double lng, shrt; /* hand-computed burns, target 0.75 */
  } cases[] = {
      /* (50+5)/110/0.25 = 2 and 5/10/0.25 = 2: exactly at the factor */
      {"exactly at", 1, {{30 * MIN, 50, 100}, {2 * MIN, 5, 10}}, 0, 0, 2.0, 2.0},
      /* (51+6)/110/0.25 = 2.0727..., 6/10/0.25 = 2.4 */
      {"just above", 1, {{30 * MIN, 49, 100}, {2 * MIN, 4, 10}}, 1, 0, 57.0 / 110 / 0.25, 2.4},
      /* long 60/110/0.25 = 2.1818, short 0 */
      {"long only", 1, {{30 * MIN, 40, 100}, {2 * MIN, 10, 10}}, 0, 0, 60.0 / 110 / 0.25, 0},
      /* long 10/110/0.25 = 0.3636, short 10/10/0.25 = 4 */
      {"short only", 1, {{30 * MIN, 100, 100}, {2 * MIN, 0, 10}}, 0, 0, 10.0 / 110 / 0.25, 4},
      {"empty windows", 1, {{0}}, 0, 1, 0, 0},
      /* the only events 3 minutes ago: both lookbacks reach before the first
       * event and count what there is: 10/10/0.25 = 4 */
      {"before first event", 1, {{3 * MIN, 0, 10}}, 1, 0, 4, 4},
      /* an event at T itself is outside [T - w, T) */
      {"event at T", 1, {{0, 0, 10}}, 0, 1, 0, 0},
      /* exactly T - 1h is inside the long lookback: 10/10/0.25 = 4; 1 min
       * ago: 4/8/0.25 = 2 (exactly at: short does not exceed) */
      {"edge of long", 1, {{HOUR, 0, 10}, {MIN, 4, 8}}, 0, 0, 14.0 / 18 / 0.25, 2},
      /* T - 1h - 1min is outside: long = short = 50/80/0.25 = 2.5 */
      {"outside long", 1, {{HOUR + MIN, 0, 1000}, {MIN, 30, 80}}, 1, 0, 2.5, 2.5},
      /* min_events 111: the long lookback has 110: low traffic, fires nothing */
      {"low traffic", 111, {{30 * MIN, 0, 100}, {2 * MIN, 0, 10}}, 0, 1, 4, 4},
      /* min_events 110: exactly 110 in the long lookback is enough; it does
       * not apply to the short lookback (10 events) */
      {"min events met", 110, {{30 * MIN, 0, 100}, {2 * MIN, 0, 10}}, 1, 0, 4, 4},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_slo slo = mk_slo(0.75, cases[i].min_events);
    struct hr_cond_result r;
    eval(&slo, &c, cases[i].p, NPT, &r);
    if (r.active != cases[i].active || r.low_traffic != cases[i].low || fabs(r.value - cases[i].lng) > 1e-12 ||
        fabs(r.value2 - cases[i].shrt) > 1e-12)
      fail_msg("%s: active %d low %d long %.17g short %.17g", cases[i].what, r.active, r.low_traffic, r.value,
               r.value2);
  }
}

/* The guard at 99.9 %: 2 req/min over the hour (120 valid, lambda 0.12).
 * 2 bad in the hour burn 16.7x and 1 of 10 in 5 minutes 100x, past 14.4x,
 * but P(Poisson(0.12) >= 2) = 0.0066 is not below 0.001: guarded; 3 bad
 * (0.00026) fire. At 100 req/min (6000, lambda 6) a burn of 14.5x (87 bad,
 * P ~ 6e-68) fires as without the guard. */
static void test_guard(void **state) {
  (void)state;
  struct hr_condition c = {
      .name = "p", .severity = "page", .kind = HR_COND_BURNRATE, .factor = 14.4, .long_us = HOUR, .short_us = 5 * MIN};
  static const struct {
    struct pt p[NPT];
    int active, guarded;
  } cases[] = {
      {{{30 * MIN, 109, 110}, {2 * MIN, 9, 10}}, 0, 1},
      {{{30 * MIN, 108, 110}, {2 * MIN, 9, 10}}, 1, 0},
      {{{30 * MIN, 5500 - 80, 5500}, {2 * MIN, 500 - 8, 500}}, 1, 0},
      {{{30 * MIN, 5500 - 78, 5500}, {2 * MIN, 500 - 8, 500}}, 0, 0}, /* 86 bad: 14.33x, below the factor */
  };
  struct hr_slo slo = mk_slo(0.999, 1);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_cond_result r;
    eval(&slo, &c, cases[i].p, NPT, &r);
    if (r.active != cases[i].active || r.guarded != cases[i].guarded)
      fail_msg("case %zu: active %d guarded %d (burn %g, %g)", i, r.active, r.guarded, r.value, r.value2);
  }
  /* Timeslices SLOs are not guarded. */
  slo.budgeting = HR_BUDGET_TIMESLICES;
  assert_int_equal(alert_guard(&slo, 118, 120), 1);
  slo.budgeting = HR_BUDGET_OCCURRENCES;
  assert_int_equal(alert_guard(&slo, 118, 120), 0);
  assert_int_equal(alert_guard(&slo, 117, 120), 1);
}

/* minEvents' hysteresis: a firing condition keeps holding down to half. */
static void test_min_events_hysteresis(void **state) {
  (void)state;
  struct hr_condition c = {
      .name = "x", .severity = "page", .kind = HR_COND_BURNRATE, .factor = 2, .long_us = HOUR, .short_us = 5 * MIN};
  struct hr_slo slo = mk_slo(0.75, 21);
  struct pt p[NPT] = {{30 * MIN, 0, 10}, {2 * MIN, 0, 5}}; /* 15 valid, all bad */
  struct hr_series s;
  struct hr_slo_state st;
  fill(&s, &slo, p, NPT);
  slo_eval(&slo, NULL, &s, T0, &st);
  struct hr_cond_result r;
  alert_cond_eval(&slo, &c, &s, &st, T0, 0, &r);
  assert_true(!r.active && r.low_traffic);
  alert_cond_eval(&slo, &c, &s, &st, T0, 1, &r); /* firing: 11 is enough */
  assert_true(r.active && !r.low_traffic);
  assert_int_equal(alert_min_events(&slo, 1), 11);
  assert_int_equal(alert_min_events(&slo, 0), 21);
  series_reset(&s);
}

/* Incidents: open and notify once, members join, a flap within the damping
 * period continues, the close after it resolves once; a ticket under an open
 * page is held and sent when the page closes if it still fires, and an
 * incident never notified closes silently. */
static void test_incident_step(void **state) {
  (void)state;
  const int64_t D = HR_DAMPING_US;
  struct hr_incident p = {0, 0, INT64_MIN}, t = {0, 0, INT64_MIN};
  assert_int_equal(incident_step(&p, 1, 0, 0, D), HR_TR_FIRING);
  assert_int_equal(incident_step(&t, 2, p.open, 0, D), HR_TR_NONE);            /* held */
  assert_int_equal(incident_step(&p, 2, 0, MIN, D), HR_TR_NONE);               /* a second page joins */
  assert_int_equal(incident_step(&p, 0, 0, 2 * MIN, D), HR_TR_NONE);           /* quiet... */
  assert_int_equal(incident_step(&p, 1, 0, 2 * MIN + D - MIN, D), HR_TR_NONE); /* ...fires again: continues */
  assert_int_equal(incident_step(&p, 0, 0, 3 * MIN + D, D), HR_TR_NONE);
  assert_int_equal(incident_step(&p, 0, 0, 3 * MIN + 2 * D - MIN, D), HR_TR_NONE);
  assert_int_equal(incident_step(&p, 0, 0, 3 * MIN + 2 * D, D), HR_TR_RESOLVED); /* closes once */
  assert_int_equal(incident_step(&p, 0, 0, 4 * MIN + 2 * D, D), HR_TR_NONE);
  assert_int_equal(incident_step(&t, 1, p.open, 3 * MIN + 2 * D, D), HR_TR_FIRING); /* the page closed */
  assert_int_equal(incident_step(&t, 1, 0, 4 * MIN + 2 * D, D), HR_TR_NONE);
  /* held throughout: nothing at its close */
  struct hr_incident p2 = {0, 0, INT64_MIN}, t2 = {0, 0, INT64_MIN};
  assert_int_equal(incident_step(&p2, 1, 0, 0, D), HR_TR_FIRING);
  assert_int_equal(incident_step(&t2, 1, p2.open, 0, D), HR_TR_NONE);
  assert_int_equal(incident_step(&t2, 0, p2.open, MIN, D), HR_TR_NONE);
  assert_int_equal(incident_step(&t2, 0, p2.open, MIN + D, D), HR_TR_NONE);
  assert_int_equal(t2.open, 0);
}

/* op: gte fires at the factor too (within the same 1e-9 tolerance), not
 * below it. */
static void test_burnrate_gte(void **state) {
  (void)state;
  struct hr_condition c = {.name = "x",
                           .severity = "page",
                           .kind = HR_COND_BURNRATE,
                           .factor = 2,
                           .at_factor = 1,
                           .long_us = HOUR,
                           .short_us = 5 * MIN};
  static const struct {
    const char *what;
    struct pt p[NPT];
    int active;
  } cases[] = {
      {"exactly at", {{30 * MIN, 50, 100}, {2 * MIN, 5, 10}}, 1},  /* 2 and 2 */
      {"just below", {{30 * MIN, 51, 100}, {2 * MIN, 5, 10}}, 0},  /* 54/110/0.25 = 1.96 */
      {"just above", {{30 * MIN, 49, 100}, {2 * MIN, 4, 10}}, 1},  /* 2.07 and 2.4 */
      {"short below", {{30 * MIN, 40, 100}, {2 * MIN, 6, 10}}, 0}, /* 2.1818 and 1.6 */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_slo slo = mk_slo(0.75, 1);
    struct hr_cond_result r;
    eval(&slo, &c, cases[i].p, NPT, &r);
    if (r.active != cases[i].active)
      fail_msg("gte %s: active %d long %.17g short %.17g", cases[i].what, r.active, r.value, r.value2);
  }
  /* the seed's 28 bad in 10,000 at 99.9 %: 2.800000000000022 is at 2.8 */
  struct hr_condition y = {.name = "y", .kind = HR_COND_BURNRATE, .factor = 2.8, .at_factor = 1, .long_us = HOUR};
  for (uint32_t bad = 27; bad <= 28; bad++) {
    struct hr_slo slo = mk_slo(0.999, 1);
    struct pt p[NPT] = {{20 * MIN, 10000 - bad, 10000}};
    struct hr_cond_result r;
    eval(&slo, &y, p, NPT, &r);
    assert_int_equal(r.active, bad == 28);
  }
}

/* The seed's yellow policy: burn_1h > 2.8 at 99.9 %, no short window. */
static void test_burnrate_seed_yellow(void **state) {
  (void)state;
  struct hr_condition c = {
      .name = "yellow-burn-1h", .severity = "page", .kind = HR_COND_BURNRATE, .factor = 2.8, .long_us = HOUR};
  static const struct {
    uint32_t bad;
    int active;
    double burn; /* python3: (1 - (10000 - bad) / 10000) / (1 - 0.999) */
  } cases[] = {
      {27, 0, 2.7},
      {28, 0, 2.800000000000022}, /* "exactly at": floating noise above 2.8 does not fire */
      {29, 1, 2.900000000000011},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_slo slo = mk_slo(0.999, 1);
    struct pt p[NPT] = {{20 * MIN, 10000 - cases[i].bad, 10000}};
    struct hr_cond_result r;
    eval(&slo, &c, p, NPT, &r);
    assert_int_equal(r.active, cases[i].active);
    assert_true(fabs(r.value - cases[i].burn) < 1e-9);
  }
}

static void test_exhaustion(void **state) {
  (void)state;
  /* Target 0.75, W = 28d. "7d": 300 good 10 days ago, 50 good + 50 bad in
   * the last 2h: remaining = 1 - 50 / (0.25 * 400) = 0.5, burn_2h =
   * (50/100)/0.25 = 2, tte = 0.5 * 28d / 2 = 7d = 604800 s; 50 bad where
   * the budget allows 25 passes the guard (P(Poisson(25) >= 50) < 1e-4). */
  static const struct {
    const char *what;
    int64_t horizon, min_events;
    struct pt p[NPT];
    int active, low, guarded;
    double tte_s;
  } cases[] = {
      {"exactly at the horizon", 7 * DAY, 1, {{10 * DAY, 300, 300}, {HOUR, 50, 100}}, 0, 0, 0, 604800},
      {"horizon one minute longer", 7 * DAY + MIN, 1, {{10 * DAY, 300, 300}, {HOUR, 50, 100}}, 1, 0, 0, 604800},
      {"horizon one minute shorter", 7 * DAY - MIN, 1, {{10 * DAY, 300, 300}, {HOUR, 50, 100}}, 0, 0, 0, 604800},
      /* the seed's red: 3d over 2h; remaining 1 - 50/25 < 0 with burn 2: exhausted, active */
      {"exhausted", 3 * DAY, 1, {{HOUR, 50, 100}}, 1, 0, 0, 0},
      /* remaining 0, burning at the budget's rate (25 bad, 25 allowed): the
       * spent budget makes it hold at any burn, the guard holds it back */
      {"exhausted, at the budget's rate", 3 * DAY, 1, {{HOUR, 75, 100}}, 0, 0, 1, 0},
      /* 21d at burn 1 within a 28d horizon: holds, but guarded the same way */
      {"within the horizon at the budget's rate",
       28 * DAY,
       1,
       {{10 * DAY, 300, 300}, {HOUR, 75, 100}},
       0,
       0,
       1,
       1814400},
      /* overspent by older events (remaining 1 - 50/(0.25*200) = 0), no burn now: never */
      {"burn 0", 3 * DAY, 1, {{10 * DAY, 50, 100}, {HOUR, 100, 100}}, 0, 0, 0, -1},
      {"no data", 3 * DAY, 1, {{0}}, 0, 1, 0, -1},
      /* the lookback (2h) does not see the event 3h ago: burn 0, low traffic */
      {"outside the lookback", 3 * DAY, 1, {{3 * HOUR, 0, 100}}, 0, 1, 0, -1},
      /* min_events 200, 100 in the lookback: low traffic even though exhausted */
      {"low traffic", 3 * DAY, 200, {{HOUR, 50, 100}}, 0, 1, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_condition c = {.name = "red",
                             .severity = "page",
                             .kind = HR_COND_EXHAUSTION,
                             .long_us = 2 * HOUR,
                             .horizon_us = cases[i].horizon};
    struct hr_slo slo = mk_slo(0.75, cases[i].min_events);
    struct hr_cond_result r;
    eval(&slo, &c, cases[i].p, NPT, &r);
    if (r.active != cases[i].active || r.low_traffic != cases[i].low || r.guarded != cases[i].guarded ||
        fabs(r.value - cases[i].tte_s) > 1e-6)
      fail_msg("%s: active %d low %d guarded %d tte %.17g", cases[i].what, r.active, r.low_traffic, r.guarded, r.value);
  }
}

/* An incident's damping: the longest of its members' (default 30m each). */
static void test_damping(void **state) {
  (void)state;
  struct hr_condition page = {.name = "p", .severity = "page"}, crit = {.name = "c", .severity = "critical"},
                      ticket = {.name = "t", .severity = "ticket"};
  const struct hr_condition *conds[] = {&page, &crit, &ticket};
  assert_int_equal(alert_damping(conds, 3, 1), HR_DAMPING_US);
  assert_int_equal(alert_damping(conds, 3, 0), HR_DAMPING_US);
  page.damping_us = 2 * HOUR;   /* one page member's policy says 2h: the page incident waits 2h */
  ticket.damping_us = 10 * MIN; /* a ticket policy's 10m: shorter than the default */
  assert_int_equal(alert_damping(conds, 3, 1), 2 * HOUR);
  assert_int_equal(alert_damping(conds, 3, 0), 10 * MIN);
  crit.damping_us = 3 * HOUR;
  assert_int_equal(alert_damping(conds, 3, 1), 3 * HOUR);
  assert_int_equal(alert_damping(conds, 0, 1), HR_DAMPING_US); /* no member */
}

static void test_budget(void **state) {
  (void)state;
  struct hr_condition c = {.name = "b", .severity = "ticket", .kind = HR_COND_BUDGET, .level = 0.25};
  static const struct {
    struct pt p[NPT];
    int active;
    double rem; /* 1 - bad / (0.25 * 400) */
  } cases[] = {
      {{{5 * DAY, 325, 400}}, 0, 0.25}, /* exactly at the level */
      {{{5 * DAY, 324, 400}}, 1, 0.24},
      {{{5 * DAY, 400, 400}}, 0, 1.0},
      {{{0}}, 0, 1.0}, /* no data: low traffic, nothing fires */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_slo slo = mk_slo(0.75, 1);
    struct hr_cond_result r;
    eval(&slo, &c, cases[i].p, NPT, &r);
    assert_int_equal(r.active, cases[i].active);
    assert_true(fabs(r.value - cases[i].rem) < 1e-12);
  }
}

static void test_state_machine(void **state) {
  (void)state;
  static const struct {
    int64_t after_min;
    const char *active; /* one flag per minute */
    const char *states; /* i p f r per minute after the step */
    const char *trans;  /* . F R per minute */
  } cases[] = {
      {0, "1100110", "ffrrffr", "F.R.F.R"}, {2, "11011100", "ppippfrr", ".....FR."}, /* pending 3..5: held 2 min at 5 */
      {2, "1010101", "pipipip", "......."},                                          /* flapping never fires */
      {1, "0110", "ipfr", "..FR"},          {3, "111111", "pppfff", "...F.."},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_alert a = {HR_AL_INACTIVE, 0, INT64_MIN, INT64_MIN};
    int64_t last_fired = INT64_MIN, last_res = INT64_MIN;
    for (size_t m = 0; cases[i].active[m]; m++) {
      int64_t t = T0 + (int64_t)m * MIN;
      enum hr_transition tr = alert_step(&a, cases[i].active[m] == '1', t, cases[i].after_min * MIN);
      char want_s = cases[i].states[m], want_t = cases[i].trans[m];
      char got_s = "ipfr"[a.state], got_t = ".FR"[tr];
      if (got_s != want_s || got_t != want_t)
        fail_msg("case %zu minute %zu: state %c transition %c, want %c %c", i, m, got_s, got_t, want_s, want_t);
      if (tr == HR_TR_FIRING) {
        last_fired = t;
        assert_int_equal(a.resolved_at_us, INT64_MIN);
      }
      if (tr == HR_TR_RESOLVED)
        last_res = t;
      assert_true(a.fired_at_us == last_fired);
      if (a.state == HR_AL_RESOLVED)
        assert_true(a.resolved_at_us == last_res);
    }
  }
  /* Stepping twice at the same minute changes nothing the second time. */
  struct hr_alert a = {HR_AL_INACTIVE, 0, INT64_MIN, INT64_MIN};
  assert_int_equal(alert_step(&a, 1, T0, 0), HR_TR_FIRING);
  assert_int_equal(alert_step(&a, 1, T0, 0), HR_TR_NONE);
  assert_int_equal(alert_step(&a, 0, T0 + MIN, 0), HR_TR_RESOLVED);
  assert_int_equal(alert_step(&a, 0, T0 + MIN, 0), HR_TR_NONE);
  assert_int_equal(a.since_us, T0 + MIN);
}

static void test_defaults_and_names(void **state) {
  (void)state;
  size_t n;
  const struct hr_condition *d = alert_default_conditions(&n);
  static const struct {
    const char *name, *sev;
    double f;
    int64_t l, s;
  } want[] = {{"page-1h-5m", "page", 14.4, HOUR, 5 * MIN},
              {"page-6h-30m", "page", 6, 6 * HOUR, 30 * MIN},
              {"ticket-1d-2h", "ticket", 3, DAY, 2 * HOUR},
              {"ticket-3d-6h", "ticket", 1, 3 * DAY, 6 * HOUR}};
  assert_int_equal(n, 5);
  /* the fifth: a dead log pages after 5 minutes */
  assert_true(strcmp(d[4].name, "nodata") == 0 && strcmp(d[4].severity, "page") == 0);
  assert_true(d[4].kind == HR_COND_NODATA && d[4].alert_after_us == 5 * MIN);
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(d[i].name, want[i].name);
    assert_string_equal(d[i].severity, want[i].sev);
    assert_true(d[i].kind == HR_COND_BURNRATE && d[i].factor == want[i].f);
    assert_true(d[i].long_us == want[i].l && d[i].short_us == want[i].s && d[i].alert_after_us == 0);
  }
  struct hr_slo slo = mk_slo(0.999, 1);
  const struct hr_condition *out[8];
  assert_int_equal(alert_conditions(&slo, out, 8), 5);
  assert_ptr_equal(out[0], &d[0]);
  assert_int_equal(alert_conditions(&slo, out, 2), 5); /* count, though only 2 written */
  struct hr_condition pc[3] = {{.name = "a"}, {.name = "b"}, {.name = "c"}};
  struct hr_alert_policy p1 = {.name = "p1", .conds = pc, .nconds = 2},
                         p2 = {.name = "p2", .conds = pc + 2, .nconds = 1};
  struct hr_alert_policy *pols[2] = {&p1, &p2};
  slo.policies = pols;
  slo.npolicies = 2;
  assert_int_equal(alert_conditions(&slo, out, 8), 3);
  assert_ptr_equal(out[2], &pc[2]);
  static const char *names[] = {"inactive", "pending", "firing", "resolved"};
  for (int i = 0; i < 4; i++) {
    assert_string_equal(alert_state_name((enum hr_alert_state)i), names[i]);
    assert_int_equal(alert_state_from_name(names[i]), i);
  }
  assert_int_equal(alert_state_from_name("bogus"), -1);
  assert_int_equal(alert_state_from_name(NULL), -1);
}

/* The replay (backtest) gives slo_eval's figures at every minute; and
 * slo_burn_at the same burns. Pseudo-random counts (fixed LCG). */
static void test_replay_agrees(void **state) {
  (void)state;
  for (int budgeting = 0; budgeting < 2; budgeting++) {
    struct hr_slo slo = mk_slo(0.99, 3);
    slo.window.length_us = 2 * DAY;
    if (budgeting) {
      slo.budgeting = HR_BUDGET_TIMESLICES;
      slo.slice_us = 5 * MIN;
      slo.slice_target = 0.9;
    }
    struct hr_series s;
    series_init(&s, MIN, 0, slo_eval_span(&slo, MIN) + 3 * 1440);
    uint32_t x = 12345;
    int64_t start = T0 - 6 * DAY;
    for (int64_t t = start; t < T0; t += MIN) {
      x = x * 1103515245u + 12345u;
      uint32_t v = (x >> 16) % 7;
      x = x * 1103515245u + 12345u;
      uint32_t bad = ((x >> 16) % 50) == 0 ? v : (x >> 16) % 2 && v ? 1 : 0;
      if (v)
        series_add(&s, t + 7 * S, v - bad, v);
    }
    int64_t from = T0 - 2 * DAY, to = T0;
    struct hr_slo_replay *r = slo_replay_new(&slo, NULL, &s, NULL, from, to);
    for (int64_t t = from; t <= to; t += 37 * MIN) {
      struct hr_slo_state a, b;
      slo_eval(&slo, NULL, &s, t, &a);
      slo_replay_at(r, t, &b);
      assert_true(a.good == b.good && a.valid == b.valid && a.has_sli == b.has_sli);
      assert_true(fabs(a.budget_remaining - b.budget_remaining) < 1e-12);
      assert_true(fabs(a.burn_status - b.burn_status) < 1e-12 && a.has_tte == b.has_tte &&
                  fabs(a.tte_s - b.tte_s) < 1e-6);
      assert_true(a.window_us == b.window_us && a.good_slices == b.good_slices && a.total_slices == b.total_slices);
      assert_int_equal(a.nburn, b.nburn);
      for (size_t i = 0; i < a.nburn; i++) {
        assert_true(fabs(a.burn[i].rate - b.burn[i].rate) < 1e-12 && a.burn[i].valid == b.burn[i].valid);
        assert_true(a.burn[i].low_traffic == b.burn[i].low_traffic);
        uint64_t g, v;
        double one = slo_burn_at(&slo, &s, t, a.burn[i].lookback_us, &g, &v);
        assert_true(fabs(one - a.burn[i].rate) < 1e-12 && v == a.burn[i].valid && g == a.burn[i].good);
      }
      if (!a.latched)
        assert_int_equal(a.status, b.status);
    }
    slo_replay_free(r);
    series_reset(&s);
  }
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_burnrate_multiwindow),
      cmocka_unit_test(test_burnrate_gte),
      cmocka_unit_test(test_guard),
      cmocka_unit_test(test_min_events_hysteresis),
      cmocka_unit_test(test_incident_step),
      cmocka_unit_test(test_burnrate_seed_yellow),
      cmocka_unit_test(test_exhaustion),
      cmocka_unit_test(test_damping),
      cmocka_unit_test(test_budget),
      cmocka_unit_test(test_state_machine),
      cmocka_unit_test(test_defaults_and_names),
      cmocka_unit_test(test_replay_agrees),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
