/* test_slo_eval.c -- the SPEC §1 math (slo_eval.h).
 *
 * Expected values are computed by hand or with python3 on the side; the
 * formula is written next to each. Series and SLOs are built by hand; T is
 * always passed in. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/zone.h"
#include "core/slo_eval.h"

#define S INT64_C(1000000)
#define MIN (60 * S)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static void near(double got, double want, double tol, const char *what) {
  if (!(fabs(got - want) <= tol)) {
    print_error("%s: got %.17g want %.17g\n", what, got, want);
    fail();
  }
}

static struct hr_slo mk_slo(double target, int64_t w_us) {
  struct hr_slo slo;
  memset(&slo, 0, sizeof slo);
  slo.name = "t";
  slo.target = target;
  slo.window.kind = HR_WIN_ROLLING;
  slo.window.length_us = w_us;
  slo.min_events = 1;
  slo.thr = (struct hr_thresholds){0.7, 0.3, 0.0, 2, 5, 10, HOUR};
  static const int64_t lb[] = {5 * MIN, 30 * MIN, HOUR, 2 * HOUR, 6 * HOUR, DAY, 3 * DAY};
  memcpy(slo.lookbacks_us, lb, sizeof lb);
  slo.nlookbacks = 7;
  return slo;
}

static void check_finite(const struct hr_slo_state *st) {
  assert_true(isfinite(st->sli));
  assert_true(isfinite(st->budget_remaining));
  assert_true(isfinite(st->budget_s));
  assert_true(isfinite(st->budget_remaining_s));
  assert_true(isfinite(st->burn_status));
  assert_true(isfinite(st->tte_s));
  for (size_t i = 0; i < st->nburn; i++)
    assert_true(isfinite(st->burn[i].rate));
}

static const struct hr_burn *burn_of(const struct hr_slo_state *st, int64_t lb) {
  for (size_t i = 0; i < st->nburn; i++)
    if (st->burn[i].lookback_us == lb)
      return &st->burn[i];
  fail_msg("no lookback %lld", (long long)lb);
  return NULL;
}

/* Budget as time: (1 - target) * W. Worked values of SPEC §1. */
static void test_budget_time(void **state) {
  (void)state;
  static const struct {
    int64_t w_us;
    double target, minutes; /* python3: (1 - t) * W / 60 */
  } cases[] = {
      {30 * DAY, 0.999, 43.2}, {30 * DAY, 0.9995, 21.6}, {30 * DAY, 0.9999, 4.32},
      {30 * DAY, 0.99, 432},   {30 * DAY, 0.98, 864},    {28 * DAY, 0.999, 40.32},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_slo slo = mk_slo(cases[i].target, cases[i].w_us);
    struct hr_series s;
    series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
    int64_t T = 1000 * DAY;
    series_add(&s, T - 2 * HOUR, 1000, 1000); /* data, all good: remaining 1 */
    struct hr_slo_state st;
    slo_eval(&slo, NULL, &s, T, &st);
    near(st.budget_s / 60, cases[i].minutes, 1e-6, "budget minutes");
    near(st.budget_remaining, 1, 0, "remaining");
    near(st.budget_remaining_s, st.budget_s, 0, "remaining_s");
    assert_int_equal(st.window_us, cases[i].w_us);
    assert_int_equal(st.status, HR_ST_GREEN);
    series_reset(&s);
  }
  near((1 - 0.98) * 30 * 86400 / 3600.0, 14.4, 1e-9, "864 min = 14.4 h");
}

