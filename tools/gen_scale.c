/* gen_scale.c -- the inputs of the scale benchmark (bench/scale.md): a
 * configuration of 1,000 SLOs (100 services x 10), a store holding 28 days
 * of their minute counts, and an nginx log whose lines feed all of them.
 *
 *   gen_scale config DIR [--services N]    DIR/scale.yaml (db: DIR/headroom.db)
 *   gen_scale store DB [--services N] [--days D] [--fill PCT]
 *   gen_scale log FILE --bytes N[K|M|G] [--services N]
 *
 * Everything is deterministic (splitmix64 with fixed seeds) and ends at
 * 2026-11-01T00:00:00Z, the instant the benchmark evaluates at. In the store,
 * each SLO has traffic in about PCT % of its minutes (default 27: 11 M
 * SLO-minutes for 1,000 SLOs over 28 days), 1..60 valid events each, rare
 * bad ones; one SLO in 32 burns over its last two hours (a fifth of its
 * events bad), so alerts fire and some SLOs are red. The DataSource's record
 * says its newest event is at the last minute, so no SLO reads as stale.
 *
 * SLO svcNN-eK (K = 0..9) counts path /svcNN/eK: even K availability
 * (status < 500, target 99.9 %), odd K latency (duration < 300ms, 99 %). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "rng.h"
#include "store/source.h"
#include "store/store.h"
#include "util/xmalloc.h"

#define END_S INT64_C(1793491200) /* 2026-11-01T00:00:00Z */
#define SLOS_PER_SERVICE 10

static int usage(void) {
  fprintf(stderr, "usage: gen_scale config DIR [--services N]\n"
                  "       gen_scale store DB [--services N] [--days D] [--fill PCT]\n"
                  "       gen_scale log FILE --bytes N[K|M|G] [--services N]\n");
  return 2;
}

static int arg_num(const char *s, long long lo, long long hi, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  long long mul = 1;
  if (*end == 'K' || *end == 'k')
    mul = 1024, end++;
  else if (*end == 'M' || *end == 'm')
    mul = 1048576, end++;
  else if (*end == 'G' || *end == 'g')
    mul = 1073741824, end++;
  if (errno || end == s || *end != '\0' || v < lo || v > hi / mul)
    return -1;
  *out = v * mul;
  return 0;
}

static int write_config(const char *dir, long services) {
  char *path = xasprintf("%s/scale.yaml", dir);
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "gen_scale: %s: %s\n", path, strerror(errno));
    free(path);
    return 2;
  }
  fprintf(f,
          "# The scale benchmark's configuration (tools/gen_scale.c, bench/scale.md):\n"
          "# %ld services x %d SLOs over one nginx log.\n"
          "apiVersion: openslo/v1\nkind: DataSource\nmetadata:\n  name: scale-nginx\n"
          "spec:\n  type: headroom.logs\n  connectionDetails:\n    format: nginx\n"
          "    logFormat: '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
          "\"$http_referer\" \"$http_user_agent\" $request_time'\n"
          "    paths: [\"logs/access.log\"]\n",
          services, SLOS_PER_SERVICE);
  fprintf(f, "---\napiVersion: openslo/v1\nkind: AlertCondition\nmetadata:\n  name: fast-burn\n"
             "spec:\n  severity: page\n  condition:\n    kind: burnrate\n    op: gt\n    threshold: 14.4\n"
             "    lookbackWindow: 1h\n"
             "---\napiVersion: openslo/v1\nkind: AlertCondition\nmetadata:\n  name: slow-burn\n"
             "spec:\n  severity: ticket\n  condition:\n    kind: burnrate\n    op: gt\n    threshold: 6\n"
             "    lookbackWindow: 6h\n"
             "---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: burn\nspec:\n"
             "  alertWhenBreaching: true\n  alertWhenResolved: true\n  conditions:\n"
             "    - conditionRef: fast-burn\n    - conditionRef: slow-burn\n");
  for (long s = 0; s < services; s++)
    fprintf(f,
            "---\napiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: svc%02ld\nspec:\n"
            "  description: scale benchmark service %ld\n",
            s, s);
  for (long s = 0; s < services; s++)
    for (int k = 0; k < SLOS_PER_SERVICE; k++) {
      int lat = k % 2;
      fprintf(f,
              "---\napiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: svc%02ld-e%d\nspec:\n  service: svc%02ld\n"
              "  indicator:\n    metadata:\n      name: svc%02ld-e%d\n    spec:\n      ratioMetric:\n"
              "        counter: true\n"
              "        good:\n          metricSource:\n            metricSourceRef: scale-nginx\n"
              "            type: headroom.logs\n            spec:\n"
              "              filter: 'path == \"/svc%02ld/e%d\" && %s'\n"
              "        total:\n          metricSource:\n            metricSourceRef: scale-nginx\n"
              "            type: headroom.logs\n            spec:\n"
              "              filter: 'path == \"/svc%02ld/e%d\"'\n"
              "  timeWindow:\n    - duration: 28d\n      isRolling: true\n  budgetingMethod: Occurrences\n"
              "  objectives:\n    - target: %s\n  alertPolicies:\n    - alertPolicyRef: burn\n",
              s, k, s, s, k, s, k, lat ? "duration < 300ms" : "status < 500", s, k, lat ? "0.99" : "0.999");
    }
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (bad)
    fprintf(stderr, "gen_scale: writing %s failed\n", path);
  free(path);
  return bad ? 2 : 0;
}

