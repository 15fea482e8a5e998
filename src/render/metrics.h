/* metrics.h -- the Prometheus text exposition (version 0.0.4) of a report:
 * every SLO's counters and gauges (GET /metrics adds the daemon's own
 * counters). # HELP and # TYPE once per family; label values escaped. */
#ifndef HR_OUT_METRICS_H
#define HR_OUT_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/report.h"

/* The per-SLO families of report r: headroom_slo_valid_total and
 * headroom_slo_good_total (good_total/valid_total: all-time sums per SLO,
 * parallel to r->slos), headroom_slo_target_ratio, headroom_slo_sli_ratio
 * (absent with no data), headroom_slo_budget_remaining_ratio,
 * headroom_slo_burn_rate{window}, headroom_slo_time_to_exhaustion_seconds,
 * headroom_slo_status{status}, headroom_slo_burning{level}; for the groups
 * of grouped SLOs (with each groupBy field as a label, grp_label_name())
 * headroom_slo_group_valid_total and _good_total (groups read from the
 * store: engine_group_totals()), headroom_slo_group_sli_ratio, headroom_slo_group_budget_remaining_ratio,
 * headroom_slo_group_burn_rate{window} and headroom_slo_group_status{status}
 * (the current status only): at most maxGroups + 1 series each per SLO. */
void metrics_slo_families(FILE *f, const struct hr_report *r, const uint64_t *good_total, const uint64_t *valid_total);

/* # HELP and # TYPE of a family. */
void metrics_family(FILE *f, const char *name, const char *type, const char *help);

/* Write s as a label value (escaping \ " and newline), without quotes. */
void metrics_escape(FILE *f, const char *s);

#endif
