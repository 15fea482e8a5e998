/* test_round.c -- alert_round(): states persisted in the store, one
 * alert_event row and one outbox row per transition, idempotent rounds, a
 * restart (close and reopen the store file) that neither forgets a firing
 * alert nor notifies it again, a round older than the stored state ignored.
 *
 * Counts, target 0.99 (1 - target = 0.01): 100 valid / 50 good in each of the
 * 10 minutes before T, so every lookback holding them burns
 * (500/1000)/0.01 = 50 (or (50/100)/0.01 = 50 for a part): above every
 * factor. Store in a fresh mkdtemp directory; time is passed in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "engine/round.h"
#include "core/timeparse.h"
#include "store/alerts.h"

#define MIN_US INT64_C(60000000)

/* The documents both configurations share: a source, a target, the policy
 * "slow" and the SLO api up to its objectives. */
#define CONF_HEAD                                                                                                      \
  "apiVersion: openslo/v1\n"                                                                                           \
  "kind: DataSource\n"                                                                                                 \
  "metadata: {name: logs}\n"                                                                                           \
  "spec:\n"                                                                                                            \
  "  type: headroom.logs\n"                                                                                            \
  "  connectionDetails: {format: jsonl}\n"                                                                             \
  "---\n"                                                                                                              \
  "apiVersion: openslo/v1\n"                                                                                           \
  "kind: AlertNotificationTarget\n"                                                                                    \
  "metadata:\n"                                                                                                        \
  "  name: hook\n"                                                                                                     \
  "  annotations: {headroom.dev/url: 'http://127.0.0.1:1/hook'}\n"                                                     \
  "spec: {target: webhook}\n"                                                                                          \
  "---\n"                                                                                                              \
  "apiVersion: openslo/v1\n"                                                                                           \
  "kind: AlertPolicy\n"                                                                                                \
  "metadata: {name: slow}\n"                                                                                           \
  "spec:\n"                                                                                                            \
  "  conditions:\n"                                                                                                    \
  "    - kind: AlertCondition\n"                                                                                       \
  "      metadata: {name: yellow}\n"                                                                                   \
  "      spec:\n"                                                                                                      \
  "        severity: page\n"                                                                                           \
  "        condition: {kind: burnrate, op: gt, threshold: 2.8, lookbackWindow: 1h, alertAfter: 2m}\n"                  \
  "---\n"                                                                                                              \
  "apiVersion: openslo/v1\n"                                                                                           \
  "kind: SLO\n"                                                                                                        \
  "metadata: {name: api}\n"                                                                                            \
  "spec:\n"                                                                                                            \
  "  service: s\n"                                                                                                     \
  "  indicator:\n"                                                                                                     \
  "    metadata: {name: api}\n"                                                                                        \
  "    spec:\n"                                                                                                        \
  "      ratioMetric:\n"                                                                                               \
  "        counter: true\n"                                                                                            \
  "        good: {metricSource: {metricSourceRef: logs, type: headroom.logs, spec: {filter: 'status < 500'}}}\n"       \
  "        total: {metricSource: {metricSourceRef: logs, type: headroom.logs, spec: {filter: 'status > 0'}}}\n"        \
  "  timeWindow: [{duration: 28d, isRolling: true}]\n"                                                                 \
  "  budgetingMethod: Occurrences\n"                                                                                   \
  "  objectives: [{target: 0.99}]\n"

static const char conf_yaml[] = CONF_HEAD
    "---\n"
    "apiVersion: openslo/v1\n"
    "kind: SLO\n"
    "metadata: {name: web}\n"
    "spec:\n"
    "  service: s\n"
    "  indicator:\n"
    "    metadata: {name: web}\n"
    "    spec:\n"
    "      ratioMetric:\n"
    "        counter: true\n"
    "        good: {metricSource: {metricSourceRef: logs, type: headroom.logs, spec: {filter: 'status < 500'}}}\n"
    "        total: {metricSource: {metricSourceRef: logs, type: headroom.logs, spec: {filter: 'status > 0'}}}\n"
    "  timeWindow: [{duration: 28d, isRolling: true}]\n"
    "  budgetingMethod: Occurrences\n"
    "  objectives: [{target: 0.99}]\n"
    "  alertPolicies: [{alertPolicyRef: slow}]\n";

