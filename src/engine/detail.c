/* detail.c -- see detail.h. */
#include "engine/detail.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/composite.h"
#include "core/exclude.h"
#include "core/timeparse.h"
#include "engine/impl.h"
#include "engine/round.h"
#include "prom/prom.h"
#include "store/alerts.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MAX_CONDS 256
#define MAX_EXCL 200 /* exclusion intervals listed on a timeline */
#define SYS_POINTS 720

int64_t detail_step(int64_t span_us, size_t max_points) {
  static const int64_t steps[] = {60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400};
  size_t n = sizeof steps / sizeof steps[0];
  for (size_t i = 0; i < n; i++)
    if (span_us / (steps[i] * 1000000) <= (int64_t)max_points)
      return steps[i] * 1000000;
  return steps[n - 1] * 1000000;
}

void series_view_free(struct hr_series_view *v) {
  free(v->t_us);
  free(v->sli);
  free(v->budget_remaining);
  for (size_t b = 0; b < v->nburn; b++)
    free(v->burn[b]);
  free(v->good);
  free(v->valid);
  memset(v, 0, sizeof *v);
}

/* The grid of [from, to] on the phase: instants base + k * step after
 * from, then to. */
static size_t grid(int64_t phase, int64_t from, int64_t to, int64_t step, int64_t **t_out) {
  int64_t base = phase + floor_div(from - phase, step) * step;
  size_t cap = (size_t)((to - base) / step) + 2, n = 0;
  int64_t *t = xcalloc(cap, sizeof *t);
  for (int64_t x = base + step; x < to && n + 1 < cap; x += step)
    t[n++] = x;
  t[n++] = to;
  *t_out = t;
  return n;
}

/* The SLO of rs over [from, to] at the points of the grid of step, from
 * its series (x NULL) or from the store's range sums x (occurrences:
 * slo_replay_new_sums). */
static void view_fill(const struct hr_report_slo *rs, struct hr_slo_sums *x, int64_t from, int64_t to, int64_t step,
                      struct hr_series_view *v) {
  memset(v, 0, sizeof *v);
  const struct hr_slo *slo = rs->slo;
  const struct hr_series *s = &rs->series;
  v->step_us = step;
  v->n = grid(x != NULL ? 0 : s->phase_us, from, to, step, &v->t_us);
  size_t n = v->n;
  v->sli = xcalloc(n, sizeof *v->sli);
  v->budget_remaining = xcalloc(n, sizeof *v->budget_remaining);
  v->good = xcalloc(n, sizeof *v->good);
  v->valid = xcalloc(n, sizeof *v->valid);
  v->nburn = rs->st.nburn;
  for (size_t b = 0; b < v->nburn; b++) {
    v->lookback_us[b] = rs->st.burn[b].lookback_us;
    v->burn[b] = xcalloc(n, sizeof *v->burn[b]);
  }
  struct hr_excluder *ex = x != NULL ? NULL : excluder_new(rs->excl, rs->nexcl);
  struct hr_slo_replay *r = x != NULL ? slo_replay_new_sums(slo, slo->window.zone, &x->src, v->t_us[0], v->t_us[n - 1])
                                      : slo_replay_new(slo, slo->window.zone, s, ex, v->t_us[0], v->t_us[n - 1]);
  struct hr_slo_state st;
  for (size_t i = 0; i < n; i++) {
    slo_replay_at(r, v->t_us[i], &st);
    v->sli[i] = st.has_sli ? st.sli : NAN;
    v->budget_remaining[i] = st.budget_remaining;
    for (size_t b = 0; b < v->nburn && b < st.nburn; b++)
      v->burn[b][i] = st.burn[b].rate;
    int64_t a = i == 0 ? from : v->t_us[i - 1];
    if (x != NULL) { /* the minutes series_sum() adds: from a's to t's */
      int64_t ma = floor_div(a, MINUTE_US) * MINUTE_US, mt = floor_div(v->t_us[i], MINUTE_US) * MINUTE_US;
      if (mt > ma)
        engine_slo_sum(x, ma, mt, &v->good[i], &v->valid[i]);
      continue;
    }
    int64_t k0 = series_index(s, a), k1 = series_index(s, v->t_us[i]);
    if (k1 > k0)
      series_sum(s, k0, k1, &v->good[i], &v->valid[i]);
  }
  slo_replay_free(r);
  excluder_free(ex);
}