/* Remaining = 1 - (valid - good) / ((1 - target) * valid), negative when overspent. */
static void test_negative_remaining(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.99, 28 * DAY);
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1000 * DAY;
  series_add(&s, T - 10 * DAY, 1000 - 27, 1000);
  series_add(&s, T - 5 * DAY, 1000, 1000); /* valid 2000, bad 27: 1 - 27 / (0.01 * 2000) = -0.35 */
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  assert_int_equal(st.valid, 2000);
  assert_int_equal(st.good, 1973);
  assert_true(st.has_sli);
  near(st.sli, 0.9865, 1e-12, "sli");
  near(st.budget_remaining, -0.35, 1e-9, "remaining");
  near(st.budget_remaining_s, -0.35 * 0.01 * 28 * 86400, 1e-6, "remaining_s");
  assert_int_equal(st.status, HR_ST_RED);
  assert_int_equal(st.latched, 0);
  assert_true(st.has_tte);
  near(st.tte_s, 0, 0, "tte exhausted");
  near(st.burn_status, 0, 0, "1h burn, no events");
  check_finite(&st);
  series_reset(&s);
}

/* Burn rate 1 (error rate = 1 - target, all W long) spends exactly the budget over W. */
static void test_burn_one(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.999, 28 * DAY);
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1000 * DAY;
  for (int64_t t = T - 28 * DAY; t < T; t += MIN)
    series_add(&s, t, 999, 1000);
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  assert_int_equal(st.valid, 40320 * 1000);
  for (size_t i = 0; i < st.nburn; i++)
    near(st.burn[i].rate, 1, 1e-9, "burn 1");
  near(st.budget_remaining, 0, 1e-9, "budget spent");
  near(st.tte_s, 0, 1e-3, "tte");
  check_finite(&st);
  series_reset(&s);
}

/* The seed's yellow policy: burn_1h >= 0.10 * 28d / 24h = 2.8. */
static void test_seed_yellow_policy(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.999, 28 * DAY);
  double thr = 0.10 * (double)(28 * DAY) / (double)DAY;
  near(thr, 2.8, 1e-12, "policy threshold");
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1000 * DAY;
  for (int64_t t = T - DAY - HOUR; t < T - HOUR; t += MIN)
    series_add(&s, t, 7000, 7000);
  series_add(&s, T - 30 * MIN, 10000 - 28, 10000); /* 1h: 28 / 10000 / 0.001 = 2.8 */
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  near(burn_of(&st, HOUR)->rate, 2.8, 1e-9, "burn 1h");
  near(st.burn_status, 2.8, 1e-9, "burn_status");
  assert_true(st.burn_status >= thr - 1e-9);
  near(burn_of(&st, 30 * MIN)->rate, 2.8, 1e-9, "burn 30m");
  near(burn_of(&st, 5 * MIN)->rate, 0, 0, "burn 5m");
  assert_int_equal(burn_of(&st, 5 * MIN)->low_traffic, 1);
  /* python3: 1 - 28 / (0.001 * (10000 + 1440 * 7000)) */
  near(st.budget_remaining, 0.997224975222993, 1e-12, "remaining");
  assert_int_equal(st.status, HR_ST_YELLOW); /* remaining says green, 2.8 > 2 says yellow */
  /* tte = remaining * W / burn_1h */
  near(st.tte_s, 0.997224975222993 * 28 * 86400 / 2.8, 1e-3, "tte");
  series_reset(&s);
}

/* Red latch: red at the incident; while the 1h burn is >= 1 it stays red (latched)
 * although the thresholds say orange, then yellow; released once burn < 1 and
 * SLI >= target. */