/* The same, after an edit: api follows the policy "slow" instead of the
 * default conditions, and the SLO web is gone. */
static const char conf2_yaml[] = CONF_HEAD "  alertPolicies: [{alertPolicyRef: slow}]\n";

struct fx {
  char dir[64], db[96];
  struct hr_config *cfg;
  struct hr_store *st;
  int64_t T; /* 2026-03-01T12:00:00Z */
};

static int64_t count(struct hr_store *st, const char *sql) {
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}

static void reopen(struct fx *f) {
  store_close(f->st);
  f->st = NULL;
  struct hr_err err = {0};
  assert_int_equal(store_open(f->db, &f->st, &err), HR_OK);
}

static int setup(void **state) {
  struct fx *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/hr_round_XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->db, sizeof f->db, "%s/h.db", f->dir);
  struct hr_diag d = {0};
  char name[96];
  snprintf(name, sizeof name, "%s/conf.yaml", f->dir);
  enum hr_rc rc = config_load_mem(name, conf_yaml, sizeof conf_yaml - 1, 0, &f->cfg, &d);
  for (size_t i = 0; i < d.n; i++)
    print_error("%s\n", d.msgs[i]);
  diag_free(&d);
  assert_int_equal(rc, HR_OK);
  assert_int_equal(time_parse_rfc3339("2026-03-01T12:00:00Z", 20, &f->T), 0);
  struct hr_err err = {0};
  assert_int_equal(store_open(f->db, &f->st, &err), HR_OK);
  for (int k = 0; k < 2; k++) {
    int64_t id;
    assert_int_equal(store_slo_id(f->st, k ? "web" : "api", &id, &err), HR_OK);
    for (int m = 1; m <= 10; m++)
      assert_int_equal(store_add(f->st, id, (f->T - m * MIN_US) / 1000000, 50, 100, &err), HR_OK);
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fx *f = *state;
  store_close(f->st);
  config_free(f->cfg);
  char p[128];
  snprintf(p, sizeof p, "%s/h.db-wal", f->dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/h.db-shm", f->dir);
  unlink(p);
  unlink(f->db);
  rmdir(f->dir);
  free(f);
  return 0;
}

static void round_ok(struct fx *f, int64_t t, struct hr_round_stats *rs) {
  struct hr_err err = {0};
  enum hr_rc rc = alert_round(f->st, f->cfg, t, 0, "http://dash", rs, &err);
  if (rc != HR_OK)
    fail_msg("round: %s", err.msg);
}

static void want_stats(const struct hr_round_stats *rs, int conditions, int firing, int pending, int fired,
                       int resolved) {
  if (rs->slos != 2 || rs->conditions != conditions || rs->firing != firing || rs->pending != pending ||
      rs->fired != fired || rs->resolved != resolved)
    fail_msg("stats: slos %d conditions %d firing %d pending %d fired %d resolved %d", rs->slos, rs->conditions,
             rs->firing, rs->pending, rs->fired, rs->resolved);
}

static void want_state(struct fx *f, const char *slo, const char *cond, enum hr_alert_state s, int64_t fired,
                       int64_t resolved) {
  struct hr_alert a;
  int64_t upd;
  int found;
  struct hr_err err = {0};
  assert_int_equal(alerts_get(f->st, slo, "", cond, &a, &upd, &found, &err), HR_OK);
  assert_true(found);
  if (a.state != s || a.fired_at_us != fired || a.resolved_at_us != resolved)
    fail_msg("%s/%s: %s fired %lld resolved %lld", slo, cond, alert_state_name(a.state), (long long)a.fired_at_us,
             (long long)a.resolved_at_us);
}

static void test_round_persistence(void **state) {
  struct fx *f = *state;
  struct hr_round_stats rs;
  int64_t T = f->T;

  /* 1. At T + 25 s (rounded down to T): api's four default conditions fire at
   * once (alertAfter 0); web's yellow (alertAfter 2m) is pending. */
  round_ok(f, T + 25 * 1000000, &rs);
  want_stats(&rs, 6, 4, 1, 4, 0);
  want_state(f, "api", "page-1h-5m", HR_AL_FIRING, T, INT64_MIN);
  want_state(f, "web", "yellow", HR_AL_PENDING, INT64_MIN, INT64_MIN);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event WHERE kind = 'firing'"), 4);
  /* api is on the defaults: every target of the config (one webhook); one
   * incident per severity: one page (page-1h-5m, the 6h page joins it), the
   * tickets held while the page incident is open */
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE payload LIKE '%page-1h-5m%'"), 1);
  assert_int_equal(rs.notified, 1);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert"),
                   6); /* api's five defaults (nodata inactive), web's one */

  /* 2. Restart, same minute: nothing new. */
  reopen(f);
  round_ok(f, T, &rs);
  want_stats(&rs, 6, 4, 1, 0, 0);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event"), 4);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);

  /* 3. T + 1m: still pending (held 1 of 2 minutes); T + 2m: fires. Its
   * policy names no target: an event, no outbox row. */
  round_ok(f, T + MIN_US, &rs);
  want_stats(&rs, 6, 4, 1, 0, 0);
  round_ok(f, T + 2 * MIN_US, &rs);
  want_stats(&rs, 6, 5, 0, 1, 0);
  want_state(f, "web", "yellow", HR_AL_FIRING, T + 2 * MIN_US, INT64_MIN);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event"), 5);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);

  /* 4. A round older than the stored states steps nothing back. */
  round_ok(f, T - 30 * MIN_US, &rs);
  assert_int_equal(rs.fired + rs.resolved, 0);
  assert_int_equal(rs.firing, 5);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert WHERE updated = 1772366520"), 6); /* T + 2m */

  /* 5. T + 20m: the bad minutes left the 5m lookback (low traffic, no events):
   * page-1h-5m resolves; 30m, 1h, 2h, 6h, 1d, 3d still hold them. */
  round_ok(f, T + 20 * MIN_US, &rs);
  want_stats(&rs, 6, 4, 0, 0, 1);
  want_state(f, "api", "page-1h-5m", HR_AL_RESOLVED, T, T + 20 * MIN_US);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event WHERE kind = 'resolved' AND condition = "
                                "'page-1h-5m' AND at = 1772367600"),
                   1); /* python3: 1772366400 + 1200 */
  /* ... but page-6h-30m still fires: the incident is open, nothing is sent */
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);

  /* 6. Restart and again at T + 20m: nothing. */
  reopen(f);
  round_ok(f, T + 20 * MIN_US, &rs);
  want_stats(&rs, 6, 4, 0, 0, 0);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event"), 6);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);

  /* The listing used by evaluate. */
  struct hr_alert_row *rows;
  size_t n;
  struct hr_err err = {0};
  assert_int_equal(alerts_list(f->st, 1u << HR_AL_FIRING, &rows, &n, &err), HR_OK);
  assert_int_equal(n, 4);
  assert_string_equal(rows[0].slo, "api");
  assert_string_equal(rows[0].condition, "page-6h-30m"); /* by slo, condition */
  assert_string_equal(rows[3].slo, "web");
  alerts_rows_free(rows, n);
  struct hr_alert_event *ev;
  assert_int_equal(alerts_events(f->st, 4, 0, &ev, &n, &err), HR_OK);
  assert_int_equal(n, 2);
  assert_string_equal(ev[0].condition, "yellow");
  assert_true(ev[1].kind == HR_TR_RESOLVED && ev[1].at_s == 1772367600);
  assert_non_null(strstr(ev[1].summary, "over 1h"));
  /* the budget worded as every output words it (budget_pct_text), never "budget left -4900.0%" */
  assert_non_null(strstr(ev[0].summary, "; budget 4900.0% overspent"));
  alerts_events_free(ev, n);
}

