/* test_store.c -- the SQLite store (store.h): UPSERT accumulation, rollups,
 * store_load, persistence, read-only opens, WAL, migrations, fault injection
 * and the transaction that holds counts and file positions together.
 *
 * Stores live on ":memory:" or in a fresh mkdtemp directory under /tmp. */
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

#include "core/series.h"
#include "store/group.h"
#include "store/store.h"
#include "util/xmalloc.h"
#include "tmp_store.h"

#define MIN_US INT64_C(60000000)
#define T0 INT64_C(1700006400) /* 2023-11-15T00:00:00Z, a whole UTC day */

/* ------------------------------------------------------------------------ */
/* Fixtures (the temp directory and its store: tmp_store.h) */

static void add_ok(struct hr_store *st, int64_t id, int64_t t, uint64_t g, uint64_t v) {
  struct hr_err err = {0};
  enum hr_rc rc = store_add(st, id, t, g, v, &err);
  if (rc != HR_OK)
    fail_msg("store_add: %s", err.msg);
}

static void sums_ok(struct hr_store *st, int64_t id, int64_t from, int64_t to, uint64_t *g, uint64_t *v) {
  struct hr_err err = {0};
  enum hr_rc rc = store_sums(st, id, from, to, g, v, &err);
  if (rc != HR_OK)
    fail_msg("store_sums: %s", err.msg);
}

/* Raw SQL on a file (to check what the store wrote). Returns the first
 * column of the first row as text in buf. */
static void raw_query(const char *path, const char *sql, char *buf, size_t n) {
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  int rc = sqlite3_step(q);
  buf[0] = '\0';
  if (rc == SQLITE_ROW && sqlite3_column_text(q, 0))
    snprintf(buf, n, "%s", (const char *)sqlite3_column_text(q, 0));
  else
    assert_int_equal(rc, SQLITE_DONE);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

/* ------------------------------------------------------------------------ */

static void test_slo_ids(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  struct hr_err err = {0};
  int64_t a = slo(st, "checkout"), b = slo(st, "search"), id = 0;
  assert_true(a != b);
  assert_int_equal(slo(st, "checkout"), a);
  assert_int_equal(store_slo_find(st, "search", &id, &err), HR_OK);
  assert_int_equal(id, b);
  assert_int_equal(store_slo_find(st, "nope", &id, &err), HR_ERR_NOTFOUND);
  store_close(st);
}

/* Repeated adds to the same minute accumulate (UPSERT), and reach the hour
 * and day rollups; table of (minute offset, good, valid) adds. */
static void test_upsert_accumulates(void **state) {
  (void)state;
  static const struct {
    int64_t dt;
    uint64_t good, valid;
  } adds[] = {
      {0, 3, 4},          {0, 5, 5},    {0, 0, 2}, /* minute T0: 8/11 */
      {60, 1, 1},                                  /* minute T0+1m */
      {3540, 10, 20},     {3540, 1, 1},            /* last minute of the hour: 11/21 */
      {3600, 7, 7},                                /* next hour */
      {86400 - 60, 2, 3},                          /* last minute of the day */
      {86400, 100, 100},                           /* next day */
  };
  static const struct {
    int64_t from, to;
    uint64_t good, valid;
  } want[] = {
      {0, 60, 8, 11},       {0, 120, 9, 12},    {60, 120, 1, 1},          {0, 3600, 20, 33},
      {3540, 3660, 18, 28}, {0, 86400, 29, 43}, {0, 2 * 86400, 129, 143}, {86400 - 60, 86400 + 60, 102, 103},
      {120, 3540, 0, 0},    {60, 60, 0, 0}, /* empty */
      {3600, 0, 0, 0},                      /* inverted */
  };
  struct hr_store *st = open_ok(":memory:");
  int64_t id = slo(st, "a"), other = slo(st, "b");
  for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++)
    add_ok(st, id, T0 + adds[i].dt, adds[i].good, adds[i].valid);
  add_ok(st, other, T0, 1000, 1000); /* another SLO never leaks in */
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint64_t g = 99, v = 99;
    sums_ok(st, id, T0 + want[i].from, T0 + want[i].to, &g, &v);
    assert_int_equal(g, want[i].good);
    assert_int_equal(v, want[i].valid);
  }
  int64_t last = 0;
  struct hr_err err = {0};
  assert_int_equal(store_last_minute(st, &last, &err), HR_OK);
  assert_int_equal(last, T0 + 86400);
  store_close(st);
}

