/* test_series.c -- the ring of minute buckets (series.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/series.h"

#define MIN_US 60000000LL

static void test_index_floor(void **state) {
  (void)state;
  static const struct {
    int64_t phase_us, ts_us, k, start_us;
  } cases[] = {
      {0, 0, 0, 0},
      {0, MIN_US - 1, 0, 0},
      {0, MIN_US, 1, MIN_US},
      {0, -1, -1, -MIN_US}, /* floor(-1/60e6) = -1, not 0 */
      {0, -MIN_US, -1, -MIN_US},
      {0, -MIN_US - 1, -2, -2 * MIN_US},
      {30000000, 29999999, -1, -30000000}, /* phase 30 s: bucket -1 is [-30 s, 30 s) */
      {30000000, 30000000, 0, 30000000},
      {30000000, 90000000, 1, 90000000},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_series s;
    series_init(&s, MIN_US, cases[i].phase_us, 4);
    int64_t k = series_index(&s, cases[i].ts_us);
    assert_int_equal(k, cases[i].k);
    assert_int_equal(series_start(&s, k), cases[i].start_us);
    series_reset(&s);
  }
}

static void test_add_and_ring(void **state) {
  (void)state;
  struct hr_series s;
  series_init(&s, MIN_US, 0, 3);
  uint64_t g, v;
  assert_int_equal(series_add(&s, 10 * MIN_US + 5, 1, 1), 0);
  assert_int_equal(series_add(&s, 10 * MIN_US + 7, 0, 1), 0);
  series_get(&s, 10, &g, &v);
  assert_int_equal(g, 1);
  assert_int_equal(v, 2);
  /* advance to 12: ring holds 10..12 */
  assert_int_equal(series_add(&s, 12 * MIN_US, 3, 4), 0);
  assert_int_equal(s.head, 12);
  series_sum(&s, 0, 100, &g, &v);
  assert_int_equal(g, 4);
  assert_int_equal(v, 6);
  /* late event in the ring lands in its bucket */
  assert_int_equal(series_add(&s, 11 * MIN_US + 1, 1, 1), 0);
  series_get(&s, 11, &g, &v);
  assert_int_equal(v, 1);
  /* advance to 13: bucket 10 falls out, 13's slot (was 10's) cleared */
  assert_int_equal(series_add(&s, 13 * MIN_US, 0, 1), 0);
  series_get(&s, 10, &g, &v);
  assert_int_equal(v, 0);
  series_get(&s, 13, &g, &v);
  assert_int_equal(g, 0);
  assert_int_equal(v, 1);
  series_sum(&s, 11, 14, &g, &v); /* 11: 1/1, 12: 3/4, 13: 0/1 */
  assert_int_equal(g, 4);
  assert_int_equal(v, 6);
  series_sum(&s, 12, 13, &g, &v);
  assert_int_equal(g, 3);
  assert_int_equal(v, 4);
  /* too old: dropped by valid (5), or by 1 when valid is 0 */
  assert_int_equal(series_add(&s, 10 * MIN_US, 2, 5), -1);
  assert_int_equal(series_add(&s, 9 * MIN_US, 0, 0), -1);
  assert_int_equal(s.dropped, 6);
  series_sum(&s, 0, 100, &g, &v);
  assert_int_equal(v, 6); /* unchanged */
  /* a jump beyond the ring clears everything */
  assert_int_equal(series_add(&s, 100 * MIN_US, 1, 1), 0);
  series_sum(&s, 0, 101, &g, &v);
  assert_int_equal(g, 1);
  assert_int_equal(v, 1);
  series_get(&s, 101, &g, &v); /* newer than head */
  assert_int_equal(v, 0);
  series_reset(&s);
}

static void test_negative_indices(void **state) {
  (void)state;
  struct hr_series s;
  series_init(&s, MIN_US, 0, 5);
  assert_int_equal(series_add(&s, -3 * MIN_US, 1, 2), 0); /* k = -3 */
  assert_int_equal(series_add(&s, -1, 1, 1), 0);          /* k = -1 */
  assert_int_equal(series_add(&s, 0, 0, 1), 0);           /* k = 0 */
  uint64_t g, v;
  series_get(&s, -3, &g, &v);
  assert_int_equal(v, 2);
  series_get(&s, -1, &g, &v);
  assert_int_equal(v, 1);
  series_sum(&s, -3, 1, &g, &v);
  assert_int_equal(g, 2);
  assert_int_equal(v, 4);
  series_sum(&s, -2, 0, &g, &v);
  assert_int_equal(v, 1);
  series_reset(&s);
}

static void test_no_wrap(void **state) {
  (void)state;
  struct hr_series s;
  series_init(&s, MIN_US, 0, 2);
  assert_int_equal(series_add(&s, 0, UINT32_MAX - 1, UINT32_MAX - 1), 0);
  assert_int_equal(series_add(&s, 1, 1, 1), 0);  /* exactly UINT32_MAX */
  assert_int_equal(series_add(&s, 2, 0, 1), -1); /* would wrap: refused */
  uint64_t g, v;
  series_get(&s, 0, &g, &v);
  assert_int_equal(v, UINT32_MAX);
  assert_int_equal(g, UINT32_MAX);
  assert_int_equal(s.dropped, 1);
  series_reset(&s);
}

/* series_add() takes the head bucket without a division when the instant
 * falls inside it: instants around bucket edges, before and after 1970, with
 * a phase, must land where series_index() says, as a reference ring does. */
