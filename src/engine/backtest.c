/* backtest.c -- see backtest.h. */
#include "engine/backtest.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alert.h"
#include "core/exclude.h"
#include "core/slo_eval.h"
#include "core/timeparse.h"
#include "engine/impl.h"
#include "prom/prom.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define DAY_US (1440 * MINUTE_US)
#define DEFAULT_HISTORY_US (93 * DAY_US) /* replayable without --from/--to */
#define MAX_CONDS 256

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* measures the phases only; no figure depends on it */
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void warn(struct hr_backtest *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct hr_backtest *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  b->warnings = xrealloc(b->warnings, (b->nwarnings + 1) * sizeof *b->warnings);
  b->warnings[b->nwarnings++] = xvasprintf(fmt, ap);
  va_end(ap);
}

static void add_lookback(struct hr_slo *s, int64_t us) {
  if (us <= 0)
    return;
  for (size_t i = 0; i < s->nlookbacks; i++)
    if (s->lookbacks_us[i] == us)
      return;
  if (s->nlookbacks == HR_MAX_LOOKBACKS)
    return; /* alert_cond_eval() then computes that burn from the series */
  size_t i = s->nlookbacks++;
  while (i > 0 && s->lookbacks_us[i - 1] > us) {
    s->lookbacks_us[i] = s->lookbacks_us[i - 1];
    i--;
  }
  s->lookbacks_us[i] = us;
}

/* An SLO's incidents in one set: page (0) and ticket (1), and the alert
 * that opened each (notified). */
struct bt_incidents {
  struct hr_incident g[2];
  size_t lead[2];
};

static void add_alert(struct hr_bt_set *r, struct hr_bt_alert a) {
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 64;
    r->alerts = xrealloc(r->alerts, r->cap * sizeof *r->alerts);
  }
  r->alerts[r->n++] = a;
}

/* Step the conditions of one set for SLO j at minute t, then its incidents:
 * the page incident first, so a ticket under it is inhibited. */
static void step_set(struct hr_bt_set *r, size_t j, const struct hr_slo *slo, const struct hr_series *s,
                     const struct hr_condition **conds, size_t nc, const struct hr_slo_state *st, int64_t t,
                     struct hr_alert *al, size_t *open, struct bt_incidents *inc) {
  int any = 0, nfiring[2] = {0, 0};
  for (size_t i = 0; i < nc; i++) {
    struct hr_cond_result res;
    alert_cond_eval(slo, conds[i], s, st, t, al[i].state == HR_AL_FIRING, &res);
    enum hr_transition tr = alert_step(&al[i], res.active, t, conds[i]->alert_after_us);
    int g = !alert_is_page(conds[i]);
    if (tr == HR_TR_FIRING) {
      open[i] = r->n;
      add_alert(r, (struct hr_bt_alert){j, i, conds[i], t, INT64_MIN, 0, INT64_MIN});
      if (conds[i]->severity && strcmp(conds[i]->severity, "page") == 0)
        r->pages[j]++;
      else if (conds[i]->severity && strcmp(conds[i]->severity, "ticket") == 0)
        r->tickets[j]++;
    } else if (tr == HR_TR_RESOLVED) {
      r->alerts[open[i]].resolved_at = t;
    }
    nfiring[g] += al[i].state == HR_AL_FIRING;
    any |= al[i].state == HR_AL_FIRING;
  }
  r->minutes[j] += any;
  for (int g = 0; g < 2; g++) {
    enum hr_transition tr =
        incident_step(&inc->g[g], nfiring[g], g == 1 && inc->g[0].open, t, alert_damping(conds, nc, g == 0));
    size_t lead = SIZE_MAX; /* the notified firing: the earliest of the members firing now */
    for (size_t i = 0; tr == HR_TR_FIRING && i < nc; i++)
      if (al[i].state == HR_AL_FIRING && (!alert_is_page(conds[i])) == g && open[i] < lead)
        lead = open[i];
    if (tr == HR_TR_FIRING && lead != SIZE_MAX) {
      inc->lead[g] = lead;
      r->alerts[lead].notified = 1;
      if (g == 0)
        r->pages_sent[j]++;
      else
        r->tickets_sent[j]++;
    } else if (tr == HR_TR_RESOLVED) {
      r->alerts[inc->lead[g]].closed_at = t;
    }
  }
}

static int cmp_fired(const void *a, const void *b) {
  const struct hr_bt_alert *x = a, *y = b;
  if (x->fired_at != y->fired_at)
    return x->fired_at < y->fired_at ? -1 : 1;
  if (x->slo != y->slo)
    return x->slo < y->slo ? -1 : 1;
  return (x->cond > y->cond) - (x->cond < y->cond);
}