/* One page per incident: after the fixture's 10 bad minutes, page-6h-30m
 * resolves at T + 30m (its 30m lookback is empty); the page incident stays
 * open for the damping period (30 minutes, a restart in between) and closes
 * at T + 60m with one resolve of the page that was sent; the tickets, still
 * firing (the 2h lookback holds the bad minutes), were held under it and
 * are sent then, once. */
static void test_round_incident(void **state) {
  struct fx *f = *state;
  struct hr_round_stats rs;
  int64_t T = f->T;
  round_ok(f, T, &rs);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
  round_ok(f, T + 30 * MIN_US, &rs);
  want_state(f, "api", "page-6h-30m", HR_AL_RESOLVED, T, T + 30 * MIN_US);
  assert_int_equal(rs.notified, 1); /* web's yellow (alertAfter 2m) opened web's incident: no target */
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
  reopen(f);
  round_ok(f, T + 59 * MIN_US, &rs);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 1);
  round_ok(f, T + 60 * MIN_US, &rs);
  assert_int_equal(rs.notified, 2); /* api: the page's resolve, the tickets' firing (web still fires) */
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 3);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE payload LIKE '%page-1h-5m%' "
                                "AND payload LIKE '%\"endsAt\":\"2026-03-01T13:00:00Z\"%'"),
                   1); /* the resolve: T + 60m */
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE payload LIKE '%ticket-1d-2h%'"), 1);
  assert_int_equal(count(f->st, "SELECT count(*) FROM incident WHERE slo = 'api' AND grp = 'page' AND open = 0"), 1);
  /* the same round again sends nothing */
  round_ok(f, T + 60 * MIN_US, &rs);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox"), 3);
}

