/* ingest.h -- backfilling log files into the store (docs/cli/ingest.md).
 *
 * Each batch of lines is committed in one transaction together with the
 * file's read position, so an interrupted ingest resumes where the last
 * commit stopped: nothing is lost and nothing counted twice. A file is
 * recognised by its real path and a fingerprint of its first bytes; a
 * rotated or replaced file is read from the start. */
#ifndef HR_ENGINE_INGEST_H
#define HR_ENGINE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/err.h"

struct hr_ingest_totals {
  uint64_t lines, malformed, events, bytes, files;
  uint64_t undecided; /* events a filter's regex could not decide (left out) */
};

/* Progress of the file being read (for a terminal): MB read so far, lines,
 * lines per second, seconds left (negative: unknown); done once at its end. */
typedef void (*hr_progress_fn)(void *ctx, const char *path, double mb, int64_t lines, double lines_per_s, double eta_s,
                               int done);
/* Something to tell: the first malformed lines ("file:line: reason",
 * is_error 0) and the error of a file that could not be read whole
 * (is_error 1). */
typedef void (*hr_note_fn)(void *ctx, int is_error, const char *msg);

struct hr_ingest_opts {
  char **files; /* NULL/0: every file matching the data sources' paths */
  size_t nfiles;
  const char *db;          /* NULL: the configuration's */
  const char *source;      /* the DataSource to read them with (NULL: by their paths) */
  hr_progress_fn progress; /* may be NULL */
  hr_note_fn note;         /* may be NULL */
  void *ctx;
};

/* Ingest every file. A file that fails is noted and the next one read (a
 * store error stops it all); what was read before an error stays committed.
 * Returns HR_OK when every file was read whole, else the last error (err). */
enum hr_rc engine_ingest(const struct hr_config *cfg, const struct hr_ingest_opts *o,
                         struct hr_ingest_totals *tot /* OUT */, struct hr_err *err);

/* POST /api/v1/events: count the lines of buf[0..n) as data source source
 * (NULL: the only log source) into the store db in one transaction, with
 * the idempotency key (may be NULL) as ingest/tail.h's tail_ingest_buffer()
 * describes. *lines, *events, *malformed, *blank get what was read; *dup 1
 * when the key had already been recorded with this body. */
struct hr_buffer_stats {
  uint64_t lines, events, malformed, blank, bytes;
  int dup;
};
enum hr_rc engine_ingest_buffer(const struct hr_config *cfg, const char *db, const char *source, const char *key,
                                const char *buf, size_t n, struct hr_buffer_stats *out /* OUT */, struct hr_err *err);

#endif
