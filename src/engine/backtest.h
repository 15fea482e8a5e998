/* backtest.h -- replaying alert conditions over history (docs/cli/backtest.md).
 *
 * The logs are read once into per-SLO minute rings large enough for the whole
 * replay; slo_replay_new() turns each ring into prefix sums, so every minute
 * costs O(lookbacks) per SLO, and the conditions and their state machine
 * (core/alert.h) run exactly as in the alert round, without a store. The
 * exclusions in force are the configured ones plus the maintenance windows
 * of the store's timeline when the configuration's store exists, as for
 * every other evaluation. */
#ifndef HR_ENGINE_BACKTEST_H
#define HR_ENGINE_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include "engine/report.h"

struct hr_bt_alert {
  size_t slo;  /* index into cfg->slos */
  size_t cond; /* index of c among the SLO's conditions in its set */
  const struct hr_condition *c;
  int64_t fired_at, resolved_at; /* resolved_at INT64_MIN: still firing at the end */
  int notified;                  /* sent (core/alert.h incident_step): it opened its incident, or it was
                                  * still firing when the page incident that inhibited it closed; 0: it
                                  * joined an open incident or continued one, or was inhibited throughout */
  int64_t closed_at;             /* notified: when its incident's resolve was sent; INT64_MIN: still open */
};

struct hr_bt_set {
  const char *label;                 /* "configuration" or "policy" */
  const struct hr_condition **conds; /* the policy set: the same for every SLO (owned array); NULL: each SLO's own */
  size_t nconds;
  struct hr_bt_alert *alerts; /* by fired_at, then SLO, then condition */
  size_t n, cap;
  int64_t *pages, *tickets, *minutes; /* per SLO of cfg: firings of page / ticket conditions, minutes firing */
  int64_t *pages_sent, *tickets_sent; /* per SLO: the firings notified (one per incident) */
};

struct hr_backtest_opts {
  struct hr_input in;
  int has_from, has_to;
  int64_t from_us, to_us;         /* whole minutes */
  const struct hr_config *policy; /* --policy: replayed side by side for every SLO; NULL: none */
};

struct hr_backtest {
  int64_t from_us, to_us;
  size_t nmin;
  struct hr_report rd; /* what was read: stats, samples, errors */
  char **warnings;     /* owned */
  size_t nwarnings;
  struct hr_bt_set sets[2];
  size_t nsets;
  double read_s, replay_s; /* wall time of each phase (shown, never a figure) */
};

/* Replay. HR_ERR_USAGE when there is nothing to replay (no events and no
 * --from/--to), or --policy has no conditions. */
enum hr_rc engine_backtest(const struct hr_config *cfg, const struct hr_backtest_opts *o,
                           struct hr_backtest *out /* OUT */, struct hr_err *err);
void backtest_free(struct hr_backtest *b);

#endif
