/* gate.c -- see gate.h. */
#include "engine/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "engine/impl.h"
#include "engine/risk.h"
#include "util/xmalloc.h"

/* "a, b, c": the services with SLOs, for the error. */
static void services_with_slos(const struct hr_config *cfg, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < cfg->nslos; j++) {
    const char *s = cfg->slos[j].service;
    int dup = 0;
    for (size_t k = 0; k < j && !dup; k++)
      dup = slo_of_service(&cfg->slos[k], s);
    if (s == NULL || dup || len >= n)
      continue;
    int w = snprintf(buf + len, n - len, "%s%s", len ? ", " : "", s);
    if (w > 0)
      len += (size_t)w;
  }
}

enum hr_rc engine_gate_policy(const struct hr_config *cfg, const char *service, struct hr_gate_policy *pol,
                              struct hr_err *err) {
  gate_policy_default(pol);
  size_t nslo = 0;
  for (size_t j = 0; j < cfg->nslos; j++)
    nslo += (size_t)slo_of_service(&cfg->slos[j], service);
  if (nslo == 0) {
    int declared = 0;
    for (size_t i = 0; i < cfg->nservices; i++)
      declared |= strcmp(cfg->services[i].name, service) == 0;
    char names[512];
    services_with_slos(cfg, names, sizeof names);
    return HR_FAIL(err, HR_ERR_NOTFOUND, "%s '%s'%s (services with SLOs: %s)", declared ? "service" : "unknown service",
                   service, declared ? " has no SLOs: nothing to decide by" : "", names[0] ? names : "none");
  }
  for (size_t i = 0; i < cfg->nservices; i++) {
    char msg[200];
    const struct hr_service *s = &cfg->services[i];
    if (strcmp(s->name, service) == 0 && s->gate_policy != NULL &&
        gate_policy_parse(s->gate_policy, strlen(s->gate_policy), pol, msg, sizeof msg) != 0)
      return HR_FAIL(err, HR_ERR_CONFIG, "service %s: headroom.dev/gate-policy: %s", service, msg);
  }
  return HR_OK;
}

/* The policy's release risk limit for out->risk (see gate.h). */
static enum hr_rc risk_check(const struct hr_config *cfg, const struct hr_input *in, const struct hr_report *rep,
                             const char *service, struct hr_gate_result *out, struct hr_err *err) {
  struct hr_release_risk r;
  memset(&r, 0, sizeof r);
  double limit = out->policy.max_p_exhaust[out->risk];
  enum hr_rc rc = engine_risk_of(cfg, in, rep, service, out->policy.risk_horizon_us, 1, &r, err);
  if (rc != HR_OK)
    return rc;
  char hz[32];
  duration_format(r.horizon_us, hz, sizeof hz);
  out->risk_checked = 1;
  out->p_exhaust = risk_max_p_exhaust(&r, &out->risk_slo);
  const char *cls = risk_name(out->risk);
  if (out->risk_slo != NULL) {
    for (size_t i = 0; i < r.nslos; i++)
      if (r.slos[i].slo == out->risk_slo)
        out->risk_deploys = r.slos[i].ndeploys;
    const char *thin = out->risk_deploys < HR_RISK_THIN ? " (a thin history)" : "";
    if (out->p_exhaust > limit + 1e-12) {
      out->d.allow = 0;
      snprintf(out->d.reason, sizeof out->d.reason,
               "a %s change to %s has a %.0f%% chance of exhausting the budget left of %s: %zu of %zu past deploys%s "
               "spent at least that in the %s after them; the policy allows %s changes at most %.0f%%",
               cls, service, out->p_exhaust * 100, out->risk_slo->name,
               (size_t)(out->p_exhaust * (double)out->risk_deploys + 0.5), out->risk_deploys, thin, hz, cls,
               limit * 100);
    } else {
      size_t len = strlen(out->d.reason);
      snprintf(out->d.reason + len, sizeof out->d.reason - len,
               "; release risk %.0f%% (of exhausting the budget left of %s, from %zu past deploys%s over %s) is "
               "within the %.0f%% the policy allows %s changes",
               out->p_exhaust * 100, out->risk_slo->name, out->risk_deploys, thin, hz, limit * 100, cls);
    }
  } else if (!(out->policy.allow[HR_ST_NODATA] & (1u << out->risk))) {
    out->d.allow = 0;
    snprintf(out->d.reason, sizeof out->d.reason,
             "no past deploy of %s (annotations of kind deploy at least %s old, with its SLOs' data after them) to "
             "judge the release risk of a %s change by, and the policy limits it to %.0f%%: no history is not good "
             "news (annotate deploys; fixes and changes the nodata row allows still pass)",
             service, hz, cls, limit * 100);
  } else {
    size_t len = strlen(out->d.reason);
    snprintf(out->d.reason + len, sizeof out->d.reason - len,
             "; no past deploy to judge the release risk by, and the nodata row allows %s changes", cls);
  }
  risk_free(&r);
  return HR_OK;
}

