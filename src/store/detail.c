/* detail.c -- see detail.h and docs/internals/store.md ("Version 3"). */
#include "store/detail.h"
#include "store/group.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "core/counts.h"
#include "util/imath.h"
#include "util/xmalloc.h"

/* ------------------------------------------------------------------------ */
/* Buckets */

/* bound[k] = lower bound of bucket k (bound[0] = 0, bound[1] = 1 ms, ...,
 * bound[57] = 10000 s); bound[58] = INFINITY. Computed once, so that the
 * bucket of a value and the bounds reported always agree. */
static double bound[HR_LAT_BUCKETS + 1];
static pthread_once_t bound_once = PTHREAD_ONCE_INIT;

static void bounds_compute(void) {
  bound[0] = 0;
  for (int k = 1; k < HR_LAT_BUCKETS; k++)
    bound[k] = HR_LAT_MIN_S * pow(10.0, (double)(k - 1) / HR_LAT_PER_DECADE);
  bound[HR_LAT_BUCKETS - 1] = HR_LAT_MAX_S; /* exact, not pow()'s rounding */
  bound[HR_LAT_BUCKETS] = INFINITY;
}

static void bounds_init(void) {
  pthread_once(&bound_once, bounds_compute);
}

int latency_bucket(double s) {
  if (!(s >= 0))
    return -1;
  bounds_init();
  int lo = 0, hi = HR_LAT_BUCKETS - 1; /* the answer: largest k with bound[k] <= s */
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (bound[mid] <= s)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

double latency_bucket_lo(int b) {
  bounds_init();
  return b >= 0 && b < HR_LAT_BUCKETS ? bound[b] : NAN;
}

double latency_bucket_hi(int b) {
  bounds_init();
  return b >= 0 && b < HR_LAT_BUCKETS ? bound[b + 1] : NAN;
}

double latency_quantile(const uint64_t *h, double q) {
  uint64_t n = 0;
  for (int b = 0; b < HR_LAT_BUCKETS; b++)
    n += h[b];
  if (n == 0 || !(q > 0) || q > 1)
    return NAN;
  bounds_init();
  double r = q * (double)n, before = 0;
  for (int b = 0; b < HR_LAT_BUCKETS; b++) {
    if (h[b] == 0)
      continue;
    double upto = before + (double)h[b];
    if (r <= upto || b == HR_LAT_BUCKETS - 1) {
      if (b == HR_LAT_BUCKETS - 1)
        return bound[b];
      double f = (r - before) / (double)h[b];
      if (f < 0)
        f = 0;
      return bound[b] + (bound[b + 1] - bound[b]) * f;
    }
    before = upto;
  }
  return NAN; /* not reached: r <= n */
}

/* ------------------------------------------------------------------------ */
/* The batch */

#define STATUS_MAX 64
#define PATH_MAX_ 1024

struct bad {
  int64_t t_us;
  uint64_t seq; /* order of arrival: the later of two events at one instant is the newer */
  int stype;    /* 0 absent, 1 integer, 2 real, 3 text */
  int64_t si;
  double sd;
  size_t slen, plen, llen;
  int has_path, has_dur;
  double dur;
  char status[STATUS_MAX];
  char path[PATH_MAX_];
  char line[HR_BAD_LINE_MAX];
};

struct badheap {
  struct bad *e; /* HR_BAD_KEEP slots, allocated on the first bad event */
  size_t n;      /* a min-heap on (t_us, seq): e[0] is the oldest kept */
};

struct hr_details {
  size_t nslo;
  struct hr_counts m; /* (KEY(slo, bucket), minute) -> events */
  struct badheap *bad;
  size_t nbad; /* the sum of the heaps' n */
  uint64_t seq;
  struct hr_gbatch *g; /* grouped counts (store/group.h); NULL: no SLO is grouped */
};

/* Histogram cells live in a struct hr_counts (ingest/counts.h) keyed by
 * (slo * 64 + bucket, minute), the count in `valid`: 32 bytes per bucket that
 * occurs instead of a whole histogram per minute. */
#define KEY(slo, b) ((uint32_t)(slo)*64u + (uint32_t)(b))

struct hr_details *details_new(size_t nslo) {
  struct hr_details *d = xcalloc(1, sizeof *d);
  d->nslo = nslo;
  counts_init(&d->m, 256);
  d->bad = xcalloc(nslo ? nslo : 1, sizeof *d->bad);
  return d;
}

void details_free(struct hr_details *d) {
  if (d == NULL)
    return;
  counts_free(&d->m);
  gbatch_free(d->g);
  for (size_t j = 0; j < d->nslo; j++)
    free(d->bad[j].e);
  free(d->bad);
  free(d);
}

struct hr_gbatch *details_gbatch(struct hr_details *d) {
  if (d->g == NULL)
    d->g = gbatch_new(d->nslo);
  return d->g;
}

void details_clear(struct hr_details *d) {
  counts_clear(&d->m);
  if (d->g != NULL)
    gbatch_clear(d->g);
  for (size_t j = 0; j < d->nslo; j++)
    d->bad[j].n = 0;
  d->nbad = 0;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80)
    return 1;
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return len;
}

