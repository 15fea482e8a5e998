/* data.c -- see impl.h: the exclusions in force, the timeline, an SLO's
 * minutes from the store or Prometheus. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/impl.h"
#include "prom/prom.h"
#include "store/source.h"
#include "util/imath.h"
#include "util/xmalloc.h"

int slo_of_service(const struct hr_slo *slo, const char *svc) {
  return slo->service != NULL && svc != NULL && strcmp(slo->service, svc) == 0;
}

static int is_maintenance(const struct hr_annotation *a) {
  return a->kind != NULL && strcmp(a->kind, "maintenance") == 0 && a->has_end;
}

void effective_init(struct hr_effective *e, const struct hr_config *cfg, const struct hr_annotation *tl, size_t ntl) {
  memset(e, 0, sizeof *e);
  e->cfg = cfg;
  e->eff = *cfg;
  struct hr_slo *slos = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *slos);
  if (cfg->nslos)
    memcpy(slos, cfg->slos, cfg->nslos * sizeof *slos);
  e->eff.slos = slos;
  for (size_t i = 0; i < ntl; i++) {
    int applies = 0;
    for (size_t j = 0; j < cfg->nslos && is_maintenance(&tl[i]); j++)
      applies |= slo_of_service(&cfg->slos[j], tl[i].service);
    e->nmaint += (size_t)applies;
  }
  for (size_t j = 0; j < cfg->nslos; j++) {
    size_t n = 0;
    for (size_t i = 0; i < ntl; i++)
      n += (size_t)(is_maintenance(&tl[i]) && slo_of_service(&cfg->slos[j], tl[i].service));
    if (n == 0)
      continue;
    struct hr_slo *s = &slos[j];
    struct hr_exclusion *x = xcalloc(s->nexcl + n, sizeof *x);
    if (s->nexcl)
      memcpy(x, s->excl, s->nexcl * sizeof *x);
    size_t k = s->nexcl;
    for (size_t i = 0; i < ntl; i++) {
      if (!is_maintenance(&tl[i]) || !slo_of_service(&cfg->slos[j], tl[i].service))
        continue;
      x[k].start_us = tl[i].at_s * 1000000;
      x[k].end_us = tl[i].end_s * 1000000;
      x[k].reason = tl[i].text != NULL ? tl[i].text : (char *)"maintenance";
      k++;
    }
    s->excl = x;
    s->nexcl = k;
  }
}

void effective_done(struct hr_effective *e) {
  for (size_t j = 0; e->eff.slos != NULL && j < e->cfg->nslos; j++)
    if (e->eff.slos[j].excl != e->cfg->slos[j].excl)
      free(e->eff.slos[j].excl);
  free(e->eff.slos);
  memset(e, 0, sizeof *e);
}

const struct hr_annotation *engine_last_deploy(const struct hr_annotation *tl, size_t ntl, const char *service,
                                               int64_t t_us) {
  const struct hr_annotation *best = NULL;
  for (size_t i = 0; i < ntl; i++) {
    const struct hr_annotation *a = &tl[i];
    if (service != NULL && strcmp(a->kind, "deploy") == 0 && strcmp(a->service, service) == 0 &&
        a->at_s <= floor_div(t_us, 1000000) &&
        (best == NULL || a->at_s > best->at_s || (a->at_s == best->at_s && a->id > best->id)))
      best = a;
  }
  return best;
}

enum hr_rc engine_timeline(struct hr_store *st, const char *db, struct hr_annotation **tl, size_t *ntl, int *found,
                           struct hr_err *err) {
  *tl = NULL;
  *ntl = 0;
  *found = 0;
  struct hr_store *own = NULL;
  if (st == NULL) {
    if (db == NULL)
      return HR_OK;
    enum hr_rc rc = store_open_ro(db, &own, err);
    if (rc == HR_ERR_NOTFOUND)
      return HR_OK;
    if (rc != HR_OK)
      return rc;
    st = own;
  }
  enum hr_rc rc = timeline_list(st, NULL, NULL, INT64_MIN, INT64_MAX, tl, ntl, err);
  *found = rc == HR_OK;
  store_close(own);
  return rc;
}

/* Store minutes wholly inside [from_us, to_us) count nothing (the store
 * keeps whole minutes; events of logs were already filtered exactly). */
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
    series_slot_clear(s, (size_t)(((k % c) + c) % c));
  }
}

/* The minutes of store id id (-1: slo's own, looked up by name). */
static enum hr_rc minutes(struct hr_store *st, const struct hr_slo *slo, int64_t id, const struct hr_annotation *tl,
                          size_t ntl, int64_t at_us, struct hr_series *s, char **note, struct hr_err *err) {
  enum hr_rc rc = HR_OK;
  if (note != NULL)
    *note = NULL;
  if (prom_slo_is_prom(slo)) {
    int nodata;
    rc = prom_slo_series(slo, at_us, s, &nodata, note, err);
  } else if (st != NULL) {
    if (id < 0)
      rc = store_slo_find(st, slo->name, &id, err);
    if (rc == HR_ERR_NOTFOUND)
      return HR_OK; /* never ingested: no data */
    int64_t to_s = floor_div(at_us, 1000000);
    if (rc == HR_OK)
      rc = store_load(st, id, to_s - (int64_t)s->cap * 60, to_s, s, err);
  }
  for (size_t i = 0; rc == HR_OK && i < ntl; i++)
    if (is_maintenance(&tl[i]) && slo_of_service(slo, tl[i].service))
      zero_window(s, tl[i].at_s * 1000000, tl[i].end_s * 1000000);
  return rc;
}

enum hr_rc engine_slo_minutes(struct hr_store *st, const struct hr_slo *slo, const struct hr_annotation *tl, size_t ntl,
                              int64_t at_us, struct hr_series *s, char **note, struct hr_err *err) {
  return minutes(st, slo, -1, tl, ntl, at_us, s, note, err);
}

