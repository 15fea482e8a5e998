/* tally.c -- see tally.h. */
#include "core/tally.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static void init_cap(struct hr_tally *t, size_t cap) {
  t->cap = cap;
  t->n = 0;
  t->c = xcalloc(cap, sizeof *t->c);
}

void tally_init(struct hr_tally *t, size_t max_keys) {
  memset(t, 0, sizeof *t);
  t->max_keys = max_keys;
  init_cap(t, 64);
}

void tally_free(struct hr_tally *t) {
  for (size_t i = 0; t->c != NULL && i < t->cap; i++)
    free(t->c[i].val);
  free(t->c);
  memset(t, 0, sizeof *t);
}

static uint64_t hash(uint32_t slo, const char *val, size_t len, int64_t minute) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a over the value, then the numbers mixed in */
  for (size_t i = 0; val != NULL && i < len; i++)
    h = (h ^ (unsigned char)val[i]) * 1099511628211ULL;
  h ^= val == NULL ? 0x5bd1e995ULL : 0;
  h ^= (uint64_t)minute * 0x9E3779B97F4A7C15ULL;
  h ^= (uint64_t)slo * 0xC2B2AE3D27D4EB4FULL;
  return h ^ (h >> 29);
}

static int same(const struct hr_tally_cell *c, uint32_t slo, const char *val, size_t len, int64_t minute) {
  if (c->slo != slo || c->minute != minute)
    return 0;
  if (val == NULL || c->val == NULL)
    return val == NULL && c->val == NULL;
  return c->len == len && memcmp(c->val, val, len) == 0;
}

/* The cell of the key, or the empty cell where it would go. */
static size_t slot_at(const struct hr_tally *t, uint32_t slo, const char *val, size_t len, int64_t minute) {
  size_t i = (size_t)hash(slo, val, len, minute) & (t->cap - 1);
  while (t->c[i].used && !same(&t->c[i], slo, val, len, minute))
    i = (i + 1) & (t->cap - 1);
  return i;
}

static struct hr_tally_cell *slot(struct hr_tally *t, uint32_t slo, const char *val, size_t len, int64_t minute) {
  return &t->c[slot_at(t, slo, val, len, minute)];
}

const struct hr_tally_cell *tally_find(const struct hr_tally *t, uint32_t slo, const char *val, size_t len,
                                       int64_t minute) {
  const struct hr_tally_cell *c = &t->c[slot_at(t, slo, val, len, minute)];
  return c->used ? c : NULL;
}

/* Move every cell of t into a table of cap cells, keeping those at or above
 * min_minute (the others are freed). */
static void rebuild(struct hr_tally *t, size_t cap, int64_t min_minute) {
  struct hr_tally old = *t;
  init_cap(t, cap);
  for (size_t i = 0; i < old.cap; i++) {
    struct hr_tally_cell *o = &old.c[i];
    if (!o->used)
      continue;
    if (o->minute < min_minute) {
      free(o->val);
      continue;
    }
    *slot(t, o->slo, o->val, o->len, o->minute) = *o;
    t->n++;
  }
  free(old.c);
}

void tally_put(struct hr_tally *t, uint32_t slo, const char *val, size_t len, int64_t minute, uint64_t good,
               uint64_t valid, int64_t ts_us) {
  struct hr_tally_cell *c = slot(t, slo, val, len, minute);
  if (!c->used && t->max_keys > 0 && t->n >= t->max_keys) {
    t->overflowed += valid;
    val = HR_TALLY_OVERFLOW;
    len = strlen(val);
    c = slot(t, slo, val, len, minute);
  }
  if (!c->used) {
    if ((t->n + 1) * 2 > t->cap) {
      rebuild(t, t->cap * 2, INT64_MIN);
      c = slot(t, slo, val, len, minute);
    }
    c->used = 1;
    c->val = val != NULL ? xstrndup(val, len) : NULL;
    c->len = val != NULL ? len : 0;
    c->slo = slo;
    c->minute = minute;
    c->first_us = ts_us;
    c->seq = t->next_seq++;
    t->n++;
  }
  c->good += good;
  c->valid += valid;
  if (ts_us < c->first_us)
    c->first_us = ts_us;
}

void tally_prune(struct hr_tally *t, int64_t min_minute) {
  rebuild(t, t->cap, min_minute);
}

void tally_merge(struct hr_tally *a, const struct hr_tally *b) {
  for (size_t i = 0; i < b->cap; i++) {
    const struct hr_tally_cell *c = &b->c[i];
    if (c->used)
      tally_put(a, c->slo, c->val, c->len, c->minute, c->good, c->valid, c->first_us);
  }
  a->overflowed += b->overflowed;
}
