/* slo_eval.h -- the math of docs/internals/math.md for one SLO at one instant: SLI, error
 * budget (fraction and time), burn rates for every lookback, time to
 * exhaustion, the status light with the red latch, timeslices.
 *
 * Pure: no I/O, no clock. `at_us` is always passed in. */
#ifndef HR_SLO_EVAL_H
#define HR_SLO_EVAL_H

#include <stdint.h>

#include "core/model.h"
#include "core/exclude.h"
#include "core/series.h"
#include "core/tz.h"

enum hr_status { HR_ST_NODATA = 0, HR_ST_GREEN, HR_ST_YELLOW, HR_ST_ORANGE, HR_ST_RED };

/* The health of the data under an SLO's figures (docs/internals/math.md,
 * "Data health"): none (no valid event in the window), stale (its source's
 * newest event is older than staleAfter), unreadable (its source's lines are
 * mostly malformed, or a field its filters read never had a value). */
enum hr_data { HR_DATA_OK = 0, HR_DATA_NONE, HR_DATA_STALE, HR_DATA_UNREADABLE };
/* "ok", "none", "stale", "unreadable". */
const char *data_name(enum hr_data d);

/* "green", "yellow", "orange", "red", "nodata". */
const char *status_name(enum hr_status s);

/* The budget remaining (a fraction) as every output words it (the gate's
 * reason, report's BUDGET LEFT, the dashboard's app.js budgetPct): "44.7%",
 * or "89.5% overspent" when negative (docs/internals/math.md, "In short").
 * Into buf (n bytes); returns buf. */
const char *budget_pct_text(double remaining, char *buf, size_t n);

struct hr_burn {
  int64_t lookback_us;
  double rate; /* (1 - SLI_w) / (1 - target); 0 with no events */
  uint64_t good, valid;
  int low_traffic; /* valid < slo->min_events */
};

struct hr_slo_state {
  int64_t at_us;
  int64_t window_start_us; /* the SLI counts [window_start, at) */
  int64_t window_us;       /* W: rolling length or the calendar period's real length */
  uint64_t good, valid;    /* events in [window_start, at), exclusions removed */
  int has_sli;             /* 0: no data (sli meaningless, printed as null) */
  double sli;
  double budget_remaining;   /* fraction; negative when overspent; 1 with no data */
  double budget_s;           /* (1 - target) * W in seconds */
  double budget_remaining_s; /* budget_remaining * budget_s */
  size_t nburn;
  struct hr_burn burn[HR_MAX_LOOKBACKS]; /* one per slo->lookbacks_us, same order */
  double burn_status;                    /* burn over thr.burn_lookback_us (1h) */
  int has_tte;                           /* 0: never (burn 0) */
  double tte_s;                          /* time to exhaustion at the 1h burn; 0 when already exhausted */
  enum hr_status status;
  int latched;       /* red because of the latch, not the thresholds */
  enum hr_data data; /* slo_eval: ok, or none without valid events; the engine adds stale and
                      * unreadable (slo_eval_data()) */
  /* Timeslices: */
  uint64_t good_slices, total_slices;
};

/* Evaluate slo at at_us from the counts in s. s must hold the buckets of
 * [at - 2W - longest lookback, at) for the latch to be exact, and
 * (at_us - s->phase_us) must be a multiple of s->step_us. tz is the window's
 * zone (NULL for rolling windows). Never produces NaN or infinity. */
void slo_eval(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s, int64_t at_us,
              struct hr_slo_state *out /* OUT */);

/* slo_eval() with the SLO's excluder (x may be NULL; borrowed, its cache is
 * updated). Events are already filtered by the caller (excluded events are in
 * no bucket); x only matters for timeslices budgeting: slices that lie wholly
 * inside an exclusion count neither as good nor as bad slices, and are not in
 * the slice total. */
void slo_eval_ex(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s, struct hr_excluder *x,
                 int64_t at_us, struct hr_slo_state *out /* OUT */);

