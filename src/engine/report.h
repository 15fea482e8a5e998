/* report.h -- the engine's central answer: given the configuration, the data
 * (log files, the store, Prometheus) and an instant, the state of every SLO.
 * Every front end (report, gate, the HTTP API, the dashboard, /metrics, the
 * HTML report) renders this one struct; none computes a figure of its own.
 * The math is docs/internals/math.md; the layers docs/internals/architecture.md. */
#ifndef HR_ENGINE_REPORT_H
#define HR_ENGINE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/series.h"
#include "core/slo_eval.h"
#include "ingest/pipeline.h"
#include "store/timeline.h"

/* What an evaluation reads. */
struct hr_input {
  char **logs; /* files named on the command line ("-": standard input) */
  size_t nlogs;
  const char *source; /* the DataSource to read them with (NULL: by their paths) */
  const char *db;     /* the store; NULL: the configuration's */
  int store;          /* read the store as well as the logs named */
  int threads;        /* >= 1: threads reading the logs */
};

/* What is read and at which instant: the options every engine call that
 * reads data starts with (hr_eval_opts, history_open(), suggest, history,
 * risk, canary, breakdown), so a front end fills them in one place for all
 * of them. */
struct hr_read_opts {
  struct hr_input in;
  int has_at;
  int64_t at_us;  /* the instant (when has_at); else each call says which */
  int64_t now_us; /* the clock, read by the caller (the engine never reads it) */
};

struct hr_eval_opts {
  struct hr_read_opts read; /* without has_at: the store at now, logs just after the last event read; with
                             * has_at, now_us 0 means at_us */
  const char *slo;          /* NULL: every SLO; else only the SLO of that name (HR_ERR_NOTFOUND when none) */
  int keep_series;          /* keep each SLO's minute series and exclusions (engine_detail() needs them) */
  size_t trend_points;      /* > 0: each SLO's engine_trend() of that many points, in hr_report_slo.trend */
};

/* "Is it OK right now?", apart from the budget: the burn rate now against
 * the SLO's own alert conditions (docs/internals/math.md, "Burning now"). */
enum hr_burning { HR_BURN_OK = 0, HR_BURN_ELEVATED, HR_BURN_FAST };
const char *burning_name(enum hr_burning b); /* "ok", "elevated", "burning" */

struct hr_burn_now {
  enum hr_burning level;
  double rate;           /* the burn over lookback_us */
  double threshold;      /* the factor it is held against */
  int64_t lookback_us;   /* of the condition nearest to firing, else the status lookback (1h) */
  const char *condition; /* that condition's name (borrowed), or NULL */
};

struct hr_series_view; /* engine/detail.h */

/* One group of a grouped SLO (groupBy, docs/config.md): its own budget. */
struct hr_report_group {
  char **values; /* one per slo->group_by field (owned; NULL: the events had no value) */
  int other;     /* the group "_other": the values past maxGroups (values all NULL) */
  struct hr_slo_state st;
  struct hr_burn_now now;
  int64_t cid; /* read from the store: the id its counts are kept under (store/group.h); -1 from logs */
  /* engine_group_totals(): its all-time counts in the store (has_total 0: not read). */
  int has_total;
  uint64_t total_good, total_valid;
};

struct hr_report_slo {
  const struct hr_slo *slo; /* borrowed from the configuration */
  struct hr_slo_state st;   /* st.data: the data health (engine/health.h) */
  int64_t last_event_us;    /* the newest event of its DataSource read (INT64_MIN: none) */
  char *data_reason;        /* what is wrong with the data, for people (owned; NULL when ok) */
  struct hr_burn_now now;
  /* Since the last deploy of its service (the store's timeline; see
   * docs/cli/annotate.md). JSON: since_deploy, an object when has_deploy,
   * null when only timeline_read, absent when no timeline was read. */
  int timeline_read;
  int has_deploy;
  int64_t deploy_at_us;               /* the deploy (at or before at_us) */
  int64_t deploy_from_us;             /* counting starts at the first bucket at or after max(deploy, window start) */
  char *deploy_text;                  /* may be NULL (owned) */
  uint64_t deploy_good, deploy_valid; /* events since, exclusions removed */
  double deploy_budget_spent;         /* fraction of the window's error budget those events consumed */
  /* With keep_series: the minute series it was evaluated from and the
   * exclusions in force (configured plus its service's maintenance
   * windows). Owned. */
  struct hr_series series;
  int has_series;
  struct hr_exclusion *excl;
  size_t nexcl;
  /* With trend_points: engine_trend() computed while its minutes (or the
   * store's sums) were at hand, so no series is kept for it. Owned. */
  struct hr_series_view *trend;

