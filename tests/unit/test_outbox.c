/* test_outbox.c -- the notification outbox in the store (store/outbox.h):
 * rows queued inside the caller's transaction, the due selection by time
 * and per-URL order, the update after an attempt, the prune of delivered
 * rows and the pending count. Rows are read back with plain SQL
 * (outbox_rows.h); times are passed in, nothing reads the clock.
 *
 * Stores live in a fresh mkdtemp directory under /tmp (tmp_store.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/outbox.h"
#include "store/store.h"
#include "outbox_rows.h"
#include "tmp_store.h"

#define T0 INT64_C(1774742400) /* 2026-03-29T00:00:00Z */
#define AM "http://am:9093/api/v2/alerts"
#define HOOK "http://chat/hook"
#define KEEP_S (30 * 86400)

static void add_ok(struct hr_store *st, const char *target, const char *url, const char *payload, int64_t now_s) {
  struct hr_err err = {0};
  enum hr_rc rc = outbox_add(st, target, strcmp(url, AM) == 0 ? "alertmanager" : "webhook", url, payload, now_s, &err);
  if (rc != HR_OK)
    fail_msg("outbox_add: %s", err.msg);
}

/* The ids outbox_due(now_s, max) returns, in its order, into ids; their count. */
static size_t due_ids(struct hr_store *st, int64_t now_s, size_t max, int64_t *ids, size_t cap) {
  struct hr_outbox_row *rows = NULL;
  size_t n = 99;
  struct hr_err err = {0};
  enum hr_rc rc = outbox_due(st, now_s, max, &rows, &n, &err);
  if (rc != HR_OK)
    fail_msg("outbox_due: %s", err.msg);
  assert_true(n <= cap);
  for (size_t i = 0; i < n; i++)
    ids[i] = rows[i].id;
  outbox_rows_free(rows, n);
  return n;
}

static void failed_ok(struct hr_store *st, int64_t id, int64_t attempts, int64_t next_try, const char *why) {
  struct hr_err err = {0};
  if (outbox_mark_failed(st, id, attempts, next_try, why, &err) != HR_OK)
    fail_msg("outbox_mark_failed: %s", err.msg);
}

static void sent_ok(struct hr_store *st, int64_t id, int64_t sent_s) {
  struct hr_err err = {0};
  if (outbox_mark_sent(st, id, sent_s, &err) != HR_OK)
    fail_msg("outbox_mark_sent: %s", err.msg);
}

static int64_t pending(struct hr_store *st) {
  int64_t n = -1;
  struct hr_err err = {0};
  if (outbox_pending(st, &n, &err) != HR_OK)
    fail_msg("outbox_pending: %s", err.msg);
  return n;
}

/* Each test gets a store in a fresh temp directory (*state: struct fx). */
struct fx {
  struct tmp t;
  struct hr_store *st;
};

static int fx_setup(void **state) {
  struct fx *f = xcalloc(1, sizeof *f);
  tmp_make(&f->t);
  f->st = open_ok(f->t.db);
  *state = f;
  return 0;
}

static int fx_teardown(void **state) {
  struct fx *f = *state;
  store_close(f->st);
  tmp_remove(&f->t);
  free(f);
  return 0;
}

/* ------------------------------------------------------------------------ */

/* A queued row holds what it was given, due at once, never tried; it lives
 * and dies with the caller's transaction. */
static void test_add(void **state) {
  struct hr_store *st = ((struct fx *)*state)->st;
  struct hr_err err = {0};

  assert_int_equal(store_begin(st, &err), HR_OK);
  add_ok(st, "oncall", AM, "[{\"labels\":{}}]", T0);
  add_ok(st, "chat", HOOK, "{\"status\":\"firing\"}", T0);
  store_rollback(st);
  struct orow r[4];
  assert_int_equal(orows_read(st, r, 4), 0); /* gone with the caller's work */
  assert_int_equal(pending(st), 0);

  assert_int_equal(store_begin(st, &err), HR_OK);
  add_ok(st, "oncall", AM, "[{\"labels\":{}}]", T0);
  add_ok(st, "chat", HOOK, "{\"status\":\"firing\"}", T0 + 5);
  assert_int_equal(store_commit(st, &err), HR_OK);
  int n = orows_read(st, r, 4);
  assert_int_equal(n, 2);
  assert_string_equal(r[0].target, "oncall");
  assert_string_equal(r[0].kind, "alertmanager");
  assert_string_equal(r[0].url, AM);
  assert_string_equal(r[0].payload, "[{\"labels\":{}}]");
  assert_int_equal(r[0].created, T0);
  assert_int_equal(r[0].next_try, T0);
  assert_int_equal(r[0].attempts, 0);
  assert_int_equal(r[0].sent, -1);
  assert_string_equal(r[0].last_error, "");
  assert_string_equal(r[1].target, "chat");
  assert_string_equal(r[1].kind, "webhook");
  assert_string_equal(r[1].payload, "{\"status\":\"firing\"}");
  assert_int_equal(r[1].created, T0 + 5);
  assert_int_equal(r[1].next_try, T0 + 5);
  assert_true(r[1].id > r[0].id);
  orows_free(r, n);
  assert_int_equal(pending(st), 2);

  /* Outside a transaction a row is its own. */
  add_ok(st, "chat", HOOK, "{}", T0 + 6);
  assert_int_equal(pending(st), 3);
}

