/* suggest.c -- see suggest.h and docs/cli/suggest.md.
 *
 * The windows of an SLO end at the day boundaries e (local midnights of its
 * zone) with [e - W, e) inside its history [first, at); each is counted by
 * history_counts(), the counts `report` makes. */
#include "engine/suggest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "engine/impl.h"
#include "ingest/pipeline.h"
#include "util/stats.h"
#include "util/xmalloc.h"

const double hr_suggest_targets[HR_SUGGEST_TARGETS] = {0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999};
const double hr_suggest_shares[HR_SUGGEST_SHARES] = {0.9, 0.95, 0.99, 0.999};

#define EPS 1e-12 /* an SLI this close below a target meets it (a double's rounding, not a real miss) */

/* The SLIs of the windows [end[i] - w, end[i]) of SLO j into sli[] (those
 * with valid events; *nsli of them) and into all[i] (NAN: no valid event).
 * One count per window: the store sums
 * a window from its day and hour rollups, so a year of daily windows of
 * 28 days is read in about 0.2 s (docs/cli/suggest.md). */
static enum hr_rc window_slis(struct hr_history *h, size_t j, const int64_t *end, size_t n, int64_t w, double *sli,
                              size_t *nsli, double *all, struct hr_err *err) {
  *nsli = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t g, v;
    enum hr_rc rc = history_counts(h, j, end[i] - w, end[i], &g, &v, err);
    if (rc != HR_OK)
      return rc;
    all[i] = v > 0 ? (double)g / (double)v : NAN;
    if (v > 0)
      sli[(*nsli)++] = all[i];
  }
  return HR_OK;
}

/* The candidates: the fixed targets and the SLO's own, ascending, each once. */
static void candidates(struct hr_suggest_slo *s) {
  double own = s->slo->target;
  int placed = 0;
  s->ncand = 0;
  for (int i = 0; i < HR_SUGGEST_TARGETS; i++) {
    double t = hr_suggest_targets[i];
    if (!placed && own < t - EPS) {
      s->cand[s->ncand++] = (struct hr_suggest_cand){.target = own, .current = 1};
      placed = 1;
    }
    int same = fabs(own - t) <= EPS;
    s->cand[s->ncand++] = (struct hr_suggest_cand){.target = t, .current = same};
    placed |= same;
  }
  if (!placed)
    s->cand[s->ncand++] = (struct hr_suggest_cand){.target = own, .current = 1};
}

/* Shares of windows met, and the suggestion, from the sorted SLIs. */
static void judge(struct hr_suggest_slo *s, const double *sli, size_t n, double confidence) {
  s->suggested = -1;
  s->min = s->p10 = s->p50 = NAN;
  if (n > 0) {
    s->min = sli[0];
    s->p10 = nearest_rank(sli, n, 0.1);
    s->p50 = nearest_rank(sli, n, 0.5);
  }
  for (size_t c = 0; c < s->ncand; c++) {
    struct hr_suggest_cand *k = &s->cand[c];
    k->budget_s = round((1 - k->target) * (double)s->window_us / 1e3) / 1e3; /* to the ms: 43.2 min, not 43.19999 */
    k->met = 0;
    for (size_t i = 0; i < n; i++)
      k->met += sli[i] >= k->target - EPS;
    k->met_share = n > 0 ? (double)k->met / (double)n : NAN;
    if (n > 0 && k->met_share >= confidence - EPS)
      s->suggested = (int)c;
  }
}

/* The upper bound of the bucket of hist holding the nearest-rank per-mille
 * quantile (rank ceil(n * permille / 1000), in integers); the last bucket,
 * unbounded, is reported by its lower bound. */
static double bucket_rank(const uint64_t *hist, uint64_t n, unsigned permille) {
  uint64_t rank = (n * permille + 999) / 1000, upto = 0;
  for (int b = 0; b < HR_LAT_BUCKETS; b++) {
    upto += hist[b];
    if (upto >= rank && upto > 0)
      return b == HR_LAT_BUCKETS - 1 ? latency_bucket_lo(b) : latency_bucket_hi(b);
  }
  return NAN;
}

static enum hr_rc latency(struct hr_history *h, size_t j, struct hr_suggest_latency *l, struct hr_err *err) {
  uint64_t hist[HR_LAT_BUCKETS] = {0};
  enum hr_rc rc = history_latency(h, j, hist, err);
  l->events = 0;
  for (int b = 0; b < HR_LAT_BUCKETS; b++)
    l->events += hist[b];
  l->p50 = bucket_rank(hist, l->events, 500);
  l->p95 = bucket_rank(hist, l->events, 950);
  l->p99 = bucket_rank(hist, l->events, 990);
  for (int i = 0; i < HR_SUGGEST_SHARES; i++)
    l->threshold_for[i] = bucket_rank(hist, l->events, (unsigned)lround(hr_suggest_shares[i] * 1000));
  l->current = details_threshold(h->cfg->slos[j].good_filter);
  return rc;
}

