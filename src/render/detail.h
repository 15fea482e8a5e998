/* detail.h -- the JSON of an SLO's page (engine/detail.h): what GET
 * /api/v1/slos/NAME answers and what the HTML report embeds per SLO. The
 * shapes are documented in docs/dashboard.md. */
#ifndef HR_OUT_DETAIL_H
#define HR_OUT_DETAIL_H

#include "engine/detail.h"

struct hr_jw;

/* The SLO's page as one object: its report members (report_json_slo_members)
 * followed by series, recent, thresholds, timeline, alerts, latency,
 * bad_events, links, system_metrics and detail_errors. */
void slo_page_json(struct hr_jw *w, const char *key, const struct hr_detail *d);

/* A series view as columns: {"step_seconds", "t": [unix s], "sli",
 * "budget_remaining", "burn_rate_<lookback>"..., "good", "valid"}. */
void series_view_json(struct hr_jw *w, const char *key, const struct hr_series_view *v);

/* The overview's small chart of an SLO: {"step_seconds", "t", "sli",
 * "budget_remaining"} of its trend (engine_trend()). */
void trend_json(struct hr_jw *w, const char *key, const struct hr_series_view *v);

#endif