/* Due: unsent, next_try <= now, by id, at most max; a row waits behind an
 * older unsent row to its URL that is not yet due. */
static void test_due(void **state) {
  struct hr_store *st = ((struct fx *)*state)->st;
  add_ok(st, "oncall", AM, "firing", T0);       /* 1 */
  add_ok(st, "oncall", AM, "resolved", T0 + 1); /* 2 */
  add_ok(st, "chat", HOOK, "a", T0 + 2);        /* 3 */
  add_ok(st, "chat", HOOK, "b", T0 + 3);        /* 4 */
  struct orow r[8];
  int n = orows_read(st, r, 8);
  assert_int_equal(n, 4);
  int64_t id[4] = {r[0].id, r[1].id, r[2].id, r[3].id};
  orows_free(r, n);

  int64_t got[8];
  assert_int_equal(due_ids(st, T0 - 1, 0, got, 8), 0); /* nothing due yet */
  assert_int_equal(due_ids(st, T0, 0, got, 8), 1);
  assert_int_equal(got[0], id[0]);
  assert_int_equal(due_ids(st, T0 + 2, 0, got, 8), 3);
  assert_int_equal(got[0], id[0]);
  assert_int_equal(got[1], id[1]);
  assert_int_equal(got[2], id[2]);
  assert_int_equal(due_ids(st, T0 + 3, 0, got, 8), 4);
  assert_int_equal(due_ids(st, T0 + 3, 2, got, 8), 2); /* max: the oldest two */
  assert_int_equal(got[0], id[0]);
  assert_int_equal(got[1], id[1]);

  /* Row 1 failed, retry at T0 + 13: row 2 (same URL) waits behind it even
   * though its own next_try has passed; the other URL does not. */
  failed_ok(st, id[0], 1, T0 + 13, "HTTP 500");
  assert_int_equal(due_ids(st, T0 + 12, 0, got, 8), 2);
  assert_int_equal(got[0], id[2]);
  assert_int_equal(got[1], id[3]);
  assert_int_equal(due_ids(st, T0 + 13, 0, got, 8), 4); /* row 1 due again, row 2 behind it */
  assert_int_equal(got[0], id[0]);
  assert_int_equal(got[1], id[1]);

  /* Sent rows are never due; they do not hold anything back. */
  sent_ok(st, id[0], T0 + 13);
  sent_ok(st, id[2], T0 + 13);
  assert_int_equal(due_ids(st, T0 + 100000, 0, got, 8), 2);
  assert_int_equal(got[0], id[1]);
  assert_int_equal(got[1], id[3]);
  assert_int_equal(pending(st), 2);
}

/* The first row's retry state and delivery (sent -1: NULL, last_error "":
 * NULL). */
static void first_row_is(struct hr_store *st, int64_t attempts, int64_t next_try, const char *last_error,
                         int64_t sent) {
  struct orow r[4];
  int n = orows_read(st, r, 4);
  assert_true(n >= 1);
  assert_int_equal(r[0].attempts, attempts);
  assert_int_equal(r[0].next_try, next_try);
  assert_string_equal(r[0].last_error, last_error);
  assert_int_equal(r[0].sent, sent);
  assert_int_equal(r[0].created, T0);
  orows_free(r, n);
}

/* An attempt's outcome: a failure sets attempts, next_try and the reason and
 * leaves the row unsent; a delivery sets sent and clears the reason. Other
 * rows are untouched. */
