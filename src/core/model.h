/* model.h -- the configuration model: OpenSLO v1's kinds (Service, SLI,
 * SLO, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget)
 * plus headroom's own keys, as the evaluation code reads them. The loader
 * (src/config/config.h) fills it; docs/config.md describes every key. Only
 * types here: the core math depends on them, not on the loader. */
#ifndef HR_MODEL_H
#define HR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/format.h"
#include "core/tz.h"

struct hr_loc {
  const char *file; /* borrowed from hr_config.files */
  int line, col;    /* 1-based */
};

struct hr_datasource {
  char *name;
  char *type;                /* "headroom.logs" or "prometheus" */
  struct hr_format_opts fmt; /* strings owned by the config */
  struct hr_jsonl_map *map;  /* owned; fmt.map points here */
  char **paths;              /* globs to tail / ingest; may be empty */
  size_t npaths;
  char *url; /* prometheus */
  /* prometheus connection (docs/config.md): at most one of bearer token and
   * basic auth. A *_file is read at query time (path resolved against the
   * configuration's directory). timeout_us 0: the default (30 s). */
  char *bearer_token;
  char *bearer_token_file;
  char *basic_user;
  char *basic_password;
  char *basic_password_file;
  int64_t timeout_us;
  /* Data health (docs/internals/math.md): the data is stale when its newest
   * event is older than stale_after_us at the instant (default 1h), and
   * unreadable when more than max_malformed (default 0.5) of the lines read
   * were malformed. */
  int64_t stale_after_us;
  double max_malformed;
  struct hr_loc loc;
  struct hr_loc fmt_loc;    /* the text of logFormat, else of format (else loc): for `check` */
  int fmt_bad;              /* headroom.logs without a known format (an error): check reads its filters' syntax */
  struct hr_loc *path_locs; /* owned, parallel to paths: where each is written */
};

enum hr_budgeting { HR_BUDGET_OCCURRENCES = 0, HR_BUDGET_TIMESLICES, HR_BUDGET_RATIO_TIMESLICES };

enum hr_window_kind { HR_WIN_ROLLING = 0, HR_WIN_CALENDAR };
enum hr_cal_unit { HR_CAL_DAY = 0, HR_CAL_WEEK, HR_CAL_MONTH, HR_CAL_QUARTER, HR_CAL_YEAR };

struct hr_window {
  enum hr_window_kind kind;
  int64_t length_us;     /* rolling: the duration */
  enum hr_cal_unit unit; /* calendar: "1w" -> WEEK count 1, "1M" MONTH, "1Q" QUARTER, "1y" YEAR, "1d" DAY */
  int count;
  int64_t start_us;         /* calendar.startTime (UTC instant) */
  char *tz;                 /* calendar.timeZone, e.g. "Europe/Berlin"; "UTC" default */
  const struct hr_tz *zone; /* tz, loaded with the configuration (hr_config.zones); NULL for rolling windows */
};

/* A maintenance window or known-bad period. One-off: [start_us, end_us).
 * Recurring: every day whose bit is set in weekdays (bit 0 = Sunday ... bit 6
 * = Saturday; 0x7f = daily), from local time-of-day start_min for
 * duration_us, in time zone tz. */
struct hr_exclusion {
  int recurring;
  int64_t start_us, end_us;
  unsigned weekdays;
  int start_min;
  int64_t duration_us;
  char *tz;
  const struct hr_tz *zone; /* recurring: tz, loaded with the configuration (hr_config.zones) */
  char *reason;
};

enum hr_cond_kind {
  HR_COND_BURNRATE = 0, /* burn over long AND over short lookback > factor */
  HR_COND_EXHAUSTION,   /* time to exhaustion at burn over lookback < horizon */
  HR_COND_BUDGET,       /* remaining budget below level */
  HR_COND_NODATA        /* the SLO's data is not ok (AlertPolicy alertWhenNoData) */
};

struct hr_condition {
  char *name;
  char *severity; /* "page", "ticket", ... */
  enum hr_cond_kind kind;
  double factor;          /* BURNRATE: threshold */
  int at_factor;          /* BURNRATE: op gte, fires at the threshold too (gt: only above) */
  int64_t long_us;        /* BURNRATE: long lookback; EXHAUSTION: lookback */
  int64_t short_us;       /* BURNRATE: short lookback (0: none) */
  int64_t horizon_us;     /* EXHAUSTION */
  double level;           /* BUDGET: fraction */
  int64_t alert_after_us; /* pending this long before firing */
  int64_t damping_us;     /* its AlertPolicy's headroom.dev/damping; 0: the default, HR_DAMPING_US */
  struct hr_loc loc;
  struct hr_loc lookback_loc, short_loc; /* lookbackWindow, headroom.dev/short-window (else loc) */
};

struct hr_alert_target {
  char *name;
  char *kind; /* "alertmanager" | "webhook" */
  char *url;
};

struct hr_alert_policy {
  char *name;
  struct hr_condition *conds;
  size_t nconds;
  char **targets; /* AlertNotificationTarget names */
  size_t ntargets;
  struct hr_loc loc;
};

