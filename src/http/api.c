/* api.c -- see api.h. Each handler parses its request, calls the engine and
 * renders its answer with src/render/; nothing here computes a figure. */
#include "http/api.h"

#include <math.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/gate.h"
#include "core/timeparse.h"
#include "engine/annotate.h"
#include "engine/breakdown.h"
#include "engine/daemon.h"
#include "engine/detail.h"
#include "engine/gate.h"
#include "engine/ingest.h"
#include "engine/journeys.h"
#include "engine/report.h"
#include "engine/round.h"
#include "engine/compliance.h"
#include "engine/suggest.h"
#include "http/body.h"
#include "http/metrics.h"
#include "render/alerts.h"
#include "render/assets.h"
#include "render/breakdown.h"
#include "render/detail.h"
#include "render/gate.h"
#include "render/journeys.h"
#include "render/risk.h"
#include "core/jw.h"
#include "render/metrics.h"
#include "render/report.h"
#include "render/history.h"
#include "render/suggest.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MINUTE_US 60000000LL
#define RECENT_ALERTS 50
#define TREND_POINTS 48

static void *snapshot_main(void *arg);

/* ------------------------------------------------------------------------ */
/* Shared state */

void api_init(struct hr_api *a, const struct hr_config *cfg, const char *db, int has_at, int64_t at_us) {
  memset(a, 0, sizeof *a);
  pthread_rwlock_init(&a->cfg_lock, NULL);
  pthread_mutex_init(&a->mu, NULL);
  a->cfg = cfg;
  a->db = db;
  a->has_at = has_at;
  a->at_us = at_us;
  atomic_init(&a->store_ready, 0);
  atomic_init(&a->generation, 1);
  atomic_init(&a->sync_generation, 0);
  a->store_ok = 1;
  pthread_cond_init(&a->snap_cv, NULL);
  a->snap_thread_on = pthread_create(&a->snap_thread, NULL, snapshot_main, a) == 0;
}

static void files_free(struct hr_api *a) {
  for (size_t i = 0; i < a->nfiles; i++) {
    free(a->files[i].path);
    free(a->files[i].source);
  }
  free(a->files);
  for (size_t i = 0; i < a->nempty; i++)
    free(a->empty_globs[i]);
  free(a->empty_globs);
  a->files = NULL;
  a->empty_globs = NULL;
  a->nfiles = a->nempty = 0;
}

#define MAX_LISTED 1000 /* files listed by /api/v1/status */

void api_set_files(struct hr_api *a, const struct hr_daemon *d, double mono_s) {
  struct hr_tail_file *fs = xcalloc(MAX_LISTED, sizeof *fs);
  size_t nf = daemon_files(d, mono_s, fs, MAX_LISTED);
  if (nf > MAX_LISTED)
    nf = MAX_LISTED;
  const char *src[64], *glob[64];
  size_t ng = daemon_empty_globs(d, src, glob, 64);
  if (ng > 64)
    ng = 64;
  pthread_mutex_lock(&a->mu);
  files_free(a);
  a->files = xcalloc(nf ? nf : 1, sizeof *a->files);
  for (size_t i = 0; i < nf; i++)
    a->files[a->nfiles++] =
        (struct hr_api_file){xstrdup(fs[i].path), xstrdup(fs[i].source), fs[i].offset, fs[i].size, fs[i].idle_s};
  a->empty_globs = xcalloc(ng ? ng : 1, sizeof *a->empty_globs);
  for (size_t i = 0; i < ng; i++)
    a->empty_globs[a->nempty++] = xasprintf("%s: %s", src[i], glob[i]);
  pthread_mutex_unlock(&a->mu);
  free(fs);
}

void api_destroy(struct hr_api *a) {
  if (a->snap_thread_on) {
    pthread_mutex_lock(&a->mu);
    a->snap_stop = 1;
    pthread_cond_broadcast(&a->snap_cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->snap_thread, NULL);
  }
  api_snapshot_release(a->snap);
  pthread_cond_destroy(&a->snap_cv);
  files_free(a);
  pthread_rwlock_destroy(&a->cfg_lock);
  pthread_mutex_destroy(&a->mu);
}

int64_t api_eval_at(const struct hr_api *a) {
  if (a->has_at)
    return a->at_us;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  return (floor_div(now, MINUTE_US) + 1) * MINUTE_US;
}