  /* A grouped SLO: its groups, worst first (status red,
   * orange, yellow, nodata, green; then the least budget left; then by
   * values). From the logs, or from the store's grouped counts for a
   * report of the store alone. has_groups 0: not grouped, or read from
   * the logs and the store together or from Prometheus (rep->errors says
   * so for the former). Owned. */
  int has_groups;
  struct hr_report_group *groups;
  size_t ngroups;
  /* A composite SLO (docs/internals/math.md, "Composite SLOs"): slo is
   * comp->slo, st combined from its components members[i] (elements of the
   * same hr_report.slos, weights comp->weights[i]; the array is owned, the
   * elements borrowed). comp NULL for an ordinary SLO. */
  const struct hr_composite *comp;
  const struct hr_report_slo **members;
};

struct hr_report {
  int64_t at_us;
  int has_logs;               /* logs were named */
  struct hr_scan_stats stats; /* of those logs */
  char **samples;             /* "file:line: reason" of the first malformed lines (owned) */
  size_t nsamples;
  int from_store;
  char *store_path; /* the store read (owned), or NULL */
  uint64_t dropped; /* events older than the retained history */
  uint64_t future;  /* events of the logs dated after the clock (+5 min): not counted, never the instant */
  struct hr_scan_stats *src_stats; /* per DataSource of the configuration: what the logs named held (owned) */
  size_t nsrc_stats;
  struct hr_report_slo *slos; /* owned; configuration order, then the composites */
  size_t nslos;
  char **errors; /* input errors that did not stop the evaluation (owned) */
  size_t nerrors;
  size_t unreadable;              /* parts of the logs named that could not be read whole (in errors): the
                                   * figures stand for what was read, but a command must not pass on them */
  int has_timeline;               /* the store's timeline was read */
  size_t nmaintenance;            /* maintenance annotations applied as exclusions */
  struct hr_annotation *timeline; /* every annotation of the store (owned) */
  size_t ntimeline;
};

/* Evaluate the SLOs of cfg (cfg must outlive *rep). Fills *rep
 * (report_free() it). Returns HR_OK, or an error that stopped the evaluation
 * (err filled; *rep then holds nothing). Input errors that did not stop it
 * (a truncated gzip) are in rep->errors.
 *
 * The store is read when no logs are named, or with in.store or in.db. Its
 * timeline is read whenever it exists: maintenance windows of a service
 * exclude its SLOs' events (log events exactly; store minutes lying wholly
 * inside the window), and each SLO gets the figures since the last deploy of
 * its service at or before the instant (docs/cli/annotate.md).
 *
 * SLOs on a prometheus DataSource get their minutes from Prometheus, never
 * from logs or the store; with only such SLOs no store is needed, and without
 * --at and nothing read locally the instant is now (whole minute). A
 * connection or query error stops the evaluation; a total query without data
 * leaves the SLO at no data with a message in rep->errors. */
/* With o->slo naming a composite SLO, the report holds its components and
 * then the composite. */
enum hr_rc engine_report(const struct hr_config *cfg, const struct hr_eval_opts *o, struct hr_report *rep /* OUT */,
                         struct hr_err *err);
void report_free(struct hr_report *r);
void report_add_error(struct hr_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The warning for n events no figure counts because a filter's regex gave
 * up on them (PCRE2's match limit), into buf (cap bytes; truncated to fit).
 * Returns buf. report adds it to its errors, ingest prints it. */
const char *engine_undecided_msg(uint64_t n, char *buf, size_t cap);

/* The element of r for SLO name; NULL when absent. */
const struct hr_report_slo *report_find(const struct hr_report *r, const char *name);

/* 1 when an SLO of cfg reads Prometheus: its report figures are queried
 * anew, so they may change without the store changing. */
int engine_report_reads_prometheus(const struct hr_config *cfg);

/* All-time counts of every SLO of r in the store (the /metrics counters
 * headroom_slo_good_total and _valid_total), up to r->at_us: good[j] and
 * valid[j] for r->slos[j]; zero for SLOs the store never saw. */
enum hr_rc engine_totals(const struct hr_report *r, const char *db, uint64_t *good /* OUT */, uint64_t *valid /* OUT */,
                         struct hr_err *err);

/* The same for every group of r read from the store (the /metrics counters
 * headroom_slo_group_good_total and _valid_total): fills each group's
 * total_good, total_valid and has_total. */
enum hr_rc engine_group_totals(struct hr_report *r, const char *db, struct hr_err *err);

#endif
