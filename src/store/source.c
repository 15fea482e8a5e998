/* source.c -- see source.h. */
#include "store/source.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static enum hr_rc fail(sqlite3 *db, struct hr_err *err, const char *what) {
  return HR_FAIL(err, HR_ERR_DB, "store: source: %s: %s", what, sqlite3_errmsg(db));
}

static void bind_time(sqlite3_stmt *q, int i, int64_t us) {
  if (us == INT64_MIN)
    sqlite3_bind_null(q, i);
  else
    sqlite3_bind_int64(q, i, us);
}

enum hr_rc store_source_add(struct hr_store *st, const char *source, const struct hr_source_batch *b,
                            struct hr_err *err) {
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  /* The recent counts are halved while above HR_SOURCE_RECENT: a window over
   * the latest lines that forgets slowly. */
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO source(name, lines, malformed, recent_lines, recent_malformed, last_event_us) "
                         "VALUES (?1, ?2, ?3, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE SET "
                         "lines = lines + ?2, malformed = malformed + ?3, "
                         "recent_lines = recent_lines + ?2, recent_malformed = recent_malformed + ?3, "
                         "last_event_us = CASE WHEN last_event_us IS NULL OR ?4 > last_event_us "
                         "THEN COALESCE(?4, last_event_us) ELSE last_event_us END",
                         -1, &q, NULL) != SQLITE_OK)
    return fail(db, err, "prepare");
  sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, (int64_t)b->lines);
  sqlite3_bind_int64(q, 3, (int64_t)b->malformed);
  bind_time(q, 4, b->last_event_us);
  int ok = sqlite3_step(q) == SQLITE_DONE;
  sqlite3_finalize(q);
  if (!ok)
    return fail(db, err, "add");
  char halve[160];
  snprintf(halve, sizeof halve,
           "UPDATE source SET recent_lines = recent_lines / 2, recent_malformed = "
           "recent_malformed / 2 WHERE name = ?1 AND recent_lines > %d",
           HR_SOURCE_RECENT);
  if (sqlite3_prepare_v2(db, halve, -1, &q, NULL) != SQLITE_OK)
    return fail(db, err, "prepare");
  sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
  for (int i = 0; i < 64 && ok; i++) { /* a batch larger than the window halves several times */
    ok = sqlite3_step(q) == SQLITE_DONE;
    int changed = sqlite3_changes(db);
    sqlite3_reset(q);
    if (!changed)
      break;
  }
  sqlite3_finalize(q);
  if (!ok)
    return fail(db, err, "recent");
  if (b->nfields == 0)
    return HR_OK;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO source_field(source, field, last_us) VALUES (?1, ?2, ?3) "
                         "ON CONFLICT(source, field) DO UPDATE SET last_us = CASE WHEN last_us IS NULL OR ?3 > "
                         "last_us THEN COALESCE(?3, last_us) ELSE last_us END",
                         -1, &q, NULL) != SQLITE_OK)
    return fail(db, err, "prepare");
  for (size_t i = 0; i < b->nfields && ok; i++) {
    sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, b->fields[i], -1, SQLITE_STATIC);
    bind_time(q, 3, b->field_last_us[i]);
    ok = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return ok ? HR_OK : fail(db, err, "field");
}

enum hr_rc store_source_get(struct hr_store *st, const char *source, struct hr_source_state *out, int *found,
                            struct hr_err *err) {
  memset(out, 0, sizeof *out);
  out->last_event_us = INT64_MIN;
  *found = 0;
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT lines, malformed, recent_lines, recent_malformed, last_event_us FROM source "
                         "WHERE name = ?1",
                         -1, &q, NULL) != SQLITE_OK)
    return fail(db, err, "prepare");
  sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
  int r = sqlite3_step(q);
  if (r == SQLITE_ROW) {
    *found = 1;
    out->lines = (uint64_t)sqlite3_column_int64(q, 0);
    out->malformed = (uint64_t)sqlite3_column_int64(q, 1);
    out->recent_lines = (uint64_t)sqlite3_column_int64(q, 2);
    out->recent_malformed = (uint64_t)sqlite3_column_int64(q, 3);
    if (sqlite3_column_type(q, 4) != SQLITE_NULL)
      out->last_event_us = sqlite3_column_int64(q, 4);
  }
  sqlite3_finalize(q);
  if (r != SQLITE_ROW && r != SQLITE_DONE)
    return fail(db, err, "get");
  if (!*found)
    return HR_OK;
  if (sqlite3_prepare_v2(db, "SELECT field, last_us FROM source_field WHERE source = ?1 ORDER BY field", -1, &q,
                         NULL) != SQLITE_OK)
    return fail(db, err, "prepare");
  sqlite3_bind_text(q, 1, source, -1, SQLITE_STATIC);
  size_t cap = 0;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    if (out->nfields == cap) {
      cap = cap ? 2 * cap : 8;
      out->fields = xrealloc(out->fields, cap * sizeof *out->fields);
      out->field_last_us = xrealloc(out->field_last_us, cap * sizeof *out->field_last_us);
    }
    out->fields[out->nfields] = xstrdup((const char *)sqlite3_column_text(q, 0));
    out->field_last_us[out->nfields++] =
        sqlite3_column_type(q, 1) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(q, 1);
  }
  sqlite3_finalize(q);
  if (r != SQLITE_DONE) {
    store_source_state_free(out);
    return fail(db, err, "fields");
  }
  return HR_OK;
}

void store_source_state_free(struct hr_source_state *s) {
  for (size_t i = 0; i < s->nfields; i++)
    free(s->fields[i]);
  free(s->fields);
  free(s->field_last_us);
  memset(s, 0, sizeof *s);
  s->last_event_us = INT64_MIN;
}
