/* read.c -- reading log files for an evaluation, on one or several threads
 * (see impl.h). Large plain files are split into byte ranges; every thread
 * compiles its own pipeline. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/impl.h"
#include "core/counts.h"
#include "ingest/pipeline.h"
#include "ingest/reader.h"
#include "util/xmalloc.h"

#define SPLIT_MIN (32LL << 20) /* plain files above this are split between threads */

struct unit {
  const char *path;
  size_t file; /* index into the logs named */
  int si;      /* data source */
  int ranged;
  int64_t from, to;
  struct hr_scan_stats stats;
  char *error; /* malloc'd; a read error after which the counts stay */
};

struct worker {
  const struct hr_config *cfg;
  struct unit *units;
  size_t nunits;
  atomic_size_t *next;
  int64_t at_us;
  struct hr_series *series; /* one per SLO, shared by every worker */
  pthread_mutex_t *mu;      /* NULL: the only worker, which adds to series directly */
  hr_event_hook_fn hook;    /* the per-event hook (one thread only), or NULL */
  void *hook_ctx;
  uint64_t hook_need;
  hr_hook_setup_fn setup; /* called first with the pipeline, or NULL */
  enum hr_rc rc;
  struct hr_err err;
};

/* With several workers, each counts into a small (SLO, bucket) batch and
 * adds it to the shared series under the mutex every BATCH_LINES lines: one
 * set of rings in memory whatever the number of threads. */
#define BATCH_LINES 16384

struct batch {
  struct hr_counts counts; /* keyed by (SLO, bucket index of the series) */
  const struct hr_series *series;
};

static void sink_batch(void *ctx, size_t j, int64_t ts, int good) {
  struct batch *b = ctx;
  counts_put(&b->counts, (uint32_t)j, series_index(&b->series[j], ts), (uint64_t)good, 1);
}

static void batch_flush(struct batch *b, struct hr_series *series, pthread_mutex_t *mu) {
  pthread_mutex_lock(mu);
  for (size_t i = 0; i < b->counts.cap; i++) {
    const struct hr_count_cell *c = &b->counts.c[i];
    if (c->minute != INT64_MIN)
      series_add(&series[c->slo], series_start(&series[c->slo], c->minute), (uint32_t)c->good, (uint32_t)c->valid);
  }
  pthread_mutex_unlock(mu);
  counts_clear(&b->counts);
}

static void sink_series(void *ctx, size_t j, int64_t ts, int good) {
  series_add(&((struct hr_series *)ctx)[j], ts, (uint32_t)good, 1);
}

static void *work(void *arg) {
  struct worker *w = arg;
  struct hr_pipeline *p = NULL;
  w->rc = pipeline_new(w->cfg, &p, &w->err);
  if (w->rc != HR_OK)
    return NULL;
  if (w->setup != NULL) {
    uint64_t need = 0;
    w->rc = w->setup(w->hook_ctx, p, &need, &w->err);
    if (w->rc != HR_OK) {
      pipeline_free(p);
      return NULL;
    }
    w->hook_need |= need;
  }
  if (w->hook != NULL)
    pipeline_set_hook(p, w->hook, w->hook_ctx, w->hook_need);
  for (;;) {
    size_t u = atomic_fetch_add(w->next, 1);
    if (u >= w->nunits)
      break;
    struct unit *un = &w->units[u];
    struct hr_reader *r = NULL;
    struct hr_err e = {0};
    enum hr_rc rc = un->ranged ? reader_open_range(un->path, un->from, un->to, &r, &e) : reader_open(un->path, &r, &e);
    if (rc != HR_OK) {
      un->error = xstrdup(e.msg);
      continue;
    }
    rc = pipeline_prime(p, (size_t)un->si, un->path, un->ranged ? un->from : 0, &e);
    if (rc != HR_OK) {
      un->error = xstrdup(e.msg);
      reader_close(r);
      continue;
    } else if (w->mu == NULL) {
      rc = scan_reader(p, (size_t)un->si, r, w->at_us, sink_series, w->series, 0, NULL, &un->stats, &e);
    } else {
      struct batch b = {.series = w->series};
      counts_init(&b.counts, 1 << 12);
      int more = 1;
      while (more && rc == HR_OK) {
        rc = scan_reader(p, (size_t)un->si, r, w->at_us, sink_batch, &b, BATCH_LINES, &more, &un->stats, &e);
        batch_flush(&b, w->series, w->mu); /* what was read before an error counts too */
      }
      counts_free(&b.counts);
    }
    if (rc != HR_OK)
      un->error = xasprintf("%s; the lines before it are counted", e.msg);
    reader_close(r);
  }
  pipeline_free(p);
  return NULL;
}

