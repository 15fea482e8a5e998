/* exclude.c -- see exclude.h.
 *
 * One-off exclusions are kept as given; recurring ones are expanded on demand
 * into occurrences (local date d with its weekday bit set: from local
 * start_min on d for duration_us; a start time inside a DST gap begins at the
 * first instant after the gap). Overlapping or touching intervals are merged.
 *
 * excluder_test() caches the interval around its last answer: either an
 * excluded interval or the gap between two (bounded to about a day either
 * side), so time-ordered input costs two comparisons per event. */
#include "core/exclude.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define US_PER_S INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_S)

struct recur {
  unsigned weekdays;
  int start_min;
  int64_t duration_us;
  const struct hr_tz *tz; /* borrowed from the exclusion (the configuration's zones) */
};

struct hr_excluder {
  int64_t (*once)[2];
  size_t nonce;
  struct recur *rec;
  size_t nrec;
  int64_t maxdur_us; /* longest recurring duration */
  /* cache: answer `c_in` holds for t in [c_lo, c_hi) */
  int64_t c_lo, c_hi;
  int c_in;
  /* scratch for merged intervals */
  int64_t (*buf)[2];
  size_t nbuf, capbuf;
};

struct hr_excluder *excluder_new(const struct hr_exclusion *ex, size_t n) {
  if (n == 0)
    return NULL;
  struct hr_excluder *x = xcalloc(1, sizeof *x);
  x->once = xcalloc(n, sizeof *x->once);
  x->rec = xcalloc(n, sizeof *x->rec);
  for (size_t i = 0; i < n; i++) {
    if (!ex[i].recurring) {
      if (ex[i].end_us > ex[i].start_us) {
        x->once[x->nonce][0] = ex[i].start_us;
        x->once[x->nonce][1] = ex[i].end_us;
        x->nonce++;
      }
      continue;
    }
    if (ex[i].duration_us <= 0 || (ex[i].weekdays & 0x7f) == 0)
      continue;
    struct recur *r = &x->rec[x->nrec];
    r->tz = ex[i].zone != NULL ? ex[i].zone : tz_utc();
    r->weekdays = ex[i].weekdays & 0x7f;
    r->start_min = ex[i].start_min;
    r->duration_us = ex[i].duration_us;
    if (r->duration_us > x->maxdur_us)
      x->maxdur_us = r->duration_us;
    x->nrec++;
  }
  x->c_lo = x->c_hi = 0; /* empty cache */
  return x;
}

void excluder_free(struct hr_excluder *x) {
  if (x == NULL)
    return;
  free(x->rec);
  free(x->once);
  free(x->buf);
  free(x);
}

static void push(struct hr_excluder *x, int64_t a, int64_t b) {
  if (x->nbuf == x->capbuf) {
    x->capbuf = x->capbuf ? 2 * x->capbuf : 16;
    x->buf = xrealloc(x->buf, x->capbuf * sizeof *x->buf);
  }
  x->buf[x->nbuf][0] = a;
  x->buf[x->nbuf][1] = b;
  x->nbuf++;
}

static int cmp_iv(const void *a, const void *b) {
  const int64_t *p = a, *q = b;
  if (p[0] != q[0])
    return p[0] < q[0] ? -1 : 1;
  return (p[1] > q[1]) - (p[1] < q[1]);
}

/* Fill x->buf with the merged, sorted intervals that intersect [from, to). */
static void gather(struct hr_excluder *x, int64_t from, int64_t to) {
  x->nbuf = 0;
  for (size_t i = 0; i < x->nonce; i++)
    if (x->once[i][0] < to && x->once[i][1] > from)
      push(x, x->once[i][0], x->once[i][1]);
  for (size_t i = 0; i < x->nrec; i++) {
    const struct recur *r = &x->rec[i];
    /* local dates that can hold an occurrence meeting [from, to) */
    int64_t d0 = floor_div(from - r->duration_us, US_PER_DAY) - 2;
    int64_t d1 = floor_div(to, US_PER_DAY) + 2;
    for (int64_t day = d0; day <= d1; day++) {
      int64_t wd = day + 4 - floor_div(day + 4, 7) * 7; /* 1970-01-01: Thursday; 0 = Sunday */
      if (!(r->weekdays & (1u << wd)))
        continue;
      int64_t y;
      unsigned m, d;
      civil_from_days(day, &y, &m, &d);
      int64_t a = tz_local_to_utc(r->tz, y, m, d, r->start_min / 60, r->start_min % 60, 0) * US_PER_S;
      int64_t b = a + r->duration_us;
      if (a < to && b > from)
        push(x, a, b);
    }
  }
  if (x->nbuf < 2)
    return;
  qsort(x->buf, x->nbuf, sizeof *x->buf, cmp_iv);
  size_t k = 0;
  for (size_t i = 1; i < x->nbuf; i++) {
    if (x->buf[i][0] <= x->buf[k][1]) {
      if (x->buf[i][1] > x->buf[k][1])
        x->buf[k][1] = x->buf[i][1];
    } else {
      k++;
      x->buf[k][0] = x->buf[i][0];
      x->buf[k][1] = x->buf[i][1];
    }
  }
  x->nbuf = k + 1;
}

int excluder_test(struct hr_excluder *x, int64_t t_us) {
  if (x == NULL)
    return 0;
  if (t_us >= x->c_lo && t_us < x->c_hi)
    return x->c_in;
  int64_t lo = t_us - US_PER_DAY, hi = t_us + US_PER_DAY;
  gather(x, lo, hi);
  int64_t glo = lo, ghi = hi;
  for (size_t i = 0; i < x->nbuf; i++) {
    if (x->buf[i][0] <= t_us && t_us < x->buf[i][1]) {
      x->c_lo = x->buf[i][0];
      x->c_hi = x->buf[i][1];
      x->c_in = 1;
      return 1;
    }
    if (x->buf[i][1] <= t_us && x->buf[i][1] > glo)
      glo = x->buf[i][1];
    if (x->buf[i][0] > t_us && x->buf[i][0] < ghi)
      ghi = x->buf[i][0];
  }
  x->c_lo = glo;
  x->c_hi = ghi;
  x->c_in = 0;
  return 0;
}

size_t excluder_list(struct hr_excluder *x, int64_t from_us, int64_t to_us, int64_t (*out)[2], size_t max) {
  if (x == NULL || to_us <= from_us)
    return 0;
  gather(x, from_us, to_us);
  for (size_t i = 0; i < x->nbuf && i < max; i++) {
    out[i][0] = x->buf[i][0];
    out[i][1] = x->buf[i][1];
  }
  return x->nbuf;
}
