/* report.c -- see report.h. */
#include "engine/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alert.h"
#include "core/composite.h"
#include "core/exclude.h"
#include "core/timeparse.h"
#include "engine/detail.h"
#include "engine/group.h"
#include "engine/health.h"
#include "engine/impl.h"
#include "prom/prom.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MAX_CONDS 256

const char *burning_name(enum hr_burning b) {
  switch (b) {
  case HR_BURN_OK: return "ok";
  case HR_BURN_ELEVATED: return "elevated";
  case HR_BURN_FAST: return "burning";
  }
  return "ok";
}

void report_free(struct hr_report *r) {
  for (size_t i = 0; r->slos != NULL && i < r->nslos; i++) {
    free(r->slos[i].deploy_text);
    free(r->slos[i].data_reason);
    if (r->slos[i].has_series)
      series_reset(&r->slos[i].series);
    free(r->slos[i].excl);
    if (r->slos[i].trend != NULL)
      series_view_free(r->slos[i].trend);
    free(r->slos[i].trend);
    groups_release(&r->slos[i]);
    free((void *)r->slos[i].members);
  }
  free(r->slos);
  for (size_t i = 0; i < r->nerrors; i++)
    free(r->errors[i]);
  free(r->errors);
  for (size_t i = 0; i < r->nsamples; i++)
    free(r->samples[i]);
  free(r->samples);
  free(r->store_path);
  free(r->src_stats);
  timeline_free(r->timeline, r->ntimeline);
  memset(r, 0, sizeof *r);
}

void report_add_error(struct hr_report *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  r->errors = xrealloc(r->errors, (r->nerrors + 1) * sizeof *r->errors);
  r->errors[r->nerrors++] = msg;
}

const char *engine_undecided_msg(uint64_t n, char *buf, size_t cap) {
  snprintf(buf, cap,
           "%llu events left out of every figure: a filter's regex gave up on them (PCRE2's match limit); "
           "`headroom check --sample FILE` names the regex",
           (unsigned long long)n);
  return buf;
}

const struct hr_report_slo *report_find(const struct hr_report *r, const char *name) {
  for (size_t i = 0; name != NULL && i < r->nslos; i++)
    if (strcmp(r->slos[i].slo->name, name) == 0)
      return &r->slos[i];
  return NULL;
}

/* ---- burning now ---- */

/* The level: a page condition that holds now is burning; any other that
 * holds, or a status burn above 1 (spending faster than the window allows),
 * is elevated. The figures shown: the burn-rate condition nearest to firing
 * (the highest ratio of its burns to its factor), else the status burn
 * against 1. */
