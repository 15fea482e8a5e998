/* store.c -- the embedded SQLite store: see store.h and docs/internals/store.md.
 *
 * One connection per struct hr_store. Every statement is prepared once in
 * store_open() and reused; every sqlite3_step() goes through st_step(), which
 * also implements the fault-injection hook store_fail_after(). */
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/imath.h"
#include "util/xmalloc.h"

/* ------------------------------------------------------------------------ */
/* Schema: one migration step per version. Step i takes a store from
 * user_version i to i + 1; a later version appends a step (alerts,
 * annotations, outbox...) and never edits an old one. The same text is in
 * docs/internals/store.md. */

/* The alert and incident tables re-keyed by (slo, labels, ...): SQLite
 * cannot change a primary key, so each is copied into a new table. */
#define MIGRATION_8                                                                                                    \
  "CREATE TABLE alert_v8 (\n"                                                                                          \
  "  slo         TEXT NOT NULL,\n"                                                                                     \
  "  labels      TEXT NOT NULL DEFAULT '',  -- a group's labels (JSON object); '' for the SLO's own alert\n"           \
  "  condition   TEXT NOT NULL,\n"                                                                                     \
  "  severity    TEXT NOT NULL,\n"                                                                                     \
  "  state       TEXT NOT NULL,     -- inactive | pending | firing | resolved\n"                                       \
  "  since       INTEGER NOT NULL,\n"                                                                                  \
  "  fired_at    INTEGER,\n"                                                                                           \
  "  resolved_at INTEGER,\n"                                                                                           \
  "  value       REAL,\n"                                                                                              \
  "  updated     INTEGER NOT NULL,\n"                                                                                  \
  "  kind        TEXT,\n"                                                                                              \
  "  PRIMARY KEY (slo, labels, condition)\n"                                                                           \
  ") WITHOUT ROWID;\n"                                                                                                 \
  "INSERT INTO alert_v8 (slo, condition, severity, state, since, fired_at, resolved_at, value, updated, kind)\n"       \
  "  SELECT slo, condition, severity, state, since, fired_at, resolved_at, value, updated, kind FROM alert;\n"         \
  "DROP TABLE alert;\n"                                                                                                \
  "ALTER TABLE alert_v8 RENAME TO alert;\n"                                                                            \
  "ALTER TABLE alert_event ADD COLUMN labels TEXT NOT NULL DEFAULT '';\n"                                              \
  "CREATE TABLE incident_v8 (\n"                                                                                       \
  "  slo         TEXT NOT NULL,\n"                                                                                     \
  "  labels      TEXT NOT NULL DEFAULT '',\n"                                                                          \
  "  grp         TEXT NOT NULL,     -- page | ticket\n"                                                                \
  "  open        INTEGER NOT NULL,\n"                                                                                  \
  "  notified    INTEGER NOT NULL,\n"                                                                                  \
  "  quiet_since INTEGER,\n"                                                                                           \
  "  lead        TEXT,\n"                                                                                              \
  "  lead_kind   TEXT,\n"                                                                                              \
  "  fired_at    INTEGER,\n"                                                                                           \
  "  updated     INTEGER NOT NULL,\n"                                                                                  \
  "  PRIMARY KEY (slo, labels, grp)\n"                                                                                 \
  ") WITHOUT ROWID;\n"                                                                                                 \
  "INSERT INTO incident_v8 (slo, grp, open, notified, quiet_since, lead, lead_kind, fired_at, updated)\n"              \
  "  SELECT slo, grp, open, notified, quiet_since, lead, lead_kind, fired_at, updated FROM incident;\n"                \
  "DROP TABLE incident;\n"                                                                                             \
  "ALTER TABLE incident_v8 RENAME TO incident;\n"

