/* test_engine.c -- the engine (src/engine/): the state of every SLO from a
 * store at an instant, the gate, an SLO's page, the alert round seen from
 * the page, the alerts as of an instant. Every figure is worked out by hand
 * in the comments.
 *
 * Two SLOs of service "shop" (target 0.99, 1d rolling window; the SLO
 * "api" has the default alert conditions, "slow" its own policy: page at a
 * 1h burn above 2.8), one SLO of service "chat", and a Service "empty"
 * without SLOs. The store holds, for api and slow, 100 valid events per
 * minute over the 24 h before T, all good except 50 bad in each of the 10
 * minutes before T (so 500 bad of 144,000): a fast burn now. A fourth SLO,
 * "spent" (service ledger, its own policy: page at a 1h burn above 14.4,
 * page when the budget runs out within 3d at the 1h burn), has 2 bad of
 * 100 every minute: SLI 0.98, its budget spent, a 1h burn of 2. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "engine/detail.h"
#include "engine/gate.h"
#include "engine/report.h"
#include "engine/round.h"
#include "store/alerts.h"
#include "store/detail.h"
#include "store/timeline.h"
#include "tmp_store.h"

#define S INT64_C(1000000)
#define MIN (60 * S)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
/* 2026-10-21T13:00:00Z */
#define T (INT64_C(1792587600) * S)

#define SLO_DOC(name, svc, extra)                                                                                      \
  "---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: " name "}\nspec:\n  service: " svc "\n" extra              \
  "  indicator:\n    metadata: {name: " name "}\n    spec:\n      ratioMetric:\n        counter: true\n"               \
  "        good: {metricSource: {metricSourceRef: logs, type: headroom.logs, spec: {filter: 'status < 500'}}}\n"       \
  "  timeWindow: [{duration: 1d, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n"

static const char conf_yaml[] =
    "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: logs}\nspec:\n  type: headroom.logs\n"
    "  connectionDetails: {format: jsonl}\n"
    "---\napiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: shop\n"
    "  annotations: {headroom.dev/logs-url: 'https://logs.example/?q=service:{service}&from={from_ms}&to={to_ms}'}\n"
    "spec: {description: the shop}\n"
    "---\napiVersion: openslo/v1\nkind: Service\nmetadata: {name: empty}\nspec: {description: no SLOs}\n"
    "---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: yellow}\nspec:\n  conditions:\n"
    "    - kind: AlertCondition\n      metadata: {name: yellow-1h}\n      spec:\n        severity: page\n"
    "        condition: {kind: burnrate, op: gt, threshold: 2.8, lookbackWindow: 1h}\n"
    "---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: ledger}\nspec:\n  conditions:\n"
    "    - kind: AlertCondition\n      metadata: {name: fast-1h}\n      spec:\n        severity: page\n"
    "        condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}\n"
    "    - kind: AlertCondition\n      metadata: {name: gone-3d}\n      spec:\n        severity: page\n"
    "        condition: {kind: headroom.dev/exhaustion, threshold: 3d, lookbackWindow: 1h}\n" SLO_DOC("api", "shop", "")
        SLO_DOC("slow", "shop", "  alertPolicies: [{alertPolicyRef: yellow}]\n") SLO_DOC("talk", "chat", "")
            SLO_DOC("spent", "ledger", "  alertPolicies: [{alertPolicyRef: ledger}]\n");

struct fx {
  struct tmp t;
  struct hr_config *cfg;
};

