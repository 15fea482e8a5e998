/* slo_eval.c -- see slo_eval.h and docs/internals/math.md.
 *
 * One evaluation builds prefix sums of good/valid over the buckets it needs
 * (the latch walk: from T - W, whose own window reaches back to T - 2W, and the
 * longest lookback), so every figure at every step of the walk costs O(1).
 * Timeslices add strided prefix sums of per-slice flags (bad, has events,
 * ratio, excluded), indexed by the bucket where a slice starts, so the slices
 * of any window aligned to its own start are also summed in O(1).
 *
 * Bucket positions are relative to `base`; an instant t maps to the first
 * bucket starting at or after t (kidx), so a window [a, T) with T on a bucket
 * boundary counts exactly the buckets inside it. */
#include "core/slo_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define HOUR_US (INT64_C(3600) * 1000000)
#define DAY_US (24 * HOUR_US)
#define EPS_BUDGET 1e-12 /* floor for 1 - target in divisions (target 1 is rejected by config) */

const char *status_name(enum hr_status s) {
  switch (s) {
  case HR_ST_GREEN: return "green";
  case HR_ST_YELLOW: return "yellow";
  case HR_ST_ORANGE: return "orange";
  case HR_ST_RED: return "red";
  case HR_ST_NODATA: break;
  }
  return "nodata";
}

const char *budget_pct_text(double remaining, char *buf, size_t n) {
  if (remaining < 0)
    snprintf(buf, n, "%.1f%% overspent", -remaining * 100);
  else
    snprintf(buf, n, "%.1f%%", remaining * 100);
  return buf;
}

const char *data_name(enum hr_data d) {
  switch (d) {
  case HR_DATA_NONE: return "none";
  case HR_DATA_STALE: return "stale";
  case HR_DATA_UNREADABLE: return "unreadable";
  case HR_DATA_OK: break;
  }
  return "ok";
}

void slo_eval_data(struct hr_slo_state *out, enum hr_data d) {
  out->data = d;
  if (d != HR_DATA_UNREADABLE)
    return;
  out->has_sli = 0;
  out->sli = 0;
  out->budget_remaining = 1;
  out->budget_remaining_s = out->budget_s;
  for (size_t i = 0; i < out->nburn; i++)
    out->burn[i].rate = 0;
  out->burn_status = 0;
  out->has_tte = 0;
  out->tte_s = 0;
  out->status = HR_ST_NODATA;
  out->latched = 0;
}

/* Finite or 0. */
static double fin(double v) {
  return isfinite(v) ? v : 0.0;
}

static double ratio(double a, double b) {
  return b != 0.0 ? fin(a / b) : 0.0;
}

struct ev {
  const struct hr_slo *slo;
  const struct hr_tz *tz;
  int64_t step, phase;
  int64_t base;      /* absolute bucket index of position 0 */
  size_t n;          /* positions [0, n) */
  uint64_t *pg, *pv; /* prefix sums, n + 1 entries */
  /* timeslices */
  int slices;                /* 0: occurrences */
  int64_t m;                 /* buckets per slice */
  uint32_t *px;              /* prefix of excluded buckets (n + 1) or NULL */
  uint32_t *sbad, *sev, *sx; /* strided prefixes (n) */
  double *sratio;
  const struct hr_series *s;     /* read directly while pg is NULL */
  const struct hr_sums_src *src; /* instead of s: range sums from the caller (slo_eval_sums) */
  int64_t kmax;                  /* absolute bucket of T: later buckets count as empty */
  double eb;                     /* 1 - target, floored at EPS_BUDGET */
  double eb_raw;
};

/* Position of the first bucket starting at or after instant t. */
static int64_t kpos(const struct ev *e, int64_t t) {
  return ceil_div(t - e->phase, e->step) - e->base;
}