static void series_view(const struct hr_report_slo *rs, int64_t from, int64_t to, int64_t step,
                        struct hr_series_view *v) {
  view_fill(rs, NULL, from, to, step, v);
}

/* The trend's range and step: the window up to the instant in about
 * `points` whole-minute steps; 0 when there is none. */
static int64_t trend_step(const struct hr_report_slo *rs, size_t points) {
  int64_t from = rs->st.window_start_us, to = rs->st.at_us;
  if (points < 2 || to <= from)
    return 0;
  int64_t step = (to - from + (int64_t)points - 1) / (int64_t)points;
  return (step + MINUTE_US - 1) / MINUTE_US * MINUTE_US;
}

/* 1 when rs has the minutes its series are drawn from: its own, or for a
 * composite those of every component. */
static int has_minutes(const struct hr_report_slo *rs) {
  if (rs->comp == NULL)
    return rs->has_series;
  for (size_t k = 0; k < rs->comp->n; k++)
    if (!rs->members[k]->has_series)
      return 0;
  return rs->comp->n > 0;
}

/* A composite's series: its components' views on the same grid, combined
 * point by point by composite_eval() (docs/internals/math.md, "Composite
 * SLOs"), exactly as the report combines them at the instant. */
void engine_composite_view(const struct hr_report_slo *rs, const struct hr_series_view *const *mv,
                           struct hr_series_view *v) {
  const struct hr_composite *k = rs->comp;
  memset(v, 0, sizeof *v);
  v->step_us = mv[0]->step_us;
  v->n = mv[0]->n;
  v->t_us = xcalloc(v->n, sizeof *v->t_us);
  memcpy(v->t_us, mv[0]->t_us, v->n * sizeof *v->t_us);
  v->sli = xcalloc(v->n, sizeof *v->sli);
  v->budget_remaining = xcalloc(v->n, sizeof *v->budget_remaining);
  v->good = xcalloc(v->n, sizeof *v->good);
  v->valid = xcalloc(v->n, sizeof *v->valid);
  v->nburn = rs->st.nburn;
  for (size_t b = 0; b < v->nburn; b++) {
    v->lookback_us[b] = rs->st.burn[b].lookback_us;
    v->burn[b] = xcalloc(v->n, sizeof *v->burn[b]);
  }
  struct hr_slo_state *cs = xcalloc(k->n, sizeof *cs), out;
  const struct hr_slo_state **ptr = xcalloc(k->n, sizeof *ptr);
  for (size_t i = 0; i < v->n; i++) {
    for (size_t c = 0; c < k->n; c++) {
      const struct hr_series_view *m = mv[c];
      struct hr_slo_state *st = &cs[c];
      memset(st, 0, sizeof *st);
      st->at_us = v->t_us[i];
      st->has_sli = i < m->n && !isnan(m->sli[i]);
      st->sli = st->has_sli ? m->sli[i] : 0;
      st->budget_remaining = i < m->n ? m->budget_remaining[i] : 1;
      st->good = i < m->n ? m->good[i] : 0;
      st->valid = i < m->n ? m->valid[i] : 0;
      st->nburn = m->nburn;
      for (size_t b = 0; b < m->nburn; b++) {
        st->burn[b].lookback_us = m->lookback_us[b];
        st->burn[b].rate = i < m->n ? m->burn[b][i] : 0;
        if (m->lookback_us[b] == rs->members[c]->slo->thr.burn_lookback_us)
          st->burn_status = st->burn[b].rate;
      }
      ptr[c] = st;
    }
    composite_eval(k, ptr, &out);
    v->sli[i] = out.has_sli ? out.sli : NAN;
    v->budget_remaining[i] = out.budget_remaining;
    v->good[i] = out.good;
    v->valid[i] = out.valid;
    for (size_t b = 0; b < v->nburn && b < out.nburn; b++)
      v->burn[b][i] = out.burn[b].rate;
  }
  free(cs);
  free((void *)ptr);
}