static void test_latch(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.99, DAY);
  struct hr_series s;
  series_init(&s, MIN, 0, 6000);
  int64_t I = 1500 * MIN; /* incident: minutes [I, I + 10) at 70 % errors */
  for (int64_t t = 0; t < 5000 * MIN; t += MIN)
    series_add(&s, t, (t >= I && t < I + 10 * MIN) ? 30 : 100, 100);
  static const struct {
    int64_t dt_min;
    enum hr_status status;
    int latched;
    double burn_1h, remaining; /* python3: bad / 6000 / 0.01; 1 - bad / (0.01 * 144000) */
  } cases[] = {
      {0, HR_ST_GREEN, 0, 0, 1},                                  /* before */
      {10, HR_ST_RED, 0, 11.666666666666666, 0.5138888888888888}, /* 700 bad in 1h: > 10 */
      {65, HR_ST_RED, 1, 5.833333333333333, 0.5138888888888888},  /* thresholds: orange */
      {69, HR_ST_RED, 1, 1.1666666666666667, 0.5138888888888888}, /* thresholds: yellow, burn >= 1 */
      {70, HR_ST_YELLOW, 0, 0, 0.5138888888888888},               /* burn 0 and SLI 0.99514 >= 0.99 */
      {1440 + 10 + 60, HR_ST_GREEN, 0, 0, 1},                     /* incident left W; the walk starts unlatched */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_slo_state st;
    slo_eval(&slo, NULL, &s, I + cases[i].dt_min * MIN, &st);
    if (st.status != cases[i].status || st.latched != cases[i].latched)
      print_error("case %zu: status %s latched %d\n", i, status_name(st.status), st.latched);
    assert_int_equal(st.status, cases[i].status);
    assert_int_equal(st.latched, cases[i].latched);
    near(st.burn_status, cases[i].burn_1h, 1e-9, "burn 1h");
    near(st.budget_remaining, cases[i].remaining, 1e-9, "remaining");
    assert_int_equal(st.valid, 144000);
    check_finite(&st);
  }
  series_reset(&s);
}

/* Low traffic: below min_events the 1h burn does not move the status. */
static void test_low_traffic(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.99, 28 * DAY);
  slo.min_events = 10;
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1000 * DAY;
  series_add(&s, T - 2 * HOUR, 100000, 100000);
  series_add(&s, T - 10 * MIN, 0, 5); /* 1h: 5 events, all bad: burn (1 - 0) / 0.01 = 100 */
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  near(st.burn_status, 100, 1e-9, "burn");
  assert_int_equal(burn_of(&st, HOUR)->low_traffic, 1);
  assert_int_equal(burn_of(&st, 3 * DAY)->low_traffic, 0);
  near(st.budget_remaining, 0.9950002499875006, 1e-12, "remaining"); /* 1 - 5 / (0.01 * 100005) */
  assert_int_equal(st.status, HR_ST_GREEN);
  slo.min_events = 0; /* treated as 1: now the burn counts */
  slo_eval(&slo, NULL, &s, T, &st);
  assert_int_equal(burn_of(&st, HOUR)->low_traffic, 0);
  assert_int_equal(st.status, HR_ST_RED);
  series_reset(&s);
}

/* No data: nodata, no SLI, remaining 1, burn 0, no tte, nothing NaN. */
static void test_nodata(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.999, 28 * DAY);
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1000 * DAY;
  struct hr_slo_state st;
  for (int round = 0; round < 2; round++) {
    slo_eval(&slo, NULL, &s, T, &st);
    assert_int_equal(st.status, HR_ST_NODATA);
    assert_string_equal(status_name(st.status), "nodata");
    assert_int_equal(st.has_sli, 0);
    assert_int_equal(st.valid, 0);
    near(st.budget_remaining, 1, 0, "remaining");
    assert_int_equal(st.has_tte, 0);
    for (size_t i = 0; i < st.nburn; i++)
      near(st.burn[i].rate, 0, 0, "burn");
    check_finite(&st);
    series_add(&s, T - 29 * DAY, 0, 10); /* outside W: still no data */
    series_add(&s, T, 0, 10);            /* at T: not in [T - W, T) */
  }
  series_reset(&s);
}

/* [T - w, T): an event exactly at T - w counts, one at T does not; with a phase
 * for a T that is not on a whole minute. */
