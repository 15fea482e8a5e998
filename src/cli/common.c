/* common.c -- see common.h. */
#include "cli/common.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/exclude.h"
#include "core/timeparse.h"
#include "ingest/counts.h"
#include "ingest/pipeline.h"
#include "ingest/reader.h"
#include "prom/prom.h"
#include "store/store.h"
#include "store/timeline.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MINUTE_US 60000000LL
#define SPLIT_MIN (32LL << 20) /* plain files above this are split between threads */

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("headroom: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

struct hr_config *cli_load_config(const char *path) {
  struct hr_diag d = {0};
  struct hr_config *cfg = NULL;
  enum hr_rc rc = config_load(path, 0, &cfg, &d);
  for (size_t i = 0; i < d.n; i++)
    fprintf(stderr, "%s\n", d.msgs[i]);
  diag_free(&d);
  if (rc != HR_OK) {
    config_free(cfg);
    return NULL;
  }
  return cfg;
}

int cli_parse_time(const char *opt, const char *s, int64_t *us) {
  if (s == NULL || time_parse_rfc3339(s, strlen(s), us) != 0) {
    cli_error("%s: expected an RFC 3339 time such as 2026-03-01T12:00:00Z, got '%s'", opt, s ? s : "");
    return -1;
  }
  return 0;
}

int cli_isatty(FILE *f) { return isatty(fileno(f)); }

/* ---- reading logs, possibly on several threads ---- */

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

static void series_set_init(struct hr_series *s, const struct hr_config *cfg, int64_t phase_us) {
  for (size_t j = 0; j < cfg->nslos; j++)
    series_init(&s[j], MINUTE_US, phase_us, slo_eval_span(&cfg->slos[j], MINUTE_US));
}

static void *work(void *arg) {
  struct worker *w = arg;
  struct hr_pipeline *p = NULL;
  w->rc = pipeline_new(w->cfg, &p, &w->err);
  if (w->rc != HR_OK)
    return NULL;
  for (;;) {
    size_t u = atomic_fetch_add(w->next, 1);
    if (u >= w->nunits)
      break;
    struct unit *un = &w->units[u];
    struct hr_reader *r = NULL;
    struct hr_err e = {0};
    enum hr_rc rc = un->ranged ? reader_open_range(un->path, un->from, un->to, &r, &e)
                               : reader_open(un->path, &r, &e);
    if (rc != HR_OK) {
      un->error = xstrdup(e.msg);
      continue;
    }
    if (w->mu == NULL) {
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

static enum hr_rc read_logs(const struct hr_config *cfg, const struct hr_status_opts *o, int64_t at_us,
                            struct hr_series *series, struct hr_report *rep, struct hr_err *err) {
  /* Assign each file to its data source (checked up front, so a wrong name
   * fails before any work). */
  struct hr_pipeline *p = NULL;
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  if (rc != HR_OK)
    return rc;
  int nthreads = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
  size_t cap = o->nlogs * (size_t)nthreads + 1, n = 0;
  struct unit *units = xcalloc(cap, sizeof *units);
  for (size_t i = 0; i < o->nlogs && rc == HR_OK; i++) {
    int si = pipeline_source_for(p, o->logs[i], o->source, err);
    if (si < 0) {
      rc = HR_ERR_USAGE;
      break;
    }
    struct stat sb;
    if (stat(o->logs[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
      if (strcmp(o->logs[i], "-") != 0) {
        rc = HR_FAIL(err, HR_ERR_IO, "%s: not a readable file", o->logs[i]);
        break;
      }
      sb.st_size = 0;
    }
    int parts = 1;
    if (nthreads > 1 && sb.st_size >= SPLIT_MIN) {
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
      if (rep->stats.nsamples + s < HR_SAMPLES)
        fprintf(stderr, "%s:%lld: %s\n", units[u].path, (long long)(units[u].stats.samples[s].line + shift),
                format_reason(units[u].stats.samples[s].reason));
    scan_stats_merge(&rep->stats, &units[u].stats, shift);
    shift += (int64_t)units[u].stats.lines;
    if (units[u].error != NULL) {
      report_add_error(rep, units[u].error);
      free(units[u].error);
    }
  }
  free(units);
  free(ws);
  free(tids);
  return rc;
}

/* ---- the timeline: maintenance windows as exclusions, since the last deploy ---- */

struct timeline {
  struct hr_annotation *maint, *deploys; /* owned */
  size_t nmaint, ndeploys;
  struct hr_config eff; /* cfg with each SLO's maintenance windows added to its exclusions */
  struct hr_slo *slos;  /* eff.slos (owned; their excl arrays too, when changed) */
  int changed;          /* any SLO got a window: use eff */
};

static int same_service(const struct hr_slo *slo, const char *svc) {
  return slo->service != NULL && svc != NULL && strcmp(slo->service, svc) == 0;
}

/* Read the deploys and maintenance windows of the store st. */
static enum hr_rc timeline_read(struct timeline *tl, struct hr_store *st, struct hr_err *err) {
  enum hr_rc rc = timeline_list(st, NULL, "maintenance", INT64_MIN, INT64_MAX, &tl->maint, &tl->nmaint, err);
  if (rc == HR_OK)
    rc = timeline_list(st, NULL, "deploy", INT64_MIN, INT64_MAX, &tl->deploys, &tl->ndeploys, err);
  return rc;
}

/* Build tl->eff: each SLO's exclusions plus the maintenance windows of its
 * service as one-off exclusions [at, end). Counts how many windows apply. */
static size_t timeline_effective(struct timeline *tl, const struct hr_config *cfg) {
  size_t used = 0;
  tl->eff = *cfg;
  tl->slos = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *tl->slos);
  if (cfg->nslos)
    memcpy(tl->slos, cfg->slos, cfg->nslos * sizeof *tl->slos);
  tl->eff.slos = tl->slos;
  for (size_t i = 0; i < tl->nmaint; i++) {
    int applies = 0;
    for (size_t j = 0; j < cfg->nslos; j++)
      applies |= same_service(&cfg->slos[j], tl->maint[i].service);
    used += (size_t)applies;
  }
  for (size_t j = 0; j < cfg->nslos; j++) {
    size_t n = 0;
    for (size_t i = 0; i < tl->nmaint; i++)
      n += (size_t)same_service(&cfg->slos[j], tl->maint[i].service);
    if (n == 0)
      continue;
    struct hr_slo *s = &tl->slos[j];
    struct hr_exclusion *x = xcalloc(s->nexcl + n, sizeof *x);
    if (s->nexcl)
      memcpy(x, s->excl, s->nexcl * sizeof *x);
    size_t k = s->nexcl;
    for (size_t i = 0; i < tl->nmaint; i++) {
      if (!same_service(&cfg->slos[j], tl->maint[i].service))
        continue;
      x[k].start_us = tl->maint[i].at_s * 1000000;
      x[k].end_us = tl->maint[i].end_s * 1000000;
      x[k].reason = tl->maint[i].text;
      k++;
    }
    s->excl = x;
    s->nexcl = k;
    tl->changed = 1;
  }
  return used;
}

static void timeline_done(struct timeline *tl, const struct hr_config *cfg) {
  for (size_t j = 0; tl->slos != NULL && j < cfg->nslos; j++)
    if (tl->slos[j].excl != cfg->slos[j].excl)
      free(tl->slos[j].excl);
  free(tl->slos);
  timeline_free(tl->maint, tl->nmaint);
  timeline_free(tl->deploys, tl->ndeploys);
  memset(tl, 0, sizeof *tl);
}

/* Store minutes wholly inside [from_us, to_us) count nothing (the store keeps
 * whole minutes; events of logs were already filtered exactly). */
static void zero_window(struct hr_series *s, int64_t from_us, int64_t to_us) {
  if (s->head == INT64_MIN)
    return;
  int64_t k = series_index(s, from_us);
  if (series_start(s, k) < from_us)
    k++;
  int64_t lo = s->head - (int64_t)s->cap + 1, c = (int64_t)s->cap;
  if (k < lo)
    k = lo;
  for (; k <= s->head && series_start(s, k) + s->step_us <= to_us; k++) {
    size_t i = (size_t)(((k % c) + c) % c);
    s->good[i] = 0;
    s->valid[i] = 0;
  }
}

/* The newest deploy of service at or before t_us; NULL when none. */
static const struct hr_annotation *last_deploy(const struct timeline *tl, const char *service, int64_t t_us) {
  const struct hr_annotation *best = NULL;
  for (size_t i = 0; i < tl->ndeploys; i++) {
    const struct hr_annotation *a = &tl->deploys[i];
    if (service != NULL && strcmp(a->service, service) == 0 && a->at_s <= floor_div(t_us, 1000000) &&
        (best == NULL || a->at_s > best->at_s || (a->at_s == best->at_s && a->id > best->id)))
      best = a;
  }
  return best;
}

/* Fill rs's since_deploy figures: evaluate the SLO again on a copy of its
 * series holding only the buckets that start at or after max(deploy, window
 * start), and share the window's consumed budget out in proportion to the bad
 * events (or bad slices) found there. */
static void since_deploy(struct hr_report_slo *rs, const struct hr_tz *tz, const struct hr_series *s,
                         struct hr_excluder *ex, int64_t t_us, const struct hr_annotation *dep) {
  const struct hr_slo *slo = rs->slo;
  int64_t dep_us = dep->at_s * 1000000;
  int64_t from = dep_us > rs->st.window_start_us ? dep_us : rs->st.window_start_us;
  int64_t k0 = series_index(s, from);
  if (series_start(s, k0) < from)
    k0++;
  rs->has_deploy = 1;
  rs->deploy_at_us = dep_us;
  rs->deploy_from_us = series_start(s, k0);
  rs->deploy_text = dep->text ? xstrdup(dep->text) : NULL;
  struct hr_series m;
  series_init(&m, s->step_us, s->phase_us, s->cap);
  if (s->head != INT64_MIN) {
    int64_t lo = s->head - (int64_t)s->cap + 1;
    for (int64_t k = k0 > lo ? k0 : lo; k <= s->head; k++) {
      uint64_t g, v;
      series_get(s, k, &g, &v);
      if (g != 0 || v != 0)
        series_add(&m, series_start(s, k), (uint32_t)g, (uint32_t)v);
    }
  }
  struct hr_slo_state ms;
  slo_eval_ex(slo, tz, &m, ex, t_us, &ms);
  series_reset(&m);
  rs->deploy_good = ms.good;
  rs->deploy_valid = ms.valid;
  int slices = slo->budgeting != HR_BUDGET_OCCURRENCES;
  uint64_t bad_d = slices ? ms.total_slices - ms.good_slices : ms.valid - ms.good;
  uint64_t bad_w = slices ? rs->st.total_slices - rs->st.good_slices : rs->st.valid - rs->st.good;
  if (bad_d > bad_w)
    bad_d = bad_w; /* a slice cut by the deploy can look worse than whole */
  double consumed = rs->st.has_sli ? 1.0 - rs->st.budget_remaining : 0.0;
  rs->deploy_budget_spent = bad_w > 0 ? consumed * (double)bad_d / (double)bad_w : 0.0;
}

enum hr_rc status_compute(const struct hr_config *cfg, const struct hr_status_opts *o, struct hr_report *rep,
                          struct hr_err *err) {
  memset(rep, 0, sizeof *rep);
  scan_stats_init(&rep->stats);
  /* SLOs on a prometheus DataSource read their counts from Prometheus
   * (prom.h); with only such SLOs no store is needed. */
  size_t nprom = 0;
  for (size_t j = 0; j < cfg->nslos; j++)
    nprom += (size_t)prom_slo_is_prom(&cfg->slos[j]);
  int use_store = o->store || o->nlogs == 0 || o->db != NULL; /* --db with logs: both */
  const char *db = o->db ? o->db : cfg->db_path;
  struct hr_store *st = NULL;
  enum hr_rc rc = HR_OK;
  if (use_store && db == NULL && nprom > 0 && o->nlogs == 0 && !o->store)
    use_store = 0;
  if (use_store) {
    if (db == NULL)
      return HR_FAIL(err, HR_ERR_USAGE, "no store configured; name log files or --db");
    rc = store_open_ro(db, &st, err);
    if (rc == HR_ERR_NOTFOUND && o->nlogs == 0 && nprom == 0)
      return HR_FAIL(err, HR_ERR_NOTFOUND,
                     "no log files named and no store at %s (run 'headroom ingest' first, or name log files)", db);
    if (rc == HR_ERR_NOTFOUND) {
      use_store = 0; /* --db named with logs (or Prometheus SLOs only), store absent */
      rc = HR_OK;
    }
    if (rc != HR_OK)
      return rc;
  }
  /* The timeline (deploys, maintenance windows) lives in the store; a report
   * of logs alone reads it too when the store exists. */
  struct timeline tl = {0};
  if (db != NULL) {
    struct hr_store *ts = st;
    struct hr_err e = {0};
    enum hr_rc r2 = ts != NULL ? HR_OK : store_open_ro(db, &ts, &e);
    if (r2 == HR_OK)
      r2 = timeline_read(&tl, ts, &e);
    if (r2 == HR_OK)
      rep->has_timeline = 1;
    else if (r2 != HR_ERR_NOTFOUND)
      report_add_error(rep, e.msg); /* the figures stand without it */
    if (ts != st)
      store_close(ts);
  }
  rep->nmaintenance = timeline_effective(&tl, cfg);
  const struct hr_config *ecfg = tl.changed ? &tl.eff : cfg;
  /* The grid: with the store, whole minutes; with logs only and --at, the
   * minute phase of --at so [T - w, T) is exact to the event. */
  int64_t at_us = o->at_us;
  int64_t phase_us = 0;
  if (o->has_at) {
    if (use_store)
      at_us = floor_div(at_us, MINUTE_US) * MINUTE_US;
    else
      phase_us = at_us - floor_div(at_us, MINUTE_US) * MINUTE_US;
  }
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  struct hr_series *series = xcalloc(ns, sizeof *series);
  series_set_init(series, cfg, phase_us);
  if (o->nlogs > 0) {
    rep->has_logs = 1;
    rc = read_logs(ecfg, o, o->has_at ? at_us : INT64_MAX, series, rep, err);
  }
  int64_t t_us = at_us;
  if (rc == HR_OK && !o->has_at) {
    /* Just after the last event read, its minute rounded up. */
    int64_t last = INT64_MIN;
    if (rep->stats.max_ts_us != INT64_MIN)
      last = rep->stats.max_ts_us;
    if (use_store) {
      int64_t m;
      if (store_last_minute(st, &m, err) == HR_OK && m != INT64_MIN && m * 1000000 > last)
        last = m * 1000000;
    }
    t_us = last == INT64_MIN ? 0 : (floor_div(last, MINUTE_US) + 1) * MINUTE_US;
    if (last == INT64_MIN && nprom > 0) {
      /* Nothing read locally: Prometheus is live, evaluate now (whole minute). */
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      t_us = floor_div((int64_t)ts.tv_sec * 1000000, MINUTE_US) * MINUTE_US;
    }
  }
  if (rc == HR_OK && use_store) {
    rep->from_store = 1;
    rep->store_path = (char *)db;
    for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
      int64_t id;
      if (prom_slo_is_prom(&cfg->slos[j]))
        continue; /* read from Prometheus below */
      enum hr_rc r2 = store_slo_find(st, cfg->slos[j].name, &id, err);
      if (r2 == HR_ERR_NOTFOUND)
        continue;
      if (r2 != HR_OK) {
        rc = r2;
        break;
      }
      int64_t span_s = (int64_t)series[j].cap * 60;
      int64_t to_s = t_us / 1000000;
      rc = store_load(st, id, to_s - span_s, to_s, &series[j], err);
      for (size_t i = 0; rc == HR_OK && i < tl.nmaint; i++)
        if (same_service(&cfg->slos[j], tl.maint[i].service))
          zero_window(&series[j], tl.maint[i].at_s * 1000000, tl.maint[i].end_s * 1000000);
    }
  }
  store_close(st);
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
    if (!prom_slo_is_prom(&cfg->slos[j]))
      continue;
    int nodata;
    char *note = NULL;
    rc = prom_slo_series(&cfg->slos[j], t_us, &series[j], &nodata, &note, err);
    if (note != NULL) {
      report_add_error(rep, note);
      free(note);
    }
    for (size_t i = 0; rc == HR_OK && i < tl.nmaint; i++)
      if (same_service(&cfg->slos[j], tl.maint[i].service))
        zero_window(&series[j], tl.maint[i].at_s * 1000000, tl.maint[i].end_s * 1000000);
  }
  if (rc == HR_OK) {
    rep->at_us = t_us;
    rep->nslos = cfg->nslos;
    rep->slos = xcalloc(ns, sizeof *rep->slos);
    for (size_t j = 0; j < cfg->nslos; j++) {
      const struct hr_slo *slo = &cfg->slos[j];
      const struct hr_slo *eslo = &ecfg->slos[j]; /* its exclusions with the maintenance windows */
      struct hr_tz *tz = NULL;
      if (slo->window.kind == HR_WIN_CALENDAR) {
        struct hr_err e = {0};
        if (tz_load(slo->window.tz ? slo->window.tz : "UTC", &tz, &e) != HR_OK) {
          rc = HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: %s", slo->name, e.msg);
          break;
        }
      }
      struct hr_excluder *ex = NULL;
      struct hr_err e = {0};
      if (eslo->nexcl > 0 && excluder_new(eslo->excl, eslo->nexcl, &ex, &e) != HR_OK) {
        tz_free(tz);
        rc = HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: exclusions: %s", slo->name, e.msg);
        break;
      }
      rep->slos[j].slo = slo;
      slo_eval_ex(slo, tz, &series[j], ex, t_us, &rep->slos[j].st);
      rep->slos[j].timeline_read = rep->has_timeline;
      const struct hr_annotation *dep = last_deploy(&tl, slo->service, t_us);
      if (dep != NULL)
        since_deploy(&rep->slos[j], tz, &series[j], ex, t_us, dep);
      rep->dropped += series[j].dropped;
      excluder_free(ex);
      tz_free(tz);
    }
  }
  if (rc == HR_OK && o->keep_series != NULL) {
    *o->keep_series = series;
    series = NULL;
  }
  for (size_t j = 0; series != NULL && j < cfg->nslos; j++)
    series_reset(&series[j]);
  free(series);
  timeline_done(&tl, cfg);
  if (rc != HR_OK)
    report_free(rep); /* nothing of a failed evaluation is kept */
  return rc;
}