static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE slo (\n"
    "  id   INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE\n"
    ");\n"
    "CREATE TABLE minute (\n"
    "  slo_id INTEGER NOT NULL,\n"
    "  t      INTEGER NOT NULL,  -- UTC seconds, multiple of 60\n"
    "  good   INTEGER NOT NULL,\n"
    "  valid  INTEGER NOT NULL,\n"
    "  PRIMARY KEY (slo_id, t)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE hour (\n"
    "  slo_id INTEGER NOT NULL,\n"
    "  t      INTEGER NOT NULL,  -- UTC seconds, multiple of 3600\n"
    "  good   INTEGER NOT NULL,\n"
    "  valid  INTEGER NOT NULL,\n"
    "  PRIMARY KEY (slo_id, t)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE day (\n"
    "  slo_id INTEGER NOT NULL,\n"
    "  t      INTEGER NOT NULL,  -- UTC seconds, multiple of 86400\n"
    "  good   INTEGER NOT NULL,\n"
    "  valid  INTEGER NOT NULL,\n"
    "  PRIMARY KEY (slo_id, t)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE file (\n"
    "  key       TEXT PRIMARY KEY,   -- real path of the input\n"
    "  fp_hash   INTEGER NOT NULL,   -- uint64 stored as its int64 bit pattern\n"
    "  fp_len    INTEGER NOT NULL,\n"
    "  \"offset\"  INTEGER NOT NULL,\n"
    "  lines     INTEGER NOT NULL,\n"
    "  malformed INTEGER NOT NULL,\n"
    "  updated   INTEGER NOT NULL    -- UTC seconds of the last store_file_put\n"
    ");\n"
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value TEXT\n"
    ");\n"
    "INSERT INTO meta(key, value) VALUES ('app', 'headroom');\n",
    /* 1 -> 2: alert states and their history, the notification outbox,
     * the timeline (issue: alerting, gate, annotate, backtest) */
    "CREATE TABLE alert (\n"
    "  slo         TEXT NOT NULL,     -- SLO name\n"
    "  condition   TEXT NOT NULL,     -- condition name\n"
    "  severity    TEXT NOT NULL,\n"
    "  state       TEXT NOT NULL,     -- inactive | pending | firing | resolved\n"
    "  since       INTEGER NOT NULL,  -- UTC seconds the state began\n"
    "  fired_at    INTEGER,           -- UTC seconds; NULL when never fired\n"
    "  resolved_at INTEGER,\n"
    "  value       REAL,              -- what the condition measured at the last round\n"
    "  updated     INTEGER NOT NULL,  -- the round (UTC seconds) that wrote the row\n"
    "  PRIMARY KEY (slo, condition)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE alert_event (\n"
    "  id        INTEGER PRIMARY KEY,\n"
    "  slo       TEXT NOT NULL,\n"
    "  condition TEXT NOT NULL,\n"
    "  severity  TEXT NOT NULL,\n"
    "  kind      TEXT NOT NULL,       -- firing | resolved\n"
    "  at        INTEGER NOT NULL,    -- UTC seconds\n"
    "  value     REAL,\n"
    "  summary   TEXT\n"
    ");\n"
    "CREATE INDEX alert_event_at ON alert_event(at);\n"
    "CREATE TABLE outbox (\n"
    "  id         INTEGER PRIMARY KEY,\n"
    "  target     TEXT NOT NULL,      -- AlertNotificationTarget name\n"
    "  kind       TEXT NOT NULL,      -- alertmanager | webhook\n"
    "  url        TEXT NOT NULL,\n"
    "  payload    TEXT NOT NULL,      -- the JSON body to send\n"
    "  created    INTEGER NOT NULL,   -- UTC seconds\n"
    "  attempts   INTEGER NOT NULL DEFAULT 0,\n"
    "  next_try   INTEGER NOT NULL,   -- UTC seconds of the next attempt\n"
    "  last_error TEXT,\n"
    "  sent       INTEGER             -- UTC seconds when delivered; NULL while pending\n"
    ");\n"
    "CREATE INDEX outbox_pending ON outbox(next_try) WHERE sent IS NULL;\n"
    "CREATE TABLE annotation (\n"
    "  id      INTEGER PRIMARY KEY,\n"
    "  service TEXT NOT NULL,\n"
    "  kind    TEXT NOT NULL,         -- deploy | incident | maintenance | note | ...\n"
    "  at      INTEGER NOT NULL,      -- UTC seconds\n"
    "  end_at  INTEGER,               -- maintenance: end of the window (exclusive)\n"
    "  text    TEXT,\n"
    "  created INTEGER NOT NULL       -- UTC seconds\n"
    ");\n"
    "CREATE INDEX annotation_service_at ON annotation(service, at);\n",
    /* 2 -> 3: per-minute latency histograms and the latest bad events of
     * each SLO (src/store/detail.c; issue: dashboard details) */
    "CREATE TABLE latency (\n"
    "  slo_id INTEGER NOT NULL,\n"
    "  t      INTEGER NOT NULL,  -- UTC seconds, multiple of 60\n"
    "  b      INTEGER NOT NULL,  -- bucket of the duration (detail.h)\n"
    "  n      INTEGER NOT NULL,  -- valid events with a duration in it\n"
    "  PRIMARY KEY (slo_id, t, b)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE latency_hour (\n"
    "  slo_id INTEGER NOT NULL,\n"
    "  t      INTEGER NOT NULL,  -- UTC seconds, multiple of 3600\n"
    "  b      INTEGER NOT NULL,\n"
    "  n      INTEGER NOT NULL,\n"
    "  PRIMARY KEY (slo_id, t, b)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE bad_event (\n"
    "  id       INTEGER PRIMARY KEY,\n"
    "  slo_id   INTEGER NOT NULL,\n"
    "  t_us     INTEGER NOT NULL,  -- event time, UTC microseconds\n"
    "  status,                     -- number or text as the log had it; NULL when absent\n"
    "  path     TEXT,\n"
    "  duration REAL,              -- seconds; NULL when absent\n"
    "  line     TEXT NOT NULL      -- the log line, cut to 2 KiB\n"
    ");\n"
    "CREATE INDEX bad_event_slo_t ON bad_event(slo_id, t_us);\n",
    /* 3 -> 4: the kind of an alert's condition, so that the resolve of a
     * condition removed from the configuration carries the alertname its
     * firing had (src/engine/round.c retire_orphans) */
    "ALTER TABLE alert ADD COLUMN kind TEXT;  -- burnrate | exhaustion | budget; NULL before version 4: burnrate\n",
    /* 4 -> 5: what was read of each DataSource, for the data health of its
     * SLOs (store/source.h, docs/internals/math.md "Data health") */
    "CREATE TABLE source (\n"
    "  name            TEXT PRIMARY KEY,\n"
    "  lines           INTEGER NOT NULL,  -- every line ever read\n"
    "  malformed       INTEGER NOT NULL,\n"
    "  recent_lines    INTEGER NOT NULL,  -- the latest lines (halved past 20,000)\n"
    "  recent_malformed INTEGER NOT NULL,\n"
    "  last_event_us   INTEGER            -- the newest event read; NULL: none yet\n"
    ");\n"
    "CREATE TABLE source_field (\n"
    "  source        TEXT NOT NULL,\n"
    "  field         TEXT NOT NULL,      -- a field the source's SLO filters read\n"
    "  last_us       INTEGER,            -- the newest event in which it had a value; NULL: never\n"
    "  PRIMARY KEY (source, field)\n"
    ");\n",
    /* 5 -> 6: one incident per SLO and severity group, so that one page is
     * sent per incident (core/alert.h incident_step, docs/alerting.md) */
    "CREATE TABLE incident (\n"
    "  slo         TEXT NOT NULL,\n"
    "  grp         TEXT NOT NULL,     -- page | ticket\n"
    "  open        INTEGER NOT NULL,\n"
    "  notified    INTEGER NOT NULL,  -- its firing was sent\n"
    "  quiet_since INTEGER,           -- UTC seconds its last member stopped firing; NULL while one fires\n"
    "  lead        TEXT,              -- the condition whose firing was sent; its resolve carries its labels\n"
    "  lead_kind   TEXT,              -- burnrate | exhaustion | budget | nodata\n"
    "  fired_at    INTEGER,           -- UTC seconds the firing was sent\n"
    "  updated     INTEGER NOT NULL,  -- the round (UTC seconds) that wrote the row\n"
    "  PRIMARY KEY (slo, grp)\n"
    ") WITHOUT ROWID;\n",
    /* 6 -> 7: the groups of grouped SLOs (store/group.h); their counts
     * live in minute, hour and day under SLO ids of their own */
    "CREATE TABLE grp (\n"
    "  slo_id INTEGER NOT NULL,   -- the grouped SLO (slo.id)\n"
    "  fields TEXT NOT NULL,      -- its groupBy fields, joined by ','\n"
    "  key    BLOB NOT NULL,      -- the group's values (src/core/grpkey.h); empty for _other\n"
    "  seq    INTEGER NOT NULL,   -- the order the groups were named: 0, 1, ...; -1 for _other\n"
    "  cid    INTEGER NOT NULL,   -- the slo.id its counts are kept under\n"
    "  PRIMARY KEY (slo_id, fields, key)\n"
    ") WITHOUT ROWID;\n",
    /* 7 -> 8: alerts and incidents of the groups of grouped SLOs
     * (docs/alerting.md, "Grouped SLOs"): the group's labels join the keys;
     * '' is an SLO's own */
    MIGRATION_8,
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))
#define BUSY_MS 5000 /* how long a writer waits for another to finish */