/* Range sums supplied by the caller (the engine reads them from the store):
 * sum() adds up good and valid over [from_us, to_us), both on the grid of
 * whole minutes (phase 0), and must be exactly what a series holding those
 * minutes would sum. */
struct hr_sums_src {
  void *ctx;
  void (*sum)(void *ctx, int64_t from_us, int64_t to_us, uint64_t *good /* OUT */, uint64_t *valid /* OUT */);
};

/* slo_eval() without the minutes: the figures at T need only a few range
 * sums (the window, each lookback), read from src. Returns 1 with out
 * exactly as slo_eval_ex() would fill it from a series of those minutes;
 * 0 (out zeroed) when the sums cannot decide: timeslices budgeting, or a
 * status that is neither red nor released whose red latch walk does not
 * end within 120 minutes back (each step two sums; the caller then
 * evaluates the series). Exclusions only matter for timeslices, so none is
 * taken. */
int slo_eval_sums(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_sums_src *src, int64_t at_us,
                  struct hr_slo_state *out /* OUT */);

/* The status thresholds of slo as the status uses them: its own
 * (headroom.dev/status-thresholds), else the defaults of
 * docs/internals/math.md (0.7, 0.3, 0; 2, 5, 10 over 1h). */
struct hr_thresholds slo_status_thresholds(const struct hr_slo *slo);

/* Set the data health d of out (stale or unreadable: slo_eval only knows
 * none). Unreadable data gives no figure: out becomes as if it had no data
 * (status nodata, budget 1, burns 0), never a false red. */
void slo_eval_data(struct hr_slo_state *out, enum hr_data d);

/* The status the thresholds of slo give to a remaining budget and a
 * status burn (low: its lookback is low-traffic, the burn is ignored);
 * nodata when !has_data. No latch. */
enum hr_status slo_status(const struct hr_slo *slo, int has_data, double remaining, double burn, int low);

/* How many buckets a series needs to evaluate slo (2W + longest lookback + slack). */
size_t slo_eval_span(const struct hr_slo *slo, int64_t step_us);

/* Burn rate of slo over [at_us - lookback_us, at_us) from the counts in s,
 * by the same rules as hr_slo_state.burn (timeslices included; 0 with no
 * events). *good / *valid (may be NULL) get the event counts of the lookback.
 * (at_us - s->phase_us) must be a multiple of s->step_us. */
double slo_burn_at(const struct hr_slo *slo, const struct hr_series *s, int64_t at_us, int64_t lookback_us,
                   uint64_t *good /* OUT */, uint64_t *valid /* OUT */);

/* Replays: the figures of slo_eval_ex() at many instants of [from_us, to_us]
 * (each on the series' grid) for the cost of one pass of prefix sums, then
 * O(lookbacks) per instant (backtest). s must hold the buckets of
 * [from - W - longest lookback, to); slo, tz, s and x are borrowed until
 * slo_replay_free(). */
struct hr_slo_replay;
struct hr_slo_replay *slo_replay_new(const struct hr_slo *slo, const struct hr_tz *tz, const struct hr_series *s,
                                     struct hr_excluder *x, int64_t from_us, int64_t to_us);
/* slo_replay_new() from range sums instead of minutes (occurrences only:
 * NULL for timeslices budgeting, whose slices need the minutes). src is
 * borrowed until slo_replay_free(); every figure is exactly the one of the
 * series those sums are of. */
struct hr_slo_replay *slo_replay_new_sums(const struct hr_slo *slo, const struct hr_tz *tz,
                                          const struct hr_sums_src *src, int64_t from_us, int64_t to_us);
/* As slo_eval_ex() at at_us in [from_us, to_us], except the red latch:
 * status is what the thresholds give, latched is 0. */
void slo_replay_at(struct hr_slo_replay *r, int64_t at_us, struct hr_slo_state *out /* OUT */);
void slo_replay_free(struct hr_slo_replay *r); /* NULL: no-op */

#endif
