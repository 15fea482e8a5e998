/* test_snapshot.c -- serve's snapshot (src/http/api.c, docs/internals/serve.md):
 * requests share the last complete snapshot; nothing changed, nothing is
 * recomputed (an alert round included); while a recompute is held up, a
 * request after a tailer commit gets the previous snapshot at once, and a
 * request after a write it must read (api_changed(a, 1)) waits for a snapshot
 * that has it. A snapshot handed out stays readable after it is replaced.
 *
 * One SLO over jsonl events at T - 1 min: 2 good and 1 bad, then 2 more good
 * (5 valid), then 1 more good (6 valid). A broken stale path (a request that
 * waits for the held-up recompute) ends the test by its alarm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "engine/ingest.h"
#include "http/api.h"
#include "tmp_store.h"

/* 2026-10-21T13:00:00Z */
#define T (INT64_C(1792587600) * 1000000)

static const char conf_yaml[] =
    "apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: logs}\nspec:\n  type: headroom.logs\n"
    "  connectionDetails: {format: jsonl}\n"
    "---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: api}\nspec:\n  service: shop\n"
    "  indicator:\n    metadata: {name: api}\n    spec:\n      ratioMetric:\n        counter: true\n"
    "        good: {metricSource: {metricSourceRef: logs, type: headroom.logs, spec: {filter: 'status < 500'}}}\n"
    "  timeWindow: [{duration: 1d, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n";

#define GOOD "{\"time\": \"2026-10-21T12:59:10Z\", \"status\": 200}\n"
#define BAD "{\"time\": \"2026-10-21T12:59:20Z\", \"status\": 503}\n"

static void ingest(const struct hr_config *cfg, const char *db, const char *body) {
  struct hr_buffer_stats s;
  struct hr_err err = {0};
  assert_int_equal(engine_ingest_buffer(cfg, db, NULL, NULL, body, strlen(body), &s, &err), HR_OK);
}

/* The snapshot the API would answer from, which must exist. */
static struct hr_snapshot *get(struct hr_api *a) {
  enum hr_rc rc;
  struct hr_err err = {0};
  struct hr_snapshot *s = api_snapshot_get(a, &rc, &err);
  if (s == NULL)
    fail_msg("no snapshot: %s", err.msg);
  return s;
}

/* The /api/v1/slos body counts `valid` events. */
static void assert_valid(const struct hr_snapshot *s, unsigned valid) {
  char want[32];
  snprintf(want, sizeof want, "\"valid\": %u,", valid);
  if (strstr(s->body[HR_SNAP_SLOS], want) == NULL)
    fail_msg("wanted %s in %.400s", want, s->body[HR_SNAP_SLOS]);
}

static void test_snapshot(void **state) {
  (void)state;
  alarm(20); /* a request that waits when it should not never returns */
  struct hr_config *cfg = NULL;
  struct hr_diag d = {0};
  assert_int_equal(config_load_mem("snap.yaml", conf_yaml, sizeof conf_yaml - 1, 0, &cfg, &d), HR_OK);
  diag_free(&d);
  struct tmp t;
  tmp_make(&t);
  ingest(cfg, t.db, GOOD GOOD BAD);
  struct hr_api a;
  api_init(&a, cfg, t.db, 1, T);
  atomic_store(&a.store_ready, 1);

  /* The first request waits for the first snapshot. */
  struct hr_snapshot *s1 = get(&a);
  assert_valid(s1, 3);
  assert_non_null(strstr(s1->body[HR_SNAP_TRENDS], "\"api\""));
  assert_non_null(strstr(s1->body[HR_SNAP_METRICS], "slo=\"api\""));

  /* Nothing changed, or only alert states: the same snapshot, not computed again. */
  struct hr_snapshot *s = get(&a);
  assert_ptr_equal(s, s1);
  api_snapshot_release(s);
  api_round_done(&a);
  assert_int_equal(atomic_load(&a.generation), s1->gen); /* still fresh: nothing to compute */
  s = get(&a);
  assert_ptr_equal(s, s1);
  api_snapshot_release(s);

  /* The tailer committed while a recompute cannot run (a reload holds the
   * configuration): the previous snapshot, at once. */
  pthread_rwlock_wrlock(&a.cfg_lock);
  ingest(cfg, t.db, GOOD GOOD);
  api_changed(&a, 0);
  s = get(&a);
  assert_ptr_equal(s, s1);
  api_snapshot_release(s);
  pthread_rwlock_unlock(&a.cfg_lock);

  /* A write the client reads next: the request waits for a snapshot with it. */
  ingest(cfg, t.db, GOOD);
  api_changed(&a, 1);
  struct hr_snapshot *s2 = get(&a);
  assert_ptr_not_equal(s2, s1);
  assert_valid(s2, 6);
  assert_valid(s1, 3); /* still held: unchanged, not freed */
  api_snapshot_release(s1);
  api_snapshot_release(s2);

  /* api_snapshot(): a copy of one body. */
  char *body = NULL;
  size_t len = 0;
  struct hr_err err = {0};
  assert_int_equal(api_snapshot(&a, HR_SNAP_SLOS, &body, &len, &err), HR_OK);
  assert_int_equal(strlen(body), len);
  assert_non_null(strstr(body, "\"valid\": 6,"));
  free(body);

  api_destroy(&a);
  config_free(cfg);
  tmp_remove(&t);
  alarm(0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_snapshot)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