static int setup(void **state) {
  struct fx *f = xcalloc(1, sizeof *f);
  struct hr_diag d = {0};
  if (config_load_mem("engine.yaml", conf_yaml, sizeof conf_yaml - 1, 0, &f->cfg, &d) != HR_OK) {
    for (size_t i = 0; i < d.n; i++)
      fprintf(stderr, "%s\n", d.msgs[i]);
    diag_free(&d);
    return -1;
  }
  diag_free(&d);
  tmp_make(&f->t);
  struct hr_store *st = open_ok(f->t.db);
  struct hr_err err = {0};
  assert_int_equal(store_begin(st, &err), HR_OK);
  const char *names[] = {"api", "slow", "spent"};
  for (int k = 0; k < 3; k++) {
    int64_t id = slo(st, names[k]);
    for (int64_t m = 1; m <= 1440; m++) /* the minute [T - m min, T - (m-1) min) */
      assert_int_equal(store_add(st, id, (T - m * MIN) / S, k == 2 ? 98 : m <= 10 ? 50 : 100, 100, &err), HR_OK);
  }
  assert_int_equal(store_commit(st, &err), HR_OK);
  /* A deploy of shop 2 h before T; an old one outside the window. */
  struct hr_annotation dep = {.service = "shop", .kind = "deploy", .at_s = (T - 2 * HOUR) / S, .text = "v2"};
  assert_int_equal(timeline_add(st, &dep, NULL, &err), HR_OK);
  struct hr_annotation old = {.service = "shop", .kind = "deploy", .at_s = (T - 3 * DAY) / S, .text = "v1"};
  assert_int_equal(timeline_add(st, &old, NULL, &err), HR_OK);
  store_close(st);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fx *f = *state;
  if (f == NULL)
    return 0;
  config_free(f->cfg);
  tmp_remove(&f->t);
  free(f);
  return 0;
}

static struct hr_eval_opts at_store(const struct fx *f, int64_t at) {
  struct hr_eval_opts o = {.read = {.in = {.db = f->t.db, .store = 1, .threads = 1}, .has_at = 1, .at_us = at}};
  return o;
}

static const struct hr_report_slo *find(const struct hr_report *r, const char *name) {
  const struct hr_report_slo *rs = report_find(r, name);
  assert_non_null(rs);
  return rs;
}

/* The state of every SLO at T, from the store. */
static void test_report(void **state) {
  struct fx *f = *state;
  struct hr_eval_opts o = at_store(f, T);
  struct hr_report r;
  struct hr_err err = {0};
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  assert_int_equal(r.nslos, 4);
  assert_int_equal(r.at_us, T);
  assert_true(r.from_store && r.has_timeline);
  const struct hr_report_slo *api = find(&r, "api");
  /* 144,000 valid, 143,500 good: SLI 0.996527..., consumed 500 / 1440 = 0.3472 */
  assert_int_equal(api->st.valid, 144000);
  assert_int_equal(api->st.good, 143500);
  assert_true(fabs(api->st.budget_remaining - (1 - 500.0 / 1440.0)) < 1e-12);
  /* burn 1h: 500 bad of 6000 / 0.01 = 8.333; 5m: 250/500/0.01 = 50 */
  /* Burning now: page-1h-5m needs 14.4 over 1h (8.33: no), page-6h-30m 6
   * over 6h (500/36000/0.01 = 1.39: no), ticket-1d-2h 3 over 1d (0.347:
   * no), ticket-3d-6h 1 over 3d (no); the 1h burn is above 1: elevated. The
   * condition nearest to firing: min(8.33, 50) / 14.4 = 0.579 for
   * page-1h-5m against 1.39 / 6 = 0.23 and 1.39 / 1 (ticket-3d-6h: min(0.347,
   * 1.39) / 1 = 0.347). */
  assert_int_equal(api->now.level, HR_BURN_ELEVATED);
  assert_string_equal(api->now.condition, "page-1h-5m");
  assert_true(fabs(api->now.rate - 500.0 / 6000 / 0.01) < 1e-9);
  assert_true(api->now.threshold == 14.4);
  /* slow: its own page at 2.8 over 1h holds: burning. */
  const struct hr_report_slo *slow = find(&r, "slow");
  assert_int_equal(slow->now.level, HR_BURN_FAST);
  assert_string_equal(slow->now.condition, "yellow-1h");
  /* spent: fast-1h does not hold (2 < 14.4), gone-3d does (nothing left:
   * any burn empties it): burning, with gone-3d's figures (its 1h burn of
   * 2 against 0), not those of fast-1h, nearer to firing by ratio. */
  const struct hr_report_slo *spent = find(&r, "spent");
  assert_true(spent->st.budget_remaining < 0);
  assert_int_equal(spent->now.level, HR_BURN_FAST);
  assert_string_equal(spent->now.condition, "gone-3d");
  assert_true(fabs(spent->now.rate - 2) < 1e-9);
  assert_true(spent->now.threshold == 0);
  assert_int_equal(spent->now.lookback_us, HOUR);
  /* Since the deploy 2 h before T: 12,000 valid, 500 bad, all of the
   * window's bad events: the whole consumed budget. */
  assert_true(api->has_deploy);
  assert_int_equal(api->deploy_at_us, T - 2 * HOUR);
  assert_int_equal(api->deploy_valid, 12000);
  assert_int_equal(api->deploy_good, 11500);
  assert_true(fabs(api->deploy_budget_spent - 500.0 / 1440.0) < 1e-12);
  /* talk: never ingested: no data. */
  const struct hr_report_slo *talk = find(&r, "talk");
  assert_int_equal(talk->st.status, HR_ST_NODATA);
  assert_false(talk->has_deploy);
  report_free(&r);

  /* One SLO only (the API's SLO page), and an unknown one. */
  o.slo = "slow";
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  assert_int_equal(r.nslos, 1);
  assert_string_equal(r.slos[0].slo->name, "slow");
  report_free(&r);
  o.slo = "nope";
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_ERR_NOTFOUND);
  assert_non_null(strstr(err.msg, "no SLO named nope"));
}