static void test_head_fast_path(void **state) {
  (void)state;
  static const int64_t phases[] = {0, 7, 59999999};
  for (size_t pi = 0; pi < sizeof phases / sizeof phases[0]; pi++) {
    for (int64_t base = -3; base <= 3; base += 3) {
      struct hr_series s;
      series_init(&s, 60000000, phases[pi], 8);
      uint64_t want_g[16] = {0}, want_v[16] = {0};
      int64_t k0 = base * 1000 - 2; /* buckets k0 .. k0+5, all held by the ring */
      uint64_t rng = 99;
      for (int i = 0; i < 3000; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        int64_t k = k0 + (int64_t)((rng >> 33) % 6);
        /* first microsecond, last microsecond, or inside the bucket */
        int64_t off = (rng >> 20) % 3 == 0 ? 0 : (rng >> 20) % 3 == 1 ? 59999999 : (int64_t)((rng >> 40) % 60000000);
        int64_t ts = series_start(&s, k) + off;
        assert_int_equal(series_index(&s, ts), k);
        if (i == 0) /* make the newest bucket the head first: nothing is dropped */
          assert_int_equal(series_add(&s, series_start(&s, k0 + 5), 0, 0), 0);
        assert_int_equal(series_add(&s, ts, (uint32_t)(i & 1), 1), 0);
        want_g[k - k0] += (uint64_t)(i & 1);
        want_v[k - k0]++;
      }
      for (int64_t k = k0; k < k0 + 6; k++) {
        uint64_t g, v;
        series_get(&s, k, &g, &v);
        assert_int_equal(g, want_g[k - k0]);
        assert_int_equal(v, want_v[k - k0]);
      }
      series_reset(&s);
    }
  }
}

/* The paged ring against a plain model: random adds (most near the head,
 * some jumping ahead, some too old) into a ring of 100 buckets (3 whole
 * pages and a short one); every bucket and sums over random ranges agree,
 * and pages are held only where the ring holds a count. */
static size_t pages_held(const struct hr_series *s) {
  size_t n = 0;
  for (size_t p = 0; p < s->npages; p++)
    n += s->pages[p] != NULL;
  return n;
}

static void test_paged_model(void **state) {
  (void)state;
  enum { CAP = 100, SPAN = 4000 };
  static uint64_t mg[SPAN], mv[SPAN]; /* the model: counts of absolute bucket k */
  struct hr_series s;
  series_init(&s, 60, 0, CAP);
  assert_int_equal(s.npages, (CAP + HR_SERIES_PAGE - 1) / HR_SERIES_PAGE);
  assert_int_equal(pages_held(&s), 0);
  /* Buckets 0 and 40 (pages 0 and 1), then 139: the head passes all of
   * page 0 (slots 0..31), which is freed; page 1 keeps 40 and gets 139. */
  series_add(&s, 0, 1, 1);
  series_add(&s, 40 * 60, 0, 2);
  assert_int_equal(pages_held(&s), 2);
  series_add(&s, 139 * 60, 3, 3);
  assert_null(s.pages[0]);
  assert_int_equal(pages_held(&s), 1);
  uint64_t g0, v0;
  series_sum(&s, 0, 140, &g0, &v0);
  assert_int_equal(g0, 3);
  assert_int_equal(v0, 5);
  series_reset(&s);
  series_init(&s, 60, 0, CAP);
  uint64_t x = 88172645463325252ULL; /* xorshift64 */
  int64_t head = -1;
  for (int step = 0; step < 20000; step++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int64_t k;
    if (head < 0 || x % 50 == 0)
      k = (head < 0 ? 0 : head) + (int64_t)(x % 300); /* a jump, sometimes past the whole ring */
    else
      k = head - (int64_t)((x >> 8) % 120) + 1; /* near the head; some older than the ring */
    if (k >= SPAN)
      break;
    if (k < 0)
      k = 0;
    uint32_t v = (uint32_t)(x >> 20) % 5, g = v ? (uint32_t)(x >> 30) % (v + 1) : 0;
    int rc = series_add(&s, k * 60 + 7, g, v);
    int64_t nh = k > head ? k : head;
    assert_int_equal(rc, k > nh - CAP ? 0 : -1);
    if (rc == 0) {
      mg[k] += g;
      mv[k] += v;
    }
    head = nh;
    if (step % 97 == 0) {
      size_t held = 0; /* pages with a count in the ring: at most those pages are allocated */
      for (int64_t j = head; j > head - CAP && j >= 0; j--) {
        uint64_t a, b;
        series_get(&s, j, &a, &b);
        assert_int_equal(a, mg[j]);
        assert_int_equal(b, mv[j]);
      }
      for (size_t p = 0; p < s.npages; p++) {
        int any = 0;
        for (size_t o = 0; o < HR_SERIES_PAGE && p * HR_SERIES_PAGE + o < CAP; o++)
          for (int64_t j = head; j > head - CAP && j >= 0; j--)
            if ((size_t)(j % CAP) == p * HR_SERIES_PAGE + o && mv[j] + mg[j] > 0)
              any = 1;
        held += any;
      }
      assert_true(pages_held(&s) <= held + 2); /* the pages the head is in may hold only zeros */
      int64_t a = head - (int64_t)((x >> 3) % 150), b = a + (int64_t)((x >> 11) % 150);
      uint64_t sg, sv, wg = 0, wv = 0;
      series_sum(&s, a, b, &sg, &sv);
      for (int64_t j = a; j < b; j++)
        if (j >= 0 && j > head - CAP && j <= head) {
          wg += mg[j];
          wv += mv[j];
        }
      assert_int_equal(sg, wg);
      assert_int_equal(sv, wv);
    }
  }
  assert_true(head > 10 * CAP);
  series_reset(&s);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(test_index_floor),      cmocka_unit_test(test_add_and_ring),
      cmocka_unit_test(test_negative_indices), cmocka_unit_test(test_no_wrap),
      cmocka_unit_test(test_head_fast_path),   cmocka_unit_test(test_paged_model),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
