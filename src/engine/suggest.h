/* suggest.h -- targets and latency thresholds that history supports
 * (docs/cli/suggest.md): for each SLO, the SLIs it achieved over the
 * rolling windows of its length that end at each day boundary of its
 * history, the share of those windows each candidate target would have met
 * with its budget as time, the tightest target met often enough, and for an
 * SLO whose filter reads `duration` the quantiles of its valid events'
 * durations. The counts come from engine/history.h, the same counts as
 * `report`. */
#ifndef HR_ENGINE_SUGGEST_H
#define HR_ENGINE_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "engine/history.h"

#define HR_SUGGEST_TARGETS 7
extern const double hr_suggest_targets[HR_SUGGEST_TARGETS]; /* 0.9 0.95 0.99 0.995 0.999 0.9995 0.9999 */
#define HR_SUGGEST_SHARES 4
extern const double hr_suggest_shares[HR_SUGGEST_SHARES]; /* threshold_for: 0.9 0.95 0.99 0.999 */
#define HR_SUGGEST_CONFIDENCE 0.9
#define HR_SUGGEST_THIN 7 /* fewer whole windows: the text calls the basis thin */

struct hr_suggest_cand {
  double target;
  int current;      /* the SLO's own target */
  size_t met;       /* windows with an SLI >= target */
  double met_share; /* met / windows with data; NAN when none has data */
  double budget_s;  /* (1 - target) x the window, seconds to the millisecond */
};

struct hr_suggest_latency {
  uint64_t events; /* valid events with a duration */
  /* Upper bounds of the buckets holding each nearest-rank quantile (store/detail.h's
   * buckets; 10000 s for the last one); NAN when events is 0. */
  double p50, p95, p99;
  double threshold_for[HR_SUGGEST_SHARES]; /* the X of `duration < X` met by each share */
  double current;                          /* the X of the SLO's own filter; NAN when none is read */
};

struct hr_suggest_slo {
  const struct hr_slo *slo; /* borrowed from the configuration */
  const char *zone;         /* the day boundaries' time zone (borrowed) */
  int64_t window_us;
  int64_t first_us;   /* its first minute with events (INT64_MAX: none before the instant) */
  int64_t history_us; /* from first_us to the instant (0: none) */
  size_t nwindows;    /* windows wholly in the history; 0: one window over all of it (when it has events) */
  int64_t first_end_us, last_end_us; /* of those windows (or of the one over the history); INT64_MIN: none */
  size_t nsli;                       /* of them, those with valid events */
  int thin;                          /* fewer than HR_SUGGEST_THIN whole windows: a thin basis */
  int64_t *win_end_us;               /* every window's end, in time order (owned; nwin of them: nwindows, or */
  double *win_sli;                   /* 1 for the one over the history); its SLI, NAN without valid events */
  size_t nwin;
  double min, p10, p50;                                /* their SLIs (nearest rank); NAN when nsli is 0 */
  struct hr_suggest_cand cand[HR_SUGGEST_TARGETS + 1]; /* ascending by target */
  size_t ncand;
  int suggested; /* index into cand of the tightest met in >= confidence of the windows; -1: none */
  int has_latency;
  struct hr_suggest_latency lat;
};

struct hr_suggest {
  int64_t at_us;
  double confidence;
  struct hr_suggest_slo *slos; /* configuration order; the one named, or all (owned) */
  size_t nslos;
  struct hr_report rd; /* what was read of the logs: stats, samples, errors (owned) */
};

struct hr_suggest_opts {
  struct hr_read_opts read; /* what is read, the instant, the clock */
  const char *slo;          /* NULL: every SLO; else only that one (HR_ERR_NOTFOUND when none) */
  double confidence;        /* 0: HR_SUGGEST_CONFIDENCE; else in (0, 1] */
};

/* Fill *out (suggest_free() it) for the SLOs of cfg (cfg must outlive
 * *out). On failure *out holds nothing. */
enum hr_rc engine_suggest(const struct hr_config *cfg, const struct hr_suggest_opts *o,
                          struct hr_suggest *out /* OUT */, struct hr_err *err);
void suggest_free(struct hr_suggest *s);

#endif