/* A composite's series over [from, to]: its components' views on the same grid, combined. */
static void composite_view(const struct hr_report_slo *rs, int64_t from, int64_t to, int64_t step,
                           struct hr_series_view *v) {
  const struct hr_composite *k = rs->comp;
  struct hr_series_view *mv = xcalloc(k->n, sizeof *mv);
  const struct hr_series_view **pv = xcalloc(k->n, sizeof *pv);
  for (size_t c = 0; c < k->n; c++) {
    series_view(rs->members[c], from, to, step, &mv[c]);
    pv[c] = &mv[c];
  }
  engine_composite_view(rs, pv, v);
  for (size_t c = 0; c < k->n; c++)
    series_view_free(&mv[c]);
  free(mv);
  free((void *)pv);
}

void engine_trend(const struct hr_report_slo *rs, size_t points, struct hr_series_view *out) {
  memset(out, 0, sizeof *out);
  int64_t step = trend_step(rs, points);
  if (!has_minutes(rs) || step == 0)
    return;
  if (rs->comp != NULL)
    composite_view(rs, rs->st.window_start_us, rs->st.at_us, step, out);
  else
    series_view(rs, rs->st.window_start_us, rs->st.at_us, step, out);
}

void engine_trend_sums(const struct hr_report_slo *rs, struct hr_slo_sums *x, size_t points,
                       struct hr_series_view *out) {
  memset(out, 0, sizeof *out);
  int64_t step = trend_step(rs, points);
  if (step != 0)
    view_fill(rs, x, rs->st.window_start_us, rs->st.at_us, step, out);
}

/* ---- thresholds ---- */

static void thresholds(const struct hr_report_slo *rs, struct hr_detail *d) {
  const struct hr_condition *conds[MAX_CONDS];
  size_t nc = alert_conditions(rs->slo, conds, MAX_CONDS);
  if (nc > MAX_CONDS)
    nc = MAX_CONDS;
  d->thr = xcalloc(nc ? nc : 1, sizeof *d->thr);
  d->status_thr = slo_status_thresholds(rs->slo);
  for (size_t i = 0; i < nc; i++) {
    struct hr_threshold *t = &d->thr[d->nthr++];
    t->c = conds[i];
    if (conds[i]->kind == HR_COND_BURNRATE) {
      t->has_rate = 1;
      t->rate = conds[i]->factor;
    } else if (conds[i]->kind == HR_COND_EXHAUSTION && conds[i]->horizon_us > 0) {
      /* remaining x W / burn < horizon  <=>  burn > remaining x W / horizon */
      double rem = rs->st.budget_remaining > 0 ? rs->st.budget_remaining : 0;
      t->has_rate = 1;
      t->rate = rem * (double)rs->st.window_us / (double)conds[i]->horizon_us;
    }
  }
}

/* ---- the timeline ---- */

static struct hr_tl_entry *tl_push(struct hr_detail *d, size_t *cap) {
  if (d->ntimeline == *cap) {
    *cap = *cap ? 2 * *cap : 16;
    d->timeline = xrealloc(d->timeline, *cap * sizeof *d->timeline);
  }
  struct hr_tl_entry *e = &d->timeline[d->ntimeline++];
  memset(e, 0, sizeof *e);
  e->end_us = INT64_MIN;
  return e;
}

/* The configured exclusions (maintenance annotations are on the timeline
 * as themselves), as intervals with the reason of the one holding each. */
