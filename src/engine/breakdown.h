/* breakdown.h -- "what is burning": the values of one field of the events
 * (path, host, status, client, any field of a format) ranked by the bad
 * events they contributed to an SLO over a lookback ending at the instant,
 * each with its valid and good events, its SLI, its share of the bad events
 * and of the burn (docs/cli/report.md, "--breakdown").
 *
 * Events are counted by the same pipeline as `report` (its filters, its
 * exclusions, the maintenance windows of the store's timeline), so the
 * values of an SLO add up to what `report` counts over the same lookback:
 * the burn contributions sum to the SLO's burn rate over it. Read from the
 * logs named (the only place that keeps each event's fields). */
#ifndef HR_ENGINE_BREAKDOWN_H
#define HR_ENGINE_BREAKDOWN_H

#include <stddef.h>
#include <stdint.h>

#include "engine/report.h"

#define HR_BREAKDOWN_LOOKBACK_US (INT64_C(3600) * 1000000) /* default --lookback: 1h */
#define HR_BREAKDOWN_TOP 10                                /* default --top */
#define HR_BREAKDOWN_MAX_KEYS ((size_t)1 << 18) /* (SLO, value, minute) keys kept; more fold into "(other values)" */

struct hr_breakdown_opts {
  /* in: the logs (required); in.db: the store whose timeline holds
   * maintenance windows. Without has_at, the instant is just after the last
   * event read (its minute rounded up); events dated after now_us + 5 min are
   * not read. */
  struct hr_read_opts read;
  const char *field;   /* the field's name as filters write it (required) */
  const char *slo;     /* NULL: every SLO read from logs whose DataSource has the field */
  int64_t lookback_us; /* > 0 */
  size_t top;          /* values listed per SLO; the rest are summed in `rest` (0: every value) */
};

/* The figures of one value (or of the rest). */
struct hr_breakdown_row {
  char *value; /* owned; NULL: the event had no value for the field */
  uint64_t good, valid, bad;
  int has_sli;              /* valid > 0 */
  double sli;               /* good / valid */
  double burn_rate;         /* (bad / valid) / (1 - target): how fast this value alone burns */
  double share;             /* bad / the SLO's bad over the lookback (0 when it has none) */
  double burn_contribution; /* (bad / the SLO's valid) / (1 - target): the SLO's burn rate is their sum */
  int64_t first_us;         /* the earliest event of it in the lookback */
};

struct hr_breakdown_slo {
  const struct hr_slo *slo;      /* borrowed from the configuration */
  struct hr_breakdown_row all;   /* every event of the lookback (value NULL; share 1 when any is bad) */
  struct hr_breakdown_row *rows; /* worst first: most bad events, then most valid, then by value; owned */
  size_t nrows;                  /* listed (at most top) */
  size_t nvalues;                /* distinct values seen (rows + the ones in rest) */
  struct hr_breakdown_row rest;  /* the values past top, summed (value NULL; valid 0 when none) */
};

struct hr_breakdown {
  const char *field;                   /* borrowed from the options */
  int64_t at_us, from_us, lookback_us; /* [from, at) */
  struct hr_breakdown_slo *slos;       /* configuration order; owned */
  size_t nslos;
  uint64_t overflowed; /* events counted under "(other values)" because too many values were seen */
  char **skipped;      /* "SLO x: why" for the SLOs left out (owned) */
  size_t nskipped;
  struct hr_report rd; /* what was read: stats, samples, input errors, the timeline */
};

/* Rank. Fails (exit 2 in the CLI) when: no log is named; --slo names no SLO
 * (HR_ERR_NOTFOUND) or one that is not read from logs or whose format cannot
 * have the field (err lists the fields it has); no SLO at all can have the
 * field. On success *b is filled (breakdown_free()); unreadable parts of the
 * logs are in b->rd.errors and b->rd.unreadable. */
enum hr_rc engine_breakdown(const struct hr_config *cfg, const struct hr_breakdown_opts *o,
                            struct hr_breakdown *b /* OUT */, struct hr_err *err);
void breakdown_free(struct hr_breakdown *b);

#endif