/* An SLO the store never saw: its conditions are evaluated (no data) and
 * nothing fires. */
static void test_round_no_data(void **state) {
  struct fx *f = *state;
  struct hr_err err = {0};
  struct hr_round_stats rs;
  int64_t T = f->T + 40 * 1440 * MIN_US; /* 40 days later: everything out of every lookback */
  assert_int_equal(alert_round(f->st, f->cfg, T, 0, NULL, &rs, &err), HR_OK);
  want_stats(&rs, 6, 0, 1, 0, 0); /* api's default "nodata": its log is dead, pending for 5 minutes */
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event"), 0);
  assert_int_equal(alert_round(f->st, f->cfg, T + 5 * MIN_US, 0, NULL, &rs, &err), HR_OK);
  want_stats(&rs, 6, 1, 0, 1, 0); /* then it pages, once */
  assert_int_equal(rs.notified, 1);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE payload LIKE '%\"condition\":\"nodata\"%'"), 1);
}

/* Conditions that leave the configuration: api's four default conditions
 * (firing) resolve with a transition row and a queued resolve each; web's
 * pending "yellow" (web removed) goes back to inactive without a transition;
 * api's new "yellow" starts pending. */
static void test_round_orphans(void **state) {
  struct fx *f = *state;
  struct hr_round_stats rs;
  round_ok(f, f->T, &rs);
  want_stats(&rs, 6, 4, 1, 4, 0);
  int64_t out0 = count(f->st, "SELECT count(*) FROM outbox");
  struct hr_config *c2 = NULL;
  struct hr_diag d = {0};
  char name[96];
  snprintf(name, sizeof name, "%s/conf2.yaml", f->dir);
  assert_int_equal(config_load_mem(name, conf2_yaml, sizeof conf2_yaml - 1, 0, &c2, &d), HR_OK);
  diag_free(&d);
  struct hr_err err = {0};
  int64_t t1 = f->T + MIN_US;
  assert_int_equal(alert_round(f->st, c2, t1, 0, NULL, &rs, &err), HR_OK);
  assert_int_equal(rs.resolved, 4);
  assert_int_equal(rs.fired, 0);
  want_state(f, "api", "page-1h-5m", HR_AL_RESOLVED, f->T, t1);
  want_state(f, "api", "ticket-3d-6h", HR_AL_RESOLVED, f->T, t1);
  want_state(f, "web", "yellow", HR_AL_INACTIVE, INT64_MIN, INT64_MIN);
  struct hr_alert a;
  int64_t upd;
  int found;
  assert_int_equal(alerts_get(f->st, "api", "", "yellow", &a, &upd, &found, &err), HR_OK);
  assert_true(found && a.state == HR_AL_PENDING);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event WHERE kind = 'resolved' AND slo = 'api'"), 4);
  assert_int_equal(count(f->st, "SELECT count(*) FROM alert_event WHERE slo = 'web'"), 0);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox") - out0, 4); /* one resolve per target (one) */
  /* Idempotent: the same round again changes nothing. */
  assert_int_equal(alert_round(f->st, c2, t1, 0, NULL, &rs, &err), HR_OK);
  assert_int_equal(rs.resolved, 0);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox") - out0, 4);
  config_free(c2);
}

