/* report.h -- renderings of the engine's report (engine/report.h): JSON with
 * the keys docs/cli/report.md documents, and a text table a person reads at
 * a glance. gate, the HTTP API and the HTML report reuse both. */
#ifndef HR_OUT_REPORT_H
#define HR_OUT_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "engine/report.h"

struct hr_jw;

/* One JSON object: at, lines_read, lines_malformed, ..., slos[...]. */
void report_json(FILE *f, const struct hr_report *r);
/* The members of that object, written into an object the caller opened on
 * w. idx (may be NULL: every SLO) limits "slos" to r->slos[idx[0..n)] (gate
 * lists its service's SLOs). */
void report_json_members(struct hr_jw *w, const struct hr_report *r, const size_t *idx, size_t n);
/* One SLO's members (name, target, sli, budget_remaining, burn_rate, status,
 * burning_now, since_deploy, ...) into an object the caller opened. */
void report_json_slo_members(struct hr_jw *w, const struct hr_report_slo *rs);

/* The table, for the SLOs idx[0..n) (idx NULL: all); color: ANSI colours. */
void report_text(FILE *f, const struct hr_report *r, const size_t *idx, size_t n, int color);

#endif