/* A grouped SLO's groups are held to the policy as its SLOs are: the first
 * group (worst first) whose status the policy forbids this class of change
 * in denies, named in the reason. */
static void group_check(const struct hr_report *rep, const char *service, struct hr_gate_result *out) {
  for (size_t i = 0; i < out->n; i++) {
    const struct hr_report_slo *rs = &rep->slos[out->idx[i]];
    for (size_t k = 0; k < rs->ngroups; k++) {
      const struct hr_report_group *gr = &rs->groups[k];
      if (out->policy.allow[gr->st.status] & (1u << out->risk))
        continue;
      char labels[300];
      size_t n = 0;
      labels[0] = '\0';
      for (size_t f = 0; f < rs->slo->ngroup_by && n < sizeof labels; f++)
        n += (size_t)snprintf(labels + n, sizeof labels - n, "%s%s=%s", f ? "," : "", rs->slo->group_by[f],
                              gr->other               ? "_other"
                              : gr->values[f] != NULL ? gr->values[f]
                                                      : "-");
      out->d.allow = 0;
      out->deciding = rs;
      out->deciding_group = gr;
      char left[48];
      snprintf(out->d.reason, sizeof out->d.reason,
               "group %s of SLO %s is %s (%s%s%s) and the policy of %s allows no %s change then, "
               "though the SLO as a whole allows it",
               labels, rs->slo->name, status_name(gr->st.status), gr->st.budget_remaining < 0 ? "its budget " : "",
               budget_pct_text(gr->st.budget_remaining, left, sizeof left),
               gr->st.budget_remaining < 0 ? "" : " of its budget left", service, risk_name(out->risk));
      return;
    }
  }
}

enum hr_rc engine_gate(const struct hr_config *cfg, const struct hr_eval_opts *o, const char *service,
                       enum hr_risk risk, struct hr_report *rep, struct hr_gate_result *out, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  memset(rep, 0, sizeof *rep);
  out->risk = risk;
  enum hr_rc rc = engine_gate_policy(cfg, service, &out->policy, err);
  if (rc == HR_OK)
    rc = engine_report(cfg, o, rep, err);
  if (rc != HR_OK)
    return rc;
  out->idx = xcalloc(rep->nslos ? rep->nslos : 1, sizeof *out->idx);
  struct hr_gate_slo *g = xcalloc(rep->nslos ? rep->nslos : 1, sizeof *g);
  for (size_t j = 0; j < rep->nslos; j++)
    if (slo_of_service(rep->slos[j].slo, service)) {
      g[out->n].slo = rep->slos[j].slo;
      g[out->n].st = &rep->slos[j].st;
      g[out->n].data_reason = rep->slos[j].data_reason;
      out->idx[out->n++] = j;
    }
  gate_decide(&out->policy, service, risk, g, out->n, &out->d);
  out->deciding = out->d.deciding >= 0 ? &rep->slos[out->idx[out->d.deciding]] : NULL;
  free(g);
  if (out->d.allow)
    group_check(rep, service, out);
  if (out->d.allow && out->policy.max_p_exhaust[risk] >= 0)
    rc = risk_check(cfg, &o->read.in, rep, service, out, err);
  if (rc != HR_OK) {
    report_free(rep);
    gate_result_free(out);
  }
  return rc;
}

void gate_result_free(struct hr_gate_result *g) {
  free(g->idx);
  memset(g, 0, sizeof *g);
}
