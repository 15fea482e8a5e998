/* detail.h -- what the dashboard shows beyond the counts (store schema v3):
 * per-(SLO, minute) latency histograms of the `duration` of valid events,
 * with hourly rollups, and the latest bad events of each SLO with the line
 * they came from. ingest and serve's tailer collect them through the
 * pipeline's per-event hook into a batch (struct hr_details) and write it in
 * the same transaction as the counts and file positions, so the
 * exactly-once promise holds for them too. See docs/internals/store.md
 * ("Version 3") and docs/dashboard.md.
 *
 * Buckets: bucket 0 is [0, 1 ms); bucket k in 1..56 is
 * [1 ms * 10^((k-1)/8), 1 ms * 10^(k/8)) (8 per decade, each bound 1.334
 * times the one before, 1 ms .. 10000 s); bucket 57 is [10000 s, inf).
 * A percentile is found by summing buckets and interpolating linearly within
 * the bucket that holds its rank, so it always lies in the same bucket as the
 * exact (nearest-rank) percentile: between 1 ms and 10000 s it is within a
 * factor 10^(1/8) = 1.334 of it (usually much closer), below 1 ms within
 * 1 ms of it, and at or above 10000 s it is reported as 10000 s. */
#ifndef HR_DETAIL_H
#define HR_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"
#include "store/store.h"

#define HR_LAT_BUCKETS 58
#define HR_LAT_PER_DECADE 8
#define HR_LAT_MIN_S 0.001   /* upper bound of bucket 0 */
#define HR_LAT_MAX_S 1e4     /* lower bound of the last bucket */
#define HR_BAD_KEEP 100      /* bad events kept per SLO (the latest by event time) */
#define HR_BAD_LINE_MAX 2048 /* bytes of the line kept (cut at a character boundary) */

/* The fields the hook reads: pass to pipeline_set_hook(). */
#define HR_DETAILS_NEED (((uint64_t)1 << HR_F_STATUS) | ((uint64_t)1 << HR_F_PATH) | ((uint64_t)1 << HR_F_DURATION))

/* Bucket of a duration in seconds; -1 for a negative or NaN one. */
int latency_bucket(double seconds);
/* Bounds of bucket b: [lo, hi); hi of the last bucket is INFINITY. */
double latency_bucket_lo(int b);
double latency_bucket_hi(int b);
/* The q-quantile (0 < q <= 1) of the histogram h[HR_LAT_BUCKETS]: the
 * rank r = q * n falls in bucket b (events before it < r <= events up to
 * it), and the value is interpolated linearly in [lo, hi) (the last bucket:
 * its lower bound). NAN when h is empty. */
double latency_quantile(const uint64_t *h, double q);

/* ---- collecting (one thread) ---- */

struct hr_details;

/* A batch for a configuration of nslo SLOs (indexes as in cfg->slos). */
struct hr_details *details_new(size_t nslo);
void details_free(struct hr_details *d);
/* An hr_event_hook_fn (pipeline.h): ctx is a struct hr_details. Adds the
 * event's duration (when it has one) to the histogram of (SLO, minute) and,
 * when it is bad, keeps it if it is among the latest HR_BAD_KEEP of its SLO
 * in this batch. */
void details_hook(void *ctx, size_t slo_idx, const struct hr_event *ev, const char *line, size_t len, int good);
/* Forget the batch (after a commit or a rollback). */
void details_clear(struct hr_details *d);
/* The batch's grouped counts (store/group.h), created on the first call:
 * details_hook then feeds it, details_write writes it (in the same
 * transaction) and details_cells counts its cells. Borrowed while d lives. */
struct hr_gbatch;
struct hr_gbatch *details_gbatch(struct hr_details *d);
/* What a batch's memory grows with: the (SLO, minute, bucket) latency
 * cells and the bad events kept (each about 2.3 KiB). */
size_t details_cells(const struct hr_details *d);
size_t details_bad_kept(const struct hr_details *d);
/* Write the batch into st inside the caller's open transaction: upsert the
 * minute and hour histogram rows, insert the bad events and delete all but
 * the latest HR_BAD_KEEP of each SLO that got new ones, and the grouped
 * counts (gbatch_write()). ids[slo] is the
 * store id of each SLO. On failure the caller rolls back. The batch is
 * left as it was (clear it after the commit or rollback). */
enum hr_rc details_write(struct hr_details *d, struct hr_store *st, const int64_t *ids, struct hr_err *err);

/* ---- reading ---- */

/* Sum the histogram of slo_id over [from_s, to_s) (minute-aligned UTC
 * seconds) into h[HR_LAT_BUCKETS] (added to what it holds). Whole hours are
 * read from the hour rollup. */
enum hr_rc details_histogram(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, uint64_t *h,
                             struct hr_err *err);

/* The histograms of slo_id on the grid of step_s seconds: point k covers
 * [base + k * step, base + (k + 1) * step) within [from_s, to_s), base =
 * floor(from_s / step_s) * step_s; *hist gets *n * HR_LAT_BUCKETS counts
 * (point k at k * HR_LAT_BUCKETS), malloc'd (NULL, 0 for an empty range).
 * Whole hours are read from the hour rollup when step_s allows. */
enum hr_rc details_latency_grid(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, int64_t step_s,
                                uint64_t **hist /* OUT */, size_t *n /* OUT */, struct hr_err *err);

/* A bad event as the store keeps it. */
enum { HR_BADST_NULL = 0, HR_BADST_INT, HR_BADST_NUM, HR_BADST_TEXT };
struct hr_bad_event {
  int64_t t_us;
  int status_kind; /* HR_BADST_*: the status field as parsed */
  int64_t status_i;
  double status_f;
  char *status_s;
  char *path; /* NULL: absent */
  int has_duration;
  double duration; /* seconds */
  char *line;      /* the log line (at most HR_BAD_LINE_MAX bytes) */
};

/* The latest (up to limit) bad events of slo_id before at_us, newest first.
 * *out owned by the caller (details_bad_events_free()). */
enum hr_rc details_bad_events(struct hr_store *st, int64_t slo_id, int64_t at_us, size_t limit,
                              struct hr_bad_event **out /* OUT */, size_t *n /* OUT */, struct hr_err *err);
void details_bad_events_free(struct hr_bad_event *v, size_t n);

/* The X of the first `duration < X` or `duration <= X` in a filter's text
 * (X a number of seconds or with a unit: 800ms, 0.3s, 10m, 1h), in seconds;
 * NAN when there is none. */
double details_threshold(const char *filter);

#endif