static void burn_now(struct hr_report_slo *rs, const struct hr_slo *slo, const struct hr_series *s, int64_t at_us) {
  struct hr_burn_now *n = &rs->now;
  memset(n, 0, sizeof *n);
  n->rate = rs->st.burn_status;
  n->threshold = 1;
  n->lookback_us = slo->thr.burn_lookback_us;
  const struct hr_condition *conds[MAX_CONDS];
  size_t nc = alert_conditions(slo, conds, MAX_CONDS);
  if (nc > MAX_CONDS)
    nc = MAX_CONDS;
  double best = -1;
  const struct hr_condition *lead = NULL; /* the active condition that set the level */
  struct hr_cond_result lead_res = {0};
  for (size_t i = 0; i < nc; i++) {
    const struct hr_condition *c = conds[i];
    struct hr_cond_result res;
    alert_cond_eval(slo, c, s, &rs->st, at_us, 0, &res);
    res.active |= res.guarded; /* burning now shows the burn; the guard only keeps noise from paging */
    if (res.active && (c->kind == HR_COND_BURNRATE || c->kind == HR_COND_EXHAUSTION)) {
      enum hr_burning l = alert_is_page(c) ? HR_BURN_FAST : HR_BURN_ELEVATED;
      if (l > n->level || lead == NULL) {
        n->level = l > n->level ? l : n->level;
        lead = c;
        lead_res = res;
      }
    }
    if (c->kind != HR_COND_BURNRATE || c->factor <= 0)
      continue;
    double r = c->short_us > 0 && res.value2 < res.value ? res.value2 : res.value;
    if (r / c->factor > best) {
      best = r / c->factor;
      n->rate = res.value;
      n->threshold = c->factor;
      n->lookback_us = c->long_us;
      n->condition = c->name;
    }
  }
  if (lead != NULL) { /* the figures of what holds, not of another condition */
    n->lookback_us = lead->long_us;
    n->condition = lead->name;
    if (lead->kind == HR_COND_BURNRATE) {
      n->rate = lead_res.value;
      n->threshold = lead->factor;
    } else { /* exhaustion: its burn against the burn that empties what is left within its horizon */
      double rem = rs->st.budget_remaining, w_s = (double)rs->st.window_us / 1e6;
      n->rate = lead_res.value2;
      n->threshold = rem > 0 && lead->horizon_us > 0 ? rem * w_s / ((double)lead->horizon_us / 1e6) : 0;
    }
  }
  if (n->level == HR_BURN_OK && rs->st.has_sli && rs->st.burn_status > 1)
    n->level = HR_BURN_ELEVATED;
}

int engine_eval_slo_sums(struct hr_report_slo *rs, const struct hr_slo *slo, struct hr_slo_sums *x, int64_t at_us) {
  static const struct hr_series none = {.step_us = MINUTE_US, .head = INT64_MIN}; /* never read */
  const struct hr_condition *conds[MAX_CONDS];
  size_t nc = alert_conditions(slo, conds, MAX_CONDS);
  if (nc > MAX_CONDS)
    nc = MAX_CONDS;
  for (size_t i = 0; i < nc; i++)
    if (alert_cond_needs_series(slo, conds[i]))
      return 0;
  if (!slo_eval_sums(slo, slo->window.zone, &x->src, at_us, &rs->st) || x->rc != HR_OK)
    return 0;
  rs->slo = slo;
  burn_now(rs, slo, &none, at_us);
  return 1;
}

void engine_eval_slo(struct hr_report_slo *rs, const struct hr_slo *slo, const struct hr_series *s,
                     const struct hr_exclusion *excl, size_t nexcl, int64_t at_us) {
  struct hr_excluder *ex = excluder_new(excl, nexcl);
  rs->slo = slo;
  slo_eval_ex(slo, slo->window.zone, s, ex, at_us, &rs->st);
  burn_now(rs, slo, s, at_us);
  excluder_free(ex);
}

/* ---- since the last deploy ---- */

/* The since-deploy counts ms (good, valid, slices) and their share of the
 * window's consumed budget, in proportion to the bad events (or slices). */
static void deploy_share(struct hr_report_slo *rs, const struct hr_slo_state *ms) {
  rs->deploy_good = ms->good;
  rs->deploy_valid = ms->valid;
  int slices = rs->slo->budgeting != HR_BUDGET_OCCURRENCES;
  uint64_t bad_d = slices ? ms->total_slices - ms->good_slices : ms->valid - ms->good;
  uint64_t bad_w = slices ? rs->st.total_slices - rs->st.good_slices : rs->st.valid - rs->st.good;
  if (bad_d > bad_w)
    bad_d = bad_w; /* a slice cut by the deploy can look worse than whole */
  double consumed = rs->st.has_sli ? 1.0 - rs->st.budget_remaining : 0.0;
  rs->deploy_budget_spent = bad_w > 0 ? consumed * (double)bad_d / (double)bad_w : 0.0;
}

/* Fill rs's since_deploy figures: evaluate the SLO again on a copy of its
 * series holding only the buckets that start at or after max(deploy, window
 * start), and share the window's consumed budget out in proportion to the
 * bad events (or bad slices) found there. */