static void test_bad_arguments(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  struct hr_err err = {0};
  int64_t id = slo(st, "a"), last = 0;
  uint64_t g = 1, v = 1;
  assert_int_equal(store_last_minute(st, &last, &err), HR_OK);
  assert_true(last == INT64_MIN);
  assert_int_equal(store_add(st, id, T0 + 30, 1, 1, &err), HR_ERR_DB); /* not a whole minute */
  assert_non_null(strstr(err.msg, "store: add:"));
  assert_int_equal(store_add(st, id, T0, (uint64_t)INT64_MAX + 1, 1, &err), HR_ERR_DB);
  assert_int_equal(store_sums(st, id, T0 + 1, T0 + 60, &g, &v, &err), HR_ERR_DB);
  assert_int_equal(g, 0);
  assert_int_equal(v, 0);
  struct hr_series s;
  series_init(&s, MIN_US, 30000000, 10); /* phase 30 s: refused */
  assert_int_equal(store_load(st, id, T0, T0 + 600, &s, &err), HR_ERR_DB);
  series_reset(&s);
  store_close(st);
}

/* xorshift64*: deterministic, seeded. */
static uint64_t rnd(uint64_t *x) {
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return *x * UINT64_C(2685821657736338717);
}

/* Random adds over 10 days (plus a few before 1970 to check floor rounding),
 * then store_sums over many random ranges against a brute-force sum over an
 * in-memory array of minutes. */
static void test_rollups_match_minutes(void **state) {
  (void)state;
  enum { DAYS = 10, MINUTES = DAYS * 1440, ADDS = 6000, RANGES = 3000 };
  static const int64_t bases[] = {T0 + 7 * 60, -3 * 86400 - 7 * 3600 - 17 * 60}; /* ragged starts */
  for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
    int64_t base = bases[b];
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15) + b;
    uint64_t *gm = xcalloc(MINUTES, sizeof *gm), *vm = xcalloc(MINUTES, sizeof *vm);
    struct hr_store *st = open_ok(":memory:");
    int64_t id = slo(st, "r"), noise = slo(st, "noise");
    struct hr_err err = {0};
    assert_int_equal(store_begin(st, &err), HR_OK);
    for (int i = 0; i < ADDS; i++) {
      size_t m = (size_t)(rnd(&x) % MINUTES);
      uint64_t v = rnd(&x) % 50, g = v ? rnd(&x) % (v + 1) : 0;
      gm[m] += g;
      vm[m] += v;
      add_ok(st, id, base + (int64_t)m * 60, g, v);
      if (i % 7 == 0)
        add_ok(st, noise, base + (int64_t)m * 60, 1, 1);
    }
    assert_int_equal(store_commit(st, &err), HR_OK);
    for (int i = 0; i < RANGES; i++) {
      /* Ranges may stick out of the data on both sides. */
      int64_t a = (int64_t)(rnd(&x) % (MINUTES + 200)) - 100, c = (int64_t)(rnd(&x) % (MINUTES + 200)) - 100;
      if (i % 5 == 0)
        c = a + (int64_t)(rnd(&x) % 200); /* short ranges too */
      if (a > c) {
        int64_t tmp = a;
        a = c;
        c = tmp;
      }
      uint64_t wg = 0, wv = 0, g, v;
      for (int64_t m = a < 0 ? 0 : a; m < c && m < MINUTES; m++)
        wg += gm[m], wv += vm[m];
      sums_ok(st, id, base + a * 60, base + c * 60, &g, &v);
      if (g != wg || v != wv)
        fail_msg("range [%lld, %lld) min: store %llu/%llu, brute force %llu/%llu", (long long)a, (long long)c,
                 (unsigned long long)g, (unsigned long long)v, (unsigned long long)wg, (unsigned long long)wv);
    }
    /* The whole thing, and the rollups themselves. */
    uint64_t tg = 0, tv = 0, g, v;
    for (int m = 0; m < MINUTES; m++)
      tg += gm[m], tv += vm[m];
    sums_ok(st, id, base - 86400, base + (DAYS + 1) * 86400, &g, &v);
    assert_int_equal(g, tg);
    assert_int_equal(v, tv);
    store_close(st);
    free(gm);
    free(vm);
  }
}

