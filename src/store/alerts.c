/* alerts.c -- see alerts.h. Statements are prepared per call: a round
 * touches a few dozen rows a minute. */
#include "store/alerts.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define US 1000000

static enum hr_rc prep(struct hr_store *st, const char *sql, sqlite3_stmt **out, struct hr_err *err) {
  sqlite3 *db = store_db(st);
  if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK) {
    *out = NULL;
    return HR_FAIL(err, HR_ERR_DB, "store: alerts: %s", sqlite3_errmsg(db));
  }
  return HR_OK;
}

static enum hr_rc step_fail(struct hr_store *st, sqlite3_stmt *q, struct hr_err *err) {
  enum hr_rc rc = HR_FAIL(err, HR_ERR_DB, "store: alerts: %s", sqlite3_errmsg(store_db(st)));
  sqlite3_finalize(q);
  return rc;
}

static int64_t s_to_us(sqlite3_stmt *q, int col) {
  if (sqlite3_column_type(q, col) == SQLITE_NULL)
    return INT64_MIN;
  return sqlite3_column_int64(q, col) * US;
}

static void bind_us(sqlite3_stmt *q, int col, int64_t us) {
  if (us == INT64_MIN)
    sqlite3_bind_null(q, col);
  else
    sqlite3_bind_int64(q, col, us / US);
}

static char *col_dup(sqlite3_stmt *q, int col) {
  const unsigned char *t = sqlite3_column_text(q, col);
  return t ? xstrdup((const char *)t) : NULL;
}

static void read_alert(sqlite3_stmt *q, int col, struct hr_alert *a) {
  int s = alert_state_from_name((const char *)sqlite3_column_text(q, col));
  a->state = s < 0 ? HR_AL_INACTIVE : (enum hr_alert_state)s;
  a->since_us = sqlite3_column_int64(q, col + 1) * US;
  a->fired_at_us = s_to_us(q, col + 2);
  a->resolved_at_us = s_to_us(q, col + 3);
}

/* Bind an alert's group labels (NULL: an SLO's own alert, ''). */
static void bind_labels(sqlite3_stmt *q, int col, const char *labels) {
  sqlite3_bind_text(q, col, labels ? labels : "", -1, SQLITE_TRANSIENT);
}

enum hr_rc alerts_get(struct hr_store *st, const char *slo, const char *labels, const char *condition,
                      struct hr_alert *a, int64_t *updated_s, int *found, struct hr_err *err) {
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st,
                       "SELECT state, since, fired_at, resolved_at, updated FROM alert "
                       "WHERE slo = ?1 AND condition = ?2 AND labels = ?3",
                       &q, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_text(q, 1, slo, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, condition, -1, SQLITE_TRANSIENT);
  bind_labels(q, 3, labels);
  int r = sqlite3_step(q);
  if (r == SQLITE_ROW) {
    read_alert(q, 0, a);
    *updated_s = sqlite3_column_int64(q, 4);
    *found = 1;
  } else if (r == SQLITE_DONE) {
    memset(a, 0, sizeof *a);
    a->state = HR_AL_INACTIVE;
    a->fired_at_us = a->resolved_at_us = INT64_MIN;
    *updated_s = INT64_MIN;
    *found = 0;
  } else {
    return step_fail(st, q, err);
  }
  sqlite3_finalize(q);
  return HR_OK;
}

/* The kind column's words, by enum hr_cond_kind. */
static const char *const kind_names[] = {[HR_COND_BURNRATE] = "burnrate",
                                         [HR_COND_EXHAUSTION] = "exhaustion",
                                         [HR_COND_BUDGET] = "budget",
                                         [HR_COND_NODATA] = "nodata"};

static enum hr_cond_kind kind_of(const unsigned char *s) {
  for (size_t k = 0; s != NULL && k < sizeof kind_names / sizeof kind_names[0]; k++)
    if (strcmp((const char *)s, kind_names[k]) == 0)
      return (enum hr_cond_kind)k;
  return HR_COND_BURNRATE; /* NULL: written before schema version 4 */
}