/* The policy set: every condition of every policy of the --policy file. */
static enum hr_rc policy_set(const struct hr_config *pcfg, struct hr_bt_set *set, struct hr_err *err) {
  for (size_t p = 0; p < pcfg->npolicies; p++)
    set->nconds += pcfg->policies[p].nconds;
  if (set->nconds == 0)
    return HR_FAIL(err, HR_ERR_USAGE, "the --policy file has no AlertPolicy with conditions");
  set->conds = xcalloc(set->nconds, sizeof *set->conds);
  size_t k = 0;
  for (size_t p = 0; p < pcfg->npolicies; p++)
    for (size_t i = 0; i < pcfg->policies[p].nconds; i++)
      set->conds[k++] = &pcfg->policies[p].conds[i];
  return HR_OK;
}

/* The replay range from the events read when --from/--to are not given,
 * then moved forward when the rings no longer hold what its start needs. */
static enum hr_rc replay_range(const struct hr_config *cfg, const struct hr_backtest_opts *o, struct hr_slo *slos,
                               struct hr_series *series, struct hr_backtest *b, struct hr_err *err) {
  const struct hr_scan_stats *stats = &b->rd.stats;
  if (!o->has_from || !o->has_to) {
    if (stats->events == 0 || stats->min_ts_us == INT64_MAX)
      return HR_FAIL(err, HR_ERR_USAGE, "backtest: no events in the logs named; nothing to replay");
    if (!o->has_from)
      b->from_us = floor_div(stats->min_ts_us, MINUTE_US) * MINUTE_US;
    if (!o->has_to)
      b->to_us = (floor_div(stats->max_ts_us, MINUTE_US) + 1) * MINUTE_US;
  }
  for (size_t j = 0; j < cfg->nslos; j++) {
    const struct hr_series *s = &series[j];
    if (s->head == INT64_MIN)
      continue;
    int64_t held = series_start(s, s->head - (int64_t)s->cap + 1);
    int64_t need = held + (int64_t)slo_eval_span(&slos[j], MINUTE_US) * MINUTE_US;
    if ((s->dropped > 0 || stats->min_ts_us < held) && b->from_us < need) {
      char t[40];
      b->from_us = need;
      warn(b, "the logs span more than the replay holds; replaying from %s (use --from and --to)",
           time_format_rfc3339(b->from_us, t, sizeof t));
    }
  }
  if (b->to_us < b->from_us)
    b->to_us = b->from_us;
  b->nmin = (size_t)((b->to_us - b->from_us) / MINUTE_US) + 1;
  return HR_OK;
}

/* Replay SLO j over every minute, for every set. */
static void replay_slo(const struct hr_config *cfg, const struct hr_effective *eff, size_t j, const struct hr_slo *slo,
                       const struct hr_series *s, struct hr_backtest *b, struct hr_alert *al, size_t *open) {
  const struct hr_condition *conds[2][MAX_CONDS];
  size_t nc[2] = {alert_conditions(&cfg->slos[j], conds[0], MAX_CONDS), b->sets[1].nconds};
  for (size_t i = 0; i < nc[1] && i < MAX_CONDS; i++)
    conds[1][i] = b->sets[1].conds[i];
  for (size_t k = 0; k < 2; k++) {
    if (nc[k] > MAX_CONDS)
      nc[k] = MAX_CONDS;
    for (size_t i = 0; i < nc[k]; i++) {
      memset(&al[k * MAX_CONDS + i], 0, sizeof *al);
      al[k * MAX_CONDS + i].fired_at_us = al[k * MAX_CONDS + i].resolved_at_us = INT64_MIN;
    }
  }
  const struct hr_slo *eslo = &eff->eff.slos[j];
  struct hr_excluder *ex = excluder_new(eslo->excl, eslo->nexcl);
  struct hr_slo_replay *r = slo_replay_new(slo, slo->window.zone, s, ex, b->from_us, b->to_us);
  struct hr_slo_state state;
  struct bt_incidents inc[2];
  memset(inc, 0, sizeof inc);
  for (size_t m = 0; m < b->nmin; m++) {
    int64_t t = b->from_us + (int64_t)m * MINUTE_US;
    slo_replay_at(r, t, &state);
    for (size_t k = 0; k < b->nsets; k++)
      step_set(&b->sets[k], j, slo, s, conds[k], nc[k], &state, t, &al[k * MAX_CONDS], &open[k * MAX_CONDS], &inc[k]);
  }
  slo_replay_free(r);
  excluder_free(ex);
}

