/* tally.h -- counts of good and valid events keyed by (SLO, value of a
 * field, minute): what a breakdown ranks and what a grouped SLO's groups
 * are built from (docs/cli/report.md, "--breakdown"; docs/config.md,
 * "groupBy"). Open addressing over owned copies of the values; the number
 * of keys is bounded by the caller's limit, and a value that finds the
 * table full is counted under the overflow key instead (its events are
 * never lost, only no longer told apart). Pure code: no I/O, no clock. */
#ifndef HR_TALLY_H
#define HR_TALLY_H

#include <stddef.h>
#include <stdint.h>

struct hr_tally_cell {
  char *val; /* owned, NUL-terminated; NULL: the field had no value */
  size_t len;
  int used;
  uint32_t slo;   /* index into the configuration's SLOs */
  int64_t minute; /* a bucket start (the caller's grid; one key for all time when the caller passes 0) */
  uint64_t good, valid;
  int64_t first_us; /* the earliest event counted under this key */
  size_t seq;       /* the order in which the key was first put (0, 1, ...) */
};

struct hr_tally {
  struct hr_tally_cell *c; /* owned */
  size_t cap, n;           /* cap is a power of two */
  size_t max_keys;         /* keys allowed (0: no limit) */
  uint64_t overflowed;     /* events counted under the overflow key because the table was full */
  size_t next_seq;
};

#define HR_TALLY_OVERFLOW "(other values)" /* the key of the values that found the table full */

void tally_init(struct hr_tally *t, size_t max_keys);
void tally_free(struct hr_tally *t);

/* Count valid (and good) events of value val[0..len) (val NULL: no value)
 * of SLO slo in bucket minute, the earliest at ts_us. The value is copied. */
void tally_put(struct hr_tally *t, uint32_t slo, const char *val, size_t len, int64_t minute, uint64_t good,
               uint64_t valid, int64_t ts_us);

/* The cell of the key, or NULL when it was never put (borrowed until the
 * next tally_put or tally_prune). */
const struct hr_tally_cell *tally_find(const struct hr_tally *t, uint32_t slo, const char *val, size_t len,
                                       int64_t minute);

/* Drop every key whose minute is below min_minute (the caller knows those
 * can no longer count). */
void tally_prune(struct hr_tally *t, int64_t min_minute);

/* Add every key of b into a (b unchanged). */
void tally_merge(struct hr_tally *a, const struct hr_tally *b);

#endif