/* Copy src[0..n) into dst (cap >= 4 bytes) as valid UTF-8: an invalid
 * byte becomes '?' (so the text keeps its length); text longer than cap is
 * cut at a character boundary and ends in "…" (U+2026). Returns the bytes
 * written. */
static size_t copy_text(char *dst, size_t cap, const char *src, size_t n) {
  const unsigned char *s = (const unsigned char *)src;
  size_t lim = n <= cap ? n : cap - 3, o = 0;
  while (o < n) {
    size_t k = utf8_len(s + o, n - o);
    size_t w = k ? k : 1;
    if (o + w > lim)
      break;
    if (k)
      memcpy(dst + o, s + o, k);
    else
      dst[o] = '?';
    o += w;
  }
  if (n > cap) {
    memcpy(dst + o, "\xe2\x80\xa6", 3);
    o += 3;
  }
  return o;
}

static int bad_older(const struct bad *a, const struct bad *b) {
  return a->t_us < b->t_us || (a->t_us == b->t_us && a->seq < b->seq);
}

static void heap_down(struct bad *e, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && bad_older(&e[l], &e[m]))
      m = l;
    if (r < n && bad_older(&e[r], &e[m]))
      m = r;
    if (m == i)
      return;
    struct bad t;
    memcpy(&t, &e[i], sizeof t);
    memcpy(&e[i], &e[m], sizeof t);
    memcpy(&e[m], &t, sizeof t);
    i = m;
  }
}

static void heap_up(struct bad *e, size_t i) {
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!bad_older(&e[i], &e[p]))
      return;
    struct bad t;
    memcpy(&t, &e[i], sizeof t);
    memcpy(&e[i], &e[p], sizeof t);
    memcpy(&e[p], &t, sizeof t);
    i = p;
  }
}

static void fill_bad(struct bad *b, const struct hr_event *ev, const char *line, size_t len) {
  const struct hr_val *v = event_get(ev, HR_F_STATUS);
  b->stype = 0;
  if (v != NULL && (v->type == HR_V_NUM || v->type == HR_V_BOOL)) {
    if (v->num == floor(v->num) && fabs(v->num) < 9e15) {
      b->stype = 1;
      b->si = (int64_t)v->num;
    } else if (isfinite(v->num)) {
      b->stype = 2;
      b->sd = v->num;
    }
  } else if (v != NULL && v->type == HR_V_STR) {
    b->stype = 3;
    b->slen = copy_text(b->status, sizeof b->status, v->sv.p, v->sv.n);
  }
  v = event_get(ev, HR_F_PATH);
  b->has_path = v != NULL && (v->type == HR_V_STR || v->sv.p != NULL);
  if (b->has_path)
    b->plen = copy_text(b->path, sizeof b->path, v->sv.p != NULL ? v->sv.p : "", v->sv.p != NULL ? v->sv.n : 0);
  v = event_get(ev, HR_F_DURATION);
  b->has_dur = v != NULL && v->type == HR_V_NUM && isfinite(v->num);
  b->dur = b->has_dur ? v->num : 0;
  b->llen = copy_text(b->line, sizeof b->line, line, len);
}

