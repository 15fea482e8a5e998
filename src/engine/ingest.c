/* ingest.c -- see ingest.h. */
#include "engine/ingest.h"

#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/counts.h"
#include "ingest/pipeline.h"
#include "ingest/reader.h"
#include "ingest/tail.h"
#include "store/detail.h"
#include "store/source.h"
#include "store/store.h"
#include "util/xmalloc.h"

#define BATCH_LINES 500000
/* A batch also ends once it holds this many (SLO, minute) count and latency
 * cells (32 bytes each, in hash tables at most half full) or bad events
 * kept (about 2.3 KiB each): a log spread over many SLOs and days makes
 * cells of almost every line, and the batch's memory stays bounded, about
 * 20 MiB (bench/scale.md). Lines are read in chunks of CHUNK_LINES. */
#define BATCH_CELLS 100000
#define BATCH_BAD 4096
#define CHUNK_LINES 10000
#define FP_BYTES 1024

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t); /* progress display only */
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Commit one batch: counts + latency histograms and bad events (d) + what
 * was read of the source + the file's new position. */
static enum hr_rc flush(struct hr_store *st, const int64_t *ids, struct hr_counts *m, struct hr_details *d,
                        const char *source, const struct hr_source_batch *sb, const char *key,
                        const struct hr_filepos *pos, struct hr_err *err) {
  enum hr_rc rc = store_begin(st, err);
  if (rc == HR_OK)
    rc = store_source_add(st, source, sb, err);
  counts_sort(m); /* each SLO's minutes together, in time order */
  if (rc == HR_OK)
    rc = store_add_counts(st, ids, m, err);
  if (rc == HR_OK)
    rc = details_write(d, st, ids, err);
  if (rc == HR_OK)
    rc = store_file_put(st, key, pos, err);
  if (rc == HR_OK)
    rc = store_commit(st, err);
  if (rc != HR_OK)
    store_rollback(st);
  counts_clear(m);
  details_clear(d);
  return rc;
}

struct run {
  const struct hr_ingest_opts *o;
  struct hr_pipeline *p;
  struct hr_store *st;
  int64_t *ids; /* the store id of every SLO */
  struct hr_counts m;
  struct hr_details *d;
};