/* A maintenance window over the 10 bad minutes excludes them from report,
 * and from the alert round alike. */
static void test_maintenance(void **state) {
  struct fx *f = *state;
  struct tmp t2;
  tmp_make(&t2);
  struct hr_store *st = open_ok(t2.db);
  struct hr_err err = {0};
  int64_t id = slo(st, "api");
  for (int64_t m = 1; m <= 60; m++)
    assert_int_equal(store_add(st, id, (T - m * MIN) / S, m <= 10 ? 0 : 100, 100, &err), HR_OK);
  struct hr_annotation mw = {.service = "shop",
                             .kind = "maintenance",
                             .at_s = (T - 10 * MIN) / S,
                             .has_end = 1,
                             .end_s = T / S,
                             .text = "failover"};
  assert_int_equal(timeline_add(st, &mw, NULL, &err), HR_OK);
  struct hr_round_stats rs;
  assert_int_equal(alert_round(st, f->cfg, T, 0, NULL, &rs, &err), HR_OK);
  assert_int_equal(rs.fired, 0); /* 1000 bad of 6000 would burn 16.7x > 14.4 over 1h: excluded */
  store_close(st);
  struct hr_eval_opts o = at_store(f, T);
  o.read.in.db = t2.db;
  struct hr_report r;
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  assert_int_equal(r.nmaintenance, 1);
  const struct hr_report_slo *api = find(&r, "api");
  assert_int_equal(api->st.valid, 5000);
  assert_int_equal(api->st.good, 5000);
  report_free(&r);
  tmp_remove(&t2);
}

/* The gate, once for the CLI and the API: the service's SLOs only, the
 * worst deciding; unknown services and services without SLOs refused. */
