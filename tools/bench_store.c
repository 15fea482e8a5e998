/* bench_store.c -- how fast the store answers "status of every SLO".
 *
 * Creates a store in a fresh directory under /tmp (removed at the end unless
 * --keep), fills it with N SLOs and 12 weeks of minute counts, then times,
 * for every SLO, store_sums() over the 12-week window and the lookbacks
 * 5m 30m 1h 2h 6h 1d 3d, all ending at a fixed "now" that is not on a whole
 * hour (so every window has ragged minute edges). Results are checked
 * against sums computed while generating the data.
 *
 * Data shape (see bench/store.md): every minute is written for the last
 * DENSE days and for the first day of the window -- the only places the
 * queries read minute rows -- and one minute in every K elsewhere (K = 1
 * writes every minute everywhere). Each SLO gets a row in every hour and day
 * as long as K <= 60, so the day and hour rollups are as full as with
 * complete data.
 *
 *   bench_store [-n SLOS] [-k K] [-d DENSE_DAYS] [-r RUNS] [--keep]
 *
 * A bench may read the clock; tests may not. */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "store/store.h"
#include "util/xmalloc.h"

#define NOW_S INT64_C(1709300220) /* 2024-03-01T13:37:00Z */
#define DAY_S INT64_C(86400)
#define WINDOW_S (84 * DAY_S) /* 12 weeks */