static void since_deploy(struct hr_report_slo *rs, const struct hr_slo *eslo, const struct hr_series *s, int64_t t_us,
                         const struct hr_annotation *dep) {
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
  struct hr_excluder *ex = excluder_new(eslo->excl, eslo->nexcl);
  struct hr_slo_state ms;
  slo_eval_ex(slo, slo->window.zone, &m, ex, t_us, &ms);
  excluder_free(ex);
  series_reset(&m);
  deploy_share(rs, &ms);
}

/* since_deploy() from the store's range sums (occurrences: the counts of
 * [max(deploy, window start) rounded up to the minute, T) are all it
 * reads of the series). */
static void since_deploy_sums(struct hr_report_slo *rs, struct hr_slo_sums *x, int64_t t_us,
                              const struct hr_annotation *dep) {
  int64_t dep_us = dep->at_s * 1000000;
  int64_t from = dep_us > rs->st.window_start_us ? dep_us : rs->st.window_start_us;
  from = ceil_div(from, MINUTE_US) * MINUTE_US;
  rs->has_deploy = 1;
  rs->deploy_at_us = dep_us;
  rs->deploy_from_us = from;
  rs->deploy_text = dep->text ? xstrdup(dep->text) : NULL;
  struct hr_slo_state ms = {0};
  if (from < t_us)
    engine_slo_sum(x, from, t_us, &ms.good, &ms.valid);
  deploy_share(rs, &ms);
}

/* ---- the evaluation ---- */

#define FUTURE_US (5 * MINUTE_US) /* log events dated later than the clock plus this are not counted */

struct run {
  const struct hr_config *cfg;
  const struct hr_eval_opts *o;
  int64_t now_us;
  struct hr_pipeline *p; /* the configuration compiled: the fields each SLO's filters read */
  unsigned char *sel;    /* the SLOs evaluated */
  size_t nsel, nprom;
  int use_store;
  const char *db;
  struct hr_store *st;
  struct hr_effective eff;
  struct hr_series *series; /* one per SLO of cfg (all when logs are read, else one at a time) */
  unsigned char *src_rec;   /* engine_source_recorded()'s cache */
  struct hr_groups *groups; /* the groups of grouped SLOs, counted from the logs (NULL: none) */
};

/* Which store to read, opened read-only (or none). */
static enum hr_rc open_store(struct run *u, struct hr_err *err) {
  const struct hr_input *in = &u->o->read.in;
  u->use_store = in->store || in->nlogs == 0 || in->db != NULL; /* --db with logs: both */
  u->db = in->db ? in->db : u->cfg->db_path;
  if (u->use_store && u->db == NULL && u->nprom > 0 && in->nlogs == 0 && !in->store)
    u->use_store = 0;
  if (!u->use_store)
    return HR_OK;
  if (u->db == NULL)
    return HR_FAIL(err, HR_ERR_USAGE, "no store configured; name log files or --db");
  enum hr_rc rc = store_open_ro(u->db, &u->st, err);
  if (rc == HR_ERR_NOTFOUND && in->nlogs == 0 && u->nprom == 0)
    return HR_FAIL(err, HR_ERR_NOTFOUND,
                   "no log files named and no store at %s (run 'headroom ingest' first, or name log files)", u->db);
  if (rc == HR_ERR_NOTFOUND) {
    u->use_store = 0; /* --db named with logs (or Prometheus SLOs only), store absent */
    rc = HR_OK;
  }
  return rc;
}

/* The instant: --at (on the store's whole minutes); else, reading the store
 * or nothing read at all, the clock (the next whole minute, so the current
 * one counts: a service that went quiet shows it); else just after the last
 * event of the logs, its minute rounded up (events dated after the clock
 * are never that event). */