static void test_gate(void **state) {
  struct fx *f = *state;
  struct hr_eval_opts o = at_store(f, T);
  struct hr_report r;
  struct hr_gate_result g;
  struct hr_err err = {0};
  assert_int_equal(engine_gate(f->cfg, &o, "shop", HR_RISK_NORMAL, &r, &g, &err), HR_OK);
  assert_int_equal(g.n, 2);
  for (size_t i = 0; i < g.n; i++)
    assert_string_equal(r.slos[g.idx[i]].slo->service, "shop");
  /* api and slow: 65 % left (yellow), but the 1h burn 8.33 > 5: orange,
   * both alike; the first of the equally worst decides. */
  assert_false(g.d.allow);
  assert_non_null(g.deciding);
  assert_string_equal(g.deciding->slo->name, "api");
  assert_int_equal(g.deciding->st.status, HR_ST_ORANGE);
  gate_result_free(&g);
  report_free(&r);
  assert_int_equal(engine_gate(f->cfg, &o, "shop", HR_RISK_FIX, &r, &g, &err), HR_OK);
  assert_true(g.d.allow);
  gate_result_free(&g);
  report_free(&r);
  assert_int_equal(engine_gate(f->cfg, &o, "nope", HR_RISK_FIX, &r, &g, &err), HR_ERR_NOTFOUND);
  assert_non_null(strstr(err.msg, "unknown service 'nope' (services with SLOs: shop, chat, ledger)"));
  assert_int_equal(engine_gate(f->cfg, &o, "empty", HR_RISK_FIX, &r, &g, &err), HR_ERR_NOTFOUND);
  assert_non_null(strstr(err.msg, "service 'empty' has no SLOs"));
}

/* An SLO's page: the rolling SLI (each point the SLI of the window ending
 * there, as a report at that instant says), the SLO's own thresholds, the
 * deploy on the timeline, the logs link, alerts and bad events as of the
 * instant. */
static void test_detail(void **state) {
  struct fx *f = *state;
  struct hr_store *st = open_ok(f->t.db);
  struct hr_err err = {0};
  /* Alert rounds: at T - 5 min (fires the 2.8x page of slow: 1h burn
   * 250/6000/0.01 = 4.2), at T + 2 h (the 1h holds no bad event: resolved). */
  struct hr_round_stats rs;
  assert_int_equal(alert_round(st, f->cfg, T - 5 * MIN, 0, NULL, &rs, &err), HR_OK);
  assert_int_equal(alert_round(st, f->cfg, T + 2 * HOUR, 0, NULL, &rs, &err), HR_OK);
  store_close(st);

  struct hr_eval_opts o = at_store(f, T);
  o.keep_series = 1;
  struct hr_report r;
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  const struct hr_report_slo *slow = find(&r, "slow");
  struct hr_detail_opts dopt = {.recent = 1};
  struct hr_detail d;
  assert_int_equal(engine_detail(f->cfg, &r, slow, &dopt, &d, &err), HR_OK);
  /* 1d over at most 720 points: 5-minute steps; the last point is T. */
  assert_true(d.has_series);
  assert_int_equal(d.series.step_us, 5 * MIN);
  assert_int_equal(d.series.t_us[d.series.n - 1], T);
  assert_true(fabs(d.series.sli[d.series.n - 1] - slow->st.sli) < 1e-15);
  assert_true(fabs(d.series.budget_remaining[d.series.n - 1] - slow->st.budget_remaining) < 1e-12);
  uint64_t sum = 0;
  for (size_t i = 0; i < d.series.n; i++)
    sum += d.series.valid[i];
  assert_int_equal(sum, slow->st.valid);
  /* A point in the middle is the SLI of the day ending there. */
  size_t mid = d.series.n / 2;
  struct hr_eval_opts o2 = at_store(f, d.series.t_us[mid]);
  struct hr_report r2;
  assert_int_equal(engine_report(f->cfg, &o2, &r2, &err), HR_OK);
  const struct hr_report_slo *then = find(&r2, "slow");
  assert_true(then->st.has_sli);
  assert_true(fabs(d.series.sli[mid] - then->st.sli) < 1e-15);
  report_free(&r2);
  /* The recent series: minute points over the last 6 h. */
  assert_true(d.has_recent);
  assert_int_equal(d.recent.step_us, MIN);
  assert_int_equal(d.recent.n, 360);
  /* Its own condition, not the defaults. */
  assert_int_equal(d.nthr, 1);
  assert_string_equal(d.thr[0].c->name, "yellow-1h");
  assert_true(d.thr[0].has_rate && d.thr[0].rate == 2.8);
  /* The deploy in the window is on the timeline, the older one not; the
   * firing at T - 5 min too, its resolve (after T) not. */
  int deploys = 0, firings = 0, resolves = 0;
  for (size_t i = 0; i < d.ntimeline; i++) {
    const struct hr_tl_entry *e = &d.timeline[i];
    deploys += strcmp(e->kind, "deploy") == 0;
    firings += strcmp(e->source, "alert") == 0 && strcmp(e->kind, "firing") == 0;
    resolves += strcmp(e->source, "alert") == 0 && strcmp(e->kind, "resolved") == 0;
    assert_true(e->at_us < T && (i == 0 || e->at_us >= d.timeline[i - 1].at_us));
  }
  assert_int_equal(deploys, 1);
  assert_int_equal(firings, 1);
  assert_int_equal(resolves, 0);
  /* The alert as it stood at T: firing since T - 5 min, once. */
  assert_true(d.has_alerts);
  assert_int_equal(d.nalerts, 1);
  assert_string_equal(d.alerts[0].condition, "yellow-1h");
  assert_int_equal(d.alerts[0].a.state, HR_AL_FIRING);
  assert_int_equal(d.alerts[0].a.fired_at_us, T - 5 * MIN);
  assert_int_equal(d.alerts[0].a.resolved_at_us, INT64_MIN);
  /* The logs link, filled for the range shown. */
  assert_int_equal(d.nlinks, 1);
  char want[160];
  snprintf(want, sizeof want, "https://logs.example/?q=service:shop&from=%lld&to=%lld", (long long)((T - DAY) / 1000),
           (long long)(T / 1000));
  assert_string_equal(d.links[0].url, want);
  detail_free(&d);
  report_free(&r);

  /* At T + 3 h the same alert is resolved: once, with both times. */
  o = at_store(f, T + 3 * HOUR);
  o.keep_series = 1;
  o.slo = "slow";
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  assert_int_equal(engine_detail(f->cfg, &r, &r.slos[0], &dopt, &d, &err), HR_OK);
  assert_int_equal(d.nalerts, 1);
  assert_int_equal(d.alerts[0].a.state, HR_AL_RESOLVED);
  assert_int_equal(d.alerts[0].a.fired_at_us, T - 5 * MIN);
  assert_int_equal(d.alerts[0].a.resolved_at_us, T + 2 * HOUR);
  detail_free(&d);
  report_free(&r);
}

