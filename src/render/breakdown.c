/* breakdown.c -- see breakdown.h. */
#include "render/breakdown.h"

#include <string.h>

#include "core/jw.h"
#include "core/timeparse.h"
#include "engine/canary.h"
#include "core/tally.h"
#include "render/num.h"

static void json_figures(struct hr_jw *w, const struct hr_breakdown_row *r) {
  jw_uint(w, "good", r->good);
  jw_uint(w, "valid", r->valid);
  jw_uint(w, "bad", r->bad);
  if (r->has_sli) {
    jw_num(w, "sli", r->sli);
    jw_num(w, "burn_rate", r->burn_rate);
  } else {
    jw_null(w, "sli");
    jw_null(w, "burn_rate");
  }
}

static void json_share(struct hr_jw *w, const struct hr_breakdown_row *r) {
  jw_num(w, "share", r->share);
  jw_num(w, "burn_contribution", r->burn_contribution);
}

void breakdown_json(FILE *f, const struct hr_breakdown *b) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_str(&w, "field", b->field);
  jw_time(&w, "at", b->at_us);
  jw_time(&w, "from", b->from_us);
  jw_int(&w, "lookback_seconds", b->lookback_us / 1000000);
  jw_uint(&w, "lines_read", b->rd.stats.lines);
  jw_uint(&w, "lines_malformed", b->rd.stats.malformed);
  jw_uint(&w, "values_overflowed", b->overflowed);
  jw_arr(&w, "slos");
  for (size_t i = 0; i < b->nslos; i++) {
    const struct hr_breakdown_slo *s = &b->slos[i];
    jw_obj(&w, NULL);
    jw_str(&w, "name", s->slo->name);
    jw_str(&w, "service", s->slo->service);
    jw_num(&w, "target", s->slo->target);
    json_figures(&w, &s->all);
    jw_uint(&w, "values_seen", s->nvalues);
    jw_arr(&w, "values");
    for (size_t k = 0; k < s->nrows; k++) {
      jw_obj(&w, NULL);
      jw_str(&w, "value", s->rows[k].value);
      json_figures(&w, &s->rows[k]);
      json_share(&w, &s->rows[k]);
      jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj(&w, "rest");
    jw_uint(&w, "values", s->nvalues - s->nrows);
    json_figures(&w, &s->rest);
    json_share(&w, &s->rest);
    jw_obj_end(&w);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_arr(&w, "skipped");
  for (size_t i = 0; i < b->nskipped; i++)
    jw_str(&w, NULL, b->skipped[i]);
  jw_arr_end(&w);
  jw_obj_end(&w);
}

static void text_row(FILE *f, const struct hr_breakdown_row *r, const char *label) {
  char bad[40], valid[40], share[24], sli[24], rate[32];
  snprintf(share, sizeof share, "%.1f %%", r->share * 100);
  fprintf(f, "  %9s  %7s  %8s  %9s  %9s  %s\n", num_count(r->bad, bad, sizeof bad), share,
          canary_rate_text(r->burn_contribution, rate, sizeof rate), num_count(r->valid, valid, sizeof valid),
          r->has_sli ? num_percent(r->sli, sli, sizeof sli) : "-", label);
}

void breakdown_text(FILE *f, const struct hr_breakdown *b) {
  char from[48], at[48];
  fprintf(f, "Bad events by %s from %s to %s\n", b->field, time_format_rfc3339(b->from_us, from, sizeof from),
          time_format_rfc3339(b->at_us, at, sizeof at));
  for (size_t i = 0; i < b->nslos; i++) {
    const struct hr_breakdown_slo *s = &b->slos[i];
    char valid[40], bad[40], sli[24], rate[32];
    fprintf(f, "\n%s (%s, target %g %%): %s valid, %s bad", s->slo->name, s->slo->service ? s->slo->service : "-",
            s->slo->target * 100, num_count(s->all.valid, valid, sizeof valid), num_count(s->all.bad, bad, sizeof bad));
    if (s->all.has_sli)
      fprintf(f, ", SLI %s, burn rate %s", num_percent(s->all.sli, sli, sizeof sli),
              canary_rate_text(s->all.burn_rate, rate, sizeof rate));
    fputs("\n", f);
    if (s->nvalues == 0) {
      fputs("  no valid event in the lookback\n", f);
      continue;
    }
    fprintf(f, "  %9s  %7s  %8s  %9s  %9s  %s\n", "bad", "share", "burn", "valid", "SLI", b->field);
    for (size_t k = 0; k < s->nrows; k++)
      text_row(f, &s->rows[k], s->rows[k].value != NULL ? s->rows[k].value : "(no value)");
    if (s->nvalues > s->nrows) {
      char label[64];
      snprintf(label, sizeof label, "(%zu more value%s)", s->nvalues - s->nrows, s->nvalues - s->nrows == 1 ? "" : "s");
      text_row(f, &s->rest, label);
    }
  }
  if (b->overflowed > 0)
    fprintf(f, "\n%llu events of values past the first %zu keys are counted under \"%s\".\n",
            (unsigned long long)b->overflowed, (size_t)HR_BREAKDOWN_MAX_KEYS, HR_TALLY_OVERFLOW);
  for (size_t i = 0; i < b->nskipped; i++)
    fprintf(f, "%sleft out: %s\n", i == 0 ? "\n" : "", b->skipped[i]);
}
