/* history.h -- exact counts of an SLO over any interval of its past: from
 * the store (its minute, hour and day rows) or from the logs named (read
 * whole, up to HR_HISTORY_DAYS), with the exclusions in force (configured
 * ones, and the maintenance windows of the store's timeline). What `risk`,
 * `suggest` and `canary` count (docs/internals/math.md, "Decisions from
 * history"), by the same rules as `report`. */
#ifndef HR_ENGINE_HISTORY_H
#define HR_ENGINE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/report.h"
#include "store/detail.h"

#define HR_HISTORY_DAYS 100 /* logs named: the most recent days kept (the store keeps everything) */

struct hr_history {
  const struct hr_config *cfg;
  int64_t at_us;                   /* the instant: nothing at or after it counts */
  struct hr_store *st;             /* the store read, or NULL */
  int64_t *ids;                    /* per SLO: its store id, -1 when the store never saw it */
  struct hr_series *series;        /* per SLO: the minutes of the logs named (NULL: no logs) */
  uint64_t (*lat)[HR_LAT_BUCKETS]; /* per SLO: the durations of the logs' valid events (NULL: no logs) */
  int64_t *first_us;               /* per SLO: its first minute with events (INT64_MAX: none) */
  struct hr_report rd;             /* what was read of the logs (stats, samples, errors) and the timeline */
};

/* Open the history of every SLO of cfg (cfg must outlive h), as o says
 * (without o->has_at: the store at the clock, logs just after their last
 * event). */
enum hr_rc history_open(const struct hr_config *cfg, const struct hr_read_opts *o, struct hr_history *h /* OUT */,
                        struct hr_err *err);
void history_close(struct hr_history *h);

/* The good and valid events of SLO j in [from_us, to_us) (clipped to before
 * the instant): exact for the logs; for the store, whole minutes (the
 * minutes that hold from_us and to_us count when they start inside). */
enum hr_rc history_counts(struct hr_history *h, size_t j, int64_t from_us, int64_t to_us, uint64_t *good /* OUT */,
                          uint64_t *valid /* OUT */, struct hr_err *err);

/* The good and valid events of SLO j in each of the n minutes from from_us
 * (a whole UTC minute) into good[i] and valid[i] (minute i), by the same
 * rules as history_counts(): the store's minutes less its service's
 * maintenance minutes, plus the logs' minutes; nothing at or after the
 * instant (its minute counts when it starts before the instant, as in
 * history_counts()). good and valid are the caller's, n long. */
enum hr_rc history_minutes(struct hr_history *h, size_t j, int64_t from_us, size_t n, uint64_t *good /* OUT */,
                           uint64_t *valid /* OUT */, struct hr_err *err);

/* Add the durations of SLO j's valid events of the whole history into
 * hist[HR_LAT_BUCKETS] (store/detail.h's buckets). */
enum hr_rc history_latency(struct hr_history *h, size_t j, uint64_t *hist, struct hr_err *err);

/* The window length of slo in microseconds (a calendar window: its nominal
 * length, 30 days a month). */
int64_t slo_window_us(const struct hr_slo *slo);

#endif