static enum hr_rc suggest_slo(struct hr_history *h, size_t j, double confidence, int reads_duration,
                              struct hr_suggest_slo *s, struct hr_err *err) {
  const struct hr_slo *slo = &h->cfg->slos[j];
  const struct hr_tz *tz = slo->window.zone; /* the configuration's zone for the SLO, else UTC */
  s->slo = slo;
  s->zone = tz != NULL && slo->window.tz != NULL ? slo->window.tz : "UTC";
  s->window_us = slo_window_us(slo);
  s->first_us = h->first_us[j];
  s->first_end_us = s->last_end_us = INT64_MIN;
  s->history_us = s->first_us < h->at_us ? h->at_us - s->first_us : 0;
  candidates(s);
  enum hr_rc rc = HR_OK;
  size_t n = 0, nsli = 0;
  int64_t *end = xmalloc(sizeof *end);
  if (s->history_us > 0)
    for (int64_t e = midnight_at_or_after(tz, s->first_us + s->window_us); e <= h->at_us;
         e = midnight_at_or_after(tz, e + 1)) {
      if (n > 0 && (n & (n - 1)) == 0) /* 1, 2, 4, ...: grow */
        end = xrealloc(end, 2 * n * sizeof *end);
      end[n++] = e;
    }
  double *sli = xmalloc((n ? n : 1) * sizeof *sli);
  s->win_sli = xmalloc((n ? n : 1) * sizeof *s->win_sli);
  if (n > 0)
    rc = window_slis(h, j, end, n, s->window_us, sli, &nsli, s->win_sli, err);
  else if (s->history_us > 0) /* shorter than a window (or than one ending at a midnight): one over all of it */
    rc = window_slis(h, j, &h->at_us, 1, s->history_us, sli, &nsli, s->win_sli, err);
  if (n > 0 || s->history_us > 0) {
    s->first_end_us = n > 0 ? end[0] : h->at_us;
    s->last_end_us = n > 0 ? end[n - 1] : h->at_us;
    s->nwin = n > 0 ? n : 1;
    if (n == 0)
      end[0] = h->at_us;
  }
  s->win_end_us = end; /* the windows' ends: kept */
  s->nwindows = n;
  s->thin = n < HR_SUGGEST_THIN;
  s->nsli = nsli;
  if (rc == HR_OK) {
    qsort(sli, nsli, sizeof *sli, dbl_cmp);
    judge(s, sli, nsli, confidence);
  }
  s->has_latency = reads_duration;
  if (rc == HR_OK && reads_duration)
    rc = latency(h, j, &s->lat, err);
  free(sli);
  return rc;
}

/* 1 when SLO j's good or bad filter reads `duration`. */
static int reads_duration(const struct hr_pipeline *p, size_t j) {
  const struct hr_slo_rt *rt = &p->slo[j];
  uint64_t m = (rt->good ? expr_fields(rt->good) : 0) | (rt->bad ? expr_fields(rt->bad) : 0);
  return (m >> HR_F_DURATION) & 1;
}

enum hr_rc engine_suggest(const struct hr_config *cfg, const struct hr_suggest_opts *o, struct hr_suggest *out,
                          struct hr_err *err) {
  memset(out, 0, sizeof *out);
  out->confidence = o->confidence > 0 ? o->confidence : HR_SUGGEST_CONFIDENCE;
  size_t nsel = 0;
  for (size_t j = 0; j < cfg->nslos; j++)
    nsel += o->slo == NULL || strcmp(cfg->slos[j].name, o->slo) == 0;
  if (o->slo != NULL && nsel == 0)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named %s", o->slo);
  struct hr_pipeline *p;
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  if (rc != HR_OK)
    return rc;
  struct hr_history h;
  rc = history_open(cfg, &o->read, &h, err);
  if (rc != HR_OK) {
    pipeline_free(p);
    return rc;
  }
  out->at_us = h.at_us;
  out->slos = xcalloc(nsel ? nsel : 1, sizeof *out->slos);
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++)
    if (o->slo == NULL || strcmp(cfg->slos[j].name, o->slo) == 0)
      rc = suggest_slo(&h, j, out->confidence, reads_duration(p, j), &out->slos[out->nslos++], err);
  out->rd = h.rd; /* what was read goes with the answer */
  memset(&h.rd, 0, sizeof h.rd);
  history_close(&h);
  pipeline_free(p);
  if (rc != HR_OK)
    suggest_free(out);
  return rc;
}

void suggest_free(struct hr_suggest *s) {
  for (size_t i = 0; i < s->nslos; i++) {
    free(s->slos[i].win_end_us);
    free(s->slos[i].win_sli);
  }
  free(s->slos);
  report_free(&s->rd);
  memset(s, 0, sizeof *s);
}