static void test_load_series(void **state) {
  (void)state;
  static const struct {
    int64_t dt;
    uint64_t good, valid;
  } adds[] = {{0, 1, 2}, {60, 3, 4}, {60, 1, 1}, {600, 5, 9}, {1200, 7, 7} /* outside [from, to) */};
  struct hr_store *st = open_ok(":memory:");
  struct hr_err err = {0};
  int64_t id = slo(st, "l"), other = slo(st, "m");
  for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++)
    add_ok(st, id, T0 + adds[i].dt, adds[i].good, adds[i].valid);
  add_ok(st, other, T0 + 120, 50, 50);
  struct hr_series s;
  series_init(&s, MIN_US, 0, 60);
  assert_int_equal(store_load(st, id, T0, T0 + 1200, &s, &err), HR_OK);
  static const struct {
    int64_t dt;
    uint64_t good, valid;
  } want[] = {{0, 1, 2}, {60, 4, 5}, {120, 0, 0}, {600, 5, 9}, {1200, 0, 0}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint64_t g = 99, v = 99;
    series_get(&s, series_index(&s, (T0 + want[i].dt) * 1000000), &g, &v);
    assert_int_equal(g, want[i].good);
    assert_int_equal(v, want[i].valid);
  }
  uint64_t g, v;
  series_sum(&s, series_index(&s, T0 * 1000000), series_index(&s, (T0 + 3600) * 1000000), &g, &v);
  assert_int_equal(g, 10);
  assert_int_equal(v, 16);
  series_reset(&s);
  store_close(st);
}

/* Counts and file positions survive close/reopen; opening twice does not
 * migrate twice; the file is in WAL mode at schema version 1. */
static void test_file_persistence_wal_migration(void **state) {
  (void)state;
  struct tmp t;
  tmp_make(&t);
  struct hr_err err = {0};
  struct hr_filepos pos = {
      .fp_hash = UINT64_C(0xFEDCBA9876543210), .fp_len = 1024, .offset = 4096, .lines = 40, .malformed = 2};
  struct hr_store *st = open_ok(t.db);
  int64_t id = slo(st, "p");
  assert_int_equal(store_begin(st, &err), HR_OK);
  add_ok(st, id, T0, 9, 10);
  assert_int_equal(store_file_put(st, "/var/log/a.log", &pos, &err), HR_OK);
  assert_int_equal(store_commit(st, &err), HR_OK);
  store_close(st);

  for (int round = 0; round < 2; round++) { /* open twice more: idempotent migration */
    st = open_ok(t.db);
    assert_int_equal(slo(st, "p"), id);
    uint64_t g, v;
    sums_ok(st, id, T0, T0 + 86400, &g, &v);
    assert_int_equal(g, 9);
    assert_int_equal(v, 10);
    struct hr_filepos got;
    int found = 0;
    assert_int_equal(store_file_get(st, "/var/log/a.log", &got, &found, &err), HR_OK);
    assert_int_equal(found, 1);
    assert_true(got.fp_hash == pos.fp_hash);
    assert_int_equal(got.fp_len, 1024);
    assert_int_equal(got.offset, 4096);
    assert_int_equal(got.lines, 40);
    assert_int_equal(got.malformed, 2);
    assert_int_equal(store_file_get(st, "/var/log/b.log", &got, &found, &err), HR_OK);
    assert_int_equal(found, 0);
    store_close(st);
  }
  char buf[64];
  raw_query(t.db, "PRAGMA journal_mode", buf, sizeof buf);
  assert_string_equal(buf, "wal");
  raw_query(t.db, "PRAGMA user_version", buf, sizeof buf);
  assert_string_equal(buf, "8");
  raw_query(t.db, "SELECT count(*) FROM sqlite_master WHERE name = 'grp'", buf, sizeof buf);
  assert_string_equal(buf, "1"); /* the v7 step ran */
  raw_query(t.db, "SELECT count(*) FROM sqlite_master WHERE name = 'incident'", buf, sizeof buf);
  assert_string_equal(buf, "1"); /* the v6 step ran */
  raw_query(t.db, "SELECT count(*) FROM pragma_table_info('alert') WHERE name = 'kind'", buf, sizeof buf);
  assert_string_equal(buf, "1"); /* the v4 step ran */
  raw_query(t.db, "SELECT count(*) FROM sqlite_master WHERE name IN ('alert','alert_event','outbox','annotation')", buf,
            sizeof buf);
  assert_string_equal(buf, "4"); /* the v2 step ran */
  raw_query(t.db, "SELECT count(*) FROM meta", buf, sizeof buf);
  assert_string_equal(buf, "1"); /* the v1 step ran once */

  /* A store from a newer headroom is refused, naming the file. */
  raw_query(t.db, "PRAGMA user_version = 99", buf, sizeof buf);
  st = (struct hr_store *)&err; /* must be reset to NULL */
  assert_int_equal(store_open(t.db, &st, &err), HR_ERR_DB);
  assert_null(st);
  assert_non_null(strstr(err.msg, t.db));
  assert_non_null(strstr(err.msg, "schema version 99"));
  tmp_remove(&t);
}