static unsigned status_for(enum hr_rc rc) {
  switch (rc) {
  case HR_ERR_USAGE:
  case HR_ERR_PARSE: return 400;
  case HR_ERR_NOTFOUND: return 404;
  case HR_ERR_TOOBIG: return 413;
  case HR_ERR_CONFLICT: return 422;
  default: return 500;
  }
}

/* What every evaluation of the API reads: the store, at the instant. */
static struct hr_read_opts read_opts(const struct hr_api *a, int64_t at_us) {
  struct hr_read_opts r = {.in = {.db = a->db, .store = 1, .threads = 1}, .has_at = 1, .at_us = at_us};
  return r;
}

/* The same, for engine_report() and what is built on it. */
static struct hr_eval_opts eval_opts(const struct hr_api *a, int64_t at_us) {
  struct hr_eval_opts eo = {.read = read_opts(a, at_us)};
  return eo;
}

/* A JSON body written by fn into a memory buffer. */
static char *json_body(void (*fn)(struct hr_jw *, void *), void *ctx, size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  struct hr_jw w;
  jw_init(&w, f, 1);
  fn(&w, ctx);
  fclose(f);
  return buf;
}

/* ------------------------------------------------------------------------ */
/* The snapshot: the report at T (JSON), the per-SLO /metrics families and
 * the overview's trends, recomputed when the store, the configuration or T
 * changed. */

static void trends_write(struct hr_jw *w, void *ctx) {
  const struct hr_report *rep = ctx;
  jw_obj(w, NULL);
  jw_time(w, "at", rep->at_us);
  jw_obj(w, "trends");
  for (size_t j = 0; j < rep->nslos; j++)
    trend_json(w, rep->slos[j].slo->name, rep->slos[j].trend); /* computed with the report */
  jw_obj_end(w);
  jw_obj_end(w);
}

/* The bodies of the snapshot at at_us, from the report (the caller holds
 * the read side of cfg_lock). */
static enum hr_rc compute(struct hr_api *a, int64_t at_us, struct hr_snapshot *s, struct hr_err *err) {
  struct hr_eval_opts eo = eval_opts(a, at_us);
  eo.trend_points = TREND_POINTS; /* each SLO's trend, no series kept */
  struct hr_report rep;
  enum hr_rc rc = engine_report(a->cfg, &eo, &rep, err);
  if (rc != HR_OK)
    return rc;
  size_t ns = rep.nslos ? rep.nslos : 1;
  uint64_t *good = xcalloc(ns, sizeof *good), *valid = xcalloc(ns, sizeof *valid);
  rc = engine_totals(&rep, a->db, good, valid, err);
  if (rc == HR_OK)
    rc = engine_group_totals(&rep, a->db, err); /* the groups' counters */
  if (rc == HR_OK) {
    FILE *f = open_memstream(&s->body[HR_SNAP_SLOS], &s->len[HR_SNAP_SLOS]);
    report_json(f, &rep);
    fclose(f);
    f = open_memstream(&s->body[HR_SNAP_METRICS], &s->len[HR_SNAP_METRICS]);
    metrics_slo_families(f, &rep, good, valid);
    fclose(f);
    s->body[HR_SNAP_TRENDS] = json_body(trends_write, &rep, &s->len[HR_SNAP_TRENDS]);
    s->gz[HR_SNAP_SLOS] = server_gzip(s->body[HR_SNAP_SLOS], s->len[HR_SNAP_SLOS], &s->gzlen[HR_SNAP_SLOS]);
    s->gz[HR_SNAP_TRENDS] = server_gzip(s->body[HR_SNAP_TRENDS], s->len[HR_SNAP_TRENDS], &s->gzlen[HR_SNAP_TRENDS]);
  }
  free(good);
  free(valid);
  report_free(&rep);
  return rc;
}

void api_snapshot_release(struct hr_snapshot *s) {
  if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
    return;
  for (int i = 0; i < HR_SNAP_N; i++) {
    free(s->body[i]);
    free(s->gz[i]);
  }
  free(s);
}

static void snapshot_release_cb(void *cls) {
  api_snapshot_release(cls);
}

/* Under a->mu: the snapshot is of generation gen at at_us. */
static int snap_fresh(const struct hr_api *a, uint64_t gen, int64_t at_us) {
  return a->snap != NULL && a->snap->gen == gen && a->snap->at_us == at_us;
}

/* The snapshot's thread: one attempt each time one is wanted, computing
 * only when the snapshot is stale; the old one is released after the swap
 * (answers still being sent hold their own reference). */