void details_hook(void *ctx, size_t j, const struct hr_event *ev, const char *line, size_t len, int good) {
  struct hr_details *d = ctx;
  if (j >= d->nslo)
    return;
  if (d->g != NULL)
    gbatch_add(d->g, j, ev, good);
  const struct hr_val *dur = event_get(ev, HR_F_DURATION);
  if (dur != NULL && dur->type == HR_V_NUM) {
    int b = latency_bucket(dur->num);
    if (b >= 0)
      counts_put(&d->m, KEY(j, b), counts_minute(ev->ts_us), 0, 1);
  }
  if (good)
    return;
  struct badheap *bh = &d->bad[j];
  int64_t t = ev->ts_us;
  uint64_t seq = ++d->seq; /* newer than every event kept so far */
  if (bh->e == NULL)
    bh->e = xmalloc(HR_BAD_KEEP * sizeof *bh->e);
  if (bh->n < HR_BAD_KEEP) {
    struct bad *b = &bh->e[bh->n];
    b->t_us = t;
    b->seq = seq;
    fill_bad(b, ev, line, len);
    heap_up(bh->e, bh->n++);
    d->nbad++;
  } else if (bh->e[0].t_us <= t) { /* equal instants: the one read later is newer */
    struct bad *b = &bh->e[0];     /* replaces the oldest kept */
    b->t_us = t;
    b->seq = seq;
    fill_bad(b, ev, line, len);
    heap_down(bh->e, bh->n, 0);
  }
}

/* ------------------------------------------------------------------------ */
/* Writing */

static enum hr_rc db_fail(sqlite3 *db, struct hr_err *err, const char *what) {
  return HR_FAIL(err, HR_ERR_DB, "store: %s: %s", what, sqlite3_errmsg(db));
}

static int step_done(sqlite3_stmt *q) {
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  return rc == SQLITE_DONE;
}

static int upsert_cells(sqlite3_stmt *q, const struct hr_counts *m, const int64_t *ids) {
  for (size_t i = 0; i < m->cap; i++) {
    const struct hr_count_cell *c = &m->c[i];
    if (c->minute == INT64_MIN)
      continue;
    sqlite3_bind_int64(q, 1, ids[c->slo / 64]);
    sqlite3_bind_int64(q, 2, c->minute);
    sqlite3_bind_int(q, 3, (int)(c->slo % 64));
    sqlite3_bind_int64(q, 4, (int64_t)c->valid);
    if (!step_done(q))
      return 0;
  }
  return 1;
}

static int cmp_bad_ptr(const void *a, const void *b) {
  const struct bad *x = *(const struct bad *const *)a, *y = *(const struct bad *const *)b;
  return bad_older(x, y) ? -1 : bad_older(y, x) ? 1 : 0;
}

size_t details_cells(const struct hr_details *d) {
  return d->m.n + (d->g != NULL ? gbatch_cells(d->g) : 0);
}

size_t details_bad_kept(const struct hr_details *d) {
  return d->nbad;
}