static void test_open_errors(void **state) {
  (void)state;
  struct hr_store *st = NULL;
  struct hr_err err = {0};
  assert_int_equal(store_open("/nonexistent-dir/x/h.db", &st, &err), HR_ERR_DB);
  assert_null(st);
  assert_string_equal(err.msg, "store: open /nonexistent-dir/x/h.db: unable to open database file");
  assert_int_equal(store_open_ro("/nonexistent-dir/x/h.db", &st, &err), HR_ERR_NOTFOUND);
  assert_null(st);
}

static void test_read_only(void **state) {
  (void)state;
  struct tmp t;
  tmp_make(&t);
  struct hr_err err = {0};
  struct hr_store *ro = NULL;
  assert_int_equal(store_open_ro(t.db, &ro, &err), HR_ERR_NOTFOUND);
  assert_null(ro);

  struct hr_store *st = open_ok(t.db);
  int64_t id = slo(st, "ro");
  add_ok(st, id, T0 + 120, 4, 5);
  /* A reader beside the open writer (WAL) sees committed data. */
  assert_int_equal(store_open_ro(t.db, &ro, &err), HR_OK);
  int64_t rid = 0, last = 0;
  assert_int_equal(store_slo_find(ro, "ro", &rid, &err), HR_OK);
  assert_int_equal(rid, id);
  uint64_t g, v;
  sums_ok(ro, id, T0, T0 + 3600, &g, &v);
  assert_int_equal(g, 4);
  assert_int_equal(v, 5);
  assert_int_equal(store_last_minute(ro, &last, &err), HR_OK);
  assert_int_equal(last, T0 + 120);
  /* Writes are refused with a store message and change nothing. */
  assert_int_equal(store_add(ro, id, T0, 1, 1, &err), HR_ERR_DB);
  assert_int_equal(strncmp(err.msg, "store: ", 7), 0);
  assert_non_null(strstr(err.msg, "the store is read-only"));
  assert_int_equal(store_slo_id(ro, "new", &rid, &err), HR_ERR_DB);
  sums_ok(st, id, T0, T0 + 3600, &g, &v);
  assert_int_equal(v, 5);
  store_close(ro);
  store_close(st);
  tmp_remove(&t);
}

/* Counts and a file position committed together; a second transaction that
 * adds both and rolls back leaves no trace, also after reopening. */
static void test_position_in_transaction(void **state) {
  (void)state;
  struct tmp t;
  tmp_make(&t);
  struct hr_err err = {0};
  struct hr_store *st = open_ok(t.db);
  int64_t id = slo(st, "tx");
  struct hr_filepos p1 = {.fp_hash = 7, .fp_len = 100, .offset = 500, .lines = 5, .malformed = 0};
  struct hr_filepos p2 = {.fp_hash = 7, .fp_len = 100, .offset = 900, .lines = 9, .malformed = 1};
  assert_int_equal(store_begin(st, &err), HR_OK);
  add_ok(st, id, T0, 5, 5);
  assert_int_equal(store_file_put(st, "/l", &p1, &err), HR_OK);
  assert_int_equal(store_commit(st, &err), HR_OK);

  assert_int_equal(store_begin(st, &err), HR_OK);
  add_ok(st, id, T0, 3, 4);
  add_ok(st, id, T0 + 86400, 1, 1);
  assert_int_equal(store_file_put(st, "/l", &p2, &err), HR_OK);
  assert_int_equal(store_file_put(st, "/other", &p2, &err), HR_OK);
  store_rollback(st);

  for (int round = 0; round < 2; round++) {
    uint64_t g, v;
    struct hr_filepos got;
    int found = 0;
    sums_ok(st, id, T0 - 86400, T0 + 3 * 86400, &g, &v);
    assert_int_equal(g, 5);
    assert_int_equal(v, 5);
    assert_int_equal(store_file_get(st, "/l", &got, &found, &err), HR_OK);
    assert_int_equal(found, 1);
    assert_int_equal(got.offset, 500);
    assert_int_equal(got.lines, 5);
    assert_int_equal(store_file_get(st, "/other", &got, &found, &err), HR_OK);
    assert_int_equal(found, 0);
    store_close(st);
    if (round == 0)
      st = open_ok(t.db);
  }
  tmp_remove(&t);
}

/* store_file_list: every row with its position, but those under the skipped
 * prefix (a key only sharing part of it stays); NULL or "" skips nothing. */
static const char *const list_keys[] = {"/var/log/a.log",    "http-batch:web:k1", "/var/log/b.log",
                                        "http-batch:web:k2", "http-batcx",        "http-"};

/* The keys store_file_list(skip) returns, as a mask of their indexes in
 * list_keys; every row must carry the position its index was given. */
