/* counts.c -- see counts.h. */
#include "core/counts.h"

#include <stdlib.h>

#include "util/xmalloc.h"

void counts_init(struct hr_counts *m, size_t cap) {
  m->cap = cap;
  m->n = 0;
  m->sorted = 0;
  m->c = xmalloc(cap * sizeof *m->c);
  for (size_t i = 0; i < cap; i++)
    m->c[i].minute = INT64_MIN;
}

/* Rehash into a table of cap cells (the same, after counts_sort()). */
static void rehash(struct hr_counts *m, size_t cap) {
  struct hr_counts bigger;
  counts_init(&bigger, cap);
  for (size_t i = 0; i < m->cap; i++)
    if (m->c[i].minute != INT64_MIN)
      counts_put(&bigger, m->c[i].slo, m->c[i].minute, m->c[i].good, m->c[i].valid);
  free(m->c);
  *m = bigger;
}

void counts_put(struct hr_counts *m, uint32_t slo, int64_t minute, uint64_t good, uint64_t valid) {
  if (m->n * 2 >= m->cap || m->sorted)
    rehash(m, m->n * 2 >= m->cap ? m->cap * 2 : m->cap);
  uint64_t h = ((uint64_t)minute * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)slo * 0xC2B2AE3D27D4EB4FULL);
  size_t i = (size_t)(h >> 17) & (m->cap - 1);
  while (m->c[i].minute != INT64_MIN && (m->c[i].minute != minute || m->c[i].slo != slo))
    i = (i + 1) & (m->cap - 1);
  if (m->c[i].minute == INT64_MIN) {
    m->c[i].minute = minute;
    m->c[i].slo = slo;
    m->c[i].good = m->c[i].valid = 0;
    m->n++;
  }
  m->c[i].good += good;
  m->c[i].valid += valid;
}

void counts_clear(struct hr_counts *m) {
  if (m->n == 0)
    return;
  for (size_t i = 0; i < m->cap; i++)
    m->c[i].minute = INT64_MIN;
  m->n = 0;
  m->sorted = 0;
}

static int cmp_cell(const void *a, const void *b) {
  const struct hr_count_cell *x = a, *y = b;
  if (x->slo != y->slo)
    return x->slo < y->slo ? -1 : 1;
  return x->minute < y->minute ? -1 : x->minute > y->minute;
}

void counts_sort(struct hr_counts *m) {
  size_t k = 0;
  for (size_t i = 0; i < m->cap; i++)
    if (m->c[i].minute != INT64_MIN)
      m->c[k++] = m->c[i];
  for (size_t i = k; i < m->cap; i++)
    m->c[i].minute = INT64_MIN;
  qsort(m->c, k, sizeof *m->c, cmp_cell);
  m->sorted = 1;
}

void counts_free(struct hr_counts *m) {
  free(m->c);
  m->c = NULL;
  m->cap = m->n = 0;
}

int64_t counts_minute(int64_t ts_us) {
  int64_t s = ts_us / 1000000 - (ts_us % 1000000 < 0);
  return s / 60 * 60 - (s % 60 < 0 ? 60 : 0);
}

void counts_sink(void *ctx, size_t j, int64_t ts, int good) {
  counts_put(ctx, (uint32_t)j, counts_minute(ts), (uint64_t)good, 1);
}
