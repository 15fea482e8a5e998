/* gate.h -- the release decision (docs/cli/gate.md), computed once here for
 * `headroom gate` and GET /api/v1/gate: the service is checked, every SLO
 * evaluated as `report` does, and the service's SLOs decided by its policy
 * (core/gate.h). */
#ifndef HR_ENGINE_GATE_H
#define HR_ENGINE_GATE_H

#include <stddef.h>

#include "core/gate.h"
#include "engine/report.h"

struct hr_gate_result {
  enum hr_risk risk;
  struct hr_gate_policy policy;
  struct hr_gate_decision d;
  size_t *idx; /* indexes into rep->slos of the service's SLOs, configuration order (owned) */
  size_t n;
  const struct hr_report_slo *deciding; /* NULL when none */
  /* When the SLOs allow the change but a group of a grouped SLO
   * (groupBy) does not: that group (the worst of the first such SLO, in
   * deciding's groups), and deciding is its SLO. NULL otherwise. */
  const struct hr_report_group *deciding_group;
  /* The release risk limit of the policy for this class (policy.max_p_exhaust),
   * when it has one: */
  int risk_checked;
  double p_exhaust;              /* the highest of the service's SLOs; < 0: no past deploy to judge by */
  const struct hr_slo *risk_slo; /* whose it is (NULL without past deploys) */
  size_t risk_deploys;           /* past deploys it was judged from */
};

/* The policy of service: its Service's headroom.dev/gate-policy over the
 * default table. HR_ERR_NOTFOUND when no SLO belongs to the service (the
 * message says whether the service is unknown or only has no SLOs, and
 * lists the services with SLOs); HR_ERR_CONFIG for a policy that does not
 * parse. */
enum hr_rc engine_gate_policy(const struct hr_config *cfg, const char *service, struct hr_gate_policy *pol /* OUT */,
                              struct hr_err *err);

/* Check the service, evaluate every SLO (o) into *rep, decide a change of
 * class risk. When the policy limits the release risk of that class and
 * the statuses allow the change, the risk from past deploys
 * (engine/risk.h) decides too: deny when p_exhaust exceeds the limit, or
 * when no past deploy gives a figure and the nodata row forbids the class
 * (no history is not good news). On success *rep and *out are filled (report_free(),
 * gate_result_free()); on failure neither holds anything. */
enum hr_rc engine_gate(const struct hr_config *cfg, const struct hr_eval_opts *o, const char *service,
                       enum hr_risk risk, struct hr_report *rep /* OUT */, struct hr_gate_result *out /* OUT */,
                       struct hr_err *err);
void gate_result_free(struct hr_gate_result *g);

#endif