static void tl_exclusions(const struct hr_slo *slo, int64_t from, int64_t to, struct hr_detail *d, size_t *cap) {
  struct hr_excluder *x = excluder_new(slo->excl, slo->nexcl);
  if (x == NULL || to <= from) {
    excluder_free(x);
    return;
  }
  int64_t(*iv)[2] = xcalloc(MAX_EXCL, sizeof *iv);
  size_t n = excluder_list(x, from, to, iv, MAX_EXCL);
  if (n > MAX_EXCL)
    n = MAX_EXCL;
  for (size_t i = 0; i < n; i++) {
    const char *why = NULL;
    int64_t probe = iv[i][0] > from ? iv[i][0] : from;
    for (size_t j = 0; j < slo->nexcl && why == NULL; j++) {
      struct hr_excluder *one = excluder_new(&slo->excl[j], 1);
      if (excluder_test(one, probe))
        why = slo->excl[j].reason;
      excluder_free(one);
    }
    struct hr_tl_entry *e = tl_push(d, cap);
    e->at_us = iv[i][0];
    e->end_us = iv[i][1];
    e->source = "exclusion";
    e->kind = xstrdup("exclusion");
    e->text = xstrdup(why ? why : "excluded from the SLO");
  }
  free(iv);
  excluder_free(x);
}

static void tl_annotations(const struct hr_report *rep, const struct hr_slo *slo, int64_t from, int64_t to,
                           struct hr_detail *d, size_t *cap) {
  for (size_t i = 0; i < rep->ntimeline; i++) {
    const struct hr_annotation *a = &rep->timeline[i];
    int64_t at = a->at_s * 1000000, end = a->has_end ? a->end_s * 1000000 : INT64_MIN;
    if (!slo_of_service(slo, a->service) || at >= to || (a->has_end ? end <= from : at < from))
      continue;
    struct hr_tl_entry *e = tl_push(d, cap);
    e->at_us = at;
    e->end_us = end;
    e->source = "annotation";
    e->kind = xstrdup(a->kind);
    e->text = xstrdup(a->text ? a->text : "");
  }
}

static int cmp_tl(const void *a, const void *b) {
  const struct hr_tl_entry *x = a, *y = b;
  return (x->at_us > y->at_us) - (x->at_us < y->at_us);
}

/* ---- alerts ---- */

/* The SLO's alerts as they stood at to, and its transitions in [from, to]
 * on the timeline: engine_alerts_as_of(), the rule GET /api/v1/alerts
 * follows too. */
static enum hr_rc alerts_at(struct hr_store *st, const struct hr_slo *slo, int64_t from, int64_t to,
                            struct hr_detail *d, size_t *tlcap, struct hr_err *err) {
  struct hr_alert_event *ev = NULL;
  size_t nev = 0;
  enum hr_rc rc = engine_alerts_as_of(st, slo->name, to, &d->alerts, &d->nalerts, &ev, &nev, err);
  if (rc != HR_OK)
    return rc;
  d->has_alerts = 1;
  for (size_t i = 0; i < nev; i++) {
    const struct hr_alert_event *e = &ev[i];
    int64_t at = e->at_s * 1000000;
    if (at < from)
      continue;
    struct hr_tl_entry *t = tl_push(d, tlcap);
    t->at_us = at;
    t->source = "alert";
    t->kind = xstrdup(e->kind == HR_TR_RESOLVED ? "resolved" : "firing");
    t->text = xstrdup(e->summary ? e->summary : "");
    t->condition = xstrdup(e->condition);
    t->severity = xstrdup(e->severity ? e->severity : "");
  }
  alerts_events_free(ev, nev);
  return HR_OK;
}

static int alert_rank(const struct hr_alert_row *r) {
  return r->a.state == HR_AL_FIRING ? 0 : r->a.state == HR_AL_PENDING ? 1 : 2;
}

static int cmp_alert(const void *x, const void *y) {
  const struct hr_alert_row *a = x, *b = y;
  if (alert_rank(a) != alert_rank(b))
    return alert_rank(a) - alert_rank(b);
  return (a->a.since_us < b->a.since_us) - (a->a.since_us > b->a.since_us); /* newest first */
}

/* ---- latency and bad events (the store) ---- */

