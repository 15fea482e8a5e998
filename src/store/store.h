/* store.h -- the embedded SQLite store (WAL): per-SLO counts per minute (and
 * hourly rollups), the read position of every ingested file, committed
 * together so a crash loses nothing and counts nothing twice (docs/internals/store.md).
 *
 * One struct hr_store per thread. Writes happen between store_begin() and
 * store_commit(); on any failure call store_rollback() and nothing of the
 * transaction is kept. See docs/internals/store.md. */
#ifndef HR_STORE_H
#define HR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/counts.h"
#include "core/err.h"
#include "core/series.h"

struct hr_store;

/* Open (creating and migrating the schema) the store at path (":memory:" for
 * tests). *out owned by the caller (store_close()). */
enum hr_rc store_open(const char *path, struct hr_store **out /* OUT */, struct hr_err *err);
/* Open an existing store read-only; HR_ERR_NOTFOUND when the file does not exist. */
enum hr_rc store_open_ro(const char *path, struct hr_store **out /* OUT */, struct hr_err *err);
void store_close(struct hr_store *st);

enum hr_rc store_begin(struct hr_store *st, struct hr_err *err);
enum hr_rc store_commit(struct hr_store *st, struct hr_err *err);
void store_rollback(struct hr_store *st);

/* The id of SLO name, created when absent (inside or outside a transaction). */
enum hr_rc store_slo_id(struct hr_store *st, const char *name, int64_t *id /* OUT */, struct hr_err *err);
/* The id of an existing SLO; HR_ERR_NOTFOUND when the store never saw it. */
enum hr_rc store_slo_find(struct hr_store *st, const char *name, int64_t *id /* OUT */, struct hr_err *err);

/* Add counts to the bucket of minute_s (UTC seconds, a multiple of 60). */
enum hr_rc store_add(struct hr_store *st, int64_t slo_id, int64_t minute_s, uint64_t good, uint64_t valid,
                     struct hr_err *err);

/* Add every cell of m (SLO index, minute, good, valid) as store_add()
 * would, ids[slo] being the store id of each SLO index: minute rows one by
 * one, and the hour and day rollups summed over each run of cells of one
 * SLO and hour (day) first, one upsert per run (after counts_sort() one per
 * hour and day of each SLO in the batch). In the caller's transaction (or
 * its own); a cell that store_add() would refuse refuses the whole batch,
 * before anything is written. */
enum hr_rc store_add_counts(struct hr_store *st, const int64_t *ids, const struct hr_counts *m, struct hr_err *err);

/* Where reading of one input stopped. The key is the file's real path. The
 * fingerprint identifies the content: a hash of its first fp_len bytes
 * (decompressed for .gz), so a replaced or rotated file is seen as new. */
struct hr_filepos {
  uint64_t fp_hash;
  int64_t fp_len;
  int64_t offset;    /* bytes consumed (decompressed for .gz), always at a line end */
  int64_t lines;     /* lines read so far */
  int64_t malformed; /* of which malformed */
};
enum hr_rc store_file_get(struct hr_store *st, const char *key, struct hr_filepos *pos /* OUT */, int *found /* OUT */,
                          struct hr_err *err);
enum hr_rc store_file_put(struct hr_store *st, const char *key, const struct hr_filepos *pos, struct hr_err *err);
/* One row of the file table (key owned by the list). */
struct hr_filerow {
  char *key;
  struct hr_filepos pos;
};
/* Every row of the file table but those whose key starts with skip_prefix
 * (NULL or "": none skipped), in no particular order. *out owned by the
 * caller: store_file_rows_free(); *out = NULL, *n = 0 when none or on
 * failure. */
enum hr_rc store_file_list(struct hr_store *st, const char *skip_prefix, struct hr_filerow **out /* OUT */,
                           size_t *n /* OUT */, struct hr_err *err);
void store_file_rows_free(struct hr_filerow *rows, size_t n); /* NULL: no-op */
/* Drop the rows whose key starts with prefix and that were last written
 * before before_s (UTC seconds). Inside or outside a transaction. */
enum hr_rc store_file_prune(struct hr_store *st, const char *prefix, int64_t before_s, struct hr_err *err);

/* Add the minute buckets of slo_id in [from_s, to_s) into s (whose phase must
 * be 0 and step 60 s). */
enum hr_rc store_load(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, struct hr_series *s,
                      struct hr_err *err);

/* Exact sums of good and valid of slo_id over [from_s, to_s) (UTC seconds,
 * multiples of 60; an empty or inverted range sums to 0). Whole UTC days are
 * read from the day rollup, whole hours from the hour rollup and only the
 * ragged edges from minute rows, so a 12-week window visits a few hundred
 * rows at most. On failure *good and *valid are 0 and *err is filled. */
enum hr_rc store_sums(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, uint64_t *good /* OUT */,
                      uint64_t *valid /* OUT */, struct hr_err *err);

/* Oldest minute with counts of slo_id (UTC seconds), INT64_MIN when none. */
enum hr_rc store_first_minute(struct hr_store *st, int64_t slo_id, int64_t *minute_s /* OUT */, struct hr_err *err);

/* Newest minute with counts for any SLO, or INT64_MIN when the store is empty. */
enum hr_rc store_last_minute(struct hr_store *st, int64_t *minute_s /* OUT */, struct hr_err *err);

/* The SQLite handle, for the store's other tables (alerts, outbox, timeline:
 * src/store/<name>.c), which prepare their own statements on it. Borrowed
 * while st is open; use it from st's thread only, inside store_begin() /
 * store_commit() for writes that must land together with counts. */
struct sqlite3;
struct sqlite3 *store_db(struct hr_store *st);
int store_is_readonly(const struct hr_store *st);

/* Test hook: make the nth sqlite3_step() from now fail (0 disables). */
void store_fail_after(struct hr_store *st, int nth);

#endif