/* Timestamps outside +-2^50 s (35 million years) are refused, so that the
 * rounding below can never overflow. */
#define T_LIMIT ((int64_t)1 << 50)

/* ------------------------------------------------------------------------ */
/* Statements, prepared once (table-driven). */

enum q {
  Q_BEGIN,
  Q_BEGIN_RO,
  Q_COMMIT,
  Q_ROLLBACK,
  Q_SLO_GET,
  Q_SLO_INS,
  Q_ADD_MINUTE,
  Q_ADD_HOUR,
  Q_ADD_DAY,
  Q_FILE_GET,
  Q_FILE_PUT,
  Q_FILE_PRUNE,
  Q_FILE_LIST,
  Q_LOAD,
  Q_LAST,
  Q_FIRST_SLO,
  Q_SUM_DAY,
  Q_SUM_HOUR,
  Q_SUM_MINUTE,
  Q_N
};

#define UPSERT(table)                                                                                                  \
  "INSERT INTO " table "(slo_id, t, good, valid) VALUES (?1, ?2, ?3, ?4) "                                             \
  "ON CONFLICT(slo_id, t) DO UPDATE SET good = good + excluded.good, valid = valid + excluded.valid"

static const char *const q_sql[Q_N] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_BEGIN_RO] = "BEGIN",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SLO_GET] = "SELECT id FROM slo WHERE name = ?1",
    [Q_SLO_INS] = "INSERT INTO slo(name) VALUES (?1) ON CONFLICT(name) DO NOTHING",
    [Q_ADD_MINUTE] = UPSERT("minute"),
    [Q_ADD_HOUR] = UPSERT("hour"),
    [Q_ADD_DAY] = UPSERT("day"),
    [Q_FILE_GET] = "SELECT fp_hash, fp_len, \"offset\", lines, malformed FROM file WHERE key = ?1",
    [Q_FILE_PUT] = "INSERT INTO file(key, fp_hash, fp_len, \"offset\", lines, malformed, updated) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, unixepoch()) "
                   "ON CONFLICT(key) DO UPDATE SET fp_hash = excluded.fp_hash, fp_len = excluded.fp_len, "
                   "\"offset\" = excluded.\"offset\", lines = excluded.lines, malformed = excluded.malformed, "
                   "updated = excluded.updated",
    /* keys in [?1, ?2): one range of the primary key */
    [Q_FILE_PRUNE] = "DELETE FROM file WHERE key >= ?1 AND key < ?2 AND updated < ?3",
    /* ?1 NULL or '': every row */
    [Q_FILE_LIST] = "SELECT key, fp_hash, fp_len, \"offset\", lines, malformed FROM file "
                    "WHERE coalesce(?1, '') = '' OR substr(key, 1, length(?1)) != ?1",
    [Q_LOAD] = "SELECT t, good, valid FROM minute WHERE slo_id = ?1 AND t >= ?2 AND t < ?3 ORDER BY t",
    /* max(t) per SLO uses the primary key (one seek each) instead of a scan. */
    [Q_LAST] = "SELECT max((SELECT max(t) FROM minute WHERE slo_id = slo.id)) FROM slo",
    [Q_FIRST_SLO] = "SELECT min(t) FROM minute WHERE slo_id = ?1",
    /* One range scan of a primary key each; store_sums() runs only the
     * ranges that are not empty. */
    [Q_SUM_DAY] = "SELECT sum(good), sum(valid) FROM day WHERE slo_id = ?1 AND t >= ?2 AND t < ?3",
    [Q_SUM_HOUR] = "SELECT sum(good), sum(valid) FROM hour WHERE slo_id = ?1 AND t >= ?2 AND t < ?3",
    [Q_SUM_MINUTE] = "SELECT sum(good), sum(valid) FROM minute WHERE slo_id = ?1 AND t >= ?2 AND t < ?3",
};