/* A firing condition of another kind than burn rate leaves the
 * configuration: its resolve carries the kind its firing had (the store
 * keeps it): "kind" in the webhook's JSON here, the alertname
 * (SLOBudgetExhaustion, ...) for Alertmanager, which then resolves that very
 * alert. */
static void test_round_orphan_kind(void **state) {
  struct fx *f = *state;
  struct hr_err err = {0};
  struct hr_alert a = {.state = HR_AL_FIRING,
                       .since_us = f->T - 10 * MIN_US,
                       .fired_at_us = f->T - 10 * MIN_US,
                       .resolved_at_us = INT64_MIN};
  assert_int_equal(store_begin(f->st, &err), HR_OK);
  assert_int_equal(alerts_put(f->st, "web", "", "red-exhaustion", HR_COND_EXHAUSTION, "page", &a, 0.5,
                              (f->T - 10 * MIN_US) / 1000000, &err),
                   HR_OK);
  assert_int_equal(alerts_put(f->st, "web", "", "low-budget", HR_COND_BUDGET, "ticket", &a, 0.1,
                              (f->T - 10 * MIN_US) / 1000000, &err),
                   HR_OK);
  assert_int_equal(store_commit(f->st, &err), HR_OK);
  struct hr_alert_row *rows;
  size_t n;
  assert_int_equal(alerts_list(f->st, 1u << HR_AL_FIRING, &rows, &n, &err), HR_OK);
  assert_int_equal(n, 2);
  assert_int_equal(rows[0].kind, HR_COND_BUDGET); /* by slo, condition: low-budget first */
  assert_int_equal(rows[1].kind, HR_COND_EXHAUSTION);
  alerts_rows_free(rows, n);
  struct hr_round_stats rs;
  round_ok(f, f->T, &rs);
  assert_int_equal(rs.resolved, 2);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE payload LIKE '%\"kind\":\"exhaustion\"%' "
                                "AND payload LIKE '%red-exhaustion%'"),
                   1);
  assert_int_equal(count(f->st, "SELECT count(*) FROM outbox WHERE payload LIKE '%\"kind\":\"budget\"%' "
                                "AND payload LIKE '%low-budget%'"),
                   1);
  /* a row written before schema version 4 (kind NULL) reads as burn rate */
  sqlite3_exec(store_db(f->st), "UPDATE alert SET kind = NULL", NULL, NULL, NULL);
  assert_int_equal(alerts_list(f->st, ~0u, &rows, &n, &err), HR_OK);
  assert_true(n > 0);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(rows[i].kind, HR_COND_BURNRATE);
  alerts_rows_free(rows, n);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test_setup_teardown(test_round_orphan_kind, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_persistence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_no_data, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_orphans, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_incident, setup, teardown),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