static enum hr_rc latency(struct hr_store *st, int64_t id, const struct hr_report_slo *rs,
                          const struct hr_series_view *v, int64_t from, int64_t to, struct hr_detail *d,
                          struct hr_err *err) {
  int64_t step_s = v->step_us / 1000000, from_s = floor_div(from, 1000000), to_s = floor_div(to, 1000000);
  uint64_t *hist = NULL;
  size_t n = 0;
  enum hr_rc rc = details_latency_grid(st, id, from_s, to_s, step_s, &hist, &n, err);
  uint64_t all[HR_LAT_BUCKETS] = {0}, total = 0;
  for (size_t k = 0; rc == HR_OK && k < n; k++)
    for (int b = 0; b < HR_LAT_BUCKETS; b++) {
      all[b] += hist[k * HR_LAT_BUCKETS + (size_t)b];
      total += hist[k * HR_LAT_BUCKETS + (size_t)b];
    }
  if (rc != HR_OK || total == 0) {
    free(hist);
    return rc;
  }
  struct hr_latency_view *l = &d->latency;
  d->has_latency = 1;
  l->n = n;
  l->step_s = step_s;
  l->t_s = xcalloc(n, sizeof *l->t_s);
  l->p50 = xcalloc(n, sizeof *l->p50);
  l->p95 = xcalloc(n, sizeof *l->p95);
  l->p99 = xcalloc(n, sizeof *l->p99);
  l->count = xcalloc(n, sizeof *l->count);
  int64_t base = floor_div(from_s, step_s) * step_s;
  for (size_t k = 0; k < n; k++) {
    const uint64_t *h = hist + k * HR_LAT_BUCKETS;
    int64_t t = base + (int64_t)(k + 1) * step_s;
    l->t_s[k] = t > to_s ? to_s : t;
    l->p50[k] = latency_quantile(h, 0.50);
    l->p95[k] = latency_quantile(h, 0.95);
    l->p99[k] = latency_quantile(h, 0.99);
    for (int b = 0; b < HR_LAT_BUCKETS; b++)
      l->count[k] += h[b];
  }
  l->wcount = total;
  l->wp50 = latency_quantile(all, 0.50);
  l->wp95 = latency_quantile(all, 0.95);
  l->wp99 = latency_quantile(all, 0.99);
  l->threshold_s = details_threshold(rs->slo->good_filter);
  free(hist);
  return HR_OK;
}

/* Store details: alerts, latency, bad events. A store error is noted in
 * d->errors; the figures stand without them. */
static void from_store(const struct hr_config *cfg, const struct hr_report *rep, const struct hr_report_slo *rs,
                       struct hr_detail *d, size_t *tlcap) {
  (void)cfg;
  struct hr_store *st = NULL;
  struct hr_err e = {0};
  if (!rep->from_store || store_open_ro(rep->store_path, &st, &e) == HR_ERR_NOTFOUND)
    return; /* a report of logs: the store's details are not about them */
  enum hr_rc rc = st != NULL ? store_begin(st, &e) : HR_ERR_DB; /* one snapshot for all */
  if (rc == HR_OK)
    rc = alerts_at(st, rs->slo, d->from_us, d->to_us, d, tlcap, &e);
  int64_t id = 0;
  enum hr_rc found = rc == HR_OK ? store_slo_find(st, rs->slo->name, &id, &e) : rc;
  if (found == HR_OK && d->has_series && d->series.step_us % 1000000 == 0 && rs->series.phase_us == 0)
    rc = latency(st, id, rs, &d->series, d->from_us, d->to_us, d, &e);
  if (found == HR_OK && rc == HR_OK) {
    rc = details_bad_events(st, id, d->to_us, HR_BAD_KEEP, &d->bad, &d->nbad, &e);
    d->has_bad = rc == HR_OK;
  } else if (found == HR_ERR_NOTFOUND && rc == HR_OK) {
    d->has_bad = 1; /* the store never saw it: none */
  }
  if (rc != HR_OK || (found != HR_OK && found != HR_ERR_NOTFOUND)) {
    d->errors = xrealloc(d->errors, (d->nerrors + 1) * sizeof *d->errors);
    d->errors[d->nerrors++] = xstrdup(e.msg);
  }
  if (st != NULL)
    store_rollback(st);
  store_close(st);
}

/* ---- links and system metrics ---- */

/* tmpl with {service}, {slo}, {from}, {to} (RFC 3339), {from_ms}, {to_ms},
 * {from_s}, {to_s} filled in. */