enum hr_rc engine_backtest(const struct hr_config *cfg, const struct hr_backtest_opts *o, struct hr_backtest *b,
                           struct hr_err *err) {
  memset(b, 0, sizeof *b);
  scan_stats_init(&b->rd.stats);
  b->sets[0].label = "configuration";
  b->sets[1].label = "policy";
  b->nsets = o->policy ? 2 : 1;
  b->from_us = o->from_us;
  b->to_us = o->to_us;
  enum hr_rc rc = o->policy ? policy_set(o->policy, &b->sets[1], err) : HR_OK;
  if (rc != HR_OK)
    return rc;
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  for (size_t k = 0; k < b->nsets; k++) {
    b->sets[k].pages = xcalloc(ns, sizeof(int64_t));
    b->sets[k].tickets = xcalloc(ns, sizeof(int64_t));
    b->sets[k].minutes = xcalloc(ns, sizeof(int64_t));
    b->sets[k].pages_sent = xcalloc(ns, sizeof(int64_t));
    b->sets[k].tickets_sent = xcalloc(ns, sizeof(int64_t));
  }
  /* The exclusions in force: the store's maintenance windows too. */
  int found = 0;
  rc = engine_timeline(NULL, o->in.db ? o->in.db : cfg->db_path, &b->rd.timeline, &b->rd.ntimeline, &found, err);
  if (rc != HR_OK)
    return rc;
  struct hr_effective eff;
  effective_init(&eff, cfg, b->rd.timeline, b->rd.ntimeline);
  /* Each SLO with the policy set's lookbacks too, so the replay computes them. */
  struct hr_slo *slos = xcalloc(ns, sizeof *slos);
  struct hr_series *series = xcalloc(ns, sizeof *series);
  int64_t history = o->has_from && o->has_to ? o->to_us - o->from_us + MINUTE_US : DEFAULT_HISTORY_US;
  for (size_t j = 0; j < cfg->nslos; j++) {
    slos[j] = cfg->slos[j];
    for (size_t i = 0; i < b->sets[1].nconds; i++) {
      add_lookback(&slos[j], b->sets[1].conds[i]->long_us);
      add_lookback(&slos[j], b->sets[1].conds[i]->short_us);
    }
    series_init(&series[j], MINUTE_US, 0, slo_eval_span(&slos[j], MINUTE_US) + (size_t)(history / MINUTE_US));
  }
  double t0 = mono_s();
  struct hr_input in = o->in;
  in.threads = 1; /* the rings are sized for the replay */
  if (in.nlogs > 0)
    rc = engine_read_logs(&eff.eff, &in, o->has_to ? o->to_us : INT64_MAX, series, &b->rd, err);
  b->read_s = mono_s() - t0;
  if (rc == HR_OK)
    rc = replay_range(cfg, o, slos, series, b, err);
  /* SLOs on a prometheus DataSource: their minutes come from its range
   * queries over everything the replay needs, ending at --to. */
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
    if (!prom_slo_is_prom(&cfg->slos[j]))
      continue;
    char *note = NULL;
    rc = engine_slo_minutes(NULL, &slos[j], b->rd.timeline, b->rd.ntimeline, b->to_us, &series[j], &note, err);
    if (note != NULL)
      warn(b, "%s", note);
    free(note);
  }
  if (rc == HR_OK) {
    struct hr_alert *al = xcalloc(2 * MAX_CONDS, sizeof *al);
    size_t *open = xcalloc(2 * MAX_CONDS, sizeof *open);
    for (size_t j = 0; j < cfg->nslos; j++)
      replay_slo(cfg, &eff, j, &slos[j], &series[j], b, al, open);
    free(al);
    free(open);
    for (size_t k = 0; k < b->nsets; k++)
      if (b->sets[k].n > 1) /* no alerts: no array (qsort wants one) */
        qsort(b->sets[k].alerts, b->sets[k].n, sizeof *b->sets[k].alerts, cmp_fired);
  }
  b->replay_s = mono_s() - t0 - b->read_s;
  for (size_t j = 0; j < cfg->nslos; j++)
    series_reset(&series[j]);
  free(series);
  free(slos);
  effective_done(&eff);
  if (rc != HR_OK)
    backtest_free(b);
  return rc;
}

void backtest_free(struct hr_backtest *b) {
  report_free(&b->rd);
  for (size_t i = 0; i < b->nwarnings; i++)
    free(b->warnings[i]);
  free(b->warnings);
  for (size_t k = 0; k < 2; k++) {
    free(b->sets[k].alerts);
    free(b->sets[k].pages);
    free(b->sets[k].tickets);
    free(b->sets[k].minutes);
    free(b->sets[k].pages_sent);
    free(b->sets[k].tickets_sent);
  }
  free(b->sets[1].conds);
  memset(b, 0, sizeof *b);
}
