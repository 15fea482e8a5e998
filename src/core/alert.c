/* alert.c -- see alert.h and docs/alerting.md.
 *
 * The burn rate over a lookback comes from the SLO's state when slo_eval
 * computed it at the same instant (every condition lookback of a policy is
 * among slo->lookbacks_us), else from slo_burn_at(): the math lives in
 * slo_eval.c only. */
#include "core/alert.h"

#include "core/fisher.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define MIN_US (INT64_C(60) * 1000000)
#define HOUR_US (60 * MIN_US)
#define DAY_US (24 * HOUR_US)

static const struct hr_condition defaults[] = {
    {.name = "page-1h-5m",
     .severity = "page",
     .kind = HR_COND_BURNRATE,
     .factor = 14.4,
     .long_us = HOUR_US,
     .short_us = 5 * MIN_US},
    {.name = "page-6h-30m",
     .severity = "page",
     .kind = HR_COND_BURNRATE,
     .factor = 6,
     .long_us = 6 * HOUR_US,
     .short_us = 30 * MIN_US},
    {.name = "ticket-1d-2h",
     .severity = "ticket",
     .kind = HR_COND_BURNRATE,
     .factor = 3,
     .long_us = DAY_US,
     .short_us = 2 * HOUR_US},
    {.name = "ticket-3d-6h",
     .severity = "ticket",
     .kind = HR_COND_BURNRATE,
     .factor = 1,
     .long_us = 3 * DAY_US,
     .short_us = 6 * HOUR_US},
    /* a dead log pages too (docs/alerting.md, "No data"), once: it joins the SLO's page incident */
    {.name = "nodata", .severity = "page", .kind = HR_COND_NODATA, .alert_after_us = 5 * MIN_US},
};

const struct hr_condition *alert_default_conditions(size_t *n) {
  *n = sizeof defaults / sizeof defaults[0];
  return defaults;
}

size_t alert_conditions(const struct hr_slo *slo, const struct hr_condition **out, size_t max) {
  size_t n = 0;
  if (slo->no_alerts) /* docs/config.md, "Composite SLOs" */
    return 0;
  if (slo->npolicies == 0) {
    size_t nd;
    const struct hr_condition *d = alert_default_conditions(&nd);
    for (size_t i = 0; i < nd; i++, n++)
      if (n < max)
        out[n] = &d[i];
    return n;
  }
  for (size_t p = 0; p < slo->npolicies; p++)
    for (size_t i = 0; i < slo->policies[p]->nconds; i++, n++)
      if (n < max)
        out[n] = &slo->policies[p]->conds[i];
  return n;
}

/* Burn over [at - lookback, at): from st when it holds that lookback at at_us. */
static double burn_over(const struct hr_slo *slo, const struct hr_series *s, const struct hr_slo_state *st,
                        int64_t at_us, int64_t lookback_us, uint64_t *good, uint64_t *valid) {
  if (st != NULL && st->at_us == at_us)
    for (size_t i = 0; i < st->nburn && i < HR_MAX_LOOKBACKS; i++)
      if (st->burn[i].lookback_us == lookback_us) {
        *good = st->burn[i].good;
        *valid = st->burn[i].valid;
        return st->burn[i].rate;
      }
  return slo_burn_at(slo, s, at_us, lookback_us, good, valid);
}

uint64_t alert_min_events(const struct hr_slo *slo, int firing) {
  uint64_t n = slo->min_events > 0 ? (uint64_t)slo->min_events : 1;
  return firing ? (n + 1) / 2 : n;
}

int alert_guard(const struct hr_slo *slo, uint64_t good, uint64_t valid) {
  if (slo->budgeting != HR_BUDGET_OCCURRENCES || good >= valid)
    return slo->budgeting != HR_BUDGET_OCCURRENCES;
  return poisson_greater(valid - good, (double)valid * (1 - slo->target)) < HR_GUARD_ALPHA;
}

static int is_lookback(const struct hr_slo *slo, int64_t lookback_us) {
  for (size_t i = 0; i < slo->nlookbacks && i < HR_MAX_LOOKBACKS; i++)
    if (slo->lookbacks_us[i] == lookback_us)
      return 1;
  return 0;
}

int alert_cond_needs_series(const struct hr_slo *slo, const struct hr_condition *c) {
  if (c->kind != HR_COND_BURNRATE && c->kind != HR_COND_EXHAUSTION)
    return 0;
  if (!is_lookback(slo, c->long_us))
    return 1;
  return c->kind == HR_COND_BURNRATE && c->short_us > 0 && !is_lookback(slo, c->short_us);
}

static double fin(double v) {
  return isfinite(v) ? v : 0.0;
}

/* Strict comparisons with a relative tolerance of 1e-9: a burn computed as
 * 2.800000000000022 from 28 bad events in 10,000 at 99.9 % is "exactly at"
 * a factor of 2.8 and does not fire (docs/alerting.md). */
#define REL_EPS 1e-9
static int above(double v, double limit) {
  return v > limit + REL_EPS * fmax(1.0, fabs(limit));
}
static int below(double v, double limit) {
  return v < limit - REL_EPS * fmax(1.0, fabs(limit));
}
/* op gt: above; op gte: not below (at the factor, within the tolerance, too) */
static int past(double v, const struct hr_condition *c) {
  return c->at_factor ? !below(v, c->factor) : above(v, c->factor);
}

