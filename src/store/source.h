/* source.h -- what was read of each DataSource (store schema v5, tables
 * `source` and `source_field`; docs/internals/store.md): the lines and
 * malformed lines, the newest event, and for each field its SLOs' filters
 * read, the newest event in which it had a value. ingest, serve's tailer and
 * POST /api/v1/events write it in the same transaction as the counts; the
 * engine reads it for the data health of every SLO (docs/internals/math.md,
 * "Data health"). */
#ifndef HR_STORE_SOURCE_H
#define HR_STORE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define HR_SOURCE_RECENT 20000 /* recent_lines and recent_malformed are halved past this */

/* One batch of a source. */
struct hr_source_batch {
  uint64_t lines, malformed;
  int64_t last_event_us; /* INT64_MIN: no event */
  size_t nfields;
  const char *const *fields;    /* the fields the source's filters read */
  const int64_t *field_last_us; /* the newest event in which each had a value (INT64_MIN: none) */
};

/* Add b to source's record, inside the caller's transaction. */
enum hr_rc store_source_add(struct hr_store *st, const char *source, const struct hr_source_batch *b,
                            struct hr_err *err);

/* A source's record. */
struct hr_source_state {
  uint64_t lines, malformed;               /* every line ever read */
  uint64_t recent_lines, recent_malformed; /* the latest ones (about 10,000 to 20,000) */
  int64_t last_event_us;                   /* INT64_MIN: none */
  size_t nfields;
  char **fields; /* owned */
  int64_t *field_last_us;
};
/* *found = 0 (and *out zeroed) when the store has no record of source. */
enum hr_rc store_source_get(struct hr_store *st, const char *source, struct hr_source_state *out /* OUT */,
                            int *found /* OUT */, struct hr_err *err);
void store_source_state_free(struct hr_source_state *s);

#endif