static void test_mark(void **state) {
  struct hr_store *st = ((struct fx *)*state)->st;
  add_ok(st, "oncall", AM, "p", T0);
  add_ok(st, "chat", HOOK, "q", T0);
  struct orow r[4];
  int n = orows_read(st, r, 4);
  int64_t a = r[0].id;
  orows_free(r, n);

  failed_ok(st, a, 1, T0 + 10, "HTTP 500: receiver down");
  first_row_is(st, 1, T0 + 10, "HTTP 500: receiver down", -1);
  failed_ok(st, a, 2, T0 + 30, "Couldn't connect to server");
  first_row_is(st, 2, T0 + 30, "Couldn't connect to server", -1);
  assert_int_equal(pending(st), 2);
  sent_ok(st, a, T0 + 30);
  first_row_is(st, 2, T0 + 30, "", T0 + 30); /* attempts kept: how many tries it took */
  assert_int_equal(pending(st), 1);

  n = orows_read(st, r, 4);
  assert_int_equal(n, 2);
  assert_int_equal(r[1].attempts, 0); /* the other row */
  assert_int_equal(r[1].next_try, T0);
  assert_int_equal(r[1].sent, -1);
  assert_string_equal(r[1].last_error, "");
  int64_t b = r[1].id;
  orows_free(r, n);

  /* An unknown id changes nothing and is no error. */
  sent_ok(st, b + 100, T0);
  failed_ok(st, b + 101, 1, T0, "x");
  assert_int_equal(pending(st), 1);
  first_row_is(st, 2, T0 + 30, "", T0 + 30);
}

/* Delivered rows with sent < before_s go; a delivered row at before_s and
 * every undelivered row stay, however old. */
static void test_prune(void **state) {
  struct hr_store *st = ((struct fx *)*state)->st;
  int64_t now = T0 + 40 * 86400;
  add_ok(st, "oncall", AM, "old, sent", T0);
  add_ok(st, "oncall", AM, "sent exactly 30 days ago", T0);
  add_ok(st, "chat", HOOK, "never sent, older than 30 days", T0);
  add_ok(st, "chat", HOOK, "sent recently", T0);
  struct orow r[8];
  int n = orows_read(st, r, 8);
  assert_int_equal(n, 4);
  int64_t id[4] = {r[0].id, r[1].id, r[2].id, r[3].id};
  orows_free(r, n);
  sent_ok(st, id[0], now - KEEP_S - 1);
  sent_ok(st, id[1], now - KEEP_S);
  failed_ok(st, id[2], 30, T0 + 39 * 86400, "HTTP 400");
  sent_ok(st, id[3], now - 60);

  struct hr_err err = {0};
  assert_int_equal(outbox_prune_sent(st, now - KEEP_S, &err), HR_OK);
  n = orows_read(st, r, 8);
  assert_int_equal(n, 3);
  assert_int_equal(r[0].id, id[1]);
  assert_int_equal(r[1].id, id[2]);
  assert_int_equal(r[2].id, id[3]);
  orows_free(r, n);

  /* However late the cutoff: the undelivered row stays. */
  assert_int_equal(outbox_prune_sent(st, INT64_MAX, &err), HR_OK);
  n = orows_read(st, r, 8);
  assert_int_equal(n, 1);
  assert_int_equal(r[0].id, id[2]);
  assert_int_equal(r[0].sent, -1);
  orows_free(r, n);
  assert_int_equal(pending(st), 1);
}

/* A store that cannot be written: the error names the outbox and the
 * target, and nothing is returned. */
static void test_errors(void **state) {
  struct fx *f = *state;
  add_ok(f->st, "oncall", AM, "p", T0);
  store_close(f->st);
  struct hr_err err = {0};
  assert_int_equal(store_open_ro(f->t.db, &f->st, &err), HR_OK);
  struct hr_store *st = f->st;
  assert_int_equal(outbox_add(st, "chat", "webhook", HOOK, "{}", T0, &err), HR_ERR_DB);
  assert_non_null(strstr(err.msg, "store: outbox: queue for target chat: "));
  assert_int_equal(outbox_mark_sent(st, 1, T0, &err), HR_ERR_DB);
  assert_non_null(strstr(err.msg, "store: outbox: update row 1: "));
  /* Reading works read-only. */
  int64_t got[2];
  assert_int_equal(due_ids(st, T0, 0, got, 2), 1);
  assert_int_equal(pending(st), 1);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test_setup_teardown(test_add, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_due, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_mark, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_prune, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_errors, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
