/* risk.h -- the risk of a release from past ones (docs/cli/risk.md): every
 * deploy annotation of a service at least the horizon before the instant
 * is a past release; for each SLO of the service, what each consumed of the
 * window's budget in the horizon after it, and from that the chance that
 * the next one consumes at least 1, 2, 5, 10 or 20 %, or all that is left. */
#ifndef HR_ENGINE_RISK_H
#define HR_ENGINE_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "engine/history.h"

#define HR_RISK_LEVELS 5
extern const double hr_risk_levels[HR_RISK_LEVELS]; /* 0.01 0.02 0.05 0.1 0.2 */
#define HR_RISK_THIN 5                              /* fewer past deploys: the figure is thin */

struct hr_risk_slo {
  const struct hr_slo *slo;
  int has_budget;          /* the SLO has data now */
  double budget_remaining; /* now */
  size_t ndeploys;         /* past deploys with the SLO's data after them */
  int thin;                /* fewer than HR_RISK_THIN of them */
  double *consumption;     /* each one's, ascending (owned) */
  /* With ndeploys > 0: */
  double mean, p50, p90, max;        /* p50, p90: nearest rank */
  double p_at_least[HR_RISK_LEVELS]; /* share with consumption >= the level */
  double p_exhaust;                  /* share with consumption >= budget_remaining (1 when none is left) */
};

struct hr_release_risk {
  const char *service; /* borrowed */
  int64_t at_us, horizon_us;
  double canary;            /* the share of traffic the release reaches */
  size_t ndeploys;          /* past deploys of the service */
  int thin;                 /* every SLO has fewer than HR_RISK_THIN past deploys with its data after them */
  int64_t *deploy_us;       /* their times, ascending (owned) */
  struct hr_risk_slo *slos; /* the service's SLOs, configuration order (owned) */
  size_t nslos;
  struct hr_report rep; /* the state now (budget remaining), also what was read */
};

struct hr_risk_opts {
  struct hr_eval_opts e; /* what is read, the instant, the clock */
  const char *service;
  int64_t horizon_us; /* 0: 24h */
  double canary;      /* 0: 1 */
};

/* HR_ERR_NOTFOUND for a service without SLOs. The logs named are read
 * twice: once for the state now (as `report`), once for the history. */
enum hr_rc engine_risk(const struct hr_config *cfg, const struct hr_risk_opts *o, struct hr_release_risk *out /* OUT */,
                       struct hr_err *err);
void risk_free(struct hr_release_risk *r);

/* The highest p_exhaust of r's SLOs that have past deploys (*slo: which);
 * -1 when none has. */
double risk_max_p_exhaust(const struct hr_release_risk *r, const struct hr_slo **slo /* OUT */);

#endif