static char *fill_link(const char *tmpl, const struct hr_slo *slo, int64_t from, int64_t to) {
  size_t cap = strlen(tmpl) + 256, n = 0;
  char *out = xmalloc(cap);
  for (const char *p = tmpl; *p;) {
    char val[96];
    const char *v = NULL;
    size_t skip = 0;
    static const char *const keys[] = {"{service}", "{slo}",   "{from}",   "{to}",
                                       "{from_ms}", "{to_ms}", "{from_s}", "{to_s}"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0] && v == NULL; k++) {
      size_t kl = strlen(keys[k]);
      if (strncmp(p, keys[k], kl) != 0)
        continue;
      skip = kl;
      switch (k) {
      case 0: v = slo->service ? slo->service : ""; break;
      case 1: v = slo->name; break;
      case 2: v = time_format_rfc3339(from, val, sizeof val); break;
      case 3: v = time_format_rfc3339(to, val, sizeof val); break;
      case 4:
        snprintf(val, sizeof val, "%lld", (long long)floor_div(from, 1000));
        v = val;
        break;
      case 5:
        snprintf(val, sizeof val, "%lld", (long long)floor_div(to, 1000));
        v = val;
        break;
      case 6:
        snprintf(val, sizeof val, "%lld", (long long)floor_div(from, 1000000));
        v = val;
        break;
      default:
        snprintf(val, sizeof val, "%lld", (long long)floor_div(to, 1000000));
        v = val;
        break;
      }
    }
    if (v == NULL) {
      v = p;
      skip = 1;
    }
    size_t vl = v == p ? 1 : strlen(v);
    while (n + vl * 3 + 1 >= cap)
      out = xrealloc(out, cap *= 2);
    for (size_t i = 0; i < vl; i++) { /* substituted values are percent-encoded */
      unsigned char c = (unsigned char)v[i];
      if (v != p && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~' || c == ':'))
        n += (size_t)snprintf(out + n, cap - n, "%%%02X", c);
      else
        out[n++] = (char)c;
    }
    p += skip;
  }
  out[n] = '\0';
  return out;
}

static const struct hr_datasource *prom_source(const struct hr_config *cfg) {
  for (size_t i = 0; i < cfg->nsources; i++)
    if (cfg->sources[i].type != NULL && strcmp(cfg->sources[i].type, "prometheus") == 0)
      return &cfg->sources[i];
  return NULL;
}

static void system_metrics(const struct hr_config *cfg, const struct hr_service *svc, struct hr_detail *d) {
  const struct hr_datasource *ds = prom_source(cfg);
  d->sys = xcalloc(svc->nmetrics ? svc->nmetrics : 1, sizeof *d->sys);
  d->nsys = svc->nmetrics;
  int64_t step = detail_step(d->to_us - d->from_us, SYS_POINTS);
  for (size_t i = 0; i < svc->nmetrics; i++) {
    struct hr_sys_metric *m = &d->sys[i];
    m->title = xstrdup(svc->metric_titles[i]);
    m->query = xstrdup(svc->metric_queries[i]);
    if (ds == NULL) {
      m->error = xstrdup("no prometheus DataSource in the configuration");
      continue;
    }
    struct hr_prom_conn c;
    prom_conn_from_source(&c, ds);
    struct hr_prom_result r;
    struct hr_err e = {0};
    int64_t start = floor_div(d->from_us, step) * step;
    if (prom_query_range(&c, m->query, start, d->to_us, step, &r, &e) != HR_OK) {
      m->error = xstrdup(e.msg);
      continue;
    }
    m->series = xcalloc(r.nseries ? r.nseries : 1, sizeof *m->series);
    for (size_t k = 0; k < r.nseries; k++) {
      struct hr_sys_series *s = &m->series[m->nseries++];
      s->labels = xstrdup(r.series[k].metric ? r.series[k].metric : "{}");
      s->n = r.series[k].n;
      s->t_s = xcalloc(s->n ? s->n : 1, sizeof *s->t_s);
      s->v = xcalloc(s->n ? s->n : 1, sizeof *s->v);
      for (size_t j = 0; j < s->n; j++) {
        s->t_s[j] = floor_div(r.series[k].s[j].t_ms, 1000);
        s->v[j] = r.series[k].s[j].v;
      }
    }
    prom_result_free(&r);
  }
}

