/* metrics.c -- see metrics.h. Families are written whole (HELP, TYPE, then
 * every sample), so each name appears in one block as the text format
 * requires. */
#include "render/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/grpkey.h"
#include "core/timeparse.h"

void metrics_escape(FILE *f, const char *s) {
  for (; s != NULL && *s; s++) {
    if (*s == '\\')
      fputs("\\\\", f);
    else if (*s == '"')
      fputs("\\\"", f);
    else if (*s == '\n')
      fputs("\\n", f);
    else
      fputc(*s, f);
  }
}

void metrics_family(FILE *f, const char *name, const char *type, const char *help) {
  fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void labels(FILE *f, const char *name, const struct hr_slo *slo) {
  fprintf(f, "%s{service=\"", name);
  metrics_escape(f, slo->service ? slo->service : "");
  fputs("\",slo=\"", f);
  metrics_escape(f, slo->name);
  fputc('"', f);
}

static void value(FILE *f, double x);

/* labels() of a group of rs: the SLO's, then each groupBy field's value
 * ("_other" for _other, "" for no value). */
static void group_labels(FILE *f, const char *name, const struct hr_report_slo *rs, const struct hr_report_group *g) {
  labels(f, name, rs->slo);
  for (size_t k = 0; k < rs->slo->ngroup_by; k++) {
    char lb[128];
    fprintf(f, ",%s=\"", grp_label_name(rs->slo->group_by[k], lb, sizeof lb));
    metrics_escape(f, g->other ? "_other" : g->values[k]);
    fputc('"', f);
  }
}

/* The groups of every grouped SLO of r (docs/config.md, "Grouped SLOs"). */
static void group_families(FILE *f, const struct hr_report *r) {
  int any = 0;
  for (size_t j = 0; j < r->nslos; j++)
    any |= r->slos[j].has_groups;
  if (!any)
    return;
  for (int pass = 0; pass < 2; pass++) {
    const char *name = pass == 0 ? "headroom_slo_group_valid_total" : "headroom_slo_group_good_total";
    metrics_family(f, name, "counter",
                   pass == 0 ? "Valid events counted in the store for a group of a grouped SLO (all time)."
                             : "Good events counted in the store for a group of a grouped SLO (all time).");
    for (size_t j = 0; j < r->nslos; j++)
      for (size_t i = 0; i < r->slos[j].ngroups; i++) {
        const struct hr_report_group *g = &r->slos[j].groups[i];
        if (!g->has_total)
          continue;
        group_labels(f, name, &r->slos[j], g);
        fprintf(f, "} %llu\n", (unsigned long long)(pass == 0 ? g->total_valid : g->total_good));
      }
  }
  metrics_family(f, "headroom_slo_group_sli_ratio", "gauge",
                 "SLI of a group of a grouped SLO over the SLO window (absent when the window has no data).");
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t i = 0; i < r->slos[j].ngroups; i++) {
      const struct hr_report_group *g = &r->slos[j].groups[i];
      if (!g->st.has_sli)
        continue;
      group_labels(f, "headroom_slo_group_sli_ratio", &r->slos[j], g);
      fputc('}', f);
      value(f, g->st.sli);
    }
  metrics_family(f, "headroom_slo_group_budget_remaining_ratio", "gauge",
                 "Error budget remaining of a group of a grouped SLO, as a fraction of its window's budget.");
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t i = 0; i < r->slos[j].ngroups; i++) {
      group_labels(f, "headroom_slo_group_budget_remaining_ratio", &r->slos[j], &r->slos[j].groups[i]);
      fputc('}', f);
      value(f, r->slos[j].groups[i].st.budget_remaining);
    }
  metrics_family(f, "headroom_slo_group_burn_rate", "gauge",
                 "Error budget burn rate of a group of a grouped SLO over the lookback window.");
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t i = 0; i < r->slos[j].ngroups; i++) {
      const struct hr_slo_state *st = &r->slos[j].groups[i].st;
      for (size_t k = 0; k < st->nburn; k++) {
        char buf[32];
        group_labels(f, "headroom_slo_group_burn_rate", &r->slos[j], &r->slos[j].groups[i]);
        fputs(",window=\"", f);
        metrics_escape(f, duration_format(st->burn[k].lookback_us, buf, sizeof buf));
        fputs("\"}", f);
        value(f, st->burn[k].rate);
      }
    }
  metrics_family(f, "headroom_slo_group_status", "gauge", "1 for the current status of a group of a grouped SLO.");
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t i = 0; i < r->slos[j].ngroups; i++) {
      group_labels(f, "headroom_slo_group_status", &r->slos[j], &r->slos[j].groups[i]);
      fprintf(f, ",status=\"%s\"} 1\n", status_name(r->slos[j].groups[i].st.status));
    }
}

static void value(FILE *f, double x) {
  if (isnan(x))
    fputs(" NaN\n", f);
  else if (isinf(x))
    fputs(x > 0 ? " +Inf\n" : " -Inf\n", f);
  else {
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", x);
    if (strtod(buf, NULL) != x)
      snprintf(buf, sizeof buf, "%.17g", x);
    fprintf(f, " %s\n", buf);
  }
}