static int list_count(struct hr_store *st, const char *skip) {
  struct hr_filerow *rows = NULL;
  size_t n = 99;
  struct hr_err err = {0};
  if (store_file_list(st, skip, &rows, &n, &err) != HR_OK)
    fail_msg("store_file_list: %s", err.msg);
  int seen = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < sizeof list_keys / sizeof list_keys[0] && strcmp(rows[i].key, list_keys[k]) != 0)
      k++;
    if (k == sizeof list_keys / sizeof list_keys[0])
      fail_msg("store_file_list(%s): unexpected key %s", skip ? skip : "NULL", rows[i].key);
    assert_int_equal(rows[i].pos.fp_hash, UINT64_MAX - k); /* the top bit survives */
    assert_int_equal(rows[i].pos.fp_len, 1024);
    assert_int_equal(rows[i].pos.offset, 1000 + (int64_t)k);
    assert_int_equal(rows[i].pos.lines, 10 + (int64_t)k);
    assert_int_equal(rows[i].pos.malformed, (int64_t)k);
    seen |= 1 << k;
  }
  store_file_rows_free(rows, n);
  return seen;
}

static void test_file_list(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  struct hr_err err = {0};
  struct hr_filerow *rows = NULL;
  size_t n = 99;
  assert_int_equal(store_file_list(st, NULL, &rows, &n, &err), HR_OK); /* empty table */
  assert_null(rows);
  assert_int_equal(n, 0);
  for (size_t k = 0; k < sizeof list_keys / sizeof list_keys[0]; k++) {
    struct hr_filepos p = {.fp_hash = UINT64_MAX - k,
                           .fp_len = 1024,
                           .offset = 1000 + (int64_t)k,
                           .lines = 10 + (int64_t)k,
                           .malformed = (int64_t)k};
    assert_int_equal(store_file_put(st, list_keys[k], &p, &err), HR_OK);
  }
  assert_int_equal(list_count(st, NULL), 0x3f);
  assert_int_equal(list_count(st, ""), 0x3f);
  assert_int_equal(list_count(st, "http-batch:"), 0x35); /* not k1 (1), k2 (3) */
  assert_int_equal(list_count(st, "/var/log/"), 0x3a);

  /* A failed step: an error, no rows. */
  store_fail_after(st, 1);
  rows = NULL;
  n = 99;
  assert_int_equal(store_file_list(st, "http-batch:", &rows, &n, &err), HR_ERR_DB);
  assert_string_equal(err.msg, "store: file positions: injected fault (store_fail_after)");
  assert_null(rows);
  assert_int_equal(n, 0);
  assert_int_equal(list_count(st, "http-batch:"), 0x35); /* and the next call works */
  store_close(st);
}

/* The nth step of a transaction fails, for every n it has: after the
 * rollback nothing of it is visible (also after reopening a file), and a
 * retry lands exactly once. */
static const struct {
  int64_t dt;
  uint64_t good, valid;
} fault_batch[] = {{0, 1, 2}, {60, 3, 3}, {3600, 4, 8}, {86400, 16, 16}};

/* The transaction under test: 4 adds and a file position. */
static enum hr_rc fault_tx(struct hr_store *st, int64_t id, int64_t offset, struct hr_err *err) {
  struct hr_filepos next = {.fp_hash = 1, .fp_len = 10, .offset = offset, .lines = 2};
  enum hr_rc rc = store_begin(st, err);
  for (size_t i = 0; i < sizeof fault_batch / sizeof fault_batch[0] && rc == HR_OK; i++)
    rc = store_add(st, id, T0 + fault_batch[i].dt, fault_batch[i].good, fault_batch[i].valid, err);
  if (rc == HR_OK)
    rc = store_file_put(st, "/f", &next, err);
  if (rc == HR_OK)
    rc = store_commit(st, err);
  return rc;
}

/* Baseline 100/100 at T0 and offset 10, plus `extra` batches. */
static void fault_check(struct hr_store *st, int64_t id, int extra, int64_t offset) {
  uint64_t g, v;
  struct hr_filepos got;
  int found = 0;
  struct hr_err err = {0};
  sums_ok(st, id, T0 - 86400, T0 + 7 * 86400, &g, &v);
  assert_int_equal(g, 100 + 24 * (uint64_t)extra);
  assert_int_equal(v, 100 + 29 * (uint64_t)extra);
  sums_ok(st, id, T0 + 3600, T0 + 7200, &g, &v); /* an hour row alone */
  assert_int_equal(g, 4 * (uint64_t)extra);
  assert_int_equal(v, 8 * (uint64_t)extra);
  sums_ok(st, id, T0, T0 + 60, &g, &v); /* a minute row alone */
  assert_int_equal(v, 100 + 2 * (uint64_t)extra);
  assert_int_equal(store_file_get(st, "/f", &got, &found, &err), HR_OK);
  assert_int_equal(found, 1);
  assert_int_equal(got.offset, offset);
}

