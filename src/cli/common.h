/* common.h -- what every subcommand shares: loading the configuration with
 * its diagnostics printed once, parsing --at, computing the status of all
 * SLOs from logs and/or the store. */
#ifndef HR_COMMON_H
#define HR_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "core/series.h"
#include "out/report.h"

/* Load CONF; prints every diagnostic to stderr. Returns NULL on failure. */
struct hr_config *cli_load_config(const char *path);

/* Parse an RFC 3339 instant for --at; prints the error. 0 ok, -1 bad. */
int cli_parse_time(const char *opt, const char *s, int64_t *us);

/* 1 when f is a terminal (colours, progress). */
int cli_isatty(FILE *f);

/* Print "headroom: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct hr_status_opts {
  char **logs; /* files named on the command line */
  size_t nlogs;
  const char *source; /* --source */
  const char *db;     /* --db; NULL: the configuration's */
  int store;          /* 1: read the store too (default when no logs are named, or --db is) */
  int has_at;
  int64_t at_us;
  int threads; /* >= 1 */
  /* Non-NULL: receives the per-SLO minute series the report was evaluated
   * from (cfg->nslos of them, order of rep->slos) on success; the caller
   * series_reset()s each and frees the array. */
  struct hr_series **keep_series;
};

/* Evaluate every SLO of cfg. Fills *rep (report_free() it). Returns HR_OK, or
 * an error that stopped the evaluation (err filled; *rep then holds nothing).
 * Input errors that did not stop it (a truncated gzip) are in rep->errors.
 *
 * The timeline of the store (o->db, else the configuration's) is read when
 * the store exists, with or without logs: maintenance windows of a service
 * exclude its SLOs' events (log events exactly; store minutes lying wholly
 * inside the window), and each SLO gets the figures since the last deploy of
 * its service at or before the evaluation instant (docs/cli/annotate.md).
 *
 * SLOs on a prometheus DataSource get their minute series from Prometheus
 * (prom_slo_series(): range queries over the span slo_eval needs), never from
 * logs or the store; with only such SLOs no store is needed, and without
 * --at and nothing read locally the instant is now (whole minute). A
 * connection or query error stops the evaluation ("prometheus: <url>:
 * connection refused"); a total query without data leaves the SLO at no data
 * with a message in rep->errors. */
enum hr_rc status_compute(const struct hr_config *cfg, const struct hr_status_opts *o, struct hr_report *rep,
                          struct hr_err *err);

#endif
