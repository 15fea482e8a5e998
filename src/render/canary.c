/* canary.c -- see canary.h. */
#include "render/canary.h"

#include <string.h>

#include "core/jw.h"
#include "core/timeparse.h"
#include "render/num.h"

static void json_side(struct hr_jw *w, const char *key, const struct hr_canary_side *s) {
  jw_obj(w, key);
  jw_uint(w, "good", s->good);
  jw_uint(w, "valid", s->valid);
  if (s->has_sli) {
    jw_num(w, "sli", s->sli);
    jw_num(w, "burn_rate", s->burn_rate);
  } else {
    jw_null(w, "sli");
    jw_null(w, "burn_rate");
  }
  jw_obj_end(w);
}

void canary_json(FILE *f, const struct hr_canary *c) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_str(&w, "slo", c->slo->name);
  jw_str(&w, "service", c->slo->service);
  jw_num(&w, "target", c->slo->target);
  jw_str(&w, "canary_expr", c->expr);
  jw_time(&w, "since", c->since_us);
  jw_time(&w, "at", c->at_us);
  if (c->since_deploy) {
    jw_obj(&w, "deploy");
    jw_time(&w, "at", c->since_us);
    jw_str(&w, "text", c->deploy_text);
    jw_obj_end(&w);
  } else {
    jw_null(&w, "deploy");
  }
  json_side(&w, "canary", &c->canary);
  json_side(&w, "baseline", &c->baseline);
  if (c->has_p)
    jw_num(&w, "p_value", c->p_value);
  else
    jw_null(&w, "p_value");
  jw_str(&w, "verdict", canary_verdict_name(c->verdict));
  jw_str(&w, "reason", c->reason);
  if (c->canary.has_sli)
    jw_num(&w, "projected_burn_rate", c->canary.burn_rate);
  else
    jw_null(&w, "projected_burn_rate");
  jw_uint(&w, "min_events", c->min_events);
  jw_uint(&w, "lines_read", c->rd.stats.lines);
  jw_uint(&w, "lines_malformed", c->rd.stats.malformed);
  if (c->nfiles > 0) {
    jw_arr(&w, "files");
    for (size_t i = 0; i < c->nfiles; i++)
      jw_str(&w, NULL, c->files[i]);
    jw_arr_end(&w);
  }
  jw_obj_end(&w);
}

static void text_side(FILE *f, const char *name, const struct hr_canary_side *s) {
  char n[40], p[24], r[32];
  fprintf(f, "%s: %s event%s", name, num_count(s->valid, n, sizeof n), s->valid == 1 ? "" : "s");
  if (s->has_sli)
    fprintf(f, ", SLI %s, burn rate %s", num_percent(s->sli, p, sizeof p), canary_rate_text(s->burn_rate, r, sizeof r));
}

void canary_text(FILE *f, const struct hr_canary *c) {
  char a[48], b[48], p[32], r[32];
  fprintf(f, "SLO %s (target %g %%): canary where %s, baseline the rest, from %s", c->slo->name, c->slo->target * 100,
          c->expr, time_format_rfc3339(c->since_us, a, sizeof a));
  if (c->since_deploy)
    fprintf(f, " (the last deploy%s%s)", c->deploy_text ? ": " : "", c->deploy_text ? c->deploy_text : "");
  fprintf(f, " to %s\n", time_format_rfc3339(c->at_us, b, sizeof b));
  text_side(f, "canary", &c->canary);
  fputs("; ", f);
  text_side(f, "baseline", &c->baseline);
  fputs("\n", f);
  fprintf(f, "%s \xe2\x86\x92 %s: %s.\n", c->has_p ? canary_p_text(c->p_value, p, sizeof p) : "no p-value",
          canary_verdict_name(c->verdict), c->reason);
  if (c->canary.has_sli && c->verdict != HR_CANARY_HOLD)
    fprintf(f, "Full rollout, if all traffic behaved like the canary: burn rate %s.\n",
            canary_rate_text(c->canary.burn_rate, r, sizeof r));
}
