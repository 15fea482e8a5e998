/* canary.h -- a canary against its baseline (docs/cli/canary.md): the valid
 * events of one SLO in [since, at), read from logs (the only place that
 * keeps each event's fields), split by a filter into the canary and the
 * rest; each side's SLI and burn rate, a one-sided Fisher exact test that
 * the canary's bad share exceeds the baseline's (core/fisher.h), and a
 * verdict a pipeline branches on: promote, hold or rollback.
 *
 * Events are counted by the same pipeline as `report` (its filters, its
 * exclusions, and the maintenance windows of the store's timeline), so the
 * two sides add up to what `report` counts over the same interval. */
#ifndef HR_ENGINE_CANARY_H
#define HR_ENGINE_CANARY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/report.h"

#define HR_CANARY_MIN_EVENTS 100 /* default --min-events */
#define HR_CANARY_ALPHA 0.05     /* p below this: the canary is worse */

/* In the order of their exit codes' meaning; canary_exit_code() maps. */
enum hr_canary_verdict { HR_CANARY_PROMOTE = 0, HR_CANARY_ROLLBACK, HR_CANARY_HOLD };

struct hr_canary_side {
  uint64_t good, valid;
  int has_sli;      /* valid > 0 */
  double sli;       /* good / valid */
  double burn_rate; /* (1 - sli) / (1 - target) */
};

struct hr_canary_opts {
  /* in: the logs (none: the files of the SLO's DataSource paths), always read
   * with the SLO's DataSource (in.source, when set, must name it); in.db: the
   * store whose timeline holds the deploys and maintenance windows. Without
   * has_at, the instant is just after the last event read (its minute rounded
   * up); events dated after now_us + 5 min are not read. */
  struct hr_read_opts read;
  const char *slo;  /* its name (required) */
  const char *expr; /* the canary's filter (required) */
  int has_since;
  int64_t since_us;    /* else: the last deploy of the SLO's service at or before the instant */
  uint64_t min_events; /* fewer valid events on either side: hold */
};

struct hr_canary {
  const struct hr_slo *slo; /* borrowed from the configuration */
  const char *expr;         /* borrowed from the options */
  int64_t since_us, at_us;
  int since_deploy;  /* since is the deploy below (not --since) */
  char *deploy_text; /* its text, or NULL (owned) */
  uint64_t min_events;
  struct hr_canary_side canary, baseline;
  int has_p; /* both sides have valid events */
  double p_value;
  enum hr_canary_verdict verdict;
  char reason[320]; /* why, in a sentence */
  char **files;     /* the files read when none were named: the DataSource's paths expanded (owned) */
  size_t nfiles;
  struct hr_report rd; /* what was read: stats, samples, input errors, the timeline */
};

/* Compare. Fails (exit 2 in the CLI) when: the SLO is unknown
 * (HR_ERR_NOTFOUND) or not read from logs; the filter does not compile or
 * names a field the SLO's format cannot have (err: "--canary: col N: ...");
 * no log is named and the DataSource's paths match no file; there is no
 * --since and no deploy of the service at or before the instant; or,
 * after reading, no valid event had a value for a field the filter reads.
 * On success *c is filled (canary_free()); unreadable parts of the logs are
 * in c->rd.errors and c->rd.unreadable. */
enum hr_rc engine_canary(const struct hr_config *cfg, const struct hr_canary_opts *o, struct hr_canary *c /* OUT */,
                         struct hr_err *err);
void canary_free(struct hr_canary *c);

/* The figures and the verdict from c->canary and c->baseline's good/valid
 * counts, c->min_events and the SLO's target (engine_canary() calls it;
 * tests may too). */
void canary_judge(struct hr_canary *c, double target);

const char *canary_verdict_name(enum hr_canary_verdict v); /* "promote", "rollback", "hold" */
int canary_exit_code(enum hr_canary_verdict v);            /* 0, 1, 3 */
/* "p = 0.0031", "p < 0.0001": p for people (the JSON has it exactly);
 * returns buf. */
const char *canary_p_text(double p, char *buf, size_t n);
/* A burn rate for people: "4.78×", "0.229×", "1250×"; returns buf. */
const char *canary_rate_text(double x, char *buf, size_t n);

#endif