enum hr_rc details_write(struct hr_details *d, struct hr_store *st, const int64_t *ids, struct hr_err *err) {
  sqlite3 *db = store_db(st);
  size_t nbad = 0;
  for (size_t j = 0; j < d->nslo; j++)
    nbad += d->bad[j].n;
  if (d->g != NULL) {
    enum hr_rc grc = gbatch_write(d->g, st, ids, err);
    if (grc != HR_OK)
      return grc;
  }
  if (d->m.n == 0 && nbad == 0)
    return HR_OK;
  enum { Q_MIN, Q_HOUR, Q_INS, Q_TRIM, NQ };
  static const char *const sql[NQ] = {
      [Q_MIN] = "INSERT INTO latency(slo_id, t, b, n) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT(slo_id, t, b) DO UPDATE SET n = n + excluded.n",
      [Q_HOUR] = "INSERT INTO latency_hour(slo_id, t, b, n) VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT(slo_id, t, b) DO UPDATE SET n = n + excluded.n",
      [Q_INS] = "INSERT INTO bad_event(slo_id, t_us, status, path, duration, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      [Q_TRIM] = "DELETE FROM bad_event WHERE id IN (SELECT id FROM bad_event WHERE slo_id = ?1 "
                 "ORDER BY t_us DESC, id DESC LIMIT -1 OFFSET ?2)",
  };
  sqlite3_stmt *q[NQ] = {0};
  enum hr_rc rc = HR_OK;
  for (int i = 0; i < NQ && rc == HR_OK; i++)
    if (sqlite3_prepare_v2(db, sql[i], -1, &q[i], NULL) != SQLITE_OK)
      rc = db_fail(db, err, "details: prepare");
  if (rc == HR_OK && d->m.n > 0) {
    counts_sort(&d->m); /* each SLO's rows together */
    if (!upsert_cells(q[Q_MIN], &d->m, ids))
      rc = db_fail(db, err, "details: latency");
    /* The hour rollup: the batch's minutes summed per hour first. */
    struct hr_counts hm;
    counts_init(&hm, 64);
    for (size_t i = 0; i < d->m.cap && rc == HR_OK; i++)
      if (d->m.c[i].minute != INT64_MIN)
        counts_put(&hm, d->m.c[i].slo, floor_to(d->m.c[i].minute, 3600), 0, d->m.c[i].valid);
    counts_sort(&hm);
    if (rc == HR_OK && !upsert_cells(q[Q_HOUR], &hm, ids))
      rc = db_fail(db, err, "details: latency hour");
    counts_free(&hm);
  }
  struct bad **order = nbad ? xmalloc(nbad * sizeof *order) : NULL;
  for (size_t j = 0; j < d->nslo && rc == HR_OK; j++) {
    struct badheap *bh = &d->bad[j];
    if (bh->n == 0)
      continue;
    for (size_t i = 0; i < bh->n; i++)
      order[i] = &bh->e[i];
    qsort(order, bh->n, sizeof *order, cmp_bad_ptr); /* oldest first: ids grow with time */
    sqlite3_stmt *ins = q[Q_INS];
    for (size_t i = 0; i < bh->n && rc == HR_OK; i++) {
      const struct bad *b = order[i];
      sqlite3_bind_int64(ins, 1, ids[j]);
      sqlite3_bind_int64(ins, 2, b->t_us);
      if (b->stype == 1)
        sqlite3_bind_int64(ins, 3, b->si);
      else if (b->stype == 2)
        sqlite3_bind_double(ins, 3, b->sd);
      else if (b->stype == 3)
        sqlite3_bind_text(ins, 3, b->status, (int)b->slen, SQLITE_STATIC);
      else
        sqlite3_bind_null(ins, 3);
      if (b->has_path)
        sqlite3_bind_text(ins, 4, b->path, (int)b->plen, SQLITE_STATIC);
      else
        sqlite3_bind_null(ins, 4);
      if (b->has_dur)
        sqlite3_bind_double(ins, 5, b->dur);
      else
        sqlite3_bind_null(ins, 5);
      sqlite3_bind_text(ins, 6, b->line, (int)b->llen, SQLITE_STATIC);
      if (!step_done(ins))
        rc = db_fail(db, err, "details: bad event");
    }
    sqlite3_clear_bindings(ins);
    if (rc == HR_OK) {
      sqlite3_bind_int64(q[Q_TRIM], 1, ids[j]);
      sqlite3_bind_int(q[Q_TRIM], 2, HR_BAD_KEEP);
      if (!step_done(q[Q_TRIM]))
        rc = db_fail(db, err, "details: trim bad events");
    }
  }
  free(order);
  for (int i = 0; i < NQ; i++)
    sqlite3_finalize(q[i]);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Reading */

/* Add the rows of table over [from, to) into hist[k * HR_LAT_BUCKETS + b],
 * k = floor((t - base) / step), rows outside [0, npoints) ignored. */
static int read_rows(sqlite3 *db, const char *table, int64_t slo_id, int64_t from, int64_t to, int64_t base,
                     int64_t step, uint64_t *hist, size_t npoints) {
  if (from >= to)
    return 1;
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT t, b, n FROM %s WHERE slo_id = ?1 AND t >= ?2 AND t < ?3", table);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(q, 1, slo_id);
  sqlite3_bind_int64(q, 2, from);
  sqlite3_bind_int64(q, 3, to);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t k = floor_div(sqlite3_column_int64(q, 0) - base, step);
    int b = sqlite3_column_int(q, 1);
    int64_t n = sqlite3_column_int64(q, 2);
    if (k >= 0 && (uint64_t)k < npoints && b >= 0 && b < HR_LAT_BUCKETS && n > 0)
      hist[(size_t)k * HR_LAT_BUCKETS + (size_t)b] += (uint64_t)n;
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE;
}

/* [from, to) onto the grid (base, step): hour rows where whole hours fit
 * in a point (step a multiple of 3600), minute rows elsewhere. */
static int read_range(sqlite3 *db, int64_t slo_id, int64_t from, int64_t to, int64_t base, int64_t step, uint64_t *hist,
                      size_t npoints) {
  int64_t h0 = ceil_to(from, 3600), h1 = floor_to(to, 3600);
  if (step % 3600 != 0 || base % 3600 != 0 || h0 >= h1)
    return read_rows(db, "latency", slo_id, from, to, base, step, hist, npoints);
  return read_rows(db, "latency", slo_id, from, h0, base, step, hist, npoints) &&
         read_rows(db, "latency_hour", slo_id, h0, h1, base, step, hist, npoints) &&
         read_rows(db, "latency", slo_id, h1, to, base, step, hist, npoints);
}

enum hr_rc details_histogram(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, uint64_t *h,
                             struct hr_err *err) {
  sqlite3 *db = store_db(st);
  if (from_s >= to_s)
    return HR_OK;
  /* One point spanning the range: base from_s rounded down to the hour,
   * step large enough to hold it all and a multiple of 3600. */
  int64_t base = floor_to(from_s, 3600);
  int64_t step = ceil_to(to_s - base, 3600);
  if (!read_range(db, slo_id, from_s, to_s, base, step, h, 1))
    return db_fail(db, err, "details: latency");
  return HR_OK;
}

enum hr_rc details_latency_grid(struct hr_store *st, int64_t slo_id, int64_t from_s, int64_t to_s, int64_t step_s,
                                uint64_t **hist, size_t *n, struct hr_err *err) {
  *hist = NULL;
  *n = 0;
  if (step_s <= 0 || from_s >= to_s)
    return HR_OK;
  int64_t base = floor_div(from_s, step_s) * step_s;
  size_t np = (size_t)((to_s - base + step_s - 1) / step_s);
  if (np > 100000)
    return HR_FAIL(err, HR_ERR_TOOBIG, "details: latency: %zu points", np);
  uint64_t *h = xcalloc(np * HR_LAT_BUCKETS, sizeof *h);
  if (!read_range(store_db(st), slo_id, from_s, to_s, base, step_s, h, np)) {
    free(h);
    return db_fail(store_db(st), err, "details: latency");
  }
  *hist = h;
  *n = np;
  return HR_OK;
}

enum hr_rc details_bad_events(struct hr_store *st, int64_t slo_id, int64_t at_us, size_t limit,
                              struct hr_bad_event **out, size_t *n, struct hr_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT t_us, status, path, duration, line FROM bad_event WHERE slo_id = ?1 AND t_us < ?3 "
                         "ORDER BY t_us DESC, id DESC LIMIT ?2",
                         -1, &q, NULL) != SQLITE_OK)
    return db_fail(db, err, "details: bad events");
  sqlite3_bind_int64(q, 1, slo_id);
  sqlite3_bind_int64(q, 2, (int64_t)limit);
  sqlite3_bind_int64(q, 3, at_us);
  struct hr_bad_event *v = xcalloc(limit ? limit : 1, sizeof *v);
  size_t k = 0;
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW && k < limit) {
    struct hr_bad_event *e = &v[k++];
    e->t_us = sqlite3_column_int64(q, 0);
    switch (sqlite3_column_type(q, 1)) {
    case SQLITE_INTEGER:
      e->status_kind = HR_BADST_INT;
      e->status_i = sqlite3_column_int64(q, 1);
      break;
    case SQLITE_FLOAT:
      e->status_kind = HR_BADST_NUM;
      e->status_f = sqlite3_column_double(q, 1);
      break;
    case SQLITE_NULL: e->status_kind = HR_BADST_NULL; break;
    default:
      e->status_kind = HR_BADST_TEXT;
      e->status_s = xstrndup((const char *)sqlite3_column_text(q, 1), (size_t)sqlite3_column_bytes(q, 1));
    }
    if (sqlite3_column_type(q, 2) != SQLITE_NULL)
      e->path = xstrndup((const char *)sqlite3_column_text(q, 2), (size_t)sqlite3_column_bytes(q, 2));
    e->has_duration = sqlite3_column_type(q, 3) != SQLITE_NULL;
    e->duration = e->has_duration ? sqlite3_column_double(q, 3) : 0;
    const char *line = (const char *)sqlite3_column_text(q, 4);
    e->line = line ? xstrndup(line, (size_t)sqlite3_column_bytes(q, 4)) : xstrdup("");
  }
  sqlite3_finalize(q);
  if (r != SQLITE_ROW && r != SQLITE_DONE) {
    details_bad_events_free(v, k);
    return db_fail(db, err, "details: bad events");
  }
  *out = v;
  *n = k;
  return HR_OK;
}