void alert_cond_eval(const struct hr_slo *slo, const struct hr_condition *c, const struct hr_series *s,
                     const struct hr_slo_state *st, int64_t at_us, int firing, struct hr_cond_result *out) {
  memset(out, 0, sizeof *out);
  uint64_t min_ev = alert_min_events(slo, firing);
  if (c->kind == HR_COND_NODATA) {
    out->value = st != NULL ? (double)st->data : 0;
    out->active = st != NULL && st->data != HR_DATA_OK;
    return;
  }
  if (st != NULL && st->data == HR_DATA_UNREADABLE)
    return; /* figures of unreadable data: nothing holds */
  switch (c->kind) {
  case HR_COND_BURNRATE: {
    uint64_t gl = 0, vl = 0, gs = 0, vs = 0;
    out->value = fin(burn_over(slo, s, st, at_us, c->long_us, &gl, &vl));
    int hold = past(out->value, c);
    if (c->short_us > 0) {
      out->value2 = fin(burn_over(slo, s, st, at_us, c->short_us, &gs, &vs));
      hold = hold && past(out->value2, c);
    }
    out->low_traffic = vl < min_ev;
    out->guarded = hold && !out->low_traffic && c->factor >= 1 && !alert_guard(slo, gl, vl);
    out->active = hold && !out->low_traffic && !out->guarded;
    return;
  }
  case HR_COND_EXHAUSTION: {
    uint64_t g = 0, v = 0;
    double burn = fin(burn_over(slo, s, st, at_us, c->long_us, &g, &v));
    out->low_traffic = v < min_ev;
    double rem = st ? st->budget_remaining : 1.0;
    double w_s = st ? (double)st->window_us / 1e6 : 0.0;
    if (!(burn > 0)) {
      out->value = -1; /* never */
      return;
    }
    out->value = rem <= 0 ? 0.0 : fin(rem * w_s / burn);
    out->value2 = burn;
    int hold = out->value <= 0 || below(out->value, (double)c->horizon_us / 1e6);
    /* Guarded whatever the budget left: a nearly spent or spent budget makes
     * the condition fire at any burn, and one bad event in the lookback is no
     * evidence that the SLO spends faster than its budget allows
     * (docs/alerting.md, "Low traffic": the example's red re-paged at every
     * stray error for ten days once an outage had spent the budget). */
    out->guarded = hold && !out->low_traffic && !alert_guard(slo, g, v);
    out->active = hold && !out->low_traffic && !out->guarded;
    return;
  }
  case HR_COND_BUDGET: {
    out->value = st ? st->budget_remaining : 1.0;
    out->low_traffic = st == NULL || st->valid < min_ev;
    out->active = !out->low_traffic && below(out->value, c->level);
    return;
  }
  case HR_COND_NODATA: return;
  }
}

const char *alert_state_name(enum hr_alert_state s) {
  switch (s) {
  case HR_AL_PENDING: return "pending";
  case HR_AL_FIRING: return "firing";
  case HR_AL_RESOLVED: return "resolved";
  case HR_AL_INACTIVE: break;
  }
  return "inactive";
}

int alert_state_from_name(const char *name) {
  static const char *const names[] = {"inactive", "pending", "firing", "resolved"};
  for (int i = 0; name != NULL && i < 4; i++)
    if (strcmp(name, names[i]) == 0)
      return i;
  return -1;
}

enum hr_transition alert_step(struct hr_alert *a, int active, int64_t t_us, int64_t alert_after_us) {
  if (active) {
    if (a->state == HR_AL_INACTIVE || a->state == HR_AL_RESOLVED) {
      a->state = HR_AL_PENDING;
      a->since_us = t_us;
    }
    if (a->state == HR_AL_PENDING && t_us - a->since_us >= alert_after_us) {
      a->state = HR_AL_FIRING;
      a->since_us = t_us;
      a->fired_at_us = t_us;
      a->resolved_at_us = INT64_MIN;
      return HR_TR_FIRING;
    }
    return HR_TR_NONE;
  }
  if (a->state == HR_AL_PENDING) {
    a->state = HR_AL_INACTIVE;
    a->since_us = t_us;
  } else if (a->state == HR_AL_FIRING) {
    a->state = HR_AL_RESOLVED;
    a->since_us = t_us;
    a->resolved_at_us = t_us;
    return HR_TR_RESOLVED;
  }
  return HR_TR_NONE;
}

int alert_is_page(const struct hr_condition *c) {
  return c->severity != NULL && (strcasecmp(c->severity, "page") == 0 || strcasecmp(c->severity, "critical") == 0);
}

int64_t alert_damping(const struct hr_condition *const *conds, size_t n, int page) {
  int64_t d = 0;
  for (size_t i = 0; i < n; i++)
    if (alert_is_page(conds[i]) == page) {
      int64_t c = conds[i]->damping_us > 0 ? conds[i]->damping_us : HR_DAMPING_US;
      d = c > d ? c : d;
    }
  return d > 0 ? d : HR_DAMPING_US;
}

enum hr_transition incident_step(struct hr_incident *g, int nfiring, int inhibited, int64_t t_us, int64_t damping_us) {
  if (nfiring > 0) {
    g->quiet_since_us = INT64_MIN;
    g->open = 1;
    if (g->notified || inhibited)
      return HR_TR_NONE;
    g->notified = 1;
    return HR_TR_FIRING;
  }
  if (!g->open)
    return HR_TR_NONE;
  if (g->quiet_since_us == INT64_MIN)
    g->quiet_since_us = t_us;
  if (t_us - g->quiet_since_us < damping_us)
    return HR_TR_NONE;
  int was = g->notified;
  g->open = g->notified = 0;
  return was ? HR_TR_RESOLVED : HR_TR_NONE;
}

const char *alert_name(enum hr_cond_kind k) {
  switch (k) {
  case HR_COND_EXHAUSTION: return "SLOBudgetExhaustion";
  case HR_COND_BUDGET: return "SLOBudgetLow";
  case HR_COND_NODATA: return "SLONoData";
  case HR_COND_BURNRATE: break;
  }
  return "SLOBurnRate";
}
