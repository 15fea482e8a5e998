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
  s->npages = (cap + HR_SERIES_PAGE - 1) / HR_SERIES_PAGE;
  s->pages = xcalloc(s->npages, sizeof *s->pages);
  s->dropped = 0;
}

static void free_pages(struct hr_series *s) {
  for (size_t p = 0; p < s->npages; p++) {
    free(s->pages[p]);
    s->pages[p] = NULL;
  }
}

void series_reset(struct hr_series *s) {
  if (s == NULL)
    return;
  if (s->pages != NULL)
    free_pages(s);
  free(s->pages);
  s->pages = NULL;
  s->npages = 0;
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

void series_slot_clear(struct hr_series *s, size_t i) {
  struct hr_series_page *p = s->pages[i / HR_SERIES_PAGE];
  if (p != NULL)
    p->good[i % HR_SERIES_PAGE] = p->valid[i % HR_SERIES_PAGE] = 0;
}

/* Buckets [from, to] count nothing (to - from < cap): a page wholly inside
 * is freed, the others' slots zeroed. */
static void clear_range(struct hr_series *s, int64_t from, int64_t to) {
  for (int64_t j = from; j <= to;) {
    size_t i = slot(s, j), p = i / HR_SERIES_PAGE, off = i % HR_SERIES_PAGE;
    size_t plen = p + 1 < s->npages ? HR_SERIES_PAGE : s->cap - p * HR_SERIES_PAGE;
    int64_t run = (int64_t)(plen - off); /* slots from i to the end of its page */
    if (run > to - j + 1)
      run = to - j + 1;
    if (s->pages[p] != NULL) {
      if (off == 0 && run == (int64_t)plen) {
        free(s->pages[p]);
        s->pages[p] = NULL;
      } else {
        memset(&s->pages[p]->good[off], 0, (size_t)run * sizeof(uint32_t));
        memset(&s->pages[p]->valid[off], 0, (size_t)run * sizeof(uint32_t));
      }
    }
    j += run;
  }
}

int series_add(struct hr_series *s, int64_t ts_us, uint32_t good, uint32_t valid) {
  size_t i;
  /* most events fall in the head bucket: a multiplication, not a division,
   * and its slot kept (slot() divides) */
  int in_head = 0;
  if (s->head != INT64_MIN) {
    int64_t start = s->phase_us + s->head * s->step_us;
    in_head = ts_us >= start && (uint64_t)ts_us - (uint64_t)start < (uint64_t)s->step_us;
  }
  if (in_head) {
    i = s->head_slot;
  } else {
    int64_t k = series_index(s, ts_us);
    if (s->head == INT64_MIN || k > s->head) {
      if (s->head == INT64_MIN || k - s->head >= (int64_t)s->cap)
        free_pages(s);
      else
        clear_range(s, s->head + 1, k);
      s->head = k;
      s->head_slot = slot(s, k);
    } else if (!held(s, k)) {
      s->dropped += valid ? valid : 1;
      return -1;
    }
    i = k == s->head ? s->head_slot : slot(s, k);
  }
  struct hr_series_page **pp = &s->pages[i / HR_SERIES_PAGE];
  if (*pp == NULL)
    *pp = xcalloc(1, sizeof **pp);
  uint32_t *g = &(*pp)->good[i % HR_SERIES_PAGE], *v = &(*pp)->valid[i % HR_SERIES_PAGE];
  if ((uint64_t)*g + good > UINT32_MAX || (uint64_t)*v + valid > UINT32_MAX) {
    s->dropped += valid ? valid : 1; /* never wrap: refuse and count */
    return -1;
  }
  *g += good;
  *v += valid;
  return 0;
}

void series_get(const struct hr_series *s, int64_t k, uint64_t *good, uint64_t *valid) {
  if (!held(s, k)) {
    *good = *valid = 0;
    return;
  }
  series_slot(s, slot(s, k), good, valid);
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
      uint64_t a, b;
      series_slot(s, slot(s, k), &a, &b);
      g += a;
      v += b;
    }
  }
  *good = g;
  *valid = v;
}