enum hr_rc alerts_put(struct hr_store *st, const char *slo, const char *labels, const char *condition,
                      enum hr_cond_kind kind, const char *severity, const struct hr_alert *a, double value,
                      int64_t updated_s, struct hr_err *err) {
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st,
                       "INSERT OR REPLACE INTO alert (slo, condition, severity, state, since, fired_at, resolved_at, "
                       "value, updated, kind, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                       &q, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_text(q, 1, slo, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, condition, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 3, severity ? severity : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 4, alert_state_name(a->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 5, a->since_us / US);
  bind_us(q, 6, a->fired_at_us);
  bind_us(q, 7, a->resolved_at_us);
  sqlite3_bind_double(q, 8, value);
  sqlite3_bind_int64(q, 9, updated_s);
  sqlite3_bind_text(q, 10, (unsigned)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : NULL, -1,
                    SQLITE_STATIC);
  bind_labels(q, 11, labels);
  if (sqlite3_step(q) != SQLITE_DONE)
    return step_fail(st, q, err);
  sqlite3_finalize(q);
  return HR_OK;
}

enum hr_rc alerts_event_add(struct hr_store *st, const char *slo, const char *labels, const char *condition,
                            const char *severity, enum hr_transition kind, int64_t at_s, double value,
                            const char *summary, struct hr_err *err) {
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st,
                       "INSERT INTO alert_event (slo, condition, severity, kind, at, value, summary, labels) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       &q, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_text(q, 1, slo, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, condition, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 3, severity ? severity : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 4, kind == HR_TR_RESOLVED ? "resolved" : "firing", -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 5, at_s);
  sqlite3_bind_double(q, 6, value);
  if (summary)
    sqlite3_bind_text(q, 7, summary, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(q, 7);
  bind_labels(q, 8, labels);
  if (sqlite3_step(q) != SQLITE_DONE)
    return step_fail(st, q, err);
  sqlite3_finalize(q);
  return HR_OK;
}

enum hr_rc alerts_list(struct hr_store *st, unsigned states_mask, struct hr_alert_row **out, size_t *n,
                       struct hr_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st,
                       "SELECT slo, condition, severity, state, since, fired_at, resolved_at, value, updated, kind, "
                       "labels FROM alert ORDER BY slo, labels, condition",
                       &q, err);
  if (rc != HR_OK)
    return rc;
  struct hr_alert_row *rows = NULL;
  size_t cnt = 0, cap = 0;
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    struct hr_alert a;
    read_alert(q, 3, &a);
    if (!(states_mask & (1u << a.state)))
      continue;
    if (cnt == cap) {
      cap = cap ? 2 * cap : 16;
      rows = xrealloc(rows, cap * sizeof *rows);
    }
    struct hr_alert_row *w = &rows[cnt++];
    w->slo = col_dup(q, 0);
    w->condition = col_dup(q, 1);
    w->severity = col_dup(q, 2);
    w->a = a;
    w->value = sqlite3_column_double(q, 7);
    w->updated_s = sqlite3_column_int64(q, 8);
    w->kind = kind_of(sqlite3_column_text(q, 9));
    w->labels = col_dup(q, 10);
  }
  if (r != SQLITE_DONE) {
    alerts_rows_free(rows, cnt);
    return step_fail(st, q, err);
  }
  sqlite3_finalize(q);
  *out = rows;
  *n = cnt;
  return HR_OK;
}

void alerts_rows_free(struct hr_alert_row *rows, size_t n) {
  for (size_t i = 0; i < n && rows; i++) {
    free(rows[i].slo);
    free(rows[i].condition);
    free(rows[i].severity);
    free(rows[i].labels);
  }
  free(rows);
}

/* The transitions a prepared statement q selects (columns id, slo,
 * condition, severity, kind, at, value, summary, labels), oldest first. */
static enum hr_rc events_read(struct hr_store *st, sqlite3_stmt *q, struct hr_alert_event **out, size_t *n,
                              struct hr_err *err) {
  struct hr_alert_event *ev = NULL;
  size_t cnt = 0, cap = 0;
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    if (cnt == cap) {
      cap = cap ? 2 * cap : 16;
      ev = xrealloc(ev, cap * sizeof *ev);
    }
    struct hr_alert_event *e = &ev[cnt++];
    e->id = sqlite3_column_int64(q, 0);
    e->slo = col_dup(q, 1);
    e->condition = col_dup(q, 2);
    e->severity = col_dup(q, 3);
    const unsigned char *k = sqlite3_column_text(q, 4);
    e->kind = k && strcmp((const char *)k, "resolved") == 0 ? HR_TR_RESOLVED : HR_TR_FIRING;
    e->at_s = sqlite3_column_int64(q, 5);
    e->value = sqlite3_column_double(q, 6);
    e->summary = col_dup(q, 7);
    e->labels = col_dup(q, 8);
  }
  if (r != SQLITE_DONE) {
    alerts_events_free(ev, cnt);
    return step_fail(st, q, err);
  }
  sqlite3_finalize(q);
  *out = ev;
  *n = cnt;
  return HR_OK;
}

