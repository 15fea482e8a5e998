/* risk.c -- see risk.h. */
#include "render/risk.h"

#include <math.h>

#include "core/jw.h"
#include "core/timeparse.h"

/* "0.01", "0.2": the keys of p_at_least. */
static const char *const level_keys[HR_RISK_LEVELS] = {"0.01", "0.02", "0.05", "0.1", "0.2"};

void risk_json(FILE *f, const struct hr_release_risk *r) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_str(&w, "service", r->service);
  jw_time(&w, "at", r->at_us);
  jw_int(&w, "horizon_seconds", r->horizon_us / 1000000);
  jw_num(&w, "canary", r->canary);
  jw_uint(&w, "deploys", r->ndeploys);
  jw_arr(&w, "deploy_times");
  for (size_t i = 0; i < r->ndeploys; i++)
    jw_time(&w, NULL, r->deploy_us[i]);
  jw_arr_end(&w);
  jw_bool(&w, "thin", r->thin);
  jw_arr(&w, "slos");
  for (size_t i = 0; i < r->nslos; i++) {
    const struct hr_risk_slo *s = &r->slos[i];
    int any = s->ndeploys > 0;
    jw_obj(&w, NULL);
    jw_str(&w, "name", s->slo->name);
    if (s->has_budget)
      jw_num(&w, "budget_remaining", s->budget_remaining);
    else
      jw_null(&w, "budget_remaining");
    jw_uint(&w, "deploys", s->ndeploys);
    jw_bool(&w, "thin", s->thin);
    jw_obj(&w, "consumption");
    static const char *const keys[] = {"mean", "p50", "p90", "max"};
    const double vals[] = {s->mean, s->p50, s->p90, s->max};
    for (int k = 0; k < 4; k++)
      jw_num(&w, keys[k], any ? vals[k] : NAN);
    jw_obj_end(&w);
    jw_obj(&w, "p_at_least");
    for (int l = 0; l < HR_RISK_LEVELS; l++)
      jw_num(&w, level_keys[l], any ? s->p_at_least[l] : NAN);
    jw_obj_end(&w);
    jw_num(&w, "p_exhaust", any ? s->p_exhaust : NAN);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_obj_end(&w);
  fputc('\n', f);
}

/* "12.5 %", "0.04 %", "100 %", "0 %", "< 0.01 %": three figures. */
static const char *pct(double x, char *buf, size_t n) {
  double p = x * 100;
  if (p != 0 && fabs(p) < 0.01)
    snprintf(buf, n, "< 0.01 %%");
  else
    snprintf(buf, n, "%.3g %%", p);
  return buf;
}

void risk_text(FILE *f, const struct hr_release_risk *r) {
  char hz[32], at[40], a[24], b[24], c[24], d[24];
  duration_format(r->horizon_us, hz, sizeof hz);
  time_format_rfc3339(r->at_us, at, sizeof at);
  fprintf(f, "Release risk of %s as of %s, from %zu past deploy%s (each judged over the %s after it)", r->service, at,
          r->ndeploys, r->ndeploys == 1 ? "" : "s", hz);
  if (r->canary < 1)
    fprintf(f, ", for a canary to %s of the traffic", pct(r->canary, a, sizeof a));
  fputs(".\n", f);
  if (r->ndeploys == 0) {
    fprintf(f,
            "No deploy of %s at least %s old is on the timeline: there is no history to judge a release by.\n"
            "Record deploys with 'headroom annotate --service %s --kind deploy'.\n",
            r->service, hz, r->service);
    return;
  }
  if (r->thin) {
    size_t most = 0;
    for (size_t i = 0; i < r->nslos; i++)
      most = r->slos[i].ndeploys > most ? r->slos[i].ndeploys : most;
    fprintf(f, "Warning: only %zu past deploy%s: the figures below are thin; read them as a hint, not a rate.\n", most,
            most == 1 ? "" : "s");
  }
  for (size_t i = 0; i < r->nslos; i++) {
    const struct hr_risk_slo *s = &r->slos[i];
    fprintf(f, "\n%s: ", s->slo->name);
    if (s->has_budget && s->budget_remaining < 0)
      fprintf(f, "the budget is spent, %s overspent.\n", pct(-s->budget_remaining, a, sizeof a));
    else if (s->has_budget)
      fprintf(f, "%s of the budget is left.\n", pct(s->budget_remaining, a, sizeof a));
    else
      fputs("no data now, so nothing is known of the budget left.\n", f);
    if (s->ndeploys == 0) {
      fputs("  No past deploy has its data after it: nothing to judge by.\n", f);
      continue;
    }
    fprintf(f, "  Based on %zu past deploy%s, a release has a %s chance of consuming 10 %% of the budget", s->ndeploys,
            s->ndeploys == 1 ? "" : "s", pct(s->p_at_least[3], a, sizeof a));
    fprintf(f, " (%s for 1 %%, %s for 5 %%, %s for 20 %%).\n", pct(s->p_at_least[0], b, sizeof b),
            pct(s->p_at_least[2], c, sizeof c), pct(s->p_at_least[4], d, sizeof d));
    fprintf(f, "  It consumes %s at the median, %s at p90, %s at worst (mean %s).\n", pct(s->p50, a, sizeof a),
            pct(s->p90, b, sizeof b), pct(s->max, c, sizeof c), pct(s->mean, d, sizeof d));
    if (s->has_budget && s->budget_remaining <= 0)
      fputs("  The budget is already spent: any release exhausts it (chance 100 %).\n", f);
    else
      fprintf(f, "  Chance of exhausting what is left: %s.\n", pct(s->p_exhaust, a, sizeof a));
  }
}