static int64_t clampi(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* Sum the ring over absolute buckets [ka, kb), none at or after kmax. */
static void ring_sum(const struct ev *e, int64_t ka, int64_t kb, uint64_t *g, uint64_t *v) {
  const struct hr_series *s = e->s;
  uint64_t sg = 0, sv = 0;
  if (s->head != INT64_MIN && s->cap > 0) {
    int64_t oldest = s->head - (int64_t)s->cap + 1;
    int64_t newest = s->head + 1 < e->kmax ? s->head + 1 : e->kmax;
    if (ka < oldest)
      ka = oldest;
    if (kb > newest)
      kb = newest;
    if (ka < kb) {
      int64_t rr = ka % (int64_t)s->cap;
      size_t r = (size_t)(rr < 0 ? rr + (int64_t)s->cap : rr);
      for (int64_t k = ka; k < kb; k++) {
        uint64_t g1, v1;
        series_slot(s, r, &g1, &v1);
        sg += g1;
        sv += v1;
        if (++r == s->cap)
          r = 0;
      }
    }
  }
  *g = sg;
  *v = sv;
}

/* Sum the caller's source over absolute buckets [ka, kb), none at or after kmax. */
static void src_sum(const struct ev *e, int64_t ka, int64_t kb, uint64_t *g, uint64_t *v) {
  *g = *v = 0;
  if (kb > e->kmax)
    kb = e->kmax;
  if (ka < kb)
    e->src->sum(e->src->ctx, e->phase + ka * e->step, e->phase + kb * e->step, g, v);
}

static void bsum(const struct ev *e, int64_t a, int64_t b, uint64_t *g, uint64_t *v) {
  if (e->pg == NULL) {
    if (a >= b) {
      *g = *v = 0;
      return;
    }
    if (e->src != NULL)
      src_sum(e, e->base + a, e->base + b, g, v);
    else
      ring_sum(e, e->base + a, e->base + b, g, v);
    return;
  }
  a = clampi(a, 0, (int64_t)e->n);
  b = clampi(b, 0, (int64_t)e->n);
  if (a >= b) {
    *g = *v = 0;
    return;
  }
  *g = e->pg[b] - e->pg[a];
  *v = e->pv[b] - e->pv[a];
}

static int64_t xsum(const struct ev *e, int64_t a, int64_t b) {
  if (e->px == NULL)
    return 0;
  a = clampi(a, 0, (int64_t)e->n);
  b = clampi(b, 0, (int64_t)e->n);
  return a < b ? (int64_t)(e->px[b] - e->px[a]) : 0;
}

struct sl {
  uint64_t total, bad, withev;
  double ratio_sum;
};

/* Slice figures of one slice [a, b) computed directly. */
static void slice_one(const struct ev *e, int64_t a, int64_t b, struct sl *s) {
  if (b - a > 0 && xsum(e, a, b) == b - a)
    return; /* wholly excluded */
  uint64_t g, v;
  bsum(e, a, b, &g, &v);
  s->total++;
  if (v > 0) {
    double r = (double)g / (double)v;
    s->withev++;
    s->ratio_sum += r;
    if (r < e->slo->slice_target)
      s->bad++;
  }
}

/* Strided sum of arr over positions a, a+m, ..., a+(c-1)m. */
static uint64_t ssum_u(const struct ev *e, const uint32_t *arr, int64_t a, int64_t c) {
  if (c <= 0)
    return 0;
  int64_t last = a + (c - 1) * e->m;
  uint64_t hi = arr[last];
  uint64_t lo = a - e->m >= 0 ? arr[a - e->m] : 0;
  return hi - lo;
}

static double ssum_d(const struct ev *e, const double *arr, int64_t a, int64_t c) {
  if (c <= 0)
    return 0;
  int64_t last = a + (c - 1) * e->m;
  return arr[last] - (a - e->m >= 0 ? arr[a - e->m] : 0);
}

/* Slices of [a, b) aligned to a (the last one may be partial). */
static void slice_stats(const struct ev *e, int64_t a, int64_t b, struct sl *s) {
  memset(s, 0, sizeof *s);
  if (b <= a)
    return;
  int64_t c = (b - a) / e->m;
  if (a < 0 || a + c * e->m > (int64_t)e->n) { /* outside the arrays (never in practice): slice by slice */
    for (int64_t p = a; p < b; p += e->m)
      slice_one(e, p, p + e->m < b ? p + e->m : b, s);
    return;
  }
  uint64_t nx = e->sx ? ssum_u(e, e->sx, a, c) : 0;
  s->total = (uint64_t)c - nx;
  s->bad = ssum_u(e, e->sbad, a, c);
  s->withev = ssum_u(e, e->sev, a, c);
  s->ratio_sum = ssum_d(e, e->sratio, a, c);
  if (a + c * e->m < b)
    slice_one(e, a + c * e->m, b, s);
}

/* Figures of one window [ks, ke) with full length [ks, kfull) at instant ke. */
struct fig {
  uint64_t good, valid;
  int has_sli;
  double sli, remaining;
  uint64_t good_slices, total_slices;
};

static void window_fig(const struct ev *e, int64_t ks, int64_t ke, int64_t kfull, struct fig *f) {
  memset(f, 0, sizeof *f);
  bsum(e, ks, ke, &f->good, &f->valid);
  f->has_sli = f->valid > 0;
  f->remaining = 1.0;
  if (!e->slices) {
    if (f->has_sli) {
      f->sli = (double)f->good / (double)f->valid;
      f->remaining = fin(1.0 - (double)(f->valid - f->good) / (e->eb * (double)f->valid));
    }
    return;
  }
  struct sl s, full;
  slice_stats(e, ks, ke, &s);
  f->total_slices = s.total;
  f->good_slices = s.total - s.bad;
  if (e->slo->budgeting == HR_BUDGET_RATIO_TIMESLICES) {
    if (s.withev > 0) {
      f->sli = s.ratio_sum / (double)s.withev;
      f->remaining = fin(1.0 - (1.0 - f->sli) / e->eb);
    } else {
      f->has_sli = 0;
    }
    return;
  }
  if (f->has_sli)
    f->sli = ratio((double)f->good_slices, (double)s.total);
  slice_stats(e, ks, kfull, &full);
  if (full.total > 0)
    f->remaining = fin(1.0 - (double)s.bad / (e->eb * (double)full.total));
}

/* Burn rate over [kb, ke). */
static double burn_fig(const struct ev *e, int64_t kb, int64_t ke, uint64_t *g, uint64_t *v) {
  bsum(e, kb, ke, g, v);
  if (*v == 0)
    return 0.0;
  if (!e->slices)
    return fin((1.0 - (double)*g / (double)*v) / e->eb);
  struct sl s;
  slice_stats(e, kb, ke, &s);
  if (e->slo->budgeting == HR_BUDGET_RATIO_TIMESLICES)
    return s.withev ? fin((1.0 - s.ratio_sum / (double)s.withev) / e->eb) : 0.0;
  return s.total ? fin((double)s.bad / (e->eb * (double)s.total)) : 0.0;
}

struct hr_thresholds slo_status_thresholds(const struct hr_slo *slo) {
  struct hr_thresholds t = slo->thr;
  if (t.rem_yellow == 0 && t.rem_orange == 0 && t.rem_red == 0 && t.burn_yellow == 0 && t.burn_orange == 0 &&
      t.burn_red == 0) { /* not filled in: the defaults of docs/internals/math.md */
    t.rem_yellow = 0.7;
    t.rem_orange = 0.3;
    t.rem_red = 0.0;
    t.burn_yellow = 2;
    t.burn_orange = 5;
    t.burn_red = 10;
  }
  if (t.burn_lookback_us <= 0)
    t.burn_lookback_us = HOUR_US;
  return t;
}

static enum hr_status worst(enum hr_status a, enum hr_status b) {
  return a > b ? a : b;
}

/* The status the thresholds give (no latch). */
static enum hr_status thr_status(const struct hr_thresholds *t, const struct fig *f, double burn, int low) {
  if (f->valid == 0)
    return HR_ST_NODATA;
  enum hr_status s;
  if (f->remaining > t->rem_yellow)
    s = HR_ST_GREEN;
  else if (f->remaining >= t->rem_orange)
    s = HR_ST_YELLOW;
  else if (f->remaining > t->rem_red)
    s = HR_ST_ORANGE;
  else
    s = HR_ST_RED;
  if (!low) {
    if (burn > t->burn_red)
      s = worst(s, HR_ST_RED);
    else if (burn > t->burn_orange)
      s = worst(s, HR_ST_ORANGE);
    else if (burn > t->burn_yellow)
      s = worst(s, HR_ST_YELLOW);
  }
  return s;
}

enum hr_status slo_status(const struct hr_slo *slo, int has_data, double remaining, double burn, int low) {
  struct hr_thresholds t = slo_status_thresholds(slo);
  struct fig f;
  memset(&f, 0, sizeof f);
  f.valid = has_data ? 1 : 0;
  f.remaining = remaining;
  return thr_status(&t, &f, burn, low);
}

/* Longest period a calendar window can have (DST hour included). */
static int64_t max_window_us(const struct hr_window *w) {
  if (w->kind == HR_WIN_ROLLING)
    return w->length_us > 0 ? w->length_us : 0;
  int64_t c = w->count > 0 ? w->count : 1;
  switch (w->unit) {
  case HR_CAL_DAY: return c * DAY_US + HOUR_US;
  case HR_CAL_WEEK: return c * 7 * DAY_US + HOUR_US;
  case HR_CAL_MONTH: return c * 31 * DAY_US + HOUR_US;
  case HR_CAL_QUARTER: return c * 92 * DAY_US + HOUR_US;
  case HR_CAL_YEAR: return c * 366 * DAY_US + HOUR_US;
  }
  return c * 366 * DAY_US + HOUR_US;
}

static int64_t longest_lookback(const struct hr_slo *slo, const struct hr_thresholds *t) {
  int64_t lb = t->burn_lookback_us;
  for (size_t i = 0; i < slo->nlookbacks && i < HR_MAX_LOOKBACKS; i++)
    if (slo->lookbacks_us[i] > lb)
      lb = slo->lookbacks_us[i];
  return lb;
}

size_t slo_eval_span(const struct hr_slo *slo, int64_t step_us) {
  if (step_us <= 0)
    step_us = 60000000;
  struct hr_thresholds t = slo_status_thresholds(slo);
  int64_t span = 2 * max_window_us(&slo->window) + longest_lookback(slo, &t);
  int64_t slack = 2 + (slo->slice_us > 0 ? ceil_div(slo->slice_us, step_us) : 1);
  return (size_t)(ceil_div(span, step_us) + slack);
}

/* Build the prefix arrays over absolute buckets [base, base + n); buckets at
 * or after kmax (the one starting at T) count as empty. */
static void build(struct ev *e, const struct hr_series *s, struct hr_excluder *x, int64_t kmax) {
  size_t n = e->n;
  e->pg = xmalloc((n + 1) * sizeof *e->pg);
  e->pv = xmalloc((n + 1) * sizeof *e->pv);
  e->pg[0] = e->pv[0] = 0;
  /* Buckets held by the ring and before T: [lo, hi) in positions; the rest is 0. */
  int64_t lo = 0, hi = 0;
  if (s->head != INT64_MIN && s->cap > 0) {
    int64_t oldest = s->head - (int64_t)s->cap + 1;
    int64_t newest = s->head + 1 < kmax ? s->head + 1 : kmax;
    lo = clampi(oldest - e->base, 0, (int64_t)n);
    hi = clampi(newest - e->base, lo, (int64_t)n);
  }
  size_t r = 0;
  if (hi > lo) {
    int64_t k = e->base + lo;
    int64_t rr = k % (int64_t)s->cap;
    r = (size_t)(rr < 0 ? rr + (int64_t)s->cap : rr);
  }
  for (int64_t i = 0; i < (int64_t)n; i++) {
    uint64_t g = 0, v = 0;
    if (i >= lo && i < hi) {
      series_slot(s, r, &g, &v);
      if (++r == s->cap)
        r = 0;
    }
    e->pg[i + 1] = e->pg[i] + g;
    e->pv[i + 1] = e->pv[i] + v;
  }
  if (!e->slices)
    return;
  if (x != NULL) {
    /* excluded buckets: wholly inside an excluded interval */
    e->px = xcalloc(n + 1, sizeof *e->px);
    int64_t from = e->phase + e->base * e->step, to = from + (int64_t)n * e->step;
    size_t cnt = excluder_list(x, from, to, NULL, 0);
    int64_t(*iv)[2] = xcalloc(cnt ? cnt : 1, sizeof *iv);
    cnt = excluder_list(x, from, to, iv, cnt);
    uint8_t *fl = xcalloc(n, 1);
    for (size_t j = 0; j < cnt; j++) {
      int64_t a = kpos(e, iv[j][0]);                                 /* first bucket starting inside */
      int64_t b = floor_div(iv[j][1] - e->phase, e->step) - e->base; /* buckets ending inside: < b */
      for (int64_t p = a < 0 ? 0 : a; p < b && p < (int64_t)n; p++)
        fl[p] = 1;
    }
    for (size_t i = 0; i < n; i++)
      e->px[i + 1] = e->px[i] + fl[i];
    free(fl);
    free(iv);
  }
  e->sbad = xmalloc(n * sizeof *e->sbad);
  e->sev = xmalloc(n * sizeof *e->sev);
  e->sratio = xmalloc(n * sizeof *e->sratio);
  if (x != NULL)
    e->sx = xmalloc(n * sizeof *e->sx);
  for (size_t i = 0; i < n; i++) {
    struct sl one = {0};
    int64_t p = (int64_t)i;
    slice_one(e, p, p + e->m, &one);
    int excluded = one.total == 0;
    int64_t prev = p - e->m;
    e->sbad[i] = (uint32_t)one.bad + (prev >= 0 ? e->sbad[prev] : 0);
    e->sev[i] = (uint32_t)one.withev + (prev >= 0 ? e->sev[prev] : 0);
    e->sratio[i] = one.ratio_sum + (prev >= 0 ? e->sratio[prev] : 0);
    if (e->sx)
      e->sx[i] = (uint32_t)excluded + (prev >= 0 ? e->sx[prev] : 0);
  }
}

static void release(struct ev *e) {
  free(e->pg);
  free(e->pv);
  free(e->px);
  free(e->sbad);
  free(e->sev);
  free(e->sx);
  free(e->sratio);
}

/* Window of the walk at bucket position k: [*ks, k), full length to *kfull. */
struct walkwin {
  int64_t ps, pe; /* cached calendar period (instants) */
  int valid;
};

static void win_at(const struct ev *e, struct walkwin *c, int64_t k, int64_t wb, int64_t *ks, int64_t *kfull) {
  const struct hr_window *w = &e->slo->window;
  if (w->kind == HR_WIN_ROLLING) {
    *ks = k - wb;
    *kfull = k;
    return;
  }
  int64_t t = e->phase + (e->base + k) * e->step;
  if (!c->valid || t < c->ps || t >= c->pe) {
    window_bounds(w, e->tz, t, &c->ps, &c->pe);
    c->valid = 1;
  }
  *ks = kpos(e, c->ps);
  *kfull = kpos(e, c->pe);
}

static void ev_setup(struct ev *e, const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s) {
  memset(e, 0, sizeof *e);
  e->slo = slo;
  e->tz = tz;
  e->step = s->step_us > 0 ? s->step_us : 60000000;
  e->phase = s->phase_us;
  e->eb_raw = 1.0 - slo->target;
  if (!(e->eb_raw > 0))
    e->eb_raw = 0;
  e->eb = e->eb_raw > EPS_BUDGET ? e->eb_raw : EPS_BUDGET;
  e->slices = slo->budgeting != HR_BUDGET_OCCURRENCES;
  e->m = e->slices && slo->slice_us > e->step ? (slo->slice_us + e->step / 2) / e->step : 1;
  e->s = s;
}

/* The figures of the state at step KT (all but the status): counts, SLI and
 * budget of the window figures f (window length W), the burn of every
 * lookback of the SLO, the status burn and the time to exhaustion at it. */
static void state_figures(const struct ev *e, const struct fig *f, int64_t W, int64_t KT, double burn, int64_t min_ev,
                          struct hr_slo_state *out) {
  const struct hr_slo *slo = e->slo;
  out->good = f->good;
  out->valid = f->valid;
  out->has_sli = f->has_sli;
  out->data = f->has_sli ? HR_DATA_OK : HR_DATA_NONE;
  out->sli = f->has_sli ? fin(f->sli) : 0;
  out->budget_remaining = fin(f->remaining);
  out->budget_s = fin(e->eb_raw * ((double)W / 1e6));
  out->budget_remaining_s = fin(out->budget_remaining * out->budget_s);
  out->good_slices = f->good_slices;
  out->total_slices = f->total_slices;
  size_t nlb = slo->nlookbacks < HR_MAX_LOOKBACKS ? slo->nlookbacks : HR_MAX_LOOKBACKS;
  out->nburn = nlb;
  for (size_t i = 0; i < nlb; i++) {
    struct hr_burn *b = &out->burn[i];
    b->lookback_us = slo->lookbacks_us[i];
    b->rate = burn_fig(e, KT - ceil_div(b->lookback_us, e->step), KT, &b->good, &b->valid);
    b->low_traffic = b->valid < (uint64_t)min_ev;
  }
  out->burn_status = fin(burn);
  if (out->budget_remaining <= 0) {
    out->has_tte = 1;
    out->tte_s = 0;
  } else if (burn > 0) {
    out->has_tte = 1;
    out->tte_s = fin(out->budget_remaining * ((double)W / 1e6) / burn);
  }
}

/* One step of the red latch's walk for occurrences (window counts g/v,
 * status lookback g1/v1): the same tests as thr_status(), inlined. 1: red
 * (the latch is set), -1: released (no data, or SLI >= target with burn
 * < 1), 0: neither, walk on. */
static int latch_step(const struct ev *e, const struct hr_thresholds *t, uint64_t g, uint64_t v, uint64_t g1,
                      uint64_t v1, int64_t min_ev) {
  if (v == 0)
    return -1;
  double sli = (double)g / (double)v;
  double rem = fin(1.0 - (double)(v - g) / (e->eb * (double)v));
  double bk = v1 ? fin((1.0 - (double)g1 / (double)v1) / e->eb) : 0.0;
  if (rem <= t->rem_red || (v1 >= (uint64_t)min_ev && bk > t->burn_red))
    return 1;
  return sli >= e->slo->target && bk < 1.0 ? -1 : 0;
}

#define SUMS_WALK 120 /* steps of the latch walk done from sums */

/* The stand-in series of an evaluation from sums (never read). */
static const struct hr_series no_series = {.step_us = 60000000, .head = INT64_MIN};

/* slo_eval_ex() from the series s, or from the range sums of src (s NULL):
 * returns 0 without a result when src cannot decide (timeslices, or a
 * status that needs the latch walk over the minutes). */
static int eval_at(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s,
                   const struct hr_sums_src *src, struct hr_excluder *x, int64_t at_us, struct hr_slo_state *out) {
  memset(out, 0, sizeof *out);
  struct hr_thresholds t = slo_status_thresholds(slo);
  struct ev e;
  ev_setup(&e, slo, tz, s);
  e.src = src;
  if (src != NULL && e.slices)
    return 0;

  /* The window at T. */
  int64_t ws, we;
  window_bounds(&slo->window, tz, at_us, &ws, &we);
  int64_t W = slo->window.kind == HR_WIN_ROLLING ? slo->window.length_us : we - ws;
  if (W < 0)
    W = 0;
  out->at_us = at_us;
  out->window_start_us = ws;
  out->window_us = W;

  /* Absolute bucket of T, and the range the evaluation needs. */
  int64_t kT = floor_div(at_us - e.phase, e.step); /* buckets < kT end at or before T */
  int64_t wb = ceil_div(W, e.step);
  int64_t lbmax = ceil_div(longest_lookback(slo, &t), e.step);
  int64_t first = kT - lbmax;
  int64_t k0 = kT - wb; /* the walk starts at T - W */
  int64_t ws0;          /* window start at the walk's first step */
  if (slo->window.kind == HR_WIN_ROLLING) {
    ws0 = k0 - wb;
  } else {
    int64_t a, b;
    window_bounds(&slo->window, tz, e.phase + k0 * e.step, &a, &b);
    ws0 = ceil_div(a - e.phase, e.step);
  }
  if (ws0 < first)
    first = ws0;
  if (k0 - lbmax < first)
    first = k0 - lbmax;
  int64_t kws = ceil_div(ws - e.phase, e.step);
  if (kws < first)
    first = kws;
  int64_t last = kT; /* positions up to the end of the calendar period (future slices) */
  if (slo->window.kind == HR_WIN_CALENDAR) {
    int64_t kwe = ceil_div(we - e.phase, e.step);
    if (kwe > last)
      last = kwe;
  }
  e.base = first - e.m - 1;
  e.n = (size_t)(last - e.base + e.m + 1);
  e.kmax = kT;
  if (e.slices) /* occurrences read the ring directly until the latch scan needs prefix sums */
    build(&e, s, x, kT);
  int64_t KT = kT - e.base; /* position of T */

  /* Lookbacks in buckets. */
  int64_t blb = ceil_div(t.burn_lookback_us, e.step);
  int64_t min_ev = slo->min_events > 0 ? slo->min_events : 1;

  /* The figures at T. */
  struct walkwin cache = {0};
  struct fig f;
  int64_t ks, kfull;
  win_at(&e, &cache, KT, wb, &ks, &kfull);
  window_fig(&e, ks, KT, kfull, &f);
  uint64_t bg = 0, bv = 0;
  double burn = burn_fig(&e, KT - blb, KT, &bg, &bv);
  enum hr_status st = thr_status(&t, &f, burn, bv < (uint64_t)min_ev);

  /* The red latch. Walking the minutes T - W .. T forward (starting
   * unlatched), a red step sets the latch and a release step (not red, and no
   * data or SLI >= target with burn < 1) clears it; so the latch at T is set
   * iff the last red-or-release step is red. Scan backward for it: O(1) for a
   * healthy SLO. */
  int latch = 0;
  int released = f.valid == 0 || (f.has_sli && f.sli >= slo->target && burn < 1.0);
  if (st != HR_ST_RED && !released && src != NULL) {
    /* From sums: the first SUMS_WALK steps back, two sums each (the walk
     * of a slightly burning SLO ends within minutes); a longer one reads
     * every minute: the caller's series decides. */
    struct walkwin c2 = {0};
    int64_t k = KT, stop = KT - wb - 1, decided = 0;
    for (; k > stop && k > KT - SUMS_WALK; k--) {
      int64_t ks2 = k - wb, kf2 = k;
      if (slo->window.kind != HR_WIN_ROLLING)
        win_at(&e, &c2, k, wb, &ks2, &kf2);
      uint64_t g, v, g1 = 0, v1 = 0;
      bsum(&e, ks2, k, &g, &v);
      if (v > 0)
        bsum(&e, k - blb, k, &g1, &v1);
      int r = latch_step(&e, &t, g, v, g1, v1, min_ev);
      if (r != 0) {
        latch = r > 0;
        decided = 1;
        break;
      }
    }
    if (!decided && k > stop) {
      release(&e);
      return 0;
    }
  } else if (st != HR_ST_RED && !released) {
    if (e.pg == NULL)
      build(&e, s, x, kT);
    struct walkwin c2 = {0};
    int rolling = slo->window.kind == HR_WIN_ROLLING;
    for (int64_t k = KT; k >= KT - wb; k--) {
      int64_t ks2 = k - wb, kf2 = k;
      if (!rolling)
        win_at(&e, &c2, k, wb, &ks2, &kf2);
      if (!e.slices) { /* occurrences: prefix sums, then the same tests as thr_status() */
        uint64_t v = e.pv[k] - e.pv[ks2], g = e.pg[k] - e.pg[ks2];
        uint64_t v1 = v ? e.pv[k] - e.pv[k - blb] : 0, g1 = v ? e.pg[k] - e.pg[k - blb] : 0;
        int r = latch_step(&e, &t, g, v, g1, v1, min_ev);
        if (r != 0) {
          latch = r > 0;
          break;
        }
        continue;
      }
      struct fig fk;
      uint64_t g2, v2;
      window_fig(&e, ks2, k, kf2, &fk);
      double bk = burn_fig(&e, k - blb, k, &g2, &v2);
      enum hr_status sk = thr_status(&t, &fk, bk, v2 < (uint64_t)min_ev);
      if (sk == HR_ST_RED) {
        latch = 1;
        break;
      }
      if (fk.valid == 0 || (fk.has_sli && fk.sli >= slo->target && bk < 1.0))
        break; /* released (or never latched) */
    }
  }

  /* f, burn, st are now the figures at T (the walk's last step). */
  state_figures(&e, &f, W, KT, burn, min_ev, out);
  out->status = st;
  if (st != HR_ST_RED && latch) {
    out->status = HR_ST_RED;
    out->latched = 1;
  }
  release(&e);
  return 1;
}

void slo_eval_ex(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s, struct hr_excluder *x,
                 int64_t at_us, struct hr_slo_state *out) {
  eval_at(slo, tz, s, NULL, x, at_us, out);
}

int slo_eval_sums(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_sums_src *src, int64_t at_us,
                  struct hr_slo_state *out) {
  if (eval_at(slo, tz, &no_series, src, NULL, at_us, out))
    return 1;
  memset(out, 0, sizeof *out);
  return 0;
}

void slo_eval(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s, int64_t at_us,
              struct hr_slo_state *out) {
  slo_eval_ex(slo, tz, s, NULL, at_us, out);
}

/* ---- single burn rates and replays (alert conditions, backtest) ---- */

double slo_burn_at(const struct hr_slo *slo, const struct hr_series *s, int64_t at_us, int64_t lookback_us,
                   uint64_t *good, uint64_t *valid) {
  struct ev e;
  ev_setup(&e, slo, NULL, s);
  int64_t kT = floor_div(at_us - e.phase, e.step);
  int64_t lb = ceil_div(lookback_us > 0 ? lookback_us : 0, e.step);
  e.base = kT - lb - e.m - 1;
  e.n = (size_t)(lb + 2 * e.m + 2);
  e.kmax = kT;
  if (e.slices)
    build(&e, s, NULL, kT);
  int64_t KT = kT - e.base;
  uint64_t g = 0, v = 0;
  double b = burn_fig(&e, KT - lb, KT, &g, &v);
  release(&e);
  if (good)
    *good = g;
  if (valid)
    *valid = v;
  return fin(b);
}

struct hr_slo_replay {
  struct ev e;
  struct hr_thresholds t;
  struct walkwin cache;
};

/* The replay from s, or from src (s then a stand-in, never read). */
static struct hr_slo_replay *replay_new(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s,
                                        const struct hr_sums_src *src, struct hr_excluder *x, int64_t from_us,
                                        int64_t to_us) {
  struct hr_slo_replay *r = xcalloc(1, sizeof *r);
  struct ev *e = &r->e;
  ev_setup(e, slo, tz, s);
  e->src = src;
  r->t = slo_status_thresholds(slo);
  int64_t kF = floor_div(from_us - e->phase, e->step);
  int64_t kTo = floor_div(to_us - e->phase, e->step);
  if (kTo < kF)
    kTo = kF;
  int64_t wmax = ceil_div(max_window_us(&slo->window), e->step);
  int64_t lbmax = ceil_div(longest_lookback(slo, &r->t), e->step);
  int64_t first = kF - (wmax > lbmax ? wmax : lbmax);
  int64_t last = kTo;
  if (slo->window.kind == HR_WIN_CALENDAR) { /* future slices of the last period */
    int64_t a, b;
    window_bounds(&slo->window, tz, e->phase + kTo * e->step, &a, &b);
    int64_t kwe = ceil_div(b - e->phase, e->step);
    if (kwe > last)
      last = kwe;
  }
  e->base = first - e->m - 1;
  e->n = (size_t)(last - e->base + e->m + 1);
  e->kmax = kTo + 1; /* buckets up to the one starting at `to`; each instant sums only before itself */
  if (src == NULL)
    build(e, s, x, e->kmax);
  return r;
}

struct hr_slo_replay *slo_replay_new(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s,
                                     struct hr_excluder *x, int64_t from_us, int64_t to_us) {
  return replay_new(slo, tz, s, NULL, x, from_us, to_us);
}

struct hr_slo_replay *slo_replay_new_sums(const struct hr_slo *slo, const struct hr_tz *tz,
                                          const struct hr_sums_src *src, int64_t from_us, int64_t to_us) {
  if (slo->budgeting != HR_BUDGET_OCCURRENCES)
    return NULL;
  return replay_new(slo, tz, &no_series, src, NULL, from_us, to_us);
}

void slo_replay_at(struct hr_slo_replay *r, int64_t at_us, struct hr_slo_state *out) {
  const struct ev *e = &r->e;
  const struct hr_slo *slo = e->slo;
  memset(out, 0, sizeof *out);
  int64_t kT = floor_div(at_us - e->phase, e->step);
  int64_t KT = kT - e->base;
  int64_t W, ws, ks, kfull;
  if (slo->window.kind == HR_WIN_ROLLING) {
    W = slo->window.length_us > 0 ? slo->window.length_us : 0;
    ws = at_us - W;
    win_at(e, &r->cache, KT, ceil_div(W, e->step), &ks, &kfull);
  } else {
    win_at(e, &r->cache, KT, 0, &ks, &kfull);
    ws = r->cache.ps;
    W = r->cache.pe - r->cache.ps;
  }
  out->at_us = at_us;
  out->window_start_us = ws;
  out->window_us = W;
  struct fig f;
  window_fig(e, ks, KT, kfull, &f);
  int64_t min_ev = slo->min_events > 0 ? slo->min_events : 1;
  uint64_t bg = 0, bv = 0;
  double burn = burn_fig(e, KT - ceil_div(r->t.burn_lookback_us, e->step), KT, &bg, &bv);
  state_figures(e, &f, W, KT, burn, min_ev, out);
  out->status = thr_status(&r->t, &f, burn, bv < (uint64_t)min_ev);
}

void slo_replay_free(struct hr_slo_replay *r) {
  if (r == NULL)
    return;
  release(&r->e);
  free(r);
}
