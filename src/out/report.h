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
};

void report_free(struct hr_report *r);
void report_add_error(struct hr_report *r, const char *msg);

/* One JSON object: lines_read, lines_malformed, at, slos[...] (SPEC §4). */
void report_json(FILE *f, const struct hr_report *r);
/* Write one SLO's JSON object as a member of an open array (for gate/api). */
struct hr_jw;
void report_json_slo(struct hr_jw *w, const struct hr_report_slo *rs);

/* The table; color: ANSI colours for the status. */
void report_text(FILE *f, const struct hr_report *r, int color);

/* "43m 12s", "14h 24m", "2d 3h", "now"; into buf. */
char *human_duration(double seconds, char *buf, size_t n);

#endif
