/* timeline.c -- see timeline.h. Statements are prepared per call: the
 * timeline is written once per deploy and read once per report. */
#include "store/timeline.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static const char *const kinds[] = {"deploy", "incident", "maintenance", "note"};

int timeline_kind_ok(const char *kind) {
  for (size_t i = 0; kind != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kind, kinds[i]) == 0)
      return 1;
  return 0;
}

static enum hr_rc db_fail(sqlite3 *db, struct hr_err *err, const char *what) {
  return HR_FAIL(err, HR_ERR_DB, "store: timeline: %s: %s", what, sqlite3_errmsg(db));
}

enum hr_rc timeline_add(struct hr_store *st, const struct hr_annotation *a, int64_t *id, struct hr_err *err) {
  if (a->service == NULL || a->service[0] == '\0')
    return HR_FAIL(err, HR_ERR_USAGE, "an annotation needs a service");
  if (!timeline_kind_ok(a->kind))
    return HR_FAIL(err, HR_ERR_USAGE, "kind '%s': expected deploy, incident, maintenance or note",
                   a->kind ? a->kind : "");
  int maint = strcmp(a->kind, "maintenance") == 0;
  if (maint && !a->has_end)
    return HR_FAIL(err, HR_ERR_USAGE, "a maintenance annotation needs an end (--until)");
  if (maint && a->end_s <= a->at_s)
    return HR_FAIL(err, HR_ERR_USAGE, "a maintenance window must end after it starts");
  if (!maint && a->has_end)
    return HR_FAIL(err, HR_ERR_USAGE, "only a maintenance annotation has an end (--until)");
  if (a->text != NULL && strlen(a->text) > HR_TEXT_MAX)
    return HR_FAIL(err, HR_ERR_TOOBIG, "annotation text longer than %d bytes", HR_TEXT_MAX);
  if (store_is_readonly(st))
    return HR_FAIL(err, HR_ERR_DB, "store: timeline: the store is open read-only");
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO annotation(service, kind, at, end_at, text, created) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare");
  sqlite3_bind_text(q, 1, a->service, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, a->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, a->at_s);
  if (a->has_end)
    sqlite3_bind_int64(q, 4, a->end_s);
  else
    sqlite3_bind_null(q, 4);
  if (a->text != NULL)
    sqlite3_bind_text(q, 5, a->text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, 5);
  sqlite3_bind_int64(q, 6, a->created_s);
  enum hr_rc rc = HR_OK;
  if (sqlite3_step(q) != SQLITE_DONE)
    rc = db_fail(db, err, "insert");
  else if (id != NULL)
    *id = sqlite3_last_insert_rowid(db);
  sqlite3_finalize(q);
  return rc;
}

static char *col_str(sqlite3_stmt *q, int i) {
  const unsigned char *s = sqlite3_column_text(q, i);
  return s ? xstrdup((const char *)s) : NULL;
}

static void row_to(sqlite3_stmt *q, struct hr_annotation *a) {
  memset(a, 0, sizeof *a);
  a->id = sqlite3_column_int64(q, 0);
  a->service = col_str(q, 1);
  a->kind = col_str(q, 2);
  a->at_s = sqlite3_column_int64(q, 3);
  a->has_end = sqlite3_column_type(q, 4) != SQLITE_NULL;
  a->end_s = a->has_end ? sqlite3_column_int64(q, 4) : 0;
  a->text = col_str(q, 5);
  a->created_s = sqlite3_column_int64(q, 6);
}

#define COLS "SELECT id, service, kind, at, end_at, text, created FROM annotation "

enum hr_rc timeline_list(struct hr_store *st, const char *service, const char *kind, int64_t from_s, int64_t to_s,
                         struct hr_annotation **out, size_t *n, struct hr_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  /* A point touches [from, to) when from <= at < to; a window [at, end)
   * when at < to and end > from. */
  if (sqlite3_prepare_v2(db,
                         COLS "WHERE (?1 IS NULL OR service = ?1) AND (?2 IS NULL OR kind = ?2) AND at < ?4 "
                              "AND (CASE WHEN end_at IS NULL THEN at >= ?3 ELSE end_at > ?3 END) "
                              "ORDER BY at, id",
                         -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare");
  if (service)
    sqlite3_bind_text(q, 1, service, -1, SQLITE_STATIC);
  if (kind)
    sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, from_s);
  sqlite3_bind_int64(q, 4, to_s);
  struct hr_annotation *v = NULL;
  size_t len = 0, cap = 0;
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    if (len == cap) {
      cap = cap ? cap * 2 : 8;
      v = xrealloc(v, cap * sizeof *v);
    }
    row_to(q, &v[len++]);
  }
  sqlite3_finalize(q);
  if (r != SQLITE_DONE) {
    timeline_free(v, len);
    return db_fail(db, err, "list");
  }
  *out = v;
  *n = len;
  return HR_OK;
}

void timeline_clear(struct hr_annotation *a) {
  free(a->service);
  free(a->kind);
  free(a->text);
  a->service = a->kind = a->text = NULL;
}

void timeline_free(struct hr_annotation *a, size_t n) {
  for (size_t i = 0; a != NULL && i < n; i++)
    timeline_clear(&a[i]);
  free(a);
}

enum hr_rc timeline_last(struct hr_store *st, const char *service, const char *kind, int64_t at_s,
                         struct hr_annotation *out, int *found, struct hr_err *err) {
  *found = 0;
  memset(out, 0, sizeof *out);
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, COLS "WHERE service = ?1 AND kind = ?2 AND at <= ?3 ORDER BY at DESC, id DESC LIMIT 1", -1,
                         &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "prepare");
  sqlite3_bind_text(q, 1, service, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, at_s);
  int r = sqlite3_step(q);
  enum hr_rc rc = HR_OK;
  if (r == SQLITE_ROW) {
    row_to(q, out);
    *found = 1;
  } else if (r != SQLITE_DONE) {
    rc = db_fail(db, err, "last");
  }
  sqlite3_finalize(q);
  return rc;
}
