/* outbox.c -- see outbox.h. Statements are prepared per call: a round
 * queues a few rows and a delivery pass touches a few more. */
#include "store/outbox.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "util/xmalloc.h"

static enum hr_rc db_fail(sqlite3 *db, struct hr_err *err, const char *what) {
  return HR_FAIL(err, HR_ERR_DB, "store: outbox: %s: %s", what, sqlite3_errmsg(db));
}

enum hr_rc outbox_add(struct hr_store *st, const char *target, const char *kind, const char *url, const char *payload,
                      int64_t now_s, struct hr_err *err) {
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO outbox(target, kind, url, payload, created, next_try) VALUES (?, ?, ?, ?, ?, ?)",
                         -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare insert");
  sqlite3_bind_text(q, 1, target, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, url, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 5, now_s);
  sqlite3_bind_int64(q, 6, now_s);
  enum hr_rc rc = HR_OK;
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = HR_FAIL(err, HR_ERR_DB, "store: outbox: queue for target %s: %s", target ? target : "?", sqlite3_errmsg(db));
  sqlite3_finalize(q);
  return rc;
}

static char *col_dup(sqlite3_stmt *q, int col) {
  const unsigned char *t = sqlite3_column_text(q, col);
  return xstrdup(t ? (const char *)t : "");
}

enum hr_rc outbox_due(struct hr_store *st, int64_t now_s, size_t max, struct hr_outbox_row **out, size_t *n,
                      struct hr_err *err) {
  static const char sql[] =
      "SELECT id, attempts, url, payload FROM outbox AS o"
      " WHERE sent IS NULL AND next_try <= ?1"
      "   AND NOT EXISTS (SELECT 1 FROM outbox AS p"
      "                    WHERE p.sent IS NULL AND p.url = o.url AND p.id < o.id AND p.next_try > ?1)"
      " ORDER BY id LIMIT ?2";
  *out = NULL;
  *n = 0;
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare select");
  sqlite3_bind_int64(q, 1, now_s);
  sqlite3_bind_int64(q, 2, max ? (int64_t)max : -1);
  struct hr_outbox_row *rows = NULL;
  size_t cnt = 0, cap = 0;
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    if (cnt == cap) {
      cap = cap ? 2 * cap : 16;
      rows = xrealloc(rows, cap * sizeof *rows);
    }
    struct hr_outbox_row *w = &rows[cnt++];
    w->id = sqlite3_column_int64(q, 0);
    w->attempts = sqlite3_column_int64(q, 1);
    w->url = col_dup(q, 2);
    w->payload = col_dup(q, 3);
  }
  sqlite3_finalize(q);
  if (r != SQLITE_DONE) {
    outbox_rows_free(rows, cnt);
    return db_fail(db, err, "select due rows");
  }
  *out = rows;
  *n = cnt;
  return HR_OK;
}

void outbox_rows_free(struct hr_outbox_row *rows, size_t n) {
  for (size_t i = 0; rows != NULL && i < n; i++) {
    free(rows[i].url);
    free(rows[i].payload);
  }
  free(rows);
}

/* One row's outcome: delivered at sent_s (f == NULL), or the failed
 * attempt f. */
struct failure {
  int64_t attempts, next_try_s;
  const char *last_error;
};

static enum hr_rc update_row(struct hr_store *st, int64_t id, int64_t sent_s, const struct failure *f,
                             struct hr_err *err) {
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  const char *sql = f == NULL ? "UPDATE outbox SET sent = ?2, last_error = NULL WHERE id = ?1"
                              : "UPDATE outbox SET attempts = ?3, next_try = ?4, last_error = ?5 WHERE id = ?1";
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare update");
  sqlite3_bind_int64(q, 1, id);
  if (f == NULL) {
    sqlite3_bind_int64(q, 2, sent_s);
  } else {
    sqlite3_bind_int64(q, 3, f->attempts);
    sqlite3_bind_int64(q, 4, f->next_try_s);
    if (f->last_error != NULL)
      sqlite3_bind_text(q, 5, f->last_error, -1, SQLITE_STATIC);
  }
  enum hr_rc rc = HR_OK;
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = HR_FAIL(err, HR_ERR_DB, "store: outbox: update row %lld: %s", (long long)id, sqlite3_errmsg(db));
  sqlite3_finalize(q);
  return rc;
}

enum hr_rc outbox_mark_sent(struct hr_store *st, int64_t id, int64_t sent_s, struct hr_err *err) {
  return update_row(st, id, sent_s, NULL, err);
}

enum hr_rc outbox_mark_failed(struct hr_store *st, int64_t id, int64_t attempts, int64_t next_try_s,
                              const char *last_error, struct hr_err *err) {
  const struct failure f = {attempts, next_try_s, last_error};
  return update_row(st, id, 0, &f, err);
}

enum hr_rc outbox_prune_sent(struct hr_store *st, int64_t before_s, struct hr_err *err) {
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "DELETE FROM outbox WHERE sent IS NOT NULL AND sent < ?1", -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare prune");
  sqlite3_bind_int64(q, 1, before_s);
  enum hr_rc rc = sqlite3_step(q) == SQLITE_DONE ? HR_OK : db_fail(db, err, "prune delivered rows");
  sqlite3_finalize(q);
  return rc;
}

enum hr_rc outbox_pending(struct hr_store *st, int64_t *n, struct hr_err *err) {
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox WHERE sent IS NULL", -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare count");
  enum hr_rc rc = HR_OK;
  if (sqlite3_step(q) == SQLITE_ROW)
    *n = sqlite3_column_int64(q, 0);
  else
    rc = db_fail(db, err, "count pending");
  sqlite3_finalize(q);
  return rc;
}
