/* gen_bench.c -- deterministic access logs of a requested size for the
 * throughput benchmark (bench/run.sh).
 *
 *   gen_bench --format nginx|alb --bytes SIZE --out FILE [--seed N] [--days N]
 *
 * nginx lines use the combined format with the request time appended:
 *
 *   log_format bench '$remote_addr - $remote_user [$time_local] "$request" '
 *                    '$status $body_bytes_sent "$http_referer" '
 *                    '"$http_user_agent" $request_time';
 *
 * ALB lines carry the same traffic in the documented AWS field order (30
 * fields). Both spread the lines evenly over --days (default 28) ending at
 * 2026-11-01T00:00:00Z, so a 28-day SLO window holds all of them. Same
 * options, same bytes: an own PRNG (splitmix64), no clock. SIZE takes K, M,
 * G suffixes (powers of 1024); writing stops at the first line that reaches
 * it. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "rng.h"

#define US 1000000LL
#define DAY_US (86400 * US)

/* 2026-11-01T00:00:00Z in microseconds (days_from_civil(2026, 11, 1) = 20758). */
#define END_US (20758LL * DAY_US)

struct tm_ {
  int y, mo, d, h, mi, s, us;
};

static void split_time(int64_t t, struct tm_ *o) {
  int64_t days = t / DAY_US, rem = t % DAY_US;
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  o->y = (int)y;
  o->mo = (int)mo;
  o->d = (int)d;
  o->h = (int)(rem / (3600 * US));
  o->mi = (int)(rem / (60 * US) % 60);
  o->s = (int)(rem / US % 60);
  o->us = (int)(rem % US);
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static const char *const uas[] = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 "
    "Safari/605.1.15",
    "SoulSync/4.12.0 (iPhone; iOS 18.0; Scale/3.00)",
    "SoulSync/4.11.2 (Android 14; Pixel 8)",
    "curl/8.5.0",
};
#define NUAS (sizeof uas / sizeof uas[0])

struct req {
  const char *method;
  char target[160]; /* path and query */
  int status;
  long bytes;
  double secs;
};

/* One request: the route mix the bench SLOs filter on. */
static void make_req(struct rng *r, struct req *q) {
  double u = rng_unif(r);
  q->method = "GET";
  if (u < 0.30) {
    snprintf(q->target, sizeof q->target, "/api/v1/matches?limit=20&cursor=%08llx",
             (unsigned long long)(rng_next(r) & 0xffffffffULL));
    q->secs = 0.05 + 0.25 * rng_unif(r) + (rng_unif(r) < 0.01 ? 1.2 * rng_unif(r) : 0);
  } else if (u < 0.45) {
    q->method = "POST";
    snprintf(q->target, sizeof q->target, "/api/v1/matches/%llu/swipe",
             (unsigned long long)(rng_below(r, 900000) + 100000));
    q->secs = 0.01 + 0.05 * rng_unif(r);
  } else if (u < 0.57) {
    snprintf(q->target, sizeof q->target, "/api/v1/profile%s", rng_unif(r) < 0.5 ? "?fields=photos,prefs" : "");
    q->secs = 0.02 + 0.2 * rng_unif(r) + (rng_unif(r) < 0.02 ? 0.5 : 0);
  } else if (u < 0.67) {
    q->method = "POST";
    snprintf(q->target, sizeof q->target, "/api/v1/chat/send");
    q->secs = 0.005 + 0.08 * rng_unif(r) + (rng_unif(r) < 0.005 ? 0.4 : 0);
  } else if (u < 0.70) {
    q->method = rng_unif(r) < 0.7 ? "GET" : "POST";
    snprintf(q->target, sizeof q->target, "/api/v1/reports/%llu", (unsigned long long)rng_below(r, 100000));
    q->secs = 0.05 + 0.4 * rng_unif(r);
  } else {
    static const char *const st[] = {"/static/js/app.7c41e2.js",
                                     "/static/css/app.19ab03.css",
                                     "/static/img/logo.svg",
                                     "/static/img/hero@2x.webp",
                                     "/favicon.ico",
                                     "/index.html"};
    snprintf(q->target, sizeof q->target, "%s", st[rng_below(r, 6)]);
    q->secs = 0.001 * (double)rng_below(r, 8);
  }
  double s = rng_unif(r);
  q->status = s < 0.004   ? 500 + (int)rng_below(r, 2) * 2 /* 500, 502 */
              : s < 0.006 ? 504
              : s < 0.03  ? 404
              : s < 0.04  ? 304
                          : 200;
  q->bytes = q->status == 304 ? 0 : q->status >= 400 ? 150 + (long)rng_below(r, 200) : 300 + (long)rng_below(r, 30000);
}

