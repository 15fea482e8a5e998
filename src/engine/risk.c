/* risk.c -- see risk.h. */
#include "engine/risk.h"

#include <stdlib.h>
#include <string.h>

#include "engine/gate.h"
#include "engine/impl.h"
#include "util/stats.h"
#include "util/xmalloc.h"

const double hr_risk_levels[HR_RISK_LEVELS] = {0.01, 0.02, 0.05, 0.1, 0.2};

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void stats(struct hr_risk_slo *s) {
  size_t n = s->ndeploys;
  if (n == 0)
    return;
  qsort(s->consumption, n, sizeof *s->consumption, dbl_cmp);
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += s->consumption[i];
  s->mean = sum / (double)n;
  s->p50 = nearest_rank(s->consumption, n, 0.5);
  s->p90 = nearest_rank(s->consumption, n, 0.9);
  s->max = s->consumption[n - 1];
  for (int l = 0; l < HR_RISK_LEVELS; l++) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      k += s->consumption[i] >= hr_risk_levels[l] - 1e-12;
    s->p_at_least[l] = (double)k / (double)n;
  }
  if (!s->has_budget || s->budget_remaining <= 0) {
    s->p_exhaust = s->has_budget ? 1 : 0;
    if (!s->has_budget) { /* nothing known of what is left now: as if the whole budget */
      size_t k = 0;
      for (size_t i = 0; i < n; i++)
        k += s->consumption[i] >= 1;
      s->p_exhaust = (double)k / (double)n;
    }
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += s->consumption[i] >= s->budget_remaining;
  s->p_exhaust = (double)k / (double)n;
}

enum hr_rc engine_risk_of(const struct hr_config *cfg, const struct hr_input *in, const struct hr_report *now,
                          const char *service, int64_t horizon_us, double canary, struct hr_release_risk *r,
                          struct hr_err *err) {
  r->service = service;
  r->horizon_us = horizon_us > 0 ? horizon_us : 24 * 60 * MINUTE_US;
  r->canary = canary > 0 ? canary : 1;
  struct hr_history h;
  struct hr_read_opts ho = {.in = *in, .has_at = 1, .at_us = now->at_us, .now_us = now->at_us};
  enum hr_rc rc = history_open(cfg, &ho, &h, err);
  if (rc != HR_OK)
    return rc;
  r->at_us = h.at_us;
  for (size_t i = 0; i < h.rd.ntimeline; i++) {
    const struct hr_annotation *a = &h.rd.timeline[i];
    if (strcmp(a->kind, "deploy") == 0 && strcmp(a->service, service) == 0 &&
        a->at_s * 1000000 + r->horizon_us <= r->at_us) {
      r->deploy_us = xrealloc(r->deploy_us, (r->ndeploys + 1) * sizeof *r->deploy_us);
      r->deploy_us[r->ndeploys++] = a->at_s * 1000000;
    }
  }
  if (r->ndeploys > 1)
    qsort(r->deploy_us, r->ndeploys, sizeof *r->deploy_us, cmp_i64);
  r->slos = xcalloc(cfg->nslos ? cfg->nslos : 1, sizeof *r->slos);
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
    const struct hr_slo *slo = &cfg->slos[j];
    if (!slo_of_service(slo, service))
      continue;
    struct hr_risk_slo *s = &r->slos[r->nslos++];
    s->slo = slo;
    const struct hr_report_slo *rs = report_find(now, slo->name);
    s->has_budget = rs != NULL && rs->st.has_sli;
    s->budget_remaining = rs != NULL ? rs->st.budget_remaining : 1;
    s->consumption = xcalloc(r->ndeploys ? r->ndeploys : 1, sizeof *s->consumption);
    double w = (double)slo_window_us(slo), eb = 1 - slo->target;
    for (size_t d = 0; d < r->ndeploys && rc == HR_OK; d++) {
      if (r->deploy_us[d] < h.first_us[j])
        continue; /* before the SLO's data: nothing known of it */
      uint64_t good, valid;
      rc = history_counts(&h, j, r->deploy_us[d], r->deploy_us[d] + r->horizon_us, &good, &valid, err);
      double burn = valid > 0 && eb > 0 ? (1 - (double)good / (double)valid) / eb : 0;
      s->consumption[s->ndeploys++] = burn * (double)r->horizon_us / w * r->canary;
    }
    stats(s);
  }
  history_close(&h);
  r->thin = 1;
  for (size_t i = 0; i < r->nslos; i++) {
    r->slos[i].thin = r->slos[i].ndeploys < HR_RISK_THIN;
    r->thin &= r->slos[i].thin;
  }
  if (rc != HR_OK)
    risk_free(r);
  return rc;
}

enum hr_rc engine_risk(const struct hr_config *cfg, const struct hr_risk_opts *o, struct hr_release_risk *r,
                       struct hr_err *err) {
  memset(r, 0, sizeof *r);
  struct hr_gate_policy pol;
  enum hr_rc rc = engine_gate_policy(cfg, o->service, &pol, err); /* the service has SLOs */
  if (rc == HR_OK)
    rc = engine_report(cfg, &o->e, &r->rep, err);
  if (rc != HR_OK)
    return rc;
  return engine_risk_of(cfg, &o->e.read.in, &r->rep, o->service, o->horizon_us, o->canary, r, err);
}

void risk_free(struct hr_release_risk *r) {
  for (size_t i = 0; i < r->nslos; i++)
    free(r->slos[i].consumption);
  free(r->slos);
  free(r->deploy_us);
  report_free(&r->rep);
  memset(r, 0, sizeof *r);
}

double risk_max_p_exhaust(const struct hr_release_risk *r, const struct hr_slo **slo) {
  double best = -1;
  *slo = NULL;
  for (size_t i = 0; i < r->nslos; i++)
    if (r->slos[i].ndeploys > 0 && r->slos[i].p_exhaust > best) {
      best = r->slos[i].p_exhaust;
      *slo = r->slos[i].slo;
    }
  return best;
}
