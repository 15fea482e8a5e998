/* outbox_rows.h -- for the outbox tests (test_outbox, test_notify): every
 * column of every outbox row, read back with plain SQL so that the tests
 * see what is stored, not what the store's API chooses to return. Include
 * after <cmocka.h>. */
#ifndef HR_TEST_OUTBOX_ROWS_H
#define HR_TEST_OUTBOX_ROWS_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "util/xmalloc.h"

/* One outbox row, read back. */
struct orow {
  int64_t id, created, attempts, next_try, sent;        /* sent -1: NULL */
  char target[64], kind[32], url[256], last_error[512]; /* last_error "": NULL */
  char *payload;                                        /* owned */
};

/* The first max rows by id into out; returns how many. */
static inline int orows_read(struct hr_store *st, struct orow *out, int max) {
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(store_db(st),
                                      "SELECT id, target, kind, url, payload, created, attempts, next_try, "
                                      "coalesce(last_error, ''), coalesce(sent, -1) FROM outbox ORDER BY id",
                                      -1, &q, NULL),
                   SQLITE_OK);
  int n = 0;
  while (sqlite3_step(q) == SQLITE_ROW && n < max) {
    struct orow *r = &out[n++];
    r->id = sqlite3_column_int64(q, 0);
    snprintf(r->target, sizeof r->target, "%s", (const char *)sqlite3_column_text(q, 1));
    snprintf(r->kind, sizeof r->kind, "%s", (const char *)sqlite3_column_text(q, 2));
    snprintf(r->url, sizeof r->url, "%s", (const char *)sqlite3_column_text(q, 3));
    r->payload = xstrdup((const char *)sqlite3_column_text(q, 4));
    r->created = sqlite3_column_int64(q, 5);
    r->attempts = sqlite3_column_int64(q, 6);
    r->next_try = sqlite3_column_int64(q, 7);
    snprintf(r->last_error, sizeof r->last_error, "%s", (const char *)sqlite3_column_text(q, 8));
    r->sent = sqlite3_column_int64(q, 9);
  }
  sqlite3_finalize(q);
  return n;
}

static inline void orows_free(struct orow *r, int n) {
  for (int i = 0; i < n; i++)
    free(r[i].payload);
}

#endif