static void note(const struct hr_ingest_opts *o, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(const struct hr_ingest_opts *o, int is_error, const char *fmt, ...) {
  if (o->note == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  o->note(o->ctx, is_error, msg);
  free(msg);
}

static enum hr_rc ingest_file(struct run *u, const char *path, struct hr_ingest_totals *tot, struct hr_err *err) {
  struct hr_pipeline *p = u->p;
  struct hr_store *st = u->st;
  const char *source = u->o->source;
  int si = pipeline_source_for(p, path, source, err);
  if (si < 0)
    return HR_ERR_USAGE;
  char real[PATH_MAX];
  if (realpath(path, real) == NULL)
    return HR_FAIL(err, HR_ERR_IO, "%s: cannot resolve path", path);
  struct hr_filepos pos = {0};
  int found = 0;
  enum hr_rc rc = store_file_get(st, real, &pos, &found, err);
  if (rc != HR_OK)
    return rc;
  uint64_t h;
  int64_t len;
  if (found) {
    /* Same content as before? Compare the fingerprint over the length it had. */
    if (reader_fingerprint(real, pos.fp_len, &h, &len, err) != HR_OK)
      return HR_ERR_IO;
    if (h != pos.fp_hash || len != pos.fp_len) {
      memset(&pos, 0, sizeof pos); /* replaced or rotated: read from the start */
      found = 0;
    }
  }
  if (reader_fingerprint(real, FP_BYTES, &h, &len, err) != HR_OK)
    return HR_ERR_IO;
  pos.fp_hash = h;
  pos.fp_len = len;
  struct hr_reader *r = NULL;
  if ((rc = reader_open(real, &r, err)) != HR_OK)
    return rc;
  if (found && pos.offset > 0 && (rc = reader_seek(r, pos.offset, err)) != HR_OK) {
    reader_close(r);
    return rc;
  }
  if ((rc = pipeline_prime(p, (size_t)si, real, pos.offset, err)) != HR_OK) {
    reader_close(r);
    return rc;
  }
  tot->files++;
  double t0 = now_s();
  int64_t start_off = pos.offset;
  int more = 1;
  while (more && rc == HR_OK) {
    struct hr_scan_stats s;
    scan_stats_init(&s);
    struct hr_err rerr = {0};
    enum hr_rc read_rc;
    do { /* up to BATCH_LINES lines or BATCH_CELLS cells */
      struct hr_scan_stats c;
      scan_stats_init(&c);
      read_rc = scan_reader(p, (size_t)si, r, INT64_MAX, counts_sink, &u->m, CHUNK_LINES, &more, &c, &rerr);
      scan_stats_merge(&s, &c, (int64_t)s.lines);
    } while (read_rc == HR_OK && more && s.lines < BATCH_LINES && u->m.n + details_cells(u->d) < BATCH_CELLS &&
             details_bad_kept(u->d) < BATCH_BAD);
    for (size_t i = 0; i < s.nsamples && tot->malformed + i < HR_SAMPLES; i++)
      note(u->o, 0, "%s:%lld: %s", path, (long long)(pos.lines + s.samples[i].line),
           format_reason(s.samples[i].reason));
    pos.offset = reader_offset(r);
    pos.lines += (int64_t)s.lines;
    pos.malformed += (int64_t)s.malformed;
    const char *names[HR_MAX_FIELDS];
    int64_t last[HR_MAX_FIELDS];
    struct hr_source_batch sb;
    pipeline_source_batch(p, (size_t)si, &s, names, last, &sb);
    /* what was read is kept, even before a read error */
    rc = flush(st, u->ids, &u->m, u->d, p->src[si].ds->name, &sb, real, &pos, err);
    if (rc == HR_OK) { /* the totals say what is in the store */
      tot->lines += s.lines;
      tot->malformed += s.malformed;
      tot->events += s.events;
      tot->undecided += s.undecided;
      tot->bytes += s.bytes;
    }
    if (rc == HR_OK && read_rc != HR_OK) {
      *err = rerr;
      rc = read_rc;
    }
    if (u->o->progress != NULL) {
      double dt = now_s() - t0;
      int64_t ondisk, size;
      reader_progress(r, &ondisk, &size);
      double rate = dt > 0 ? (double)ondisk / dt : 0; /* on-disk bytes per second */
      double eta = size > 0 && rate > 0 && more ? (double)(size - ondisk) / rate : -1;
      u->o->progress(u->o->ctx, path, (double)(pos.offset - start_off) / 1e6, pos.lines,
                     dt > 0 ? (double)tot->lines / dt : 0.0, eta, 0);
    }
  }
  if (u->o->progress != NULL)
    u->o->progress(u->o->ctx, path, (double)(pos.offset - start_off) / 1e6, pos.lines, 0, -1, 1);
  reader_close(r);
  return rc;
}

enum hr_rc engine_ingest(const struct hr_config *cfg, const struct hr_ingest_opts *o, struct hr_ingest_totals *tot,
                         struct hr_err *err) {
  memset(tot, 0, sizeof *tot);
  struct run u = {.o = o};
  glob_t g = {0};
  int globbed = 0;
  char **files = o->files;
  size_t nfiles = o->files ? o->nfiles : 0;
  u.ids = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *u.ids);
  counts_init(&u.m, 1 << 14);
  u.d = details_new(cfg->nslos);
  enum hr_rc rc = pipeline_new(cfg, &u.p, err);
  if (rc == HR_OK)
    rc = store_open(o->db ? o->db : cfg->db_path, &u.st, err);
  if (rc == HR_OK)
    pipeline_hook_details(u.p, u.d);
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++)
    rc = store_slo_id(u.st, cfg->slos[j].name, &u.ids[j], err);
  if (rc == HR_OK && nfiles == 0) {
    int flags = 0;
    for (size_t i = 0; i < cfg->nsources; i++)
      for (size_t k = 0; k < cfg->sources[i].npaths; k++) {
        glob(cfg->sources[i].paths[k], flags, NULL, &g);
        flags = GLOB_APPEND;
        globbed = 1;
      }
    files = g.gl_pathv;
    nfiles = globbed ? g.gl_pathc : 0;
    if (nfiles == 0)
      rc = HR_FAIL(err, HR_ERR_USAGE, "ingest: no log files named and none match the data sources' paths");
  }
  size_t nfail = 0;
  for (size_t i = 0; i < nfiles && rc == HR_OK; i++) {
    struct hr_err e = {0};
    enum hr_rc r2 = ingest_file(&u, files[i], tot, &e);
    if (r2 == HR_ERR_DB) {
      *err = e;
      rc = r2; /* the store fails: stop */
    } else if (r2 != HR_OK) {
      note(o, 1, "%s", e.msg);
      nfail++;
    }
  }
  if (rc == HR_OK && nfail > 0)
    rc = HR_FAIL(err, HR_ERR_IO,
                 "%zu of %zu files could not be read whole (the lines read before each error are committed)", nfail,
                 nfiles);
  if (globbed)
    globfree(&g);
  counts_free(&u.m);
  details_free(u.d);
  free(u.ids);
  store_close(u.st);
  pipeline_free(u.p);
  return rc;
}

enum hr_rc engine_ingest_buffer(const struct hr_config *cfg, const char *db, const char *source, const char *key,
                                const char *buf, size_t n, struct hr_buffer_stats *out, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  struct hr_pipeline *p = NULL;
  struct hr_store *st = NULL;
  struct hr_scan_stats s;
  scan_stats_init(&s);
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  if (rc == HR_OK)
    rc = store_open(db, &st, err);
  if (rc == HR_OK)
    rc = tail_ingest_buffer(p, st, source, key, buf, n, &s, &out->dup, err);
  store_close(st);
  pipeline_free(p);
  out->lines = s.lines;
  out->events = s.events;
  out->malformed = s.malformed;
  out->blank = s.blank;
  out->bytes = s.bytes;
  return rc;
}
