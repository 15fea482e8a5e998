/* journeys.c -- see journeys.h. */
#include "render/journeys.h"

#include <string.h>

#include "core/jw.h"
#include "core/timeparse.h"

void journeys_json(FILE *f, const struct hr_journeys *js) {
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "at", js->at_us);
  jw_obj(&w, "scale");
  jw_num(&w, "low_events_per_day", js->lo_per_day);
  jw_num(&w, "high_events_per_day", js->hi_per_day);
  jw_obj_end(&w);
  jw_arr(&w, "journeys");
  for (size_t i = 0; i < js->n; i++) {
    const struct hr_journey *j = &js->j[i];
    jw_obj(&w, NULL);
    jw_str(&w, "service", j->service);
    jw_str(&w, "display_name", j->display_name);
    if (j->has_value)
      jw_num(&w, "value", j->value);
    else
      jw_null(&w, "value");
    jw_num(&w, "events_per_day", j->events_per_day);
    jw_num(&w, "frequency", j->frequency);
    if (j->high_per_day > 0)
      jw_num(&w, "high_frequency", j->high_per_day);
    else
      jw_null(&w, "high_frequency");
    jw_str(&w, "quadrant", quadrant_name(j->quadrant));
    jw_arr(&w, "slos");
    for (size_t k = 0; k < j->nslos; k++)
      jw_str(&w, NULL, j->slos[k]->slo->name);
    jw_arr_end(&w);
    if (j->has_strictest) {
      jw_num(&w, "strictest_target", j->strictest_target);
      jw_str(&w, "strictest_slo", j->strictest_slo);
    } else {
      jw_null(&w, "strictest_target");
      jw_null(&w, "strictest_slo");
    }
    jw_str(&w, "status", status_name(j->status));
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_arr(&w, "warnings");
  for (size_t i = 0; i < js->nwarnings; i++)
    jw_str(&w, NULL, js->warnings[i]);
  jw_arr_end(&w);
  jw_obj_end(&w);
}

/* "a, b" of the journeys in quadrant q, or "-". */
static void names_in(const struct hr_journeys *js, enum hr_quadrant q, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < js->n && len < n; i++)
    if (js->j[i].quadrant == q) {
      int k = snprintf(buf + len, n - len, "%s%s", len ? ", " : "", js->j[i].service);
      len += k > 0 ? (size_t)k : 0;
    }
  if (len == 0)
    snprintf(buf, n, "-");
}

void journeys_text(FILE *f, const struct hr_journeys *js) {
  char at[64];
  time_format_rfc3339(js->at_us, at, sizeof at);
  fprintf(f, "headroom journeys at %s (traffic of the last 28 days)\n\n", at);
  fprintf(f, "%-20s %-18s %-6s %12s %6s %-10s %-30s %s\n", "JOURNEY", "QUADRANT", "VALUE", "EVENTS/DAY", "FREQ",
          "STRICTEST", "(SLO)", "STATUS");
  for (size_t i = 0; i < js->n; i++) {
    const struct hr_journey *j = &js->j[i];
    char val[16], tgt[32];
    if (j->has_value)
      snprintf(val, sizeof val, "%.2f", j->value);
    else
      snprintf(val, sizeof val, "-");
    if (j->has_strictest)
      snprintf(tgt, sizeof tgt, "%.10g%%", j->strictest_target * 100);
    else
      snprintf(tgt, sizeof tgt, "-");
    fprintf(f, "%-20.20s %-18s %-6s %12.0f %6.2f %-10s %-30.30s %s\n", j->service, quadrant_title(j->quadrant), val,
            j->events_per_day, j->frequency, tgt, j->has_strictest ? j->strictest_slo : "-", status_name(j->status));
  }
  char a[256], b[256];
  names_in(js, HR_Q_CRITICAL, a, sizeof a);
  names_in(js, HR_Q_LIFELINE, b, sizeof b);
  fprintf(f, "\n%-12s| %-32.32s | %-32.32s\n", "", "low frequency", "high frequency");
  fprintf(f, "%-12s| %-32.32s | %-32.32s\n", "high value", "Critical Moments:", "The Lifeline:");
  fprintf(f, "%-12s| %-32.32s | %-32.32s\n", "", a, b);
  names_in(js, HR_Q_PERIPHERY, a, sizeof a);
  names_in(js, HR_Q_FOUNDATION, b, sizeof b);
  fprintf(f, "%-12s| %-32.32s | %-32.32s\n", "low value", "Periphery:", "Foundation:");
  fprintf(f, "%-12s| %-32.32s | %-32.32s\n", "", a, b);
  if (js->nwarnings > 0)
    fputc('\n', f);
  for (size_t i = 0; i < js->nwarnings; i++)
    fprintf(f, "warning: %s\n", js->warnings[i]);
}