static const struct {
  const char *name;
  int64_t seconds;
} windows[] = {
    {"12w", WINDOW_S}, {"5m", 300},   {"30m", 1800}, {"1h", 3600},
    {"2h", 7200},      {"6h", 21600}, {"1d", DAY_S}, {"3d", 3 * DAY_S},
};
#define NWIN (sizeof windows / sizeof windows[0])

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= UINT64_C(0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= UINT64_C(0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return x;
}

static int arg_long(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end != '\0' || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int die(const char *what, const struct hr_err *err) {
  fprintf(stderr, "bench_store: %s: %s\n", what, err->msg);
  return 2;
}

static int64_t scalar(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  int64_t v = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return v;
}

static int64_t file_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int main(int argc, char **argv) {
  long nslo = 1000, k = 60, dense_days = 4, runs = 5;
  int keep = 0;
  for (int i = 1; i < argc; i++) {
    long *dst = NULL, lo = 1, hi = 1000000;
    if (strcmp(argv[i], "-n") == 0)
      dst = &nslo;
    else if (strcmp(argv[i], "-k") == 0)
      dst = &k, hi = 60;
    else if (strcmp(argv[i], "-d") == 0)
      dst = &dense_days, lo = 0, hi = 84;
    else if (strcmp(argv[i], "-r") == 0)
      dst = &runs, hi = 1000;
    else if (strcmp(argv[i], "--keep") == 0) {
      keep = 1;
      continue;
    }
    if (dst == NULL || i + 1 >= argc || arg_long(argv[++i], lo, hi, dst) != 0) {
      fprintf(stderr, "usage: bench_store [-n SLOS] [-k K (1..60)] [-d DENSE_DAYS (0..84)] [-r RUNS] [--keep]\n");
      return 2;
    }
  }

  char dir[] = "/tmp/hr_bench_XXXXXX";
  if (mkdtemp(dir) == NULL) {
    perror("bench_store: mkdtemp");
    return 2;
  }
  char *path = xasprintf("%s/bench.db", dir);
  struct hr_err err = {0};
  struct hr_store *st = NULL;
  int rc = 0;
  if (store_open(path, &st, &err) != HR_OK)
    return die("open", &err);

  /* ---- fill ---- */
  const int64_t start = NOW_S - WINDOW_S, dense_from = NOW_S - dense_days * DAY_S;
  uint64_t *want = xcalloc((size_t)nslo * NWIN * 2, sizeof *want); /* [slo][win][good, valid] */
  int64_t *ids = xcalloc((size_t)nslo, sizeof *ids);
  uint64_t adds = 0;
  double t0 = now_ms();
  for (long i = 0; i < nslo; i++) {
    char name[32];
    snprintf(name, sizeof name, "slo-%04ld", i);
    if (store_begin(st, &err) != HR_OK || store_slo_id(st, name, &ids[i], &err) != HR_OK)
      return die("slo", &err);
    for (int64_t t = start; t < NOW_S; t += 60) {
      int dense = t >= dense_from || t < start + DAY_S;
      if (!dense && (t / 60 + i) % k != 0)
        continue;
      uint64_t h = mix((uint64_t)i * UINT64_C(1000003) ^ (uint64_t)t);
      uint64_t valid = 20 + h % 100, good = valid - (h % 13 == 0 ? (h >> 8) % 6 : 0);
      if (store_add(st, ids[i], t, good, valid, &err) != HR_OK)
        return die("add", &err);
      adds++;
      for (size_t w = 0; w < NWIN; w++)
        if (t >= NOW_S - windows[w].seconds) {
          want[((size_t)i * NWIN + w) * 2] += good;
          want[((size_t)i * NWIN + w) * 2 + 1] += valid;
        }
    }
    if (store_commit(st, &err) != HR_OK)
      return die("commit", &err);
  }
  double fill_ms = now_ms() - t0;
  store_close(st);

  int64_t minutes = scalar(path, "SELECT count(*) FROM minute");
  int64_t hours = scalar(path, "SELECT count(*) FROM hour");
  int64_t days = scalar(path, "SELECT count(*) FROM day");
  int64_t size = file_size(path);
  char *wal = xasprintf("%s-wal", path);
  int64_t wal_size = file_size(wal);
  free(wal);

  /* ---- status of every SLO, read-only as report/serve would ---- */
  if (store_open_ro(path, &st, &err) != HR_OK)
    return die("open_ro", &err);
  double first_ms = 0, best_ms = 1e30, sum_ms = 0, best_cpu_ms = 1e30;
  uint64_t checked = 0;
  for (long r = 0; r < runs; r++) {
    double a = now_ms(), c = cpu_ms();
    /* One read transaction: every figure of a status from one snapshot. */
    if (store_begin(st, &err) != HR_OK)
      return die("begin", &err);
    for (long i = 0; i < nslo; i++)
      for (size_t w = 0; w < NWIN; w++) {
        uint64_t g, v;
        if (store_sums(st, ids[i], NOW_S - windows[w].seconds, NOW_S, &g, &v, &err) != HR_OK)
          return die("sums", &err);
        if (g != want[((size_t)i * NWIN + w) * 2] || v != want[((size_t)i * NWIN + w) * 2 + 1]) {
          fprintf(stderr, "bench_store: %s of slo %ld: %" PRIu64 "/%" PRIu64 " != %" PRIu64 "/%" PRIu64 "\n",
                  windows[w].name, i, g, v, want[((size_t)i * NWIN + w) * 2], want[((size_t)i * NWIN + w) * 2 + 1]);
          rc = 1;
        }
        checked++;
      }
    if (store_commit(st, &err) != HR_OK)
      return die("commit", &err);
    double ms = now_ms() - a, cms = cpu_ms() - c;
    if (cms < best_cpu_ms)
      best_cpu_ms = cms;
    if (r == 0)
      first_ms = ms;
    if (ms < best_ms)
      best_ms = ms;
    sum_ms += ms;
  }
  store_close(st);

  printf("slos               %ld\n", nslo);
  printf("data               every minute in the last %ld d and the first day of the window, 1 in %ld "
         "minutes elsewhere\n",
         dense_days, k);
  printf("store_add calls    %" PRIu64 " (%.0f per second, 3 upserts each, one transaction per SLO)\n", adds,
         (double)adds / (fill_ms / 1e3));
  printf("rows               minute %" PRId64 ", hour %" PRId64 ", day %" PRId64 "\n", minutes, hours, days);
  printf("file size          %.1f MiB (+ wal %.1f MiB)\n", (double)size / 1048576.0, (double)wal_size / 1048576.0);
  printf("fill time          %.1f s\n", fill_ms / 1e3);
  printf("status, all SLOs   %zu windows each (12w 5m 30m 1h 2h 6h 1d 3d), %" PRIu64 " sums checked\n", NWIN, checked);
  printf("  first run        %.1f ms\n", first_ms);
  printf("  best of %-3ld      %.1f ms (%.2f us per store_sums)\n", runs, best_ms,
         best_ms * 1e3 / (double)(nslo * (long)NWIN));
  printf("  mean             %.1f ms\n", sum_ms / (double)runs);
  printf("  best CPU time    %.1f ms (less sensitive to other load on the machine)\n", best_cpu_ms);
  printf("result             %s\n", rc == 0 ? "all sums exact" : "MISMATCH");

  if (!keep) {
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
      char *p = xasprintf("%s%s", path, suffix[i]);
      unlink(p);
      free(p);
    }
    rmdir(dir);
  } else {
    printf("kept               %s\n", path);
  }
  free(path);
  free(want);
  free(ids);
  return rc;
}