static void *snapshot_main(void *arg) {
  struct hr_api *a = arg;
  pthread_mutex_lock(&a->mu);
  while (!a->snap_stop) {
    if (!a->snap_want) {
      pthread_cond_wait(&a->snap_cv, &a->mu);
      continue;
    }
    a->snap_want = 0;
    a->snap_started++;
    int64_t at = api_eval_at(a);
    int stale = !snap_fresh(a, atomic_load(&a->generation), at);
    pthread_mutex_unlock(&a->mu);
    struct hr_snapshot *s = NULL;
    struct hr_err err = {0};
    enum hr_rc rc = HR_OK;
    if (stale) {
      s = xcalloc(1, sizeof *s);
      atomic_init(&s->refs, 1);
      s->at_us = at;
      pthread_rwlock_rdlock(&a->cfg_lock);
      s->gen = atomic_load(&a->generation); /* read under the lock: the configuration and the commits it covers */
      rc = compute(a, at, s, &err);
      pthread_rwlock_unlock(&a->cfg_lock);
      if (rc != HR_OK) {
        api_snapshot_release(s);
        s = NULL;
      }
    }
    pthread_mutex_lock(&a->mu);
    struct hr_snapshot *old = NULL;
    if (s != NULL) {
      old = a->snap;
      a->snap = s;
    }
    a->snap_rc = rc;
    if (rc != HR_OK)
      a->snap_err = err;
    a->snap_done++;
    pthread_cond_broadcast(&a->snap_cv);
    pthread_mutex_unlock(&a->mu);
    api_snapshot_release(old);
    pthread_mutex_lock(&a->mu);
  }
  pthread_mutex_unlock(&a->mu);
  return NULL;
}

struct hr_snapshot *api_snapshot_get(struct hr_api *a, enum hr_rc *rc, struct hr_err *err) {
  int64_t at = api_eval_at(a);
  uint64_t gen = atomic_load(&a->generation), need = atomic_load(&a->sync_generation);
  struct hr_snapshot *s = NULL;
  *rc = HR_OK;
  pthread_mutex_lock(&a->mu);
  if (!snap_fresh(a, gen, at)) {
    a->snap_want = 1;
    pthread_cond_broadcast(&a->snap_cv);
  }
  uint64_t ticket = a->snap_started + 1; /* the first attempt that starts after now */
  for (;;) {
    if (a->snap_done >= ticket && a->snap_rc != HR_OK && (a->snap == NULL || a->snap->gen < need)) {
      *rc = a->snap_rc; /* the attempt this request waited for failed */
      *err = a->snap_err;
      break;
    }
    if (a->snap != NULL && (a->snap->gen >= need || a->snap_done >= ticket)) {
      s = a->snap;
      atomic_fetch_add(&s->refs, 1);
      break;
    }
    if (a->snap_stop || !a->snap_thread_on) {
      *rc = HR_FAIL(err, HR_ERR_NOTFOUND, a->snap_stop ? "serve is stopping" : "the snapshot's thread did not start");
      break;
    }
    pthread_cond_wait(&a->snap_cv, &a->mu);
  }
  pthread_mutex_unlock(&a->mu);
  return s;
}

enum hr_rc api_snapshot(struct hr_api *a, enum hr_snap which, char **body, size_t *len, struct hr_err *err) {
  enum hr_rc rc;
  struct hr_snapshot *s = api_snapshot_get(a, &rc, err);
  if (s == NULL)
    return rc;
  *len = s->len[which];
  *body = xstrndup(s->body[which], *len);
  api_snapshot_release(s);
  return HR_OK;
}

void api_changed(struct hr_api *a, int sync) {
  uint64_t g = atomic_fetch_add(&a->generation, 1) + 1;
  uint64_t cur = atomic_load(&a->sync_generation);
  while (sync && cur < g && !atomic_compare_exchange_weak(&a->sync_generation, &cur, g))
    ;
}

void api_round_done(struct hr_api *a) {
  if (engine_report_reads_prometheus(a->cfg)) /* its figures are queried anew */
    api_changed(a, 0);
}

static int reply_snapshot(struct hr_req *rq, enum hr_snap which) {
  struct hr_err err = {0};
  enum hr_rc rc;
  struct hr_snapshot *s = api_snapshot_get(rq->app, &rc, &err);
  if (s == NULL)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : 500, "%s", err.msg);
  /* The same JSON, gzip'd when the client accepts it (1.1 MiB for 1,000 SLOs, about a tenth of that gzip'd). */
  return server_reply_encoded(rq, 200, "application/json", s->body[which], s->len[which], s->gz[which], s->gzlen[which],
                              snapshot_release_cb, s);
}