static enum hr_rc read_logs(const struct hr_config *cfg, const struct hr_input *o, int64_t at_us,
                            struct hr_series *series, hr_hook_setup_fn setup, hr_event_hook_fn hook, void *hook_ctx,
                            uint64_t need, struct hr_report *rep, struct hr_err *err) {
  /* Assign each file to its data source (checked up front, so a wrong name
   * fails before any work). */
  struct hr_pipeline *p = NULL;
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  if (rc != HR_OK)
    return rc;
  int nthreads = hook != NULL || setup != NULL || o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
  size_t cap = o->nlogs * (size_t)nthreads + 1, n = 0;
  struct unit *units = xcalloc(cap, sizeof *units);
  for (size_t i = 0; i < o->nlogs && rc == HR_OK; i++) {
    struct stat sb;
    if (strcmp(o->logs[i], "-") == 0) {
      sb.st_size = 0;
    } else if (stat(o->logs[i], &sb) != 0) {
      rc = HR_FAIL(err, HR_ERR_IO, "%s: %s", o->logs[i], strerror(errno));
      break;
    } else if (!S_ISREG(sb.st_mode)) {
      rc = HR_FAIL(err, HR_ERR_IO, "%s: not a regular file", o->logs[i]);
      break;
    }
    int si = pipeline_source_for(p, o->logs[i], o->source, err);
    if (si < 0) {
      rc = HR_ERR_USAGE;
      break;
    }
    int parts = 1;
    /* W3C logs are read whole: a part would need the #Fields: before it */
    if (nthreads > 1 && sb.st_size >= SPLIT_MIN && !format_stateful(p->src[si].fmt)) {
      struct hr_reader *r = NULL;
      if (reader_open(o->logs[i], &r, err) != HR_OK) {
        rc = HR_ERR_IO;
        break;
      }
      if (!reader_is_gzip(r))
        parts = nthreads;
      reader_close(r);
    }
    for (int k = 0; k < parts; k++) {
      struct unit *u = &units[n++];
      u->path = o->logs[i];
      u->file = i;
      u->si = si;
      u->ranged = parts > 1;
      u->from = (int64_t)sb.st_size * k / parts;
      u->to = (int64_t)sb.st_size * (k + 1) / parts;
      scan_stats_init(&u->stats);
    }
  }
  pipeline_free(p);
  if (rc != HR_OK) {
    free(units);
    return rc;
  }
  atomic_size_t next = 0;
  if ((size_t)nthreads > n)
    nthreads = n > 0 ? (int)n : 1;
  struct worker *ws = xcalloc((size_t)nthreads, sizeof *ws);
  pthread_t *tids = xcalloc((size_t)nthreads, sizeof *tids);
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  for (int t = 0; t < nthreads; t++) {
    ws[t].cfg = cfg;
    ws[t].units = units;
    ws[t].nunits = n;
    ws[t].next = &next;
    ws[t].at_us = at_us;
    ws[t].series = series;
    ws[t].mu = nthreads > 1 ? &mu : NULL;
    ws[t].hook = hook;
    ws[t].hook_ctx = hook_ctx;
    ws[t].hook_need = need;
    ws[t].setup = setup;
  }
  for (int t = 1; t < nthreads; t++)
    if (pthread_create(&tids[t], NULL, work, &ws[t]) != 0) {
      ws[t].rc = HR_ERR_IO; /* run its share on this thread instead */
      tids[t] = 0;
    }
  work(&ws[0]);
  for (int t = 1; t < nthreads; t++)
    if (tids[t])
      pthread_join(tids[t], NULL);
  for (int t = 0; t < nthreads && rc == HR_OK; t++)
    if (ws[t].rc != HR_OK && ws[t].err.msg[0]) {
      *err = ws[t].err;
      rc = ws[t].rc;
    }
  /* Per file, in order: shift each part's sample line numbers by the lines of
   * the parts before it. */
  scan_stats_init(&rep->stats);
  int64_t shift = 0;
  for (size_t u = 0; u < n; u++) {
    if (u > 0 && units[u].file != units[u - 1].file)
      shift = 0;
    for (size_t s = 0; s < units[u].stats.nsamples; s++)
      if (rep->nsamples < HR_SAMPLES) {
        rep->samples = xrealloc(rep->samples, (rep->nsamples + 1) * sizeof *rep->samples);
        rep->samples[rep->nsamples++] =
            xasprintf("%s:%lld: %s", units[u].path, (long long)(units[u].stats.samples[s].line + shift),
                      format_reason(units[u].stats.samples[s].reason));
      }
    scan_stats_merge(&rep->stats, &units[u].stats, shift);
    if (rep->src_stats != NULL && (size_t)units[u].si < rep->nsrc_stats)
      scan_stats_merge(&rep->src_stats[units[u].si], &units[u].stats, 0);
    shift += (int64_t)units[u].stats.lines;
    if (units[u].error != NULL) {
      rep->unreadable++;
      report_add_error(rep, "%s", units[u].error);
      free(units[u].error);
    }
  }
  free(units);
  free(ws);
  free(tids);
  return rc;
}

enum hr_rc engine_read_logs(const struct hr_config *cfg, const struct hr_input *o, int64_t at_us,
                            struct hr_series *series, struct hr_report *rep, struct hr_err *err) {
  return read_logs(cfg, o, at_us, series, NULL, NULL, NULL, 0, rep, err);
}

enum hr_rc engine_read_logs_setup(const struct hr_config *cfg, const struct hr_input *o, int64_t at_us,
                                  struct hr_series *series, hr_hook_setup_fn setup, hr_event_hook_fn hook,
                                  void *hook_ctx, struct hr_report *rep, struct hr_err *err) {
  return read_logs(cfg, o, at_us, series, setup, hook, hook_ctx, 0, rep, err);
}

enum hr_rc engine_read_logs_hooked(const struct hr_config *cfg, const struct hr_input *o, int64_t at_us,
                                   struct hr_series *series, hr_event_hook_fn hook, void *hook_ctx, uint64_t need,
                                   struct hr_report *rep, struct hr_err *err) {
  return read_logs(cfg, o, at_us, series, NULL, hook, hook_ctx, need, rep, err);
}
