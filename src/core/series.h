/* series.h -- per-SLO counts of good and valid events in fixed-width time
 * buckets (one minute), kept in a ring that covers the latest `cap` buckets.
 *
 * Bucket k covers [phase + k*step, phase + (k+1)*step). The phase lets a
 * report evaluated at a time T that is not on a whole minute still count
 * [T - w, T) exactly (phase = T mod step). Events older than the ring are
 * counted in `dropped` and never change a figure.
 *
 * The ring is paged: HR_SERIES_PAGE buckets a page, a page allocated when a
 * count first lands in it and freed when the head passes over all of it, so
 * minutes without events cost nothing but a pointer per page (a report of
 * 1,000 SLOs over 28-day windows from logs holds 2 windows of minutes per
 * SLO; see bench/scale.md). */
#ifndef HR_SERIES_H
#define HR_SERIES_H

#include <stddef.h>
#include <stdint.h>

#define HR_SERIES_PAGE 32
struct hr_series_page {
  uint32_t good[HR_SERIES_PAGE], valid[HR_SERIES_PAGE];
};

struct hr_series {
  int64_t step_us;
  int64_t phase_us;              /* in [0, step) */
  size_t cap;                    /* buckets in the ring */
  int64_t head;                  /* newest absolute bucket index; INT64_MIN when empty */
  size_t head_slot;              /* its ring slot (head mod cap) */
  struct hr_series_page **pages; /* slot i (index k lives at k mod cap) is in page i / HR_SERIES_PAGE; NULL: zeros */
  size_t npages;
  uint64_t dropped; /* events older than head - cap + 1 */
};

/* The counts in ring slot i (< cap). */
static inline void series_slot(const struct hr_series *s, size_t i, uint64_t *good, uint64_t *valid) {
  const struct hr_series_page *p = s->pages[i / HR_SERIES_PAGE];
  *good = p ? p->good[i % HR_SERIES_PAGE] : 0;
  *valid = p ? p->valid[i % HR_SERIES_PAGE] : 0;
}
/* Ring slot i counts nothing. */
void series_slot_clear(struct hr_series *s, size_t i);

/* Allocate a ring of cap buckets (aborts on OOM). */
void series_init(struct hr_series *s, int64_t step_us, int64_t phase_us, size_t cap);
void series_reset(struct hr_series *s); /* frees the ring; s may be reused after series_init() */

/* Absolute bucket index of instant ts_us (floor division). */
int64_t series_index(const struct hr_series *s, int64_t ts_us);
/* Start instant of bucket k. */
int64_t series_start(const struct hr_series *s, int64_t k);

/* Count good/valid events at ts_us. Moves the head forward (clearing the
 * buckets it passes) when ts_us is newer. Returns 0, or -1 when the bucket is
 * older than the ring holds (s->dropped += valid, or += 1 if valid is 0). */
int series_add(struct hr_series *s, int64_t ts_us, uint32_t good, uint32_t valid);

/* Counts of bucket k (0 when outside what the ring holds). */
void series_get(const struct hr_series *s, int64_t k, uint64_t *good, uint64_t *valid);

/* Sums over buckets [k_from, k_to). */
void series_sum(const struct hr_series *s, int64_t k_from, int64_t k_to, uint64_t *good, uint64_t *valid);

#endif