static void test_edges(void **state) {
  (void)state;
  static const int64_t phases[] = {0, 17 * S + 250000};
  for (size_t p = 0; p < 2; p++) {
    struct hr_slo slo = mk_slo(0.999, 28 * DAY);
    int64_t T = 1000 * DAY + phases[p];
    struct hr_series s;
    series_init(&s, MIN, phases[p], slo_eval_span(&slo, MIN));
    series_add(&s, T - 5 * MIN, 1, 1);       /* counts in 5m */
    series_add(&s, T - 5 * MIN - 1, 0, 2);   /* only in 30m and longer */
    series_add(&s, T - 1, 0, 4);             /* counts in 5m */
    series_add(&s, T - 28 * DAY, 0, 8);      /* exactly at T - W: in the window */
    series_add(&s, T - 28 * DAY - 1, 0, 16); /* just before: not */
    series_add(&s, T, 0, 32);                /* at T: never */
    struct hr_slo_state st;
    slo_eval(&slo, NULL, &s, T, &st);
    assert_int_equal(burn_of(&st, 5 * MIN)->valid, 5);
    assert_int_equal(burn_of(&st, 5 * MIN)->good, 1);
    assert_int_equal(burn_of(&st, 30 * MIN)->valid, 7);
    assert_int_equal(burn_of(&st, 3 * DAY)->valid, 7);
    assert_int_equal(st.valid, 15);
    assert_int_equal(st.good, 1);
    assert_int_equal(st.window_start_us, T - 28 * DAY);
    /* 5m burn = (1 - 1/5) / 0.001 = 800 */
    near(burn_of(&st, 5 * MIN)->rate, 800, 1e-6, "5m burn");
    series_reset(&s);
  }
}

/* Calendar window: March 2026 in Europe/Berlin (31 days - 1 h). */
static void test_calendar_window(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.999, 0);
  slo.window = (struct hr_window){
      .kind = HR_WIN_CALENDAR, .unit = HR_CAL_MONTH, .count = 1, .start_us = 1767222000 * S, .tz = "Europe/Berlin"};
  struct hr_tz *tz = NULL;
  assert_int_equal(tz_load("Europe/Berlin", &tz, NULL), HR_OK);
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1773572400 * S;           /* 2026-03-15 12:00 CET */
  series_add(&s, 1772319600 * S, 0, 1); /* 2026-03-01 00:00 CET: in */
  series_add(&s, 1772319599 * S, 0, 2); /* the last second of February: out */
  series_add(&s, T - DAY, 999, 999);
  struct hr_slo_state st;
  slo_eval(&slo, tz, &s, T, &st);
  assert_int_equal(st.window_start_us, 1772319600 * S);
  assert_int_equal(st.window_us, 2674800 * S); /* python3: April 1 - March 1 in Berlin */
  near(st.budget_s, 2674.8, 1e-6, "budget_s"); /* 0.001 * 2674800 */
  assert_int_equal(st.valid, 1000);
  assert_int_equal(st.good, 999);
  near(st.budget_remaining, 0, 1e-9, "remaining"); /* 1 - 1 / (0.001 * 1000) */
  check_finite(&st);
  /* on the first instant of April the new period is empty: no data */
  slo_eval(&slo, tz, &s, 1774994400 * S, &st);
  assert_int_equal(st.status, HR_ST_NODATA);
  assert_int_equal(st.window_us, 30 * DAY);
  series_reset(&s);
  tz_free(tz);
}

/* Timeslices: a minute is good when it has no events or good/valid >= 0.95. */
static void test_timeslices(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.99, DAY);
  slo.budgeting = HR_BUDGET_TIMESLICES;
  slo.slice_us = MIN;
  slo.slice_target = 0.95;
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  int64_t T = 1000 * DAY;
  for (int i = 0; i < 100; i++) /* 100 minutes with events, 10 of them bad (ratio 0.5) */
    series_add(&s, T - 20 * HOUR + i * MIN, i < 10 ? 5 : 10, 10);
  series_add(&s, T - 10 * MIN, 96, 100); /* 0.96 >= 0.95: a good slice */
  series_add(&s, T - 20 * MIN, 94, 100); /* 0.94: bad */
  series_add(&s, T - 30 * MIN, 0, 1);    /* bad */
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  assert_int_equal(st.total_slices, 1440);
  assert_int_equal(st.good_slices, 1440 - 12);
  near(st.sli, 1428.0 / 1440, 1e-12, "sli");
  near(st.budget_remaining, 1 - 12 / 14.4, 1e-9, "remaining");      /* budget 0.01 * 1440 = 14.4 slices */
  near(burn_of(&st, HOUR)->rate, 2 / (0.01 * 60), 1e-9, "1h burn"); /* 3.333 */
  near(burn_of(&st, 5 * MIN)->rate, 0, 0, "5m burn: no events");
  assert_int_equal(st.valid, 1000 + 201);
  assert_int_equal(st.status, HR_ST_ORANGE); /* remaining 0.1667 in (0, 0.3): orange; burn 3.3: yellow */
  series_reset(&s);
}