static void test_fault_injection(void **state) {
  (void)state;
  enum { STEPS = 1 + 4 * 3 + 1 + 1 }; /* begin, 4 adds x 3 upserts, file put, commit */
  for (int onfile = 0; onfile < 2; onfile++) {
    int failed = 0;
    for (int n = 1; n <= STEPS + 1; n++) {
      struct tmp t;
      struct hr_err err = {0};
      struct hr_filepos base = {.fp_hash = 1, .fp_len = 10, .offset = 10, .lines = 1};
      if (onfile)
        tmp_make(&t);
      struct hr_store *st = open_ok(onfile ? t.db : ":memory:");
      int64_t id = slo(st, "f");
      add_ok(st, id, T0, 100, 100);
      assert_int_equal(store_file_put(st, "/f", &base, &err), HR_OK);

      store_fail_after(st, n);
      enum hr_rc rc = fault_tx(st, id, 20 + n, &err);
      if (n == STEPS + 1) { /* past the last step: the transaction goes through */
        assert_int_equal(rc, HR_OK);
        store_fail_after(st, 0); /* still armed: the transaction had exactly STEPS steps */
        fault_check(st, id, 1, 20 + n);
      } else {
        failed++;
        assert_int_equal(rc, HR_ERR_DB);
        assert_non_null(strstr(err.msg, "injected fault"));
        store_rollback(st);
        fault_check(st, id, 0, 10);
        if (onfile) {
          store_close(st);
          st = open_ok(t.db);
          fault_check(st, id, 0, 10);
        }
        store_fail_after(st, 0);
        assert_int_equal(fault_tx(st, id, 20 + n, &err), HR_OK); /* retry */
        fault_check(st, id, 1, 20 + n);
      }
      store_close(st);
      if (onfile)
        tmp_remove(&t);
    }
    assert_int_equal(failed, STEPS);
  }
}

/* After a failed step inside a transaction, commit refuses. */
static void test_commit_after_failure_refused(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  struct hr_err err = {0};
  int64_t id = slo(st, "c");
  assert_int_equal(store_begin(st, &err), HR_OK);
  add_ok(st, id, T0, 1, 1);
  store_fail_after(st, 2); /* the hour upsert of the next add */
  assert_int_equal(store_add(st, id, T0 + 60, 1, 1, &err), HR_ERR_DB);
  assert_string_equal(err.msg, "store: add hour: injected fault (store_fail_after)");
  assert_int_equal(store_commit(st, &err), HR_ERR_DB);
  store_rollback(st);
  uint64_t g, v;
  sums_ok(st, id, T0, T0 + 86400, &g, &v);
  assert_int_equal(v, 0);
  /* Outside a transaction, store_add is atomic on its own. */
  store_fail_after(st, 4); /* begin, minute, hour, [day] */
  assert_int_equal(store_add(st, id, T0, 1, 1, &err), HR_ERR_DB);
  assert_string_equal(err.msg, "store: add day: injected fault (store_fail_after)");
  sums_ok(st, id, T0, T0 + 60, &g, &v); /* minute rows */
  assert_int_equal(v, 0);
  add_ok(st, id, T0, 1, 1);
  sums_ok(st, id, T0, T0 + 86400, &g, &v); /* day row */
  assert_int_equal(v, 1);
  store_close(st);
}

/* docs/internals/store.md holds the schema text: every CREATE statement
 * SQLite stored must appear there verbatim. */
static void test_doc_has_schema(void **state) {
  (void)state;
  const char *src = getenv("HR_SOURCE_DIR");
  if (src == NULL)
    skip(); /* run through ctest, which sets it */
  char *docpath = xasprintf("%s/docs/internals/store.md", src);
  FILE *f = fopen(docpath, "rb");
  assert_non_null(f);
  char *doc = xcalloc(1, 1 << 16);
  size_t n = fread(doc, 1, (1 << 16) - 1, f);
  fclose(f);
  assert_true(n > 0);

  struct tmp t;
  tmp_make(&t);
  store_close(open_ok(t.db));
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL", -1, &q, NULL),
                   SQLITE_OK);
  int tables = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    const char *sql = (const char *)sqlite3_column_text(q, 1);
    if (strstr(doc, sql) == NULL)
      fail_msg("docs/internals/store.md lacks the DDL of %s:\n%s", sqlite3_column_text(q, 0), sql);
    tables++;
  }
  assert_int_equal(tables, 21); /* v1: slo minute hour day file meta; v2: alert alert_event outbox annotation + 3
                                   indexes; v3: latency latency_hour bad_event + 1 index; v5: source source_field; v6:
                                   incident; v7: grp; v8: alert and incident re-made */
  sqlite3_finalize(q);
  sqlite3_close(db);
  tmp_remove(&t);
  free(doc);
  free(docpath);
}