struct hr_store {
  sqlite3 *db;
  char *path; /* owned */
  int readonly;
  int fail_after; /* store_fail_after(): steps left before the injected fault; 0 = off */
  int injected;   /* the last failed step was the injected fault */
  int poisoned;   /* a step failed inside the current transaction: commit refuses */
  sqlite3_stmt *q[Q_N];
};

/* ------------------------------------------------------------------------ */
/* Helpers */

static const char *st_errmsg(const struct hr_store *st) {
  if (st->injected)
    return "injected fault (store_fail_after)";
  int code = sqlite3_errcode(st->db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return "another process holds the store's write lock (a running serve or ingest?)";
  if (code == SQLITE_FULL)
    return "the disk is full";
  if (code == SQLITE_READONLY)
    return "the store is read-only (file permissions, or a read-only file system)";
  return sqlite3_errmsg(st->db);
}

/* Fill *err with "store: <what>: <sqlite message>"; remember that the open
 * transaction (if any) must not be committed. */
#define ST_FAIL(st, err, what)                                                                                         \
  (((st)->poisoned = !sqlite3_get_autocommit((st)->db)),                                                               \
   HR_FAIL((err), HR_ERR_DB, "store: %s: %s", (what), st_errmsg(st)))

/* The one place that calls sqlite3_step(): counts steps for store_fail_after(). */
static int st_step(struct hr_store *st, sqlite3_stmt *q) {
  if (st->fail_after > 0 && --st->fail_after == 0) {
    st->injected = 1;
    return SQLITE_IOERR;
  }
  st->injected = 0;
  return sqlite3_step(q);
}

/* Step a statement that returns no row, then reset it. */
static int st_exec(struct hr_store *st, enum q which) {
  sqlite3_stmt *q = st->q[which];
  int rc = st_step(st, q);
  sqlite3_reset(q);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int t_ok(int64_t t) {
  return t > -T_LIMIT && t < T_LIMIT;
}

/* ------------------------------------------------------------------------ */
/* Open, migrate, close */

static enum hr_rc migrate(struct hr_store *st, struct hr_err *err) {
  char *msg = NULL;
  sqlite3_stmt *q = NULL;
  int version = -1;
  enum hr_rc rc = HR_OK;

  if (!st->readonly && sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    if (sqlite3_errcode(st->db) == SQLITE_BUSY || sqlite3_errcode(st->db) == SQLITE_LOCKED)
      return HR_FAIL(err, HR_ERR_DB,
                     "store: open %s: another process holds its write lock (a running serve or ingest?); "
                     "waited %d s",
                     st->path, BUSY_MS / 1000);
    return HR_FAIL(err, HR_ERR_DB, "store: open %s: cannot write to it: %s", st->path, sqlite3_errmsg(st->db));
  }
  if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
    rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: read schema version: %s", st->path, sqlite3_errmsg(st->db));
    goto out;
  }
  version = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  q = NULL;

  if (version > SCHEMA_VERSION) {
    rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: schema version %d is newer than this headroom's (%d)", st->path,
                 version, SCHEMA_VERSION);
    goto out;
  }
  if (st->readonly) {
    if (version < SCHEMA_VERSION)
      rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: schema version %d, need %d: open it read-write once to migrate it",
                   st->path, version, SCHEMA_VERSION);
    return rc;
  }
  for (int v = version; v < SCHEMA_VERSION; v++) {
    if (sqlite3_exec(st->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
      rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: migrate to version %d: %s", st->path, v + 1,
                   msg ? msg : sqlite3_errmsg(st->db));
      goto out;
    }
  }
  if (version < SCHEMA_VERSION) {
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", SCHEMA_VERSION);
    if (sqlite3_exec(st->db, pragma, NULL, NULL, &msg) != SQLITE_OK) {
      rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: set schema version: %s", st->path,
                   msg ? msg : sqlite3_errmsg(st->db));
      goto out;
    }
  }
  if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: commit migration: %s", st->path, sqlite3_errmsg(st->db));
    goto out;
  }
  return HR_OK;