void details_bad_events_free(struct hr_bad_event *v, size_t n) {
  for (size_t i = 0; v != NULL && i < n; i++) {
    free(v[i].status_s);
    free(v[i].path);
    free(v[i].line);
  }
  free(v);
}

/* ------------------------------------------------------------------------ */
/* The threshold in a good filter */

static int word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

double details_threshold(const char *f) {
  if (f == NULL)
    return NAN;
  for (const char *p = strstr(f, "duration"); p != NULL; p = strstr(p + 1, "duration")) {
    if ((p > f && (word_char(p[-1]) || p[-1] == '.')) || word_char(p[8]))
      continue;
    const char *s = p + 8;
    while (*s == ' ' || *s == '\t')
      s++;
    if (*s != '<')
      continue;
    s++;
    if (*s == '=')
      s++;
    while (*s == ' ' || *s == '\t')
      s++;
    if (!(*s >= '0' && *s <= '9') && *s != '.')
      continue;
    char *end = NULL;
    double x = strtod(s, &end);
    if (end == s || !isfinite(x))
      continue;
    double mul = 1;
    if (strncmp(end, "ms", 2) == 0)
      mul = 1e-3, end += 2;
    else if (strncmp(end, "us", 2) == 0)
      mul = 1e-6, end += 2;
    else if (*end == 's')
      mul = 1, end++;
    else if (*end == 'm')
      mul = 60, end++;
    else if (*end == 'h')
      mul = 3600, end++;
    if (word_char(*end))
      continue; /* "10days", "5mb": not a duration we know */
    return x * mul;
  }
  return NAN;
}