/* store_add_counts() writes exactly the rows store_add() would, cell by
 * cell: the same minute, hour and day tables (sorted batches and unsorted
 * ones, ragged days, times before 1970), and a refused cell writes nothing. */
static void dump(struct hr_store *st, const char *table, char **out) {
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  char *sql = xasprintf("SELECT slo_id, t, good, valid FROM %s ORDER BY slo_id, t", table);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  size_t len = 0;
  FILE *f = open_memstream(out, &len);
  while (sqlite3_step(q) == SQLITE_ROW)
    fprintf(f, "%lld %lld %lld %lld\n", (long long)sqlite3_column_int64(q, 0), (long long)sqlite3_column_int64(q, 1),
            (long long)sqlite3_column_int64(q, 2), (long long)sqlite3_column_int64(q, 3));
  fclose(f);
  sqlite3_finalize(q);
  free(sql);
}

static void test_add_counts(void **state) {
  (void)state;
  uint64_t x = 7;
  struct hr_store *one = open_ok(":memory:"), *batch = open_ok(":memory:");
  int64_t ids[3];
  ids[0] = slo(one, "a"), ids[1] = slo(one, "b"), ids[2] = slo(one, "c");
  assert_int_equal(slo(batch, "a"), ids[0]);
  assert_int_equal(slo(batch, "b"), ids[1]);
  assert_int_equal(slo(batch, "c"), ids[2]);
  struct hr_err err = {0};
  for (int round = 0; round < 6; round++) {
    struct hr_counts m;
    counts_init(&m, 16);
    int64_t base = round % 2 ? -86400 * 3 - 3600 * 5 : T0 + 3600 * 22;
    for (int i = 0; i < 3000; i++) {
      uint32_t j = (uint32_t)(rnd(&x) % 3);
      int64_t t = base + (int64_t)(rnd(&x) % 4000) * 60;
      uint64_t v = 1 + rnd(&x) % 9, g = rnd(&x) % (v + 1);
      counts_put(&m, j, t, g, v);
      add_ok(one, ids[j], t, g, v);
    }
    if (round % 3 != 2)
      counts_sort(&m); /* every third batch in hash order */
    assert_int_equal(store_add_counts(batch, ids, &m, &err), HR_OK);
    if (round == 0) { /* a put after the sort rebuilds the hash */
      counts_put(&m, 1, base, 1, 1);
      counts_put(&m, 1, base, 1, 1);
      size_t hits = 0;
      for (size_t i = 0; i < m.cap; i++)
        hits += m.c[i].minute == base && m.c[i].slo == 1;
      assert_int_equal(hits, 1);
    }
    counts_free(&m);
  }
  static const char *const tables[] = {"minute", "hour", "day"};
  for (int i = 0; i < 3; i++) {
    char *a = NULL, *b = NULL;
    dump(one, tables[i], &a);
    dump(batch, tables[i], &b);
    assert_true(strlen(a) > 100);
    assert_string_equal(a, b);
    free(a);
    free(b);
  }
  /* a cell off the minute refuses the batch: nothing of it is written */
  struct hr_counts m;
  counts_init(&m, 16);
  counts_put(&m, 0, T0 + 86400 * 400, 1, 1);
  counts_put(&m, 1, T0 + 86400 * 400 + 30, 1, 1);
  counts_sort(&m);
  assert_int_equal(store_add_counts(batch, ids, &m, &err), HR_ERR_DB);
  uint64_t g = 0, v = 0;
  sums_ok(batch, ids[0], T0 + 86400 * 399, T0 + 86400 * 401, &g, &v);
  assert_int_equal(v, 0);
  counts_free(&m);
  store_close(one);
  store_close(batch);
}

/* ------------------------------------------------------------------------ */
/* Grouped counts (store/group.h): the first max_groups keys committed get a
 * group of their own, for good; later keys go to _other; a rolled-back
 * batch names nothing; the groups' sums equal what was added. */