static int write_nginx(FILE *f, struct rng *r, int64_t t, const struct req *q) {
  struct tm_ tm;
  split_time(t, &tm);
  uint64_t ip = rng_next(r);
  return fprintf(
      f, "%u.%u.%u.%u - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %ld \"%s\" \"%s\" %.3f\n",
      (unsigned)(ip & 0x7f) + 1, (unsigned)(ip >> 8 & 0xff), (unsigned)(ip >> 16 & 0xff),
      (unsigned)(ip >> 24 & 0xfe) + 1, tm.d, months[tm.mo - 1], tm.y, tm.h, tm.mi, tm.s, q->method, q->target,
      q->status, q->bytes, rng_unif(r) < 0.7 ? "-" : "https://soulsync.ai/", uas[rng_below(r, NUAS)], q->secs);
}

static int write_alb(FILE *f, struct rng *r, int64_t t, const struct req *q) {
  struct tm_ tm, tc;
  split_time(t, &tm);
  split_time(t - (int64_t)(q->secs * (double)US), &tc);
  uint64_t ip = rng_next(r);
  int failed = q->status == 502 || q->status == 504;
  char tpt[24], tst[8];
  if (failed) {
    snprintf(tpt, sizeof tpt, "-1");
    snprintf(tst, sizeof tst, "-");
  } else {
    snprintf(tpt, sizeof tpt, "%.3f", q->secs);
    snprintf(tst, sizeof tst, "%d", q->status % 1000);
  }
  return fprintf(
      f,
      "h2 %04d-%02d-%02dT%02d:%02d:%02d.%06dZ app/bench/50dc6c495c0c9188 %u.%u.%u.%u:%u 10.0.1.%u:8080 "
      "0.000031 %s %s %d %s %u %ld \"%s https://api.soulsync.ai:443%s HTTP/2.0\" \"%s\" "
      "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
      "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/bench/73e2d6bc24d8a067 "
      "\"Root=1-%08llx-%012llx\" \"api.soulsync.ai\" \"-\" 10 "
      "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ \"forward\" \"-\" \"-\" \"10.0.1.%u:8080\" \"%s\" \"-\" \"-\" -\n",
      tm.y, tm.mo, tm.d, tm.h, tm.mi, tm.s, tm.us, (unsigned)(ip & 0x7f) + 1, (unsigned)(ip >> 8 & 0xff),
      (unsigned)(ip >> 16 & 0xff), (unsigned)(ip >> 24 & 0xfe) + 1, (unsigned)(ip >> 32 & 0x7fff) + 1024,
      (unsigned)(ip >> 48 & 0x7f) + 10, tpt, failed ? "-1" : "0.000024", q->status, tst,
      200 + (unsigned)rng_below(r, 300), q->bytes, q->method, q->target, uas[rng_below(r, NUAS)],
      (unsigned long long)(t / US) & 0xffffffffULL, (unsigned long long)(rng_next(r) & 0xffffffffffffULL), tc.y, tc.mo,
      tc.d, tc.h, tc.mi, tc.s, tc.us, (unsigned)(ip >> 48 & 0x7f) + 10, tst);
}