static int die(const char *what, const struct hr_err *err) {
  fprintf(stderr, "gen_scale: %s: %s\n", what, err->msg);
  return 2;
}

static int write_store(const char *db, long services, long days, long fill) {
  struct hr_err err = {0};
  struct hr_store *st = NULL;
  if (store_open(db, &st, &err) != HR_OK)
    return die("open", &err);
  int64_t start = END_S - days * 86400;
  uint64_t rows = 0, events = 0;
  long nslo = services * SLOS_PER_SERVICE;
  for (long i = 0; i < nslo; i++) {
    char name[32];
    snprintf(name, sizeof name, "svc%02ld-e%ld", i / SLOS_PER_SERVICE, i % SLOS_PER_SERVICE);
    struct rng r = {UINT64_C(0x5ca1e) + (uint64_t)i * UINT64_C(7919)};
    int burning = i % 32 == 7;
    int64_t id;
    if (store_begin(st, &err) != HR_OK || store_slo_id(st, name, &id, &err) != HR_OK)
      return die("slo", &err);
    for (int64_t t = start; t < END_S; t += 60) {
      int last = t == END_S - 60; /* every SLO has its last minute: fresh data */
      if (!last && (long)rng_below(&r, 100) >= fill)
        continue;
      uint64_t valid = 1 + rng_below(&r, 60), bad = rng_below(&r, 64) == 0 ? 1 : 0;
      if (burning && t >= END_S - 7200)
        bad = valid / 5;
      if (store_add(st, id, t, valid - bad, valid, &err) != HR_OK)
        return die("add", &err);
      rows++;
      events += valid;
    }
    if (store_commit(st, &err) != HR_OK)
      return die("commit", &err);
  }
  const char *fields[] = {"duration", "path", "status"};
  int64_t field_last[] = {(END_S - 60) * 1000000, (END_S - 60) * 1000000, (END_S - 60) * 1000000};
  struct hr_source_batch b = {.lines = events,
                              .last_event_us = (END_S - 60) * 1000000,
                              .nfields = 3,
                              .fields = fields,
                              .field_last_us = field_last};
  if (store_begin(st, &err) != HR_OK || store_source_add(st, "scale-nginx", &b, &err) != HR_OK ||
      store_commit(st, &err) != HR_OK)
    return die("source", &err);
  store_close(st);
  printf("gen_scale: %ld SLOs, %" PRIu64 " SLO-minutes, %" PRIu64 " events over %ld days into %s\n", nslo, rows, events,
         days, db);
  return 0;
}

static int write_log(const char *path, long long bytes, long services) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "gen_scale: %s: %s\n", path, strerror(errno));
    return 2;
  }
  static const char *const agents[] = {"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0",
                                       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"};
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct rng r = {UINT64_C(0x10c5ca1e)};
  /* Spread over the 28 days before END_S: estimate ~150 bytes a line. */
  long long lines = bytes / 150 + 1, written = 0;
  double step = 28.0 * 86400.0 / (double)lines;
  for (long long n = 0; written < bytes; n++) {
    int64_t t = END_S - 28 * 86400 + (int64_t)((double)n * step);
    if (t >= END_S)
      t = END_S - 1;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    long svc = (long)rng_below(&r, (uint64_t)services), ep = (long)rng_below(&r, SLOS_PER_SERVICE);
    uint64_t x = rng_below(&r, 1000);
    int status = x < 2 ? 503 : x < 4 ? 500 : x < 30 ? 404 : 200;
    double dur = (double)(5 + rng_below(&r, 200)) / 1000.0;
    if (rng_below(&r, 100) == 0)
      dur += 0.5;
    int len = fprintf(f,
                      "10.%u.%u.%u - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"GET /svc%02ld/e%ld HTTP/1.1\" %d %u "
                      "\"-\" \"%s\" %.3f\n",
                      (unsigned)rng_below(&r, 256), (unsigned)rng_below(&r, 256), (unsigned)rng_below(&r, 256),
                      tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, svc, ep, status,
                      (unsigned)(200 + rng_below(&r, 5000)), agents[rng_below(&r, 3)], dur);
    if (len < 0)
      break;
    written += len;
  }
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (bad) {
    fprintf(stderr, "gen_scale: writing %s failed\n", path);
    return 2;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return usage();
  long long services = 100, days = 28, fill = 27, bytes = -1;
  for (int i = 3; i < argc; i++) {
    long long *dst = NULL, lo = 1, hi = 1000;
    if (strcmp(argv[i], "--services") == 0)
      dst = &services, hi = 100;
    else if (strcmp(argv[i], "--days") == 0)
      dst = &days, hi = 400;
    else if (strcmp(argv[i], "--fill") == 0)
      dst = &fill, hi = 100;
    else if (strcmp(argv[i], "--bytes") == 0)
      dst = &bytes, hi = INT64_C(1) << 40;
    if (dst == NULL || i + 1 >= argc || arg_num(argv[++i], lo, hi, dst) != 0)
      return usage();
  }
  if (strcmp(argv[1], "config") == 0)
    return write_config(argv[2], (long)services);
  if (strcmp(argv[1], "store") == 0)
    return write_store(argv[2], (long)services, (long)days, (long)fill);
  if (strcmp(argv[1], "log") == 0 && bytes > 0)
    return write_log(argv[2], bytes, (long)services);
  return usage();
}