/* 5-minute slices aligned to the window start, with an excluded hour. */
static void test_timeslices_excluded(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.99, DAY);
  slo.budgeting = HR_BUDGET_TIMESLICES;
  slo.slice_us = 5 * MIN;
  slo.slice_target = 0.95;
  int64_t T = 1000 * DAY;
  struct hr_exclusion ex = {.recurring = 0, .start_us = T - 6 * HOUR, .end_us = T - 5 * HOUR};
  struct hr_excluder *x = excluder_new(&ex, 1);
  assert_non_null(x);
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  series_add(&s, T - 3 * HOUR, 100, 100);
  series_add(&s, T - 3 * HOUR + 2 * MIN, 0, 10); /* slice ratio 100/110 = 0.909: bad */
  series_add(&s, T - 2 * HOUR, 99, 100);         /* 0.99: good */
  struct hr_slo_state st;
  slo_eval_ex(&slo, NULL, &s, x, T, &st);
  assert_int_equal(st.total_slices, 288 - 12); /* 1440 / 5 slices, 12 excluded */
  assert_int_equal(st.good_slices, 275);
  near(st.sli, 275.0 / 276, 1e-12, "sli");
  near(st.budget_remaining, 1 - 1 / (0.01 * 276), 1e-9, "remaining");   /* 0.63768 */
  near(burn_of(&st, 6 * HOUR)->rate, 1 / (0.01 * 60), 1e-9, "6h burn"); /* 72 slices - 12 excluded */
  near(burn_of(&st, HOUR)->rate, 0, 0, "1h burn");
  assert_int_equal(st.status, HR_ST_YELLOW);
  /* without the excluder: 288 slices */
  slo_eval(&slo, NULL, &s, T, &st);
  assert_int_equal(st.total_slices, 288);
  near(st.budget_remaining, 1 - 1 / 2.88, 1e-9, "remaining, no exclusion");
  series_reset(&s);
  excluder_free(x);
}

/* RatioTimeslices: SLI = mean of the per-slice ratios of slices with events. */
static void test_ratio_timeslices(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.9, DAY);
  slo.budgeting = HR_BUDGET_RATIO_TIMESLICES;
  slo.slice_us = MIN;
  int64_t T = 1000 * DAY;
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  series_add(&s, T - 4 * HOUR, 10, 10);
  series_add(&s, T - 3 * HOUR, 5, 10);
  series_add(&s, T - 2 * HOUR, 1, 1);
  series_add(&s, T - HOUR + MIN, 3, 3);
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  near(st.sli, 0.875, 1e-12, "sli");                   /* (1 + 0.5 + 1 + 1) / 4 */
  near(st.budget_remaining, -0.25, 1e-9, "remaining"); /* 1 - (1 - 0.875) / 0.1 */
  near(burn_of(&st, 6 * HOUR)->rate, 1.25, 1e-9, "6h burn");
  near(burn_of(&st, HOUR)->rate, 0, 1e-12, "1h burn");
  assert_int_equal(st.good, 19);
  assert_int_equal(st.valid, 24);
  assert_int_equal(st.status, HR_ST_RED);
  series_reset(&s);
}

