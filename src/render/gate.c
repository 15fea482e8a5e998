/* gate.c -- see gate.h. */
#include "render/gate.h"

#include "core/jw.h"
#include "render/report.h"

void gate_json(FILE *f, const struct hr_report *rep, const char *service, const struct hr_gate_result *g) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  report_json_members(&w, rep, g->idx, g->n);
  jw_str(&w, "service", service);
  jw_str(&w, "risk", risk_name(g->risk));
  jw_str(&w, "decision", g->d.allow ? "allow" : "deny");
  jw_str(&w, "reason", g->d.reason);
  jw_str(&w, "deciding_slo", g->deciding ? g->deciding->slo->name : NULL);
  if (g->deciding_group != NULL) { /* a group of a grouped SLO denied (docs/config.md, "Grouped SLOs") */
    jw_obj(&w, "deciding_group");
    for (size_t k = 0; k < g->deciding->slo->ngroup_by; k++)
      jw_str(&w, g->deciding->slo->group_by[k], g->deciding_group->other ? "_other" : g->deciding_group->values[k]);
    jw_obj_end(&w);
  }
  jw_obj(&w, "policy");
  static const enum hr_status order[] = {HR_ST_GREEN, HR_ST_YELLOW, HR_ST_ORANGE, HR_ST_RED, HR_ST_NODATA};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    jw_arr(&w, status_name(order[i]));
    for (int r = 0; r < HR_NRISKS; r++)
      if (g->policy.allow[order[i]] & (1u << r))
        jw_str(&w, NULL, risk_name((enum hr_risk)r));
    jw_arr_end(&w);
  }
  jw_obj_end(&w);
  int limited = 0;
  for (int r = 0; r < HR_NRISKS; r++)
    limited |= g->policy.max_p_exhaust[r] >= 0;
  if (limited) { /* the policy's release risk limit, and what it found for this class */
    jw_obj(&w, "release_risk");
    jw_obj(&w, "max_p_exhaust");
    for (int r = 0; r < HR_NRISKS; r++)
      if (g->policy.max_p_exhaust[r] >= 0)
        jw_num(&w, risk_name((enum hr_risk)r), g->policy.max_p_exhaust[r]);
    jw_obj_end(&w);
    jw_int(&w, "horizon_seconds", g->policy.risk_horizon_us / 1000000);
    jw_bool(&w, "checked", g->risk_checked);
    if (g->risk_checked && g->risk_slo != NULL)
      jw_num(&w, "p_exhaust", g->p_exhaust);
    else
      jw_null(&w, "p_exhaust");
    jw_str(&w, "slo", g->risk_slo ? g->risk_slo->name : NULL);
    jw_uint(&w, "deploys", g->risk_deploys);
    jw_obj_end(&w);
  }
  jw_obj_end(&w);
}

void gate_text(FILE *f, const struct hr_report *rep, const char *service, const struct hr_gate_result *g, int color) {
  fprintf(f, "%s: %s change to %s\n%s.\n\n", g->d.allow ? "ALLOW" : "DENY", risk_name(g->risk), service, g->d.reason);
  report_text(f, rep, g->idx, g->n, color);
}