static int64_t instant(const struct run *u, const struct hr_report *rep) {
  if (u->o->read.has_at)
    return u->use_store ? floor_div(u->o->read.at_us, MINUTE_US) * MINUTE_US : u->o->read.at_us;
  int64_t last = rep->stats.last_us;
  if (u->use_store || last == INT64_MIN)
    return (floor_div(u->now_us, MINUTE_US) + 1) * MINUTE_US;
  return (floor_div(last, MINUTE_US) + 1) * MINUTE_US;
}

static void run_done(struct run *u) {
  pipeline_free(u->p);
  for (size_t j = 0; u->series != NULL && j < u->cfg->nslos; j++)
    if (u->series[j].pages != NULL)
      series_reset(&u->series[j]);
  free(u->series);
  free(u->src_rec);
  free(u->sel);
  store_close(u->st);
  effective_done(&u->eff);
  groups_free(u->groups);
}

/* SLO j from the store's range sums, when they decide (see
 * engine_eval_slo_sums): no minute is read and no series allocated. Only
 * for a report of the store alone that keeps no series, and an SLO whose
 * DataSource the store has a record of (the data health reads no minute).
 * *done = 1 when rs was filled. */
static enum hr_rc fill_sums(struct run *u, struct hr_report *rep, size_t j, int64_t t_us, struct hr_report_slo *rs,
                            int *done, struct hr_err *err) {
  const struct hr_config *cfg = u->cfg;
  const struct hr_slo *slo = &cfg->slos[j];
  *done = 0;
  if (u->st == NULL || u->o->read.in.nlogs > 0 || u->o->keep_series || prom_slo_is_prom(slo) ||
      (u->o->trend_points > 0 && slo->budgeting != HR_BUDGET_OCCURRENCES))
    return HR_OK;
  int recorded = 0;
  enum hr_rc rc = engine_source_recorded(u->st, cfg, slo, u->src_rec, &recorded, err);
  if (rc != HR_OK || !recorded)
    return rc;
  struct hr_slo_sums x;
  rc = engine_slo_sums_init(&x, u->st, slo, rep->timeline, rep->ntimeline, t_us, err);
  if (rc == HR_OK && engine_eval_slo_sums(rs, slo, &x, t_us)) {
    static const struct hr_series none = {.step_us = MINUTE_US, .head = INT64_MIN}; /* not read: recorded */
    struct hr_err e = {0};
    if (engine_slo_health(cfg, u->p, u->st, NULL, j, &none, t_us, rs, &e) != HR_OK)
      report_add_error(rep, "%s", e.msg); /* judged without the store's record */
    rs->timeline_read = rep->has_timeline;
    const struct hr_annotation *dep = engine_last_deploy(rep->timeline, rep->ntimeline, slo->service, t_us);
    if (dep != NULL)
      since_deploy_sums(rs, &x, t_us, dep);
    if (u->o->trend_points > 0) {
      rs->trend = xmalloc(sizeof *rs->trend);
      engine_trend_sums(rs, &x, u->o->trend_points, rs->trend);
    }
    *done = 1;
  }
  if (rc == HR_OK && x.rc != HR_OK) {
    rc = x.rc;
    if (err != NULL)
      *err = x.err;
  }
  if (rc != HR_OK && *done) {
    free(rs->deploy_text);
    free(rs->data_reason);
    if (rs->trend != NULL)
      series_view_free(rs->trend);
    free(rs->trend);
    memset(rs, 0, sizeof *rs);
    *done = 0;
  }
  engine_slo_sums_done(&x);
  return rc;
}

/* SLO j from its series (the logs read, its minutes loaded from the store or
 * Prometheus here). */