/* A target of 1 (rejected by config) still gives finite numbers. */
static void test_target_one(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(1.0, DAY);
  int64_t T = 1000 * DAY;
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&slo, MIN));
  series_add(&s, T - 10 * MIN, 9, 10);
  struct hr_slo_state st;
  slo_eval(&slo, NULL, &s, T, &st);
  check_finite(&st);
  assert_true(st.budget_remaining < 0);
  near(st.budget_s, 0, 0, "budget_s");
  assert_int_equal(st.status, HR_ST_RED);
  series_reset(&s);
}

static void test_span(void **state) {
  (void)state;
  struct hr_slo slo = mk_slo(0.999, 28 * DAY);
  /* 2 * 40320 + 4320 (3d) + 2 + 1 */
  assert_int_equal(slo_eval_span(&slo, MIN), 84963);
}

/* slo_eval_sums() against slo_eval_ex(): over random histories (quiet,
 * healthy, burning, recovering) and instants, whenever the sums decide,
 * every figure is the same to the bit; the sums are read from the series
 * itself, over only the minutes a store would have loaded ([T - span, T)). */
struct ring_src {
  const struct hr_series *s;
  int64_t lo_us, hi_us;
  unsigned calls;
};

static void ring_sum_cb(void *ctx, int64_t from_us, int64_t to_us, uint64_t *g, uint64_t *v) {
  struct ring_src *r = ctx;
  r->calls++;
  assert_int_equal(from_us % MIN, 0);
  assert_int_equal(to_us % MIN, 0);
  if (from_us < r->lo_us)
    from_us = r->lo_us;
  if (to_us > r->hi_us)
    to_us = r->hi_us;
  *g = *v = 0;
  if (from_us < to_us)
    series_sum(r->s, series_index(r->s, from_us), series_index(r->s, to_us), g, v);
}

static uint64_t lcg(uint64_t *x) {
  *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
  return *x >> 33;
}

