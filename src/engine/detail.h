/* detail.h -- one SLO as its page shows it (the dashboard, GET
 * /api/v1/slos/NAME, the HTML report): its figures over time, the alert
 * conditions it is held against, its timeline, its alerts, latency
 * percentiles and latest bad events, links to its logs elsewhere and the
 * system metrics of its service. Computed here once from a report that kept
 * its series (engine_report() with keep_series); out/detail.c renders it.
 * The shapes are documented in docs/dashboard.md. */
#ifndef HR_ENGINE_DETAIL_H
#define HR_ENGINE_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/alert.h"
#include "engine/report.h"
#include "store/alerts.h"
#include "store/detail.h"

#define HR_DETAIL_POINTS 720            /* points of a series by default */
#define HR_RECENT_US (6 * 3600000000LL) /* the recent series: the last 6 hours, minute by minute */

/* The SLO evaluated at n instants of [from, to], as slo_eval would at each
 * (the SLI and budget over the window ending there: the rolling trend), on a
 * grid of step_us (1m, 5m, 15m, 30m, 1h, 3h, 6h, 1d or 7d; the finest that
 * keeps the points within the limit): t[i] = the grid instants after from,
 * and to itself last. */
struct hr_series_view {
  size_t n;
  int64_t step_us;
  int64_t *t_us;
  double *sli; /* NAN: no data in the window ending there */
  double *budget_remaining;
  size_t nburn;
  int64_t lookback_us[HR_MAX_LOOKBACKS]; /* the SLO's lookbacks */
  double *burn[HR_MAX_LOOKBACKS];
  uint64_t *good, *valid; /* events in [t[i-1], t[i]) ([from, t[0]) for i = 0) */
};
void series_view_free(struct hr_series_view *v);

/* The series of composite rs from its components' views mv[i] (in
 * rs->comp->members order, on one grid; borrowed), combined point by point
 * by composite_eval() (docs/internals/math.md, "Composite SLOs"). Fills *v
 * (series_view_free() it). */
void engine_composite_view(const struct hr_report_slo *rs, const struct hr_series_view *const *mv,
                           struct hr_series_view *v /* OUT */);

/* A condition in force and the burn rate at which it holds now: its factor
 * for a burn-rate condition; remaining budget x W / horizon for a time to
 * exhaustion one (has_rate 0 for a budget level). */
struct hr_threshold {
  const struct hr_condition *c; /* borrowed (configuration or defaults) */
  int has_rate;
  double rate;
};

struct hr_tl_entry {
  int64_t at_us, end_us;                    /* end_us INT64_MIN: a point */
  const char *source;                       /* "annotation", "alert" or "exclusion" (static) */
  char *kind, *text, *condition, *severity; /* owned; condition and severity for alerts */
};

struct hr_latency_view {
  size_t n;
  int64_t step_s;
  int64_t *t_s;            /* the series' grid */
  double *p50, *p95, *p99; /* seconds; NAN: no duration in the interval */
  uint64_t *count;
  uint64_t wcount; /* over the whole range */
  double wp50, wp95, wp99;
  double threshold_s; /* the good filter's duration < X; NAN when none */
};

struct hr_link {
  char *title, *url;
};

struct hr_sys_series {
  char *labels; /* as Prometheus sent them */
  size_t n;
  int64_t *t_s;
  double *v;
};
struct hr_sys_metric {
  char *title, *query, *error; /* error: why there is no data (owned), or NULL */
  struct hr_sys_series *series;
  size_t nseries;
};

struct hr_detail {
  const struct hr_report_slo *rs; /* borrowed */
  int64_t from_us, to_us;         /* the range shown */
  int has_series;
  struct hr_series_view series;
  int has_recent;
  struct hr_series_view recent; /* the last HR_RECENT_US of the range, minute by minute */
  struct hr_threshold *thr;
  size_t nthr;
  struct hr_thresholds status_thr; /* the status light's (slo_status_thresholds()) */
  struct hr_tl_entry *timeline;    /* in time order */
  size_t ntimeline;
  int has_alerts;              /* the store was read: alerts is the truth (possibly empty) */
  struct hr_alert_row *alerts; /* as they stood at to_us (engine_alerts_as_of()): firing, pending, then resolved;
                                  newest first within each */
  size_t nalerts;
  int has_latency;
  struct hr_latency_view latency;
  int has_bad;
  struct hr_bad_event *bad; /* newest first, before the instant */
  size_t nbad;
  struct hr_link *links;
  size_t nlinks;
  struct hr_sys_metric *sys;
  size_t nsys;
  char **errors; /* what could not be read (the rest stands) */
  size_t nerrors;
};

struct hr_detail_opts {
  int64_t from_us, to_us; /* both 0: the window [window start, instant]; else clamped to it */
  size_t max_points;      /* 0: HR_DETAIL_POINTS */
  int recent;             /* also the recent series */
  int system;             /* query the service's system metrics from Prometheus */
};

/* The detail of rs, an element of rep (evaluated with keep_series; without
 * a series, the time series stay empty). The store rep read (or the
 * configuration's) gives alerts, latency and bad events when it exists. */
enum hr_rc engine_detail(const struct hr_config *cfg, const struct hr_report *rep, const struct hr_report_slo *rs,
                         const struct hr_detail_opts *o, struct hr_detail *out /* OUT */, struct hr_err *err);
void detail_free(struct hr_detail *d);

/* The rolling SLI and budget of rs at about `points` instants over its
 * window (the overview's small charts). */
void engine_trend(const struct hr_report_slo *rs, size_t points, struct hr_series_view *out /* OUT */);

/* The first step of 1m, 5m, 15m, 30m, 1h, 3h, 6h, 1d, 7d that cuts span_us
 * into at most max_points intervals. */
int64_t detail_step(int64_t span_us, size_t max_points);

#endif