static void fill_series(struct run *u, struct hr_report *rep, size_t j, int64_t t_us, struct hr_report_slo *rs) {
  const struct hr_config *cfg = u->cfg;
  const struct hr_slo *eslo = &u->eff.eff.slos[j]; /* its exclusions with the maintenance windows */
  engine_eval_slo(rs, &cfg->slos[j], &u->series[j], eslo->excl, eslo->nexcl, t_us);
  groups_eval(u->groups, j, &cfg->slos[j], eslo->excl, eslo->nexcl, t_us, rs);
  const struct hr_scan_stats *src = NULL;
  size_t si = (size_t)(cfg->slos[j].source - cfg->sources);
  if (rep->src_stats != NULL && si < rep->nsrc_stats && rep->src_stats[si].lines > 0)
    src = &rep->src_stats[si];
  struct hr_err e = {0};
  if (engine_slo_health(cfg, u->p, u->st, src, j, &u->series[j], t_us, rs, &e) != HR_OK)
    report_add_error(rep, "%s", e.msg); /* judged without the store's record */
  rs->timeline_read = rep->has_timeline;
  const struct hr_annotation *dep = engine_last_deploy(rep->timeline, rep->ntimeline, cfg->slos[j].service, t_us);
  if (dep != NULL)
    since_deploy(rs, eslo, &u->series[j], t_us, dep);
  rep->dropped += u->series[j].dropped;
  if (u->o->keep_series || u->o->trend_points > 0) {
    rs->series = u->series[j];
    rs->has_series = 1;
    memset(&u->series[j], 0, sizeof u->series[j]);
    rs->nexcl = eslo->nexcl;
    rs->excl = eslo->nexcl ? xcalloc(eslo->nexcl, sizeof *rs->excl) : NULL;
    if (eslo->nexcl)
      memcpy(rs->excl, eslo->excl, eslo->nexcl * sizeof *rs->excl); /* strings borrowed from cfg / rep->timeline */
  }
  if (u->o->trend_points > 0) {
    rs->trend = xmalloc(sizeof *rs->trend);
    engine_trend(rs, u->o->trend_points, rs->trend);
  }
  if (!u->o->keep_series && rs->has_series) { /* kept for the trend only */
    series_reset(&rs->series);
    rs->has_series = 0;
    free(rs->excl);
    rs->excl = NULL;
    rs->nexcl = 0;
  }
}

/* Every selected SLO, one at a time: from the store's sums when they
 * decide, else from its minutes, read into a series that lives only while
 * it is evaluated (unless kept, or filled by the logs): memory does not grow
 * with the number of SLOs or the history. One read transaction: every SLO
 * from one snapshot of the store. */
/* The composites whose components were all evaluated, after them: figures
 * combined by composite_eval(), burning now and data as their worst
 * component's, the trend from theirs. at[j]: the index in rep->slos of
 * cfg->slos[j]. */
static void fill_composites(const struct hr_config *cfg, struct hr_report *rep, const size_t *at) {
  for (size_t c = 0; c < cfg->ncomposites; c++) {
    const struct hr_composite *k = &cfg->composites[c];
    int all = 1;
    for (size_t i = 0; i < k->n; i++)
      all &= at[k->members[i]] != SIZE_MAX;
    if (!all || k->n == 0)
      continue;
    struct hr_report_slo *rs = &rep->slos[rep->nslos];
    memset(rs, 0, sizeof *rs);
    rs->slo = &k->slo;
    rs->comp = k;
    rs->members = xcalloc(k->n, sizeof *rs->members);
    const struct hr_slo_state **st = xcalloc(k->n, sizeof *st);
    const struct hr_series_view **tv = xcalloc(k->n, sizeof *tv);
    int trends = 1;
    rs->last_event_us = INT64_MIN;
    const struct hr_report_slo *lead = NULL;
    for (size_t i = 0; i < k->n; i++) {
      const struct hr_report_slo *m = &rep->slos[at[k->members[i]]];
      rs->members[i] = m;
      st[i] = &m->st;
      tv[i] = m->trend;
      trends &= m->trend != NULL && tv[0] != NULL && m->trend->n > 0 && m->trend->n == tv[0]->n;
      if (m->last_event_us > rs->last_event_us)
        rs->last_event_us = m->last_event_us;
      if (lead == NULL || m->now.level > lead->now.level ||
          (m->now.level == lead->now.level && m->now.threshold > 0 && lead->now.threshold > 0 &&
           m->now.rate / m->now.threshold > lead->now.rate / lead->now.threshold))
        lead = m;
    }
    composite_eval(k, st, &rs->st);
    rs->now = lead->now;
    for (size_t i = 0; i < k->n && rs->data_reason == NULL; i++) {
      const struct hr_report_slo *m = rs->members[i];
      if (m->st.data == rs->st.data && m->st.data != HR_DATA_OK)
        rs->data_reason = xasprintf("%s: %s", m->slo->name, m->data_reason ? m->data_reason : data_name(m->st.data));
    }
    if (trends) {
      rs->trend = xmalloc(sizeof *rs->trend);
      engine_composite_view(rs, tv, rs->trend);
    }
    free((void *)tv);
    free(st);
    rep->nslos++;
  }
}