static void test_sums_equal_series(void **state) {
  (void)state;
  struct hr_tz *tz = NULL;
  assert_int_equal(tz_load("Europe/Berlin", &tz, NULL), HR_OK);
  uint64_t x = 42;
  unsigned decided = 0, walked = 0, red = 0, latched = 0;
  for (int trial = 0; trial < 60; trial++) {
    struct hr_slo slo = mk_slo(trial % 3 == 0 ? 0.99 : 0.999, (1 + trial % 3) * DAY);
    if (trial % 4 == 3) /* a calendar week in Berlin */
      slo.window = (struct hr_window){
          .kind = HR_WIN_CALENDAR, .unit = HR_CAL_WEEK, .count = 1, .start_us = 1767222000 * S, .tz = "Europe/Berlin"};
    const struct hr_tz *z = trial % 4 == 3 ? tz : NULL;
    int64_t T = (1773572400 + (int64_t)(lcg(&x) % 86400) * 60) * S; /* March 2026, on a minute */
    T -= T % MIN;
    size_t span = slo_eval_span(&slo, MIN);
    struct hr_series s;
    series_init(&s, MIN, 0, span);
    int64_t from = T - (int64_t)span * MIN;
    /* a burn ending up to 400 minutes before T, then (odd trials) a simmer of
     * 1 bad event in 10 minutes: not red, not released, so the latch is
     * walked back to the burn, often further than the sums walk */
    int64_t burn_to = T - (int64_t)(lcg(&x) % 400) * MIN, burn_from = burn_to - (int64_t)(3 + lcg(&x) % 12) * MIN;
    unsigned fill = 5 + (unsigned)(lcg(&x) % 90), badness = (unsigned)(lcg(&x) % 4);
    for (int64_t t = from; t < T; t += MIN) {
      if (lcg(&x) % 100 >= fill)
        continue;
      uint32_t v = 1 + (uint32_t)(lcg(&x) % 40), b = lcg(&x) % 200 < badness ? 1 : 0;
      if (t >= burn_from && t < burn_to)
        b = (v + 9) / 10;
      else if (t >= burn_to && trial % 2 && lcg(&x) % 10 == 0)
        b = 1;
      series_add(&s, t, v - b, v);
    }
    for (int k = 0; k < 4; k++) { /* several instants: the last of them within the data */
      int64_t at = T - (int64_t)(k * 37) * MIN;
      struct ring_src r = {&s, at - (int64_t)span * MIN, at, 0};
      struct hr_sums_src src = {&r, ring_sum_cb};
      struct hr_slo_state full, fast;
      slo_eval_ex(&slo, z, &s, NULL, at, &full);
      if (!slo_eval_sums(&slo, z, &src, at, &fast)) {
        walked++; /* not red by the thresholds, not released: a long latch walk decides */
        assert_true(full.status != HR_ST_RED || full.latched);
        continue;
      }
      decided++;
      red += full.status == HR_ST_RED;
      latched += (unsigned)full.latched;
      assert_true(r.calls <= 3 + slo.nlookbacks + 2 * 120); /* window, burn, lookbacks, the walk's steps */
      if (memcmp(&full, &fast, sizeof full) != 0) {
        print_error("trial %d k %d: status %d/%d valid %llu/%llu good %llu/%llu\n", trial, k, full.status, fast.status,
                    (unsigned long long)full.valid, (unsigned long long)fast.valid, (unsigned long long)full.good,
                    (unsigned long long)fast.good);
        fail();
      }
    }
    /* the replay (trends, backtests) from sums: the same figures at every instant */
    struct ring_src rr = {&s, T - (int64_t)span * MIN, T, 0};
    struct hr_sums_src rsrc = {&rr, ring_sum_cb};
    struct hr_slo_replay *a = slo_replay_new(&slo, z, &s, NULL, T - DAY, T);
    struct hr_slo_replay *b = slo_replay_new_sums(&slo, z, &rsrc, T - DAY, T);
    assert_non_null(b);
    for (int64_t at = T - DAY; at <= T; at += 97 * MIN) {
      struct hr_slo_state fa, fb;
      slo_replay_at(a, at, &fa);
      slo_replay_at(b, at, &fb);
      assert_memory_equal(&fa, &fb, sizeof fa);
    }
    slo_replay_free(a);
    slo_replay_free(b);
    series_reset(&s);
  }
  /* both outcomes happen, and red SLOs are decided without the walk */
  print_message("sums decided %u, latched %u of them; a long walk needed the series %u times\n", decided, latched,
                walked);
  assert_true(decided > 100);
  assert_true(walked > 0);
  assert_true(red > 0);
  assert_true(latched > 0);
  /* timeslices always need the minutes */
  struct hr_slo ts = mk_slo(0.99, DAY);
  ts.budgeting = HR_BUDGET_TIMESLICES;
  ts.slice_us = MIN;
  ts.slice_target = 0.95;
  struct hr_series s;
  series_init(&s, MIN, 0, slo_eval_span(&ts, MIN));
  struct ring_src r = {&s, 0, INT64_MAX, 0};
  struct hr_sums_src src = {&r, ring_sum_cb};
  struct hr_slo_state out;
  assert_int_equal(slo_eval_sums(&ts, NULL, &src, 1773572400 * S, &out), 0);
  assert_null(slo_replay_new_sums(&ts, NULL, &src, 1773572400 * S - HOUR, 1773572400 * S));
  series_reset(&s);
  tz_free(tz);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_budget_time),
      cmocka_unit_test(test_negative_remaining),
      cmocka_unit_test(test_burn_one),
      cmocka_unit_test(test_seed_yellow_policy),
      cmocka_unit_test(test_latch),
      cmocka_unit_test(test_low_traffic),
      cmocka_unit_test(test_nodata),
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_calendar_window),
      cmocka_unit_test(test_timeslices),
      cmocka_unit_test(test_timeslices_excluded),
      cmocka_unit_test(test_ratio_timeslices),
      cmocka_unit_test(test_target_one),
      cmocka_unit_test(test_span),
      cmocka_unit_test(test_sums_equal_series),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