out:
  sqlite3_finalize(q);
  sqlite3_free(msg);
  if (!st->readonly && !sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

static enum hr_rc open_common(const char *path, int readonly, struct hr_store **out, struct hr_err *err) {
  *out = NULL;
  struct hr_store *st = xcalloc(1, sizeof *st);
  st->path = xstrdup(path);
  st->readonly = readonly;
  enum hr_rc rc = HR_OK;
  int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;

  if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
    rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
    goto fail;
  }
  sqlite3_extended_result_codes(st->db, 0);
  sqlite3_busy_timeout(st->db, BUSY_MS);
  if (!readonly) {
    /* WAL persists in the file; ":memory:" answers "memory", which is fine. */
    static const char *const pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
    if (sqlite3_exec(st->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
      rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: %s", path, sqlite3_errmsg(st->db));
      goto fail;
    }
  }
  if ((rc = migrate(st, err)) != HR_OK)
    goto fail;
  for (int i = 0; i < Q_N; i++) {
    if (sqlite3_prepare_v3(st->db, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL) != SQLITE_OK) {
      rc = HR_FAIL(err, HR_ERR_DB, "store: open %s: prepare: %s", path, sqlite3_errmsg(st->db));
      goto fail;
    }
  }
  *out = st;
  return HR_OK;
fail:
  store_close(st);
  return rc;
}

enum hr_rc store_open(const char *path, struct hr_store **out, struct hr_err *err) {
  return open_common(path, 0, out, err);
}

enum hr_rc store_open_ro(const char *path, struct hr_store **out, struct hr_err *err) {
  struct stat sb;
  *out = NULL;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT)
      return HR_FAIL(err, HR_ERR_NOTFOUND, "store: open %s: no such file", path);
    return HR_FAIL(err, HR_ERR_DB, "store: open %s: %s", path, strerror(errno));
  }
  return open_common(path, 1, out, err);
}

sqlite3 *store_db(struct hr_store *st) {
  return st->db;
}

int store_is_readonly(const struct hr_store *st) {
  return st->readonly;
}

void store_close(struct hr_store *st) {
  if (st == NULL)
    return;
  if (st->db && !sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  for (int i = 0; i < Q_N; i++)
    sqlite3_finalize(st->q[i]);
  sqlite3_close(st->db);
  free(st->path);
  free(st);
}

/* ------------------------------------------------------------------------ */
/* Transactions */

enum hr_rc store_begin(struct hr_store *st, struct hr_err *err) {
  st->poisoned = 0;
  if (st_exec(st, st->readonly ? Q_BEGIN_RO : Q_BEGIN) != SQLITE_OK)
    return ST_FAIL(st, err, "begin");
  return HR_OK;
}

enum hr_rc store_commit(struct hr_store *st, struct hr_err *err) {
  if (sqlite3_get_autocommit(st->db))
    return HR_FAIL(err, HR_ERR_DB, "store: commit: no transaction is open (it was rolled back after an error)");
  if (st->poisoned)
    return HR_FAIL(err, HR_ERR_DB, "store: commit: a step of this transaction failed; roll it back");
  if (st_exec(st, Q_COMMIT) != SQLITE_OK)
    return ST_FAIL(st, err, "commit");
  return HR_OK;
}

void store_rollback(struct hr_store *st) {
  st->poisoned = 0;
  if (sqlite3_get_autocommit(st->db))
    return; /* SQLite already rolled back (or nothing was open) */
  /* Not through st_step(): a rollback is never the injected fault. */
  sqlite3_step(st->q[Q_ROLLBACK]);
  sqlite3_reset(st->q[Q_ROLLBACK]);
}

void store_fail_after(struct hr_store *st, int nth) {
  st->fail_after = nth > 0 ? nth : 0;
  st->injected = 0;
}

/* ------------------------------------------------------------------------ */
/* SLOs */

/* 1 found, 0 absent, -1 error (message on the handle). */
static int slo_get(struct hr_store *st, const char *name, int64_t *id) {
  sqlite3_stmt *q = st->q[Q_SLO_GET];
  sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC); /* name outlives the step */
  int rc = st_step(st, q);
  int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
  if (found == 1)
    *id = sqlite3_column_int64(q, 0);
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return found;
}

enum hr_rc store_slo_find(struct hr_store *st, const char *name, int64_t *id, struct hr_err *err) {
  int found = slo_get(st, name, id);
  if (found < 0)
    return ST_FAIL(st, err, "find slo");
  if (found == 0)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "store: slo %s: not in the store", name);
  return HR_OK;
}

enum hr_rc store_slo_id(struct hr_store *st, const char *name, int64_t *id, struct hr_err *err) {
  int found = slo_get(st, name, id);
  if (found < 0)
    return ST_FAIL(st, err, "find slo");
  if (found)
    return HR_OK;
  sqlite3_stmt *q = st->q[Q_SLO_INS];
  sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
  int rc = st_exec(st, Q_SLO_INS);
  sqlite3_clear_bindings(q);
  if (rc != SQLITE_OK)
    return ST_FAIL(st, err, "add slo");
  found = slo_get(st, name, id);
  if (found <= 0)
    return ST_FAIL(st, err, "find slo");
  return HR_OK;
}

/* ------------------------------------------------------------------------ */
/* Counts */

static int upsert(struct hr_store *st, enum q which, int64_t slo_id, int64_t t, int64_t good, int64_t valid) {
  sqlite3_stmt *q = st->q[which];
  sqlite3_bind_int64(q, 1, slo_id);
  sqlite3_bind_int64(q, 2, t);
  sqlite3_bind_int64(q, 3, good);
  sqlite3_bind_int64(q, 4, valid);
  return st_exec(st, which);
}