/* ---- the detail ---- */

enum hr_rc engine_detail(const struct hr_config *cfg, const struct hr_report *rep, const struct hr_report_slo *rs,
                         const struct hr_detail_opts *o, struct hr_detail *d, struct hr_err *err) {
  (void)err;
  memset(d, 0, sizeof *d);
  d->rs = rs;
  int64_t ws = rs->st.window_start_us, at = rs->st.at_us;
  d->from_us = o->from_us || o->to_us ? o->from_us : ws;
  d->to_us = o->from_us || o->to_us ? o->to_us : at;
  if (d->from_us < ws)
    d->from_us = ws;
  if (d->to_us > at || d->to_us <= d->from_us)
    d->to_us = at;
  if (d->from_us >= d->to_us)
    d->from_us = ws < at ? ws : at;
  size_t maxp = o->max_points ? o->max_points : HR_DETAIL_POINTS;
  if (has_minutes(rs) && d->to_us > d->from_us) {
    void (*view)(const struct hr_report_slo *, int64_t, int64_t, int64_t, struct hr_series_view *) =
        rs->comp != NULL ? composite_view : series_view;
    view(rs, d->from_us, d->to_us, detail_step(d->to_us - d->from_us, maxp), &d->series);
    d->has_series = 1;
    int64_t rfrom = d->to_us - HR_RECENT_US > d->from_us ? d->to_us - HR_RECENT_US : d->from_us;
    if (o->recent && d->series.step_us > MINUTE_US) {
      view(rs, rfrom, d->to_us, MINUTE_US, &d->recent);
      d->has_recent = 1;
    }
  }
  thresholds(rs, d);
  size_t tlcap = 0;
  tl_exclusions(rs->slo, d->from_us, d->to_us, d, &tlcap);
  tl_annotations(rep, rs->slo, d->from_us, d->to_us, d, &tlcap);
  from_store(cfg, rep, rs, d, &tlcap);
  if (d->ntimeline > 1)
    qsort(d->timeline, d->ntimeline, sizeof *d->timeline, cmp_tl);
  if (d->nalerts > 1)
    qsort(d->alerts, d->nalerts, sizeof *d->alerts, cmp_alert);
  const struct hr_service *svc = config_service(cfg, rs->slo->service);
  if (svc != NULL && svc->logs_url != NULL) {
    d->links = xcalloc(1, sizeof *d->links);
    d->links[0].title = xstrdup("logs");
    d->links[0].url = fill_link(svc->logs_url, rs->slo, d->from_us, d->to_us);
    d->nlinks = 1;
  }
  if (o->system && svc != NULL && svc->nmetrics > 0)
    system_metrics(cfg, svc, d);
  return HR_OK;
}

void detail_free(struct hr_detail *d) {
  series_view_free(&d->series);
  series_view_free(&d->recent);
  free(d->thr);
  for (size_t i = 0; i < d->ntimeline; i++) {
    free(d->timeline[i].kind);
    free(d->timeline[i].text);
    free(d->timeline[i].condition);
    free(d->timeline[i].severity);
  }
  free(d->timeline);
  alerts_rows_free(d->alerts, d->nalerts);
  struct hr_latency_view *l = &d->latency;
  free(l->t_s);
  free(l->p50);
  free(l->p95);
  free(l->p99);
  free(l->count);
  details_bad_events_free(d->bad, d->nbad);
  for (size_t i = 0; i < d->nlinks; i++) {
    free(d->links[i].title);
    free(d->links[i].url);
  }
  free(d->links);
  for (size_t i = 0; i < d->nsys; i++) {
    for (size_t k = 0; k < d->sys[i].nseries; k++) {
      free(d->sys[i].series[k].labels);
      free(d->sys[i].series[k].t_s);
      free(d->sys[i].series[k].v);
    }
    free(d->sys[i].series);
    free(d->sys[i].title);
    free(d->sys[i].query);
    free(d->sys[i].error);
  }
  free(d->sys);
  for (size_t i = 0; i < d->nerrors; i++)
    free(d->errors[i]);
  free(d->errors);
  memset(d, 0, sizeof *d);
}
