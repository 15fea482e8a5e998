/* test_detail.c -- latency histograms and bad events (store/detail.h):
 * bucket bounds, percentiles against a brute-force nearest-rank percentile
 * on random durations within the documented error (a factor 10^(1/8) above
 * 1 ms, 1 ms below), the hook's batch written in a transaction (rolled back:
 * nothing), the hour rollup, retention of the latest HR_BAD_KEEP bad events,
 * line cutting, the JSON, the threshold in a filter, and the v2 -> v3
 * migration of an existing store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>
#include <sqlite3.h>

#include "core/jw.h"
#include "store/detail.h"
#include "store/store.h"
#include "util/xmalloc.h"
#include "tmp_store.h"

#define T0 INT64_C(1700006400) /* 2023-11-15T00:00:00Z, a whole UTC day */
#define US INT64_C(1000000)

static const double FACTOR = 1.3335214321633240; /* 10^(1/8) */

/* ---- helpers ---- */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_u64(void) { /* xorshift64: reproducible */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static double unif(void) {
  return ((double)(next_u64() >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) {
  return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted x[0..n). */
static double exact_q(const double *x, size_t n, double q) {
  size_t k = (size_t)ceil(q * (double)n - 1e-9);
  if (k < 1)
    k = 1;
  return x[k - 1];
}

static int64_t q_int(struct hr_store *st, const char *sql) {
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

/* An event at t_us with a duration (NAN: none), a status and a path. */
static void mk_event(struct hr_event *ev, int64_t t_us, double dur, int status, const char *path) {
  event_reset(ev);
  ev->ts_us = t_us;
  if (!isnan(dur))
    event_set_num(ev, HR_F_DURATION, dur, NULL, 0);
  if (status >= 0)
    event_set_num(ev, HR_F_STATUS, status, NULL, 0);
  if (path != NULL)
    event_set_str(ev, HR_F_PATH, path, strlen(path));
}

static void write_commit(struct hr_details *d, struct hr_store *st, const int64_t *ids) {
  struct hr_err err = {0};
  assert_int_equal(store_begin(st, &err), HR_OK);
  if (details_write(d, st, ids, &err) != HR_OK)
    fail_msg("details_write: %s", err.msg);
  assert_int_equal(store_commit(st, &err), HR_OK);
  details_clear(d);
}

/* ---- buckets ---- */

static void test_buckets(void **state) {
  (void)state;
  assert_int_equal(latency_bucket(-0.001), -1);
  assert_int_equal(latency_bucket(NAN), -1);
  assert_int_equal(latency_bucket(0), 0);
  assert_int_equal(latency_bucket(0.000999), 0);
  assert_int_equal(latency_bucket(0.001), 1);
  assert_int_equal(latency_bucket(0.0013), 1);  /* < 1.3335 ms */
  assert_int_equal(latency_bucket(0.00134), 2); /* >= 1.3335 ms */
  assert_int_equal(latency_bucket(0.0099), 8);
  assert_int_equal(latency_bucket(0.010), 9); /* one decade up: 8 buckets later */
  assert_int_equal(latency_bucket(0.5), 22);  /* [0.4217, 0.5623): 1 ms * 10^(21/8) */
  assert_int_equal(latency_bucket(1.0), 25);
  assert_int_equal(latency_bucket(9999), 56);
  assert_int_equal(latency_bucket(10000), 57);
  assert_int_equal(latency_bucket(1e12), 57);
  assert_true(latency_bucket_lo(0) == 0);
  assert_true(fabs(latency_bucket_hi(0) - 0.001) < 1e-15);
  assert_true(isinf(latency_bucket_hi(HR_LAT_BUCKETS - 1)));
  assert_true(latency_bucket_lo(HR_LAT_BUCKETS - 1) == 1e4);
  assert_true(isnan(latency_bucket_lo(HR_LAT_BUCKETS)));
  for (int b = 1; b < HR_LAT_BUCKETS - 1; b++) {
    double lo = latency_bucket_lo(b), hi = latency_bucket_hi(b);
    assert_true(fabs(lo / (0.001 * pow(10, (b - 1) / 8.0)) - 1) < 1e-12);
    assert_true(fabs(hi / lo - FACTOR) < 1e-9);
    assert_int_equal(latency_bucket(lo), b);
    assert_int_equal(latency_bucket(nextafter(lo, 0)), b - 1);
    assert_int_equal(latency_bucket(nextafter(hi, 0)), b);
  }
}

/* Hand-computed percentiles. */
static void test_quantile_small(void **state) {
  (void)state;
  uint64_t h[HR_LAT_BUCKETS] = {0};
  assert_true(isnan(latency_quantile(h, 0.5)));
  h[25] = 10; /* ten events in [1, 1.33352) s */
  double w = FACTOR - 1;
  assert_true(fabs(latency_quantile(h, 0.5) - (1 + 0.5 * w)) < 1e-12);
  assert_true(fabs(latency_quantile(h, 0.99) - (1 + 0.99 * w)) < 1e-12);
  assert_true(fabs(latency_quantile(h, 1.0) - FACTOR) < 1e-12);
  h[0] = 10; /* ten more in [0, 1 ms): p50 (rank 10) is the top of bucket 0 */
  assert_true(fabs(latency_quantile(h, 0.5) - 0.001) < 1e-15);
  assert_true(fabs(latency_quantile(h, 0.25) - 0.0005) < 1e-15);
  assert_true(fabs(latency_quantile(h, 0.75) - (1 + 0.5 * w)) < 1e-12);
  h[57] = 20; /* overflow: reported as its lower bound */
  assert_true(latency_quantile(h, 0.99) == 1e4);
  assert_true(isnan(latency_quantile(h, 0)));
  assert_true(isnan(latency_quantile(h, 1.5)));
}

/* Against sorted random durations: the estimate lies in the exact
 * percentile's bucket, within the documented error. */
static void test_quantile_vs_bruteforce(void **state) {
  (void)state;
  static const size_t sizes[] = {1, 2, 3, 7, 20, 100, 1000, 20000};
  static const double qs[] = {0.5, 0.9, 0.95, 0.99, 0.999};
  double worst = 0, sum_err = 0;
  size_t nerr = 0;
  for (int dist = 0; dist < 5; dist++) {
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
      size_t n = sizes[si];
      double *x = xmalloc(n * sizeof *x);
      uint64_t h[HR_LAT_BUCKETS] = {0};
      for (size_t i = 0; i < n; i++) {
        double v;
        switch (dist) {
        case 0: v = exp(log(0.120) + 0.6 * normal()); break;                 /* log-normal around 120 ms */
        case 1: v = unif() * 2.0; break;                                     /* uniform 0..2 s */
        case 2: v = unif() < 0.9 ? 0.02 + 0.01 * unif() : 3 + unif(); break; /* bimodal */
        case 3: v = -log(unif()) * 0.0008; break;                            /* exponential, mostly < 1 ms */
        default: v = exp(log(30) + 3 * normal()); break;                     /* very wide: ms .. hours */
        }
        x[i] = v;
        h[latency_bucket(v)]++;
      }
      qsort(x, n, sizeof *x, cmp_double);
      for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        double want = exact_q(x, n, qs[k]), got = latency_quantile(h, qs[k]);
        int bw = latency_bucket(want);
        if (bw == HR_LAT_BUCKETS - 1) {
          assert_true(got == 1e4);
          continue;
        }
        /* got may equal the top of want's bucket (the rank at its end) */
        assert_true(got >= latency_bucket_lo(bw) && got <= latency_bucket_hi(bw));
        if (want < 0.001) {
          assert_true(fabs(got - want) <= 0.001);
        } else {
          double r = got > want ? got / want : want / got;
          if (!(r <= FACTOR + 1e-12))
            fail_msg("dist %d n %zu q %g: got %g, want %g", dist, n, qs[k], got, want);
          if (r - 1 > worst)
            worst = r - 1;
          if (n >= 1000) {
            sum_err += r - 1;
            nerr++;
          }
        }
      }
      free(x);
    }
  }
  print_message("percentile error above 1 ms: worst %.1f%%, mean %.2f%% for n >= 1000\n", worst * 100,
                nerr ? sum_err / (double)nerr * 100 : 0.0);
  assert_true(nerr > 0 && sum_err / (double)nerr < 0.05); /* what docs/internals/store.md says */
}

/* ---- the batch and the store ---- */

static void test_histograms_written(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  int64_t ids[2] = {slo(st, "a"), slo(st, "b")};
  struct hr_details *d = details_new(2);
  struct hr_event *ev = xmalloc(sizeof *ev);
  /* 6 hours of events for SLO 0, one every 7 s, in two batches; SLO 1: none with a duration. */
  enum { N = 6 * 3600 / 7 };
  double *dur = xmalloc(N * sizeof *dur);
  int64_t *ts = xmalloc(N * sizeof *ts);
  for (int i = 0; i < N; i++) {
    ts[i] = (T0 + 7 * (int64_t)i) * US + 123456;
    dur[i] = exp(log(0.2) + normal());
    mk_event(ev, ts[i], dur[i], 200, "/x");
    details_hook(d, 0, ev, "l", 1, 1);
    mk_event(ev, ts[i], NAN, 200, "/x");
    details_hook(d, 1, ev, "l", 1, 1);
    if (i == N / 2)
      write_commit(d, st, ids);
  }
  write_commit(d, st, ids);
  assert_int_equal(q_int(st, "SELECT sum(n) FROM latency WHERE slo_id = 1"), N);
  assert_int_equal(q_int(st, "SELECT sum(n) FROM latency_hour WHERE slo_id = 1"), N);
  assert_int_equal(q_int(st, "SELECT count(*) FROM latency WHERE slo_id = 2"), 0);
  assert_int_equal(q_int(st, "SELECT count(*) FROM latency WHERE t % 60 != 0"), 0);
  assert_int_equal(q_int(st, "SELECT count(*) FROM latency_hour WHERE t % 3600 != 0"), 0);
  /* Every hour row is the sum of its minutes. */
  assert_int_equal(q_int(st, "SELECT count(*) FROM latency_hour h WHERE n != (SELECT sum(n) FROM latency m "
                             "WHERE m.slo_id = h.slo_id AND m.b = h.b AND m.t >= h.t AND m.t < h.t + 3600)"),
                   0);
  /* details_histogram over ragged ranges (minutes + hours) = the events in them, bucket by bucket. */
  static const int64_t ranges[][2] = {
      {0, 6 * 3600}, {1800, 5 * 3600 + 1800}, {60, 120}, {3540, 7260}, {100 * 60, 101 * 60}};
  for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
    uint64_t got[HR_LAT_BUCKETS] = {0}, want[HR_LAT_BUCKETS] = {0};
    struct hr_err err = {0};
    assert_int_equal(details_histogram(st, ids[0], T0 + ranges[r][0], T0 + ranges[r][1], got, &err), HR_OK);
    for (int i = 0; i < N; i++)
      if (ts[i] >= (T0 + ranges[r][0]) * US && ts[i] < (T0 + ranges[r][1]) * US)
        want[latency_bucket(dur[i])]++;
    assert_memory_equal(got, want, sizeof got);
  }
  /* The hourly grid: 6 points, each the histogram of its hour's events. */
  uint64_t *grid = NULL;
  size_t np = 0;
  assert_int_equal(details_latency_grid(st, ids[0], T0, T0 + 6 * 3600, 3600, &grid, &np, NULL), HR_OK);
  assert_int_equal(np, 6);
  for (size_t k = 0; k < np; k++) {
    uint64_t want[HR_LAT_BUCKETS] = {0};
    for (int i = 0; i < N; i++)
      if (ts[i] >= (T0 + 3600 * (int64_t)k) * US && ts[i] < (T0 + 3600 * (int64_t)(k + 1)) * US)
        want[latency_bucket(dur[i])]++;
    assert_memory_equal(grid + k * HR_LAT_BUCKETS, want, sizeof want);
  }
  free(grid);
  /* A ragged grid (step 7m, range starting mid-step): points are the step's
   * intervals cut to the range. */
  assert_int_equal(details_latency_grid(st, ids[0], T0 + 600, T0 + 3600, 420, &grid, &np, NULL), HR_OK);
  int64_t base = (T0 + 600) / 420 * 420;
  assert_int_equal(np, (size_t)((T0 + 3600 - base + 419) / 420));
  uint64_t sum = 0;
  for (size_t k = 0; k < np * HR_LAT_BUCKETS; k++)
    sum += grid[k];
  int in = 0;
  for (int i = 0; i < N; i++)
    in += ts[i] >= (T0 + 600) * US && ts[i] < (T0 + 3600) * US;
  assert_int_equal(sum, (uint64_t)in);
  free(grid);
  assert_int_equal(details_latency_grid(st, ids[1], T0, T0 + 6 * 3600, 3600, &grid, &np, NULL), HR_OK);
  for (size_t k = 0; k < np * HR_LAT_BUCKETS; k++)
    assert_int_equal(grid[k], 0); /* no durations */
  free(grid);

  /* A rolled-back batch leaves nothing (exactly once with the counts). */
  mk_event(ev, T0 * US, 0.1, 500, "/y");
  details_hook(d, 0, ev, "rolled back", 11, 0);
  struct hr_err err = {0};
  assert_int_equal(store_begin(st, &err), HR_OK);
  assert_int_equal(details_write(d, st, ids, &err), HR_OK);
  store_rollback(st);
  details_clear(d);
  assert_int_equal(q_int(st, "SELECT sum(n) FROM latency WHERE slo_id = 1"), N);
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event"), 0);
  details_free(d);
  free(ev);
  free(dur);
  free(ts);
  store_close(st);
}

static void test_bad_retention(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  int64_t ids[2] = {slo(st, "a"), slo(st, "b")};
  struct hr_details *d = details_new(2);
  struct hr_event *ev = xmalloc(sizeof *ev);
  char line[64];
  /* SLO 0: 330 bad events in 3 batches, the middle batch older than the first;
   * good events in between are never kept. The latest 100 by time are
   * events 230..329. SLO 1: 5. */
  static const int order[3][2] = {{100, 200}, {0, 100}, {200, 330}};
  for (int b = 0; b < 3; b++) {
    for (int i = order[b][0]; i < order[b][1]; i++) {
      snprintf(line, sizeof line, "bad %d", i);
      mk_event(ev, (T0 + i) * US, i / 1000.0, 500 + i % 4, "/p");
      details_hook(d, 0, ev, line, strlen(line), 0);
      mk_event(ev, (T0 + i) * US, 0.001, 200, "/p");
      details_hook(d, 0, ev, "good", 4, 1);
      if (b == 0 && i < 105) {
        snprintf(line, sizeof line, "b1 %d", i);
        mk_event(ev, (T0 + i) * US, NAN, -1, NULL);
        details_hook(d, 1, ev, line, strlen(line), 0);
      }
    }
    write_commit(d, st, ids);
    assert_true(q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 1") <= HR_BAD_KEEP);
  }
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 1"), HR_BAD_KEEP);
  assert_int_equal(q_int(st, "SELECT min(t_us) FROM bad_event WHERE slo_id = 1"), (T0 + 230) * US);
  assert_int_equal(q_int(st, "SELECT max(t_us) FROM bad_event WHERE slo_id = 1"), (T0 + 329) * US);
  assert_int_equal(
      q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 1 AND line != 'bad ' || (t_us / 1000000 - 1700006400)"),
      0);
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 2"), 5);
  assert_int_equal(
      q_int(st,
            "SELECT count(*) FROM bad_event WHERE slo_id = 2 AND status IS NULL AND path IS NULL AND duration IS NULL"),
      5);

  /* Equal instants: the one read later is the newer. */
  for (int i = 0; i < HR_BAD_KEEP + 1; i++) {
    snprintf(line, sizeof line, "same %d", i);
    mk_event(ev, (T0 + 1000) * US, 1, 503, "/q");
    details_hook(d, 1, ev, line, strlen(line), 0);
  }
  write_commit(d, st, ids);
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 2"), HR_BAD_KEEP);
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 2 AND line = 'same 0'"), 0);
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event WHERE slo_id = 2 AND line = 'same 100'"), 1);

  /* Read back: newest first, with their fields, before the instant only. */
  struct hr_bad_event *be = NULL;
  size_t nb = 0;
  assert_int_equal(details_bad_events(st, ids[0], INT64_MAX, 3, &be, &nb, NULL), HR_OK);
  assert_int_equal(nb, 3);
  for (size_t i = 0; i < nb; i++) {
    int k = 329 - (int)i;
    char want[32];
    snprintf(want, sizeof want, "bad %d", k);
    assert_int_equal(be[i].t_us, (T0 + k) * US);
    assert_int_equal(be[i].status_kind, HR_BADST_INT);
    assert_int_equal(be[i].status_i, 500 + k % 4);
    assert_string_equal(be[i].path, "/p");
    assert_true(be[i].has_duration && fabs(be[i].duration - k / 1000.0) < 1e-12);
    assert_string_equal(be[i].line, want);
  }
  details_bad_events_free(be, nb);
  /* As of T0 + 300 s: the latest before it are 299, 298, ... */
  assert_int_equal(details_bad_events(st, ids[0], (T0 + 300) * US, HR_BAD_KEEP, &be, &nb, NULL), HR_OK);
  assert_int_equal(nb, 70); /* 230..299 */
  assert_int_equal(be[0].t_us, (T0 + 299) * US);
  assert_int_equal(be[69].t_us, (T0 + 230) * US);
  details_bad_events_free(be, nb);
  assert_int_equal(details_bad_events(st, ids[1], INT64_MAX, 1, &be, &nb, NULL), HR_OK);
  assert_int_equal(nb, 1);
  assert_int_equal(be[0].status_kind, HR_BADST_INT);
  details_bad_events_free(be, nb);
  details_free(d);
  free(ev);
  store_close(st);
}

static void test_bad_line_text(void **state) {
  (void)state;
  struct hr_store *st = open_ok(":memory:");
  int64_t ids[1] = {slo(st, "a")};
  struct hr_details *d = details_new(1);
  struct hr_event *ev = xmalloc(sizeof *ev);
  /* 3000 bytes: 'x' then "é" (2 bytes) straddling byte 2045, a stray 0xff. */
  char *big = xmalloc(3000);
  memset(big, 'x', 3000);
  big[10] = (char)0xff;
  big[2044] = (char)0xc3;
  big[2045] = (char)0xa9;
  mk_event(ev, T0 * US + 1500, 2.5, -1, NULL);
  event_set_str(ev, HR_F_STATUS, "failed", 6);
  details_hook(d, 0, ev, big, 3000, 0);
  write_commit(d, st, ids);
  sqlite3_stmt *q = NULL;
  assert_int_equal(
      sqlite3_prepare_v2(store_db(st), "SELECT line, status, typeof(status), t_us FROM bad_event", -1, &q, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  const unsigned char *l = sqlite3_column_text(q, 0);
  int n = sqlite3_column_bytes(q, 0);
  /* 2044 bytes, then the é does not fit before the ellipsis: 2044 + 3 */
  assert_int_equal(n, 2047);
  assert_int_equal(l[10], '?');
  assert_memory_equal(l + 2044, "\xe2\x80\xa6", 3);
  assert_string_equal((const char *)sqlite3_column_text(q, 1), "failed");
  assert_string_equal((const char *)sqlite3_column_text(q, 2), "text");
  assert_int_equal(sqlite3_column_int64(q, 3), T0 * US + 1500);
  sqlite3_finalize(q);
  free(big);
  details_free(d);
  free(ev);
  store_close(st);
}

static void test_threshold(void **state) {
  (void)state;
  assert_true(fabs(details_threshold("path == \"/api\" && status < 400 && duration < 800ms") - 0.8) < 1e-12);
  assert_true(fabs(details_threshold("duration <= 0.3") - 0.3) < 1e-12);
  assert_true(details_threshold("status == \"succeeded\" && duration < 10m") == 600);
  assert_true(details_threshold("duration<2s") == 2);
  assert_true(details_threshold("duration < 1h") == 3600);
  assert_true(isnan(details_threshold("status < 500")));
  assert_true(isnan(details_threshold("max_duration < 3")));
  assert_true(isnan(details_threshold("duration > 3")));
  assert_true(isnan(details_threshold("duration < 5mb")));
  assert_true(isnan(details_threshold(NULL)));
}

/* A store written by schema v2 (v3's tables, v4's alert.kind, v5's sources,
 * v6's incidents and v8's alert labels absent, user_version 2) keeps its counts and positions when this version opens
 * it, and gains both. */
static void test_migration_v2_to_v3(void **state) {
  (void)state;
  struct tmp t;
  tmp_make(&t);
  struct hr_store *st = open_ok(t.db);
  int64_t id = slo(st, "p");
  struct hr_err err = {0};
  assert_int_equal(store_add(st, id, T0, 9, 10, &err), HR_OK);
  struct hr_filepos pos = {.fp_hash = 42, .fp_len = 1024, .offset = 4096, .lines = 40, .malformed = 2};
  assert_int_equal(store_file_put(st, "/var/log/a.log", &pos, &err), HR_OK);
  assert_int_equal(sqlite3_exec(store_db(st),
                                "DROP TABLE latency; DROP TABLE latency_hour; DROP TABLE bad_event; "
                                "DROP TABLE alert; CREATE TABLE alert (slo TEXT NOT NULL, condition TEXT NOT NULL, "
                                "severity TEXT NOT NULL, state TEXT NOT NULL, since INTEGER NOT NULL, fired_at "
                                "INTEGER, resolved_at INTEGER, value REAL, updated INTEGER NOT NULL, PRIMARY KEY "
                                "(slo, condition)) WITHOUT ROWID; "
                                "INSERT INTO alert VALUES ('p', 'red', 'page', 'firing', 60, 60, NULL, 20.5, 120); "
                                "ALTER TABLE alert_event DROP COLUMN labels; "
                                "DROP TABLE source; DROP TABLE source_field; "
                                "DROP TABLE incident; DROP TABLE grp; "
                                "PRAGMA user_version = 2;",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  store_close(st);
  /* Read-only opens refuse to migrate. */
  st = NULL;
  assert_int_equal(store_open_ro(t.db, &st, &err), HR_ERR_DB);
  assert_non_null(strstr(err.msg, "schema version 2, need 8"));
  st = open_ok(t.db);
  assert_int_equal(q_int(st, "PRAGMA user_version"), 8);
  assert_int_equal(q_int(st, "SELECT count(*) FROM pragma_table_info('alert') WHERE name = 'kind'"), 1);
  /* v8: the alert kept, as its SLO's own (no group labels) */
  assert_int_equal(q_int(st, "SELECT count(*) FROM alert WHERE slo = 'p' AND labels = '' AND state = 'firing' "
                             "AND value = 20.5 AND updated = 120"),
                   1);
  assert_int_equal(q_int(st, "SELECT count(*) FROM pragma_table_info('alert_event') WHERE name = 'labels'"), 1);
  assert_int_equal(q_int(st, "SELECT count(*) FROM pragma_table_info('incident') WHERE name = 'labels'"), 1);
  assert_int_equal(q_int(st, "SELECT count(*) FROM sqlite_master WHERE name IN ('latency', 'latency_hour', "
                             "'bad_event', 'bad_event_slo_t')"),
                   4);
  uint64_t g, v;
  assert_int_equal(store_sums(st, id, T0, T0 + 60, &g, &v, &err), HR_OK);
  assert_int_equal(g, 9);
  assert_int_equal(v, 10);
  struct hr_filepos got;
  int found = 0;
  assert_int_equal(store_file_get(st, "/var/log/a.log", &got, &found, &err), HR_OK);
  assert_int_equal(found, 1);
  assert_int_equal(got.offset, 4096);
  /* and takes details from now on */
  struct hr_details *d = details_new(1);
  struct hr_event *ev = xmalloc(sizeof *ev);
  mk_event(ev, T0 * US, 0.2, 500, "/a");
  details_hook(d, 0, ev, "x", 1, 0);
  write_commit(d, st, &id);
  assert_int_equal(q_int(st, "SELECT count(*) FROM bad_event"), 1);
  assert_int_equal(q_int(st, "SELECT sum(n) FROM latency"), 1);
  details_free(d);
  free(ev);
  store_close(st);
  tmp_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buckets),
      cmocka_unit_test(test_quantile_small),
      cmocka_unit_test(test_quantile_vs_bruteforce),
      cmocka_unit_test(test_histograms_written),
      cmocka_unit_test(test_bad_retention),
      cmocka_unit_test(test_bad_line_text),
      cmocka_unit_test(test_threshold),
      cmocka_unit_test(test_migration_v2_to_v3),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