/* The end of an add: the step that failed (what, NULL: none) fails it, and
 * a transaction of its own (own) is committed or rolled back. */
static enum hr_rc add_end(struct hr_store *st, int own, const char *what, struct hr_err *err) {
  enum hr_rc rc;
  if (what != NULL) {
    rc = ST_FAIL(st, err, what);
    if (own)
      store_rollback(st);
    return rc;
  }
  if (own && (rc = store_commit(st, err)) != HR_OK) {
    store_rollback(st);
    return rc;
  }
  return HR_OK;
}

enum hr_rc store_add(struct hr_store *st, int64_t slo_id, int64_t minute_s, uint64_t good, uint64_t valid,
                     struct hr_err *err) {
  if (!t_ok(minute_s) || floor_to(minute_s, 60) != minute_s)
    return HR_FAIL(err, HR_ERR_DB, "store: add: minute %lld is not a whole minute", (long long)minute_s);
  if (good > INT64_MAX || valid > INT64_MAX)
    return HR_FAIL(err, HR_ERR_DB, "store: add: count out of range");
  /* Outside a transaction the three rows still change together. */
  int own = sqlite3_get_autocommit(st->db);
  enum hr_rc rc;
  if (own && (rc = store_begin(st, err)) != HR_OK)
    return rc;
  const char *what = NULL;
  if (upsert(st, Q_ADD_MINUTE, slo_id, minute_s, (int64_t)good, (int64_t)valid) != SQLITE_OK)
    what = "add minute";
  else if (upsert(st, Q_ADD_HOUR, slo_id, floor_to(minute_s, 3600), (int64_t)good, (int64_t)valid) != SQLITE_OK)
    what = "add hour";
  else if (upsert(st, Q_ADD_DAY, slo_id, floor_to(minute_s, 86400), (int64_t)good, (int64_t)valid) != SQLITE_OK)
    what = "add day";
  return add_end(st, own, what, err);
}

/* A run of cells of one SLO within one hour (or day), summed. */
struct rollup {
  int on;
  int64_t id, t;
  uint64_t good, valid;
};

/* Add (id, t, good, valid) to the run r, first writing r when it is of
 * another SLO or bucket. SQLITE_OK or the failing step's code. */
static int rollup_add(struct hr_store *st, enum q which, struct rollup *r, int64_t id, int64_t t, uint64_t good,
                      uint64_t valid) {
  int rc = SQLITE_OK;
  if (r->on && (r->id != id || r->t != t || r->good > INT64_MAX - good || r->valid > INT64_MAX - valid)) {
    rc = upsert(st, which, r->id, r->t, (int64_t)r->good, (int64_t)r->valid);
    r->on = 0;
  }
  if (!r->on)
    *r = (struct rollup){1, id, t, 0, 0};
  r->good += good;
  r->valid += valid;
  return rc;
}

enum hr_rc store_add_counts(struct hr_store *st, const int64_t *ids, const struct hr_counts *m, struct hr_err *err) {
  for (size_t i = 0; i < m->cap && m->n > 0; i++) {
    const struct hr_count_cell *c = &m->c[i];
    if (c->minute == INT64_MIN)
      continue;
    if (!t_ok(c->minute) || floor_to(c->minute, 60) != c->minute)
      return HR_FAIL(err, HR_ERR_DB, "store: add: minute %lld is not a whole minute", (long long)c->minute);
    if (c->good > INT64_MAX || c->valid > INT64_MAX)
      return HR_FAIL(err, HR_ERR_DB, "store: add: count out of range");
  }
  int own = sqlite3_get_autocommit(st->db);
  enum hr_rc rc;
  if (own && (rc = store_begin(st, err)) != HR_OK)
    return rc;
  struct rollup hour = {0}, day = {0};
  const char *what = NULL;
  for (size_t i = 0; i < m->cap && m->n > 0 && what == NULL; i++) {
    const struct hr_count_cell *c = &m->c[i];
    if (c->minute == INT64_MIN)
      continue;
    int64_t id = ids[c->slo];
    if (upsert(st, Q_ADD_MINUTE, id, c->minute, (int64_t)c->good, (int64_t)c->valid) != SQLITE_OK)
      what = "add minute";
    else if (rollup_add(st, Q_ADD_HOUR, &hour, id, floor_to(c->minute, 3600), c->good, c->valid) != SQLITE_OK)
      what = "add hour";
    else if (rollup_add(st, Q_ADD_DAY, &day, id, floor_to(c->minute, 86400), c->good, c->valid) != SQLITE_OK)
      what = "add day";
  }
  if (what == NULL && hour.on &&
      upsert(st, Q_ADD_HOUR, hour.id, hour.t, (int64_t)hour.good, (int64_t)hour.valid) != SQLITE_OK)
    what = "add hour";
  if (what == NULL && day.on &&
      upsert(st, Q_ADD_DAY, day.id, day.t, (int64_t)day.good, (int64_t)day.valid) != SQLITE_OK)
    what = "add day";
  return add_end(st, own, what, err);
}

