/* backtest.c -- see backtest.h. */
#include "render/backtest.h"

#include <stdint.h>
#include <string.h>

#include "core/timeparse.h"
#include "core/jw.h"

static void json_set(struct hr_jw *w, const struct hr_config *cfg, const struct hr_bt_set *set) {
  jw_arr(w, "alerts");
  for (size_t i = 0; i < set->n; i++) {
    const struct hr_bt_alert *a = &set->alerts[i];
    jw_obj(w, NULL);
    jw_str(w, "slo", cfg->slos[a->slo].name);
    jw_str(w, "condition", a->c->name);
    jw_str(w, "severity", a->c->severity);
    jw_time(w, "fired_at", a->fired_at);
    jw_time(w, "resolved_at", a->resolved_at);
    jw_bool(w, "notified", a->notified);
    jw_time(w, "incident_closed_at", a->notified ? a->closed_at : INT64_MIN);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_arr(w, "summary");
  for (size_t j = 0; j < cfg->nslos; j++) {
    jw_obj(w, NULL);
    jw_str(w, "slo", cfg->slos[j].name);
    jw_int(w, "pages", set->pages[j]);
    jw_int(w, "tickets", set->tickets[j]);
    jw_int(w, "minutes_firing", set->minutes[j]);
    jw_int(w, "pages_notified", set->pages_sent[j]);
    jw_int(w, "tickets_notified", set->tickets_sent[j]);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

void backtest_json(FILE *f, const struct hr_config *cfg, const struct hr_backtest *b, const char *policy_file) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "from", b->from_us);
  jw_time(&w, "to", b->to_us);
  jw_uint(&w, "minutes", b->nmin);
  jw_uint(&w, "lines_read", b->rd.stats.lines);
  jw_uint(&w, "lines_malformed", b->rd.stats.malformed);
  json_set(&w, cfg, &b->sets[0]);
  if (b->nsets > 1) {
    jw_obj(&w, "policy");
    jw_str(&w, "file", policy_file);
    json_set(&w, cfg, &b->sets[1]);
    jw_obj_end(&w);
  }
  jw_obj_end(&w);
}

static void text_set(FILE *f, const struct hr_config *cfg, const struct hr_bt_set *set) {
  char a[40], b[40];
  int w = 28; /* the SLO column: as wide as the longest name, never cut */
  for (size_t j = 0; j < cfg->nslos; j++)
    if (strlen(cfg->slos[j].name) > (size_t)w)
      w = (int)strlen(cfg->slos[j].name);
  fprintf(f, "\nalerts (%s): %zu\n", set->label, set->n);
  for (size_t i = 0; i < set->n; i++) {
    const struct hr_bt_alert *x = &set->alerts[i];
    time_format_rfc3339(x->fired_at, a, sizeof a);
    if (x->resolved_at == INT64_MIN)
      snprintf(b, sizeof b, "still firing");
    else
      time_format_rfc3339(x->resolved_at, b, sizeof b);
    fprintf(f, "  %s .. %-20s  %-*s %-24s %-8s %s\n", a, b, w, cfg->slos[x->slo].name, x->c->name, x->c->severity,
            x->notified ? "notified" : "grouped");
  }
  fprintf(f, "\nsummary (%s): firings, and notifications (one per incident)\n  %-*s %6s %8s %15s %14s %16s\n",
          set->label, w, "slo", "pages", "tickets", "minutes firing", "pages notified", "tickets notified");
  for (size_t j = 0; j < cfg->nslos; j++)
    fprintf(f, "  %-*s %6lld %8lld %15lld %14lld %16lld\n", w, cfg->slos[j].name, (long long)set->pages[j],
            (long long)set->tickets[j], (long long)set->minutes[j], (long long)set->pages_sent[j],
            (long long)set->tickets_sent[j]);
}

void backtest_text(FILE *f, const struct hr_config *cfg, const struct hr_backtest *b) {
  char a[40], c[40];
  fprintf(f, "backtest %s .. %s: %zu minutes x %zu SLOs; read %llu lines in %.3f s, replayed in %.3f s\n",
          time_format_rfc3339(b->from_us, a, sizeof a), time_format_rfc3339(b->to_us, c, sizeof c), b->nmin, cfg->nslos,
          (unsigned long long)b->rd.stats.lines, b->read_s, b->replay_s);
  for (size_t k = 0; k < b->nsets; k++)
    text_set(f, cfg, &b->sets[k]);
}
