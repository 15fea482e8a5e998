/* series.c -- see series.h. The ring of per-minute good/valid counts.
 *
 * Absolute bucket index k lives in slot k mod cap (floor modulo, so negative
 * indices before 1970 work too). The ring holds (head - cap, head].
 *
 * Counts are uint32 per bucket. A minute with more than 4e9 events is not
 * realistic, but a count never wraps silently: an add that would overflow a
 * bucket is refused and counted in `dropped` (series_add() returns -1). */
#include "core/series.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/imath.h"
#include "util/xmalloc.h"

static size_t slot(const struct hr_series *s, int64_t k) {
  if ((uint64_t)k <= UINT32_MAX && s->cap <= UINT32_MAX) /* minutes since 1970: a cheaper 32-bit division */
    return (uint32_t)k % (uint32_t)s->cap;
  int64_t c = (int64_t)s->cap;
  int64_t r = k % c;
  if (r < 0)
    r += c;
  return (size_t)r;
}

void series_init(struct hr_series *s, int64_t step_us, int64_t phase_us, size_t cap) {
  assert(step_us > 0);
  if (cap == 0)
    cap = 1;
  s->step_us = step_us;
  s->phase_us = phase_us % step_us;
  if (s->phase_us < 0)
    s->phase_us += step_us;
  s->cap = cap;
  s->head = INT64_MIN;
  s->good = xcalloc(cap, sizeof *s->good);
  s->valid = xcalloc(cap, sizeof *s->valid);
  s->dropped = 0;
}

void series_reset(struct hr_series *s) {
  if (s == NULL)
    return;
  free(s->good);
  free(s->valid);
  s->good = s->valid = NULL;
  s->cap = 0;
  s->head = INT64_MIN;
  s->dropped = 0;
}

int64_t series_index(const struct hr_series *s, int64_t ts_us) {
  return floor_div(ts_us - s->phase_us, s->step_us);
}

int64_t series_start(const struct hr_series *s, int64_t k) {
  return s->phase_us + k * s->step_us;
}

/* Is absolute bucket k inside what the ring holds? */
static int held(const struct hr_series *s, int64_t k) {
  if (s->head == INT64_MIN || k > s->head)
    return 0;
  return k > s->head - (int64_t)s->cap;
}

int series_add(struct hr_series *s, int64_t ts_us, uint32_t good, uint32_t valid) {
  int64_t k;
  if (s->head != INT64_MIN) {
    /* most events fall in the head bucket: a multiplication, not a division */
    int64_t start = s->phase_us + s->head * s->step_us;
    if (ts_us >= start && (uint64_t)ts_us - (uint64_t)start < (uint64_t)s->step_us)
      k = s->head;
    else
      k = series_index(s, ts_us);
  } else {
    k = series_index(s, ts_us);
  }
  if (s->head == INT64_MIN) {
    memset(s->good, 0, s->cap * sizeof *s->good);
    memset(s->valid, 0, s->cap * sizeof *s->valid);
    s->head = k;
  } else if (k > s->head) {
    if (k - s->head >= (int64_t)s->cap) {
      memset(s->good, 0, s->cap * sizeof *s->good);
      memset(s->valid, 0, s->cap * sizeof *s->valid);
    } else {
      for (int64_t j = s->head + 1; j <= k; j++) {
        size_t i = slot(s, j);
        s->good[i] = 0;
        s->valid[i] = 0;
      }
    }
    s->head = k;
  } else if (!held(s, k)) {
    s->dropped += valid ? valid : 1;
    return -1;
  }
  size_t i = slot(s, k);
  if ((uint64_t)s->good[i] + good > UINT32_MAX || (uint64_t)s->valid[i] + valid > UINT32_MAX) {
    s->dropped += valid ? valid : 1; /* never wrap: refuse and count */
    return -1;
  }
  s->good[i] += good;
  s->valid[i] += valid;
  return 0;
}

void series_get(const struct hr_series *s, int64_t k, uint64_t *good, uint64_t *valid) {
  if (!held(s, k)) {
    *good = *valid = 0;
    return;
  }
  size_t i = slot(s, k);
  *good = s->good[i];
  *valid = s->valid[i];
}

void series_sum(const struct hr_series *s, int64_t k_from, int64_t k_to, uint64_t *good, uint64_t *valid) {
  uint64_t g = 0, v = 0;
  if (s->head != INT64_MIN) {
    int64_t lo = s->head - (int64_t)s->cap + 1;
    if (k_from < lo)
      k_from = lo;
    if (k_to > s->head + 1)
      k_to = s->head + 1;
    for (int64_t k = k_from; k < k_to; k++) {
      size_t i = slot(s, k);
      g += s->good[i];
      v += s->valid[i];
    }
  }
  *good = g;
  *valid = v;
}