/* 1 when SLO j is a component of the composite named name. */
static int in_composite(const struct hr_config *cfg, size_t j, const char *name) {
  for (size_t c = 0; c < cfg->ncomposites; c++)
    for (size_t i = 0; i < cfg->composites[c].n; i++)
      if (cfg->composites[c].members[i] == j && strcmp(cfg->composites[c].slo.name, name) == 0)
        return 1;
  return 0;
}

/* A grouped SLO of a report of the store alone: its groups from the store's
 * grouped counts (with logs too, the groups would miss the logs' events:
 * engine_report() says so in errors). */
static enum hr_rc store_groups_of(struct run *u, struct hr_report *rep, size_t j, int64_t t_us,
                                  struct hr_report_slo *rs, struct hr_err *err) {
  const struct hr_slo *slo = &u->cfg->slos[j];
  if (u->st == NULL || u->o->read.in.nlogs > 0 || slo->ngroup_by == 0 || prom_slo_is_prom(slo))
    return HR_OK;
  const struct hr_slo *eslo = &u->eff.eff.slos[j];
  return groups_eval_store(u->st, slo, eslo->excl, eslo->nexcl, rep->timeline, rep->ntimeline, t_us, rs, err);
}

static enum hr_rc fill(struct run *u, struct hr_report *rep, int64_t t_us, struct hr_err *err) {
  const struct hr_config *cfg = u->cfg;
  rep->at_us = t_us;
  rep->slos = xcalloc(u->nsel + cfg->ncomposites + 1, sizeof *rep->slos);
  size_t *at = xcalloc(cfg->nslos + 1, sizeof *at);
  for (size_t j = 0; j < cfg->nslos; j++)
    at[j] = SIZE_MAX;
  u->src_rec = xcalloc(cfg->nsources ? cfg->nsources : 1, 1);
  enum hr_rc rc = u->st != NULL ? store_begin(u->st, err) : HR_OK;
  int began = rc == HR_OK && u->st != NULL;
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
    if (!u->sel[j])
      continue;
    at[j] = rep->nslos;
    struct hr_report_slo *rs = &rep->slos[rep->nslos];
    int done = 0;
    rc = fill_sums(u, rep, j, t_us, rs, &done, err);
    if (rc != HR_OK)
      break;
    if (done) {
      rc = store_groups_of(u, rep, j, t_us, rs, err);
      rep->nslos++;
      continue;
    }
    int prom = prom_slo_is_prom(&cfg->slos[j]);
    if (u->series[j].pages == NULL)
      series_init(&u->series[j], MINUTE_US, 0, slo_eval_span(&cfg->slos[j], MINUTE_US));
    if (prom || u->st != NULL) {
      char *note = NULL;
      rc = engine_slo_minutes(prom ? NULL : u->st, &cfg->slos[j], rep->timeline, rep->ntimeline, t_us, &u->series[j],
                              &note, err);
      if (note != NULL)
        report_add_error(rep, "%s", note);
      free(note);
    }
    if (rc != HR_OK)
      break;
    fill_series(u, rep, j, t_us, rs);
    rc = store_groups_of(u, rep, j, t_us, rs, err);
    rep->nslos++;
    if (u->o->read.in.nlogs == 0 && u->series[j].pages != NULL)
      series_reset(&u->series[j]); /* read for this SLO alone */
  }
  if (began)
    store_rollback(u->st); /* ends the read transaction: nothing was written */
  if (rc == HR_OK)
    fill_composites(cfg, rep, at);
  free(at);
  return rc;
}

