/* gate.c -- see gate.h. */
#include "engine/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/impl.h"
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
    return HR_FAIL(err, HR_ERR_NOTFOUND, "%s '%s'%s (services with SLOs: %s)",
                   declared ? "service" : "unknown service", service,
                   declared ? " has no SLOs: nothing to decide by" : "", names[0] ? names : "none");
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
  return HR_OK;
}

void gate_result_free(struct hr_gate_result *g) {
  free(g->idx);
  memset(g, 0, sizeof *g);
}