/* Status thresholds (docs/internals/math.md). */
struct hr_thresholds {
  double rem_yellow;                         /* remaining <= this: at least yellow (0.70) */
  double rem_orange;                         /* remaining < this: at least orange (0.30) */
  double rem_red;                            /* remaining <= this: red (0.0) */
  double burn_yellow, burn_orange, burn_red; /* 1h burn > this (2, 5, 10) */
  int64_t burn_lookback_us;                  /* 1h */
};

#define HR_MAX_LOOKBACKS 16
#define HR_DEFAULT_MAX_GROUPS 100 /* groupBy without maxGroups */
#define HR_MAX_GROUPS 1000        /* the most maxGroups may say */

struct hr_slo {
  char *name;
  char *display_name;
  char *service;
  char *description;
  char *sli_name;
  struct hr_datasource *source; /* borrowed from hr_config.sources */
  char *good_filter;            /* exactly one of good_filter / bad_filter is set */
  char *bad_filter;
  char *total_filter; /* NULL: every event of the source is valid */
  struct hr_loc good_loc, bad_loc, total_loc;
  /* groupBy (total's metricSource.spec): one budget per value of these
   * fields (docs/config.md, "Grouped SLOs"); the first max_groups distinct
   * values read get their own, the rest are counted under "_other". */
  char **group_by; /* NULL when ungrouped */
  size_t ngroup_by;
  size_t max_groups; /* default 100 */
  struct hr_loc group_loc;
  enum hr_budgeting budgeting;
  double target;       /* fraction */
  double slice_target; /* timeslices */
  int64_t slice_us;    /* timeslices */
  struct hr_window window;
  int64_t min_events; /* per lookback; default 1 */
  struct hr_exclusion *excl;
  size_t nexcl;
  struct hr_thresholds thr;
  /* The cost of downtime (docs/config.md, `history`): headroom.dev/cost-per-bad-event
   * and cost-per-bad-minute (amounts >= 0, each counted only when its bit of cost_set
   * is on: bit 0 per bad event, bit 1 per bad minute), headroom.dev/currency (NULL: none). */
  unsigned cost_set;
  double cost_per_bad_event, cost_per_bad_minute;
  char *currency;
  struct hr_alert_policy **policies; /* borrowed; empty: default conditions */
  size_t npolicies;
  int no_alerts; /* a composite SLO without alertPolicies, and its components: no conditions, not the defaults */
  /* Every lookback the status and the alert conditions use, ascending,
   * deduplicated (default 5m 30m 1h 2h 6h 1d 3d). */
  int64_t lookbacks_us[HR_MAX_LOOKBACKS];
  size_t nlookbacks;
  struct hr_loc loc;
};

struct hr_service {
  char *name;
  char *display_name;
  char *description;
  char *gate_policy; /* headroom.dev/gate-policy as written (checked by gate_policy_parse()); NULL: default */
  char *logs_url;    /* headroom.dev/logs-url: a link template to the service's logs elsewhere; NULL: none */
  /* headroom.dev/system-metrics: "Title: PromQL" lines, drawn on the SLO page
   * from the configuration's prometheus DataSource. */
  char **metric_titles, **metric_queries;
  size_t nmetrics;
  /* Journeys (docs/cli/journeys.md): headroom.dev/value, 0..1 (low, medium,
   * high = 0.2, 0.5, 0.9); has_value 0 when not annotated. high_per_day:
   * headroom.dev/high-frequency, the events per day from which the journey
   * counts as frequent (0: placed between the quietest and busiest). */
  int has_value;
  double value;
  double high_per_day;
};

/* A composite SLO (OpenSLO v1: objectives that each name their own
 * indicator, weighted by compositeWeight). Its components are ordinary SLOs
 * of hr_config.slos, named "<slo>.<objective>"; the composite is evaluated
 * from their states (docs/internals/math.md, "Composite SLOs"). */
struct hr_composite {
  struct hr_slo slo; /* name, display name, service, window, budgeting, thresholds and lookbacks of its
                      * components; target: the weighted mean of theirs; no source, no filters */
  size_t *members;   /* indexes into hr_config.slos (owned) */
  double *weights;   /* compositeWeight of each, > 0 (owned) */
  size_t n;
};

struct hr_config {
  char **files; /* every file read (owned) */
  size_t nfiles;
  struct hr_service *services;
  size_t nservices;
  struct hr_datasource *sources;
  size_t nsources;
  struct hr_slo *slos;
  size_t nslos;
  struct hr_composite *composites; /* evaluated from their components in slos */
  size_t ncomposites;
  struct hr_alert_policy *policies;
  size_t npolicies;
  struct hr_alert_target *targets;
  size_t ntargets;
  char *db_path;        /* headroom.dev/db annotation, resolved against the config's dir; else <dir>/headroom.db */
  char *listen;         /* headroom.dev/listen; default "127.0.0.1:8080" */
  char *base_dir;       /* directory of the configuration */
  struct hr_tz **zones; /* every time zone the configuration names, loaded once (owned) */
  char **zone_names;
  size_t nzones;
};

#endif