enum hr_rc store_load(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, struct hr_series *s,
                      struct hr_err *err) {
  if (s->step_us != 60 * INT64_C(1000000) || s->phase_us != 0)
    return HR_FAIL(err, HR_ERR_DB, "store: load: the series must have a 60 s step and phase 0");
  sqlite3_stmt *q = st->q[Q_LOAD];
  sqlite3_bind_int64(q, 1, slo_id);
  sqlite3_bind_int64(q, 2, from_s);
  sqlite3_bind_int64(q, 3, to_s);
  int rc;
  while ((rc = st_step(st, q)) == SQLITE_ROW) {
    int64_t t = sqlite3_column_int64(q, 0);
    uint64_t good = (uint64_t)sqlite3_column_int64(q, 1);
    uint64_t valid = (uint64_t)sqlite3_column_int64(q, 2);
    /* Buckets hold uint32: a minute above that is added in pieces. */
    do {
      uint32_t g = good > UINT32_MAX ? UINT32_MAX : (uint32_t)good;
      uint32_t v = valid > UINT32_MAX ? UINT32_MAX : (uint32_t)valid;
      series_add(s, t * INT64_C(1000000), g, v);
      good -= g;
      valid -= v;
    } while (good > 0 || valid > 0);
  }
  enum hr_rc ret = rc == SQLITE_DONE ? HR_OK : ST_FAIL(st, err, "load");
  sqlite3_reset(q);
  return ret;
}

/* store_sums() plans: [from, to) as a signed sum of aligned ranges of the
 * minute, hour and day tables. Each end is rounded to the hour boundary
 * below or above it (the minutes in between are added or subtracted), the
 * hour ends likewise to days, and the plan that visits the fewest rows wins:
 * at most 30 minute rows and 12 hour rows per end. A range with x > y stands
 * for minus [y, x); the identity S[x,y) + S[y,z) = S[x,z) makes every plan
 * exact because store_add keeps the three tables in one transaction. */
struct srange {
  enum q table;
  int64_t x, y;
};
struct splan {
  int n;
  int64_t cost; /* rows visited + SEEK_ROWS per range */
  struct srange r[5];
};
#define SEEK_ROWS 8 /* one index seek costs about as much as 8 row visits */

static void plan_add(struct splan *p, enum q table, int64_t x, int64_t y, int64_t unit) {
  if (x == y)
    return;
  p->r[p->n++] = (struct srange){table, x, y};
  p->cost += (x < y ? y - x : x - y) / unit + SEEK_ROWS;
}

static void plan_ranges(int64_t from_s, int64_t to_s, struct splan *best) {
  struct splan p = {0};
  plan_add(&p, Q_SUM_MINUTE, from_s, to_s, 60); /* minutes only */
  *best = p;
  const int64_t ha_c[2] = {ceil_to(from_s, 3600), floor_to(from_s, 3600)};
  const int64_t hb_c[2] = {floor_to(to_s, 3600), ceil_to(to_s, 3600)};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      int64_t ha = ha_c[i], hb = hb_c[j];
      const int64_t da_c[3] = {ceil_to(ha, 86400), floor_to(ha, 86400), 0};
      const int64_t db_c[3] = {floor_to(hb, 86400), ceil_to(hb, 86400), 0};
      for (int u = 0; u < 3; u++)
        for (int v = 0; v < 3; v++) {
          if ((u == 2) != (v == 2))
            continue; /* u == v == 2: no day level */
          p = (struct splan){0};
          plan_add(&p, Q_SUM_MINUTE, from_s, ha, 60);
          plan_add(&p, Q_SUM_MINUTE, hb, to_s, 60);
          if (u == 2) {
            plan_add(&p, Q_SUM_HOUR, ha, hb, 3600);
          } else {
            plan_add(&p, Q_SUM_HOUR, ha, da_c[u], 3600);
            plan_add(&p, Q_SUM_HOUR, db_c[v], hb, 3600);
            plan_add(&p, Q_SUM_DAY, da_c[u], db_c[v], 86400);
          }
          if (p.cost < best->cost)
            *best = p;
        }
    }
}

enum hr_rc store_sums(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, uint64_t *good,
                      uint64_t *valid, struct hr_err *err) {
  *good = *valid = 0;
  if (!t_ok(from_s) || !t_ok(to_s) || floor_to(from_s, 60) != from_s || floor_to(to_s, 60) != to_s)
    return HR_FAIL(err, HR_ERR_DB, "store: sums: range [%lld, %lld) is not minute-aligned", (long long)from_s,
                   (long long)to_s);
  if (from_s >= to_s)
    return HR_OK;
  struct splan p;
  plan_ranges(from_s, to_s, &p);
  uint64_t g = 0, v = 0; /* partial sums may dip below 0: modular, exact at the end */
  for (int i = 0; i < p.n; i++) {
    const struct srange *r = &p.r[i];
    sqlite3_stmt *q = st->q[r->table];
    sqlite3_bind_int64(q, 1, slo_id);
    sqlite3_bind_int64(q, 2, r->x < r->y ? r->x : r->y);
    sqlite3_bind_int64(q, 3, r->x < r->y ? r->y : r->x);
    if (st_step(st, q) != SQLITE_ROW) {
      enum hr_rc ret = ST_FAIL(st, err, "sums");
      sqlite3_reset(q);
      return ret;
    }
    uint64_t dg = (uint64_t)sqlite3_column_int64(q, 0), dv = (uint64_t)sqlite3_column_int64(q, 1); /* NULL: 0 */
    sqlite3_reset(q);
    if (r->x < r->y)
      g += dg, v += dv;
    else
      g -= dg, v -= dv;
  }
  *good = g;
  *valid = v;
  return HR_OK;
}