enum hr_rc engine_report(const struct hr_config *cfg, const struct hr_eval_opts *o, struct hr_report *rep,
                         struct hr_err *err) {
  memset(rep, 0, sizeof *rep);
  scan_stats_init(&rep->stats);
  struct run u = {.cfg = cfg, .o = o, .now_us = o->read.has_at && o->read.now_us == 0 ? o->read.at_us : o->read.now_us};
  u.sel = xcalloc(cfg->nslos ? cfg->nslos : 1, 1);
  for (size_t j = 0; j < cfg->nslos; j++) {
    u.sel[j] = o->slo == NULL || strcmp(cfg->slos[j].name, o->slo) == 0 || in_composite(cfg, j, o->slo);
    u.nsel += u.sel[j];
    u.nprom += (size_t)(u.sel[j] && prom_slo_is_prom(&cfg->slos[j]));
  }
  if (o->slo != NULL && u.nsel == 0) {
    free(u.sel);
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named %s", o->slo);
  }
  enum hr_rc rc = open_store(&u, err);
  /* The timeline (deploys, maintenance windows) lives in the store; a report
   * of logs alone reads it too when the store exists. */
  int found = 0;
  if (rc == HR_OK) {
    struct hr_err e = {0};
    enum hr_rc r2 = engine_timeline(u.st, u.db, &rep->timeline, &rep->ntimeline, &found, &e);
    if (r2 != HR_OK)
      report_add_error(rep, "%s", e.msg); /* the figures stand without it */
    rep->has_timeline = found;
  }
  effective_init(&u.eff, cfg, rep->timeline, rep->ntimeline);
  rep->nmaintenance = u.eff.nmaint;
  if (rc == HR_OK)
    rc = pipeline_new(&u.eff.eff, &u.p, err);
  /* The grid: with the store, whole minutes; with logs only and --at, the
   * minute phase of --at so [T - w, T) is exact to the event. */
  int64_t phase_us = 0;
  if (o->read.has_at && !u.use_store)
    phase_us = o->read.at_us - floor_div(o->read.at_us, MINUTE_US) * MINUTE_US;
  u.series = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *u.series);
  for (size_t j = 0; j < cfg->nslos && o->read.in.nlogs > 0; j++) /* the pipeline sinks into every SLO */
    series_init(&u.series[j], MINUTE_US, phase_us, slo_eval_span(&cfg->slos[j], MINUTE_US));
  if (rc == HR_OK && o->read.in.nlogs > 0) {
    rep->has_logs = 1;
    rep->nsrc_stats = cfg->nsources;
    rep->src_stats = xcalloc(cfg->nsources ? cfg->nsources : 1, sizeof *rep->src_stats);
    for (size_t i = 0; i < cfg->nsources; i++)
      scan_stats_init(&rep->src_stats[i]);
    /* Grouped SLOs: their groups are counted from the logs (on one reading
     * thread) when the store is not read too (then they come from the
     * store's grouped counts, store_groups_of()). */
    u.groups = u.use_store ? NULL : groups_new(cfg, u.sel, phase_us);
    int64_t until = o->read.has_at ? o->read.at_us : u.now_us + FUTURE_US;
    if (u.groups != NULL)
      rc = engine_read_logs_setup(&u.eff.eff, &o->read.in, until, u.series, groups_setup, groups_hook, u.groups, rep,
                                  err);
    else
      rc = engine_read_logs(&u.eff.eff, &o->read.in, until, u.series, rep, err);
    if (rc == HR_OK && !o->read.has_at && rep->stats.after_at > 0) {
      char now[48], newest[48];
      rep->future = rep->stats.after_at;
      report_add_error(rep, "%llu events dated after the clock (%s) were not counted; the newest is at %s",
                       (unsigned long long)rep->future, time_format_rfc3339(u.now_us, now, sizeof now),
                       time_format_rfc3339(rep->stats.max_ts_us, newest, sizeof newest));
    }
  }
  if (rc == HR_OK && rep->stats.undecided > 0) {
    char msg[256];
    report_add_error(rep, "%s", engine_undecided_msg(rep->stats.undecided, msg, sizeof msg));
  }
  int64_t t_us = instant(&u, rep);
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++)
    if (u.sel[j] && cfg->slos[j].ngroup_by > 0 && u.groups == NULL && o->read.in.nlogs > 0)
      report_add_error(rep,
                       "SLO %s: its groups are counted from the log files alone or from the store alone, not from "
                       "both: report the logs or the store",
                       cfg->slos[j].name);
  if (rc == HR_OK && u.use_store) {
    rep->from_store = 1;
    rep->store_path = xstrdup(u.db);
  }
  if (rc == HR_OK)
    rc = fill(&u, rep, t_us, err);
  run_done(&u);
  if (rc != HR_OK)
    report_free(rep); /* nothing of a failed evaluation is kept */
  return rc;
}