/* The trend of the overview: about n points of the rolling SLI. */
static void test_trend(void **state) {
  struct fx *f = *state;
  struct hr_eval_opts o = at_store(f, T);
  o.keep_series = 1;
  struct hr_report r;
  struct hr_err err = {0};
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  struct hr_series_view v;
  engine_trend(find(&r, "api"), 48, &v);
  assert_true(v.n >= 48 && v.n <= 50);
  assert_int_equal(v.t_us[v.n - 1], T);
  assert_int_equal(v.step_us, 30 * MIN);
  assert_true(fabs(v.sli[v.n - 1] - find(&r, "api")->st.sli) < 1e-15);
  series_view_free(&v);
  engine_trend(find(&r, "talk"), 48, &v); /* no data: points without an SLI */
  assert_true(v.n > 0 && isnan(v.sli[v.n - 1]));
  series_view_free(&v);
  report_free(&r);
}

/* Alerts as of an instant (docs/alerting.md, "As of an instant"): a
 * transition at or before T has happened, one after it has not; GET
 * /api/v1/alerts (engine_alerts) and the SLO's page (engine_detail) follow
 * the one rule. The store, written directly: slow's yellow-1h fired at
 * T - 30 min, resolved at T exactly and fired again at T + 10 min; spent's
 * gone-3d fired at T exactly; api's page-1h-5m is pending since T - 2 min
 * (its last round T - 1 min); talk's page-6h-30m is pending since
 * T + 5 min (a later round: nothing is known of it at T). */