enum hr_rc store_last_minute(struct hr_store *st, int64_t *minute_s, struct hr_err *err) {
  sqlite3_stmt *q = st->q[Q_LAST];
  *minute_s = INT64_MIN;
  int rc = st_step(st, q);
  enum hr_rc ret = HR_OK;
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_type(q, 0) != SQLITE_NULL)
      *minute_s = sqlite3_column_int64(q, 0);
  } else {
    ret = ST_FAIL(st, err, "last minute");
  }
  sqlite3_reset(q);
  return ret;
}

enum hr_rc store_first_minute(struct hr_store *st, int64_t slo_id, int64_t *minute_s, struct hr_err *err) {
  sqlite3_stmt *q = st->q[Q_FIRST_SLO];
  *minute_s = INT64_MIN;
  sqlite3_bind_int64(q, 1, slo_id);
  int rc = st_step(st, q);
  enum hr_rc ret = HR_OK;
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_type(q, 0) != SQLITE_NULL)
      *minute_s = sqlite3_column_int64(q, 0);
  } else {
    ret = ST_FAIL(st, err, "first minute");
  }
  sqlite3_reset(q);
  return ret;
}

/* ------------------------------------------------------------------------ */
/* File positions */

/* A position from the columns fp_hash, fp_len, offset, lines, malformed at
 * col onwards (Q_FILE_GET: 0, Q_FILE_LIST: 1). */
static void read_filepos(sqlite3_stmt *q, int col, struct hr_filepos *pos) {
  pos->fp_hash = (uint64_t)sqlite3_column_int64(q, col);
  pos->fp_len = sqlite3_column_int64(q, col + 1);
  pos->offset = sqlite3_column_int64(q, col + 2);
  pos->lines = sqlite3_column_int64(q, col + 3);
  pos->malformed = sqlite3_column_int64(q, col + 4);
}

enum hr_rc store_file_get(struct hr_store *st, const char *key, struct hr_filepos *pos, int *found,
                          struct hr_err *err) {
  sqlite3_stmt *q = st->q[Q_FILE_GET];
  memset(pos, 0, sizeof *pos);
  *found = 0;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int rc = st_step(st, q);
  enum hr_rc ret = HR_OK;
  if (rc == SQLITE_ROW) {
    *found = 1;
    read_filepos(q, 0, pos);
  } else if (rc != SQLITE_DONE) {
    ret = ST_FAIL(st, err, "file position");
  }
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return ret;
}

enum hr_rc store_file_put(struct hr_store *st, const char *key, const struct hr_filepos *pos, struct hr_err *err) {
  sqlite3_stmt *q = st->q[Q_FILE_PUT];
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, (int64_t)pos->fp_hash);
  sqlite3_bind_int64(q, 3, pos->fp_len);
  sqlite3_bind_int64(q, 4, pos->offset);
  sqlite3_bind_int64(q, 5, pos->lines);
  sqlite3_bind_int64(q, 6, pos->malformed);
  int rc = st_exec(st, Q_FILE_PUT);
  sqlite3_clear_bindings(q);
  if (rc != SQLITE_OK)
    return ST_FAIL(st, err, "save file position");
  return HR_OK;
}

enum hr_rc store_file_list(struct hr_store *st, const char *skip_prefix, struct hr_filerow **out, size_t *n,
                           struct hr_err *err) {
  sqlite3_stmt *q = st->q[Q_FILE_LIST];
  *out = NULL;
  *n = 0;
  if (skip_prefix != NULL)
    sqlite3_bind_text(q, 1, skip_prefix, -1, SQLITE_STATIC);
  struct hr_filerow *rows = NULL;
  size_t cnt = 0, cap = 0;
  int rc;
  while ((rc = st_step(st, q)) == SQLITE_ROW) {
    if (cnt == cap) {
      cap = cap ? cap * 2 : 16;
      rows = xrealloc(rows, cap * sizeof *rows);
    }
    const unsigned char *k = sqlite3_column_text(q, 0);
    rows[cnt].key = xstrdup(k ? (const char *)k : "");
    read_filepos(q, 1, &rows[cnt].pos);
    cnt++;
  }
  enum hr_rc ret = HR_OK;
  if (rc != SQLITE_DONE) {
    ret = ST_FAIL(st, err, "file positions");
    store_file_rows_free(rows, cnt);
  } else {
    *out = rows;
    *n = cnt;
  }
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return ret;
}

void store_file_rows_free(struct hr_filerow *rows, size_t n) {
  for (size_t i = 0; rows != NULL && i < n; i++)
    free(rows[i].key);
  free(rows);
}

enum hr_rc store_file_prune(struct hr_store *st, const char *prefix, int64_t before_s, struct hr_err *err) {
  size_t n = strlen(prefix);
  if (n == 0 || (unsigned char)prefix[n - 1] == 0xff)
    return HR_FAIL(err, HR_ERR_USAGE, "store: prune: unusable key prefix");
  char *hi = xstrdup(prefix);
  hi[n - 1]++;
  sqlite3_stmt *q = st->q[Q_FILE_PRUNE];
  sqlite3_bind_text(q, 1, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, hi, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, before_s);
  int rc = st_exec(st, Q_FILE_PRUNE);
  sqlite3_clear_bindings(q);
  free(hi);
  if (rc != SQLITE_OK)
    return ST_FAIL(st, err, "prune file positions");
  return HR_OK;
}