/* GET /api/v1/slos: exactly report --format json over the store. */
static int h_slos(struct hr_req *rq) {
  return reply_snapshot(rq, HR_SNAP_SLOS);
}

/* GET /api/v1/trends: the overview's small charts. */
static int h_trends(struct hr_req *rq) {
  return reply_snapshot(rq, HR_SNAP_TRENDS);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/slos/NAME[?from=T&to=T&points=N] */

struct page {
  const struct hr_detail *d;
};

static void page_write(struct hr_jw *w, void *ctx) {
  slo_page_json(w, NULL, ((struct page *)ctx)->d);
}

/* A time argument: RFC 3339 with Z or an offset, or unix seconds. 0
 * absent, 1 ok, -1 bad (why in err). */
static int time_arg(struct hr_req *rq, const char *name, int64_t *us, char *err, size_t n) {
  const char *s = server_arg(rq, name);
  if (s == NULL || *s == '\0')
    return 0;
  char *end;
  double x = strtod(s, &end);
  if (*end == '\0' && isfinite(x) && fabs(x) < 1e12) {
    *us = (int64_t)x * 1000000;
    return 1;
  }
  return time_parse_instant(name, s, us, err, n) == 0 ? 1 : -1;
}

static int h_slo(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_detail_opts dopt = {.recent = 1, .system = 1};
  char terr[256];
  int hf = time_arg(rq, "from", &dopt.from_us, terr, sizeof terr),
      ht = hf < 0 ? 0 : time_arg(rq, "to", &dopt.to_us, terr, sizeof terr);
  if (hf < 0 || ht < 0)
    return server_error(rq->conn, 400, "%s (or unix seconds)", terr);
  const char *pts = server_arg(rq, "points");
  if (pts != NULL) {
    long n = strtol(pts, NULL, 10);
    if (n < 2 || n > 5000)
      return server_error(rq->conn, 400, "points: 2 to 5000");
    dopt.max_points = (size_t)n;
  }
  int64_t at = api_eval_at(a);
  if (hf > 0 && ht == 0)
    dopt.to_us = at;
  struct hr_eval_opts eo = eval_opts(a, at);
  eo.slo = rq->rest;
  eo.keep_series = 1;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  struct hr_report rep;
  enum hr_rc rc = engine_report(a->cfg, &eo, &rep, &err);
  struct hr_detail d;
  if (rc == HR_OK) {
    rc = engine_detail(a->cfg, &rep, report_find(&rep, eo.slo), &dopt, &d, &err); /* a composite: after its parts */
    if (rc != HR_OK)
      report_free(&rep);
  }
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND && eo.slo ? 404 : 500, "%s", err.msg);
  size_t len = 0;
  struct page p = {&d};
  char *buf = json_body(page_write, &p, &len);
  detail_free(&d);
  report_free(&rep);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/alerts: firing and pending at the instant, and the latest
 * transitions at or before it (engine_alerts()). */

struct alerts_ctx {
  int64_t at_us;
  const struct hr_alert_view *v;
};

static void alerts_write(struct hr_jw *w, void *ctx) {
  const struct alerts_ctx *x = ctx;
  jw_obj(w, NULL);
  jw_time(w, "at", x->at_us);
  jw_arr(w, "alerts");
  for (size_t k = 0; k < x->v->nrows; k++)
    alert_row_json(w, &x->v->rows[k]);
  jw_arr_end(w);
  jw_arr(w, "recent");
  for (size_t k = 0; k < x->v->nevents; k++)
    alert_event_json(w, &x->v->events[k]);
  jw_arr_end(w);
  jw_obj_end(w);
}

static int h_alerts(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_alert_view v;
  struct hr_err err = {0};
  int64_t at = api_eval_at(a);
  enum hr_rc rc = engine_alerts(NULL, a->db, at, -1, RECENT_ALERTS, &v, &err);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : 500, "%s", err.msg);
  struct alerts_ctx x = {at, &v};
  size_t len = 0;
  char *buf = json_body(alerts_write, &x, &len);
  alert_view_free(&v);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/gate?service=S&risk=R: the same answer as `gate --format json`
 * (HTTP 200 whether it allows or denies). */

static int h_gate(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  const char *service = server_arg(rq, "service");
  const char *risk_s = server_arg(rq, "risk");
  enum hr_risk risk;
  if (service == NULL || service[0] == '\0')
    return server_error(rq->conn, 400, "service=S is required");
  if (risk_parse(risk_s ? risk_s : "normal", &risk) != 0)
    return server_error(rq->conn, 400, "risk: expected fix, low, normal or high, got '%.64s'", risk_s);
  struct hr_eval_opts eo = eval_opts(a, api_eval_at(a));
  struct hr_report rep;
  struct hr_gate_result g;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  enum hr_rc rc = engine_gate(a->cfg, &eo, service, risk, &rep, &g, &err);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 404 : 500, "%s", err.msg);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  gate_json(f, &rep, service, &g);
  fclose(f);
  gate_result_free(&g);
  report_free(&rep);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/breakdown?slo=NAME[&field=F&from=T&to=T&top=N]: what is
 * burning in [from, to) (default: the hour before the instant), from the
 * store's grouped counts: `report --breakdown F --slo NAME` of the store
 * (docs/cli/report.md). F defaults to the SLO's first groupBy field. */

static int h_breakdown(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  const char *slo = server_arg(rq, "slo"), *field = server_arg(rq, "field"), *top = server_arg(rq, "top");
  if (slo == NULL || slo[0] == '\0')
    return server_error(rq->conn, 400, "slo=NAME is required");
  int64_t from = 0, to = 0;
  char terr[256];
  int hf = time_arg(rq, "from", &from, terr, sizeof terr), ht = hf < 0 ? 0 : time_arg(rq, "to", &to, terr, sizeof terr);
  if (hf < 0 || ht < 0)
    return server_error(rq->conn, 400, "%s (or unix seconds)", terr);
  int64_t at = api_eval_at(a);
  if (ht == 0 || to > at)
    to = at;
  to = floor_div(to, MINUTE_US) * MINUTE_US;
  from = hf == 0 ? to - 60 * MINUTE_US : floor_div(from, MINUTE_US) * MINUTE_US;
  if (from >= to)
    return server_error(rq->conn, 400, "from must be at least a minute before to");
  long ntop = 10;
  if (top != NULL) {
    char *end;
    ntop = strtol(top, &end, 10);
    if (top[0] == '\0' || *end != '\0' || ntop < 0 || ntop > 1000)
      return server_error(rq->conn, 400, "top: 0 to 1000, got '%.64s'", top);
  }
  struct hr_breakdown_opts bo = {.read = read_opts(a, to), .slo = slo, .lookback_us = to - from, .top = (size_t)ntop};
  bo.read.now_us = at;
  struct hr_breakdown b;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  int known = 0;
  for (size_t j = 0; j < a->cfg->nslos; j++)
    if (strcmp(a->cfg->slos[j].name, slo) == 0) {
      known = 1;
      if ((field == NULL || field[0] == '\0') && a->cfg->slos[j].ngroup_by > 0)
        field = a->cfg->slos[j].group_by[0];
    }
  enum hr_rc rc = HR_OK;
  if (!known)
    rc = HR_FAIL(&err, HR_ERR_NOTFOUND, "no SLO named %.128s", slo);
  else if (field == NULL || field[0] == '\0')
    rc = HR_FAIL(&err, HR_ERR_USAGE, "field=F is required: SLO %.128s has no groupBy", slo);
  bo.field = field;
  if (rc == HR_OK)
    rc = engine_breakdown(a->cfg, &bo, &b, &err);
  char *buf = NULL;
  size_t len = 0;
  if (rc == HR_OK) {
    FILE *f = open_memstream(&buf, &len);
    breakdown_json(f, &b); /* borrows field from the configuration: written under the lock */
    fclose(f);
    breakdown_free(&b);
  }
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn,
                        rc == HR_ERR_NOTFOUND ? 404
                        : rc == HR_ERR_USAGE  ? 400
                                              : status_for(rc),
                        "%s", err.msg);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/suggest[?slo=NAME&confidence=C]: the same answer as `suggest
 * --format json` over the store. */

static int h_suggest(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_suggest_opts so = {0};
  const char *slo = server_arg(rq, "slo"), *conf = server_arg(rq, "confidence");
  so.slo = slo != NULL && slo[0] != '\0' ? slo : NULL;
  if (conf != NULL) {
    char *end;
    so.confidence = strtod(conf, &end);
    if (conf[0] == '\0' || *end != '\0' || !(so.confidence > 0 && so.confidence <= 1))
      return server_error(rq->conn, 400, "confidence: a share in (0, 1], got '%.64s'", conf);
  }
  so.read = read_opts(a, api_eval_at(a));
  struct hr_suggest s;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  int known = so.slo == NULL;
  for (size_t j = 0; j < a->cfg->nslos && !known; j++)
    known = strcmp(a->cfg->slos[j].name, so.slo) == 0;
  enum hr_rc rc = engine_suggest(a->cfg, &so, &s, &err);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK) /* not found: the SLO named (404), else the store (503, as /api/v1/slos) */
    return server_error(rq->conn, rc != HR_ERR_NOTFOUND ? status_for(rc) : known ? 503 : 404, "%s", err.msg);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  suggest_json(f, &s);
  fclose(f);
  suggest_free(&s);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/risk?service=S[&horizon=D&canary=F]: the same answer as
 * `risk --format json` over the store at the same instant. */

static int h_risk(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_risk_opts ro = {0};
  const char *hz = server_arg(rq, "horizon"), *canary = server_arg(rq, "canary");
  ro.service = server_arg(rq, "service");
  if (ro.service == NULL || ro.service[0] == '\0')
    return server_error(rq->conn, 400, "service=S is required");
  if (hz != NULL && (duration_parse(hz, strlen(hz), &ro.horizon_us) != 0 || ro.horizon_us < INT64_C(60000000)))
    return server_error(rq->conn, 400, "horizon: a duration of at least a minute (24h), got '%.64s'", hz);
  if (canary != NULL) {
    char *end;
    ro.canary = strtod(canary, &end);
    if (canary[0] == '\0' || *end != '\0' || !(ro.canary > 0 && ro.canary <= 1))
      return server_error(rq->conn, 400, "canary: a share of traffic in (0, 1], got '%.64s'", canary);
  }
  ro.e = eval_opts(a, api_eval_at(a));
  struct hr_release_risk r;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  enum hr_rc rc = engine_risk(a->cfg, &ro, &r, &err);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 404 : status_for(rc), "%s", err.msg);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  risk_json(f, &r);
  fclose(f);
  risk_free(&r);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/journeys: the same answer as `journeys --format json` over the
 * store at the same instant. */

static int h_journeys(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_eval_opts eo = eval_opts(a, api_eval_at(a));
  struct hr_journeys js;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  enum hr_rc rc = engine_journeys(a->cfg, &eo, &js, &err);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : status_for(rc), "%s", err.msg);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  journeys_json(f, &js);
  fclose(f);
  journeys_free(&js);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/history[?period=P&from=T&to=T&slo=NAME&service=S]: the same
 * answer as `history --format json` over the store at the same instant. */

static int h_history(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_compliance_opts co = {0};
  co.unit = HR_CAL_MONTH;
  const char *period = server_arg(rq, "period"), *from = server_arg(rq, "from"), *to = server_arg(rq, "to");
  const char *slo = server_arg(rq, "slo"), *svc = server_arg(rq, "service");
  if (period != NULL && compliance_unit_parse(period, &co.unit) != 0)
    return server_error(rq->conn, 400, "period: week, month or quarter, got '%.64s'", period);
  char terr[256];
  if ((from != NULL && time_parse_instant("from", from, &co.from_us, terr, sizeof terr) != 0) ||
      (to != NULL && time_parse_instant("to", to, &co.to_us, terr, sizeof terr) != 0))
    return server_error(rq->conn, 400, "%s", terr);
  co.has_from = from != NULL;
  co.has_to = to != NULL;
  if (co.has_from && co.has_to && co.from_us >= co.to_us)
    return server_error(rq->conn, 400, "from must be before to");
  co.slo = slo != NULL && slo[0] != '\0' ? slo : NULL;
  co.service = svc != NULL && svc[0] != '\0' ? svc : NULL;
  co.read = read_opts(a, api_eval_at(a));
  struct hr_compliance hc;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  int known = 0; /* the SLO or service named exists: a not-found is then the store's (503) */
  for (size_t j = 0; j < a->cfg->nslos && !known; j++)
    known = (co.slo == NULL || strcmp(a->cfg->slos[j].name, co.slo) == 0) &&
            (co.service == NULL || strcmp(a->cfg->slos[j].service, co.service) == 0);
  enum hr_rc rc = engine_compliance(a->cfg, &co, &hc, &err);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, rc != HR_ERR_NOTFOUND ? status_for(rc) : known ? 503 : 404, "%s", err.msg);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  history_json(f, &hc);
  fclose(f);
  compliance_free(&hc);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/status: what the daemon is doing. */

static int h_status(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "at", api_eval_at(a));
  jw_str(&w, "clock", a->has_at ? "frozen" : "live");
  jw_str(&w, "store", a->db);
  jw_bool(&w, "store_ready", atomic_load(&a->store_ready));
  pthread_mutex_lock(&a->mu);
  jw_bool(&w, "store_ok", a->store_ok);
  jw_str(&w, "store_error", a->store_ok ? NULL : a->store_error);
  jw_uint(&w, "store_failures", a->store_failures);
  jw_obj(&w, "tail");
  jw_uint(&w, "files", a->tail.files);
  jw_uint(&w, "lines", a->tail.lines);
  jw_uint(&w, "malformed", a->tail.malformed);
  jw_uint(&w, "commits", a->tail.commits);
  jw_num(&w, "lag_seconds", a->tail.lag_s);
  jw_obj_end(&w);
  jw_arr(&w, "files");
  for (size_t i = 0; i < a->nfiles; i++) {
    jw_obj(&w, NULL);
    jw_str(&w, "path", a->files[i].path);
    jw_str(&w, "source", a->files[i].source);
    jw_int(&w, "offset", a->files[i].offset);
    jw_int(&w, "size", a->files[i].size);
    jw_num(&w, "idle_seconds", a->files[i].idle_s);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_arr(&w, "globs_matching_nothing");
  for (size_t i = 0; i < a->nempty; i++)
    jw_str(&w, NULL, a->empty_globs[i]);
  jw_arr_end(&w);
  jw_uint(&w, "alert_rounds", a->rounds);
  jw_uint(&w, "alert_round_failures", a->round_failures);
  pthread_mutex_unlock(&a->mu);
  jw_obj_end(&w);
  fclose(f);
  return server_reply_take(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/events?source=NAME, optional header Idempotency-Key: K */

static int h_events(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  const char *source = server_arg(rq, "source");
  const char *key = server_header(rq, "Idempotency-Key");
  struct hr_err err = {0};
  struct hr_buffer_stats s;
  pthread_rwlock_rdlock(&a->cfg_lock);
  enum hr_rc rc = engine_ingest_buffer(a->cfg, a->db, source, key, rq->body, rq->body_len, &s, &err);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, status_for(rc), "%s", err.msg);
  if (!s.dup) { /* a retried batch: nothing was committed */
    api_changed(a, 1);
    pthread_mutex_lock(&a->mu);
    a->http_lines += s.lines;
    a->http_malformed += s.malformed;
    a->http_events += s.events;
    a->http_bytes += s.bytes;
    pthread_mutex_unlock(&a->mu);
  }
  char *body = xasprintf("{\"lines\": %llu, \"events\": %llu, \"malformed\": %llu, \"blank\": %llu, "
                         "\"duplicate\": %s}\n",
                         (unsigned long long)s.lines, (unsigned long long)s.events, (unsigned long long)s.malformed,
                         (unsigned long long)s.blank, s.dup ? "true" : "false");
  return server_reply_take(rq->conn, 200, "application/json", body, strlen(body));
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/annotations: a flat JSON object of strings and numbers. */

static int h_annotations(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_jfield fs[] = {{"service", NULL, 0, 0, 0},
                           {"kind", NULL, 0, 0, 0},
                           {"text", NULL, 0, 0, 0},
                           {"at", NULL, 0, 0, 0},
                           {"end", NULL, 0, 0, 0}};
  enum { F_SERVICE, F_KIND, F_TEXT, F_AT, F_END, F_N };
  const char *msg = NULL;
  unsigned code = 0;
  char why[600];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t at_s = a->has_at ? floor_div(a->at_us, 1000000) : (int64_t)ts.tv_sec; /* default: now (serve --at: T) */
  int64_t end_s = 0;
  int has_at, has_end = 0;
  if (body_parse_object(rq->body, rq->body + rq->body_len, fs, F_N, &msg) != 0) {
    code = 400;
    snprintf(why, sizeof why, "body: %s", msg);
  } else if (fs[F_TEXT].present && fs[F_TEXT].s == NULL) {
    code = 400;
    snprintf(why, sizeof why, "\"text\" must be a string");
  } else if (body_field_time(&fs[F_AT], &at_s, &has_at, why, sizeof why) != 0 ||
             body_field_time(&fs[F_END], &end_s, &has_end, why, sizeof why) != 0) {
    code = 400;
  }
  int64_t id = 0;
  if (code == 0) {
    struct hr_annotation an = {.service = fs[F_SERVICE].s,
                               .kind = fs[F_KIND].s,
                               .at_s = at_s,
                               .has_end = has_end,
                               .end_s = end_s,
                               .text = fs[F_TEXT].s,
                               .created_s = (int64_t)ts.tv_sec};
    struct hr_err err = {0};
    pthread_rwlock_rdlock(&a->cfg_lock);
    enum hr_rc rc = engine_annotate(a->cfg, a->db, &an, &id, &err);
    pthread_rwlock_unlock(&a->cfg_lock);
    if (rc != HR_OK) {
      code = rc == HR_ERR_NOTFOUND ? 400 : status_for(rc); /* an unknown service in the body */
      snprintf(why, sizeof why, "%s", err.msg);
    }
  }
  for (size_t i = 0; i < F_N; i++)
    free(fs[i].s);
  if (code != 0)
    return server_error(rq->conn, code, "%s", why);
  char tb[64];
  snprintf(why, sizeof why, "{\"id\": %lld, \"at\": \"%s\"}\n", (long long)id,
           time_format_rfc3339(at_s * 1000000, tb, sizeof tb));
  api_changed(a, 1);
  return server_reply(rq->conn, 200, "application/json", why, strlen(why));
}

/* ------------------------------------------------------------------------ */
/* GET /healthz and the dashboard files */

static int h_healthz(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  if (!atomic_load(&a->store_ready))
    return server_error(rq->conn, 503, "the store is not open yet");
  pthread_mutex_lock(&a->mu);
  int store_ok = a->store_ok;
  char why[sizeof a->store_error];
  snprintf(why, sizeof why, "%s", a->store_error);
  pthread_mutex_unlock(&a->mu);
  if (!store_ok) /* what is read is not kept: not healthy, whatever the HTTP side says */
    return server_error(rq->conn, 503, "the store refuses what is read: %s", why);
  static const char ok[] = "{\"status\": \"ok\"}\n";
  return server_reply(rq->conn, 200, "application/json", ok, sizeof ok - 1);
}

int api_asset(struct hr_req *rq) {
  const struct hr_asset *as = hr_asset_find(rq->path);
  if (as == NULL)
    return server_error(rq->conn, 404, "not found: %.200s", rq->path);
  const char *inm = server_header(rq, "If-None-Match");
  struct MHD_Response *r;
  unsigned status = 200;
  if (inm != NULL && as->etag != NULL && strstr(inm, as->etag) != NULL) {
    r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    status = 304;
  } else {
    r = MHD_create_response_from_buffer(as->len, (void *)as->data, MHD_RESPMEM_PERSISTENT);
  }
  if (r == NULL)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, as->mime);
  if (as->etag != NULL)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, as->etag);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
  int ok = server_queue(rq->conn, status, r); /* with the security headers */
  MHD_destroy_response(r);
  return ok;
}

const struct hr_route api_routes[] = {
    {"GET", "/api/v1/slos", 0, h_slos, NULL},
    {"GET", "/api/v1/slos/", 0, h_slo, NULL},
    {"GET", "/api/v1/trends", 0, h_trends, NULL},
    {"GET", "/api/v1/alerts", 0, h_alerts, NULL},
    {"GET", "/api/v1/gate", 0, h_gate, NULL},
    {"GET", "/api/v1/suggest", 0, h_suggest, NULL},
    {"GET", "/api/v1/risk", 0, h_risk, NULL},
    {"GET", "/api/v1/journeys", 0, h_journeys, NULL},
    {"GET", "/api/v1/breakdown", 0, h_breakdown, NULL},
    {"GET", "/api/v1/history", 0, h_history, NULL},
    {"GET", "/api/v1/status", 0, h_status, NULL},
    {"POST", "/api/v1/events", 1, h_events,
     "application/x-ndjson application/jsonl application/json application/octet-stream text/plain"},
    {"POST", "/api/v1/annotations", 1, h_annotations, "application/json"},
    {"GET", "/metrics", 0, metrics_handler, NULL},
    {"GET", "/healthz", 0, h_healthz, NULL},
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