static void add_path(struct hr_gbatch *g, struct hr_event *ev, const char *path, int64_t t_s, int good) {
  event_reset(ev);
  ev->ts_us = t_s * 1000000;
  event_set_str(ev, HR_F_PATH, path, strlen(path));
  gbatch_add(g, 0, ev, good);
}

static void write_ok(struct hr_store *st, struct hr_gbatch *g, const int64_t *ids) {
  struct hr_err err = {0};
  assert_int_equal(store_begin(st, &err), HR_OK);
  if (gbatch_write(g, st, ids, &err) != HR_OK)
    fail_msg("gbatch_write: %s", err.msg);
  assert_int_equal(store_commit(st, &err), HR_OK);
  gbatch_clear(g);
}

/* The path of each group of SLO id in order ("_other" last) into out. */
static size_t group_paths(struct hr_store *st, int64_t id, char out[][16], uint64_t *valid) {
  struct hr_group_row *rows = NULL;
  size_t n = 0;
  struct hr_err err = {0};
  assert_int_equal(store_groups(st, id, "path", &rows, &n, &err), HR_OK);
  for (size_t i = 0; i < n; i++) {
    /* key: a 2-byte length then the value (core/grpkey.h) */
    snprintf(out[i], 16, "%s", rows[i].seq < 0 ? "_other" : rows[i].key + 2);
    uint64_t g;
    sums_ok(st, rows[i].cid, T0 - 86400, T0 + 86400, &g, &valid[i]);
  }
  store_groups_free(rows, n);
  return n;
}

static void test_group_fold(void **state) {
  (void)state;
  struct tmp t;
  tmp_make(&t);
  struct hr_store *st = open_ok(t.db);
  struct hr_err err = {0};
  int64_t ids[1] = {slo(st, "web")};
  struct hr_gbatch *g = gbatch_new(1);
  int fid[1] = {HR_F_PATH};
  gbatch_set(g, 0, fid, 1, "path", 2);
  struct hr_event *ev = xcalloc(1, sizeof *ev);
  /* Batch 1: /a then /b are named (the order read), /c is _other. */
  add_path(g, ev, "/b", T0 + 5, 1); /* read first (a later event: the order read decides) */
  add_path(g, ev, "/a", T0, 1);
  add_path(g, ev, "/c", T0, 0);
  add_path(g, ev, "/a", T0 + 61, 0);
  /* A rolled-back batch names nothing. */
  struct hr_gbatch *g2 = gbatch_new(1);
  gbatch_set(g2, 0, fid, 1, "path", 2);
  add_path(g2, ev, "/z", T0, 1);
  assert_int_equal(store_begin(st, &err), HR_OK);
  assert_int_equal(gbatch_write(g2, st, ids, &err), HR_OK);
  store_rollback(st);
  gbatch_free(g2);
  write_ok(st, g, ids);
  /* Batch 2 (another run): /c first, still _other; /b keeps its group. */
  add_path(g, ev, "/c", T0 + 120, 1);
  add_path(g, ev, "/d", T0 + 120, 1);
  add_path(g, ev, "/b", T0 + 120, 0);
  write_ok(st, g, ids);
  char paths[8][16];
  uint64_t valid[8];
  size_t n = group_paths(st, ids[0], paths, valid);
  assert_int_equal(n, 3);
  assert_string_equal(paths[0], "/b");
  assert_int_equal(valid[0], 2);
  assert_string_equal(paths[1], "/a");
  assert_int_equal(valid[1], 2);
  assert_string_equal(paths[2], "_other");
  assert_int_equal(valid[2], 3); /* /c twice, /d */
  /* Reopened, the same assignment. */
  store_close(st);
  st = open_ok(t.db);
  add_path(g, ev, "/e", T0 + 180, 1);
  add_path(g, ev, "/a", T0 + 180, 1);
  write_ok(st, g, ids);
  n = group_paths(st, ids[0], paths, valid);
  assert_int_equal(n, 3);
  assert_string_equal(paths[1], "/a");
  assert_int_equal(valid[1], 3);
  assert_int_equal(valid[2], 4);
  free(ev);
  gbatch_free(g);
  store_close(st);
  tmp_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_slo_ids),
      cmocka_unit_test(test_upsert_accumulates),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_rollups_match_minutes),
      cmocka_unit_test(test_add_counts),
      cmocka_unit_test(test_load_series),
      cmocka_unit_test(test_file_persistence_wal_migration),
      cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_read_only),
      cmocka_unit_test(test_position_in_transaction),
      cmocka_unit_test(test_file_list),
      cmocka_unit_test(test_fault_injection),
      cmocka_unit_test(test_commit_after_failure_refused),
      cmocka_unit_test(test_doc_has_schema),
      cmocka_unit_test(test_group_fold),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
