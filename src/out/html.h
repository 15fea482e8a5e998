/* html.h -- the dashboard's data beyond the report: an SLO's series for the
 * charts, its burn-rate thresholds and its exclusions (the detail object of
 * GET /api/v1/slos/NAME, docs/dashboard.md), and `report --format html`: the
 * dashboard as ONE self-contained file (web/ assets and the chart library
 * inlined, the data inlined as window.HEADROOM_DATA) that renders with no
 * server and no network. */
#ifndef HR_HTML_H
#define HR_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/series.h"
#include "out/report.h"
#include "store/timeline.h"

/* Points of a series by default: 28 days at one point per 56 minutes. */
#define HR_SERIES_POINTS 720

struct hr_jw;

/* Write the member "series" into the open object of w: the SLO of rs
 * evaluated on the grid of s at up to max_points instants from its window's
 * start (rs->st.window_start_us) to rs->st.at_us, equally spaced by a whole
 * number of minutes:
 *   {"step_seconds": N, "t": [unix seconds], "sli": [fraction|null],
 *    "budget_remaining": [fraction], "burn_rate_<lookback>": [..] (one per
 *    lookback of the SLO, e.g. burn_rate_1h), "good": [n], "valid": [n]}
 * good[i]/valid[i] count the events in [t[i-1], t[i]) ([window start, t[0])
 * for i = 0). s must be the series rs->st was evaluated from (same grid). */
void slo_series_json(struct hr_jw *w, const struct hr_report_slo *rs, const struct hr_series *s, size_t max_points);

/* Write the member "thresholds": the SLO's burn-rate alert conditions,
 * [{"name", "severity", "lookback", "short_lookback", "burn_rate"}]; nothing
 * when the SLO has no alert policy (the dashboard then draws the SPEC
 * defaults 14.4, 6, 3, 1). */
void slo_thresholds_json(struct hr_jw *w, const struct hr_slo *slo);

/* Write the SLO's exclusions that intersect [from_us, to_us) as timeline
 * entries into the open array of w: {"at", "end", "kind": "exclusion",
 * "text"} (RFC 3339). Returns how many were written. */
size_t slo_exclusions_json(struct hr_jw *w, const struct hr_slo *slo, int64_t from_us, int64_t to_us);

/* Write the annotations of a (n of them, e.g. from timeline_list()) that
 * belong to service (NULL: all) as timeline entries into the open array of
 * w: {"at", "end" (maintenance), "kind", "text"}. Returns how many. */
size_t slo_annotations_json(struct hr_jw *w, const struct hr_annotation *a, size_t n, const char *service);

/* The whole dashboard for r as one HTML file. series: r->nslos series, the
 * ones r was evaluated from (same order as r->slos), or NULL: the SLO pages
 * then show the report's figures and burn rates without the time series.
 * timeline: the store's annotations over the window (ntimeline of them), or
 * NULL: each SLO's timeline then holds its exclusions only. */
void report_html(FILE *f, const struct hr_report *r, const struct hr_series *series,
                 const struct hr_annotation *timeline, size_t ntimeline);

#endif