static void test_alerts_as_of(void **state) {
  struct fx *f = *state;
  struct tmp t2;
  tmp_make(&t2);
  struct hr_store *st = open_ok(t2.db);
  struct hr_err err = {0};
  assert_int_equal(store_begin(st, &err), HR_OK);
  const struct {
    const char *slo, *cond;
    enum hr_transition kind;
    int64_t at;
  } ev[] = {{"slow", "yellow-1h", HR_TR_FIRING, T - 30 * MIN},
            {"slow", "yellow-1h", HR_TR_RESOLVED, T},
            {"spent", "gone-3d", HR_TR_FIRING, T},
            {"slow", "yellow-1h", HR_TR_FIRING, T + 10 * MIN}};
  for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
    assert_int_equal(alerts_event_add(st, ev[i].slo, "", ev[i].cond, "page", ev[i].kind, ev[i].at / S, 4.2, "x", &err),
                     HR_OK);
  struct hr_alert fire = {HR_AL_FIRING, T + 10 * MIN, T + 10 * MIN, INT64_MIN};
  assert_int_equal(
      alerts_put(st, "slow", "", "yellow-1h", HR_COND_BURNRATE, "page", &fire, 5, (T + 10 * MIN) / S, &err), HR_OK);
  struct hr_alert gone = {HR_AL_FIRING, T, T, INT64_MIN};
  assert_int_equal(alerts_put(st, "spent", "", "gone-3d", HR_COND_EXHAUSTION, "page", &gone, 0, (T + HOUR) / S, &err),
                   HR_OK);
  struct hr_alert pend = {HR_AL_PENDING, T - 2 * MIN, INT64_MIN, INT64_MIN};
  assert_int_equal(alerts_put(st, "api", "", "page-1h-5m", HR_COND_BURNRATE, "page", &pend, 20, (T - MIN) / S, &err),
                   HR_OK);
  struct hr_alert later = {HR_AL_PENDING, T + 5 * MIN, INT64_MIN, INT64_MIN};
  assert_int_equal(
      alerts_put(st, "talk", "", "page-6h-30m", HR_COND_BURNRATE, "page", &later, 7, (T + 5 * MIN) / S, &err), HR_OK);
  assert_int_equal(store_commit(st, &err), HR_OK);
  store_close(st);

  /* GET /api/v1/alerts at T: spent firing since T, api pending; slow's
   * firing after T is not there, nor talk's later pending. */
  struct hr_alert_view v;
  assert_int_equal(engine_alerts(NULL, t2.db, T, -1, 50, &v, &err), HR_OK);
  assert_int_equal(v.nrows, 2);
  assert_string_equal(v.rows[0].slo, "spent");
  assert_int_equal(v.rows[0].a.state, HR_AL_FIRING);
  assert_int_equal(v.rows[0].a.fired_at_us, T);
  assert_string_equal(v.rows[1].slo, "api");
  assert_int_equal(v.rows[1].a.state, HR_AL_PENDING);
  assert_int_equal(v.rows[1].a.since_us, T - 2 * MIN);
  /* The transitions at or before T, newest first: the two at T, then
   * slow's firing; not the one at T + 10 min. */
  assert_int_equal(v.nevents, 3);
  assert_int_equal(v.events[0].at_s, T / S);
  assert_int_equal(v.events[1].at_s, T / S);
  assert_int_equal(v.events[2].at_s, (T - 30 * MIN) / S);
  alert_view_free(&v);
  /* A minute before T: slow firing, spent not yet. */
  assert_int_equal(engine_alerts(NULL, t2.db, T - MIN, -1, 50, &v, &err), HR_OK);
  assert_int_equal(v.nrows, 2);
  assert_string_equal(v.rows[0].slo, "slow");
  assert_int_equal(v.rows[0].a.state, HR_AL_FIRING);
  assert_string_equal(v.rows[1].slo, "api");
  assert_int_equal(v.nevents, 1);
  alert_view_free(&v);
  /* After everything: the table's own state (slow firing again, talk pending). */
  assert_int_equal(engine_alerts(NULL, t2.db, T + 2 * HOUR, -1, 50, &v, &err), HR_OK);
  assert_int_equal(v.nrows, 4);
  assert_int_equal(v.rows[0].a.state, HR_AL_FIRING);
  assert_int_equal(v.rows[1].a.state, HR_AL_FIRING);
  assert_int_equal(v.nevents, 4);
  alert_view_free(&v);

  /* The SLO pages at T agree: slow resolved at T (its resolve on the
   * timeline), spent firing since T (its firing on the timeline), api
   * pending, talk nothing; the firing and pending ones are those of
   * engine_alerts. */
  struct hr_eval_opts o = at_store(f, T);
  o.read.in.db = t2.db;
  o.keep_series = 1;
  struct hr_report r;
  assert_int_equal(engine_report(f->cfg, &o, &r, &err), HR_OK);
  assert_int_equal(engine_alerts(NULL, t2.db, T, -1, 50, &v, &err), HR_OK);
  size_t agree = 0;
  for (size_t j = 0; j < r.nslos; j++) {
    struct hr_detail_opts dopt = {0};
    struct hr_detail d;
    assert_int_equal(engine_detail(f->cfg, &r, &r.slos[j], &dopt, &d, &err), HR_OK);
    const char *name = r.slos[j].slo->name;
    size_t transitions_at_t = 0;
    for (size_t i = 0; i < d.ntimeline; i++) {
      assert_true(d.timeline[i].at_us <= T);
      transitions_at_t += strcmp(d.timeline[i].source, "alert") == 0 && d.timeline[i].at_us == T;
    }
    for (size_t i = 0; i < d.nalerts; i++) {
      const struct hr_alert_row *a = &d.alerts[i];
      if (a->a.state != HR_AL_FIRING && a->a.state != HR_AL_PENDING)
        continue;
      int found = 0;
      for (size_t k = 0; k < v.nrows; k++)
        found |= strcmp(v.rows[k].slo, name) == 0 && strcmp(v.rows[k].condition, a->condition) == 0 &&
                 v.rows[k].a.state == a->a.state && v.rows[k].a.since_us == a->a.since_us;
      assert_true(found);
      agree++;
    }
    if (strcmp(name, "slow") == 0) {
      assert_int_equal(d.nalerts, 1);
      assert_int_equal(d.alerts[0].a.state, HR_AL_RESOLVED);
      assert_int_equal(d.alerts[0].a.fired_at_us, T - 30 * MIN);
      assert_int_equal(d.alerts[0].a.resolved_at_us, T);
      assert_int_equal(transitions_at_t, 1);
    } else if (strcmp(name, "spent") == 0) {
      assert_int_equal(d.nalerts, 1);
      assert_int_equal(d.alerts[0].a.state, HR_AL_FIRING);
      assert_int_equal(transitions_at_t, 1);
    } else if (strcmp(name, "api") == 0) {
      assert_int_equal(d.nalerts, 1);
      assert_int_equal(d.alerts[0].a.state, HR_AL_PENDING);
    } else {
      assert_int_equal(d.nalerts, 0);
    }
    detail_free(&d);
  }
  assert_int_equal(agree, v.nrows);
  alert_view_free(&v);
  report_free(&r);
  tmp_remove(&t2);
}

static void test_detail_step(void **state) {
  (void)state;
  assert_int_equal(detail_step(720 * MIN, 720), MIN);
  assert_int_equal(detail_step(721 * MIN, 720), 5 * MIN);
  assert_int_equal(detail_step(28 * DAY, 720), HOUR);
  assert_int_equal(detail_step(400 * DAY, 720), DAY);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_report),      cmocka_unit_test(test_maintenance),  cmocka_unit_test(test_gate),
      cmocka_unit_test(test_detail),      cmocka_unit_test(test_alerts_as_of), cmocka_unit_test(test_trend),
      cmocka_unit_test(test_detail_step),
  };
  return cmocka_run_group_tests(t, setup, teardown);
}