enum hr_rc engine_totals(const struct hr_report *r, const char *db, uint64_t *good, uint64_t *valid,
                         struct hr_err *err) {
  memset(good, 0, (r->nslos ? r->nslos : 1) * sizeof *good);
  memset(valid, 0, (r->nslos ? r->nslos : 1) * sizeof *valid);
  struct hr_store *st = NULL;
  enum hr_rc rc = store_open_ro(db, &st, err);
  if (rc == HR_ERR_NOTFOUND)
    return HR_OK;
  int64_t to_s = floor_div(r->at_us, MINUTE_US) * 60;
  for (size_t j = 0; j < r->nslos && rc == HR_OK; j++) {
    int64_t id;
    enum hr_rc r2 = store_slo_find(st, r->slos[j].slo->name, &id, err);
    if (r2 == HR_OK)
      rc = store_sums(st, id, 0, to_s, &good[j], &valid[j], err);
    else if (r2 != HR_ERR_NOTFOUND)
      rc = r2;
  }
  store_close(st);
  return rc;
}

enum hr_rc engine_group_totals(struct hr_report *r, const char *db, struct hr_err *err) {
  int any = 0;
  for (size_t j = 0; j < r->nslos; j++)
    any |= r->slos[j].ngroups > 0;
  if (!any)
    return HR_OK;
  struct hr_store *st = NULL;
  enum hr_rc rc = store_open_ro(db, &st, err);
  if (rc == HR_ERR_NOTFOUND)
    return HR_OK;
  int64_t to_s = floor_div(r->at_us, MINUTE_US) * 60;
  for (size_t j = 0; j < r->nslos && rc == HR_OK; j++)
    for (size_t i = 0; i < r->slos[j].ngroups && rc == HR_OK; i++) {
      struct hr_report_group *g = &r->slos[j].groups[i];
      if (g->cid < 0)
        continue;
      rc = store_sums(st, g->cid, 0, to_s, &g->total_good, &g->total_valid, err);
      g->has_total = rc == HR_OK;
    }
  store_close(st);
  return rc;
}

int engine_report_reads_prometheus(const struct hr_config *cfg) {
  for (size_t j = 0; j < cfg->nslos; j++)
    if (prom_slo_is_prom(&cfg->slos[j]))
      return 1;
  return 0;
}
