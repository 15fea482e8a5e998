/* report.h -- the SLO status of a configuration at one instant, and its
 * renderings: JSON exactly as SPEC §4 names its keys, and a text table a
 * person reads at a glance. gate and the dashboard reuse both. */
#ifndef HR_REPORT_H
#define HR_REPORT_H

#include <stdio.h>

#include "config/config.h"
#include "core/slo_eval.h"
#include "ingest/pipeline.h"

struct hr_report_slo {
  const struct hr_slo *slo; /* borrowed from the configuration */
  struct hr_slo_state st;
  /* Since the last deploy of its service (the store's timeline; see
   * docs/cli/annotate.md). JSON: since_deploy, an object when has_deploy,
   * null when only timeline_read, absent when no timeline was read. */
  int timeline_read;
  int has_deploy;
  int64_t deploy_at_us;       /* the deploy (at or before at_us) */
  int64_t deploy_from_us;     /* counting starts here: the first bucket at or after
                               * max(deploy, window start) */
  char *deploy_text;          /* the deploy's text, may be NULL (owned) */
  uint64_t deploy_good, deploy_valid; /* events since, exclusions removed */
  double deploy_budget_spent; /* fraction of the window's error budget those events consumed */
};

struct hr_report {
  int64_t at_us;
  int has_logs;                 /* logs were named on the command line */
  struct hr_scan_stats stats;   /* of those logs */
  int from_store;
  char *store_path;             /* borrowed */
  uint64_t dropped;             /* events older than the retained history */
  struct hr_report_slo *slos;   /* owned */
  size_t nslos;
  char **errors;                /* input errors that did not stop the report (owned) */
  size_t nerrors;
  int has_timeline;             /* the store's timeline was read: JSON has since_deploy per SLO */
  size_t nmaintenance;          /* maintenance annotations applied as exclusions */
};

void report_free(struct hr_report *r);
void report_add_error(struct hr_report *r, const char *msg);

/* One JSON object: lines_read, lines_malformed, at, slos[...] (SPEC §4). */
void report_json(FILE *f, const struct hr_report *r);
/* The members of that object, written into an object the caller opened on w
 * (gate adds its own members, then closes it). */
struct hr_jw;
void report_json_members(struct hr_jw *w, const struct hr_report *r);
/* Write one SLO's JSON object as a member of an open array (for gate/api). */
struct hr_jw;
void report_json_slo(struct hr_jw *w, const struct hr_report_slo *rs);

/* The table; color: ANSI colours for the status. */
void report_text(FILE *f, const struct hr_report *r, int color);

/* "43m 12s", "14h 24m", "2d 3h", "now"; into buf. */
char *human_duration(double seconds, char *buf, size_t n);

#endif