enum hr_rc engine_group_minutes(struct hr_store *st, const struct hr_slo *slo, int64_t cid,
                                const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_series *s,
                                struct hr_err *err) {
  return minutes(st, slo, cid, tl, ntl, at_us, s, NULL, err);
}

/* ---- the same minutes as range sums ---- */

static int cmp_iv(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

static enum hr_rc sums_init(struct hr_slo_sums *x, struct hr_store *st, const struct hr_slo *slo,
                            const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_err *err);

static void sums_cb(void *ctx, int64_t from_us, int64_t to_us, uint64_t *good, uint64_t *valid) {
  engine_slo_sum(ctx, from_us, to_us, good, valid);
}

enum hr_rc engine_group_sums_init(struct hr_slo_sums *x, struct hr_store *st, const struct hr_slo *slo, int64_t cid,
                                  const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_err *err) {
  memset(x, 0, sizeof *x);
  x->id = cid;
  x->id_given = 1;
  return sums_init(x, st, slo, tl, ntl, at_us, err);
}

enum hr_rc engine_slo_sums_init(struct hr_slo_sums *x, struct hr_store *st, const struct hr_slo *slo,
                                const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_err *err) {
  memset(x, 0, sizeof *x);
  return sums_init(x, st, slo, tl, ntl, at_us, err);
}

/* x's id is set when id_given. */
static enum hr_rc sums_init(struct hr_slo_sums *x, struct hr_store *st, const struct hr_slo *slo,
                            const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_err *err) {
  x->src.ctx = x;
  x->src.sum = sums_cb;
  x->st = st;
  x->hi_s = floor_div(at_us, 1000000);
  x->lo_s = x->hi_s - (int64_t)slo_eval_span(slo, MINUTE_US) * 60; /* what store_load would read */
  enum hr_rc rc = x->id_given ? HR_OK : store_slo_find(st, slo->name, &x->id, err);
  if (rc == HR_ERR_NOTFOUND) {
    x->id = -1; /* never ingested: no data */
    rc = HR_OK;
  }
  if (rc != HR_OK)
    return rc;
  /* zero_window()'s minutes: those starting at or after a window's start
   * and ending at or before its end; overlapping windows merged. */
  for (size_t i = 0; i < ntl; i++) {
    if (!is_maintenance(&tl[i]) || !slo_of_service(slo, tl[i].service))
      continue;
    int64_t a = ceil_div(tl[i].at_s, 60) * 60, b = floor_div(tl[i].end_s, 60) * 60;
    if (a >= b)
      continue;
    x->maint = xrealloc(x->maint, (x->nmaint + 1) * sizeof *x->maint);
    x->maint[x->nmaint][0] = a;
    x->maint[x->nmaint][1] = b;
    x->nmaint++;
  }
  if (x->nmaint > 1)
    qsort(x->maint, x->nmaint, sizeof *x->maint, cmp_iv);
  size_t k = 0;
  for (size_t i = 0; i < x->nmaint; i++) {
    if (k > 0 && x->maint[i][0] <= x->maint[k - 1][1]) {
      if (x->maint[i][1] > x->maint[k - 1][1])
        x->maint[k - 1][1] = x->maint[i][1];
    } else {
      x->maint[k][0] = x->maint[i][0];
      x->maint[k][1] = x->maint[i][1];
      k++;
    }
  }
  x->nmaint = k;
  return HR_OK;
}

void engine_slo_sums_done(struct hr_slo_sums *x) {
  free(x->maint);
  memset(x, 0, sizeof *x);
}

/* Stored sums over [a, b) (seconds), 0 after an error. */
static void stored(struct hr_slo_sums *x, int64_t a, int64_t b, uint64_t *g, uint64_t *v) {
  *g = *v = 0;
  if (x->rc == HR_OK && x->id >= 0 && a < b)
    x->rc = store_sums(x->st, x->id, a, b, g, v, &x->err);
}

void engine_slo_sum(struct hr_slo_sums *x, int64_t from_us, int64_t to_us, uint64_t *good, uint64_t *valid) {
  int64_t a = floor_div(from_us, 1000000), b = floor_div(to_us, 1000000);
  if (a < x->lo_s)
    a = x->lo_s;
  if (b > x->hi_s)
    b = x->hi_s;
  uint64_t g, v;
  stored(x, a, b, &g, &v);
  for (size_t i = 0; i < x->nmaint; i++) { /* uint64 arithmetic: exact, the parts are inside the whole */
    uint64_t mg, mv;
    stored(x, x->maint[i][0] > a ? x->maint[i][0] : a, x->maint[i][1] < b ? x->maint[i][1] : b, &mg, &mv);
    g -= mg;
    v -= mv;
  }
  *good = g;
  *valid = v;
}

enum hr_rc engine_source_recorded(struct hr_store *st, const struct hr_config *cfg, const struct hr_slo *slo,
                                  unsigned char *cache, int *recorded, struct hr_err *err) {
  size_t si = (size_t)(slo->source - cfg->sources);
  *recorded = 0;
  if (slo->source == NULL || si >= cfg->nsources)
    return HR_OK;
  if (cache[si] == 0) {
    struct hr_source_state ss;
    int found = 0;
    enum hr_rc rc = store_source_get(st, slo->source->name, &ss, &found, err);
    store_source_state_free(&ss);
    if (rc != HR_OK)
      return rc;
    cache[si] = found ? 2 : 1;
  }
  *recorded = cache[si] == 2;
  return HR_OK;
}

int64_t engine_now_minute(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return floor_div((int64_t)ts.tv_sec * 1000000, MINUTE_US) * MINUTE_US;
}