#define EVENT_COLS "SELECT id, slo, condition, severity, kind, at, value, summary, labels FROM alert_event "

enum hr_rc alerts_events(struct hr_store *st, int64_t after_id, size_t max, struct hr_alert_event **out, size_t *n,
                         struct hr_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st, EVENT_COLS "WHERE id > ?1 ORDER BY id LIMIT ?2", &q, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_int64(q, 1, after_id);
  sqlite3_bind_int64(q, 2, max ? (int64_t)max : -1);
  return events_read(st, q, out, n, err);
}

enum hr_rc alerts_events_of(struct hr_store *st, const char *slo, int64_t from_s, int64_t to_s,
                            struct hr_alert_event **out, size_t *n, struct hr_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *q;
  enum hr_rc rc =
      prep(st, EVENT_COLS "WHERE (?1 IS NULL OR slo = ?1) AND at >= ?2 AND at < ?3 ORDER BY at, id", &q, err);
  if (rc != HR_OK)
    return rc;
  if (slo != NULL)
    sqlite3_bind_text(q, 1, slo, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, 1);
  sqlite3_bind_int64(q, 2, from_s);
  sqlite3_bind_int64(q, 3, to_s);
  return events_read(st, q, out, n, err);
}

void alerts_events_free(struct hr_alert_event *ev, size_t n) {
  for (size_t i = 0; i < n && ev; i++) {
    free(ev[i].slo);
    free(ev[i].condition);
    free(ev[i].severity);
    free(ev[i].summary);
    free(ev[i].labels);
  }
  free(ev);
}

enum hr_rc alerts_last_event_id(struct hr_store *st, int64_t *id, struct hr_err *err) {
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st, "SELECT COALESCE(MAX(id), 0) FROM alert_event", &q, err);
  if (rc != HR_OK)
    return rc;
  if (sqlite3_step(q) != SQLITE_ROW)
    return step_fail(st, q, err);
  *id = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return HR_OK;
}

enum hr_rc alerts_incident_get(struct hr_store *st, const char *slo, const char *labels, const char *grp,
                               struct hr_incident_row *out, int *found, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  out->g.quiet_since_us = out->fired_at_us = out->updated_s = INT64_MIN;
  *found = 0;
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st,
                       "SELECT open, notified, quiet_since, lead, lead_kind, fired_at, updated FROM incident "
                       "WHERE slo = ?1 AND grp = ?2 AND labels = ?3",
                       &q, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_text(q, 1, slo, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, grp, -1, SQLITE_TRANSIENT);
  bind_labels(q, 3, labels);
  int r = sqlite3_step(q);
  if (r == SQLITE_ROW) {
    out->g.open = sqlite3_column_int(q, 0) != 0;
    out->g.notified = sqlite3_column_int(q, 1) != 0;
    out->g.quiet_since_us = s_to_us(q, 2);
    out->lead = col_dup(q, 3);
    out->lead_kind = kind_of(sqlite3_column_text(q, 4));
    out->fired_at_us = s_to_us(q, 5);
    out->updated_s = sqlite3_column_int64(q, 6);
    *found = 1;
  } else if (r != SQLITE_DONE) {
    return step_fail(st, q, err);
  }
  sqlite3_finalize(q);
  return HR_OK;
}

enum hr_rc alerts_incident_put(struct hr_store *st, const char *slo, const char *labels, const char *grp,
                               const struct hr_incident_row *r, struct hr_err *err) {
  sqlite3_stmt *q;
  enum hr_rc rc = prep(st,
                       "INSERT OR REPLACE INTO incident (slo, grp, open, notified, quiet_since, lead, lead_kind, "
                       "fired_at, updated, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                       &q, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_text(q, 1, slo, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, grp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(q, 3, r->g.open);
  sqlite3_bind_int(q, 4, r->g.notified);
  bind_us(q, 5, r->g.quiet_since_us);
  if (r->lead != NULL)
    sqlite3_bind_text(q, 6, r->lead, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(q, 6);
  sqlite3_bind_text(q, 7,
                    (unsigned)r->lead_kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[r->lead_kind] : NULL,
                    -1, SQLITE_STATIC);
  bind_us(q, 8, r->fired_at_us);
  sqlite3_bind_int64(q, 9, r->updated_s);
  bind_labels(q, 10, labels);
  if (sqlite3_step(q) != SQLITE_DONE)
    return step_fail(st, q, err);
  sqlite3_finalize(q);
  return HR_OK;
}