void metrics_slo_families(FILE *f, const struct hr_report *r, const uint64_t *good_total, const uint64_t *valid_total) {
  metrics_family(f, "headroom_slo_valid_total", "counter", "Valid events counted in the store for the SLO (all time).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (r->slos[j].comp != NULL) /* no events of its own: its components count them */
      continue;
    labels(f, "headroom_slo_valid_total", r->slos[j].slo);
    fprintf(f, "} %llu\n", (unsigned long long)valid_total[j]);
  }
  metrics_family(f, "headroom_slo_good_total", "counter", "Good events counted in the store for the SLO (all time).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (r->slos[j].comp != NULL)
      continue;
    labels(f, "headroom_slo_good_total", r->slos[j].slo);
    fprintf(f, "} %llu\n", (unsigned long long)good_total[j]);
  }
  metrics_family(f, "headroom_slo_composite_weight", "gauge",
                 "compositeWeight of each component of a composite SLO (its figures are the weighted means).");
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t k = 0; r->slos[j].comp != NULL && k < r->slos[j].comp->n; k++) {
      labels(f, "headroom_slo_composite_weight", r->slos[j].slo);
      fputs(",component=\"", f);
      metrics_escape(f, r->slos[j].members[k]->slo->name);
      fputs("\"}", f);
      value(f, r->slos[j].comp->weights[k]);
    }
  metrics_family(f, "headroom_slo_target_ratio", "gauge", "The SLO's objective as a fraction.");
  for (size_t j = 0; j < r->nslos; j++) {
    labels(f, "headroom_slo_target_ratio", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].slo->target);
  }
  metrics_family(f, "headroom_slo_sli_ratio", "gauge", "SLI over the SLO window (absent when the window has no data).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (!r->slos[j].st.has_sli)
      continue;
    labels(f, "headroom_slo_sli_ratio", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].st.sli);
  }
  metrics_family(f, "headroom_slo_budget_remaining_ratio", "gauge",
                 "Error budget remaining as a fraction of the window's budget (negative when overspent).");
  for (size_t j = 0; j < r->nslos; j++) {
    labels(f, "headroom_slo_budget_remaining_ratio", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].st.budget_remaining);
  }
  metrics_family(f, "headroom_slo_burn_rate", "gauge", "Error budget burn rate over the lookback window.");
  for (size_t j = 0; j < r->nslos; j++) {
    const struct hr_slo_state *st = &r->slos[j].st;
    for (size_t i = 0; i < st->nburn; i++) {
      char buf[32];
      labels(f, "headroom_slo_burn_rate", r->slos[j].slo);
      fputs(",window=\"", f);
      metrics_escape(f, duration_format(st->burn[i].lookback_us, buf, sizeof buf));
      fputs("\"}", f);
      value(f, st->burn[i].rate);
    }
  }
  metrics_family(f, "headroom_slo_time_to_exhaustion_seconds", "gauge",
                 "Time until the budget is spent at the status burn rate (absent when never).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (!r->slos[j].st.has_tte)
      continue;
    labels(f, "headroom_slo_time_to_exhaustion_seconds", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].st.tte_s);
  }
  metrics_family(f, "headroom_slo_status", "gauge", "1 for the SLO's current status, 0 for the others.");
  static const enum hr_status all[] = {HR_ST_GREEN, HR_ST_YELLOW, HR_ST_ORANGE, HR_ST_RED, HR_ST_NODATA};
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
      labels(f, "headroom_slo_status", r->slos[j].slo);
      fprintf(f, ",status=\"%s\"} %d\n", status_name(all[k]), r->slos[j].st.status == all[k]);
    }
  metrics_family(
      f, "headroom_slo_data", "gauge",
      "1 for the health of the data under the SLO's figures (ok, none, stale, unreadable), 0 for the others.");
  for (size_t j = 0; j < r->nslos; j++)
    for (int k = HR_DATA_OK; k <= HR_DATA_UNREADABLE; k++) {
      labels(f, "headroom_slo_data", r->slos[j].slo);
      fprintf(f, ",data=\"%s\"} %d\n", data_name((enum hr_data)k), (int)r->slos[j].st.data == k);
    }
  metrics_family(f, "headroom_slo_last_event_timestamp_seconds", "gauge",
                 "When the newest event of the SLO's DataSource happened (absent when none was read).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (r->slos[j].last_event_us == INT64_MIN)
      continue;
    labels(f, "headroom_slo_last_event_timestamp_seconds", r->slos[j].slo);
    fputc('}', f);
    value(f, (double)r->slos[j].last_event_us / 1e6);
  }
  metrics_family(
      f, "headroom_slo_burning", "gauge",
      "1 for how fast the SLO burns now against its alert conditions (ok, elevated, burning), 0 for the others.");
  for (size_t j = 0; j < r->nslos; j++)
    for (int k = HR_BURN_OK; k <= HR_BURN_FAST; k++) {
      labels(f, "headroom_slo_burning", r->slos[j].slo);
      fprintf(f, ",level=\"%s\"} %d\n", burning_name((enum hr_burning)k), (int)r->slos[j].now.level == k);
    }
  group_families(f, r);
}