static int parse_size(const char *s, long long *out) {
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (errno || e == s || v < 0)
    return -1;
  double mul = 1;
  if (*e == 'K' || *e == 'k')
    mul = 1024.0, e++;
  else if (*e == 'M' || *e == 'm')
    mul = 1024.0 * 1024, e++;
  else if (*e == 'G' || *e == 'g')
    mul = 1024.0 * 1024 * 1024, e++;
  if (*e == 'i')
    e++;
  if (*e == 'B')
    e++;
  if (*e)
    return -1;
  *out = (long long)(v * mul);
  return 0;
}

static void usage(FILE *f) {
  fprintf(f, "usage: gen_bench --format nginx|alb --bytes SIZE --out FILE [--seed N] [--days N]\n\n"
             "Deterministic access logs for bench/run.sh. nginx lines are combined + \" $request_time\".\n"
             "SIZE: bytes, or with a K/M/G suffix (powers of 1024). FILE '-' is standard output.\n");
}

int main(int argc, char **argv) {
  const char *fmt = "nginx", *out = NULL;
  long long bytes = 64LL << 20;
  unsigned long long seed = 42;
  long days = 28;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "gen_bench: %s: missing value\n", a);
      return 2;
    }
    const char *v = argv[++i];
    char *e;
    errno = 0;
    if (strcmp(a, "--format") == 0) {
      fmt = v;
    } else if (strcmp(a, "--out") == 0) {
      out = v;
    } else if (strcmp(a, "--bytes") == 0) {
      if (parse_size(v, &bytes)) {
        fprintf(stderr, "gen_bench: --bytes: not a size: %s\n", v);
        return 2;
      }
    } else if (strcmp(a, "--seed") == 0) {
      seed = strtoull(v, &e, 10);
      if (errno || *e || !*v) {
        fprintf(stderr, "gen_bench: --seed: not a number: %s\n", v);
        return 2;
      }
    } else if (strcmp(a, "--days") == 0) {
      days = strtol(v, &e, 10);
      if (errno || *e || days < 1 || days > 3660) {
        fprintf(stderr, "gen_bench: --days: expected 1..3660: %s\n", v);
        return 2;
      }
    } else {
      fprintf(stderr, "gen_bench: unknown option %s\n", a);
      usage(stderr);
      return 2;
    }
  }
  int alb = strcmp(fmt, "alb") == 0;
  if (!alb && strcmp(fmt, "nginx") != 0) {
    fprintf(stderr, "gen_bench: --format: nginx or alb, not %s\n", fmt);
    return 2;
  }
  if (!out) {
    usage(stderr);
    return 2;
  }
  FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
  if (!f) {
    fprintf(stderr, "gen_bench: %s: %s\n", out, strerror(errno));
    return 2;
  }
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  struct rng r = {seed * 0x2545f4914f6cdd1dULL + 1};
  /* Spread the lines over the days: estimate the count from a typical size. */
  double avg = alb ? 540.0 : 194.0;
  double nlines = (double)bytes / avg;
  if (nlines < 1)
    nlines = 1;
  double step = (double)(days * DAY_US) / nlines;
  int64_t start = END_US - days * DAY_US;
  long long written = 0, lines = 0;
  double tt = (double)start;
  while (written < bytes) {
    struct req q;
    make_req(&r, &q);
    int64_t t = (int64_t)tt;
    if (t >= END_US)
      t = END_US - 1;
    int n = alb ? write_alb(f, &r, t, &q) : write_nginx(f, &r, t, &q);
    if (n < 0)
      break;
    written += n;
    lines++;
    tt += step * (0.5 + rng_unif(&r));
  }
  if (ferror(f) || (f != stdout && fclose(f) != 0)) {
    fprintf(stderr, "gen_bench: %s: write failed\n", out);
    return 2;
  }
  fprintf(stderr, "gen_bench: %s: %lld lines, %lld bytes (%s)\n", out, lines, written, alb ? "alb" : "nginx");
  return 0;
}
