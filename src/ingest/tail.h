/* tail.h -- follow the log files of a configuration into the store, exactly
 * once (docs/internals/serve.md).
 *
 * tail_poll() is one round: expand every `paths` glob of the log data
 * sources, follow rename rotation (a tracked file keeps being read through
 * its open descriptor, under its new name or, when it left the globs, until
 * it stays idle), copytruncate (the content under the name changed: the old
 * position is kept as an orphan row so the copy is read from where the
 * original stopped), rotated .gz files (matched by fingerprint) and new
 * files. Only whole lines are counted: a last line without its newline waits.
 * Every batch commits its counts together with the file's position, in one
 * store transaction. See docs/internals/serve.md.
 *
 * A struct hr_tail belongs to one thread (it uses the writer's store). */
#ifndef HR_TAIL_H
#define HR_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "ingest/pipeline.h"
#include "store/store.h"

struct hr_tail;

struct hr_tail_stats {
  uint64_t lines;        /* lines counted (committed) since tail_new() */
  uint64_t malformed;    /* of which malformed */
  uint64_t events;       /* parsed events */
  uint64_t bytes;        /* bytes consumed */
  uint64_t commits;      /* transactions committed (a change counter for caches) */
  uint64_t files;        /* files currently followed */
  uint64_t files_opened; /* files started since tail_new() */
  uint64_t rotations;    /* renames and truncations seen */
  double lag_s;          /* how long the oldest unread complete line has waited (0: caught up) */
};

/* Follow cfg's log sources into st. cfg and st are borrowed and must outlive
 * the tailer (or be replaced with tail_set_config()). No file is read before
 * the first tail_poll(). On failure *out = NULL and err is filled. */
enum hr_rc tail_new(const struct hr_config *cfg, struct hr_store *st, struct hr_tail **out /* OUT */,
                    struct hr_err *err);

/* Switch to a new configuration (after a reload). Files keep their
 * positions; a file that no data source claims any more is dropped. On
 * failure the tailer keeps the old configuration. cfg is borrowed. */
enum hr_rc tail_set_config(struct hr_tail *t, const struct hr_config *cfg, struct hr_err *err);

/* One round (see above). mono_s: a monotonic clock in seconds, for the lag
 * and for closing rotated files that stay idle. Returns HR_OK, or the first
 * store error (nothing of the failed batch is kept; the next round retries
 * it). A file that cannot be read is skipped and retried next round. */
enum hr_rc tail_poll(struct hr_tail *t, double mono_s, struct hr_err *err);

void tail_stats(const struct hr_tail *t, struct hr_tail_stats *out /* OUT */);

/* A file being followed (strings borrowed until the next tail_poll()). */
struct hr_tail_file {
  const char *path;   /* where it was last seen */
  const char *source; /* its DataSource */
  int64_t offset;     /* bytes read and committed */
  int64_t size;       /* its size at the last round */
  double idle_s;      /* how long it has not grown (mono_s of tail_files() against the last growth) */
  int gz, gone;       /* compressed; renamed out of the globs or deleted (read to its end) */
};
/* Up to max of the files followed into out; returns how many there are. */
size_t tail_files(const struct hr_tail *t, double mono_s, struct hr_tail_file *out /* OUT */, size_t max);
/* The globs of the configuration that matched no file at the last round:
 * their DataSource and the glob (borrowed); returns how many. */
size_t tail_empty_globs(const struct hr_tail *t, const char **source /* OUT */, const char **glob /* OUT */,
                        size_t max);

/* Close every file and free t (positions are already committed). NULL ok. */
void tail_free(struct hr_tail *t);

/* Store rows of batches posted with an idempotency key: TAIL_BATCH_PREFIX
 * SOURCE ":" KEY, kept TAIL_BATCH_KEEP_S seconds after they were written. */
#define TAIL_BATCH_PREFIX "http-batch:"
#define TAIL_BATCH_KEEP_S (7 * 86400)
#define TAIL_BATCH_KEY_MAX 200

/* Count the JSON lines (or any lines of the data source's format) in
 * buf[0..n) as data source `source` (NULL: the only log source) and commit
 * the counts in one transaction of st. p is compiled from cfg (borrowed;
 * one thread). *stats is filled (lines, malformed, events). On failure
 * nothing is committed.
 * With key (an idempotency key, at most TAIL_BATCH_KEY_MAX bytes; NULL:
 * none) the batch is recorded under it in the same transaction, so a client
 * that retries after a lost answer counts nothing twice: a batch whose key
 * is recorded with the same body commits nothing, sets *dup to 1 and fills
 * *stats with what the first one read (lines, malformed; events 0); the same
 * key with another body is HR_ERR_CONFLICT. Keys are forgotten
 * TAIL_BATCH_KEEP_S after they were recorded. */
enum hr_rc tail_ingest_buffer(struct hr_pipeline *p, struct hr_store *st, const char *source, const char *key,
                              const char *buf, size_t n, struct hr_scan_stats *stats /* OUT */, int *dup /* OUT */,
                              struct hr_err *err);

#endif
